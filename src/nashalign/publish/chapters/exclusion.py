"""The exclusion chapter (``book/exclusion.md``): steering the shipped instances, checked.

Examples
--------
>>> table, check_table = steering_tables(s_values=(2.0,))
>>> check_table.splitlines()[0].split(" | ")[:3]
['| instance', 's', 'binding']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nashalign.publish.chapters.common import TAU, check, shipped
from nashalign.tables import markdown_table

__all__ = ["steering_tables"]


def _interval(lo: float, hi: float | None) -> str:
    return f"[{lo:.4g}, {'inf' if hi is None else format(hi, '.4g')})"


def steering_tables(
    s_values: Sequence[float] = (0.5, 2.0, 8.0), tau: float = TAU
) -> tuple[str, str]:
    """Exact exclusion-free r-intervals and r* on the shipped instances, and their check.

    The check evaluates the float closed form at r*: the binding weight must sit
    at tau within 1e-8 (the float64 closed form at a 16-digit root; its error is
    ~ eps * cond(alpha), far below 1e-8 for these instances); raises
    :class:`~nashalign.publish.chapters.common.ChapterCheckError` otherwise.
    """
    from nashalign.exact.steering import steer
    from nashalign.solvers.closed_form import symmetric_ne

    rows, checks = [], []
    for name, inst in shipped().items():
        for s_val in s_values:
            res = steer(inst.a, inst.C, s_val, tau=tau)
            intervals = "; ".join(_interval(lo, hi) for lo, hi in res.intervals_float) or "none"
            r_star = "none" if res.r_star_float is None else f"{res.r_star_float:.6g}"
            binding = "n/a" if res.binding is None else inst.names[res.binding]
            rows.append([name, s_val, intervals, r_star, binding])
            if res.r_star_float is not None and res.binding is not None and res.r_star_float > 0:
                w = np.asarray(symmetric_ne(inst.a, inst.C, s_val, 1.0, res.r_star_float).weights)
                gap = w[res.binding] - tau
                check(abs(gap) < 1e-8, f"{name}, s = {s_val}: binding weight - tau = {gap:.1e}")
                checks.append(
                    [name, s_val, inst.names[res.binding], f"{gap:+.1e}", f"{w.min():.6f}"]
                )
    table = markdown_table(
        ["instance", "s", "exclusion-free r-intervals", f"r*(s, {tau:g})", "binding subpopulation"],
        rows,
    )
    check_table = markdown_table(
        ["instance", "s", "binding", "its weight minus tau at r*", "smallest weight at r*"], checks
    )
    return table, check_table
