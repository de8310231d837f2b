"""Fast tests of the book: configuration, table of contents, chapters, MathJax, the build.

The whole book is *not* built here (CI builds it with ``nashalign book --strict``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nashalign.cli import main
from nashalign.errors import InputError
from nashalign.publish import book as nb

yaml = pytest.importorskip("yaml")

BOOK = Path(__file__).resolve().parents[2] / "book"
#: SPEC section 6, in order.
CHAPTERS = [
    "model",
    "claim1",
    "lemma0",
    "theorem1",
    "lemma2_theorems23",
    "exclusion",
    "crosscheck",
    "scoring",
    "experiments",
    "reproducing",
]
#: Chapters beyond the spec's list: the whole equilibrium set, the developer map
#: (plain Markdown, no cells) and the API reference (autodoc, no cells).
EXTRA_CHAPTERS = ["equilibria", "kernel", "developer", "glossary", "api"]
THEOREM_CHAPTERS = ["claim1", "lemma0", "theorem1", "lemma2_theorems23", "exclusion"]


def _config() -> dict:
    return yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))


def _toc() -> dict:
    return yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))


def _toc_files(toc: dict) -> list[str]:
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for ch in part.get("chapters", []):
            files.append(ch["file"])
            files.extend(s["file"] for s in ch.get("sections", []))
    return files


def _chapter(name: str) -> str:
    return (BOOK / f"{name}.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- config


def test_config_executes_every_build_with_the_required_extensions():
    cfg = _config()
    assert cfg["execute"]["execute_notebooks"] == "force"
    assert cfg["execute"]["timeout"] >= 60
    assert cfg["execute"]["allow_errors"] is False
    assert {"amsmath", "dollarmath", "colon_fence"} <= set(cfg["parse"]["myst_enable_extensions"])
    assert "sphinx_proof" in cfg["sphinx"]["config"]["extensions"]
    assert cfg["only_build_toc_files"] is True


def test_config_fetches_nothing_from_the_network():
    cfg = _config()
    sphinx = cfg["sphinx"]["config"]
    assert not re.match(r"(https?:)?//", sphinx["mathjax_path"])
    assert sphinx["mathjax_path"] == "mathjax/" + nb.MATHJAX_ENTRY
    assert "_mathjax/static" in sphinx["html_static_path"]
    # Jupyter Book adds every .js under book/_static to every page: MathJax must not live there.
    assert not (BOOK / "_static").exists()
    assert nb.MATHJAX_BOOK_SUBDIR == Path("_mathjax/static/mathjax")
    assert "sphinx_thebe" not in sphinx["extensions"]
    assert not cfg["launch_buttons"]["thebe"]
    assert not any(v for k, v in cfg["launch_buttons"].items() if k.endswith("_url"))
    assert sphinx["nb_ipywidgets_js"] == {}
    assert not cfg["html"]["comments"]["hypothesis"] and not cfg["html"]["comments"]["utterances"]


def test_build_outputs_are_git_ignored():
    ignored = (BOOK / ".gitignore").read_text(encoding="utf-8").split()
    assert {"_build/", "_mathjax/", "generated/"} <= set(ignored)


# --------------------------------------------------------------------------- toc and chapters


def test_toc_lists_every_chapter_in_spec_order():
    toc = _toc()
    assert toc["format"] == "jb-book"
    assert all(part.get("caption") for part in toc["parts"])
    files = _toc_files(toc)
    assert files[0] == "intro"
    assert [f for f in files[1:] if f not in EXTRA_CHAPTERS] == CHAPTERS
    assert set(files[1:]) == set(CHAPTERS) | set(EXTRA_CHAPTERS)
    on_disk = sorted(p.stem for p in BOOK.glob("*.md") if p.name != "README.md")
    assert sorted(files) == on_disk


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapters_are_myst_notebooks_with_a_python3_kernel(name):
    text = _chapter(name)
    assert text.startswith("---\n")
    header = yaml.safe_load(text.split("---\n")[1])
    assert header["jupytext"]["text_representation"]["format_name"] == "myst"
    assert header["kernelspec"]["name"] == "python3"
    assert "```{code-cell} ipython3" in text
    # exactly one top-level title (outside the code cells)
    prose = re.sub(r"```\{code-cell\}.*?```", "", text, flags=re.S)
    assert len(re.findall(r"^# ", prose, flags=re.M)) == 1


def test_theorem_chapters_reference_existing_derivations_and_cover_them_all():
    from nashalign.derivations import NAMES

    referenced: set[str] = set()
    for name in THEOREM_CHAPTERS:
        text = _chapter(name)
        # the statements are glued from the records (chapters.glue_record), never retyped
        used = set(re.findall(r"```\{glue:md\} ([a-z0-9]+)_statement\n", text))
        assert used, f"{name}.md renders no derivation record"
        assert "chapters.glue_record" in text, f"{name}.md glues no record"
        unknown = used - set(NAMES)
        assert not unknown, f"{name}.md uses unknown derivations {unknown}"
        referenced |= used
    assert set(NAMES) <= referenced, f"no chapter renders {set(NAMES) - referenced}"


def test_theorem_blocks_are_labelled_and_titled_like_the_derivations():
    from nashalign.derivations import NAMES, title

    blocks = {}
    for name in THEOREM_CHAPTERS:
        text = _chapter(name)
        found = re.findall(r":::\{prf:(?:theorem|lemma)\} ([^\n]*)\n:label: ([\w-]+)\n", text)
        blocks.update({label: heading for heading, label in found})
    assert set(NAMES) <= set(blocks)
    for name in NAMES:
        assert blocks[name] == title(name)


def test_every_proof_block_is_unnumbered():
    # sphinx-proof would number Claim 1 "Theorem 1" and Lemma 0 "Lemma 1": the book
    # keeps the paper's names in the titles instead (nashalign.css hides the type word).
    for name in CHAPTERS:
        text = _chapter(name)
        for block in re.findall(r":::\{prf:(?!proof)\w+\}[^\n]*\n(?::\w+:[^\n]*\n)*", text):
            assert ":nonumber:" in block, (name, block)


def test_code_cells_hide_their_plumbing():
    for name in CHAPTERS:
        cells = re.findall(r"```\{code-cell\} ipython3\n(.*?)```", _chapter(name), flags=re.S)
        for cell in cells:
            assert cell.startswith(":tags: [hide-input]"), f"{name}.md: visible input"


# --------------------------------------------------------------------------- locating


def test_find_book_dir(tmp_path, monkeypatch):
    assert nb.find_book_dir() == BOOK
    assert nb.find_book_dir(BOOK) == BOOK
    with pytest.raises(InputError, match="not a Jupyter Book directory"):
        nb.find_book_dir(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(nb.BOOK_DIR_ENV, str(BOOK))
    assert nb.find_book_dir() == BOOK


def _fake_mathjax(root: Path, version: str = "3.2.2") -> Path:
    es5 = root / "node_modules" / "mathjax" / "es5"
    for sub in ("input/tex/extensions", "output/chtml/fonts/woff-v2", "ui", "a11y", "sre"):
        (es5 / sub).mkdir(parents=True)
    (es5 / nb.MATHJAX_ENTRY).write_text("/* MathJax */", encoding="utf-8")
    (es5 / "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff").write_bytes(b"font")
    (es5 / "tex-svg.js").write_text("/* not needed */", encoding="utf-8")
    (es5.parent / "package.json").write_text(
        json.dumps({"name": "mathjax", "version": version}), encoding="utf-8"
    )
    return es5


def test_mathjax_locator_honours_the_environment(tmp_path, monkeypatch):
    es5 = _fake_mathjax(tmp_path / "mj")
    monkeypatch.setenv(nb.MATHJAX_ENV, str(tmp_path / "mj"))
    assert nb.find_mathjax() == es5
    assert nb.mathjax_version(es5) == "3.2.2"
    monkeypatch.setenv(nb.MATHJAX_ENV, str(tmp_path))
    with pytest.raises(InputError, match="not a MathJax 3 directory"):
        nb.find_mathjax()


def test_mathjax_2_is_not_accepted(tmp_path, monkeypatch):
    _fake_mathjax(tmp_path / "mj", version="2.7.9")
    monkeypatch.setenv(nb.MATHJAX_ENV, str(tmp_path / "mj"))
    with pytest.raises(InputError, match="MathJax 3"):
        nb.find_mathjax()


def _fake_book(root: Path) -> Path:
    root.mkdir()
    for f in ("_config.yml", "_toc.yml"):
        (root / f).write_text("{}\n", encoding="utf-8")
    return root


def test_ensure_mathjax_copies_what_the_entry_point_loads(tmp_path, monkeypatch):
    book = _fake_book(tmp_path / "book")
    _fake_mathjax(book / "_mathjax" / "npm")
    monkeypatch.delenv(nb.MATHJAX_ENV, raising=False)
    monkeypatch.setattr(nb, "MATHJAX_SYSTEM_DIRS", ())
    entry = nb.ensure_mathjax(book, allow_install=False)
    assert entry == book / nb.MATHJAX_BOOK_SUBDIR / nb.MATHJAX_ENTRY
    served = entry.parent
    assert (served / "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff").is_file()
    assert not (served / "tex-svg.js").exists()
    # a second call reuses the copy
    mtime = entry.stat().st_mtime_ns
    assert nb.ensure_mathjax(book, allow_install=False) == entry
    assert entry.stat().st_mtime_ns == mtime


def test_ensure_mathjax_without_npm_fails_in_one_line(tmp_path, monkeypatch):
    book = _fake_book(tmp_path / "book")
    monkeypatch.delenv(nb.MATHJAX_ENV, raising=False)
    monkeypatch.setattr(nb, "MATHJAX_SYSTEM_DIRS", ())
    monkeypatch.setattr(nb.shutil, "which", lambda name: None)
    with pytest.raises(InputError, match="npm is not installed") as exc:
        nb.ensure_mathjax(book)
    assert "\n" not in str(exc.value)
    with pytest.raises(InputError, match="MathJax 3 not found"):
        nb.ensure_mathjax(book, allow_install=False)


def test_the_repository_book_serves_mathjax_once_installed():
    entry = BOOK / nb.MATHJAX_BOOK_SUBDIR / nb.MATHJAX_ENTRY
    if not entry.is_file():
        pytest.skip("MathJax not installed into book/_mathjax yet (nashalign book does it)")
    assert nb.mathjax_version(entry.parent).startswith("3") or (
        entry.parent / ".nashalign-mathjax-version"
    ).read_text().startswith("3")
    assert (entry.parent / "output" / "chtml" / "fonts" / "woff-v2").is_dir()


# --------------------------------------------------------------------------- building


def test_external_assets_finds_cdn_scripts_but_not_links(tmp_path):
    (tmp_path / "a.html").write_text(
        '<script defer src="_static/mathjax/tex-mml-chtml.js"></script>'
        '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>'
        '<link rel="stylesheet" href="//fonts.example/x.css"><a href="https://example.org">x</a>',
        encoding="utf-8",
    )
    assert nb.external_assets(tmp_path) == [
        "//fonts.example/x.css",
        "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js",
    ]


def test_strict_build_command_uses_warnings_as_errors():
    cmd = nb.jupyter_book_command(BOOK, Path("/tmp/x"), strict=True)
    assert cmd[3] == "build" and {"-W", "-n", "--keep-going", "--all"} <= set(cmd)
    assert "-W" not in nb.jupyter_book_command(BOOK, Path("/tmp/x"), strict=False)


def test_build_env_uses_the_inline_backend_and_no_progress_bars(monkeypatch, tmp_path):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    env = nb._build_env(tmp_path)
    assert "MPLBACKEND" not in env
    assert env["TQDM_DISABLE"] == "1"
    assert env[nb.GENERATED_ENV] == str(tmp_path)


def test_build_book_rejects_an_unwritable_output_before_building(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not a directory"):
        nb.build_book(BOOK, blocker)


def test_cli_book_bad_output_is_one_line_exit_2(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["book", "--out", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("nashalign book: error:") and "\n" not in err


def test_cli_book_bad_book_dir_is_one_line_exit_2(tmp_path, capsys):
    assert main(["book", "--book-dir", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert "not a Jupyter Book directory" in err and "\n" not in err
