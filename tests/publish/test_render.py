"""The Markdown/LaTeX rendering of records and tables, and the one Markdown table writer."""

from __future__ import annotations

import pytest

from nashalign.publish import render
from nashalign.studies.crosscheck import CrossCheckTable
from nashalign.symbolic.records import DerivationRecord, Step


def _record() -> DerivationRecord:
    rec = DerivationRecord(
        name="demo",
        title="Demo result",
        statement_latex=r"v^\top C v \ge 0",
        hypotheses=[r"$n \ge 2$", r"C = C^\top"],
        steps=[Step("Expand the square:", "(a+b)^2\n\n= a^2 + 2ab + b^2"), Step("Done.")],
        method="expand",
        params={"K": 3},
    )
    rec.add_check("square expands", True, "Poly(...) is zero")
    rec.add_check("a | b", False, "")
    return rec.finish()


def test_record_markdown_renders_every_part():
    rec = _record()
    md = render.record_markdown(rec)
    assert md.startswith("$$\nv^\\top C v \\ge 0\n$$")
    assert "- $n \\ge 2$" in md and "- $C = C^\\top$" in md
    assert "1. Expand the square:" in md and "2. Done." in md
    # a blank line would end the $$ block: it is dropped
    assert "   $$\n   (a+b)^2\n   = a^2 + 2ab + b^2\n   $$" in md
    assert ":::{admonition} Verification status: fails (counterexample)" in md
    assert ":class: danger" in md
    assert "| a \\| b | **FAILED** |  |" in md


def test_statement_markdown_keeps_prose_with_inline_math():
    rec = _record()
    rec.statement_latex = "For every $v$, the form is non-negative."
    assert render.statement_markdown(rec) == rec.statement_latex


def test_verification_table_has_one_row_per_record():
    table = render.verification_table([_record(), _record()])
    assert len(table.splitlines()) == 4
    assert "| Demo result | K = 3 | **fails (counterexample)** | 1 of 2 |" in table


# --------------------------------------------------------------------------- the one table writer


def test_markdown_table_escapes_pipes_and_flattens_newlines():
    md = render.markdown_table(["a|b", "c"], [["x\ny", 1.5], [None, "z"]])
    assert md.splitlines() == ["| a\\|b | c |", "|---|---|", "| x y | 1.5 |", "| None | z |"]


def test_markdown_table_accepts_a_generator_of_rows_and_no_rows():
    assert render.markdown_table(["k"], (x for x in [[1], [2]])).count("\n") == 3
    assert render.markdown_table(["k"], []) == "| k |\n|---|"


def test_crosscheck_table_is_written_by_the_one_writer():
    table = CrossCheckTable(
        rows=[{"id": 0, "K": 2, "s": 1.0, "interior": True, "ok": True, "nashconv_iter": 0.0}]
    )
    md = table.to_markdown(columns=(("id", "#", "d"), ("s", "s", ".1e"), ("ok", "ok|", "")))
    expected = render.markdown_table(["#", "s", "ok|"], [["0", "1.0e+00", "yes"]])
    assert md.startswith(expected + "\n\n")
    assert "| ok\\| |" in md  # escaped by the writer
    assert md.splitlines()[-1].startswith("1/1 rows within tolerance")


# --------------------------------------------------------------------------- math


def test_math_block_splits_long_formulas_into_complete_lines():
    latex = r",\quad ".join(f"x_{{{i}}} = \\frac{{{i}}}{{{i + 1}}}" for i in range(20))
    block = render.math_block(latex, width=40)
    assert block.startswith("$$\n\\begin{gathered}") and block.endswith("\\end{gathered}\n$$")
    for line in block.split("\\\\"):
        assert line.count("{") - line.count("}") in (0, 1, -1)


def test_math_block_drops_blank_lines_and_dollars():
    assert render.math_block("$$a\n\n= b$$") == "$$\na\n= b\n$$"


@pytest.mark.parametrize(
    ("text", "display"),
    [("x^2 \\ge 0", True), ("for all $x$, it holds", False), ("some prose that is long", False)],
)
def test_latex_or_markdown_tells_math_from_prose(text, display):
    assert render.latex_or_markdown(text).startswith("$$") is display


def test_crosscheck_summary_states_the_verdict():
    class T:
        passed = False

        def summary(self):
            return {"rows": 3, "passed": 2, "max_err_float": 1e-3, "max_err_float_over_tol": 9.0}

    md = render.crosscheck_summary_markdown(T())
    assert "2 of 3 random instances pass" in md and "**some rows exceed" in md
