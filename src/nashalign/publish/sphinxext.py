"""The book's own Sphinx extension: the ``.ipynb`` download and plain-text docstring types.

Listed in ``book/_config.yml`` as ``nashalign.publish.sphinxext``. Two small jobs:

* **The executed notebook in the download button.** sphinx-book-theme lists a
  page's ``.ipynb`` only when a launch button (Binder, JupyterHub, Colab, ...)
  is configured, and the book configures none (nothing may point at the
  network). :func:`add_ipynb_source` does what the theme would have done: it
  copies the notebook MyST-NB executed for a MyST chapter
  (``jupyter_execute/<page>.ipynb``) into the site's ``_sources/`` and sets the
  page's ``ipynb_source``. The button then offers ``.md`` (the source),
  ``.ipynb`` (the executed notebook, outputs included) and ``.pdf`` (the
  browser's print dialog), all local.
* **Types in docstrings are text.** The API page (``book/api.md``) is built
  with ``-n`` (nitpicky), where every unresolved cross-reference is an error.
  numpy-style types are prose (``ndarray, shape (K,)``, ``path-like,
  optional``), so the book renders them as text, never as references:
  ``napoleon_use_param``/``napoleon_use_rtype`` are off in the config, and
  :func:`plain_types` does the same for the ``Attributes`` sections (napoleon's
  ``:vartype:`` fields) and restores the docstrings of module data and class
  attributes, which napoleon would otherwise split at their first colon into a
  "type" and a description. :func:`resolve_reexport` lets a package docstring
  name what it re-exports: the reference goes to the object's definition.

Examples
--------
>>> executed_notebook("/site/html", "theorem1").as_posix()
'/site/jupyter_execute/theorem1.ipynb'
>>> lines = [":ivar w: the weights", ":vartype w: ndarray, shape (K,)"]
>>> plain_types(None, "class", "x.X", None, {}, lines)
>>> lines
[':ivar w: the weights (*ndarray, shape (K,)*)']
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

__all__ = ["add_ipynb_source", "executed_notebook", "plain_types", "resolve_reexport", "setup"]

_VARTYPE = re.compile(r"^(\s*):vartype (.+?): (.*)$")
_IVAR = re.compile(r"^\s*:ivar (.+?):(\s|$)")
_ORIGINAL: dict[tuple[str, str], list[str]] = {}


def executed_notebook(outdir: str | os.PathLike[str], pagename: str) -> Path:
    """Where MyST-NB leaves the executed notebook of ``pagename`` (beside the HTML output)."""
    return Path(outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"


def add_ipynb_source(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context`` handler: publish the executed notebook of a MyST notebook page."""
    if doctree is None or not str(context.get("sourcename", "")).endswith((".md", ".md.txt")):
        return
    src = executed_notebook(app.outdir, pagename)
    if not src.is_file():
        return  # a plain Markdown page (no code cells): nothing was executed
    dest = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dest)
    context["ipynb_source"] = f"{pagename}.ipynb"


def _keep_original(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Before napoleon: remember the docstring of module data and class attributes."""
    if what in ("data", "attribute", "property"):
        # "|" would start a reST substitution (docstrings write |s| for an absolute value)
        _ORIGINAL[(what, name)] = [line.replace("|", "\\|") for line in lines]


def plain_types(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    """After napoleon: docstring types as text (see the module docstring).

    Each ``:vartype name: T`` is folded into its ``:ivar name:`` line as
    ``(*T*)``; the docstring of module data or a class attribute is put back as
    it was written (``|`` escaped).
    """
    original = _ORIGINAL.pop((what, name), None)
    if original is not None:
        lines[:] = original
        return
    types: dict[str, str] = {}
    kept: list[str] = []
    for line in lines:
        m = _VARTYPE.match(line)
        if m:
            types[m.group(2)] = m.group(3).strip()
        else:
            kept.append(line)
    if not types:
        return
    out: list[str] = []
    pending: str | None = None
    for line in kept:
        m = _IVAR.match(line)
        if m and ", " in m.group(1):
            # "x, y : ndarray" documents two attributes; Sphinx would read "x," as a type
            line = line.replace(m.group(1), m.group(1).replace(", ", ","), 1)
        if m:
            if pending is not None:
                out[-1] += pending
            pending = f" (*{types[m.group(1)]}*)" if m.group(1) in types else None
        elif pending is not None and (not line.strip() or re.match(r"^\s*:", line)):
            out[-1] += pending
            pending = None
        out.append(line)
    if pending is not None:
        out[-1] += pending
    lines[:] = out


def _import_dotted(name: str) -> Any:
    """The object a dotted name refers to (module prefix imported), or None."""
    import importlib

    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def resolve_reexport(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """``missing-reference`` handler: a re-exported name resolves to its definition.

    Package docstrings name what they re-export (``:func:`solve``` in
    ``nashalign.solvers``, ``:func:`nashalign.figures.make_all_figures```); the API
    page documents each object once, where it is defined
    (``nashalign.solvers.iterative.solve``). This resolves such a reference to
    that definition and returns None (the reference stays missing) otherwise.
    """
    if node.get("refdomain") != "py" or not node.get("reftarget"):
        return None
    target = str(node["reftarget"]).lstrip("~.")
    module = node.get("py:module")
    for cand in ([f"{module}.{target}"] if module else []) + [target]:
        obj = _import_dotted(cand)
        mod, qual = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
        if obj is None or not isinstance(mod, str) or not isinstance(qual, str):
            continue
        full = f"{mod}.{qual}"
        if full == cand:
            continue
        py = env.get_domain("py")
        found = py.resolve_xref(
            env, node["refdoc"], app.builder, node["reftype"], full, node, contnode
        )
        if found is not None:
            return found
    return None


def setup(app: Any) -> dict[str, Any]:
    """Register the handlers (Sphinx extension entry point)."""
    app.connect("html-page-context", add_ipynb_source, priority=500)  # before the theme's 501
    app.connect("autodoc-process-docstring", _keep_original, priority=100)  # before napoleon
    app.connect("autodoc-process-docstring", plain_types, priority=900)  # after napoleon
    app.connect("missing-reference", resolve_reexport)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
