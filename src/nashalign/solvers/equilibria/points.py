"""A solved support system (``Point``) and its exact KKT check (``check_exact``).

The bottom of the certificate layer: :mod:`~nashalign.solvers.equilibria.certificates`
and :mod:`~nashalign.solvers.equilibria.continua` both build points here, so neither
imports the other at module level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.solvers.equilibria.game import Game, to_fmpq

__all__ = ["Point", "check_exact"]


@dataclass
class Point:
    """A solved support system: the profile, multipliers and how it was certified.

    Attributes
    ----------
    W, lam : ndarray
        Profile (N, K) and multipliers (N,).
    exact : bool
        Certified in rational arithmetic (then ``Wq`` and ``lamq`` hold the fmpq values).
    Wq, lamq : list or None
        The exact profile and multipliers.
    dirs : ndarray, shape (d, NK)
        Directions of a continuum (``d = 0`` if isolated).
    continuum : bool
        The support system is singular.
    kappa : float
        Condition number of the system (``inf`` for a continuum).
    nullq : list or None
        A continuum's exact kernel directions (``d`` lists of ``N K`` fmpq).
    """

    W: NDArray
    lam: NDArray
    exact: bool
    Wq: list[list[Any]] | None
    lamq: list[Any] | None
    dirs: NDArray  # (d, NK)
    continuum: bool
    kappa: float
    nullq: list[list[Any]] | None = None


def check_exact(
    game: Game, idx: list[int], wS: list[Any], lam: list[Any], dirs: NDArray, continuum: bool
) -> Point | None:
    """Exact KKT check of support weights ``wS`` (on ``idx``) and multipliers ``lam``."""
    N, K = game.N, game.K
    Q, g0 = game.exact()
    zero = to_fmpq(0)
    if any(w <= 0 for w in wS):
        return None
    Wq = [[zero] * K for _ in range(N)]
    for p, i in enumerate(idx):
        Wq[i // K][i % K] = wS[p]
    flat = [Wq[m][k] for m in range(N) for k in range(K)]
    on = set(idx)
    for i in range(N * K):
        if i in on:
            continue
        gi = g0[i] - sum((Q[i][j] * flat[j] for j in idx), zero)
        if gi > lam[i // K]:
            return None
    W = np.array([[float(x) for x in row] for row in Wq])
    return Point(W, np.array([float(x) for x in lam]), True, Wq, list(lam), dirs, continuum, 0.0)
