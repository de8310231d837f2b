r"""The data behind an exclusion heatmap: the symmetric NE over a grid of two coefficients.

:func:`compute_heatmap` (= :func:`validated_heatmap` then :func:`heatmap_on`) evaluates
Theorem 1's closed form on the grid, the symmetric boundary NE where there is no
interior one, the exact boundary curves and Theorem 3's concavity region, into a
:class:`HeatmapData`; :func:`heatmap_csvs` writes the numbers behind a figure.
Drawing is :mod:`nashalign.figures.heatmaps`.

Examples
--------
>>> import numpy as np
>>> from nashalign.instance import Instance
>>> S = np.random.default_rng(0).normal(size=(40, 3)) + [0.0, 0.2, 0.4]
>>> inst = Instance.from_scores(S, ["x", "y", "z"])
>>> d = compute_heatmap(inst, focal="x", resolution=12, progress=False)
>>> d.weights.shape, d.focal
((12, 12, 3), 0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.figures.boundaries import curve_points
from nashalign.figures.boundary_ne import concavity_region, not_concave, symmetric_boundary_ne
from nashalign.figures.grid import LIM, TAU, GridSpec, plane_betas
from nashalign.figures.naming import dataset_name
from nashalign.figures.output import csv_text, grid_csv
from nashalign.figures.style import LABELS
from nashalign.instance import Instance, validate_focal, validate_instance

__all__ = [
    "HeatmapData",
    "compute_heatmap",
    "fixed_label",
    "heatmap_csvs",
    "heatmap_on",
    "validated_heatmap",
]


@dataclass
class HeatmapData:
    """The numbers behind a heatmap (and the files written).

    Attributes
    ----------
    dataset : str
        Instance label.
    names : list of str
        Subpopulation names.
    axes : (str, str)
        Coefficients on the x and y axes (``"beta_a"``, ``"beta_i"``, ``"beta_d"``).
    fixed_name, fixed : str, float
        The third coefficient and its value.
    x, y : ndarray
        Log-spaced axis values, shapes ``(nx,)`` and ``(ny,)``.
    weights : ndarray, shape (ny, nx, K)
        Closed-form symmetric NE weights at each grid point (row = y index).
    interior : ndarray of bool, shape (ny, nx)
        Whether an interior NE exists there.
    tau : float
        Exclusion threshold.
    focal : int or None
        Focal subpopulation; None means the minimum weight over all of them.
    curve_r : ndarray, shape (m,)
        Parameter values r along which the boundary curves were evaluated.
    tau_curves : ndarray, shape (K, m, 2)
        Plane coordinates (x, y) of each subpopulation's falling tau crossing
        (SPEC 2.7: w_k < tau for larger s), NaN where it does not exist or lies
        outside the interior region.
    interior_curve : ndarray, shape (m, 2)
        Plane coordinates of the upper interior-NE boundary in s (tau = 0 envelope).
    tau_curves_low, interior_curve_low : ndarray
        The same for the rising branches (w_k < tau, resp. some w_k <= 0, for
        *smaller* s).
    boundary_weights : ndarray, shape (ny, nx, K)
        The symmetric boundary NE (support enumeration) where there is no interior
        NE; NaN elsewhere and where it was not found.
    r_interval : (float, float)
        Theorem 3's concavity interval of r for ``n_agents`` (Phi concave inside).
    n_agents : int
        Population size of the concavity test.
    paths : list of Path
        Files written.
    """

    dataset: str
    names: list[str]
    axes: tuple[str, str]
    fixed_name: str
    fixed: float
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    weights: NDArray[np.float64]
    interior: NDArray[np.bool_]
    tau: float
    focal: int | None
    curve_r: NDArray[np.float64]
    tau_curves: NDArray[np.float64]
    interior_curve: NDArray[np.float64]
    tau_curves_low: NDArray[np.float64]
    interior_curve_low: NDArray[np.float64]
    boundary_weights: NDArray[np.float64] | None = None
    r_interval: tuple[float, float] = (-np.inf, np.inf)
    n_agents: int = 2
    paths: list[Path] = field(default_factory=list)

    @property
    def value(self) -> NDArray[np.float64]:
        """Plotted value: focal weight, or the minimum weight when ``focal`` is None."""
        return self.value_of(self.focal)

    def value_of(self, focal: int | None) -> NDArray[np.float64]:
        """Focal weight of subpopulation ``focal`` (None: minimum over all)."""
        if focal is None:
            return self.weights.min(axis=-1)
        return self.weights[..., focal]

    def excluded_of(self, focal: int | None) -> NDArray[np.bool_]:
        """Black mask for ``focal``: interior NE with that weight below tau."""
        return self.interior & (self.value_of(focal) < self.tau)

    def boundary_value_of(self, focal: int | None) -> NDArray[np.float64]:
        """Value of ``focal`` in the symmetric boundary NE (NaN where interior / not found)."""
        if self.boundary_weights is None:
            return np.full(self.interior.shape, np.nan)
        if focal is None:
            return self.boundary_weights.min(axis=-1)
        return self.boundary_weights[..., focal]

    @property
    def boundary(self) -> NDArray[np.bool_]:
        """Mask: no interior NE, and the symmetric boundary NE was found."""
        if self.boundary_weights is None:
            return np.zeros(self.interior.shape, dtype=bool)
        return ~self.interior & np.all(np.isfinite(self.boundary_weights), axis=-1)

    @property
    def r(self) -> NDArray[np.float64]:
        """``r = beta_D / beta_I`` at every grid point."""
        X, Y = np.meshgrid(self.x, self.y)
        _, bi, bd = plane_betas(self.axes, X, Y, self.fixed)
        return bd / bi

    @property
    def non_concave(self) -> NDArray[np.bool_]:
        """Mask: Theorem 3's potential is not concave (the NE need not be unique)."""
        return not_concave(self.r, self.r_interval)

    @property
    def excluded(self) -> NDArray[np.bool_]:
        """Black mask: interior NE with the plotted value below tau."""
        return self.excluded_of(self.focal)

    @property
    def no_interior(self) -> NDArray[np.bool_]:
        """White mask: no interior NE."""
        return ~self.interior


# --------------------------------------------------------------------------- computation


def compute_heatmap(
    instance: Instance,
    *,
    focal: int | str | None = None,
    axes: tuple[str, str] = ("beta_a", "beta_d"),
    fixed: float = 1.0,
    resolution: int = 200,
    lim: tuple[float, float] = LIM,
    tau: float = TAU,
    n_agents: int = 2,
    name: str | None = None,
    progress: bool = True,
) -> HeatmapData:
    """Compute the heatmap data (all K weights on the grid, masks, boundary curves).

    Parameters
    ----------
    instance : Instance
        The model instance.
    focal : int, str or None
        Focal subpopulation (index or name); None: the minimum weight.
    axes, fixed, resolution, lim, tau, n_agents
        The grid: plane (two of ``"beta_a"``, ``"beta_i"``, ``"beta_d"``), value of the
        third coefficient, points per axis, log-axis range, exclusion threshold in
        (0, 1/K) and number of agents (symmetric NE do not depend on it); validated
        as a :class:`~nashalign.figures.grid.GridSpec`.
    name : str, optional
        Instance label (default: from the provenance).
    progress : bool
        Show a progress bar.

    Returns
    -------
    HeatmapData
        With ``paths`` empty.

    Examples
    --------
    >>> import numpy as np
    >>> from nashalign.instance import Instance
    >>> inst = Instance.from_scores(np.random.default_rng(1).normal(size=(30, 3)), "abc")
    >>> d = compute_heatmap(inst, resolution=8, progress=False)
    >>> d.weights.shape, bool(np.allclose(d.weights.sum(-1), 1))
    ((8, 8, 3), True)
    """
    spec = GridSpec(axes, fixed, resolution, lim, tau, n_agents)
    return heatmap_on(*validated_heatmap(instance, focal, spec), name=name, progress=progress)


def validated_heatmap(
    instance: Instance, focal: int | str | None, spec: GridSpec
) -> tuple[Instance, GridSpec, int | None]:
    """The validate stage of a heatmap: ``(instance, spec, focal index)`` or InputError.

    Examples
    --------
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> validated_heatmap(inst, "y", GridSpec())[2]
    1
    """
    instance = validate_instance(instance)
    return instance, spec.for_instance(instance), validate_focal(focal, instance.names)


def heatmap_on(
    instance: Instance,
    spec: GridSpec,
    focal: int | None = None,
    *,
    name: str | None = None,
    progress: bool = False,
) -> HeatmapData:
    """The compute stage of a heatmap on a validated ``spec`` (see :func:`compute_heatmap`).

    Examples
    --------
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> d = heatmap_on(inst, GridSpec(axes=("beta_a", "beta_i"), fixed=0.5, resolution=3))
    >>> d.fixed_name, d.fixed, d.weights.shape
    ('beta_d', 0.5, (3, 3, 2))
    """
    label = dataset_name(instance, name)
    ev = spec.evaluate(instance, progress=progress, desc=f"{label} grid")
    cv = curve_points(instance, spec, 4 * spec.resolution)
    ba, bi, bd = spec.betas()
    bw = np.full(ev.weights.shape, np.nan)
    out = ~ev.interior
    if out.any():
        bw[out] = symmetric_boundary_ne(instance.a, instance.C, (ba / bi)[out], (bd / bi)[out])[0]
    return HeatmapData(
        dataset=label,
        names=list(instance.names),
        axes=spec.axes,
        fixed_name=spec.third,
        fixed=spec.fixed,
        x=spec.axis(),
        y=spec.axis(),
        weights=ev.weights,
        interior=ev.interior,
        tau=spec.tau,
        focal=focal,
        curve_r=cv.r,
        tau_curves=cv.tau,
        interior_curve=cv.interior,
        tau_curves_low=cv.tau_low,
        interior_curve_low=cv.interior_low,
        boundary_weights=bw,
        r_interval=concavity_region(instance, spec.n_agents),
        n_agents=spec.n_agents,
    )


def fixed_label(data: HeatmapData) -> str:
    """``beta_X = value`` of the coefficient held fixed (for titles)."""
    return f"{LABELS[data.fixed_name]} = {data.fixed:g}"


def heatmap_csvs(data: HeatmapData, stem: str) -> dict[str, str]:
    """The two CSVs behind a heatmap: ``{stem}.csv`` (grid) and ``{stem}_boundary.csv``.

    Layouts as documented in :func:`nashalign.figures.heatmaps.exclusion_heatmap`.

    Examples
    --------
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> texts = heatmap_csvs(heatmap_on(inst, GridSpec(resolution=3)), "h")
    >>> sorted(texts), texts["h.csv"].splitlines()[0].split(",")
    (['h.csv', 'h_boundary.csv'], ['beta_a', 'beta_i', 'beta_d', 's', 'r', 'interior', 'w_x', 'w_y', 'value', 'excluded', 'boundary_ne', 'boundary_w_x', 'boundary_w_y', 'non_concave'])
    """
    X, Y = np.meshgrid(data.x, data.y)
    ba, bi, bd = plane_betas(data.axes, X, Y, data.fixed)
    cols: dict[str, NDArray[Any]] = {"beta_a": ba, "beta_i": bi, "beta_d": bd}
    with np.errstate(divide="ignore", invalid="ignore"):
        cols["s"] = ba / bi
        cols["r"] = bd / bi
    cols["interior"] = data.interior
    for kk, nm in enumerate(data.names):
        cols[f"w_{nm}"] = data.weights[..., kk]
    cols["value"] = data.value
    cols["excluded"] = data.excluded
    cols["boundary_ne"] = data.boundary
    for kk, nm in enumerate(data.names):
        cols[f"boundary_w_{nm}"] = (
            data.boundary_weights[..., kk]
            if data.boundary_weights is not None
            else np.full(data.interior.shape, np.nan)
        )
    cols["non_concave"] = data.non_concave
    rows = []
    for kk, nm in enumerate(data.names):
        rows.append((f"tau:{nm}", data.curve_r, data.tau_curves[kk]))
        rows.append((f"tau-rising:{nm}", data.curve_r, data.tau_curves_low[kk]))
    rows.append(("interior", data.curve_r, data.interior_curve))
    rows.append(("interior-low", data.curve_r, data.interior_curve_low))
    bcols: dict[str, list[Any]] = {"curve": [], "r": [], data.axes[0]: [], data.axes[1]: []}
    for label, r, xy in rows:
        keep = np.all(np.isfinite(xy), axis=1)
        bcols["curve"] += [label] * int(keep.sum())
        bcols["r"] += r[keep].tolist()
        bcols[data.axes[0]] += xy[keep, 0].tolist()
        bcols[data.axes[1]] += xy[keep, 1].tolist()
    btext = csv_text(list(bcols), zip(*bcols.values(), strict=True))
    return {f"{stem}.csv": grid_csv(cols), f"{stem}_boundary.csv": btext}
