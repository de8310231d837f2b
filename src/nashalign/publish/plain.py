"""Plain-text renderings of derivation records for terminals (tables: :mod:`nashalign.tables`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from nashalign.tables import text_table

__all__ = ["check_counts", "record_text", "verification_text"]


def check_counts(rec: Any) -> str:
    """``"9/9 identities, 2 cited, 0 unchecked"``: what backs a record.

    Examples
    --------
    >>> from nashalign.derivations import derive
    >>> check_counts(derive("claim1", K=2))
    '3/3 identities (1 symbolic K), 2 cited, 0 unchecked'
    """
    ids = [c for c in rec.checks if getattr(c, "kind", "identity") == "identity"]
    general = sum(getattr(c, "generality", "") == "symbolic K" for c in ids)
    cited = sum(getattr(c, "kind", "") == "cited" for c in rec.checks)
    unchecked = sum(getattr(s, "kind", "unchecked") == "unchecked" for s in rec.steps)
    return (
        f"{sum(c.passed for c in ids)}/{len(ids)} identities ({general} symbolic K), "
        f"{cited} cited, {unchecked} unchecked"
    )


def verification_text(records: Iterable[Any]) -> str:
    """The table of ``nashalign verify``: result, parameters, status, what backs it, seconds.

    Examples
    --------
    >>> from nashalign.derivations import derive
    >>> row = verification_text([derive("claim1", K=2)]).splitlines()[2]
    >>> [c.strip() for c in row.split("  ") if c.strip()][:3]
    ['claim1', 'K=2', 'proved for general K']
    """
    rows = []
    for rec in records:
        params = ", ".join(f"{k}={v}" for k, v in rec.params.items() if k != "variant")
        rows.append((rec.name, params, rec.status, check_counts(rec), f"{rec.seconds:.2f}"))
    return text_table(("result", "params", "status", "backed by", "seconds"), rows)


def record_text(rec: Any, max_expr: int = 400) -> str:
    """One record for the terminal: status, typed steps and checks, failure, expressions.

    Examples
    --------
    >>> from nashalign.derivations import derive
    >>> record_text(derive("claim1", K=2)).splitlines()[0].split(",")[0]
    'Claim 1 (C is positive semidefinite)  [proved for general K'
    """
    import sympy as sp

    lines = [f"{rec.title}  [{rec.status}, {rec.seconds:.2f} s]"]
    lines.append(f"params: {rec.params}")
    lines.append(f"method: {rec.method}")
    lines.append(f"statement: {rec.statement_latex}")
    for h in rec.hypotheses:
        lines.append(f"hypothesis: {h}")
    for s in rec.steps:
        ref = f" ({s.reference})" if s.reference else ""
        lines.append(f"  step [{s.kind}] {s.text}{ref}")
    for c in rec.checks:
        if c.kind == "cited":
            lines.append(f"  [cited] {c.description} -- {c.reference}")
            continue
        mark = "ok" if c.passed else (c.outcome or "FAIL").upper()
        scope = f" ({c.generality})" if c.generality else ""
        extra = ", supplementary" if c.supplementary else ""
        lines.append(f"  [{mark}] {c.kind}{scope}{extra}: {c.description}")
    if rec.failure:
        lines.append(f"failure: {rec.failure}")
    for key, val in rec.expressions.items():
        text = sp.sstr(val)
        lines.append(f"{key} = {text if len(text) < max_expr else text[:max_expr] + ' ...'}")
    return "\n".join(lines)
