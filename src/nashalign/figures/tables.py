r"""The exclusion table: how much of the (beta_A, beta_I) plane excludes someone.

For each instance (dataset, scorer) and each beta_D in ``beta_d_values``
(default 0 and 1), the symmetric closed form is evaluated on the log-spaced
``resolution x resolution`` grid of :math:`(\beta_A, \beta_I)` over ``lim``
(default :math:`[10^{-2}, 10^2]^2`), and the table reports, with G the grid
points and I those with an interior NE:

* ``no_interior_fraction`` :math:`= |G \setminus I| / |G|`: share of the grid
  with no interior NE;
* ``exclusion_fraction`` :math:`= |\{p \in I : \min_k w_k(p) < \tau\}| / |I|`:
  among interior points, the share where *some* subpopulation is excluded
  (empty when I is empty);
* ``exclusion_fraction_of_grid``: the same count over :math:`|G|`;
* ``most_excluded`` and ``most_excluded_fraction``: the subpopulation below tau
  at the largest share of I, and that share;
* ``n_boundary``: points with no interior NE where the symmetric *boundary* NE was
  found (support enumeration; where there is no interior NE it is the symmetric NE);
* ``symmetric_exclusion_fraction``: among the points with a symmetric NE, interior
  **or boundary** (I plus the boundary points B), the share where some
  subpopulation is below tau: the number to read beside the all-black panels at
  beta_D = 0, where I is empty or small;
* ``symmetric_most_excluded`` and ``symmetric_most_excluded_fraction``: the same
  over I and B.

The Markdown table leads with the symmetric-NE share and ends with a caption
that names the grid (range, points per axis, tau).

The scorer column is ``backend:model`` from the instance's provenance.

Examples
--------
>>> import tempfile
>>> import numpy as np
>>> from nashalign.instance import Instance
>>> inst = Instance.from_scores(np.random.default_rng(0).normal(size=(30, 3)), "abc")
>>> t = exclusion_table({"toy": inst}, tempfile.mkdtemp(), resolution=8, progress=False)
>>> [row["beta_d"] for row in t.rows]
[0.0, 1.0]
>>> sorted(p.suffix for p in t.paths)
['.csv', '.md']
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nashalign.errors import InputError
from nashalign.figures.grid import LIM, TAU, GridSpec
from nashalign.figures.heatmap_data import HeatmapData, heatmap_on, validated_heatmap
from nashalign.figures.naming import scorer_name
from nashalign.figures.output import csv_text
from nashalign.figures.pipeline import Drawn, produce
from nashalign.instance import Instance

#: Column order of the CSV (and of each row dict).
COLUMNS = (
    "dataset",
    "scorer",
    "beta_d",
    "grid",
    "n_points",
    "n_interior",
    "no_interior_fraction",
    "exclusion_fraction",
    "exclusion_fraction_of_grid",
    "most_excluded",
    "most_excluded_fraction",
    "n_boundary",
    "symmetric_exclusion_fraction",
    "symmetric_most_excluded",
    "symmetric_most_excluded_fraction",
)


@dataclass
class TableData:
    """Rows of the exclusion table (dicts keyed by :data:`COLUMNS`) and the files written."""

    rows: list[dict[str, Any]]
    paths: list[Path] = field(default_factory=list)

    def csv(self) -> str:
        """CSV text with the columns :data:`COLUMNS`."""
        return csv_text(COLUMNS, ([row[c] for c in COLUMNS] for row in self.rows))

    def markdown(self) -> str:
        """A Markdown table (fractions as percentages), by the one Markdown table writer
        (:func:`nashalign.publish.render.markdown_table`)."""
        from nashalign.tables import markdown_table

        head = [
            "dataset",
            "scorer",
            "βD",
            "no interior NE",
            "symmetric NE excludes someone",
            "among interior NE only",
            "most excluded",
        ]
        rows = [
            [
                r["dataset"],
                f"`{r['scorer']}`",
                f"{r['beta_d']:g}",
                _pct(r["no_interior_fraction"]),
                _pct(r["symmetric_exclusion_fraction"]),
                _pct(r["exclusion_fraction"]) if r["n_interior"] else "no interior NE",
                "none"
                if not r["symmetric_most_excluded"]
                else f"{r['symmetric_most_excluded']} "
                f"({_pct(r['symmetric_most_excluded_fraction'])})",
            ]
            for r in self.rows
        ]
        return markdown_table(head, rows) + "\n\n" + self.caption() + "\n"

    def caption(self) -> str:
        """What the table counts, and on which grid (one paragraph).

        Examples
        --------
        >>> TableData([{"grid": "beta_a x beta_i in [0.01, 100]^2, 3x3 log-spaced",
        ...             "tau": 0.05}]).caption()[:59]
        'Grid: βA × βI in [0.01, 100]², 3 × 3 log-spaced points, τ ='
        """
        grids = sorted({_grid_words(r["grid"]) for r in self.rows})
        taus = sorted({r.get("tau", 0.05) for r in self.rows})
        return (
            f"Grid: {'; '.join(grids)}, τ = {', '.join(f'{x:g}' for x in taus)}. "
            '"Symmetric NE excludes someone": share of the grid points with a symmetric '
            "NE (Theorem 1's interior NE where it exists, else the symmetric boundary NE "
            "found by support enumeration) in which some subpopulation's weight is below τ; "
            '"among interior NE only": the same share among the points with an interior NE.'
        )


def _grid_words(grid: str) -> str:
    """``beta_a x beta_i in [0.01, 100]^2, 200x200 log-spaced`` in plain words."""
    out = grid.replace("beta_a x beta_i", "βA × βI").replace("]^2", "]²")
    head, _, tail = out.rpartition(", ")
    n = tail.split(" ")[0].split("x")
    if len(n) == 2:
        return f"{head}, {n[0]} × {n[1]} log-spaced points"
    return out


def _pct(x: float) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def symmetric_exclusion_counts(data: HeatmapData) -> tuple[list[int], int]:
    """Grid points where the symmetric NE excludes each subpopulation, and anyone.

    The symmetric NE is the interior one where it exists, else the boundary NE
    (points with neither are not counted); a subpopulation is excluded where its
    weight is below ``data.tau``.

    Returns
    -------
    (list of int, int)
        Per subpopulation (in ``data.names`` order), and for "some subpopulation".

    Examples
    --------
    >>> import numpy as np
    >>> from nashalign.instance import Instance
    >>> inst = Instance.from_scores(np.random.default_rng(1).normal(size=(30, 2)), "ab")
    >>> per_k, anyone = symmetric_exclusion_counts(
    ...     heatmap_on(inst, GridSpec(axes=("beta_a", "beta_i"), resolution=5)))
    >>> len(per_k), anyone >= max(per_k)
    (2, True)
    """
    sym = np.where(
        data.interior[..., None],
        data.weights,
        data.boundary_weights if data.boundary_weights is not None else np.nan,
    )
    has = data.interior | data.boundary
    per_k = [int((has & (sym[..., k] < data.tau)).sum()) for k in range(len(data.names))]
    anyone = int(
        (has & (np.nanmin(np.where(has[..., None], sym, np.inf), axis=-1) < data.tau)).sum()
    )
    return per_k, anyone


def table_row(data: HeatmapData, dataset: str, scorer: str) -> dict[str, Any]:
    """One table row from a heatmap over (beta_A, beta_I) at a fixed beta_D.

    Examples
    --------
    >>> import numpy as np
    >>> from nashalign.instance import Instance
    >>> inst = Instance.from_scores(np.random.default_rng(1).normal(size=(30, 2)), "ab")
    >>> d = heatmap_on(inst, GridSpec(axes=("beta_a", "beta_i"), resolution=5))
    >>> table_row(d, "toy", "unknown")["n_points"]
    25
    """
    G = data.interior.size
    n_int = int(data.interior.sum())
    any_ex = int(data.excluded_of(None).sum())
    per_k = [int(data.excluded_of(k).sum()) for k in range(len(data.names))]
    kmax = int(np.argmax(per_k))
    bnd = data.boundary
    n_bnd = int(bnd.sum())
    n_sym = n_int + n_bnd
    sym_k, sym_any = symmetric_exclusion_counts(data)
    kmax_s = int(np.argmax(sym_k))
    lo, hi = data.x[0], data.x[-1]
    return {
        "dataset": dataset,
        "scorer": scorer,
        "beta_d": float(data.fixed),
        "grid": f"beta_a x beta_i in [{lo:g}, {hi:g}]^2, {data.y.size}x{data.x.size} log-spaced",
        "n_points": G,
        "n_interior": n_int,
        "no_interior_fraction": (G - n_int) / G,
        "exclusion_fraction": any_ex / n_int if n_int else float("nan"),
        "exclusion_fraction_of_grid": any_ex / G,
        "most_excluded": data.names[kmax] if per_k[kmax] else "",
        "most_excluded_fraction": per_k[kmax] / n_int if n_int else float("nan"),
        "n_boundary": n_bnd,
        "symmetric_exclusion_fraction": sym_any / n_sym if n_sym else float("nan"),
        "symmetric_most_excluded": data.names[kmax_s] if sym_k[kmax_s] else "",
        "symmetric_most_excluded_fraction": sym_k[kmax_s] / n_sym if n_sym else float("nan"),
        "tau": float(data.tau),
    }


def exclusion_table(
    instances: Mapping[str, Instance],
    out_dir: str | os.PathLike[str],
    *,
    resolution: int = 200,
    lim: tuple[float, float] = LIM,
    tau: float = TAU,
    beta_d_values: Sequence[float] = (0.0, 1.0),
    n_agents: int = 2,
    progress: bool = True,
    grids: Mapping[tuple[str, float], HeatmapData] | None = None,
) -> TableData:
    """Compute the exclusion table; write ``exclusion_table.csv`` and ``exclusion_table.md``.

    Parameters
    ----------
    instances : mapping of str to Instance
        Dataset label -> instance.
    out_dir : path-like
        Output directory, validated before any work.
    resolution, lim, tau, n_agents, progress
        Grid and threshold, as in :func:`~nashalign.figures.heatmaps.compute_heatmap`.
    beta_d_values : sequence of float
        The beta_D values (one row each per dataset).
    grids : mapping, optional
        Precomputed heatmaps over (beta_A, beta_I) keyed by (dataset, beta_D); used
        instead of recomputing where present.

    Returns
    -------
    TableData
    """

    def validate() -> list[tuple[str, Instance, GridSpec]]:
        if not isinstance(instances, Mapping) or not instances:
            raise InputError("instances must be a non-empty mapping of dataset name to Instance")
        jobs = []
        for ds, inst in instances.items():
            for bd in beta_d_values:
                spec = GridSpec(("beta_a", "beta_i"), bd, resolution, lim, tau, n_agents)
                jobs.append((ds, *validated_heatmap(inst, None, spec)[:2]))
        return jobs

    def compute(jobs: list[tuple[str, Instance, GridSpec]]) -> TableData:
        rows = []
        for ds, inst, spec in jobs:
            data = (grids or {}).get((ds, spec.fixed))
            if data is None:
                data = heatmap_on(inst, spec, name=ds, progress=progress)
            rows.append(table_row(data, ds, scorer_name(inst)))
        return TableData(rows)

    return produce(out_dir, validate, compute, _draw_table)


def _draw_table(t: TableData) -> Drawn:
    texts = {"exclusion_table.csv": t.csv(), "exclusion_table.md": t.markdown()}
    return Drawn("exclusion_table", texts)
