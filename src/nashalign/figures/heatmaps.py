r"""Exclusion heatmaps: the interior-NE weight over two of (beta_A, beta_I, beta_D).

For an instance (a, C) the symmetric interior NE is
:math:`w^*(s, r) = w_0(r) + s\,v(r)` with :math:`s = \beta_A/\beta_I` and
:math:`r = \beta_D/\beta_I` (Theorem 1). A heatmap holds the third coefficient
at a fixed value (default 1), evaluates the vectorised closed form on a log-spaced
grid of the other two and colours each point by the focal subpopulation's weight:

* **dotted hatching**: no interior NE there (some weight <= 0, or alpha = 0); the
  colour is then the weight in the symmetric *boundary* NE, found by support
  enumeration (:func:`nashalign.figures.boundary_ne.symmetric_boundary_ne`);
  white only where that fails too (singular systems);
* **black**: the focal weight is below the threshold tau (political exclusion,
  SPEC section 1), in the interior NE or, hatched, in the boundary NE;
* a colour map (viridis, from tau up) elsewhere;
* **diagonal hatching**: the potential of Theorem 3 is not concave there
  (:math:`r` outside :math:`[-2\mu_{\min}, 2(N-1)\mu_{\min}]`), so the NE need not be
  unique: the map shows the symmetric NE, one of possibly many
  (:mod:`nashalign.solvers.equilibria` enumerates them all). Drawn only where
  concavity *varies* on the plotted grid; a panel that is not concave anywhere
  (for the shipped instances :math:`r_c = 2(N-1)\mu_{\min} \approx 0.005` lies
  below every grid with :math:`\beta_D > 0`) is not hatched: the legend says it once.

The colour bar covers every weight shown (interior and boundary NE, up to 1); only
the values below tau are out of its range (black, the arrow at its foot).

Overlaid are the exact boundary curves of SPEC section 2.7, evaluated by
:func:`nashalign.exact.steering.threshold_crossings` from the derived polynomials:
for each r the crossing
:math:`s_k(r) = (w_{0k}(r) - \tau)/(-v_k(r))` of :math:`w_k = \tau` (solid red,
drawn where it lies inside the interior region) and the boundary of the interior
NE, where the smallest weight reaches 0 (dashed orange). For :math:`v_k(r) < 0`
(the *falling* branch of SPEC 2.7) subpopulation k is below tau for s above the
crossing; for :math:`v_k(r) > 0` and :math:`w_{0k}(r) < \tau` (the *rising*
branch) it is below tau for s *below* it; both are the root in s of
:math:`(A1)_k + s(\Pi a)_k - \tau\alpha`. Curves are mapped into the plane
through :math:`s = \beta_A/\beta_I`, :math:`r = \beta_D/\beta_I`.

With ``focal=None`` the heatmap shows the smallest weight over all
subpopulations (black: *some* subpopulation is excluded).

Examples
--------
>>> import numpy as np
>>> from nashalign.instance import Instance, validate_focal
>>> S = np.random.default_rng(0).normal(size=(40, 3)) + [0.0, 0.2, 0.4]
>>> inst = Instance.from_scores(S, ["x", "y", "z"])
>>> d = compute_heatmap(inst, focal="x", resolution=12, progress=False)
>>> d.weights.shape, d.focal
((12, 12, 3), 0)
>>> bool(np.array_equal(d.excluded, d.interior & (d.weights[..., 0] < 0.05)))
True
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

import numpy as np

from nashalign.figures.grid import LIM, TAU, GridSpec, log_edges
from nashalign.figures.heatmap_data import (  # noqa: F401  (re-exported: the data lives there)
    HeatmapData,
    compute_heatmap,
    fixed_label,
    heatmap_csvs,
    heatmap_on,
    validated_heatmap,
)
from nashalign.figures.naming import slug
from nashalign.figures.pipeline import Drawn, produce
from nashalign.figures.style import (
    FONT,
    LABELS,
    grid_figure,
    handles_of,
    legend_below,
    log_axes,
    new_figure,
)
from nashalign.instance import Instance, validate_focal

# --------------------------------------------------------------------------- drawing


def colour_norm(*maps: HeatmapData) -> Any:
    """Shared colour scale: from tau to the largest weight any panel of ``maps`` shows.

    Interior-NE weights and, where there is no interior NE, the symmetric boundary NE's
    weights (which reach 1 where the boundary NE is pure) are both covered, so the
    colour bar needs an arrow only at its foot (black: below tau).

    Examples
    --------
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> norm = colour_norm(heatmap_on(inst, GridSpec(resolution=3)))
    >>> norm.vmin, norm.vmax
    (0.05, 1.0)
    """
    from matplotlib.colors import Normalize

    tops = []
    for data in maps:
        shown = data.weights[data.interior]
        if data.boundary_weights is not None:
            shown = np.concatenate([shown.ravel(), data.boundary_weights[data.boundary].ravel()])
        shown = shown[np.isfinite(shown)]
        if shown.size:
            tops.append(float(shown.max()))
    tau = maps[0].tau
    top = max(tops) if tops else 1.0
    return Normalize(vmin=tau, vmax=max(top, tau * 1.01))


def concavity_state(data: HeatmapData) -> str:
    """``"concave"``, ``"not concave"`` or ``"varies"``: Theorem 3's potential on the grid.

    Examples
    --------
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> concavity_state(heatmap_on(inst, GridSpec(resolution=3)))
    'varies'
    """
    nc = data.non_concave
    return "not concave" if nc.all() else "concave" if not nc.any() else "varies"


def _region_path(data: HeatmapData, which: str) -> Any:
    """The outline of a mask of ``data`` (``"boundary"`` or ``"non_concave"``) as one
    matplotlib Path (contour at 1/2 between grid points, in log coordinates), computed
    once per data object and shared by every panel drawn from it."""
    cache = data.__dict__.setdefault("_region_paths", {})
    if which not in cache:
        import contourpy
        from matplotlib.path import Path as MplPath

        mask = getattr(data, which)
        path = None
        if mask.any():
            X, Y = np.meshgrid(np.log10(data.x), np.log10(data.y))
            gen = contourpy.contour_generator(
                X, Y, mask.astype(float), fill_type=contourpy.FillType.OuterCode
            )
            pts, codes = gen.filled(0.5, 1.5)
            if pts:
                path = MplPath(10 ** np.concatenate(pts), np.concatenate(codes))
        cache[which] = path
    return cache[which]


def _hatch(ax: Any, path: Any, hatch: str, colour: Any) -> None:
    """Hatch the region inside ``path`` on ``ax`` (no fill, no outline)."""
    if path is None:
        return
    from matplotlib.patches import PathPatch

    ax.add_patch(
        PathPatch(path, facecolor="none", edgecolor="none", hatch=hatch, hatchcolor=colour, lw=0)
    )


def draw_heatmap(ax: Any, data: HeatmapData, focal: int | None, norm: Any) -> Any:
    """Draw one heatmap panel (masks, colours, boundary curves) on ``ax``; return the mesh.

    No legend is drawn here: the figure puts one below its axes, off the data
    (:func:`heatmap_handles`).

    Examples
    --------
    >>> from nashalign.figures.style import new_figure
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> d = heatmap_on(inst, GridSpec(resolution=3))
    >>> ax = new_figure(3, 3).add_subplot()
    >>> _ = draw_heatmap(ax, d, 0, colour_norm(d))
    >>> ax.get_title(), ax.get_xscale()
    ('x', 'log')
    """
    from matplotlib import colormaps

    value = data.value_of(focal)
    bvalue = data.boundary_value_of(focal)
    # interior NE where there is one, else the symmetric boundary NE (hatched below)
    both = np.where(data.interior, value, bvalue)
    shown = np.where(both < data.tau, norm.vmin - 1.0, both)  # "under": black
    shown = np.ma.masked_where(~np.isfinite(both), shown)
    cmap = colormaps["viridis"].with_extremes(under="black", bad="white")
    ex, ey = log_edges(data.x), log_edges(data.y)
    mesh = ax.pcolormesh(ex, ey, shown, cmap=cmap, norm=norm, shading="flat", rasterized=True)
    X, Y = np.meshgrid(data.x, data.y)
    _hatch(ax, _region_path(data, "boundary"), "..", "0.55")
    if concavity_state(data) == "varies":  # uniform: said once in the legend, not hatched
        _hatch(ax, _region_path(data, "non_concave"), "\\", (1.0, 1.0, 1.0, 0.3))
        with np.errstate(divide="ignore", invalid="ignore"):
            lr = np.log(np.abs(data.r))
        hi = data.r_interval[1]
        if hi > 0 and np.isfinite(lr).any():
            ax.contour(X, Y, lr - np.log(hi), levels=[0.0], colors="tab:cyan", linewidths=1.4)
    log_axes(ax)
    ax.set_xlim(data.x[0], data.x[-1])
    ax.set_ylim(data.y[0], data.y[-1])
    # focal None: every subpopulation's curves (their envelope bounds the black region)
    ks = range(len(data.names)) if focal is None else [focal]
    label: str | None = r"$w_k = \tau$ (exact)"
    for kk in ks:
        for c in (data.tau_curves[kk], data.tau_curves_low[kk]):
            if np.isfinite(c).any():
                ax.plot(c[:, 0], c[:, 1], color="tab:red", lw=1.4, alpha=0.9, label=label)
                label = None
    label = "interior NE boundary (exact)"
    for ic in (data.interior_curve, data.interior_curve_low):
        if np.isfinite(ic).any():
            ax.plot(ic[:, 0], ic[:, 1], color="tab:orange", lw=1.6, ls="--", label=label)
            label = None
    ax.set_xlabel(LABELS[data.axes[0]], fontsize=FONT["label"])
    ax.set_ylabel(LABELS[data.axes[1]], fontsize=FONT["label"])
    title = "min over subpopulations" if focal is None else data.names[focal]
    ax.set_title(title, fontsize=FONT["title"])
    return mesh


def heatmap_handles(axes: Any, maps: list[HeatmapData]) -> list[Any]:
    """Legend handles of heatmap panels: the curves drawn, plus the hatched regions.

    Examples
    --------
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> d = heatmap_on(inst, GridSpec(resolution=3))
    >>> [h.get_label() for h in heatmap_handles([], [d])][:1]
    ['below $\\\\tau$ (excluded)']
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    out: list[Any] = [Patch(facecolor="black", label=r"below $\tau$ (excluded)")]
    out += handles_of(axes)
    if any(m.boundary.any() for m in maps):
        out.append(
            Patch(
                facecolor="0.2",
                hatch="..",
                hatchcolor="0.75",
                edgecolor="0.2",
                label="no interior NE: symmetric boundary NE",
            )
        )
    if any((~m.interior & ~m.boundary).any() for m in maps):
        out.append(Patch(facecolor="white", edgecolor="0.5", label="no symmetric NE found"))
    hi = maps[0].r_interval[1] if maps else np.inf
    states = [concavity_state(m) for m in maps]
    if "varies" in states:
        out.append(
            Patch(
                facecolor="tab:gray",
                hatch="\\",
                hatchcolor="white",
                edgecolor="tab:gray",
                label=rf"$\Phi$ not concave ($r > {hi:.3g}$): NE may not be unique",
            )
        )
        out.append(Line2D([], [], color="tab:cyan", lw=1.4, label=r"$r = 2(N-1)\mu_{\min}$"))
    flat = [m for m, st in zip(maps, states, strict=True) if st == "not concave"]
    if flat:
        where = (
            "anywhere here"
            if len(flat) == len(maps)
            else "in the panel"
            + ("s" if len(flat) > 1 else "")
            + " "
            + ", ".join(f"{LABELS[m.fixed_name]} = {m.fixed:g}" for m in flat)
        )
        out.append(
            Patch(
                facecolor="none",
                edgecolor="none",
                label=rf"$\Phi$ not concave {where} ($r > r_c = {hi:.2g}$): "
                "other NE may exist beside the symmetric one shown",
            )
        )
    return out


def _heatmap_figure(
    instance: Instance,
    focal: int | str | None,
    out_dir: str | os.PathLike[str],
    data: HeatmapData | None,
    spec: tuple[Any, ...],
    draw: Any,
    name: str | None,
    progress: bool,
) -> HeatmapData:
    """Run a heatmap figure through :func:`~nashalign.figures.pipeline.produce`.

    ``data`` (precomputed for the same instance and plane) is refocused on ``focal``
    with ``paths`` cleared, else a fresh heatmap is computed on ``GridSpec(*spec)``.
    """

    def validate() -> HeatmapData | tuple[Instance, GridSpec, int | None]:
        if data is not None:
            return replace(data, focal=validate_focal(focal, data.names), paths=[])
        return validated_heatmap(instance, focal, GridSpec(*spec))

    def compute(p: HeatmapData | tuple[Instance, GridSpec, int | None]) -> HeatmapData:
        return p if isinstance(p, HeatmapData) else heatmap_on(*p, name=name, progress=progress)

    return produce(out_dir, validate, compute, draw)


def _draw_focal(data: HeatmapData) -> Drawn:
    fig = new_figure(7.2, 6.6)
    ax = fig.add_subplot()
    mesh = draw_heatmap(ax, data, data.focal, colour_norm(data))
    cb = fig.colorbar(mesh, ax=ax, extend="min")
    cb.set_label("focal weight" if data.focal is not None else "smallest weight")
    legend_below(fig, heatmap_handles([ax], [data]), ncols=2)
    who = "all" if data.focal is None else data.names[data.focal]
    fig.suptitle(
        f"{data.dataset}: exclusion of {who} ({fixed_label(data)}, black < {data.tau:g})",
        fontsize=FONT["suptitle"],
    )
    stem = slug("heatmap", data.dataset, who, *data.axes)
    return Drawn(stem, heatmap_csvs(data, stem), fig)


def _draw_grid(data: HeatmapData) -> Drawn:
    K = len(data.names)
    panels: list[int | None] = [*range(K), None]
    ncols = min(3, len(panels))
    nrows = -(-len(panels) // ncols)
    fig = grid_figure(nrows, ncols)
    axs = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)
    norm = colour_norm(data)
    mesh = None
    for i, ax in enumerate(axs.flat):
        if i >= len(panels):
            ax.set_visible(False)
            continue
        mesh = draw_heatmap(ax, data, panels[i], norm)
        if i % ncols:
            ax.set_ylabel("")
        if i < len(panels) - ncols:
            ax.set_xlabel("")
    legend_below(fig, heatmap_handles(axs.flat, [data]), ncols=3)
    cb = fig.colorbar(mesh, ax=axs, extend="min", shrink=0.8)
    cb.set_label("weight")
    fig.suptitle(
        f"{data.dataset}: symmetric-NE weight by focal subpopulation ({fixed_label(data)}; "
        f"black < {data.tau:g})",
        fontsize=FONT["suptitle"],
    )
    stem = slug("heatmap-grid", data.dataset, *data.axes)
    return Drawn(stem, heatmap_csvs(data, stem), fig)


def exclusion_heatmap(
    instance: Instance,
    focal: int | str | None,
    out_dir: str | os.PathLike[str],
    *,
    axes: tuple[str, str] = ("beta_a", "beta_d"),
    fixed: float = 1.0,
    resolution: int = 200,
    lim: tuple[float, float] = LIM,
    tau: float = TAU,
    n_agents: int = 2,
    name: str | None = None,
    progress: bool = True,
    data: HeatmapData | None = None,
) -> HeatmapData:
    """Draw the exclusion heatmap of one focal subpopulation; write PNG, PDF and CSVs.

    Files (in ``out_dir``): ``heatmap_<dataset>_<focal>_<x>_<y>.{png,pdf,csv}``
    and ``..._boundary.csv``, where ``<x>``, ``<y>`` read ``beta-a`` etc. The
    grid CSV has one row per grid point (x varying fastest) with columns
    ``beta_a, beta_i, beta_d, s, r, interior, w_<name>..., value, excluded,
    boundary_ne, boundary_w_<name>..., non_concave`` (8 significant digits; the
    ``boundary_w`` columns are the symmetric boundary NE where there is no interior NE,
    NaN elsewhere; ``non_concave``: Theorem 3's potential is not concave there); the boundary CSV has ``curve, r, <x>, <y>`` (curve
    ``tau:<name>`` / ``tau-rising:<name>`` for the falling / rising crossings of
    tau, ``interior`` / ``interior-low`` for the upper / lower end of the interior
    region in s), full precision.

    Parameters
    ----------
    instance, focal, axes, fixed, resolution, lim, tau, n_agents, name, progress
        As in :func:`compute_heatmap`.
    out_dir : path-like
        Output directory, validated (and created) before any work.
    data : HeatmapData, optional
        Precomputed data for the same instance and plane (its ``focal`` is replaced).

    Returns
    -------
    HeatmapData
        The data with ``paths`` filled in.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from nashalign.instance import Instance
    >>> inst = Instance.from_scores(np.random.default_rng(2).normal(size=(30, 2)), "ab")
    >>> d = exclusion_heatmap(inst, 0, tempfile.mkdtemp(), axes=("beta_a", "beta_i"),
    ...                       resolution=6, progress=False)
    >>> d.axes, d.fixed_name
    (('beta_a', 'beta_i'), 'beta_d')
    """
    spec = (axes, fixed, resolution, lim, tau, n_agents)
    return _heatmap_figure(instance, focal, out_dir, data, spec, _draw_focal, name, progress)


def heatmap_grid(
    instance: Instance,
    out_dir: str | os.PathLike[str],
    *,
    axes: tuple[str, str] = ("beta_a", "beta_d"),
    fixed: float = 1.0,
    resolution: int = 200,
    lim: tuple[float, float] = LIM,
    tau: float = TAU,
    n_agents: int = 2,
    name: str | None = None,
    progress: bool = True,
    data: HeatmapData | None = None,
) -> HeatmapData:
    """One figure with a heatmap per focal subpopulation (plus the minimum weight).

    Files: ``heatmap-grid_<dataset>_<x>_<y>.{png,pdf,csv}`` and
    ``..._boundary.csv``, with the CSV layout of :func:`exclusion_heatmap`
    (``value``/``excluded`` there refer to the minimum weight).

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from nashalign.instance import Instance
    >>> inst = Instance.from_scores(np.random.default_rng(3).normal(size=(30, 3)), "abc")
    >>> d = heatmap_grid(inst, tempfile.mkdtemp(), resolution=6, progress=False)
    >>> d.focal is None, len(d.paths)
    (True, 4)
    """
    spec = (axes, fixed, resolution, lim, tau, n_agents)
    return _heatmap_figure(instance, None, out_dir, data, spec, _draw_grid, name, progress)
