"""The one pipeline every figure and table goes through: validate, compute, draw, write.

:func:`produce` runs four stages in this order:

1. **validate**: check every input (grid spec, instance, focal, tau, ...) and return
   what the computation needs; bad input raises a one-line
   :class:`~nashalign.errors.InputError` before anything is created on disk;
2. the output directory is checked (and created) by
   :func:`nashalign.io.ensure_writable_dir`, still before any work;
3. **compute**: the numbers, as a dataclass with a ``paths`` list;
4. **draw**: a :class:`Drawn`: the file stem, the matplotlib figure (or None for a
   table) and the texts (CSV, Markdown) written beside it; the figure is rendered to
   PNG and PDF in memory and every file is written atomically
   (:func:`nashalign.figures.output.write_outputs`), and ``paths`` is filled in.

Examples
--------
>>> import tempfile
>>> from dataclasses import dataclass, field
>>> @dataclass
... class Numbers:
...     values: list
...     paths: list = field(default_factory=list)
>>> d = produce(
...     tempfile.mkdtemp(),
...     validate=lambda: 3,
...     compute=lambda n: Numbers(list(range(n))),
...     draw=lambda d: Drawn("numbers", {"numbers.csv": "v\\n0\\n1\\n2\\n"}),
... )
>>> d.values, [p.name for p in d.paths]
([0, 1, 2], ['numbers.csv'])
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from nashalign.figures.output import render, write_outputs
from nashalign.io import ensure_writable_dir


class HasPaths(Protocol):
    """What a compute stage returns: data with a list of the files written."""

    paths: list[Path]


P = TypeVar("P")
D = TypeVar("D", bound=HasPaths)


@dataclass(frozen=True)
class Drawn:
    """What a draw stage returns: file stem, texts written beside it, and the figure.

    Attributes
    ----------
    stem : str
        File stem of the images (``<stem>.png``, ``<stem>.pdf``).
    texts : mapping of str to str
        File name -> content of the CSV (and other text) files.
    figure : matplotlib Figure or None
        The figure to render; None writes the texts only (a table).

    Examples
    --------
    >>> Drawn("table", {"table.csv": "x\\n1\\n"}).figure is None
    True
    """

    stem: str
    texts: Mapping[str, str] = field(default_factory=dict)
    figure: Any | None = None


def produce(
    out_dir: str | os.PathLike[str],
    validate: Callable[[], P],
    compute: Callable[[P], D],
    draw: Callable[[D], Drawn],
) -> D:
    """Validate the inputs and ``out_dir``, compute, draw, then write every file atomically.

    Parameters
    ----------
    out_dir : path-like
        Output directory, checked (and created) after ``validate`` and before ``compute``.
    validate : callable
        ``() -> P``: checks the inputs, returns what ``compute`` needs.
    compute : callable
        ``P -> D``: the numbers (a dataclass with a ``paths`` list).
    draw : callable
        ``D -> Drawn``: the figure and the texts behind it.

    Returns
    -------
    D
        The computed data, with ``paths`` set to the files written (images first).

    Examples
    --------
    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> from types import SimpleNamespace
    >>> d = produce(tempfile.mkdtemp(), lambda: None, lambda _: SimpleNamespace(paths=[]),
    ...             lambda d: Drawn("empty", {}, Figure()))
    >>> [p.suffix for p in d.paths]
    ['.png', '.pdf']
    """
    params = validate()
    out = ensure_writable_dir(out_dir)
    data = compute(params)
    drawn = draw(data)
    images = {} if drawn.figure is None else render(drawn.figure)
    data.paths = write_outputs(out, drawn.stem, images, dict(drawn.texts))
    return data
