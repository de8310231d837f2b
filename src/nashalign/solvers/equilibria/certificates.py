"""Certificates: each candidate support tuple is re-solved and its KKT conditions checked.

**Exact.** ``a``, ``C`` and the betas are converted exactly to rationals (a float is
a binary rational), the candidate's bordered system is re-solved on its support in
exact rational arithmetic (``python-flint``'s ``fmpq_mat``) and the KKT conditions
are checked exactly: weights ``> 0`` on the support, ``g_mk <= lam_m`` off it.
Rank, consistency and continua are decided over Q too (reduced row echelon form).

**PSD policy.** The KKT check is an exact best-response check only when each
agent's problem is concave, i.e. ``C_m`` is PSD. That is certified exactly (the sign
pattern of the characteristic polynomial of the rational ``C_m``), once per game.
Where it fails (a sample covariance from ``n <= K`` contexts is often indefinite as
rationals at the 1e-18 level) the KKT point is additionally checked to be an exact
best response by enumerating the faces of the agent's simplex
(``best_response_exact``): no concavity is assumed, and since every NE satisfies
the KKT conditions the enumeration stays complete. A candidate that fails is
dropped, so no returned equilibrium is spurious
(:func:`~nashalign.solvers.equilibria.certify_profile` does the same check for any
given profile).

**Float.** With ``exact=False`` (or when there are more than ``max_exact``
candidates) the certificate is NashConv
(:func:`nashalign.solvers.metrics.nash_conv`) within a tolerance scaled by the
system's condition number, and the result says so.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nashalign.errors import InputError
from nashalign.model import Incentives, Population
from nashalign.solvers.equilibria.exact import affine_solutions, qp_max_simplex
from nashalign.solvers.equilibria.game import (
    Game,
    bordered_exact,
    bordered_float,
    build_game,
    support_index,
    to_fmpq,
)
from nashalign.solvers.equilibria.points import Point, check_exact, check_exact_int
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL, EPS, Tolerances
from nashalign.solvers.metrics import nash_conv

__all__ = [
    "best_response_exact",
    "certify_exact",
    "certify_float",
    "certify_profile",
    "float_ok",
    "solve_nonsingular",
]


def certify_exact(game: Game, supports: tuple[tuple[int, ...], ...]) -> Point | None | str:
    """Decide a support tuple exactly: its certified NE (a ``Point``), None when it
    has none, or ``"undecided"`` (a continuum whose NE the exact tools could not settle).

    The bordered system is reduced over Q (``affine_solutions``):
    inconsistent: no NE; nonsingular: the exact KKT check of its solution; singular
    and consistent: a continuum (:func:`~nashalign.solvers.equilibria.continua.continuum_exact`).
    Where an agent's ``C_m`` is not exactly PSD the KKT point is also checked to be
    an exact best response (``best_response_exact``).
    """
    from nashalign.solvers.equilibria.continua import continuum_exact  # continua uses points

    N, K = game.N, game.K
    sol = solve_nonsingular(game, supports)
    if sol is not None:
        idx = support_index(game, supports)
        nI = len(idx)
        x, den = sol
        pt = check_exact_int(game, idx, x[:nI], x[nI:], den, np.zeros((0, N * K)), False)
    else:
        rows, idx = bordered_exact(game, supports)
        nI = len(idx)
        st, x, null = affine_solutions(rows)
        if st == "none":
            return None
        if st == "unique":
            pt = check_exact(game, idx, x[:nI], x[nI:], np.zeros((0, N * K)), False)  # type: ignore[index]
        else:
            pt = continuum_exact(game, supports, idx, x, null)  # type: ignore[arg-type,assignment]
    if not isinstance(pt, Point):
        return pt
    bad = [m for m in range(N) if not game.psd_exact()[m][0]]
    if bad and not all(best_response_exact(game, pt.Wq, m) for m in bad):  # type: ignore[arg-type]
        return "undecided" if pt.continuum else None
    return pt


def solve_nonsingular(
    game: Game, supports: tuple[tuple[int, ...], ...]
) -> tuple[list[int], int] | None:
    """The exact solution of a support tuple's bordered system as integers over one
    positive denominator, ``([num w_S; num D lam], den)``, or None when the system is
    singular over Q.

    Solved in integers (``flint.fmpz_mat.solve``, fraction-free): with ``Q = Qz / D``
    and ``s a = gz / D`` the system ``[[Qz_SS, E], [E', 0]] [w; D lam] = [gz_S; 1]`` has
    integer entries; singularity is decided exactly (flint raises on a singular
    matrix), and the singular case goes to the reduced row echelon form.
    """
    import flint

    N, K = game.N, game.K
    _, Qz, gz, _ = game.exact_int()
    idx = support_index(game, supports)
    nI = len(idx)
    n = nI + N
    ent: list[int] = []
    for i in idx:
        row = Qz[i]
        ent.extend([row[j] for j in idx])
        ent.extend([1 if mm == i // K else 0 for mm in range(N)])
    for m in range(N):
        ent.extend([1 if j // K == m else 0 for j in idx])
        ent.extend([0] * N)
    try:
        X = flint.fmpz_mat(n, n, ent).solve(flint.fmpz_mat(n, 1, [gz[i] for i in idx] + [1] * N))
    except ZeroDivisionError:
        return None
    num, den = X.numer_denom()
    d = int(den)
    if d < 0:
        return [-int(v) for v in num.entries()], -d
    return [int(v) for v in num.entries()], d


def best_response_exact(game: Game, Wq: list[list[Any]], m: int) -> bool:
    """Is agent ``m``'s exact mixture an exact best response (no concavity assumed)?

    Agent ``m`` maximises ``c'w - w'C_m w`` over the simplex with
    ``c = s a_m - rho sum_{j != m} w_j``; the maximum is computed exactly by
    enumerating the faces of the simplex
    (``qp_max_simplex``).
    """
    N, K = game.N, game.K
    Q, g0 = game.exact()
    zero = to_fmpq(0)
    c = [
        g0[m * K + k] - sum((Q[m * K + k][j * K + k] * Wq[j][k] for j in range(N) if j != m), zero)
        for k in range(K)
    ]
    H = [[Q[m * K + k][m * K + l] / 2 for l in range(K)] for k in range(K)]
    w = Wq[m]
    own = sum((c[k] * w[k] for k in range(K)), zero) - sum(
        (w[k] * H[k][l] * w[l] for k in range(K) for l in range(K)), zero
    )
    return not qp_max_simplex(c, H) > own


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
    rational arithmetic, which for an exactly PSD ``C_m`` is an exact best-response
    check; for any other agent its best response is computed exactly by face
    enumeration (``best_response_exact``).

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
    Wq = [flat[m * K : (m + 1) * K] for m in range(N)]
    return all(game.psd_exact()[m][0] or best_response_exact(game, Wq, m) for m in range(N))
