"""Multi-start best-response dynamics: some equilibria of a population too large to enumerate.

Not exhaustive: each equilibrium found is certified in float by NashConv.
"""

from __future__ import annotations

import numpy as np

from nashalign.errors import InputError
from nashalign.model import Incentives, Population, takes_population
from nashalign.solvers.equilibria.game import build_game
from nashalign.solvers.equilibria.points import Point
from nashalign.solvers.equilibria.results import Equilibrium
from nashalign.solvers.equilibria.stability import make_equilibrium
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL, Tolerances, check_tolerances

__all__ = ["multi_start"]


@takes_population
def multi_start(
    population: Population,
    incentives: Incentives,
    *,
    starts: int = 16,
    seed: int = 0,
    tau: float = 0.05,
    tol: Tolerances = DEFAULT_TOL,
) -> list[Equilibrium]:
    """Distinct NE from best-response dynamics started at random profiles (not exhaustive).

    Each is certified in float by NashConv (:func:`nashalign.solvers.iterative.solve_arrays`).
    Profiles within ``tol.same_point`` of one already found are the same equilibrium;
    ``tol`` (:class:`Tolerances`) also sets the float classification tolerances.

    Examples
    --------
    >>> eqs = multi_start([0.5, 0.3, 0.2], np.eye(3), 1.0, 1.0, 0.5, starts=3)
    >>> len(eqs), eqs[0].certificate.startswith("float")
    (1, True)
    """
    from nashalign.solvers.iterative import solve_arrays

    game = build_game(population, incentives)
    tol = check_tolerances(tol)
    if isinstance(starts, bool) or not isinstance(starts, int) or starts < 1:
        raise InputError(f"starts must be a positive integer, got {starts!r}")
    out: list[Equilibrium] = []
    for i in range(starts):
        init = "uniform" if i == 0 else "random"
        res = solve_arrays(game.population, game.incentives, init=init, seed=seed + i)
        if not res.converged:
            continue
        W = res.profile
        if any(np.max(np.abs(W - e.profile)) <= tol.same_point for e in out):
            continue
        G = game.g0 - game.Q @ W.reshape(-1)
        supports = tuple(tuple(int(k) for k in np.flatnonzero(W[m] > 0)) for m in range(game.N))
        lam = np.array(
            [float(np.mean(G[[m * game.K + k for k in S]])) for m, S in enumerate(supports)]
        )
        pt = Point(W, lam, False, None, None, np.zeros((0, W.size)), False, 1.0)
        cert = f"float: NashConv {res.nashconv:.2e} <= {res.tol_used:.2e} (multi-start, not exhaustive)"
        out.append(
            make_equilibrium(
                game, pt, supports, tau, cert, res.nashconv / game.incentives.unit, tol
            )
        )
    return out
