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

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from nashalign.errors import InputError
from nashalign.model import Incentives, Population, takes_population
from nashalign.solvers.linalg import RTOL_DEGENERATE
from nashalign.solvers.simplex_qp import face_solutions, kkt_points

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


def _kkt_residual(H: NDArray, g: NDArray, w: NDArray, S: NDArray, scale: float) -> float:
    G = g - H @ w
    lam = float(np.mean(G[S]))
    out = np.setdiff1d(np.arange(g.shape[0]), S)
    eq = float(np.max(np.abs(G[S] - lam)))
    ineq = float(np.max(G[out] - lam, initial=0.0))
    return max(eq, ineq, 0.0) / scale


@takes_population
def symmetric_equilibria(
    population: Population,
    incentives: Incentives,
    *,
    tol: float = 1e-9,
    rtol_singular: float = RTOL_DEGENERATE,
    max_k: int = 16,
) -> list[SymmetricNE]:
    """Every symmetric NE of the homogeneous game, by support enumeration.

    Parameters
    ----------
    population : Population
        A homogeneous population; the symmetric conditions do not depend on N >= 2,
        and a single agent has no diversity term (r = 0). Convenience form
        (:func:`~nashalign.model.takes_population`):
        ``symmetric_equilibria(a, C, beta_a, beta_i, beta_d, n_agents)``.
    incentives : Incentives
        Scalar incentives.
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
    pop, inc = population, incentives
    if not inc.scalar:
        raise InputError("support enumeration takes scalar beta_a, beta_i, beta_d")
    if not pop.homogeneous:
        raise InputError("symmetric support enumeration is for a homogeneous population")
    a_, C_, K = pop.a, pop.C, pop.K
    if K > max_k:
        raise InputError(f"support enumeration over 2^{K} supports is too large (max_k = {max_k})")
    s, r = float(inc.s), float(inc.r_for(pop))
    H = 2.0 * C_ + r * np.eye(K)
    g = s * a_
    norm = float(np.max(np.abs(np.linalg.eigvalsh(H))))
    scale = (norm + float(np.max(np.abs(g)))) or 1.0  # relative to the data, 1 only at 0
    found: list[SymmetricNE] = []
    for S, point, dirs, lam in kkt_points(H, g, tol, rtol_singular):
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
