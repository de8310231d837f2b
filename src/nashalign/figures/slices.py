r"""One-dimensional slices: every subpopulation's interior-NE weight along one coefficient.

Two panels (SPEC section 5): all K weights of the symmetric closed form
:math:`w^*(s, r)` against :math:`\beta_I` with :math:`\beta_A = \beta_D = 1`
(so :math:`s = r = 1/\beta_I`) and against :math:`\beta_A` with
:math:`\beta_I = \beta_D = 1` (so :math:`s = \beta_A`, :math:`r = 1`), on a log
x-axis (y clipped to [-0.1, 1.02]), with the threshold tau drawn as a
horizontal line. Where no interior NE
exists the closed-form values are still drawn (thin, dashed: they are the
affine continuation of Theorem 1, not an equilibrium) over a grey band. On the
beta_A panel the exact crossings of tau at r = 1 (SPEC 2.7, both branches, see
:func:`nashalign.exact.steering.threshold_crossings`) are marked as dotted vertical lines
where they fall inside the interior region: the weight of subpopulation k
crosses tau exactly there.

Examples
--------
>>> import numpy as np
>>> from nashalign.instance import Instance
>>> inst = Instance.from_scores(np.random.default_rng(0).normal(size=(30, 3)), "abc")
>>> d = compute_slices(inst, n_points=20, progress=False)
>>> d.weights_beta_i.shape, d.weights_beta_a.shape
((20, 3), (20, 3))
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.exact.steering import threshold_crossings
from nashalign.figures.grid import LIM, TAU, GridSpec, check_resolution, evaluate
from nashalign.figures.naming import dataset_name, slug
from nashalign.figures.output import csv_text
from nashalign.figures.pipeline import Drawn, produce
from nashalign.figures.style import FONT, LABELS, handles_of, legend_below, log_axes, new_figure
from nashalign.instance import Instance, validate_instance


@dataclass
class SliceData:
    """The numbers behind the slice figure.

    Attributes
    ----------
    dataset : str
        Instance label.
    names : list of str
        Subpopulation names.
    x : ndarray, shape (n,)
        Log-spaced values of the swept coefficient (the same for both slices).
    weights_beta_i, weights_beta_a : ndarray, shape (n, K)
        Closed-form weights against beta_I (beta_A = beta_D = 1) and against
        beta_A (beta_I = beta_D = 1).
    interior_beta_i, interior_beta_a : ndarray of bool, shape (n,)
        Whether an interior NE exists at each point.
    crossings_beta_a : ndarray, shape (2, K)
        Exact crossings of tau at r = 1: row 0 the falling branch s_k(1) of SPEC 2.7
        (w_k < tau above it), row 1 the rising branch (w_k < tau below it); NaN where
        a branch does not exist.
    tau : float
        Exclusion threshold.
    paths : list of Path
        Files written.
    """

    dataset: str
    names: list[str]
    x: NDArray[np.float64]
    weights_beta_i: NDArray[np.float64]
    interior_beta_i: NDArray[np.bool_]
    weights_beta_a: NDArray[np.float64]
    interior_beta_a: NDArray[np.bool_]
    crossings_beta_a: NDArray[np.float64]
    tau: float
    paths: list[Path] = field(default_factory=list)


def compute_slices(
    instance: Instance,
    *,
    n_points: int = 400,
    lim: tuple[float, float] = LIM,
    tau: float = TAU,
    n_agents: int = 2,
    name: str | None = None,
    progress: bool = True,
) -> SliceData:
    """Compute both slices (see the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> from nashalign.instance import Instance
    >>> inst = Instance.from_scores(np.random.default_rng(0).normal(size=(30, 2)), "ab")
    >>> d = compute_slices(inst, n_points=5, progress=False)
    >>> bool(np.allclose(d.weights_beta_a.sum(axis=1), 1))
    True
    """
    return slices_on(
        *validated_slices(instance, n_points, lim, tau, n_agents), name=name, progress=progress
    )


def validated_slices(
    instance: Instance, n_points: int, lim: tuple[float, float], tau: float, n_agents: int
) -> tuple[Instance, GridSpec]:
    """The validate stage of the slices: the instance and the spec of the swept axis.

    The spec's axis (``n_points`` log-spaced values over ``lim``), tau and number of
    agents are used; its plane is not (the two slices are fixed by SPEC section 5).

    Examples
    --------
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> validated_slices(inst, 7, (0.1, 10), 0.05, 2)[1].resolution
    7
    >>> validated_slices(inst, 1, (0.1, 10), 0.05, 2)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: n_points must be an integer in [2, 4000], got 1
    """
    instance = validate_instance(instance)
    n_points = check_resolution(n_points, "n_points")
    spec = GridSpec(resolution=n_points, lim=lim, tau=tau, n_agents=n_agents)
    return instance, spec.for_instance(instance)


def slices_on(
    instance: Instance, spec: GridSpec, *, name: str | None = None, progress: bool = False
) -> SliceData:
    """The compute stage of the slices on a validated ``spec`` (see :func:`compute_slices`).

    Examples
    --------
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> d = slices_on(inst, GridSpec(resolution=4))
    >>> d.x.shape, d.crossings_beta_a.shape
    ((4,), (2, 2))
    """
    label = dataset_name(instance, name)
    x = spec.axis()
    one = np.ones_like(x)
    n_agents = spec.n_agents
    ev_i = evaluate(
        instance, one, x, one, n_agents=n_agents, progress=progress, desc=f"{label} slice beta_I"
    )
    ev_a = evaluate(
        instance, x, one, one, n_agents=n_agents, progress=progress, desc=f"{label} slice beta_A"
    )
    fall, rise = threshold_crossings(instance.a, instance.C, np.array([1.0]), spec.tau)
    cross = np.vstack([fall[0], rise[0]])
    return SliceData(
        dataset=label,
        names=list(instance.names),
        x=x,
        weights_beta_i=ev_i.weights,
        interior_beta_i=ev_i.interior,
        weights_beta_a=ev_a.weights,
        interior_beta_a=ev_a.interior,
        crossings_beta_a=cross,
        tau=spec.tau,
    )


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Maximal index runs ``[i, j]`` where ``mask`` holds."""
    out = []
    i, n = 0, len(mask)
    while i < n:
        if mask[i]:
            j = i
            while j + 1 < n and mask[j + 1]:
                j += 1
            out.append((i, j))
            i = j + 1
        else:
            i += 1
    return out


def _draw_slice(ax: Any, x: Any, W: Any, interior: Any, names: list[str], tau: float) -> None:
    colours = [f"C{k % 10}" for k in range(len(names))]
    for i, j in _runs(~interior):
        ax.axvspan(x[max(i - 1, 0)], x[min(j + 1, len(x) - 1)], color="0.9", lw=0)
    for k, nm in enumerate(names):
        ax.plot(x, np.where(interior, W[:, k], np.nan), color=colours[k], lw=1.6, label=nm)
        ax.plot(x, np.where(interior, np.nan, W[:, k]), color=colours[k], lw=0.8, ls="--")
    ax.axhline(tau, color="k", lw=0.8, ls=":", label=rf"$\tau = {tau:g}$")
    ax.axhline(0.0, color="0.5", lw=0.5)
    log_axes(ax, y=False)
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(-0.1, 1.02)  # the affine continuation outside the interior can run off
    ax.set_ylabel("weight", fontsize=FONT["label"])


def weight_slices(
    instance: Instance,
    out_dir: str | os.PathLike[str],
    *,
    n_points: int = 400,
    lim: tuple[float, float] = LIM,
    tau: float = TAU,
    n_agents: int = 2,
    name: str | None = None,
    progress: bool = True,
) -> SliceData:
    """Draw the two 1-D slices; write ``slices_<dataset>.{png,pdf,csv}``.

    The CSV has columns ``slice`` (``beta_i`` or ``beta_a``), ``beta_a, beta_i,
    beta_d, interior, w_<name>...``, one row per point of each slice.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from nashalign.instance import Instance
    >>> inst = Instance.from_scores(np.random.default_rng(4).normal(size=(30, 3)), "abc")
    >>> d = weight_slices(inst, tempfile.mkdtemp(), n_points=10, progress=False)
    >>> sorted(p.suffix for p in d.paths)
    ['.csv', '.pdf', '.png']
    """
    return produce(
        out_dir,
        lambda: validated_slices(instance, n_points, lim, tau, n_agents),
        lambda p: slices_on(*p, name=name, progress=progress),
        _draw_slices,
    )


def _draw_slices(d: SliceData) -> Drawn:
    fig = new_figure(13.0, 5.2)
    ax_i, ax_a = fig.subplots(1, 2, sharey=True)
    _draw_slice(ax_i, d.x, d.weights_beta_i, d.interior_beta_i, d.names, d.tau)
    ax_i.set_xlabel(LABELS["beta_i"] + r"   ($\beta_A = \beta_D = 1$)", fontsize=FONT["label"])
    _draw_slice(ax_a, d.x, d.weights_beta_a, d.interior_beta_a, d.names, d.tau)
    ax_a.set_xlabel(LABELS["beta_a"] + r"   ($\beta_I = \beta_D = 1$)", fontsize=FONT["label"])
    for row in d.crossings_beta_a:  # falling, then rising crossings
        for k, c in enumerate(row):
            inside = np.isfinite(c) and d.x[0] <= c <= d.x[-1]
            if inside and d.interior_beta_a[int(np.argmin(np.abs(np.log(d.x / c))))]:
                ax_a.axvline(c, color=f"C{k % 10}", lw=0.8, ls=":")
    legend_below(fig, handles_of([ax_i]), ncols=min(len(d.names) + 1, 6))
    fig.suptitle(
        f"{d.dataset}: interior-NE weights along one coefficient "
        "(grey: no interior NE, dashed: formula outside it)",
        fontsize=FONT["suptitle"],
    )
    header = ["slice", "beta_a", "beta_i", "beta_d", "interior", *(f"w_{nm}" for nm in d.names)]
    rows = [
        ["beta_i", 1.0, x, 1.0, bool(ok), *w]
        for x, ok, w in zip(d.x, d.interior_beta_i, d.weights_beta_i, strict=True)
    ] + [
        ["beta_a", x, 1.0, 1.0, bool(ok), *w]
        for x, ok, w in zip(d.x, d.interior_beta_a, d.weights_beta_a, strict=True)
    ]
    stem = slug("slices", d.dataset)
    return Drawn(stem, {f"{stem}.csv": csv_text(header, rows)}, fig)
