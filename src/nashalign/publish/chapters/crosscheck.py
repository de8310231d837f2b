"""The cross-check chapter (``book/crosscheck.md``, and its summary in ``book/theorem1.md``).

Examples
--------
>>> result = crosscheck_summary(n_instances=2, seed=1)
>>> result.summary.splitlines()[0]
'| comparison | largest error | largest error / tolerance |'
>>> result.table_markdown().startswith("| # | K |")
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from nashalign.publish.chapters.common import check

__all__ = ["CrossCheckResult", "crosscheck_summary"]


@dataclass
class CrossCheckResult:
    """One run of the cross-check, as a chapter shows it.

    Attributes
    ----------
    summary : str
        Markdown: per comparison, the worst error and error/tolerance, and the verdict.
    table : nashalign.studies.crosscheck.CrossCheckTable
        Every row with its own tolerances.
    seconds : float
        Wall time of the run.
    """

    summary: str
    table: Any
    seconds: float

    def table_markdown(self) -> str:
        """The discrepancy table, row by row (:meth:`nashalign.studies.crosscheck.CrossCheckTable.to_markdown`)."""
        return self.table.to_markdown()

    def seconds_text(self) -> str:
        """The wall time in whole seconds, e.g. ``'12'``."""
        return f"{self.seconds:.0f}"


def crosscheck_summary(n_instances: int, seed: int) -> CrossCheckResult:
    """Run :func:`nashalign.studies.crosscheck.run_crosscheck` and summarise it.

    Raises :class:`~nashalign.publish.chapters.common.ChapterCheckError` when any
    comparison exceeds its stated tolerance.
    """
    from nashalign.publish.render import crosscheck_summary_markdown
    from nashalign.studies.crosscheck import run_crosscheck

    t0 = time.perf_counter()
    table = run_crosscheck(n_instances=n_instances, seed=seed)
    seconds = time.perf_counter() - t0
    check(table.passed, "the cross-check found a disagreement")
    return CrossCheckResult(crosscheck_summary_markdown(table), table, seconds)
