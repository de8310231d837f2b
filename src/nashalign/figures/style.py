"""The figures' look: axis labels, log axes, legends, pyplot-free figures.

Examples
--------
>>> sorted(LABELS)
['beta_a', 'beta_d', 'beta_i']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: LaTeX axis labels of the three coefficients.
LABELS = {"beta_a": r"$\beta_A$", "beta_i": r"$\beta_I$", "beta_d": r"$\beta_D$"}


def log_axes(ax: Any, x: bool = True, y: bool = True) -> None:
    """Log-scale the axes with decade ticks only (minor ticks cost most of the render time).

    Examples
    --------
    >>> ax = new_figure(2, 2).add_subplot()
    >>> log_axes(ax, y=False)
    >>> ax.get_xscale(), ax.get_yscale()
    ('log', 'linear')
    """
    from matplotlib.ticker import NullLocator

    ax.tick_params(labelsize=FONT["tick"])
    for on, axis, setter in ((x, ax.xaxis, ax.set_xscale), (y, ax.yaxis, ax.set_yscale)):
        if on:
            setter("log")
            axis.set_minor_locator(NullLocator())


def legend(target: Any, axes: Iterable[Any], **kwargs: Any) -> None:
    """Legend on ``target`` (an axes) of the labelled artists of ``axes``, deduplicated.

    Nothing is drawn when no artist has a label (matplotlib would warn).

    Examples
    --------
    >>> fig = new_figure(4, 2)
    >>> left, right = fig.subplots(1, 2)
    >>> _ = left.plot([1, 2], label="a"), right.plot([1, 2], label="a"), right.plot([2, 1], label="b")
    >>> legend(left, [left, right])
    >>> [t.get_text() for t in left.get_legend().get_texts()]
    ['a', 'b']
    """
    seen: dict[str, Any] = {}
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(lab, h)
    if seen:
        target.legend(list(seen.values()), list(seen), **kwargs)


def legend_below(fig: Any, handles: list[Any], ncols: int | None = None, **kwargs: Any) -> None:
    """A figure legend below every axes (off the data), laid out by the constrained engine.

    Examples
    --------
    >>> from matplotlib.patches import Patch
    >>> fig = new_figure(4, 3)
    >>> _ = fig.add_subplot()
    >>> legend_below(fig, [Patch(label="a"), Patch(label="b")])
    >>> [t.get_text() for t in fig.legends[0].get_texts()]
    ['a', 'b']
    """
    if not handles:
        return
    n = ncols if ncols is not None else min(len(handles), 4)
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=n,
        fontsize=kwargs.pop("fontsize", FONT["legend"]),
        frameon=False,
        **kwargs,
    )


def handles_of(axes: Iterable[Any]) -> list[Any]:
    """The labelled artists of ``axes``, deduplicated by label (for :func:`legend_below`).

    Examples
    --------
    >>> ax = new_figure(2, 2).add_subplot()
    >>> _ = ax.plot([1, 2], label="a"), ax.plot([2, 1], label="a")
    >>> [h.get_label() for h in handles_of([ax])]
    ['a']
    """
    seen: dict[str, Any] = {}
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(lab, h)
    return list(seen.values())


#: Font sizes (points) of titles, axis labels, ticks and legends: legible at full width.
FONT = {"suptitle": 13, "title": 11, "label": 11, "tick": 9, "legend": 9}

#: Size (inches) of one heatmap panel in a grid of panels.
PANEL = (4.2, 3.6)


def grid_figure(nrows: int, ncols: int, extra_width: float = 1.2, extra_height: float = 1.4) -> Any:
    """A figure sized for ``nrows x ncols`` panels of :data:`PANEL` (plus colour bar, legend).

    Examples
    --------
    >>> grid_figure(2, 3).get_size_inches().round(1).tolist()
    [13.8, 8.6]
    """
    w, h = PANEL
    return new_figure(w * ncols + extra_width, h * nrows + extra_height)


def new_figure(width: float, height: float) -> Any:
    """A pyplot-free :class:`matplotlib.figure.Figure` (no global state, Agg output).

    Examples
    --------
    >>> new_figure(4, 3).get_size_inches().tolist()
    [4.0, 3.0]
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    fig.get_layout_engine().set(h_pad=0.06, w_pad=0.06)
    return fig
