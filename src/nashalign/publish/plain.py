"""Plain-text tables for terminals (the Markdown writer is :mod:`nashalign.publish.render`).

Examples
--------
>>> print(text_table(["a", "bb"], [["x", "1"], ["yy", "22"]]))
a   bb
--  --
x   1
yy  22
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["text_table", "verification_text"]


def text_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Left-aligned columns separated by two spaces, a dashed rule under the header."""
    body = [[str(c) for c in row] for row in rows]
    table = [list(map(str, headers)), *body]
    widths = [max(len(r[i]) for r in table) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def verification_text(records: Iterable[Any]) -> str:
    """The table of ``nashalign verify``: result, parameters, status, seconds, method.

    Examples
    --------
    >>> from nashalign.derivations import derive
    >>> verification_text([derive("claim1", K=2)]).splitlines()[2].split()[:3]
    ['claim1', 'K=2', 'verified']
    """
    rows = []
    for rec in records:
        params = ", ".join(f"{k}={v}" for k, v in rec.params.items() if k != "variant")
        rows.append((rec.name, params, rec.status, f"{rec.seconds:.2f}", rec.method[:60]))
    return text_table(("result", "params", "status", "seconds", "method"), rows)
