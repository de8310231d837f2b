r"""Governance: what a diversity incentive does, and the minimal one that avoids exclusion.

* :func:`governance` draws the exclusion heatmap over
  :math:`(\beta_A, \beta_I)` twice, without a diversity incentive
  (:math:`\beta_D = 0`) and with one (:math:`\beta_D = 1`), side by side, plus the
  curve :math:`r^*(s)`.
* :func:`r_star_curve` draws :math:`r^*(s)` alone: for each
  :math:`s = \beta_A/\beta_I`, :func:`nashalign.exact.steering.steer` computes exactly
  (real-root isolation, SPEC 2.7) the set of :math:`r = \beta_D/\beta_I \ge 0`
  at which every interior-NE weight is at least tau, a finite union of intervals,
  and its least element :math:`r^*(s, \tau)`. The figure shows the intervals as
  a filled green region of the :math:`(s, r)` plane and :math:`r^*` as a line; :math:`r^* = 0` (no incentive needed) is
  marked at the bottom, and s values where no r works are marked with a cross at
  the top.

* With a focal subpopulation, :func:`governance` adds the paper-style focal
  panel: that subpopulation's symmetric-NE weight against :math:`\beta_A`
  (:math:`\beta_I = 1`) at :math:`\beta_D = 0` and at :math:`\beta_D = 1`, with the
  threshold tau (dashed where the NE is on the boundary of the simplex).

Exact steering is a few SymPy root isolations per s, so the curve uses a modest
number of s values (default 40).

Examples
--------
>>> import tempfile
>>> import numpy as np
>>> from nashalign.instance import Instance
>>> inst = Instance.from_scores(np.random.default_rng(0).normal(size=(30, 2)), "ab")
>>> d = compute_r_star(inst, n_s=3, progress=False)
>>> d.s.shape, d.r_star.shape
((3,), (3,))
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.errors import DegenerateError, InputError
from nashalign.figures.focal import FocalCurves, draw_focal_curves, focal_curves
from nashalign.figures.grid import (
    LIM,
    TAU,
    GridSpec,
    check_lim,
    check_resolution,
    log_axis,
    log_edges,
)
from nashalign.figures.heatmap_data import (
    HeatmapData,
    heatmap_csvs,
    heatmap_on,
    validated_heatmap,
)
from nashalign.figures.heatmaps import colour_norm, draw_heatmap
from nashalign.figures.naming import dataset_name, slug
from nashalign.figures.output import csv_text
from nashalign.figures.pipeline import Drawn, produce
from nashalign.figures.style import FONT, LABELS, legend_below, log_axes, new_figure
from nashalign.instance import Instance, validate_instance, validate_tau

#: What r*(s) guarantees, said on the governance figure (the steering output says the same).
COVERS_FIGURE = (
    "$r^*(s)$ keeps the symmetric interior NE at or above $\\tau$; it does not cover the "
    "other NE,\nwhich exist where $\\Phi$ is not concave and may exclude someone "
    "(see the stable-equilibrium map)"
)


@dataclass
class RStarData:
    """The numbers behind the r*(s) curve.

    Attributes
    ----------
    dataset : str
        Instance label.
    names : list of str
        Subpopulation names.
    s : ndarray, shape (n,)
        Values of s = beta_A / beta_I.
    r_star : ndarray, shape (n,)
        Minimal r = beta_D / beta_I >= 0 with every weight >= tau (NaN: none exists
        or the ratio is degenerate).
    binding : list of (int or None)
        Subpopulation whose weight equals tau at r*.
    intervals : list of list of (float, float or None)
        Exclusion-free intervals of r for each s (upper end None: unbounded).
    r_star_exact : list of str
        The exact r* as SymPy prints it ('' where none exists).
    tau : float
        Exclusion threshold.
    paths : list of Path
        Files written.
    """

    dataset: str
    names: list[str]
    s: NDArray[np.float64]
    r_star: NDArray[np.float64]
    binding: list[int | None]
    intervals: list[list[tuple[float, float | None]]]
    r_star_exact: list[str]
    tau: float
    paths: list[Path] = field(default_factory=list)

    def csv(self) -> str:
        """CSV text: ``s, r_star, binding, r_star_exact, intervals``."""
        rows = []
        for i, s in enumerate(self.s):
            b = self.binding[i]
            ivs = "; ".join(
                f"[{lo!r}, {'inf' if hi is None else repr(hi)}]" for lo, hi in self.intervals[i]
            )
            rows.append(
                [s, self.r_star[i], "" if b is None else self.names[b], self.r_star_exact[i], ivs]
            )
        return csv_text(["s", "r_star", "binding", "r_star_exact", "intervals"], rows)


def compute_r_star(
    instance: Instance,
    *,
    s_values: Sequence[float] | None = None,
    n_s: int = 40,
    s_lim: tuple[float, float] = LIM,
    tau: float = TAU,
    name: str | None = None,
    progress: bool = True,
) -> RStarData:
    """Run exact steering for each s (default ``n_s`` log-spaced values in ``s_lim``).

    Examples
    --------
    >>> import numpy as np
    >>> from nashalign.instance import Instance
    >>> inst = Instance.from_scores(np.random.default_rng(1).normal(size=(30, 2)), "ab")
    >>> d = compute_r_star(inst, s_values=[0.5], progress=False)
    >>> len(d.intervals)
    1
    """
    return r_star_on(
        *validated_r_star(instance, s_values, n_s, s_lim, tau), name=name, progress=progress
    )


def validated_r_star(
    instance: Instance,
    s_values: Sequence[float] | None,
    n_s: int,
    s_lim: tuple[float, float],
    tau: float,
) -> tuple[Instance, NDArray[np.float64], float]:
    """The validate stage of r*(s): ``(instance, s values, tau)`` or InputError.

    Examples
    --------
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> validated_r_star(inst, None, 3, (1, 100), 0.05)[1].tolist()
    [1.0, 10.0, 100.0]
    >>> validated_r_star(inst, [-1.0], 3, (1, 100), 0.05)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: s values must be a non-empty list of finite numbers >= 0
    """
    instance = validate_instance(instance)
    tau = validate_tau(tau, instance.K)
    if s_values is None:
        s_arr = log_axis(check_lim(s_lim, "s range"), check_resolution(n_s, "n_s", 1))
    else:
        s_arr = np.asarray(s_values, dtype=float).ravel()
        if s_arr.size == 0 or not np.all(np.isfinite(s_arr)) or np.any(s_arr < 0):
            raise InputError("s values must be a non-empty list of finite numbers >= 0")
    return instance, s_arr, tau


def r_star_on(
    instance: Instance,
    s_arr: NDArray[np.float64],
    tau: float,
    *,
    name: str | None = None,
    progress: bool = False,
) -> RStarData:
    """The compute stage of r*(s): exact steering at each validated s.

    Examples
    --------
    >>> import numpy as np
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y", "z"], [1, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], n=3)
    >>> d = r_star_on(inst, np.array([0.0, 4.0]), 0.05)
    >>> d.r_star.round(6).tolist(), d.binding
    ([0.0, 2.705882], [None, 1])
    """
    from tqdm.auto import tqdm

    from nashalign.exact.steering import steer

    label = dataset_name(instance, name)
    r_star = np.full(s_arr.shape, np.nan)
    binding: list[int | None] = []
    intervals: list[list[tuple[float, float | None]]] = []
    exact: list[str] = []
    for i in tqdm(range(s_arr.size), desc=f"{label} r*(s)", disable=not progress, leave=False):
        try:
            res = steer(instance.a, instance.C, float(s_arr[i]), tau)
        except DegenerateError:
            binding.append(None)
            intervals.append([])
            exact.append("")
            continue
        if res.r_star_float is not None:
            r_star[i] = float(res.r_star_float)
        binding.append(None if res.binding is None else int(res.binding))
        intervals.append(
            [(float(lo), None if hi is None else float(hi)) for lo, hi in res.intervals_float]
        )
        exact.append("" if res.r_star is None else str(res.r_star))
    return RStarData(label, list(instance.names), s_arr, r_star, binding, intervals, exact, tau)


def _y_range(d: RStarData) -> tuple[float, float]:
    vals = [v for v in d.r_star if np.isfinite(v) and v > 0]
    vals += [x for ivs in d.intervals for lo, hi in ivs for x in (lo, hi) if x and x > 0]
    if not vals:
        return 1e-3, 1e3
    lo, hi = min(vals), max(vals)
    return 10 ** (math.floor(math.log10(lo)) - 0.5), 10 ** (math.ceil(math.log10(hi)) + 0.5)


def r_star_mask(d: RStarData, r_axis: NDArray[np.float64]) -> NDArray[np.bool_]:
    """``ok[i, j]``: ``r_axis[i]`` lies in an exclusion-free interval at ``d.s[j]``.

    Examples
    --------
    >>> d = RStarData("d", ["x"], np.array([1.0, 2.0]), np.array([0.5, np.nan]), [0, None],
    ...               [[(0.5, 2.0)], []], ["1/2", ""], 0.05)
    >>> r_star_mask(d, np.array([0.1, 1.0, 3.0])).astype(int).tolist()
    [[0, 0], [1, 0], [0, 0]]
    """
    ok = np.zeros((r_axis.size, d.s.size), dtype=bool)
    for j in range(d.s.size):
        for lo, hi in d.intervals[j]:
            ok[:, j] |= (r_axis >= lo) & ((r_axis <= hi) if hi is not None else True)
    return ok


def draw_r_star(ax: Any, d: RStarData) -> None:
    """Draw the exclusion-free region (filled) and r*(s) on ``ax`` (log-log).

    The exclusion-free intervals of every s are filled as one region of the
    ``(s, r)`` plane (each s owns the cell between its neighbours on the log axis),
    not as a barcode of thin lines.

    Examples
    --------
    >>> import numpy as np
    >>> from nashalign.figures.style import new_figure
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y", "z"], [1, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], n=3)
    >>> ax = new_figure(3, 3).add_subplot()
    >>> draw_r_star(ax, r_star_on(inst, np.array([1.0, 4.0]), 0.05))
    >>> ax.get_yscale(), len(ax.collections) > 0
    ('log', True)
    """
    from matplotlib.colors import ListedColormap

    y0, y1 = _y_range(d)
    r_axis = np.logspace(math.log10(y0), math.log10(y1), 400)
    ok = r_star_mask(d, r_axis)
    s_pos = d.s[d.s > 0]
    simple = all(len(iv) <= 1 and all(hi is None for _, hi in iv) for iv in d.intervals)
    if simple and ok.any() and s_pos.size > 1:
        # every exclusion-free set is [r*(s), inf): one band between r*(s) and the top
        keep = (d.s > 0) & np.array([bool(iv) for iv in d.intervals])
        lower = np.array([max(iv[0][0], y0) for iv, k in zip(d.intervals, keep, strict=True) if k])
        ax.fill_between(
            d.s[keep], lower, np.full(lower.size, y1), color="#74c476", alpha=0.55, lw=0
        )
    elif ok.any() and s_pos.size:
        keep = d.s > 0
        ax.pcolormesh(
            log_edges(d.s[keep]),
            log_edges(r_axis),
            np.ma.masked_where(~ok[:, keep], np.ones(ok[:, keep].shape)),
            cmap=ListedColormap(["#74c476"]),
            alpha=0.55,
            shading="flat",
            rasterized=True,
        )
    if ok.any():
        ax.plot([], [], "s", color="#74c476", alpha=0.55, ms=9, label="exclusion-free r")
    pos = np.where(d.r_star > 0, d.r_star, np.nan)
    ax.plot(d.s, pos, "o-", color="tab:blue", ms=3.5, lw=1.6, label=r"$r^*(s)$")
    zero = d.r_star == 0
    if zero.any():
        ax.plot(
            d.s[zero],
            np.full(zero.sum(), y0),
            "v",
            color="tab:blue",
            ms=6,
            clip_on=False,
            label=r"$r^* = 0$",
        )
    none = np.isnan(d.r_star)
    if none.any():
        ax.plot(
            d.s[none],
            np.full(none.sum(), y1),
            "x",
            color="tab:red",
            ms=6,
            clip_on=False,
            label="no r works",
        )
    log_axes(ax)
    if simple and s_pos.size > 1:
        ax.set_xlim(s_pos[0], s_pos[-1])
    elif s_pos.size:
        edges = log_edges(s_pos)
        ax.set_xlim(edges[0], edges[-1])
    ax.set_ylim(y0, y1)
    ax.set_xlabel(r"$s = \beta_A / \beta_I$", fontsize=FONT["label"])
    ax.set_ylabel(r"$r = \beta_D / \beta_I$", fontsize=FONT["label"])
    ax.set_title(
        rf"minimal diversity incentive $r^*(s)$, $\tau = {d.tau:g}$" + "\n"
        "(guarantee: the symmetric interior NE only)",
        fontsize=FONT["title"],
    )
    ax.legend(
        fontsize=FONT["legend"], loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0
    )


def r_star_curve(
    instance: Instance,
    out_dir: str | os.PathLike[str],
    *,
    s_values: Sequence[float] | None = None,
    n_s: int = 40,
    s_lim: tuple[float, float] = LIM,
    tau: float = TAU,
    name: str | None = None,
    progress: bool = True,
    data: RStarData | None = None,
) -> RStarData:
    """Draw r*(s) with the exclusion-free intervals; write ``rstar_<dataset>.{png,pdf,csv}``.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from nashalign.instance import Instance
    >>> inst = Instance.from_scores(np.random.default_rng(2).normal(size=(30, 2)), "ab")
    >>> d = r_star_curve(inst, tempfile.mkdtemp(), n_s=3, progress=False)
    >>> sorted(p.suffix for p in d.paths)
    ['.csv', '.pdf', '.png']
    """

    def validate() -> RStarData | tuple[Instance, NDArray[np.float64], float]:
        return data if data is not None else validated_r_star(instance, s_values, n_s, s_lim, tau)

    def compute(p: RStarData | tuple[Instance, NDArray[np.float64], float]) -> RStarData:
        return p if isinstance(p, RStarData) else r_star_on(*p, name=name, progress=progress)

    return produce(out_dir, validate, compute, _draw_r_star_figure)


def _draw_r_star_figure(data: RStarData) -> Drawn:
    fig = new_figure(8.0, 5.0)
    draw_r_star(fig.add_subplot(), data)
    fig.suptitle(f"{data.dataset}: steering by the diversity incentive", fontsize=FONT["suptitle"])
    stem = slug("rstar", data.dataset)
    return Drawn(stem, {f"{stem}.csv": data.csv()}, fig)


@dataclass
class GovernanceData:
    """The numbers behind the governance figure.

    Attributes
    ----------
    without, with_ : HeatmapData
        Heatmaps over (beta_A, beta_I) at beta_D = 0 and beta_D = 1.
    r_star : RStarData
        The r*(s) curve.
    focal : FocalCurves or None
        The focal panel (with a focal subpopulation only).
    paths : list of Path
        Files written.
    """

    without: HeatmapData
    with_: HeatmapData
    r_star: RStarData
    focal: FocalCurves | None = None
    paths: list[Path] = field(default_factory=list)


def governance(
    instance: Instance,
    out_dir: str | os.PathLike[str],
    *,
    focal: int | str | None = None,
    resolution: int = 200,
    lim: tuple[float, float] = LIM,
    tau: float = TAU,
    beta_d: tuple[float, float] = (0.0, 1.0),
    s_values: Sequence[float] | None = None,
    n_s: int = 40,
    n_agents: int = 2,
    name: str | None = None,
    progress: bool = True,
    r_star: RStarData | None = None,
) -> GovernanceData:
    """Heatmaps over (beta_A, beta_I) at two beta_D values side by side, plus r*(s).

    ``focal=None`` (default) shows the smallest weight (black: *some*
    subpopulation below tau). With a focal subpopulation the heatmaps show its
    weight and a fourth panel its weight against beta_A (beta_I = 1) at both
    beta_D values. Files: ``governance_<dataset>.{png,pdf}`` (with a focal:
    ``governance_<dataset>_<focal>``), ``<stem>_bd<value>.csv`` and
    ``..._boundary.csv`` for each beta_D (layout of
    :func:`~nashalign.figures.heatmaps.exclusion_heatmap`), ``<stem>_rstar.csv``
    (layout of :meth:`RStarData.csv`) and, with a focal, ``<stem>_focal.csv``
    (``beta_a, w_bd<value>, interior_bd<value>, ...``).

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from nashalign.instance import Instance
    >>> inst = Instance.from_scores(np.random.default_rng(3).normal(size=(30, 3)), "abc")
    >>> g = governance(inst, tempfile.mkdtemp(), resolution=6, n_s=2, progress=False)
    >>> g.without.fixed, g.with_.fixed, len(g.paths)
    (0.0, 1.0, 7)
    >>> g = governance(inst, tempfile.mkdtemp(), focal="b", resolution=6, n_s=2, progress=False)
    >>> g.focal.weights.shape[0], len(g.paths)
    (2, 8)
    """

    def validate() -> tuple[list[tuple[Instance, GridSpec, int | None]], Any]:
        if len(beta_d) != 2:
            raise InputError("beta_d must be a pair of values (without, with)")
        maps = [
            validated_heatmap(
                instance, focal, GridSpec(("beta_a", "beta_i"), bd, resolution, lim, tau, n_agents)
            )
            for bd in beta_d
        ]
        steering = (
            r_star if r_star is not None else validated_r_star(instance, s_values, n_s, lim, tau)
        )
        return maps, steering

    def compute(p: tuple[list[tuple[Instance, GridSpec, int | None]], Any]) -> GovernanceData:
        maps, steering = p
        without, with_ = (heatmap_on(*m, name=name, progress=progress) for m in maps)
        if not isinstance(steering, RStarData):
            steering = r_star_on(*steering, name=name, progress=progress)
        fc = None
        k = maps[0][2]
        if k is not None:
            fc = focal_curves(maps[0][0], k, beta_d, maps[0][1].lim)
        return GovernanceData(without, with_, steering, fc)

    return produce(out_dir, validate, compute, _draw_governance)


def _draw_governance(g: GovernanceData) -> Drawn:
    from nashalign.figures.heatmaps import heatmap_handles

    maps, k = [g.without, g.with_], g.without.focal
    names = g.without.names
    label = maps[0].dataset
    focal = g.focal is not None and k is not None
    if focal:
        fig = new_figure(14.5, 11.0)
        grid = fig.subplots(2, 2)
        axs = [grid[0, 0], grid[0, 1], grid[1, 0], grid[1, 1]]
    else:
        fig = new_figure(19.0, 5.8)
        axs = list(fig.subplots(1, 3))
    norm = colour_norm(*maps)
    mesh = None
    for ax, m in zip(axs[:2], maps, strict=True):
        mesh = draw_heatmap(ax, m, k, norm)
        ax.set_title(rf"{LABELS['beta_d']} = {m.fixed:g}", fontsize=FONT["title"])
    cb = fig.colorbar(mesh, ax=axs[:2], extend="min", shrink=0.9)
    cb.set_label("smallest weight" if k is None else f"weight of {names[k]}")
    draw_r_star(axs[2], g.r_star)
    if focal:
        assert g.focal is not None and k is not None
        draw_focal_curves(axs[3], g.focal, names[k], maps[0].tau)
    from matplotlib.patches import Patch

    handles = heatmap_handles(axs[:2], maps)
    handles.append(Patch(facecolor="none", edgecolor="none", label=COVERS_FIGURE))
    legend_below(fig, handles, ncols=3)
    who = "any subpopulation" if k is None else names[k]
    fig.suptitle(
        f"{label}: exclusion of {who} without and with a diversity incentive "
        f"(black < {maps[0].tau:g})",
        fontsize=FONT["suptitle"],
    )
    stem = slug("governance", label) if k is None else slug("governance", label, names[k])
    texts: dict[str, str] = {}
    for m in maps:
        texts.update(heatmap_csvs(m, f"{stem}_{slug(f'bd{m.fixed:g}')}"))
    texts[f"{stem}_rstar.csv"] = g.r_star.csv()
    if focal:
        assert g.focal is not None
        header = ["beta_a"]
        cols: list[Any] = [g.focal.beta_a]
        for i, bd in enumerate(g.focal.beta_d):
            header += [f"w_bd{bd:g}", f"interior_bd{bd:g}"]
            cols += [g.focal.weights[i], g.focal.interior[i]]
        texts[f"{stem}_focal.csv"] = csv_text(header, zip(*cols, strict=True))
    return Drawn(stem, texts, fig)
