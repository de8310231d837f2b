"""The book for teaching (issue 11): citation, general-K boxes, exercises, downloads,
the API page, figure numbering, the kernel transport.

Fast checks of the sources and the configuration; CI builds the book itself
(``nashalign book --strict``), which executes every exercise's checking cell.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nashalign.publish import book as nb
from nashalign.publish import sphinxext

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
THEOREM_CHAPTERS = ["claim1", "lemma0", "theorem1", "lemma2_theorems23", "exclusion"]
AUTHORS = ["Wang", "Pan", "Yang", "Jiang", "Tambe", "Parkes"]
BIB_KEY = "wang2026activealignment"
#: The packages the API page documents, module by module (issue 11).
API_PACKAGES = [
    "nashalign.symbolic",
    "nashalign.derivations",
    "nashalign.exact",
    "nashalign.solvers",
    "nashalign.scoring",
    "nashalign.figures",
    "nashalign.publish",
    "nashalign.studies",
    "nashalign.testing",
]


def _config() -> dict:
    return yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))


def _text(name: str) -> str:
    return (BOOK / name).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- citation


FULL_AUTHORS = [
    "Wang, Tonghan",
    "Pan, Yuqi",
    "Yang, Xinyi",
    "Jiang, Yanchen",
    "Tambe, Milind",
    "Parkes, David C.",
]


def test_the_bibliography_holds_the_paper_with_its_title():
    bib = _text("references.bib")
    entry = re.search(r"@misc\{" + BIB_KEY + r",(.*?)\n\}", bib, flags=re.S)
    assert entry, "the paper's entry is missing"
    body = entry.group(1)
    # full names and the paper's title, as the specification gives them (issue 19)
    assert re.search(r"author = \{" + " and ".join(FULL_AUTHORS) + r"\}", body)
    assert "year = {2026}" in body
    assert "title = {{LLM} Active Alignment: A {N}ash Equilibrium Perspective}" in body
    assert "LLM active alignment" in body


def test_the_intro_cites_the_paper_and_lists_the_references():
    cfg = _config()
    assert cfg["bibtex_bibfiles"] == ["references.bib"]
    assert "sphinxcontrib.bibtex" in cfg["sphinx"]["config"]["extensions"]
    intro = _text("intro.md")
    assert "{cite:p}`" + BIB_KEY + "`" in intro
    assert "```{bibliography}" in intro


def test_the_readme_cites_the_paper_and_keeps_its_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    citing = readme.split("## Citing", 1)[1]
    assert "*LLM Active Alignment: A Nash Equilibrium\nPerspective*" in citing
    assert "Tonghan Wang, Yuqi Pan, Xinyi Yang, Yanchen Jiang, Milind Tambe and" in citing
    assert BIB_KEY in citing
    for marker in ("<!-- demo-command -->", "<!-- test-command -->"):
        block = readme.split(marker, 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
        assert block.startswith(
            "python3 -m venv .venv && .venv/bin/pip install -e '.[dev,scoring,book]'"
        )


# --------------------------------------------------------------------------- theorem boxes


@pytest.mark.parametrize("name", THEOREM_CHAPTERS)
def test_theorem_boxes_show_the_general_statement_and_the_records_scope(name):
    text = _text(f"{name}.md")
    boxes = re.findall(
        r":::\{prf:(?:theorem|lemma)\}[^\n]*\n:label: (\w+)\n(.*?)\n:::\n", text, re.S
    )
    assert boxes
    for label, body in boxes:
        assert "{glue:md} " + label + "_general" in body, label
        assert "{glue:md} " + label + "_scope" in body, label
        # the explicit-K statement stays available, folded, after the box
        assert "{glue:md} " + label + "_statement" in text


def test_general_statements_are_read_off_the_records():
    from nashalign.derivations import derive

    from nashalign.publish.chapters.statements import general_statement_latex, scope_markdown

    for name, kw, want in [
        ("theorem1", {"K": 3}, "M(r) = 2 C + r I"),
        (
            "lemma0",
            {"K": 3},
            r"\nabla_{w_1} u_1 = \beta_{A} a - 2 \beta_{I} C w_1 - \beta_{D} \bar w_{-1}",
        ),
        ("theorem3", {"K": 3, "N": 3}, r"\tilde M(r) = 2 C - \frac{r}{N - 1} I"),
    ]:
        rec = derive(name, **kw)
        latex, left = general_statement_latex(rec)
        assert want in latex, (name, latex)
        assert not left and r"\begin{matrix}" not in latex, name
        assert rec.status in scope_markdown(rec)
    # theorem 3's M(r) does not depend on N (told apart by deriving at N + 1)
    latex, _ = general_statement_latex(derive("theorem3", K=3, N=3))
    assert "M(r) = 2 C + r I" in latex


# --------------------------------------------------------------------------- exercises


def test_sphinx_exercise_is_configured_and_in_the_book_extra():
    cfg = _config()
    assert "sphinx_exercise" in cfg["sphinx"]["config"]["extensions"]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    book_extra = pyproject.split("book = [", 1)[1].split("]", 1)[0]
    assert '"sphinx-exercise' in book_extra


@pytest.mark.parametrize("name", THEOREM_CHAPTERS)
def test_every_theorem_chapter_has_exercises_with_folded_checked_solutions(name):
    text = _text(f"{name}.md")
    labels = re.findall(r":::\{exercise\}\n:label: ([\w-]+)\n", text)
    assert len(labels) >= 2, name
    checked = 0
    for label in labels:
        m = re.search(
            r"```\{solution-start\} " + re.escape(label) + r"\n:class: dropdown\n```\n(.*?)"
            r"```\{solution-end\}\n```",
            text,
            re.S,
        )
        assert m, f"{name}: {label} has no folded solution"
        if "```{code-cell} ipython3" in m.group(1):
            # the check lives in a helper (cells only call): it raises when the hand
            # answer and the library disagree, so the build fails
            assert "chapters.exercise_" in m.group(1), f"{name}: {label}'s cell checks nothing"
            checked += 1
    assert checked >= 1, f"{name}: no solution is checked by a cell"


# --------------------------------------------------------------------------- downloads


def test_the_download_button_is_on_and_loads_nothing():
    sphinx = _config()["sphinx"]["config"]
    assert sphinx["html_theme_options"]["use_download_button"] is True
    assert "nashalign.publish.sphinxext" in sphinx["extensions"]
    # the .ipynb download needs no launch button (they would point at the network)
    assert not any(v for k, v in _config()["launch_buttons"].items() if k.endswith("_url"))


def test_the_executed_notebook_is_published_for_download(tmp_path):
    out = tmp_path / "_build" / "html"
    exe = tmp_path / "_build" / "jupyter_execute"
    exe.mkdir(parents=True)
    (exe / "theorem1.ipynb").write_text("{}", encoding="utf-8")
    app = type("App", (), {"outdir": str(out)})()
    context = {"sourcename": "theorem1.md"}
    sphinxext.add_ipynb_source(app, "theorem1", "page.html", context, doctree=object())
    assert context["ipynb_source"] == "theorem1.ipynb"
    assert (out / "_sources" / "theorem1.ipynb").read_text(encoding="utf-8") == "{}"
    plain = {"sourcename": "developer.md"}
    sphinxext.add_ipynb_source(app, "developer", "page.html", plain, doctree=object())
    assert "ipynb_source" not in plain  # nothing was executed for it


# --------------------------------------------------------------------------- API page


def _api_modules() -> set[str]:
    return set(re.findall(r"^\.\. automodule:: ([\w.]+)$", _text("api.md"), flags=re.M))


def test_the_api_page_documents_every_public_module():
    import nashalign

    documented = _api_modules()
    wanted = {
        "nashalign",
        "nashalign.errors",
        "nashalign.instance",
        "nashalign.io",
        "nashalign.jsonformat",
        "nashalign.model",
        "nashalign.tables",
        "nashalign.validation",
        "nashalign.version",
    }
    for pkg_name in API_PACKAGES:
        pkg = importlib.import_module(pkg_name)
        wanted.add(pkg_name)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg_name + "."):
            if not info.name.rsplit(".", 1)[-1].startswith("_"):
                wanted.add(info.name)
    assert wanted <= documented, f"not on book/api.md: {sorted(wanted - documented)}"
    # every top-level name links to the module that defines it
    api = _text("api.md")
    for name in nashalign.__all__:
        if name != "__version__":
            assert f"`nashalign.{name}" in api, name


def test_the_api_page_is_built_from_numpy_docstrings_without_typed_references():
    sphinx = _config()["sphinx"]["config"]
    assert {"sphinx.ext.autodoc", "sphinx.ext.napoleon"} <= set(sphinx["extensions"])
    assert sphinx["napoleon_numpy_docstring"] is True
    assert sphinx["autodoc_typehints"] == "none"
    assert sphinx["napoleon_use_param"] is False and sphinx["napoleon_use_rtype"] is False
    lines = [":ivar x, y: the axes", ":vartype x, y: ndarray"]
    sphinxext.plain_types(None, "class", "m.C", None, {}, lines)
    assert lines == [":ivar x,y: the axes (*ndarray*)"]


# --------------------------------------------------------------------------- figures


def test_numbered_figures_are_outside_tabs_and_full_width():
    text = _text("experiments.md")
    tabbed = re.findall(r"::::\{tab-set\}\n(.*?)\n::::\n", text, flags=re.S)
    assert tabbed
    for block in tabbed:
        # a figure in a hidden tab must not take a number: the variants are plain
        # {glue} outputs (a {glue:figure} is numbered even without a :name:)
        assert ":name:" not in block and "{glue:figure}" not in block
        assert "```{glue} " in block
    assert len(re.findall(r"```\{glue:figure\} \w+\n:name: fig-", text)) >= 6
    sphinx = _config()["sphinx"]["config"]
    assert sphinx["numfig"] is True
    css = _text("_assets/nashalign.css")
    assert re.search(r"figure img[^{]*\{[^}]*width: 100%", css)


# --------------------------------------------------------------------------- kernel transport


def test_the_chapters_run_in_kernels_over_ipc():
    assert nb.KERNEL_TRANSPORT == "ipc"
    cmd = nb.jupyter_book_command(Path("book"), Path("tmp"), strict=True)
    assert cmd[2] == nb.JUPYTER_BOOK_BOOTSTRAP
    # the bootstrap (up to starting Jupyter Book) makes every kernel manager use IPC
    setup = nb.JUPYTER_BOOK_BOOTSTRAP.split("from jupyter_book")[0]
    probe = setup + "from jupyter_client import KernelManager; print(KernelManager().transport)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ipc"


def test_every_exercise_check_passes_and_fails_on_a_wrong_answer(monkeypatch):
    from nashalign.publish import chapters
    from nashalign.publish.chapters import exercises

    for name in exercises.__all__:
        assert getattr(chapters, name)().endswith("checked"), name
    # a wrong library answer is caught
    monkeypatch.setattr(
        "nashalign.exact.steering.steer", lambda *a, **k: type("R", (), {"r_star": 1})()
    )
    with pytest.raises(chapters.ChapterCheckError):
        exercises.exercise_exclusion_r_star()
