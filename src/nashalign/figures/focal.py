"""The focal panel of the governance figure: one subpopulation's weight against beta_A.

At beta_I = 1 and each beta_D, the focal subpopulation's weight in the symmetric NE
(Theorem 1's interior point, else the boundary NE by support enumeration), so a
reader sees what the diversity incentive does for that subpopulation.

Examples
--------
>>> from nashalign.instance import Instance
>>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
>>> focal_curves(inst, 0, (0.0, 1.0), (0.1, 10.0), 4).weights.shape
(2, 4)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.figures.grid import log_axis
from nashalign.figures.style import FONT, LABELS, log_axes
from nashalign.instance import Instance

__all__ = ["FocalCurves", "draw_focal_curves", "focal_curves"]


@dataclass
class FocalCurves:
    """A focal subpopulation's symmetric-NE weight against beta_A (beta_I = 1).

    Attributes
    ----------
    beta_a : ndarray, shape (n,)
        Log-spaced beta_A values.
    beta_d : tuple of float
        The beta_D values (one curve each).
    weights : ndarray, shape (len(beta_d), n)
        The focal weight in the symmetric NE (interior closed form, else the
        boundary NE by support enumeration; NaN where neither was found).
    interior : ndarray of bool, shape (len(beta_d), n)
        Whether that NE is interior.
    """

    beta_a: NDArray[np.float64]
    beta_d: tuple[float, ...]
    weights: NDArray[np.float64]
    interior: NDArray[np.bool_]


def focal_curves(
    instance: Instance,
    focal: int,
    beta_d: Sequence[float],
    lim: tuple[float, float],
    n_points: int = 300,
) -> FocalCurves:
    """The focal weight against beta_A at each beta_D (beta_I = 1).

    Examples
    --------
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> fc = focal_curves(inst, 1, (0.0, 1.0), (0.1, 10.0), 3)
    >>> fc.weights.shape, fc.interior[:, 0].tolist()
    ((2, 3), [True, True])
    """
    from nashalign.figures.boundary_ne import symmetric_boundary_ne
    from nashalign.figures.grid import evaluate

    x = log_axis(lim, n_points)
    W = np.full((len(beta_d), x.size), np.nan)
    inside = np.zeros((len(beta_d), x.size), dtype=bool)
    for i, bd in enumerate(beta_d):
        ev = evaluate(instance, x, np.ones_like(x), np.full_like(x, float(bd)))
        w = np.where(ev.interior, ev.weights[:, focal], np.nan)
        out = ~ev.interior
        if out.any():
            bw, _, _ = symmetric_boundary_ne(
                instance.a, instance.C, x[out], np.full(int(out.sum()), float(bd))
            )
            w[out] = bw[:, focal]
        W[i], inside[i] = w, ev.interior
    return FocalCurves(x, tuple(float(b) for b in beta_d), W, inside)


def draw_focal_curves(ax: Any, fc: FocalCurves, name: str, tau: float) -> None:
    """The focal panel: one curve per beta_D, dashed where the NE is a boundary one."""
    colours = ("tab:purple", "tab:green", "tab:brown", "tab:olive")
    for i, bd in enumerate(fc.beta_d):
        c = colours[i % len(colours)]
        w = fc.weights[i]
        ax.plot(
            fc.beta_a,
            np.where(fc.interior[i], w, np.nan),
            color=c,
            lw=2.0,
            label=rf"{LABELS['beta_d']} = {bd:g}",
        )
        ax.plot(fc.beta_a, np.where(fc.interior[i], np.nan, w), color=c, lw=1.4, ls="--")
    ax.axhline(tau, color="k", lw=1.0, ls=":", label=rf"$\tau = {tau:g}$")
    ax.plot([], [], color="0.4", lw=1.4, ls="--", label="boundary NE (no interior NE)")
    log_axes(ax, y=False)
    ax.set_xlim(fc.beta_a[0], fc.beta_a[-1])
    top = np.nanmax(fc.weights) if np.isfinite(fc.weights).any() else 1.0
    hi = max(1.1 * top, 2 * tau)
    ax.set_ylim(-0.03 * hi, hi)  # weights at 0 (boundary NE) stay visible
    ax.set_xlabel(LABELS["beta_a"] + r"   ($\beta_I = 1$)", fontsize=FONT["label"])
    ax.set_ylabel(f"weight of {name}", fontsize=FONT["label"])
    ax.set_title(f"{name}: without vs with diversity", fontsize=FONT["title"])
    ax.legend(fontsize=FONT["legend"], loc="best")
