"""The support systems of joint support enumeration, and their float pre-filter.

Every tuple of nonempty supports is solved: ``(2^K - 1)^N`` tuples for a
heterogeneous population; for a homogeneous one the game is symmetric under
permuting agents, so only multisets of supports are solved (``C(2^K - 2 + N, N)``,
:func:`~nashalign.solvers.equilibria.enumeration_size`) and each solution's orbit is
expanded afterwards. The float pre-filter is vectorised (``prefilter``): the tuples'
systems are grouped by size, equilibrated and solved in batches with
:func:`numpy.linalg.solve` (on the faces: ``(|S| - N)``-square). Floats only prune
here, and only by a margin above the solve's estimated forward error: every system the float verdict cannot rule out
(near a decision boundary, ill-conditioned, singular) is a candidate, and every
candidate's structure (rank, consistency, continua, ties, supports) is decided
over Q by :mod:`nashalign.solvers.equilibria.certificates`. ``batch`` is the plain
float solve that :func:`~nashalign.solvers.equilibria.grid_counts` uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations_with_replacement, product

import numpy as np
from numpy.typing import NDArray

from nashalign.solvers.equilibria.game import Game
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL, EPS, Tolerances

__all__ = [
    "MAX_SYSTEMS",
    "Candidate",
    "batch",
    "candidates",
    "enumeration_size",
    "in_reach",
    "plan",
    "prefilter",
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
    """A support tuple the float pre-filter could not rule out.

    ``undecided``: the float verdict was too ill-conditioned to mean anything (the
    exact path decides it); ``kappa``: the estimated condition number of the
    (equilibrated) system.
    """

    supports: tuple[tuple[int, ...], ...]
    undecided: bool
    kappa: float


def prefilter(
    game: Game, on: NDArray, tol: Tolerances = DEFAULT_TOL
) -> tuple[NDArray, NDArray, NDArray]:
    """The float verdict on a batch of support systems: ``(keep, undecided, kappa)``.

    Each system is solved on its faces, as the exact certificate does
    (:func:`~nashalign.solvers.equilibria.certificates.solve_nonsingular`): ``w = w0 +
    B y`` with ``w0`` the last support index of every agent and ``B``'s columns ``e_i -
    e_last`` within each support, so that ``Y y = B'(s a - Q w0)``, ``Y = B'QB``, is
    ``(|S| - N)``-square (the batch is grouped by support size); ``lam_m`` is the
    gradient at agent ``m``'s last index. The data are equilibrated (``Q`` and ``s a``
    divided by the data scale ``sigma``), so that extreme ratios ``s, r`` do not make a
    system ill-conditioned by scale alone. One batched :func:`numpy.linalg.solve` per
    size takes two right-hand sides: ``B'(s a - Q w0)`` and a fixed Gaussian probe
    ``z``, whose solution estimates ``||Y^-1||`` (a lower bound, multiplied by
    ``sqrt(n)``). A system is pruned only when its KKT violation exceeds ``tol.kkt +
    tol.kappa_eps eps kappa (1 + ||x||)``, a margin above the forward error of the
    solve; where that margin exceeds ``tol.float_verdict_max`` (or the solve failed)
    the system is ``undecided`` and goes to the exact path.
    """
    N, K = game.N, game.K
    nk = N * K
    sig = game.scale
    Qs = game.Q / sig
    g0s = game.g0 / sig
    out_keep = np.zeros(on.shape[0], dtype=bool)
    out_undecided = np.zeros(on.shape[0], dtype=bool)
    out_kappa = np.full(on.shape[0], np.inf)
    sizes = on.sum(axis=1)
    order = np.argsort(sizes, kind="stable")
    bounds = np.searchsorted(sizes[order], np.arange(nk + 2))
    for t in range(N, nk + 1):
        rows = order[bounds[t] : bounds[t + 1]]
        Bn = rows.size
        if not Bn:
            continue
        onb = on[rows]
        onr = onb.reshape(Bn, N, K)
        last = (K - 1 - np.argmax(onr[:, :, ::-1], axis=2)) + K * np.arange(N)  # (B, N)
        free = onb.copy()
        np.put_along_axis(free, last, False, axis=1)
        f = t - N
        a = np.nonzero(free)[1].reshape(Bn, f)  # free indices, ascending
        a2 = np.take_along_axis(last, a // K, axis=1)  # their agent's last index
        W = np.zeros((Bn, nk))
        np.put_along_axis(W, last, 1.0, axis=1)  # w0
        ok = np.ones(Bn, dtype=bool)
        kappa = np.ones(Bn)
        if f:
            r = g0s[None] - W @ Qs.T
            c = np.take_along_axis(r, a, axis=1) - np.take_along_axis(r, a2, axis=1)
            ai, a2i, bj, b2j = a[:, :, None], a2[:, :, None], a[:, None, :], a2[:, None, :]
            Y = Qs[ai, bj] - Qs[ai, b2j] - Qs[a2i, bj] + Qs[a2i, b2j]
            z, zmax = _probe(f)
            rhs = np.empty((Bn, f, 2))
            rhs[:, :, 0] = c
            rhs[:, :, 1] = z
            X = _solve_halving(Y, rhs)
            ok = ~np.isnan(X[:, 0, 0])
            with np.errstate(invalid="ignore", over="ignore"):
                norm_y = np.abs(Y).sum(axis=2).max(axis=1)
                kappa = norm_y * np.abs(X[:, :, 1]).max(axis=1) / zmax * math.sqrt(f)
            np.put_along_axis(W, a, X[:, :, 0], axis=1)
            rest = 2.0 - W.reshape(Bn, N, K).sum(axis=2)  # the last entries still hold 1
            np.put_along_axis(W, last, rest, axis=1)
        with np.errstate(invalid="ignore", over="ignore"):
            G = g0s[None] - W @ Qs.T
            lam = np.take_along_axis(G, last, axis=1)
            G = G.reshape(Bn, N, K) - lam[:, :, None]
            xmax = np.maximum(np.abs(W).max(axis=1), np.abs(lam).max(axis=1))
            margin = tol.kkt + tol.kappa_eps * EPS * kappa * (1.0 + xmax)
            wmin = np.where(onb, W, np.inf).min(axis=1)
            gmax = np.where(onr, -np.inf, G).max(axis=(1, 2))
        undecided = ~(ok & np.isfinite(margin) & (margin <= tol.float_verdict_max))
        keep = undecided | ((wmin > -margin) & (gmax <= margin))
        out_keep[rows] = keep
        out_undecided[rows] = undecided
        out_kappa[rows] = kappa
    return out_keep, out_undecided, out_kappa


def _solve_halving(M: NDArray, b: NDArray) -> NDArray:
    """Batched :func:`numpy.linalg.solve`; a batch holding an exactly singular system
    is halved until the singular ones are alone (their solution is NaN)."""
    try:
        return np.linalg.solve(M, b)
    except np.linalg.LinAlgError:
        if M.shape[0] == 1:
            return np.full(b.shape, np.nan)
        h = M.shape[0] // 2
        return np.concatenate([_solve_halving(M[:h], b[:h]), _solve_halving(M[h:], b[h:])])


@lru_cache(maxsize=64)
def _probe(n: int) -> tuple[NDArray, float]:
    """A fixed Gaussian probe of length ``n`` and its largest magnitude."""
    z = np.random.default_rng(20240517 + n).standard_normal(n)
    z.flags.writeable = False
    return z, float(np.abs(z).max())


def candidates(game: Game, tol: Tolerances = DEFAULT_TOL) -> tuple[list[Candidate], int]:
    """The float pre-filter: ``(candidates, number of support systems solved)``.

    Enumerations of at most ``tol.exact_all_systems`` systems skip it: every system
    is a candidate (decided exactly).
    """
    N, K = game.N, game.K
    tuples, masks = plan(K, N, game.homogeneous)
    names = _support_names(K, N, game.homogeneous)
    out: list[Candidate] = []
    everything = tuples.shape[0] <= tol.exact_all_systems
    for start in range(0, tuples.shape[0], CHUNK):
        t = tuples[start : start + CHUNK]
        if everything:
            keep = np.ones(t.shape[0], dtype=bool)
            undecided, kappa = keep, np.full(t.shape[0], math.inf)
        else:
            keep, undecided, kappa = prefilter(game, masks[t].reshape(t.shape[0], N * K), tol)
        for i in np.flatnonzero(keep).tolist():
            sup = tuple(names[j] for j in t[i].tolist())
            out.append(Candidate(sup, bool(undecided[i]), float(kappa[i])))
    return out, int(tuples.shape[0])


@lru_cache(maxsize=16)
def _support_names(K: int, N: int, homogeneous: bool) -> tuple[tuple[int, ...], ...]:
    """Each support id of :func:`plan` as the tuple of its indices (cached)."""
    _, masks = plan(K, N, homogeneous)
    return tuple(tuple(int(k) for k in np.flatnonzero(m)) for m in masks)
