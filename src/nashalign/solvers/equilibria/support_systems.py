"""The support systems of joint support enumeration, and their float pre-filter.

Every tuple of nonempty supports is solved: ``(2^K - 1)^N`` tuples for a
heterogeneous population; for a homogeneous one the game is symmetric under
permuting agents, so only multisets of supports are solved (``C(2^K - 2 + N, N)``,
:func:`~nashalign.solvers.equilibria.enumeration_size`) and each solution's orbit is expanded afterwards. The
float pre-filter is vectorised (``batch``): every tuple's system is embedded in
one ``N(K+1)``-square system (off-support rows and columns replaced by the
identity), solved in batches with :func:`numpy.linalg.solve`; the condition number
of each is computed from the batched inverse (1-norm) and the pre-filter tolerance
grows with it. Systems whose condition number is large get an SVD; numerically
singular ones are the candidates for continua (``candidates``). Floats only
prune here: the survivors are certified by
:mod:`nashalign.solvers.equilibria.certificates`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations_with_replacement, product

import numpy as np
from numpy.typing import NDArray

from nashalign.solvers.equilibria.game import Game, bordered_float
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL, Tolerances

__all__ = [
    "MAX_SYSTEMS",
    "Candidate",
    "batch",
    "candidates",
    "enumeration_size",
    "in_reach",
    "plan",
]

#: Largest number of support systems :func:`all_equilibria` solves (N = 4, K = 6
#: homogeneous is 720,720; about 30 s on 2 cores).
MAX_SYSTEMS = 1_000_000
#: Rows per batched float solve.
CHUNK = 8192


def enumeration_size(K: int, n_agents: int, homogeneous: bool = True) -> int:
    """Number of support systems :func:`all_equilibria` solves.

    Examples
    --------
    >>> enumeration_size(5, 2), enumeration_size(5, 2, homogeneous=False)
    (496, 961)
    """
    n_sup = 2**K - 1
    if homogeneous:
        return math.comb(n_sup + n_agents - 1, n_agents)
    return n_sup**n_agents


def in_reach(K: int, n_agents: int, homogeneous: bool = True, limit: int = MAX_SYSTEMS) -> bool:
    """Whether joint support enumeration is within ``limit`` support systems.

    Examples
    --------
    >>> in_reach(6, 4), in_reach(10, 4)
    (True, False)
    """
    return enumeration_size(K, n_agents, homogeneous) <= limit


@lru_cache(maxsize=16)
def plan(K: int, N: int, homogeneous: bool) -> tuple[NDArray, NDArray]:
    """``(tuples (T, N) of support ids, masks (n_sup, K))``, cached."""
    n_sup = 2**K - 1
    masks = ((np.arange(1, n_sup + 1)[:, None] >> np.arange(K)) & 1).astype(bool)
    # Order supports by size, then lexicographically.
    order = sorted(
        range(n_sup), key=lambda i: (int(masks[i].sum()), tuple(np.flatnonzero(masks[i])))
    )
    masks = masks[order]
    it = (
        combinations_with_replacement(range(n_sup), N)
        if homogeneous
        else product(range(n_sup), repeat=N)
    )
    count = enumeration_size(K, N, homogeneous)
    tuples = np.fromiter((x for t in it for x in t), dtype=np.int32, count=count * N).reshape(
        count, N
    )
    tuples.flags.writeable = False
    masks.flags.writeable = False
    return tuples, masks


def batch(game: Game, on: NDArray, g0: NDArray | None = None) -> tuple[NDArray, NDArray, NDArray]:
    """Solve every masked system of a batch: ``(x (B, n), log kappa bound (B,), ok (B,))``.

    The right-hand side is ``[g0; 1]`` with ``g0 = game.g0`` (``s a``) unless given.
    """
    g0 = game.g0 if g0 is None else g0
    N, K = game.N, game.K
    nk = N * K
    n = nk + N
    Bn = on.shape[0]
    base = np.zeros((n, n))
    base[:nk, :nk] = game.Q
    for m in range(N):
        base[m * K : (m + 1) * K, nk + m] = 1.0
        base[nk + m, m * K : (m + 1) * K] = 1.0
    v = np.concatenate([on, np.ones((Bn, N), dtype=bool)], axis=1).astype(float)
    M = base[None] * v[:, :, None] * v[:, None, :]
    idx = np.arange(nk)
    M[:, idx, idx] += 1.0 - v[:, :nk]
    rhs = np.concatenate([np.broadcast_to(g0, (Bn, nk)) * v[:, :nk], np.ones((Bn, N))], axis=1)
    ok = np.ones(Bn, dtype=bool)
    try:
        Minv = np.linalg.inv(M)
    except np.linalg.LinAlgError:
        Minv = np.full_like(M, np.nan)
        for i in range(Bn):
            try:
                Minv[i] = np.linalg.inv(M[i])
            except np.linalg.LinAlgError:
                ok[i] = False
    x = np.einsum("bij,bj->bi", Minv, rhs)
    # 1-norm condition number (in float; exact singularity makes it inf)
    with np.errstate(invalid="ignore", over="ignore"):
        kap = np.abs(M).sum(axis=1).max(axis=1) * np.abs(Minv).sum(axis=1).max(axis=1)
    ok &= np.isfinite(kap)
    logk = np.where(ok, np.log(np.where(ok, kap, 1.0)), np.inf)
    return x, logk, ok


def kkt_violation(game: Game, W: NDArray, lam: NDArray, on: NDArray) -> tuple[NDArray, NDArray]:
    """``(min support weight, max off-support g - lam)`` per row (relative to scale)."""
    N, K = game.N, game.K
    G = game.g0[None] - W.reshape(-1, N * K) @ game.Q.T
    G = G.reshape(-1, N, K) - lam[:, :, None]
    wmin = np.where(on.reshape(-1, N, K), W, np.inf).min(axis=(1, 2))
    gmax = np.where(on.reshape(-1, N, K), -np.inf, G).max(axis=(1, 2))
    return wmin, gmax / game.scale


@dataclass
class Candidate:
    supports: tuple[tuple[int, ...], ...]
    singular: bool
    kappa: float


def candidates(game: Game, tol: Tolerances = DEFAULT_TOL) -> tuple[list[Candidate], int]:
    """The float pre-filter: ``(candidates, number of support systems solved)``."""
    N, K = game.N, game.K
    tuples, masks = plan(K, N, game.homogeneous)
    out: list[Candidate] = []
    for start in range(0, tuples.shape[0], CHUNK):
        t = tuples[start : start + CHUNK]
        on = masks[t].reshape(t.shape[0], N * K)
        x, logk, ok = batch(game, on)
        W = x[:, : N * K].reshape(-1, N, K)
        W = np.where(on.reshape(-1, N, K), W, 0.0)
        lam = x[:, N * K :]
        wmin, gmax = kkt_violation(game, W, lam, on)
        kappa = np.exp(np.minimum(logk, 700.0))
        slack = tol.slack(kappa)
        flagged = (~ok) | (logk > math.log(tol.kappa_flag))
        good = ok & ~flagged & (wmin > -slack) & (gmax <= slack)
        for i in np.flatnonzero(good | flagged):
            sup = tuple(tuple(int(k) for k in np.flatnonzero(masks[j])) for j in t[i])
            if good[i]:
                out.append(Candidate(sup, False, float(kappa[i])))
                continue
            c = svd_check(game, on[i], x[i], bool(ok[i]), tol)
            if c is not None:
                out.append(Candidate(sup, c[0], c[1]))
    return out, int(tuples.shape[0])


def svd_check(
    game: Game, on: NDArray, x: NDArray, ok: bool, tol: Tolerances = DEFAULT_TOL
) -> tuple[bool, float] | None:
    """SVD test of an ill-conditioned system: ``(singular, kappa)`` or None to drop."""
    N, K = game.N, game.K
    supports = tuple(
        tuple(int(k) for k in np.flatnonzero(on[m * K : (m + 1) * K])) for m in range(N)
    )
    M, b, idx = bordered_float(game, supports)
    sv = np.linalg.svd(M, compute_uv=False)
    if sv[-1] <= tol.rank * sv[0] * M.shape[0]:
        return True, math.inf
    kappa = float(sv[0] / sv[-1])
    slack = tol.slack(kappa)
    if slack > tol.float_verdict_max:
        return False, kappa  # too ill-conditioned for a float verdict: decide exactly
    xr = np.linalg.solve(M, b)
    W = np.zeros(N * K)
    W[idx] = xr[: len(idx)]
    wmin, gmax = kkt_violation(game, W[None].reshape(1, N, K), xr[None, len(idx) :], on[None])
    if wmin[0] > -slack and gmax[0] <= slack:
        return False, kappa
    return None
