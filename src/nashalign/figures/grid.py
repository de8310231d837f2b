"""The figures' grids: the three coefficients, planes, log axes, and closed-form evaluation.

The coefficients are named ``"beta_a"``, ``"beta_i"`` and ``"beta_d"``. A *plane*
is an ordered pair of two of them (the x and y axes of a heatmap); the third is
held at a fixed value. Grids are log-spaced on both axes and evaluated with the
vectorised closed form (Theorem 1).

Examples
--------
>>> import numpy as np
>>> log_axis((1e-2, 1e2), 5).round(3).tolist()
[0.01, 0.1, 1.0, 10.0, 100.0]
>>> plane_betas(("beta_a", "beta_d"), np.array([2.0]), np.array([3.0]), 1.0)
(array([2.]), array([1.]), array([3.]))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nashalign.errors import InputError
from nashalign.instance import Instance, finite_number

BETAS = ("beta_a", "beta_i", "beta_d")


#: Default exclusion threshold (SPEC section 1).
TAU = 0.05


#: Default axis range of every log-scaled sweep.
LIM = (1e-2, 1e2)


#: Rows of a grid evaluated per progress-bar step.
_CHUNK_ROWS = 16


def check_resolution(n: int, what: str = "resolution", lo: int = 2, hi: int = 4000) -> int:
    """Validate a grid resolution (an integer in ``[lo, hi]``).

    Examples
    --------
    >>> check_resolution(200)
    200
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not lo <= n <= hi:
        raise InputError(f"{what} must be an integer in [{lo}, {hi}], got {n!r}")
    return int(n)


def check_lim(lim: Sequence[float], what: str = "axis range") -> tuple[float, float]:
    """Validate a log-axis range ``(lo, hi)`` with ``0 < lo < hi < inf``.

    Examples
    --------
    >>> check_lim((0.01, 100))
    (0.01, 100.0)
    """
    try:
        lo, hi = (float(v) for v in lim)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a pair (lo, hi) of numbers") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and 0.0 < lo < hi):
        raise InputError(f"{what} must satisfy 0 < lo < hi < inf, got ({lo:g}, {hi:g})")
    return lo, hi


def check_plane(axes: Sequence[str]) -> tuple[str, str, str]:
    """Validate a plane and return ``(x, y, fixed)`` coefficient names.

    Examples
    --------
    >>> check_plane(("beta_i", "beta_d"))
    ('beta_i', 'beta_d', 'beta_a')
    """
    try:
        x, y = (str(v) for v in axes)
    except (TypeError, ValueError):
        raise InputError(f"axes must be two of {', '.join(BETAS)}") from None
    if x not in BETAS or y not in BETAS or x == y:
        raise InputError(f"axes must be two different names of {', '.join(BETAS)}, got ({x}, {y})")
    (fixed,) = (b for b in BETAS if b not in (x, y))
    return x, y, fixed


def check_fixed(name: str, value: float) -> float:
    """Validate the value at which the third coefficient is held.

    beta_I must be > 0, beta_A >= 0; beta_D may be any finite number.

    Examples
    --------
    >>> check_fixed("beta_d", 0.0)
    0.0
    """
    v = finite_number(value, name)
    if name == "beta_i" and v <= 0:
        raise InputError(f"beta_I must be > 0, got {v:g}")
    if name == "beta_a" and v < 0:
        raise InputError(f"beta_A must be >= 0, got {v:g}")
    return v


def log_axis(lim: tuple[float, float], n: int) -> NDArray[np.float64]:
    """``n`` log-spaced points from ``lim[0]`` to ``lim[1]`` (both included)."""
    return np.logspace(math.log10(lim[0]), math.log10(lim[1]), n)


def plane_betas(
    axes: Sequence[str], X: NDArray[np.float64], Y: NDArray[np.float64], fixed: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Arrays ``(beta_a, beta_i, beta_d)`` for plane coordinates ``X, Y`` (same shape)."""
    x, y, third = check_plane(axes)
    vals = {x: np.asarray(X, float), y: np.asarray(Y, float)}
    vals[third] = np.full(np.shape(X), float(fixed))
    return vals["beta_a"], vals["beta_i"], vals["beta_d"]


@dataclass(frozen=True)
class GridEval:
    """Closed-form evaluation on a grid: weights ``(..., K)`` and the interior mask."""

    weights: NDArray[np.float64]
    interior: NDArray[np.bool_]


def evaluate(
    instance: Instance,
    beta_a: NDArray[np.float64],
    beta_i: NDArray[np.float64],
    beta_d: NDArray[np.float64],
    *,
    n_agents: int = 2,
    progress: bool = False,
    desc: str = "closed form",
) -> GridEval:
    """Evaluate the vectorised closed form (Theorem 1) on equally shaped beta arrays.

    The first axis is split into chunks for the progress bar. A point counts as
    interior when the evaluator says so and every weight is finite.
    """
    from tqdm.auto import tqdm

    from nashalign.solvers.closed_form import symmetric_ne

    shape = np.shape(beta_a)
    ba, bi, bd = (np.atleast_1d(np.asarray(b, float)) for b in (beta_a, beta_i, beta_d))
    n0 = ba.shape[0]
    W = np.empty(ba.shape + (instance.K,))
    interior = np.zeros(ba.shape, dtype=bool)
    step = max(1, _CHUNK_ROWS if ba.ndim > 1 else max(1, n0 // 10))
    for i in tqdm(range(0, n0, step), desc=desc, disable=not progress, leave=False, unit="chunk"):
        sl = slice(i, i + step)
        res = symmetric_ne(instance.a, instance.C, ba[sl], bi[sl], bd[sl], n_agents=n_agents)
        w = np.asarray(res.weights, float)
        W[sl] = w
        interior[sl] = np.asarray(res.interior, bool) & np.all(np.isfinite(w), axis=-1)
    return GridEval(W.reshape(shape + (instance.K,)), interior.reshape(shape))
