r"""Utilities, exact best responses and NashConv.

Agent ``m`` with others' mean :math:`\bar w_{-m} = \frac{1}{N-1}\sum_{j\ne m} w_j` has

.. math::

    u_m(w_m, w_{-m}) = \beta_A a_m^\top w_m - \beta_I w_m^\top C_m w_m
    - \beta_D w_m^\top \bar w_{-m}

(``a_m = a``, ``C_m = C`` in a homogeneous population; a single agent has no
diversity term). Its best response maximises the concave quadratic
:math:`g^\top x - \tfrac12 x^\top H x`, :math:`g = \beta_A a_m - \beta_D \bar w_{-m}`,
:math:`H = 2\beta_I C_m`, over the simplex; :func:`simplex_qp` solves that exactly
with a primal active-set method (finite termination; each step solves the KKT
system of the current face through an eigendecomposition of the face's reduced
Hessian, so a singular ``C`` is handled: zero-curvature ascent directions are
followed to the boundary). The result satisfies the KKT conditions
(:math:`\nabla = \lambda 1` on the support, :math:`\le \lambda` off it) to rounding,
which for a concave objective certifies the global maximum.

NashConv (OpenSpiel's name) is
:math:`\sum_m [\max_x u_m(x, w_{-m}) - u_m(w_m, w_{-m})]`, each term computed as
:math:`g^\top d - \tfrac12 (y + x)^\top H d` with :math:`d = y - x`, which avoids the
cancellation of subtracting two nearly equal utilities.

Examples
--------
>>> import numpy as np
>>> best_response([1.0, 0.0], np.eye(2), [0.5, 0.5], 1.0, 1.0, 0.0).tolist()
[0.75, 0.25]
>>> W = np.array([[0.75, 0.25], [0.75, 0.25]])
>>> nash_conv(W, [1.0, 0.0], np.eye(2), 1.0, 1.0, 0.0) < 1e-15
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError
from nashalign.model import Incentives, Population, model_of
from nashalign.solvers.simplex_qp import simplex_qp
from nashalign.validation import finite_array, validate_a_C, validate_betas

__all__ = [
    "SIMPLEX_TOL",
    "best_response",
    "check_profile",
    "nash_conv",
    "regrets",
    "stack_instances",
    "utility",
]

#: A profile row is on the simplex when its entries are >= -SIMPLEX_TOL and they
#: sum to 1 within SIMPLEX_TOL.
SIMPLEX_TOL = 1e-9


def _gain(H: NDArray, g: NDArray, x: NDArray, y: NDArray) -> float:
    """``f(y) - f(x)`` for ``f = g'x - x'Hx/2``, without cancellation."""
    d = y - x
    return float(g @ d - 0.5 * (y + x) @ (H @ d))


def utility(
    w: ArrayLike,
    others_mean: ArrayLike,
    a: ArrayLike,
    C: ArrayLike,
    beta_a: float,
    beta_i: float,
    beta_d: float,
) -> float:
    """``beta_a a'w - beta_i w'Cw - beta_d w'others_mean``.

    Examples
    --------
    >>> utility([1.0, 0.0], [0.0, 1.0], [2.0, 0.0], np.eye(2), 1.0, 1.0, 5.0)
    1.0
    """
    w_ = np.asarray(w, dtype=np.float64)
    o_ = np.asarray(others_mean, dtype=np.float64)
    a_, C_ = validate_a_C(a, C)
    ba, bi, bd = (float(b) for b in validate_betas(beta_a, beta_i, beta_d))
    return float(ba * a_ @ w_ - bi * w_ @ C_ @ w_ - bd * w_ @ o_)


def best_response(
    a: ArrayLike,
    C: ArrayLike,
    others_mean: ArrayLike,
    beta_a: float,
    beta_i: float,
    beta_d: float,
    *,
    tol: float = 1e-13,
) -> NDArray[np.float64]:
    """The exact best response of an agent to the others' mean strategy.

    Parameters
    ----------
    a, C : array_like
        The agent's attractiveness vector and inconsistency matrix.
    others_mean : array_like, shape (K,)
        Mean strategy of the other agents (zeros for a lone agent).
    beta_a, beta_i, beta_d : float
        Incentive weights.
    tol : float
        Relative tolerance of :func:`simplex_qp`.

    Returns
    -------
    ndarray, shape (K,)
        A maximiser of the agent's utility over the simplex (the unique one when
        C is positive definite).

    Examples
    --------
    >>> best_response([0.0, 0.0, 1.0], np.eye(3), [0.0, 0.0, 1.0], 1.0, 1.0, 4.0).round(6).tolist()
    [0.5, 0.5, 0.0]
    """
    a_, C_ = validate_a_C(a, C)
    o_ = finite_array(others_mean, "others_mean", shape=(a_.shape[0],))
    ba, bi, bd = (float(b) for b in validate_betas(beta_a, beta_i, beta_d))
    x, _ = simplex_qp(2.0 * C_, (ba * a_ - bd * o_) / bi, tol=tol)
    return x


def check_profile(
    profile: ArrayLike, K: int | None = None, tol: float = SIMPLEX_TOL
) -> NDArray[np.float64]:
    """Validate an (N, K) profile whose rows lie on the simplex (within ``tol``).

    Examples
    --------
    >>> check_profile([[0.5, 0.5]]).shape
    (1, 2)
    """
    try:
        W = np.asarray(profile, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("profile must be numeric") from None
    if W.ndim != 2 or W.shape[0] < 1:
        raise InputError(f"profile must have shape (N, K) with N >= 1, got {W.shape}")
    if K is not None and W.shape[1] != K:
        raise InputError(f"profile has {W.shape[1]} columns, expected K = {K}")
    if not np.all(np.isfinite(W)):
        raise InputError("profile contains NaN or inf")
    if np.any(W < -tol) or np.any(np.abs(W.sum(axis=1) - 1.0) > tol):
        raise InputError("every row of the profile must lie on the simplex")
    return W


def stack_instances(
    a: ArrayLike, C: ArrayLike, n_agents: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate and stack ``a`` (K,) or (N, K) and ``C`` (K, K) or (N, K, K) per agent.

    Examples
    --------
    >>> A, Cs = stack_instances([1.0, 0.0], np.eye(2), 3)
    >>> A.shape, Cs.shape
    ((3, 2), (3, 2, 2))
    """
    pop = Population.stacked(a, C, n_agents)
    return np.array(pop.a_per_agent), np.array(pop.C_per_agent)


def normalized_regrets(
    W: NDArray, A: NDArray, Cs: NDArray, s: float, r: float, tol: float = 1e-13
) -> tuple[NDArray, NDArray]:
    """Regrets (in units of beta_I) and best responses, for a validated profile."""
    N = W.shape[0]
    total = W.sum(axis=0)
    reg = np.empty(N)
    BR = np.empty_like(W)
    for m in range(N):
        others = (total - W[m]) / (N - 1) if N > 1 else np.zeros_like(W[m])
        g = s * A[m] - r * others
        H = 2.0 * Cs[m]
        y, _ = simplex_qp(H, g, x0=W[m], tol=tol)
        BR[m] = y
        reg[m] = max(_gain(H, g, W[m], y), 0.0)
    return reg, BR


def regrets(
    profile: ArrayLike,
    a: ArrayLike | Population,
    C: ArrayLike | Incentives,
    beta_a: float | None = None,
    beta_i: float | None = None,
    beta_d: float | None = None,
    *,
    tol: float = 1e-13,
) -> NDArray[np.float64]:
    """Each agent's gain from deviating to its exact best response (utility units).

    ``(a, C)`` is a :class:`~nashalign.model.Population` with its
    :class:`~nashalign.model.Incentives`, or (convenience form) arrays shared
    (shapes (K,), (K, K)) or per agent ((N, K), (N, K, K)) with the betas.

    Examples
    --------
    >>> regrets([[1.0, 0.0], [1.0, 0.0]], [1.0, 0.0], np.eye(2), 1.0, 1.0, 0.0).tolist()
    [0.125, 0.125]
    """
    W = check_profile(profile)
    pop, inc = model_of(a, C, beta_a, beta_i, beta_d, W.shape[0])
    if not inc.scalar:
        raise InputError("regrets take scalar beta_a, beta_i, beta_d")
    if pop.K != W.shape[1]:
        raise InputError(f"profile has {W.shape[1]} columns, the instance has K = {pop.K}")
    reg, _ = normalized_regrets(
        W, pop.a_per_agent, pop.C_per_agent, float(inc.s), float(inc.r), tol
    )
    return inc.unit * reg


def nash_conv(profile: ArrayLike, *model: Any, tol: float = 1e-13, **betas: Any) -> float:
    """NashConv: the sum over agents of the exact best-response gain.

    Parameters
    ----------
    profile : array_like, shape (N, K)
        One mixture per agent (rows on the simplex).
    *model, **betas
        The game, exactly as :func:`regrets` takes it: a
        :class:`~nashalign.model.Population` and its
        :class:`~nashalign.model.Incentives`, or (convenience form) ``a``, ``C``
        (shared or per agent) and ``beta_a``, ``beta_i``, ``beta_d``.
    tol : float
        Relative tolerance of the best-response QP.

    Returns
    -------
    float
        ``>= 0`` (utility units); zero exactly at a Nash equilibrium.

    Examples
    --------
    >>> nash_conv([[1.0, 0.0], [0.0, 1.0]], [1.0, 1.0], np.eye(2), 1.0, 1.0, 2.0)
    0.0
    """
    return float(np.sum(regrets(profile, *model, tol=tol, **betas)))
