"""What every chapter helper shares: the check that fails the build, the shipped instances.

Examples
--------
>>> check(True, "never raised")
>>> check(False, "a stated check failed")
Traceback (most recent call last):
...
nashalign.publish.chapters.common.ChapterCheckError: a stated check failed
>>> sorted(shipped())
['bigfive', 'culture', 'politics']
"""

from __future__ import annotations

from typing import Any

from nashalign.errors import NashalignError

__all__ = [
    "FIGURES_ENV",
    "POINT",
    "TAU",
    "ChapterCheckError",
    "check",
    "fmt",
    "reused_figures",
    "shipped",
]

#: The (s, r) point of the per-instance comparisons (beta_A = beta_I = beta_D = 1).
POINT = (1.0, 1.0)
#: Exclusion threshold of the steering tables.
TAU = 0.05


#: Environment variable naming a finished ``nashalign figures`` / demo figures directory
#: for the book to reuse (set by :func:`nashalign.publish.book.build_book`).
FIGURES_ENV = "NASHALIGN_BOOK_FIGURES"


class ChapterCheckError(NashalignError):
    """A check that a chapter states did not hold (the book build fails)."""


def check(ok: bool, message: str) -> None:
    """Raise :class:`ChapterCheckError` with ``message`` unless ``ok``."""
    if not ok:
        raise ChapterCheckError(message)


def shipped() -> dict[str, Any]:
    """The committed instances, by name (book order)."""
    from nashalign.instance import load_instances

    return load_instances(None)


def fmt(x: float, spec: str = ".1e") -> str:
    """``x`` as a float in the format ``spec`` (the tables' error columns).

    Examples
    --------
    >>> fmt(0.000123)
    '1.2e-04'
    """
    return format(float(x), spec)


def reused_figures() -> Any:
    """The figures the book reuses: the :class:`~nashalign.figures.make_all.FiguresSummary`
    of the directory named by ``$NASHALIGN_BOOK_FIGURES`` (the demo's ``OUT/figures``),
    or None when it is unset (the chapters then draw their own).

    Examples
    --------
    >>> import os
    >>> os.environ.pop(FIGURES_ENV, None) and None
    >>> reused_figures() is None
    True
    """
    import os

    where = os.environ.get(FIGURES_ENV)
    if not where:
        return None
    from nashalign.figures.make_all import FiguresSummary

    return FiguresSummary.load(where)
