"""The book's cells are calls: the computing lives in nashalign.publish.chapters.

A code cell may import, assign the result of a call, and call: the library,
the publish helpers, ``display``/``Markdown``/``print``. Arguments are names,
attributes, literals and nested calls. Anything else (loops, conditionals,
function or class definitions, lambdas, comprehensions, f-strings, operators,
subscripts, strings holding math or Markdown) is computing or composing, and
belongs in a helper.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[2] / "book"
CELL = re.compile(r"```\{code-cell\}[^\n]*\n(.*?)```", re.S)
#: Expression nodes a cell may contain.
ALLOWED = (
    ast.Call,
    ast.Name,
    ast.Attribute,
    ast.Constant,
    ast.Tuple,
    ast.keyword,
    ast.Load,
    ast.Store,
)
#: Statements beyond the imports a cell may hold.
MAX_STATEMENTS = 6


def _cells() -> list[tuple[str, int, str]]:
    out = []
    for path in sorted(BOOK.glob("*.md")):
        for i, cell in enumerate(CELL.findall(path.read_text(encoding="utf-8"))):
            code = "\n".join(ln for ln in cell.splitlines() if not ln.startswith(":"))
            out.append((path.stem, i, code))
    return out


def cell_violations(code: str) -> list[str]:
    """What in ``code`` is more than imports, calls and display glue ([] when nothing)."""
    found = []
    statements = 0
    for stmt in ast.parse(code).body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            continue
        statements += 1
        if isinstance(stmt, ast.Assign):
            targets = [t for tgt in stmt.targets for t in ast.walk(tgt)]
            if not all(isinstance(t, (ast.Name, ast.Tuple, ast.Store)) for t in targets):
                found.append(f"line {stmt.lineno}: assignment to more than names")
            value = stmt.value
        elif isinstance(stmt, ast.Expr):
            value = stmt.value
        else:
            found.append(f"line {stmt.lineno}: {type(stmt).__name__} statement")
            continue
        if isinstance(stmt, ast.Expr) and not isinstance(value, ast.Call):
            found.append(f"line {stmt.lineno}: a bare expression")
        for node in ast.walk(value):
            if not isinstance(node, ALLOWED):
                found.append(f"line {stmt.lineno}: {type(node).__name__}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if re.search(r"[$\\\n|*`]", node.value):
                    found.append(f"line {stmt.lineno}: a string composing math or Markdown")
    if statements > MAX_STATEMENTS:
        found.append(f"{statements} statements (at most {MAX_STATEMENTS})")
    return found


def test_every_chapter_has_cells():
    chapters = {name for name, _, _ in _cells()}
    assert {"claim1", "theorem1", "lemma2_theorems23", "experiments"} <= chapters


@pytest.mark.parametrize(("chapter", "index", "code"), _cells(), ids=lambda x: str(x)[:24])
def test_cells_only_call_and_display(chapter, index, code):
    assert cell_violations(code) == [], f"{chapter} cell {index}"


@pytest.mark.parametrize(
    "bad",
    [
        "rows = []\nfor x in range(3):\n    rows.append(x)\n",
        "def f():\n    return 1\n",
        'display(Markdown(f"{x:.1e}"))',
        'display(Markdown("$x$ = " + y))',
        "display(Markdown(nb.markdown_table(h, [[r.a] for r in rs])))",
        "w = np.ones(3) * 2",
        "f = lambda x: x",
        "assert table.passed",
        "x = rows[0]",
        'if ok:\n    print("yes")\n',
        'display(Markdown("| a |\\n|---|"))',
    ],
)
def test_the_cell_rule_catches_computing_and_composing(bad):
    assert cell_violations(bad)


def test_the_cell_rule_allows_a_call_and_glue():
    good = (
        "from nashalign.publish import chapters\n"
        'rec = derive("claim1", K=3)\n'
        'chapters.glue_record("claim1", rec)\n'
        "table, rec2 = chapters.lemma0_variants()\n"
        "display(Markdown(chapters.verification_at(NAME, (2, 3, 4))))\n"
    )
    assert cell_violations(good) == []
