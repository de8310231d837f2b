r"""Theorem 1's scalars from the spectrum of C on 1-perp: alpha(r), alpha_tilde(r) and their roots.

With :math:`\mu_j` the eigenvalues of C compressed to :math:`\mathbf 1^\perp`,

.. math::

    \alpha(r) = K \prod_j (2\mu_j + r), \qquad
    \tilde\alpha(r) = K \prod_j \bigl(2\mu_j - r/(N-1)\bigr),

division-free and vectorised over r; :func:`degenerate_ratios` lists the roots
(alpha never vanishes for r > 0: Lemma 2). The closed form itself is
:mod:`nashalign.solvers.closed_form`.

Examples
--------
>>> import numpy as np
>>> alpha(np.diag([1.0, 2.0, 3.0]), [0.0, 1.0]).round(9).tolist()
[44.0, 71.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError
from nashalign.model import Population
from nashalign.solvers.linalg import perp_basis
from nashalign.validation import validate_a_C, validate_n_agents

__all__ = [
    "Spectrum",
    "alpha",
    "alpha_eig_sum",
    "alpha_roots",
    "alpha_tilde",
    "degenerate_ratios",
    "spectrum",
]


@dataclass(frozen=True)
class Spectrum:
    """The once-per-instance structure behind the evaluator.

    Attributes
    ----------
    mu : ndarray, shape (K-1,)
        Eigenvalues (ascending) of ``C`` compressed to the complement of ``1``.
    U : ndarray, shape (K, K-1)
        Orthonormal basis of ``1^perp`` with ``U.T @ C @ U = diag(mu)``.
    norm : float
        ``||C||_2`` (largest eigenvalue of C).
    """

    mu: NDArray[np.float64]
    U: NDArray[np.float64]
    norm: float

    @property
    def K(self) -> int:
        """Number of subpopulations."""
        return int(self.U.shape[0])


def spectrum(C: NDArray[np.float64]) -> Spectrum:
    """Compress ``C`` to ``1^perp`` and diagonalise it (one eigendecomposition).

    Examples
    --------
    >>> sp = spectrum(np.array([[1.0, 0.0], [0.0, 3.0]]))
    >>> sp.mu.round(6).tolist(), sp.norm
    ([2.0], 3.0)
    """
    K = C.shape[0]
    Z = perp_basis(K)
    Cp = Z.T @ C @ Z
    mu, V = np.linalg.eigh(0.5 * (Cp + Cp.T))
    norm = float(max(np.max(np.abs(np.linalg.eigvalsh(C))), 0.0))
    return Spectrum(mu=mu, U=Z @ V, norm=norm)


def _prepare(a: ArrayLike, C: ArrayLike) -> tuple[NDArray, NDArray, Spectrum]:
    a_, C_ = validate_a_C(a, C)
    return a_, C_, spectrum(C_)


def _spectrum_of(C: ArrayLike | Population) -> Spectrum:
    """The spectrum of a homogeneous population's C (validated once) or of an array C."""
    if isinstance(C, Population):
        if not C.homogeneous:
            raise InputError("alpha is defined for a homogeneous population (one C)")
        return spectrum(C.C)
    return _prepare(np.zeros(np.shape(C)[0]), C)[2]


def alpha(C: ArrayLike | Population, r: ArrayLike) -> NDArray[np.float64]:
    r"""``alpha(r) = 1' adj(2C + rI) 1 = K prod_j (2 mu_j + r)``, vectorised over ``r``.

    Examples
    --------
    >>> alpha(np.diag([1.0, 2.0, 3.0]), [0.0, 1.0]).round(9).tolist()
    [44.0, 71.0]
    >>> from nashalign.model import Population
    >>> float(alpha(Population([0.0, 0.0, 0.0], np.diag([1.0, 2.0, 3.0])), 1.0).round(9))
    71.0
    """
    sp = _spectrum_of(C)
    rr = np.asarray(r, dtype=np.float64)
    return sp.K * np.prod(2.0 * sp.mu + rr[..., None], axis=-1)


def alpha_tilde(C: ArrayLike | Population, r: ArrayLike, n_agents: int = 2) -> NDArray[np.float64]:
    r"""``alpha_tilde(r) = 1' adj(2C - r/(N-1) I) 1 = K prod_j (2 mu_j - r/(N-1))``.

    Examples
    --------
    >>> alpha_tilde(np.diag([1.0, 3.0]), [0.0, 4.0]).round(9).tolist()
    [8.0, 0.0]
    """
    N = validate_n_agents(n_agents)
    if N < 2:
        raise InputError("alpha_tilde needs at least 2 agents")
    sp = _spectrum_of(C)
    rr = np.asarray(r, dtype=np.float64)
    return sp.K * np.prod(2.0 * sp.mu - rr[..., None] / (N - 1), axis=-1)


def alpha_eig_sum(C: ArrayLike, r: ArrayLike) -> NDArray[np.float64]:
    r"""The eigen-sum form ``sum_k b_k^2 prod_{j != k} (2 lambda_j + r)``, ``b = Q' 1``.

    Division-free like :func:`alpha` and equal to it (a polynomial identity); kept
    as the independent reference of Theorem 1's statement.

    Examples
    --------
    >>> alpha_eig_sum(np.diag([1.0, 2.0, 3.0]), [0.0, 1.0]).round(9).tolist()
    [44.0, 71.0]
    """
    _, C_ = validate_a_C(np.zeros(np.shape(C)[0]), C)
    lam, Q = np.linalg.eigh(C_)
    b2 = (Q.T @ np.ones(C_.shape[0])) ** 2
    d = 2.0 * lam + np.asarray(r, dtype=np.float64)[..., None]
    K = C_.shape[0]
    total = np.zeros(d.shape[:-1])
    for k in range(K):
        total = total + b2[k] * np.prod(np.delete(d, k, axis=-1), axis=-1)
    return total


def degenerate_ratios(C: ArrayLike, n_agents: int = 2) -> dict[str, NDArray[np.float64]]:
    r"""The ratios ``r = beta_D/beta_I`` at which alpha or alpha_tilde vanish.

    ``alpha`` vanishes at ``r = -2 mu_j`` (never for ``r > 0``: Lemma 2) and
    ``alpha_tilde`` at ``r = 2 (N-1) mu_j``; all roots are real.

    Examples
    --------
    >>> {k: v.round(6).tolist() for k, v in degenerate_ratios(np.diag([1.0, 3.0])).items()}
    {'alpha': [-4.0], 'alpha_tilde': [4.0]}
    """
    N = validate_n_agents(n_agents)
    _, _, sp = _prepare(np.zeros(np.shape(C)[0]), C)
    return alpha_roots(sp, N)


def alpha_roots(sp: Spectrum, N: int) -> dict[str, NDArray[np.float64]]:
    """The roots of alpha and alpha_tilde in r from a :class:`Spectrum` (see :func:`degenerate_ratios`)."""
    out = {"alpha": -2.0 * sp.mu[::-1]}
    out["alpha_tilde"] = 2.0 * (N - 1) * sp.mu if N >= 2 else np.array([])
    return out
