"""The Theorem 1 chapter (``book/theorem1.md``): the K = 2 objects and every solver against them.

Examples
--------
>>> theorem1_k2_forms().count("$$") == 2 * 5
True
"""

from __future__ import annotations

import numpy as np

from nashalign.publish.chapters.common import POINT, fmt, shipped
from nashalign.publish.render import math_block
from nashalign.tables import markdown_table

__all__ = ["theorem1_k2_forms", "theorem1_solver_table"]


def theorem1_k2_forms() -> str:
    """The derived K = 2 objects of Theorem 1 (factored), as display math.

    Every formula is SymPy's LaTeX of the record's own expressions
    (``alpha``, ``det_M``, ``w0``, ``v``, ``lambda_star``).
    """
    import sympy as sp

    from nashalign.derivations import derive

    ex = derive("theorem1", K=2).expressions
    row = lambda xs: sp.latex(sp.Matrix([sp.factor(x) for x in xs]).T) + r"^\top"
    lines = [
        r"\alpha(r) = " + sp.latex(sp.factor(ex["alpha"])),
        r"\det M(r) = " + sp.latex(sp.factor(ex["det_M"])),
        r"w_0(r) = " + row(ex["w0"]),
        r"v(r) = " + row(ex["v"]),
        r"\lambda^*(s, r) = " + sp.latex(sp.factor(ex["lambda_star"])),
    ]
    return "\n\n".join(math_block(x) for x in lines)


def theorem1_solver_table() -> str:
    """Every solver against the exact closed form on the shipped instances at s = r = 1.

    Columns: the largest absolute difference from the exact weights of the
    float closed form, 50-digit mpmath, the nearest support-enumeration NE and
    the iterative N = 2 solver (reported; the random cross-check asserts).
    """
    from nashalign.exact.evaluate import exact_symmetric_ne
    from nashalign.solvers.closed_form import symmetric_ne
    from nashalign.solvers.highprec import symmetric_ne_mp
    from nashalign.solvers.iterative import solve
    from nashalign.solvers.support import symmetric_equilibria

    s_val, r_val = POINT
    rows = []
    for name, inst in shipped().items():
        exact = exact_symmetric_ne(inst.a, inst.C, s_val, r_val)
        w_exact = np.array([float(x) for x in exact.weights])
        w_float = np.asarray(symmetric_ne(inst.a, inst.C, s_val, 1.0, r_val).weights, dtype=float)
        w_mp = np.array(
            [float(x) for x in symmetric_ne_mp(inst.a, inst.C, s_val, r_val, dps=50).weights]
        )
        support_ne = symmetric_equilibria(inst.a, inst.C, s_val, 1.0, r_val)
        w_iter = np.asarray(solve(inst, s_val, 1.0, r_val, n_agents=2).profile, dtype=float)
        gaps = [np.max(np.abs(w - w_exact)) for w in (w_float, w_mp, w_iter)]
        best = min(
            (np.max(np.abs(np.asarray(e.weights, dtype=float) - w_exact)) for e in support_ne),
            default=float("nan"),
        )
        rows.append(
            [
                name,
                inst.K,
                "yes" if all(x > 0 for x in exact.weights) else "no",
                ", ".join(f"{x:.4f}" for x in w_exact),
                fmt(gaps[0]),
                fmt(gaps[1]),
                fmt(best),
                fmt(gaps[2]),
            ]
        )
    return markdown_table(
        [
            "instance",
            "K",
            "interior",
            "exact w* (rounded)",
            "float closed form",
            "mpmath (50 digits)",
            "support enumeration",
            "iterative (N = 2)",
        ],
        rows,
    )
