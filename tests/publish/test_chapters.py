"""The book's cells are calls: the computing lives in nashalign.publish.chapters.

Every code cell of every chapter may import, call the library or the publish
helpers, and display or glue the result; it may not define functions, build
tables row by row or compute with numpy or SymPy. The helpers are tested here on
their own (the book build executes them all again).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nashalign.publish import chapters

BOOK = Path(__file__).resolve().parents[2] / "book"
CELL = re.compile(r"```\{code-cell\}[^\n]*\n(.*?)```", re.S)
FORBIDDEN = ("def ", "lambda", "class ", "np.", "sp.", "import numpy", "import sympy", ".append(")


def _cells() -> list[tuple[str, int, str]]:
    out = []
    for path in sorted(BOOK.glob("*.md")):
        for i, cell in enumerate(CELL.findall(path.read_text(encoding="utf-8"))):
            out.append((path.name, i, cell))
    return out


@pytest.mark.parametrize(("chapter", "index", "cell"), _cells(), ids=lambda x: str(x)[:20])
def test_cells_only_call_and_display(chapter, index, cell):
    code = [ln for ln in cell.splitlines() if ln.strip() and not ln.startswith((":", "#"))]
    body = [ln for ln in code if not ln.startswith(("import ", "from "))]
    for token in FORBIDDEN:
        assert not any(token in ln for ln in body), f"{chapter} cell {index}: {token!r}"
    assert len(body) <= 12, f"{chapter} cell {index} has {len(body)} lines of code"


def test_the_cell_rule_can_fail():
    bad = "rows = []\nfor x in range(3):\n    rows.append(x)\n"
    assert any(token in bad for token in FORBIDDEN)


def test_verification_over_raises_on_a_failing_record():
    with pytest.raises(chapters.ChapterCheckError, match="not verified"):
        chapters.verification_over([("lemma0", {"K": 2, "variant": "distance"})])


def test_helpers_render_tables_from_the_library():
    assert chapters.dataset_table().count("\n") >= 4
    assert "politics" in chapters.provenance_table()
    assert "$$" in chapters.theorem1_k2_forms()
    table, recs = chapters.lemma0_variants(K=2)
    assert "distance" in table and recs.verified is False
    assert "nashalign verify" in chapters.cli_table()


def test_readme_commands_are_read_from_the_readme():
    md = chapters.readme_commands(Path(__file__).resolve().parents[2] / "README.md")
    assert "nashalign demo" in md and "pytest" in md
    assert "(see the README)" in chapters.readme_commands("/nonexistent/README.md")


def test_steering_tables_check_the_binding_weight():
    table, check = chapters.steering_tables(s_values=(2.0,))
    assert table.count("\n") >= 4 and check.startswith("| instance |")
