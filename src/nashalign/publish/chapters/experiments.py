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

from nashalign.publish.chapters.common import reused_figures, shipped
from nashalign.tables import markdown_table

__all__ = [
    "BOOK_RESOLUTION",
    "FIGURE_KEYS",
    "exclusion_fraction_table",
    "experiment_figures",
    "figures_report",
]

#: Heatmap points per axis of the figures the book draws itself (no figures to reuse).
BOOK_RESOLUTION = 120

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
    """Every figure for the shipped instances: the demo's when the build reuses them,
    else drawn here.

    Returns the :func:`nashalign.figures.make_all_figures` summary and the PNG to
    glue under each name ``<dataset>_<suffix>`` (see :data:`FIGURE_KEYS`). With
    ``$NASHALIGN_BOOK_FIGURES`` set (``nashalign demo``, ``nashalign book --figures``)
    the figures and table of that directory are used as they are, so the book and
    ``OUT/figures`` show the same numbers; otherwise they are drawn under ``out``
    (default ``$NASHALIGN_BOOK_GENERATED/figures``, else ``generated/figures``) at
    :data:`BOOK_RESOLUTION`.
    """
    import warnings

    from nashalign.figures import make_all_figures

    summary = reused_figures()
    if summary is None:
        # tqdm.auto warns, on import, that ipywidgets is missing; progress bars are off here.
        warnings.filterwarnings("ignore", message="IProgress not found")
        if out is None:
            out = Path(os.environ.get("NASHALIGN_BOOK_GENERATED", "generated")) / "figures"
        instances = shipped()
        summary = make_all_figures(
            instances,
            out,
            progress=False,
            resolution=BOOK_RESOLUTION,
            n_s=16,
            n_slice=200,
            stable_resolution=0,  # the equilibria chapter draws the stable-NE maps
        )
    datasets = sorted({key.split("/")[0] for key in summary.files if "/" in key})
    pngs = {
        f"{ds}_{suffix}": next(p for p in summary.files[f"{ds}/{key}"] if p.suffix == ".png")
        for ds in datasets
        for suffix, key in FIGURE_KEYS.items()
    }
    return summary, pngs


def figures_report(summary: Any) -> str:
    """One sentence: where the figures come from, their grid, and how many files.

    Examples
    --------
    >>> class S:
    ...     seconds = 12.3
    ...     settings = {"resolution": 120, "lim": [0.01, 100.0]}
    ...     out_dir = "out/figures"
    ...     def all_paths(self):
    ...         return ["a.png", "a.pdf"]
    >>> figures_report(S())
    'The figures below (2 files: PNG, PDF and CSV) were drawn in 12 s on grids of 120 × 120 log-spaced points over [0.01, 100] per axis.'
    """
    st = getattr(summary, "settings", {}) or {}
    res = st.get("resolution")
    lim = st.get("lim")
    grid = (
        f" on grids of {res} × {res} log-spaced points"
        + (f" over [{lim[0]:g}, {lim[1]:g}] per axis" if lim else "")
        if res
        else ""
    )
    return (
        f"The figures below ({len(summary.all_paths())} files: PNG, PDF and CSV) were drawn "
        f"in {summary.seconds:.0f} s{grid}."
    )


def _pct(x: float | None) -> str:
    return "-" if x is None or x != x else f"{100 * x:.1f}%"


def exclusion_fraction_table(summary: Any) -> str:
    """The exclusion table of the figures (:class:`nashalign.figures.tables.TableData`):
    per dataset and beta_D, the share with no interior NE, the share whose symmetric NE
    (interior or boundary) excludes someone, the same among interior NE, and the
    caption naming the grid.

    Examples
    --------
    >>> class T:
    ...     rows = [{"dataset": "d", "beta_d": 0.0, "no_interior_fraction": 0.5,
    ...              "exclusion_fraction": 0.25, "most_excluded": "", "scorer": "s",
    ...              "n_interior": 2, "symmetric_exclusion_fraction": 0.5,
    ...              "symmetric_most_excluded": "x", "symmetric_most_excluded_fraction": 0.5,
    ...              "grid": "beta_a x beta_i in [0.01, 100]^2, 4x4 log-spaced", "tau": 0.05}]
    >>> class S:
    ...     table = T()
    >>> print(exclusion_fraction_table(S()).splitlines()[2])
    | d | 0 | 50.0% | 50.0% | 25.0% | x (50.0%) |
    """
    from nashalign.figures.tables import TableData

    table = TableData(list(summary.table.rows))
    rows = [
        [
            row["dataset"],
            f"{row['beta_d']:g}",
            _pct(row["no_interior_fraction"]),
            _pct(row.get("symmetric_exclusion_fraction")),
            _pct(row["exclusion_fraction"]) if row.get("n_interior") else "no interior NE",
            f"{row['symmetric_most_excluded']} ({_pct(row['symmetric_most_excluded_fraction'])})"
            if row.get("symmetric_most_excluded")
            else "none",
        ]
        for row in table.rows
    ]
    scorers = sorted({row["scorer"] for row in table.rows})
    return (
        markdown_table(
            [
                "dataset",
                "$\\beta_D$",
                "no interior NE",
                "symmetric NE excludes someone (interior or boundary)",
                "among interior NE only",
                "most often excluded",
            ],
            rows,
        )
        + "\n\n"
        + table.caption()
        + " Scorer: "
        + ", ".join(f"`{x}`" for x in scorers)
        + "."
    )
