"""Continua: the equilibria of a singular (consistent) support system.

A singular support system's affine solution set is intersected with the KKT
inequalities by linear programming, and a representative with every support weight
positive is reported with the dimension of the affine set (an upper bound where
off-support inequalities bind). Its exact certificate is the exact KKT check of a
rational point of the exact affine set (:func:`continuum_exact`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.solvers.equilibria.certificates import Point, check_exact
from nashalign.solvers.equilibria.game import Game, bordered_exact, bordered_float, to_fmpq
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL, Tolerances

__all__ = ["continuum", "continuum_exact"]


def continuum(
    game: Game,
    supports: tuple[tuple[int, ...], ...],
    exact: bool,
    tol: Tolerances = DEFAULT_TOL,
) -> Point | None:
    """A representative of the NE on a singular support system (LP), or None."""
    from scipy.optimize import linprog

    N, K = game.N, game.K
    M, b, idx = bordered_float(game, supports)
    nI = len(idx)
    U, sv, Vt = np.linalg.svd(M)
    tol_sv = tol.rank * sv[0] * M.shape[0]
    rank = int(np.sum(sv > tol_sv))
    xp = Vt[:rank].T @ ((U[:, :rank].T @ b) / sv[:rank])
    if np.linalg.norm(M @ xp - b) > tol.consistency * (
        np.linalg.norm(b) + sv[0] * np.linalg.norm(xp)
    ):
        return None  # inconsistent
    Nul = Vt[rank:].T  # (n, d)
    d = Nul.shape[1]
    on = np.zeros(N * K, dtype=bool)
    on[idx] = True
    out = np.flatnonzero(~on)
    # weights w_S = xp[:nI] + Nul[:nI] z; off-support G_i - lam_m(i) <= 0
    Qo = game.Q[np.ix_(out, idx)]
    lam_rows = np.zeros((out.size, N))
    lam_rows[np.arange(out.size), out // K] = 1.0
    Gp = game.g0[out] - Qo @ xp[:nI] - lam_rows @ xp[nI:]
    GD = -Qo @ Nul[:nI] - lam_rows @ Nul[nI:]
    A_w = np.hstack([-Nul[:nI], np.ones((nI, 1))])
    A_o = np.hstack([GD, np.zeros((out.size, 1))])
    # Off-support rows with a margin first (HiGHS is feasible to ~1e-7 only), then without.
    for margin in (tol.lp_margin * game.scale, 0.0):
        res = linprog(
            np.r_[np.zeros(d), -1.0],
            A_ub=np.vstack([A_w, A_o]),
            b_ub=np.concatenate([xp[:nI], -Gp - margin]),
            bounds=[(None, None)] * d + [(None, 1.0)],
            method="highs",
        )
        if res.status == 0 and -res.fun > tol.lp_min_weight:
            break
    else:
        return None
    x = xp + Nul @ res.x[:d]
    dirs = np.zeros((d, N * K))
    dirs[:, idx] = Nul[:nI].T
    if d:
        qq, _ = np.linalg.qr(dirs.T)
        dirs = qq.T
    W = np.zeros(N * K)
    W[idx] = np.clip(x[:nI], 0.0, None)
    W = W.reshape(N, K)
    W /= W.sum(axis=1, keepdims=True)
    point = Point(W, x[nI:], False, None, None, dirs, True, math.inf)
    if exact:
        ex = continuum_exact(game, supports, x)
        if ex is not None:
            ex.dirs = dirs
            return ex
    return point


def continuum_exact(game: Game, supports: tuple[tuple[int, ...], ...], x: NDArray) -> Point | None:
    """Exact KKT check of a rational point of the exact affine set near ``x``."""
    import flint

    N, K = game.N, game.K
    rows, idx = bordered_exact(game, supports)
    nI = len(idx)
    n = nI + N
    zero = to_fmpq(0)
    R, rank = flint.fmpq_mat(n, n + 1, [v for row in rows for v in row]).rref()
    pivots = []
    for i in range(rank):
        j = next(j for j in range(n + 1) if R[i, j] != 0)
        if j == n:
            return None  # inconsistent exactly
        pivots.append(j)
    free = [j for j in range(n) if j not in pivots]
    vals: dict[int, Any] = {j: to_fmpq(float(x[j])) for j in free}
    for i, j in enumerate(pivots):
        vals[j] = R[i, n] - sum((R[i, f] * vals[f] for f in free), zero)
    xs = [vals[j] for j in range(n)]
    return check_exact(game, idx, xs[:nI], xs[nI:], np.zeros((0, N * K)), True)
