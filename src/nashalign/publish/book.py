r"""Build the nashalign Jupyter Book, and render derivation records for it.

The book lives in ``book/`` at the root of the repository: a Jupyter Book 1.x
project (Sphinx + MyST-NB) whose chapters are MyST Markdown notebooks, executed
at every build. :func:`build_book` runs ``jupyter-book build`` in a subprocess
(``-W -n --keep-going`` when ``strict``) into a staging directory and moves the
HTML into place only when the build succeeded, so a failed build never leaves a
half-built site behind.

Math must render without internet, so the build serves MathJax 3 itself:
:func:`ensure_mathjax` copies MathJax's ``es5`` bundle into ``book/_mathjax/``
(git-ignored), taken from ``$NASHALIGN_MATHJAX``, a system copy, or an
``npm install mathjax@3`` it runs on first use. ``_config.yml`` points Sphinx's
``mathjax_path`` at that copy.

The chapters render the derivation records with :mod:`nashalign.publish.render`.
The kernels that execute them talk to the build over IPC (Unix sockets,
:data:`KERNEL_TRANSPORT`), so no port is opened and no kernel warns about
unencrypted TCP; the book's own Sphinx extension is
:mod:`nashalign.publish.sphinxext`.

Examples
--------
>>> find_book_dir().name
'book'
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nashalign.errors import InputError, NashalignError
from nashalign.io import ensure_writable_dir

#: Environment variable naming the book directory (overrides the search).
BOOK_DIR_ENV = "NASHALIGN_BOOK_DIR"
#: Environment variable naming a MathJax 3 ``es5`` directory (or its npm package).
MATHJAX_ENV = "NASHALIGN_MATHJAX"
#: Environment variable the experiments chapter reads for its output directory.
GENERATED_ENV = "NASHALIGN_BOOK_GENERATED"
#: Set for the kernels when the book reuses a figures directory (chapters.common).
FIGURES_ENV = "NASHALIGN_BOOK_FIGURES"
#: npm package spec installed when no MathJax 3 is found.
MATHJAX_NPM_SPEC = "mathjax@3"
#: The MathJax component the book loads (TeX and MathML input, CommonHTML output).
MATHJAX_ENTRY = "tex-mml-chtml.js"
#: What of MathJax's ``es5`` directory the entry point loads (lazily) at run time.
MATHJAX_PARTS = (MATHJAX_ENTRY, "input", "output", "ui", "a11y", "sre", "adaptors")
#: System locations searched for a MathJax 3 ``es5`` directory.
MATHJAX_SYSTEM_DIRS = (
    "/usr/lib/node_modules/mathjax/es5",
    "/usr/local/lib/node_modules/mathjax/es5",
    "/usr/share/nodejs/mathjax/es5",
    "/usr/share/nodejs/mathjax-full/es5",
    "/usr/share/javascript/mathjax3/es5",
)
#: Where, inside the book, the MathJax copy lives (``html_static_path`` in _config.yml).
MATHJAX_BOOK_SUBDIR = Path("_mathjax") / "static" / "mathjax"

_CDN_PATTERN = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)["']""",
    re.IGNORECASE,
)


class BookBuildError(NashalignError):
    """The book did not build (a chapter failed to execute, or a warning under -W)."""


# --------------------------------------------------------------------------- locate


def _looks_like_book(path: Path) -> bool:
    return (path / "_config.yml").is_file() and (path / "_toc.yml").is_file()


def find_book_dir(book_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the book directory (the one holding ``_config.yml`` and ``_toc.yml``).

    Looks, in order, at ``book_dir``, ``$NASHALIGN_BOOK_DIR``, ``./book`` and
    the ``book/`` beside the source tree of this package (an editable install).

    Raises
    ------
    InputError
        When no book directory is found.

    Examples
    --------
    >>> find_book_dir().name
    'book'
    """
    if book_dir is not None:
        p = Path(book_dir)
        if not _looks_like_book(p):
            raise InputError(f"{p} is not a Jupyter Book directory (no _config.yml and _toc.yml)")
        return p.resolve()
    candidates = []
    if os.environ.get(BOOK_DIR_ENV):
        candidates.append(Path(os.environ[BOOK_DIR_ENV]))
    candidates.append(Path.cwd() / "book")
    candidates.append(Path(__file__).resolve().parents[2] / "book")
    for p in candidates:
        if _looks_like_book(p):
            return p.resolve()
    raise InputError(
        "cannot find the book directory (book/ with _config.yml and _toc.yml); "
        f"run from the repository root or set {BOOK_DIR_ENV}"
    )


def _es5_dir(path: Path) -> Path | None:
    """Return the MathJax 3 ``es5`` directory at or below ``path``, or None."""
    for cand in (path, path / "es5", path / "node_modules" / "mathjax" / "es5"):
        if (cand / MATHJAX_ENTRY).is_file() and mathjax_version(cand).startswith("3"):
            return cand
    return None


def mathjax_version(es5: str | os.PathLike[str]) -> str:
    """Return the MathJax version of an ``es5`` directory ("" when unknown).

    Reads ``package.json`` beside ``es5`` or, failing that, the version string
    compiled into the entry point.

    Examples
    --------
    >>> mathjax_version("/nonexistent")
    ''
    """
    es5 = Path(es5)
    pkg = es5.parent / "package.json"
    try:
        import json

        data = json.loads(pkg.read_text(encoding="utf-8"))
        if data.get("name") in ("mathjax", "mathjax-full") and data.get("version"):
            return str(data["version"])
    except (OSError, ValueError):
        pass
    try:
        head = (es5 / MATHJAX_ENTRY).read_text(encoding="utf-8", errors="replace")[:200_000]
    except OSError:
        return ""
    m = re.search(r'version\s*[:=]\s*"(3\.\d+\.\d+)"', head)
    return m.group(1) if m else ""


def find_mathjax(book_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """Locate a MathJax 3 ``es5`` directory without installing anything.

    Searches ``$NASHALIGN_MATHJAX``, the npm install under ``book/_mathjax/npm``
    (left by an earlier :func:`ensure_mathjax`) and the usual system locations.

    Examples
    --------
    >>> p = find_mathjax()
    >>> p is None or (p / "tex-mml-chtml.js").is_file()
    True
    """
    candidates: list[Path] = []
    if os.environ.get(MATHJAX_ENV):
        env_path = Path(os.environ[MATHJAX_ENV])
        found = _es5_dir(env_path)
        if found is None:
            raise InputError(
                f"{MATHJAX_ENV}={env_path} is not a MathJax 3 directory "
                f"(expected {MATHJAX_ENTRY} in it or in its es5/)"
            )
        return found
    if book_dir is not None:
        candidates.append(Path(book_dir) / "_mathjax" / "npm")
    candidates.extend(Path(p) for p in MATHJAX_SYSTEM_DIRS)
    for cand in candidates:
        found = _es5_dir(cand)
        if found is not None:
            return found
    return None


def install_mathjax(prefix: str | os.PathLike[str], *, npm: str | None = None) -> Path:
    """Run ``npm install mathjax@3`` into ``prefix`` and return its ``es5`` directory.

    Raises
    ------
    InputError
        When npm is missing or the installation fails.
    """
    npm = npm or shutil.which("npm")
    if not npm:
        raise InputError(
            "MathJax 3 is needed to render the book's math offline, and npm is not installed: "
            f"install Node.js/npm, or set {MATHJAX_ENV} to a MathJax 3 es5 directory"
        )
    prefix = Path(prefix)
    prefix.mkdir(parents=True, exist_ok=True)
    cmd = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), MATHJAX_NPM_SPEC]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    es5 = _es5_dir(prefix)
    if proc.returncode != 0 or es5 is None:
        last = (proc.stderr or proc.stdout).strip().splitlines()
        why = last[-1] if last else f"exit code {proc.returncode}"
        raise InputError(f"'npm install {MATHJAX_NPM_SPEC}' failed: {why}")
    return es5


def ensure_mathjax(
    book_dir: str | os.PathLike[str] | None = None,
    *,
    allow_install: bool = True,
    log: Callable[[str], None] | None = None,
) -> Path:
    """Make sure the book serves MathJax 3 itself; return the served entry point.

    Copies the parts of MathJax's ``es5`` directory that the CommonHTML entry
    point loads into ``book/_mathjax/static/mathjax/`` (``_config.yml`` lists
    ``_mathjax/static`` in ``html_static_path`` and sets ``mathjax_path``). The
    copy is reused while its version stamp matches the source.

    Parameters
    ----------
    book_dir : path-like, optional
        The book directory (default: :func:`find_book_dir`).
    allow_install : bool
        Run ``npm install mathjax@3`` into ``book/_mathjax/npm`` when no
        MathJax 3 is found.
    log : callable, optional
        Receives one-line progress messages.

    Returns
    -------
    pathlib.Path
        ``book/_mathjax/static/mathjax/tex-mml-chtml.js``.
    """
    book = find_book_dir(book_dir)
    say = log or (lambda msg: None)
    target = book / MATHJAX_BOOK_SUBDIR
    stamp = target / ".nashalign-mathjax-version"
    source = find_mathjax(book)
    if source is None and (target / MATHJAX_ENTRY).is_file() and stamp.is_file():
        return target / MATHJAX_ENTRY
    if source is None:
        if not allow_install:
            raise InputError(
                f"MathJax 3 not found: set {MATHJAX_ENV} to a MathJax 3 es5 directory "
                "or allow nashalign to run 'npm install mathjax@3'"
            )
        say(f"installing {MATHJAX_NPM_SPEC} with npm into {book / '_mathjax' / 'npm'}")
        source = install_mathjax(book / "_mathjax" / "npm")
    version = mathjax_version(source) or "3"
    wanted = f"{version} {source}"
    if (target / MATHJAX_ENTRY).is_file() and stamp.is_file():
        if stamp.read_text(encoding="utf-8").strip() == wanted:
            return target / MATHJAX_ENTRY
    say(f"copying MathJax {version} from {source} into {target}")
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for part in MATHJAX_PARTS:
        src = source / part
        if src.is_dir():
            shutil.copytree(src, tmp / part)
        elif src.is_file():
            shutil.copy2(src, tmp / part)
    for extra in ("LICENSE",):
        if (source.parent / extra).is_file():
            shutil.copy2(source.parent / extra, tmp / extra)
    (tmp / stamp.name).write_text(wanted + "\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return target / MATHJAX_ENTRY


# --------------------------------------------------------------------------- build


@dataclass
class BookBuild:
    """Where a book build went.

    Attributes
    ----------
    html_dir : pathlib.Path
        The built site (open ``index.html``).
    generated_dir : pathlib.Path
        Figures and CSVs the chapters wrote during the build.
    log_path : pathlib.Path
        The full ``jupyter-book`` log.
    seconds : float
        Wall time of the build.
    strict : bool
        Whether it was built with ``-W -n --keep-going``.
    """

    html_dir: Path
    generated_dir: Path
    log_path: Path
    seconds: float
    strict: bool

    @property
    def index(self) -> Path:
        """The site's entry page."""
        return self.html_dir / "index.html"


def external_assets(html_dir: str | os.PathLike[str]) -> list[str]:
    """List the network URLs that the built pages load (scripts, stylesheets, images).

    Plain hyperlinks (``<a href>``) are not assets and are not listed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "p.html").write_text('<script src="https://cdn.x/m.js"></script><a href="https://y">')
    >>> external_assets(d)
    ['https://cdn.x/m.js']
    """
    found: set[str] = set()
    for page in Path(html_dir).rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        found.update(_CDN_PATTERN.findall(text))
    return sorted(found)


def _build_env(generated: Path, figures: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    # The kernel must use the inline backend; a global MPLBACKEND=Agg would hide figures.
    env.pop("MPLBACKEND", None)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env["TQDM_DISABLE"] = "1"
    env["PYTHONHASHSEED"] = "0"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env[GENERATED_ENV] = str(generated)
    env.pop(FIGURES_ENV, None)
    if figures is not None:
        env[FIGURES_ENV] = str(figures)
    return env


#: The transport of the kernels that execute the chapters. Over TCP (jupyter_client's
#: default) every kernel warns that its traffic is unencrypted; IPC (Unix sockets in the
#: Jupyter runtime directory) is local, needs no ports and prints nothing.
KERNEL_TRANSPORT = "ipc"

#: The ``python -c`` program that runs ``jupyter-book``: MyST-NB starts each kernel
#: through nbclient with an empty traitlets config (no Jupyter config file reaches
#: it), so the default of jupyter_client's ``transport`` trait is set in the build
#: process itself before Jupyter Book starts.
JUPYTER_BOOK_BOOTSTRAP = (
    "import sys; "
    "from jupyter_client.connect import ConnectionFileMixin; "
    f'ConnectionFileMixin.class_traits()["transport"].default_value = "{KERNEL_TRANSPORT}"; '
    "from jupyter_book.cli.main import main; sys.exit(main())"
)


def jupyter_book_command(book: Path, staging: Path, strict: bool) -> list[str]:
    """The ``jupyter-book build`` command line :func:`build_book` runs.

    Examples
    --------
    >>> from pathlib import Path
    >>> jupyter_book_command(Path("book"), Path("tmp"), strict=True)[-5:]
    ['--all', '-W', '-n', '--keep-going', 'book']
    """
    cmd = [
        sys.executable,
        "-c",
        JUPYTER_BOOK_BOOTSTRAP,
        "build",
        "--path-output",
        str(staging),
        "--all",
    ]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    return cmd + [str(book)]


def build_book(
    book_dir: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    *,
    strict: bool = False,
    echo: bool = True,
    allow_mathjax_install: bool = True,
    log: Callable[[str], None] | None = None,
    figures: str | os.PathLike[str] | None = None,
) -> BookBuild:
    """Execute and build the book; return where the HTML went.

    The build runs in ``OUT/.staging`` and, on success, its HTML replaces
    ``OUT/html`` (and the figures it drew ``OUT/generated``); on failure
    ``OUT/html`` is left as it was and :class:`BookBuildError` names the log.

    Parameters
    ----------
    book_dir : path-like, optional
        The book (default: :func:`find_book_dir`).
    out : path-like, optional
        Output directory (default ``book/_build``); checked for writability
        before anything runs.
    strict : bool
        Build with ``-W -n --keep-going``: any warning fails the build, and
        pages that load anything from the network are an error.
    echo : bool
        Stream jupyter-book's output to stdout (it always goes to the log).
    allow_mathjax_install : bool
        Let :func:`ensure_mathjax` run ``npm install mathjax@3``.
    log : callable, optional
        Receives one-line progress messages.
    figures : path-like, optional
        A finished ``nashalign figures`` (or demo ``OUT/figures``) directory: the
        experiments and equilibria chapters show its figures and table instead of
        drawing their own, so the book and that directory agree (checked to hold a
        ``figures-summary.json`` before anything runs).

    Raises
    ------
    InputError
        Bad book or output directory, missing book extra, no MathJax.
    BookBuildError
        The build failed.
    """
    say = log or (lambda msg: None)
    book = find_book_dir(book_dir)
    out_dir = ensure_writable_dir(out if out is not None else book / "_build").resolve()
    try:
        import jupyter_book  # noqa: F401
    except ImportError:
        raise InputError(
            "jupyter-book is not installed: install the book extra (pip install -e '.[book]')"
        ) from None
    figures_dir = None
    if figures is not None:
        from nashalign.figures.make_all import FiguresSummary

        figures_dir = FiguresSummary.load(figures).out_dir.resolve()
    ensure_mathjax(book, allow_install=allow_mathjax_install, log=say)

    staging = out_dir / ".staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    generated = staging / "generated"
    log_path = out_dir / "book-build.log"
    cmd = jupyter_book_command(book, staging, strict)
    say(
        f"executing every chapter of {book} and building {out_dir / 'html'}"
        + (" (strict: -W -n --keep-going)" if strict else "")
        + ("" if echo else f"; a few minutes, log in {log_path}")
    )
    t0 = time.perf_counter()
    rc = _run_logged(cmd, log_path, env=_build_env(generated, figures_dir), cwd=book, echo=echo)
    seconds = time.perf_counter() - t0
    built = staging / "_build" / "html"
    if rc != 0 or not (built / "index.html").is_file():
        raise BookBuildError(
            f"the book did not build (jupyter-book exit code {rc}); see {log_path}"
            + (f" and {built / 'reports'}" if (built / "reports").is_dir() else "")
        )
    remote = external_assets(built)
    if strict and remote:
        raise BookBuildError(
            f"the built pages load {len(remote)} asset(s) from the network, e.g. {remote[0]}"
        )
    _replace_dir(built, out_dir / "html")
    if generated.is_dir():
        _replace_dir(generated, out_dir / "generated")
    shutil.rmtree(staging, ignore_errors=True)
    say(f"built in {seconds:.0f} s: {out_dir / 'html' / 'index.html'}")
    return BookBuild(out_dir / "html", out_dir / "generated", log_path, seconds, strict)


def _replace_dir(new: Path, dest: Path) -> None:
    """Move ``new`` to ``dest``, replacing it with two renames."""
    old = dest.with_name(f".{dest.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        dest.rename(old)
    shutil.move(str(new), str(dest))
    shutil.rmtree(old, ignore_errors=True)


def _run_logged(
    cmd: Sequence[str], log_path: Path, *, env: dict[str, str], cwd: Path, echo: bool
) -> int:
    """Run ``cmd``, teeing its combined output into ``log_path`` (and stdout)."""
    with open(log_path, "w", encoding="utf-8") as fh:
        fh.write("$ " + " ".join(cmd) + "\n")
        fh.flush()
        proc = subprocess.Popen(
            list(cmd),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            text=True,
            errors="replace",
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            fh.write(line)
            if echo:
                sys.stdout.write(line)
                sys.stdout.flush()
        return proc.wait()


# --------------------------------------------------------------------------- render
