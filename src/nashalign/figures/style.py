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


def new_figure(width: float, height: float) -> Any:
    """A pyplot-free :class:`matplotlib.figure.Figure` (no global state, Agg output).

    Examples
    --------
    >>> new_figure(4, 3).get_size_inches().tolist()
    [4.0, 3.0]
    """
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")
