r"""Exact maximisation of a concave quadratic over the simplex, and its KKT points.

:func:`simplex_qp` maximises :math:`g^\top x - \tfrac12 x^\top H x` (``H`` symmetric
PSD) over the simplex with a primal active-set method (finite termination; each
step solves the KKT system of the current face through an eigendecomposition of
the face's reduced Hessian, so a singular ``H`` is handled: zero-curvature ascent
directions are followed to the boundary). :func:`kkt_points` enumerates every KKT
point (and continuum) support by support; it is the exhaustive fallback of
:func:`simplex_qp` and the core of symmetric support enumeration
(:mod:`nashalign.solvers.support`).

Examples
--------
>>> x, lam = simplex_qp(np.diag([2.0, 2.0, 2.0]), [1.0, 0.5, -3.0])
>>> x.round(12).tolist(), round(lam, 12)
([0.625, 0.375, 0.0], -0.25)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError
from nashalign.solvers.linalg import RTOL_DEGENERATE, perp_basis

__all__ = ["face_solutions", "kkt_points", "simplex_qp"]


@dataclass
class _Face:
    """Solution set of the bordered system on one support: ``w_p + dirs' z``."""

    S: NDArray
    w: NDArray  # (K,)
    dirs: NDArray  # (d, K): orthonormal, supported on S


def _solve_face(
    H: NDArray, g: NDArray, S: NDArray, norm: float, rtol_singular: float, tol: float
) -> _Face | None:
    """Affine solution set of ``H_SS w_S + lam 1 = g_S, 1'w_S = 1`` (None if empty)."""
    K = g.shape[0]
    f = S.shape[0]
    w = np.zeros(K)
    if f == 1:
        w[S[0]] = 1.0
        return _Face(S, w, np.zeros((0, K)))
    Z = perp_basis(f)
    HS = H[np.ix_(S, S)]
    R = Z.T @ HS @ Z
    nu, V = np.linalg.eigh(0.5 * (R + R.T))
    c = V.T @ (Z.T @ (g[S] - HS.sum(axis=1) / f))
    null = np.abs(nu) <= rtol_singular * norm
    # Consistency is judged relative to the data's own scale: with H = 0 and tiny g
    # an absolute floor would call payoff gaps of 1e-10 ties.
    scale = (norm + float(np.max(np.abs(g)))) or 1.0
    if np.any(null) and np.max(np.abs(c[null])) > tol * scale:
        return None  # inconsistent: no solution with this support
    y = np.zeros(f - 1)
    y[~null] = c[~null] / nu[~null]
    w[S] = 1.0 / f + Z @ (V @ y)
    dirs = np.zeros((int(null.sum()), K))
    dirs[:, S] = (Z @ V[:, null]).T
    return _Face(S, w, dirs)


def _lp_point(
    face: _Face, H: NDArray, g: NDArray, tol_w: float, tol_g: float
) -> tuple[NDArray, NDArray] | None:
    """A point of a continuum face with max-min weight on S, and its implicit equalities."""
    from scipy.optimize import linprog

    S, K = face.S, g.shape[0]
    out = np.setdiff1d(np.arange(K), S)
    d = face.dirs.shape[0]
    # G(z) = G_p - H dirs' z;  lam(z) = G_{S[0]}(z);  off-support rows G_k - lam <= tol_g.
    Gp = g - H @ face.w
    HD = H @ face.dirs.T  # (K, d)
    A_off = -(HD[out] - HD[S[0]])  # rows: d(G_k - lam)/dz
    b_off = tol_g - (Gp[out] - Gp[S[0]])
    # variables (z, t): maximise t s.t. w_S(z) >= t, off-support rows, t <= 1
    A_w = np.hstack([-face.dirs[:, S].T, np.ones((S.size, 1))])
    A = np.vstack([A_w, np.hstack([A_off, np.zeros((out.size, 1))])])
    b = np.concatenate([face.w[S], b_off])
    bounds = [(None, None)] * d + [(None, 1.0)]
    res = linprog(np.r_[np.zeros(d), -1.0], A_ub=A, b_ub=b, bounds=bounds, method="highs")
    if res.status != 0 or -res.fun <= tol_w:
        return None
    z = res.x[:d]
    # implicit equalities: off-support rows that cannot be made slack
    eq_rows = []
    for i in range(out.size):
        A2 = np.vstack([-face.dirs[:, S].T, A_off])
        b2 = np.concatenate([face.w[S], b_off])
        r2 = linprog(A_off[i], A_ub=A2, b_ub=b2, bounds=[(None, None)] * d, method="highs")
        if r2.status == 0 and b_off[i] - r2.fun <= 2.0 * tol_g:
            eq_rows.append(A_off[i])
    return z, (np.array(eq_rows) if eq_rows else np.zeros((0, d)))


def _classify(
    face: _Face, H: NDArray, g: NDArray, tol_w: float, tol_g: float
) -> tuple[NDArray, NDArray] | None:
    """``(point, directions)`` of the NE on this face with support exactly S, or None."""
    S = face.S
    if face.dirs.shape[0] == 0:
        G = g - H @ face.w
        lam = G[S[0]] if S.size == 1 else float(np.mean(G[S]))
        out = np.setdiff1d(np.arange(g.shape[0]), S)
        if np.min(face.w[S]) <= tol_w or (out.size and np.max(G[out] - lam) > tol_g):
            return None
        return face.w, np.zeros((0, g.shape[0]))
    found = _lp_point(face, H, g, tol_w, tol_g)
    if found is None:
        return None
    z, eq = found
    point = face.w + face.dirs.T @ z
    if eq.shape[0]:
        _, sv, Vt = np.linalg.svd(eq)
        rank = int(np.sum(sv > 1e-9 * max(1.0, sv[0])))
        basis = Vt[rank:].T  # null space of the implicit equalities in z
    else:
        basis = np.eye(face.dirs.shape[0])
    dirs = (face.dirs.T @ basis).T
    if dirs.shape[0]:
        q, _ = np.linalg.qr(dirs.T)
        dirs = q.T
    return point, dirs


def kkt_points(
    H: NDArray, g: NDArray, tol: float, rtol_singular: float
) -> Iterator[tuple[NDArray, NDArray, NDArray, float]]:
    """Every KKT point / continuum ``(S, point, directions, lam)``, by support size."""
    K = g.shape[0]
    norm = float(np.max(np.abs(np.linalg.eigvalsh(H))))
    tol_g = tol * ((norm + float(np.max(np.abs(g)))) or 1.0)
    for size in range(1, K + 1):
        for S_t in combinations(range(K), size):
            S = np.array(S_t)
            face = _solve_face(H, g, S, norm, rtol_singular, tol)
            if face is None:
                continue
            found = _classify(face, H, g, tol, tol_g)
            if found is None:
                continue
            point, dirs = found
            G = g - H @ point
            yield S, point, dirs, float(np.mean(G[S]))


def face_solutions(
    H: ArrayLike, g: ArrayLike, tol: float = 1e-9, rtol_singular: float = RTOL_DEGENERATE
) -> Iterator[tuple[NDArray[np.float64], float]]:
    """Every KKT point ``(x, lam)`` of ``max g'x - x'Hx/2`` over the simplex.

    One representative per continuum. Used as the exhaustive fallback of
    :func:`nashalign.solvers.metrics.simplex_qp`.

    Examples
    --------
    >>> [x.tolist() for x, _ in face_solutions(np.eye(2), [1.0, 0.0])]
    [[1.0, 0.0]]
    """
    H_ = np.asarray(H, dtype=np.float64)
    g_ = np.asarray(g, dtype=np.float64)
    for _, point, _, lam in kkt_points(H_, g_, tol, rtol_singular):
        yield point, lam


def _face_step(
    H: NDArray, G: NDArray, F: NDArray, scale: float, tol: float
) -> tuple[NDArray | None, bool]:
    """Ascent direction on the face ``F``: Newton step, or a zero-curvature ray.

    Returns ``(p, is_ray)`` with ``p`` over ``F`` (summing to 0), or ``(None, False)``
    when the face optimum is reached.
    """
    f = F.shape[0]
    if f == 1:
        return None, False
    Z = perp_basis(f)
    R = Z.T @ H[np.ix_(F, F)] @ Z
    nu, V = np.linalg.eigh(0.5 * (R + R.T))
    cv = V.T @ (Z.T @ G[F])
    null = nu <= tol * scale
    if np.any(null) and np.max(np.abs(cv[null])) > tol * scale:
        return Z @ (V[:, null] @ cv[null]), True
    keep = ~null
    p = Z @ (V[:, keep] @ (cv[keep] / nu[keep]))
    if np.max(np.abs(p)) <= 1e3 * np.finfo(float).eps:
        return None, False
    return p, False


def simplex_qp(
    H: ArrayLike, g: ArrayLike, x0: ArrayLike | None = None, tol: float = 1e-13
) -> tuple[NDArray[np.float64], float]:
    r"""Maximise ``g'x - x'Hx/2`` over the simplex, H symmetric PSD; exact active set.

    Parameters
    ----------
    H : array_like, shape (K, K)
        Symmetric positive semidefinite.
    g : array_like, shape (K,)
        Linear term.
    x0 : array_like, optional
        Warm start on the simplex (its support is the first working face).
    tol : float
        Relative tolerance (to ``max|H| + max|g|``) for zero curvature and for the
        multiplier test.

    Returns
    -------
    x : ndarray
        The maximiser (exact zeros off its support).
    lam : float
        The multiplier: ``(g - Hx)_k = lam`` on the support and ``<= lam`` off it.

    Examples
    --------
    >>> x, lam = simplex_qp(np.diag([2.0, 2.0, 2.0]), [1.0, 0.5, -3.0])
    >>> x.round(12).tolist(), round(lam, 12)
    ([0.625, 0.375, 0.0], -0.25)
    >>> simplex_qp(np.zeros((2, 2)), [1.0, 2.0])[0].tolist()
    [0.0, 1.0]
    """
    H = np.asarray(H, dtype=np.float64)
    g = np.asarray(g, dtype=np.float64)
    K = g.shape[0]
    # The maximiser is invariant under scaling the objective: work at unit scale so
    # that tolerances mean the same for any data (tiny or subnormal included).
    data_scale = float(np.max(np.abs(H)) + np.max(np.abs(g)))
    if data_scale == 0.0:
        x = np.zeros(K)
        x[0] = 1.0
        return (x if x0 is None else _clean_start(x0)), 0.0
    H, g = H / data_scale, g / data_scale
    x, lam = _simplex_qp_unit(H, g, x0, tol)
    return x, lam * data_scale


def _clean_start(x0: ArrayLike) -> NDArray[np.float64]:
    x = np.clip(np.asarray(x0, dtype=np.float64), 0.0, None)
    return x / x.sum()


def _simplex_qp_unit(
    H: NDArray, g: NDArray, x0: ArrayLike | None, tol: float
) -> tuple[NDArray[np.float64], float]:
    """:func:`simplex_qp` for data scaled to ``max|H| + max|g| = 1``."""
    K = g.shape[0]
    scale = 1.0
    if x0 is None:
        x = np.zeros(K)
        x[int(np.argmax(g - 0.5 * np.diag(H)))] = 1.0
    else:
        x = _clean_start(x0)
    free = x > 0
    for _ in range(20 * K + 50):
        F = np.flatnonzero(free)
        G = g - H @ x
        p, ray = _face_step(H, G, F, scale, tol)
        if p is None:
            lam = float(np.mean(G[F]))
            out = np.flatnonzero(~free)
            if out.size == 0:
                return x, lam
            viol = G[out] - lam
            k = int(np.argmax(viol))
            if viol[k] <= tol * scale:
                return x, lam
            free[out[k]] = True
            continue
        neg = p < 0
        t_max = np.inf if ray else 1.0
        xF = x[F]
        if np.any(neg):
            ratios = xF[neg] / -p[neg]
            j = int(np.argmin(ratios))
            t = min(t_max, float(ratios[j]))
        else:  # pragma: no cover - p sums to zero, so a nonzero p has a negative entry
            t, j = t_max, -1
        xF = xF + t * p
        if t < t_max or ray:
            xF[np.flatnonzero(neg)[j]] = 0.0
        xF[xF < 0] = 0.0
        x[F] = xF
        x /= x.sum()
        free = x > 0
    return _simplex_qp_enumerate(H, g, scale, tol)


def _simplex_qp_enumerate(
    H: NDArray, g: NDArray, scale: float, tol: float
) -> tuple[NDArray[np.float64], float]:
    """Fallback (anti-cycling): best KKT point over every support."""
    K = g.shape[0]
    best, best_val = None, -np.inf
    for x, lam in face_solutions(H, g, tol=tol):
        val = g @ x - 0.5 * x @ H @ x
        if val > best_val + tol * scale:
            best, best_val = (x, lam), val
    if best is None:  # pragma: no cover - a concave QP on the simplex has a KKT point
        raise InputError(f"no best response found (K = {K}); is C positive semidefinite?")
    return best
