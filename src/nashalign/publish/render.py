r"""Render derivation records and tables as MyST Markdown for the book.

The chapters call these helpers on the records of :mod:`nashalign.derivations`
(statement, hypotheses, steps, checks, status), so no derived formula is typed
by hand. Long displays are split at top-level separators so they fit a page.

Examples
--------
>>> from nashalign.symbolic.records import DerivationRecord, Step
>>> rec = DerivationRecord(name="demo", title="Demo", statement_latex="x^2 \\ge 0")
>>> rec.steps.append(Step("Square it.", "x \\cdot x"))
>>> print(statement_markdown(rec))
$$
x^2 \ge 0
$$
>>> markdown_table(["a", "b"], [[1, "x|y"]]).splitlines()[2]
'| 1 | x\\|y |'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from nashalign.tables import markdown_table


def _clean_latex(latex: str) -> str:
    """Drop blank lines (they would end a ``$$`` block) and surrounding ``$``."""
    text = latex.strip()
    if text.startswith("$$") and text.endswith("$$") and len(text) > 4:
        text = text[2:-2].strip()
    elif text.startswith("$") and text.endswith("$") and len(text) > 2:
        text = text[1:-1].strip()
    return "\n".join(line for line in text.splitlines() if line.strip())


def _split_top_level(latex: str, separators: tuple[str, ...]) -> list[str]:
    r"""Split ``latex`` at top-level separators.

    A separator is a command name (``"quad"``: the separator is ``\quad``,
    removed) or a literal starting with a comma (``",\ "``: the comma stays on
    the left line). Top level means outside braces, ``\left``/``\right``
    pairs and environments.
    """
    commands = {sep for sep in separators if sep[0] not in ", "}
    commas = [sep for sep in separators if sep.startswith(",")]
    operators = [sep for sep in separators if sep.startswith(" ")]
    parts, depth, start, i = [], 0, 0, 0
    while i < len(latex):
        ch = latex[i]
        if depth == 0 and ch == ",":
            hit = next((sep for sep in commas if latex.startswith(sep, i)), None)
            if hit:
                parts.append(latex[start : i + 1].strip())
                start = i + len(hit)
                i = start
                continue
        if depth == 0 and ch == " " and i > start:
            hit = next((sep for sep in operators if latex.startswith(sep, i)), None)
            if hit:
                parts.append(latex[start:i].strip())
                start = i + 1
                i = start + len(hit) - 1
                continue
        if ch == "\\":
            m = re.match(r"\\([A-Za-z]+)", latex[i:])
            if not m:
                i += 2
                continue
            word = m.group(1)
            if word in ("left", "begin"):
                depth += 1
            elif word in ("right", "end"):
                depth -= 1
            elif word in commands and depth == 0:
                parts.append(latex[start:i].strip())
                start = i + len(m.group(0))
            i += len(m.group(0))
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        i += 1
    parts.append(latex[start:].strip())
    return [p for p in parts if p]


def split_display(latex: str, width: int = 110) -> list[str]:
    r"""Split a long formula into lines at its top-level separators.

    First at ``\quad`` / ``\qquad``, then, for pieces still longer than
    ``width``, after top-level commas followed by a space command (``,\ ``).
    Only separators outside every brace group, ``\left ... \right`` pair and
    environment are used, so each line is a complete formula. Formulas of at
    most ``width`` characters are not split.

    Examples
    --------
    >>> split_display(r"x = 1,\quad y = \frac{1}{2},\quad \text{a\quad b}", width=10)
    ['x = 1,', 'y = \\frac{1}{2},', '\\text{a\\quad b}']
    >>> split_display(r"x = 1,\ y = 2,\ z = 3", width=16)
    ['x = 1,\\ y = 2,', 'z = 3']
    >>> split_display("x = 1,\\quad y = 2")
    ['x = 1,\\quad y = 2']
    """
    if len(latex) <= width:
        return [latex]
    lines: list[str] = []
    for piece in _split_top_level(latex, ("quad", "qquad")):
        if len(piece) <= width:
            lines.append(piece)
            continue
        current = ""
        for sub in _split_top_level(piece, (",\\ ",)):
            if current and len(current) + len(sub) + 2 > width:
                lines.append(current)
                current = sub
            else:
                current = f"{current}\\ {sub}" if current else sub
        lines.append(current)
    return [_break_sum(line, width) for line in lines]


def _break_sum(latex: str, width: int) -> str:
    r"""Break a long formula before top-level ``\iff``, ``\implies``, ``+``, ``-``.

    The rows are packed greedily up to ``width`` characters and set in an
    ``aligned`` block, continuation rows indented.

    Examples
    --------
    >>> print(_break_sum("u = a + b - c", 10))
    \begin{aligned}&u = a + b\\&\qquad - c\end{aligned}
    """
    if len(latex) <= width:
        return latex
    terms = _split_top_level(latex, (" \\iff ", " \\implies ", " + ", " - "))
    if len(terms) < 2:
        return latex
    rows, current = [], ""
    for term in terms:
        if current and len(current) + len(term) + 1 > width:
            rows.append(current)
            current = term
        else:
            current = f"{current} {term}" if current else term
    rows.append(current)
    if len(rows) < 2:
        return latex
    body = r"\\&\qquad ".join(rows)
    return r"\begin{aligned}&" + body + r"\end{aligned}"


def math_block(latex: str, label: str | None = None, width: int = 110) -> str:
    r"""A MyST display-math block for ``latex`` (optionally labelled).

    A formula longer than ``width`` characters with top-level ``\quad``
    separators is set on several lines (``gathered``), see :func:`split_display`.

    Examples
    --------
    >>> print(math_block("a = b", label="eq-ab"))
    $$
    a = b
    $$ (eq-ab)
    >>> print(math_block(r"a = b,\quad c = d", width=5))
    $$
    \begin{gathered}a = b, \\ c = d\end{gathered}
    $$
    >>> print(math_block("u = a + b", width=6))
    $$
    \begin{aligned}&u = a\\&\qquad + b\end{aligned}
    $$
    """
    body = _clean_latex(latex)
    lines = split_display(body, width) if "\n" not in body else [body]
    if len(lines) > 1:
        body = r"\begin{gathered}" + r" \\ ".join(lines) + r"\end{gathered}"
    else:
        body = lines[0]
    return "$$\n" + body + "\n$$" + (f" ({label})" if label else "")


def latex_or_markdown(text: str) -> str:
    r"""Render ``text`` as Markdown when it holds ``$`` math or prose, else as display math.

    Examples
    --------
    >>> latex_or_markdown("the matrix $C$ is PSD")
    'the matrix $C$ is PSD'
    >>> latex_or_markdown("\\alpha(r) > 0")
    '$$\n\\alpha(r) > 0\n$$'
    """
    stripped = text.strip()
    if not stripped:
        return ""
    if "$" in stripped.strip("$") or "\\(" in stripped:
        return stripped
    if stripped.startswith("$"):
        return math_block(stripped)
    if re.search(r"[\\^_=<>{}]", stripped) or len(stripped.split()) <= 3:
        return math_block(stripped)
    return stripped


def statement_markdown(record: Any) -> str:
    """The record's statement as MyST Markdown (display math unless it is prose)."""
    return latex_or_markdown(record.statement_latex)


def hypotheses_markdown(record: Any) -> str:
    r"""The record's hypotheses as a bulleted list ('' when it has none).

    Examples
    --------
    >>> from nashalign.symbolic.records import DerivationRecord
    >>> r = DerivationRecord("x", "X", "x", hypotheses=["$C \\succeq 0$"])
    >>> hypotheses_markdown(r)
    '- $C \\succeq 0$'
    """
    items = []
    for h in record.hypotheses:
        h = str(h).strip()
        if not h:
            continue
        if "$" not in h and re.search(r"[\\^_=<>{}]", h):
            h = f"${h}$"
        items.append(f"- {h}")
    return "\n".join(items)


def steps_markdown(record: Any, numbered: bool = True) -> str:
    """The derivation steps: each step's sentence, then its display math.

    Examples
    --------
    >>> from nashalign.symbolic.records import DerivationRecord, Step
    >>> r = DerivationRecord("x", "X", "x", steps=[Step("Expand.", "(a+b)^2 = a^2 + 2ab + b^2")])
    >>> print(steps_markdown(r))
    1. Expand.
    <BLANKLINE>
       $$
       (a+b)^2 = a^2 + 2ab + b^2
       $$
    """
    parts = []
    for i, step in enumerate(record.steps, start=1):
        text = str(step.text).strip()
        latex = str(getattr(step, "latex", "") or "").strip()
        if numbered:
            chunk = f"{i}. {text}" if text else f"{i}."
            if latex:
                block = math_block(latex)
                chunk += "\n\n" + "\n".join("   " + line for line in block.splitlines())
        else:
            chunk = text + ("\n\n" + math_block(latex) if latex else "")
        parts.append(chunk)
    return "\n\n".join(parts)


#: How each kind of check is named in the book's table of a record.
_KIND_LABEL = {
    "identity": "identity",
    "kernel": "Coq kernel",
    "hypothesis": "hypothesis",
    "cited": "cited (not a check)",
}


def _check_result(c: Any) -> str:
    if getattr(c, "kind", "identity") == "cited":
        return getattr(c, "reference", "") or "cited"
    if getattr(c, "kind", "") == "hypothesis":
        out = getattr(c, "outcome", "") or ("holds" if c.passed else "fails")
        return out if c.passed else f"**{out}**"
    return "passed" if c.passed else "**FAILED**"


def checks_markdown(record: Any) -> str:
    """The checks of a record as a table: kind (identity, Coq kernel, hypothesis, cited),
    what it says, the result (a citation's reference) and how it was reduced."""
    rows = [
        [
            _KIND_LABEL.get(getattr(c, "kind", "identity"), c.kind),
            c.description,
            _check_result(c),
            c.detail or "",
        ]
        for c in record.checks
    ]
    if not rows:
        return "_No exact checks recorded._"
    return markdown_table(["kind", "statement", "result", "how"], rows)


def _counts(record: Any) -> dict[str, Any]:
    if hasattr(record, "counts"):
        return record.counts()
    checks = list(getattr(record, "checks", []))
    ids = [c for c in checks if getattr(c, "kind", "identity") == "identity"]
    return {
        "identities": {"passed": sum(c.passed for c in ids), "total": len(ids), "general_k": 0},
        "kernel": {"passed": 0, "total": 0},
        "hypotheses": {"holds": 0, "total": 0},
        "cited": 0,
        "unchecked": 0,
    }


def count_cells(record: Any) -> list[str]:
    """Identities, kernel theorems, hypotheses, citations and unchecked steps of a record,
    one cell each; nothing cited is counted as a check.

    Examples
    --------
    >>> from nashalign.symbolic.records import DerivationRecord
    >>> r = DerivationRecord("x", "X", "x")
    >>> r.add_check("x - x = 0", True)
    True
    >>> _ = r.cite("sum")
    >>> count_cells(r)
    ['1 of 1', '-', '0 of 0', '1', '0']
    """
    c = _counts(record)
    ids, ker, hyp = c["identities"], c["kernel"], c["hypotheses"]
    return [
        f"{ids['passed']} of {ids['total']}",
        f"{ker['passed']} of {ker['total']}" if ker["total"] else "-",
        f"{hyp['holds']} of {hyp['total']}",
        str(c["cited"]),
        str(c["unchecked"]),
    ]


def _params_text(params: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in params.items()) if params else "none"


def status_markdown(record: Any) -> str:
    """A MyST admonition with the verification status, method, parameters and time.

    Examples
    --------
    >>> from nashalign.symbolic.records import DerivationRecord
    >>> r = DerivationRecord("x", "X", "x", verified=True, method="expand", params={"K": 3})
    >>> print(status_markdown(r).splitlines()[0])
    :::{admonition} Verification status: verified
    """
    status = record.status
    if record.verified:
        kind = "tip"  # proved (for general K or at explicit K), nothing unchecked
    elif status in ("FAILED", "fails (counterexample)"):
        kind = "danger"
    else:
        kind = "warning"  # hypothesis unknown, not established, unchecked
    ids, ker, hyp, cited, unchecked = count_cells(record)
    lines = [
        f":::{{admonition}} Verification status: {status}",
        f":class: {kind}",
        "",
        f"- **method**: {record.method or 'n/a'}",
        f"- **parameters**: {_params_text(record.params)}",
        f"- **exact identities passed**: {ids}",
        f"- **Coq kernel theorems (compiled in this run or for exactly these sources, see the checks)**: {ker if ker != '-' else 'none'}",
        f"- **hypotheses holding**: {hyp}",
        f"- **cited results (not counted as checks)**: {cited}",
        f"- **unchecked steps**: {unchecked}",
        f"- **time**: {record.seconds:.2f} s",
    ]
    if record.failure:
        lines.append(f"- **why it failed**: {record.failure}")
    lines.append(":::")
    return "\n".join(lines)


def verification_markdown(record: Any) -> str:
    r"""Hypotheses, verification status and the table of exact checks of a record.

    Examples
    --------
    >>> from nashalign.symbolic.records import DerivationRecord
    >>> r = DerivationRecord("x", "X", "x", hypotheses=["$K \\ge 2$"], verified=True)
    >>> verification_markdown(r).splitlines()[0]
    '**Hypotheses.**'
    """
    parts = []
    hyp = hypotheses_markdown(record)
    if hyp:
        parts.append("**Hypotheses.**\n\n" + hyp)
    parts.append(status_markdown(record))
    parts.append(checks_markdown(record))
    return "\n\n".join(parts)


def record_markdown(record: Any, *, statement: bool = True) -> str:
    """The whole record as MyST Markdown: statement, hypotheses, steps, status, checks."""
    parts = []
    if statement:
        parts.append(statement_markdown(record))
    if record.steps:
        parts.append("**Derivation.**\n\n" + steps_markdown(record))
    parts.append(verification_markdown(record))
    return "\n\n".join(parts)


def verification_table(records: Iterable[Any]) -> str:
    """One row per record: result, parameters, status, then identities, Coq kernel theorems,
    hypotheses, citations and unchecked steps in separate columns, and seconds.

    The verification method is on each result's own page (:func:`status_markdown`).

    Examples
    --------
    >>> from nashalign.symbolic.records import DerivationRecord
    >>> r = DerivationRecord("x", "X", "x", verified=True, method="expand", params={"K": 2})
    >>> verification_table([r]).splitlines()[-1]
    '| X | K = 2 | verified | 0 of 0 | - | 0 of 0 | 0 | 0 | 0.00 |'
    """
    rows = [
        [
            r.title or r.name,
            _params_text(r.params),
            r.status if r.verified is not False else f"**{r.status}**",
            *count_cells(r),
            f"{r.seconds:.2f}",
        ]
        for r in records
    ]
    return markdown_table(
        [
            "result",
            "parameters",
            "status",
            "identities",
            "kernel",
            "hypotheses",
            "cited",
            "unchecked",
            "seconds",
        ],
        rows,
    )


def _num(x: Any, spec: str = ".1e") -> str:
    if x is None:
        return "-"
    try:
        return format(float(x), spec)
    except (TypeError, ValueError):
        return str(x)


def crosscheck_summary_markdown(table: Any) -> str:
    """Summarise a cross-check table: per comparison, the worst error and error/tolerance.

    ``table`` is a :class:`nashalign.studies.crosscheck.CrossCheckTable` (anything with
    ``summary()`` and ``passed``). The reference is the exact (SymPy) closed form
    where an interior NE exists and the support-enumeration NE otherwise; the
    iterative solver is compared only where the NE is unique (elsewhere it may
    rightly find an asymmetric NE, certified by its NashConv).

    Examples
    --------
    >>> class T:
    ...     passed = True
    ...     def summary(self):
    ...         return {"rows": 2, "passed": 2, "interior": 1, "boundary": 1, "degenerate": 0,
    ...                 "exact": ["sympy"], "max_err_float": 1e-15, "max_err_float_over_tol": 0.01}
    >>> print(crosscheck_summary_markdown(T()).splitlines()[2])
    | float closed form vs reference | 1.0e-15 | 1.0e-02 |
    """
    sm = table.summary()
    labels = [
        ("err_mp", "mpmath (50 digits) vs exact"),
        ("err_float", "float closed form vs reference"),
        ("err_support", "support enumeration vs reference"),
        ("err_iter", "iterative N-agent solver vs support enumeration (unique-NE rows)"),
    ]
    rows = [
        [label, _num(sm.get(f"max_{key}")), _num(sm.get(f"max_{key}_over_tol"))]
        for key, label in labels
        if f"max_{key}" in sm or f"max_{key}_over_tol" in sm
    ]
    text = markdown_table(["comparison", "largest error", "largest error / tolerance"], rows)
    if sm.get("max_nashconv_iter") is not None:
        text += f"\n\nLargest NashConv of the iterative solver: {_num(sm['max_nashconv_iter'])}."
    verdict = "all within tolerance" if table.passed else "**some rows exceed their tolerance**"
    text += (
        f"\n\n{sm.get('passed', '?')} of {sm.get('rows', '?')} random instances pass "
        f"({sm.get('interior', '?')} with an interior NE, {sm.get('boundary', '?')} boundary, "
        f"{sm.get('degenerate', '?')} degenerate): {verdict}."
    )
    return text
