"""Certificates: each candidate support tuple is re-solved and its KKT conditions checked.

**Exact.** ``a``, ``C`` and the betas are converted exactly to rationals (a float is
a binary rational), the candidate's bordered system is re-solved on its support in
exact rational arithmetic (``python-flint``'s ``fmpq_mat``) and the KKT conditions
are checked exactly: weights ``> 0`` on the support, ``g_mk <= lam_m`` off it.
Because each agent's problem is concave this is an exact best-response check; a
candidate that fails is dropped, so no returned equilibrium is spurious
(:func:`~nashalign.solvers.equilibria.certify_profile` does the same check for any given profile).

**Float.** With ``exact=False`` (or when there are more than ``max_exact``
candidates) the certificate is NashConv
(:func:`nashalign.solvers.metrics.nash_conv`) within a tolerance scaled by the
system's condition number, and the result says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError
from nashalign.model import Incentives, Population
from nashalign.solvers.equilibria.game import (
    Game,
    bordered_exact,
    bordered_float,
    build_game,
    to_fmpq,
)
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL, EPS, Tolerances
from nashalign.solvers.metrics import nash_conv

__all__ = [
    "Point",
    "certify_exact",
    "certify_float",
    "certify_profile",
    "check_exact",
    "float_ok",
]


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
    """

    W: NDArray
    lam: NDArray
    exact: bool
    Wq: list[list[Any]] | None
    lamq: list[Any] | None
    dirs: NDArray  # (d, NK)
    continuum: bool
    kappa: float


def certify_exact(game: Game, supports: tuple[tuple[int, ...], ...]) -> Point | None | str:
    """Exact solve and KKT check; ``"singular"`` for a singular system, None if not an NE."""
    import flint

    N, K = game.N, game.K
    rows, idx = bordered_exact(game, supports)
    nI = len(idx)
    n = nI + N
    Mq = flint.fmpq_mat(n, n, [x for row in rows for x in row[:n]])
    bq = flint.fmpq_mat(n, 1, [row[n] for row in rows])
    try:
        xq = Mq.solve(bq)
    except ZeroDivisionError:
        return "singular"
    xs = [xq[i, 0] for i in range(n)]
    return check_exact(game, idx, xs[:nI], xs[nI:], np.zeros((0, N * K)), False)


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


def certify_float(game: Game, supports: tuple[tuple[int, ...], ...], kappa: float) -> Point | None:
    """Float solve of a support system (clipped to the simplex), to be checked by
    :func:`float_ok`."""
    N, K = game.N, game.K
    M, b, idx = bordered_float(game, supports)
    try:
        x = np.linalg.solve(M, b)
    except np.linalg.LinAlgError:
        return None
    W = np.zeros(N * K)
    W[idx] = x[: len(idx)]
    if np.any(x[: len(idx)] < 0):
        W = np.clip(W, 0.0, None)
    W = W.reshape(N, K)
    W /= W.sum(axis=1, keepdims=True)
    return Point(W, x[len(idx) :], False, None, None, np.zeros((0, N * K)), False, kappa)


def float_ok(game: Game, pt: Point, tol: Tolerances = DEFAULT_TOL) -> tuple[bool, float, float]:
    """``(NashConv within tolerance, NashConv, tolerance)`` of a float point."""
    nc = nash_conv(pt.W, game.population, game.incentives) / game.incentives.unit
    kappa = pt.kappa if math.isfinite(pt.kappa) else tol.kappa_flag
    bound = max(tol.nashconv_floor, tol.kappa_eps * EPS * kappa) * game.scale * game.N
    return nc <= bound, nc, bound


def certify_profile(
    profile: Any,
    a: ArrayLike | Population,
    C: ArrayLike | Incentives,
    beta_a: float | None = None,
    beta_i: float | None = None,
    beta_d: float | None = None,
) -> bool:
    """Exact check that a profile is a Nash equilibrium of the (rationalised) game.

    Every entry of ``profile`` (floats, ints or Fractions; shape (N, K)) is taken as
    the exact rational it denotes; each row must lie exactly on the simplex. The
    KKT conditions (``g_mk`` equal on the support, ``<=`` off it) are checked in
    rational arithmetic, which for concave own problems is an exact best-response
    check.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> certify_profile([[1, 0], [0, 1]], [1.0, 1.0], np.zeros((2, 2)), 0.0, 1.0, 1.0)
    True
    >>> certify_profile([[F(1, 2), F(1, 2)], [0, 1]], [1.0, 1.0], np.zeros((2, 2)), 0.0, 1.0, 1.0)
    False
    """
    try:
        rows = [[Fraction(x) for x in row] for row in profile]
    except (TypeError, ValueError):
        raise InputError("profile must be a numeric (N, K) array") from None
    N = len(rows)
    if N < 1 or any(len(row) != len(rows[0]) for row in rows):
        raise InputError("profile must have shape (N, K) with N >= 1")
    game = build_game(a, C, beta_a, beta_i, beta_d, N)
    K = game.K
    if len(rows[0]) != K:
        raise InputError(f"profile has {len(rows[0])} columns, the instance has K = {K}")
    if any(x < 0 for row in rows for x in row) or any(sum(row) != 1 for row in rows):
        return False
    Q, g0 = game.exact()
    flat = [to_fmpq(x) for row in rows for x in row]
    zero = to_fmpq(0)
    for m in range(N):
        G = [
            g0[m * K + k] - sum((Q[m * K + k][j] * flat[j] for j in range(N * K)), zero)
            for k in range(K)
        ]
        on = [G[k] for k in range(K) if rows[m][k] > 0]
        if any(x != on[0] for x in on) or any(G[k] > on[0] for k in range(K)):
            return False
    return True
