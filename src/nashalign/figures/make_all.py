"""Every figure and table of SPEC section 5 for a set of instances, in one call.

For each instance (dataset) :func:`make_all_figures` draws

* a grid of exclusion heatmaps (one panel per focal subpopulation plus the
  minimum weight) in each plane of ``planes`` (default all three pairs of
  coefficients, the third fixed at 1);
* the single-focal exclusion heatmap over (beta_A, beta_D) of the subpopulation
  excluded on the largest share of that grid (the first one if none is), or the
  ``focal`` subpopulation in every instance that has one of that name;
* the 1-D slices, the governance figure (beta_D = 0 vs 1, and r*(s)) and the
  r*(s) curve alone;
* the focal governance figure: the focal subpopulation's heatmaps at
  beta_D = 0 and 1, r*(s), and its weight against beta_A at both;
* the stable-equilibrium exclusion map of the equilibrium_maps module, on a
  grid of stable_resolution points per axis (0 skips it);

and then the exclusion table over all instances. The heatmaps over
(beta_A, beta_I) of the governance figure are reused for the table, and the
steering runs behind r*(s) are done once per instance.

Examples
--------
>>> import tempfile
>>> import numpy as np
>>> from nashalign.instance import Instance
>>> inst = Instance.from_scores(np.random.default_rng(0).normal(size=(30, 3)), "abc")
>>> s = make_all_figures({"toy": inst}, tempfile.mkdtemp(), progress=False, resolution=6,
...                      n_s=1, n_slice=6, planes=[("beta_a", "beta_d")], stable_resolution=2)
>>> sorted(s.files)[:3]
['table', 'toy/governance', 'toy/governance-focal']
>>> all(p.exists() for p in s.all_paths())
True
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nashalign.errors import InputError
from nashalign.figures.equilibrium_maps import stable_exclusion_map
from nashalign.figures.governance import compute_r_star, governance, r_star_curve
from nashalign.figures.grid import LIM, TAU, GridSpec, check_resolution
from nashalign.figures.heatmap_data import compute_heatmap
from nashalign.figures.heatmaps import exclusion_heatmap, heatmap_grid
from nashalign.figures.slices import weight_slices
from nashalign.figures.tables import TableData, exclusion_table
from nashalign.instance import Instance, validate_focal, validate_instance
from nashalign.io import ensure_writable_dir

#: The summary :func:`make_all_figures` writes last (read back by :meth:`FiguresSummary.load`).
SUMMARY_NAME = "figures-summary.json"

#: The default planes of the heatmap grids.
PLANES = (("beta_a", "beta_d"), ("beta_a", "beta_i"), ("beta_i", "beta_d"))


@dataclass
class FiguresSummary:
    """Where everything went.

    Attributes
    ----------
    out_dir : Path
        The output directory.
    files : dict of str to list of Path
        Files per figure, keyed ``"<dataset>/<figure>"`` (``"table"`` for the table).
    table : TableData
        The exclusion table.
    seconds : float
        Wall time.
    """

    out_dir: Path
    files: dict[str, list[Path]] = field(default_factory=dict)
    table: TableData | None = None
    seconds: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, out_dir: str | os.PathLike[str]) -> FiguresSummary:
        """Read back the summary that :func:`make_all_figures` wrote in ``out_dir``
        (:data:`SUMMARY_NAME`); file names are taken relative to ``out_dir``, so the
        directory may have moved. InputError when there is none or a file is missing.

        Examples
        --------
        >>> import tempfile
        >>> FiguresSummary.load(tempfile.mkdtemp())
        Traceback (most recent call last):
        ...
        nashalign.errors.InputError: no figures summary (figures-summary.json) in ...
        """
        import json

        out = Path(out_dir)
        path = out / SUMMARY_NAME
        if not path.is_file():
            raise InputError(f"no figures summary ({SUMMARY_NAME}) in {out}")
        doc = json.loads(path.read_text(encoding="utf-8"))
        files = {k: [out / Path(p).name for p in v] for k, v in doc["files"].items()}
        missing = [p for ps in files.values() for p in ps if not p.is_file()]
        if missing:
            raise InputError(f"{out}: {missing[0].name} is listed in {SUMMARY_NAME} but missing")
        table = TableData(list(doc.get("table", [])), files.get("table", []))
        return cls(out, files, table, float(doc.get("seconds", 0.0)), doc.get("settings", {}))

    def all_paths(self) -> list[Path]:
        """Every file written, in order."""
        return [p for ps in self.files.values() for p in ps]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "out_dir": str(self.out_dir),
            "seconds": round(self.seconds, 3),
            "settings": dict(self.settings),
            "files": {k: [str(p) for p in v] for k, v in self.files.items()},
            "table": self.table.rows if self.table else [],
        }

    def lines(self) -> list[str]:
        """Human-readable summary, one line per figure."""
        out = [f"figures written to {self.out_dir} in {self.seconds:.1f} s:"]
        for key, paths in self.files.items():
            names = ", ".join(p.name for p in paths)
            out.append(f"  {key}: {names}")
        return out


def make_all_figures(
    instances: Mapping[str, Instance],
    out_dir: str | os.PathLike[str],
    progress: bool = True,
    *,
    resolution: int = 200,
    tau: float = TAU,
    lim: tuple[float, float] = LIM,
    n_s: int = 40,
    n_slice: int = 400,
    planes: Sequence[tuple[str, str]] = PLANES,
    focal: str | None = None,
    stable_resolution: int = 16,
) -> FiguresSummary:
    """Draw every figure and the table for ``instances`` into ``out_dir``.

    Parameters
    ----------
    instances : mapping of str to Instance
        Dataset label -> instance (e.g. the shipped bigfive, politics, culture).
    out_dir : path-like
        Output directory; validated (and created) before any work.
    progress : bool
        Show progress bars.
    resolution : int
        Heatmap grid points per axis.
    tau : float
        Exclusion threshold, in (0, 1/K) for every instance.
    lim : (float, float)
        Log-axis range of every sweep (and of s for r*(s)).
    n_s : int
        Number of s values of r*(s) (exact steering per value).
    n_slice : int
        Points per 1-D slice.
    planes : sequence of (str, str)
        Planes of the heatmap grids.
    focal : str, optional
        Focal subpopulation name for the focal heatmap and focal governance figure
        of every instance that has it (InputError if none has); default: the
        subpopulation excluded on the largest share of the (beta_A, beta_D) grid.
    stable_resolution : int
        Points per axis of the stable-equilibrium map (one joint support
        enumeration per point: about 0.04 s at K = 5, N = 2); 0 skips the map.

    Returns
    -------
    FiguresSummary
    """
    from tqdm.auto import tqdm

    t0 = time.perf_counter()
    if not isinstance(instances, Mapping) or not instances:
        raise InputError("instances must be a non-empty mapping of dataset name to Instance")
    spec = GridSpec(resolution=resolution, lim=lim, tau=tau)
    for ds, inst in instances.items():
        spec.for_instance(validate_instance(inst))
        if not str(ds).strip():
            raise InputError("dataset names must be non-empty")
    resolution, lim, tau = spec.resolution, spec.lim, spec.tau
    n_slice = check_resolution(n_slice, "n_slice")
    n_s = check_resolution(n_s, "n_s", 1)
    planes = [GridSpec(p, resolution=resolution, lim=lim, tau=tau).axes for p in planes]
    if not planes:
        raise InputError("planes must name at least one plane")
    focals: dict[str, int] = {}
    if focal is not None:
        focal = str(focal)
        for ds, inst in instances.items():
            if focal in inst.names:
                focals[ds] = validate_focal(focal, inst.names)  # type: ignore[assignment]
        if not focals:
            known = sorted({n for inst in instances.values() for n in inst.names})
            raise InputError(f"unknown focal subpopulation {focal!r} (known: {', '.join(known)})")
    if stable_resolution != 0:
        stable_resolution = check_resolution(stable_resolution, "stable_resolution", 2, 200)
    out = ensure_writable_dir(out_dir)  # after validating the inputs, before any work
    common = dict(lim=lim, tau=tau, progress=progress)
    summary = FiguresSummary(out)
    summary.settings = {
        "resolution": resolution,
        "lim": list(lim),
        "tau": tau,
        "n_s": n_s,
        "n_slice": n_slice,
        "stable_resolution": stable_resolution,
    }
    grids = {}
    steps = len(instances) * (len(planes) + 6) + 1
    bar = tqdm(total=steps, desc="figures", disable=not progress, unit="fig")
    try:
        for ds, inst in instances.items():
            best = None
            for plane in planes:
                bar.set_postfix_str(f"{ds}: heatmap grid {plane[0]}-{plane[1]}")
                data = compute_heatmap(inst, axes=plane, resolution=resolution, name=ds, **common)
                drawn = heatmap_grid(inst, out, data=data)
                summary.files[f"{ds}/heatmap-grid {plane[0]}-{plane[1]}"] = drawn.paths
                if plane == ("beta_a", "beta_d"):
                    best = data
                bar.update()
            bar.set_postfix_str(f"{ds}: focal heatmap")
            if best is None:
                best = compute_heatmap(inst, resolution=resolution, name=ds, **common)
            shares = [int(best.excluded_of(k).sum()) for k in range(inst.K)]
            k_focal = focals.get(ds, int(np.argmax(shares)))
            h = exclusion_heatmap(inst, k_focal, out, data=best)
            summary.files[f"{ds}/heatmap"] = h.paths
            bar.update()
            bar.set_postfix_str(f"{ds}: slices")
            sl = weight_slices(inst, out, n_points=n_slice, name=ds, **common)
            summary.files[f"{ds}/slices"] = sl.paths
            bar.update()
            bar.set_postfix_str(f"{ds}: r*(s)")
            rs = compute_r_star(inst, n_s=n_s, s_lim=lim, tau=tau, name=ds, progress=progress)
            r_star_curve(inst, out, data=rs)
            summary.files[f"{ds}/rstar"] = rs.paths
            bar.update()
            bar.set_postfix_str(f"{ds}: governance")
            g = governance(inst, out, resolution=resolution, name=ds, r_star=rs, **common)
            summary.files[f"{ds}/governance"] = g.paths
            grids[(ds, 0.0)] = g.without
            grids[(ds, 1.0)] = g.with_
            bar.update()
            bar.set_postfix_str(f"{ds}: focal governance")
            gf = governance(
                inst, out, focal=k_focal, resolution=resolution, name=ds, r_star=rs, **common
            )
            summary.files[f"{ds}/governance-focal"] = gf.paths
            bar.update()
            if stable_resolution:
                bar.set_postfix_str(f"{ds}: stable-NE map")
                sm = stable_exclusion_map(
                    inst, out, resolution=stable_resolution, name=ds, **common
                )
                summary.files[f"{ds}/stable-map"] = sm.paths
            bar.update()
        bar.set_postfix_str("table")
        table = exclusion_table(instances, out, resolution=resolution, grids=grids, **common)
        summary.table = table
        summary.files["table"] = table.paths
        bar.update()
    finally:
        bar.close()
    summary.seconds = time.perf_counter() - t0
    from nashalign.io import atomic_write_json
    from nashalign.jsonformat import finite

    atomic_write_json(out / SUMMARY_NAME, finite(summary.to_json()))
    return summary
