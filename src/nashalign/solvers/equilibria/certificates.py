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
from nashalign.solvers.equilibria.exact import (
    affine_solutions,
    positive_definite_fflu,
    psd_exact,
    qp_max_simplex,
)
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
        wnum, den, Y, definite = sol
        pt = check_exact_int(game, idx, wnum, None, den, np.zeros((0, N * K)), False)
        if pt is not None:
            pt.face, pt.face_definite = Y, definite
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
) -> tuple[list[int], int, list[list[int]], tuple[bool, int]] | None:
    """The exact KKT point of a support tuple with a nonsingular system, as integer
    support weights over one positive denominator, ``(num w_S, den, Y, (Y PSD, zero
    eigenvalues of Y))``; None when the system is singular over Q.

    On each agent's face ``F_m`` (last index ``l_m``) the weights are ``w = w0 + B y``
    with ``w0 = sum_m e_{l_m}`` and ``B``'s columns ``e_i - e_{l_m}`` (``i`` in ``F_m``,
    not last): the simplex constraints hold for every ``y``, and the gradient is
    constant on every face iff ``B'(s a - Q w) = 0``, i.e. ``Y y = B'(s a - Q w0)``
    with ``Y = B'QB``, the face matrix of the stability test. In integers (``Q = Qz /
    D``, ``s a = gz / D``) that is an ``f x f`` system, ``f = |S| - N``, solved by
    ``flint.fmpz_mat.solve`` (fraction-free; it raises on a singular matrix).
    ``Y`` is singular iff the bordered system is, since ``B`` spans the kernel of the
    simplex constraints; the singular case goes to the reduced row echelon form.
    """
    import flint

    K = game.K
    _, Qz, gz, _ = game.exact_int()
    faces = [[m * K + k for k in S] for m, S in enumerate(supports)]
    cols = [(f[i], f[-1]) for f in faces for i in range(len(f) - 1)]
    lasts = [f[-1] for f in faces]
    f = len(cols)
    used = [i for fc in faces for i in fc]
    diff = []  # rows of B'Qz over the support: Qz_a - Qz_a2
    for a, a2 in cols:
        qa, qa2 = Qz[a], Qz[a2]
        diff.append({j: qa[j] - qa2[j] for j in used})
    Y = [[d[b] - d[b2] for b, b2 in cols] for d in diff]
    # right-hand side B'(gz - Qz w0)
    rhs = [
        (gz[a] - gz[a2]) - sum(d[l] for l in lasts) for (a, a2), d in zip(cols, diff, strict=True)
    ]
    definite: tuple[bool, int] = (True, 0)
    if f:
        Ym = flint.fmpz_mat(f, f, [x for row in Y for x in row])
        try:
            X = Ym.solve(flint.fmpz_mat(f, 1, rhs))
        except ZeroDivisionError:
            return None
        # Y is nonsingular: PSD iff PD, no zero eigenvalue
        pd = positive_definite_fflu(Ym)
        definite = (pd, 0) if pd is not None else psd_exact(Y)
        num, dz = X.numer_denom()
        den = int(dz)
        y = [int(v) for v in num.entries()]
        if den < 0:
            den, y = -den, [-v for v in y]
    else:
        den, y = 1, []
    w: dict[int, int] = {}
    p = 0
    for fc in faces:
        rest = den
        for i in fc[:-1]:
            w[i] = y[p]
            rest -= y[p]
            p += 1
        w[fc[-1]] = rest
    return [w[i] for i in support_index(game, supports)], den, Y, definite


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
