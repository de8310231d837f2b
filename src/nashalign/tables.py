"""The one table writer: Markdown (GFM) for the book and reports, plain text for terminals.

Every table nashalign prints or publishes goes through :func:`markdown_table` or
:func:`text_table`; cells are converted with ``str`` and kept on one line.

Examples
--------
>>> print(markdown_table(["K", "status"], [[2, "verified"]]))
| K | status |
|---|---|
| 2 | verified |
>>> print(text_table(["a", "bb"], [["x", "1"], ["yy", "22"]]))
a   bb
--  --
x   1
yy  22
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["markdown_table", "text_table"]


def _one_line(value: Any) -> str:
    return str(value).replace("\n", " ").strip()


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown (GFM) table; ``|`` in cells is escaped.

    Examples
    --------
    >>> print(markdown_table(["x"], [["a|b"]]))
    | x |
    |---|
    | a\\|b |
    """

    def cell(v: Any) -> str:
        return _one_line(v).replace("|", "\\|")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |"]
    lines.append("|" + "---|" * len(headers))
    for row in rows:
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines)


def text_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Left-aligned columns separated by two spaces, a dashed rule under the header.

    Examples
    --------
    >>> print(text_table(["k", "w"], [["left", 0.5]]))
    k     w
    ----  ---
    left  0.5
    """
    table = [[_one_line(c) for c in headers], *([_one_line(c) for c in row] for row in rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
