r"""Symmetric support enumeration: every symmetric NE, boundary ones included.

All agents playing ``w`` is a Nash equilibrium iff ``w`` is a best response to
itself. Own utility is concave (Claim 1), so the KKT conditions of Lemma 0 are
necessary and sufficient: with :math:`G(w) = s a - M(r) w`, :math:`M = 2C + rI`,
:math:`s = \beta_A/\beta_I`, :math:`r = \beta_D/\beta_I` (``r = 0`` for one agent),

.. math::

    G_k(w) = \lambda \ (k \in S), \qquad G_k(w) \le \lambda \ (k \notin S), \qquad
    w \ge 0,\ w_{[K]\setminus S} = 0,\ 1^\top w = 1 .

For each support ``S`` the equalities are the bordered system
``[[M_SS, 1], [1', 0]] [w_S; lam] = [s a_S; 1]``. It is solved in an orthonormal
basis of the complement of ``1`` on ``S`` (``w_S = 1/|S| + Z y``), where it reads
``(Z' M_SS Z) y = Z'(s a_S - M_SS 1/|S|)``; the eigendecomposition of the
compressed matrix makes a singular bordered system explicit (a compressed
eigenvalue below ``rtol_singular`` times ``||M||_2``, the same test as the closed
form's degenerate ratios). A singular, consistent system has an affine set of
solutions: it is intersected with the remaining conditions by linear programming
and reported as a **continuum** (a representative point with every weight on ``S``
positive, and an orthonormal basis of its directions), never dropped.

Each NE is reported once, on its own support (weights on ``S`` above ``tol``);
points and lower-dimensional pieces in the closure of a reported continuum are
folded into it. This is Algorithm 3.4 of Nisan et al. (2007) specialised to the
symmetric, concave quadratic case.

Examples
--------
>>> import numpy as np
>>> eqs = symmetric_equilibria([0.5, 0.2], np.eye(2), 1.0, 1.0, 1.0)
>>> [(e.support, e.weights.round(6).tolist(), e.interior) for e in eqs]
[((0, 1), [0.55, 0.45], True)]
>>> symmetric_equilibria([0.5, 0.2], np.eye(2), 20.0, 1.0, 1.0)[0].weights.tolist()
[1.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.closed_form import RTOL_DEGENERATE, validate_betas, validate_n_agents
from nashalign.errors import InputError
from nashalign.instance import validate_a_C

__all__ = ["SymmetricNE", "face_solutions", "symmetric_equilibria"]


@dataclass(frozen=True)
class SymmetricNE:
    """One symmetric Nash equilibrium (or a continuum of them).

    Attributes
    ----------
    weights : ndarray, shape (K,)
        The common mixture (for a continuum: a representative with every weight on
        the support positive).
    support : tuple of int
        Indices with positive weight.
    lam : float
        Multiplier in units of beta_I: ``s a - M(r) w = lam`` on the support.
    interior : bool
        Full support.
    continuum : bool
        Part of an affine family of symmetric NE.
    directions : ndarray, shape (d, K)
        Orthonormal directions of the continuum (``d = 0`` when isolated).
    kkt_residual : float
        Largest violation of the KKT conditions at ``weights`` (relative).
    """

    weights: NDArray[np.float64]
    support: tuple[int, ...]
    lam: float
    interior: bool
    continuum: bool = False
    directions: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 0)))
    kkt_residual: float = 0.0

    @property
    def dimension(self) -> int:
        """Dimension of the continuum (0 for an isolated NE)."""
        return int(self.directions.shape[0])


def _perp(f: int) -> NDArray[np.float64]:
    from nashalign.metrics import _perp as cached

    return cached(f)


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
    Z = _perp(f)
    HS = H[np.ix_(S, S)]
    R = Z.T @ HS @ Z
    nu, V = np.linalg.eigh(0.5 * (R + R.T))
    c = V.T @ (Z.T @ (g[S] - HS.sum(axis=1) / f))
    null = np.abs(nu) <= rtol_singular * norm
    if np.any(null) and np.max(np.abs(c[null])) > tol * (norm + float(np.max(np.abs(g)))):
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


def _kkt_residual(H: NDArray, g: NDArray, w: NDArray, S: NDArray, scale: float) -> float:
    G = g - H @ w
    lam = float(np.mean(G[S]))
    out = np.setdiff1d(np.arange(g.shape[0]), S)
    eq = float(np.max(np.abs(G[S] - lam)))
    ineq = float(np.max(G[out] - lam, initial=0.0))
    return max(eq, ineq, 0.0) / scale


def _enumerate(
    H: NDArray, g: NDArray, tol: float, rtol_singular: float
) -> Iterator[tuple[NDArray, NDArray, NDArray, float]]:
    """Every KKT point / continuum ``(S, point, directions, lam)``, by support size."""
    K = g.shape[0]
    norm = float(np.max(np.abs(np.linalg.eigvalsh(H)))) or 1.0
    tol_g = tol * (norm + float(np.max(np.abs(g))))
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
    :func:`nashalign.metrics.simplex_qp`.

    Examples
    --------
    >>> [x.tolist() for x, _ in face_solutions(np.eye(2), [1.0, 0.0])]
    [[1.0, 0.0]]
    """
    H_ = np.asarray(H, dtype=np.float64)
    g_ = np.asarray(g, dtype=np.float64)
    for _, point, _, lam in _enumerate(H_, g_, tol, rtol_singular):
        yield point, lam


def symmetric_equilibria(
    a: ArrayLike,
    C: ArrayLike,
    beta_a: float,
    beta_i: float,
    beta_d: float,
    n_agents: int = 2,
    tol: float = 1e-9,
    rtol_singular: float = RTOL_DEGENERATE,
    max_k: int = 16,
) -> list[SymmetricNE]:
    """Every symmetric NE of the homogeneous game, by support enumeration.

    Parameters
    ----------
    a, C : array_like
        The instance (validated; C symmetric PSD).
    beta_a, beta_i, beta_d : float
        Incentive weights (scalars).
    n_agents : int
        N >= 1; the symmetric conditions do not depend on N >= 2, and a single
        agent has no diversity term (r = 0).
    tol : float
        Weights on the support must exceed ``tol``; the off-support KKT inequalities
        may be violated by ``tol`` times ``max|s a| + ||M||_2``.
    rtol_singular : float
        Relative size of a compressed eigenvalue treated as zero (a singular
        bordered system: see the module docstring).
    max_k : int
        Refuse K above this (``2^K - 1`` supports).

    Returns
    -------
    list of SymmetricNE
        Sorted by support size, then support. Never empty: a symmetric NE exists.

    Examples
    --------
    >>> eqs = symmetric_equilibria([1.0, 1.0], [[1.0, 1.0], [1.0, 1.0]], 1.0, 1.0, 0.0)
    >>> [(e.support, e.continuum, e.dimension) for e in eqs]
    [((0, 1), True, 1)]
    """
    a_, C_ = validate_a_C(a, C)
    N = validate_n_agents(n_agents)
    ba, bi, bd = validate_betas(beta_a, beta_i, beta_d)
    if ba.ndim or bi.ndim or bd.ndim:
        raise InputError("support enumeration takes scalar beta_a, beta_i, beta_d")
    K = a_.shape[0]
    if K > max_k:
        raise InputError(f"support enumeration over 2^{K} supports is too large (max_k = {max_k})")
    s = float(ba / bi)
    r = float(bd / bi) if N >= 2 else 0.0
    H = 2.0 * C_ + r * np.eye(K)
    g = s * a_
    norm = float(np.max(np.abs(np.linalg.eigvalsh(H)))) or 1.0
    scale = norm + float(np.max(np.abs(g)))
    found: list[SymmetricNE] = []
    for S, point, dirs, lam in _enumerate(H, g, tol, rtol_singular):
        found.append(
            SymmetricNE(
                weights=point,
                support=tuple(int(k) for k in S),
                lam=lam,
                interior=S.size == K,
                continuum=dirs.shape[0] > 0,
                directions=dirs,
                kkt_residual=_kkt_residual(H, g, point, S, scale),
            )
        )
    return _fold(found, tol)


def _k_of(e: SymmetricNE) -> int:
    """K of an equilibrium (its directions may be stored as an empty (0, 0) array)."""
    return int(e.weights.shape[0])


def _fold(found: list[SymmetricNE], tol: float) -> list[SymmetricNE]:
    """Drop points and pieces lying in the affine hull of a larger continuum."""
    keep: list[SymmetricNE] = []
    by_dim = sorted(found, key=lambda e: -e.dimension)
    for e in by_dim:
        absorbed = False
        for big in keep:
            if big.dimension <= e.dimension and not (big.dimension == 0 and e.dimension == 0):
                continue
            diff = np.vstack([e.weights - big.weights, e.directions.reshape(-1, _k_of(e))])
            if big.dimension:
                diff = diff - (diff @ big.directions.T) @ big.directions
            if np.max(np.abs(diff)) <= 10 * tol:
                absorbed = True
                break
        if not absorbed:
            keep.append(e)
    return sorted(keep, key=lambda e: (len(e.support), e.support))
