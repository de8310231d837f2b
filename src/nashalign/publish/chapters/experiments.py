"""The experiments chapter (``book/experiments.md``): every figure, glued by name.

Examples
--------
>>> sorted(FIGURE_KEYS)[:3]
['focal', 'governance', 'grid']
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nashalign.publish.chapters.common import shipped
from nashalign.tables import markdown_table

__all__ = ["FIGURE_KEYS", "exclusion_fraction_table", "experiment_figures", "figures_report"]

#: The figure keys the experiments chapter glues, per dataset: glue suffix -> summary key.
FIGURE_KEYS = {
    "grid": "heatmap-grid beta_a-beta_d",
    "grid_ai": "heatmap-grid beta_a-beta_i",
    "grid_id": "heatmap-grid beta_i-beta_d",
    "focal": "heatmap",
    "slices": "slices",
    "governance": "governance",
    "rstar": "rstar",
}


def experiment_figures(out: str | os.PathLike[str] | None = None) -> tuple[Any, dict[str, Path]]:
    """Draw every figure for the shipped instances.

    Returns the :func:`nashalign.figures.make_all_figures` summary and the PNG to
    glue under each name ``<dataset>_<suffix>`` (see :data:`FIGURE_KEYS`). The
    files go under ``out`` (default ``$NASHALIGN_BOOK_GENERATED/figures``, else
    ``generated/figures``).
    """
    import warnings

    from nashalign.figures import make_all_figures

    # tqdm.auto warns, on import, that ipywidgets is missing; progress bars are off here.
    warnings.filterwarnings("ignore", message="IProgress not found")
    if out is None:
        out = Path(os.environ.get("NASHALIGN_BOOK_GENERATED", "generated")) / "figures"
    instances = shipped()
    summary = make_all_figures(
        instances,
        out,
        progress=False,
        resolution=120,
        n_s=16,
        n_slice=200,
        stable_resolution=0,  # the equilibria chapter draws the stable-NE maps
    )
    pngs = {
        f"{ds}_{suffix}": next(p for p in summary.files[f"{ds}/{key}"] if p.suffix == ".png")
        for ds in instances
        for suffix, key in FIGURE_KEYS.items()
    }
    return summary, pngs


def figures_report(summary: Any) -> str:
    """One line: how many files were drawn, and in how long.

    Examples
    --------
    >>> class S:
    ...     seconds = 12.3
    ...     def all_paths(self):
    ...         return ["a.png", "a.pdf"]
    >>> figures_report(S())
    '2 files drawn in 12 s'
    """
    return f"{len(summary.all_paths())} files drawn in {summary.seconds:.0f} s"


def _pct(x: float | None) -> str:
    return "-" if x is None or x != x else f"{100 * x:.1f}%"


def exclusion_fraction_table(summary: Any) -> str:
    """The exclusion-area and no-interior-NE fractions per dataset (from the figures' table).

    Examples
    --------
    >>> class T:
    ...     rows = [{"dataset": "d", "beta_d": 0.0, "no_interior_fraction": 0.5,
    ...              "exclusion_fraction": 0.25, "most_excluded": "", "scorer": "s"}]
    >>> class S:
    ...     table = T()
    >>> print(exclusion_fraction_table(S()).splitlines()[2])
    | d | 0 | 50.0% | 25.0% | none |
    """
    rows = [
        [
            row["dataset"],
            f"{row['beta_d']:g}",
            _pct(row["no_interior_fraction"]),
            _pct(row["exclusion_fraction"]),
            f"{row['most_excluded']} ({_pct(row['most_excluded_fraction'])})"
            if row["most_excluded"]
            else "none",
        ]
        for row in summary.table.rows
    ]
    scorers = sorted({row["scorer"] for row in summary.table.rows})
    return (
        markdown_table(
            [
                "dataset",
                "$\\beta_D$",
                "no interior NE",
                "some subpopulation excluded (share of interior NE)",
                "most often excluded",
            ],
            rows,
        )
        + "\n\nScorer: "
        + ", ".join(f"`{x}`" for x in scorers)
        + "."
    )
