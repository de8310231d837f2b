"""The Lemma 2 and Theorems 2-3 chapter (``book/lemma2_theorems23.md``): the float side.

Examples
--------
>>> degenerate_ratio_table().splitlines()[0].split(" | ")[:2]
['| instance', 'K']
"""

from __future__ import annotations

import numpy as np

from nashalign.publish.chapters.common import fmt, shipped
from nashalign.tables import markdown_table

__all__ = ["degenerate_ratio_table", "iterative_vs_closed_form_table"]


def degenerate_ratio_table() -> str:
    """Roots of alpha and alpha~ for the shipped instances, and alpha > 0 for r > 0.

    From one eigendecomposition of C (:func:`nashalign.solvers.spectral.degenerate_ratios`),
    independently of the derived polynomials.
    """
    from nashalign.solvers.spectral import alpha, degenerate_ratios

    rows = []
    r_grid = np.logspace(-6, 4, 1001)
    for name, inst in shipped().items():
        roots2 = degenerate_ratios(inst.C, n_agents=2)
        roots3 = degenerate_ratios(inst.C, n_agents=3)
        positive = np.all(roots2["alpha"] <= 0) and np.all(alpha(inst.C, r_grid) > 0)
        rows.append(
            [
                name,
                inst.K,
                ", ".join(f"{x:.3g}" for x in roots2["alpha"]),
                "yes" if positive else "**no**",
                ", ".join(f"{x:.3g}" for x in roots2["alpha_tilde"]),
                ", ".join(f"{x:.3g}" for x in roots3["alpha_tilde"]),
            ]
        )
    return markdown_table(
        [
            "instance",
            "K",
            "roots of alpha(r)",
            "alpha(r) > 0 for all r > 0",
            "roots of alpha~(r), N = 2",
            "roots of alpha~(r), N = 3",
        ],
        rows,
    )


def iterative_vs_closed_form_table(seed: int = 3) -> str:
    """The N = 3 iterative solver from random starts against Theorem 1's symmetric point.

    The deviation from Theorem 1's point is reported, not asserted: where Phi is not
    concave the game has other (asymmetric) equilibria that the dynamics reach
    instead. What is asserted (raising
    :class:`~nashalign.publish.chapters.common.ChapterCheckError`): the solver
    converges, and its profile is, within 1e-6, one of the equilibria that joint
    support enumeration (:func:`nashalign.solvers.equilibria.all_equilibria`) lists.
    """
    from nashalign.publish.chapters.common import check
    from nashalign.solvers.closed_form import symmetric_ne
    from nashalign.solvers.equilibria import all_equilibria
    from nashalign.solvers.iterative import solve

    rng = np.random.default_rng(seed)
    rows = []
    for name, inst in shipped().items():
        for beta_a, beta_d in [(1.0, 1.0), (0.2, 5.0)]:
            closed = np.asarray(
                symmetric_ne(inst.a, inst.C, beta_a, 1.0, beta_d, n_agents=3).weights
            )
            res = solve([inst] * 3, beta_a, 1.0, beta_d, seed=int(rng.integers(2**31)))
            dev = np.max(np.abs(np.asarray(res.profile) - closed[None, :]))
            es = all_equilibria(
                inst.a, inst.C, beta_a, 1.0, beta_d, 3, exact=False, with_nashconv=False
            )
            dists = [
                float(np.max(np.abs(np.asarray(res.profile) - e.profile))) for e in es.equilibria
            ]
            near = es.equilibria[int(np.argmin(dists))]
            check(res.converged, f"{name}: the iterative solver did not converge")
            check(min(dists) < 1e-6, f"{name}: the solver's profile is no listed NE")
            which = (
                "Theorem 1's point"
                if near.symmetric and near.interior
                else ("asymmetric" if not near.symmetric else "symmetric boundary")
            )
            rows.append(
                [
                    name,
                    beta_a,
                    beta_d,
                    "yes" if res.converged else "no",
                    fmt(res.nashconv),
                    fmt(dev),
                    f"{which} (1 of {len(es.equilibria)}), {near.stability}",
                ]
            )
    return markdown_table(
        [
            "instance",
            "beta_A",
            "beta_D",
            "converged",
            "NashConv",
            "max |w_m - w*| over agents",
            "the listed NE it matches",
        ],
        rows,
    )
