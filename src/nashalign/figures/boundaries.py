r"""The exact boundary curves of the exclusion heatmaps, in plane coordinates.

For each r the crossings of :math:`w_k = \tau` in :math:`s` (both branches, from
:func:`nashalign.exact.steering.exclusion_threshold`, see
:func:`nashalign.exact.steering.threshold_crossings`) and the ends of the interior s-range
(the same at :math:`\tau = 0`) are mapped into a plane of two of
:math:`(\beta_A, \beta_I, \beta_D)` through :math:`s = \beta_A/\beta_I`,
:math:`r = \beta_D/\beta_I`, the third coefficient fixed. A crossing is kept only
where it lies inside the interior range (elsewhere it bounds no black region).

Examples
--------
>>> import numpy as np
>>> from nashalign.instance import Instance
>>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
>>> cv = curve_points(inst, GridSpec(axes=("beta_a", "beta_d")), 5)
>>> cv.tau.shape, cv.interior.shape
((2, 5, 2), (5, 2))
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nashalign.exact.steering import threshold_crossings
from nashalign.figures.grid import GridSpec, log_axis
from nashalign.instance import Instance


@dataclass(frozen=True)
class Curves:
    """Curves (NaN where absent) and the parameter values r behind them."""

    r: NDArray[np.float64]
    tau: NDArray[np.float64]  # (K, m, 2) falling branch
    tau_low: NDArray[np.float64]  # (K, m, 2) rising branch
    interior: NDArray[np.float64]  # (m, 2) upper end of the interior s-range
    interior_low: NDArray[np.float64]  # (m, 2) lower end (where > 0)


def curve_points(instance: Instance, spec: GridSpec, m: int) -> Curves:
    """The exact boundary curves in the plane of ``spec``, at ``m`` parameter values.

    Parameters
    ----------
    instance : Instance
        The model instance.
    spec : GridSpec
        Plane, fixed coefficient, axis range and tau of the heatmap.
    m : int
        Number of points along each curve.

    Returns
    -------
    Curves
        Plane coordinates ``(x, y)`` of every curve, NaN where it is absent.

    Examples
    --------
    >>> import numpy as np
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> cv = curve_points(inst, GridSpec(axes=("beta_a", "beta_d"), lim=(1, 100)), 3)
    >>> cv.r.tolist(), bool(np.isnan(cv.tau[0]).all())
    ([1.0, 10.0, 100.0], True)
    """
    K = instance.K
    axes, third, fixed, tau = spec.axes, spec.third, spec.fixed, spec.tau
    lo, hi = spec.lim
    p = log_axis(spec.lim, m)
    if third == "beta_i":  # s = beta_a / f, r = beta_d / f, parametrise by beta_d
        r = p / fixed
    elif third == "beta_d":  # r = f / beta_i, parametrise by beta_i
        r = fixed / p
    else:  # third == beta_a: s = f / beta_i, r = beta_d / beta_i, parametrise by r
        r = np.logspace(math.log10(lo / hi), math.log10(hi / lo), m)
    if third == "beta_a" and fixed == 0.0:
        # s = 0 everywhere: thresholds in s do not cut this plane
        nan2, nank = np.full((m, 2), np.nan), np.full((K, m, 2), np.nan)
        return Curves(r, nank, nank, nan2, nan2)
    fall, rise = threshold_crossings(instance.a, instance.C, r, tau)  # (m, K)
    # the interior s-range at each r is (L0, U0): every weight > 0 there
    Z_fall, Z_rise = threshold_crossings(instance.a, instance.C, r, 0.0, positive_only=False)
    with np.errstate(invalid="ignore"):
        U0 = np.min(np.where(np.isnan(Z_fall), np.inf, Z_fall), axis=1)
        L0 = np.maximum(np.max(np.where(np.isnan(Z_rise), -np.inf, Z_rise), axis=1), 0.0)
        # a crossing outside the interior range bounds no black region: drop it
        fall = np.where((fall > L0[:, None]) & (fall < U0[:, None]), fall, np.nan)
        rise = np.where((rise > L0[:, None]) & (rise < U0[:, None]), rise, np.nan)
        upper = np.where(np.isfinite(U0) & (U0 > L0), U0, np.nan)
        lower = np.where((L0 > 0) & (L0 < U0), L0, np.nan)

    def to_plane(S: NDArray[np.float64]) -> NDArray[np.float64]:
        """(m, ...) thresholds in s -> (..., m, 2) plane coordinates."""
        rr = r.reshape((-1,) + (1,) * (S.ndim - 1))
        pp = p.reshape(rr.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            if third == "beta_i":
                coords = {"beta_a": fixed * S, "beta_d": np.broadcast_to(pp, S.shape)}
            elif third == "beta_d":
                coords = {"beta_a": pp * S, "beta_i": np.broadcast_to(pp, S.shape)}
            else:
                bi = fixed / S
                coords = {"beta_i": bi, "beta_d": rr * bi}
        xy = np.stack([coords[axes[0]], coords[axes[1]]], axis=-1)  # (m, ..., 2)
        bad = ~np.all(np.isfinite(xy) & (xy > 0), axis=-1)
        xy = np.where(bad[..., None], np.nan, xy)
        return np.moveaxis(xy, 0, -2)

    return Curves(r, to_plane(fall), to_plane(rise), to_plane(upper), to_plane(lower))
