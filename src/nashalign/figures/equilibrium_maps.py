r"""Maps of the whole equilibrium set: concavity, boundary NE, stable-NE exclusion.

Three things the closed-form heatmaps alone do not show (issue 10, item 4):

* **Where the NE may not be unique.** The potential :math:`\Phi` of Theorem 3 is
  concave on the product of simplices iff
  :math:`-2\mu_{\min} \le r \le 2(N-1)\mu_{\min}` (:func:`nashalign.solvers.equilibria.concavity`,
  :math:`\mu_{\min}` the smallest eigenvalue of ``C`` compressed to
  :math:`\mathbf 1^\perp`, an exact algebraic number); strictly inside, the NE is
  unique (and it is Theorem 1's point where that is interior). Outside,
  uniqueness is not guaranteed. :func:`~nashalign.figures.boundary_ne.concavity_region` gives the interval and
  the mask of grid points outside it; the heatmaps hatch that region.
* **What happens where there is no interior NE.** For :math:`r > -2\mu_{\min}`,
  :math:`M(r) = 2C + rI` is positive definite, the symmetric conditions are the KKT
  conditions of a strictly concave QP on the simplex, so there is exactly one
  symmetric NE, on a boundary face where the interior point of Theorem 1 leaves
  the simplex. :func:`~nashalign.figures.boundary_ne.symmetric_boundary_ne` finds it at many points at once by
  support enumeration (the method of :mod:`nashalign.solvers.support`, batched:
  one :func:`numpy.linalg.solve` per support over every point); the heatmaps
  colour the otherwise white region with its weights, hatched.
* **Whether the stable equilibria exclude.** :func:`stable_exclusion_map`
  enumerates the whole NE set (:func:`nashalign.solvers.equilibria.all_equilibria`,
  float certificates) at each point of a modest grid of
  :math:`(\beta_A, \beta_D)` (:math:`\beta_I = 1`, N = 2) and classifies it:
  every stable NE excludes a subpopulation, some does, or none does. "Stable" is a
  local maximum of the potential; an NE whose second-order test is inconclusive
  counts as possibly stable (as in :func:`nashalign.studies.robust_steering.robust_steer`).

Examples
--------
>>> [CATEGORIES[c] for c in (0, 2)]
['no stable NE excludes', 'every stable NE excludes']
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.errors import InputError
from nashalign.figures.boundary_ne import (  # noqa: F401  (re-exported: the maps' first half)
    concavity_region,
    not_concave,
    symmetric_boundary_ne,
)
from nashalign.figures.grid import LIM, TAU, check_lim, check_resolution, log_axis, log_edges
from nashalign.figures.naming import dataset_name, slug
from nashalign.figures.output import grid_csv
from nashalign.figures.pipeline import Drawn, produce
from nashalign.figures.style import LABELS, legend_below, log_axes, new_figure
from nashalign.instance import Instance, validate_instance, validate_n_agents, validate_tau

__all__ = ["CATEGORIES", "StableMapData", "compute_stable_map", "stable_exclusion_map"]

#: Classes of :func:`stable_exclusion_map`, by code.
CATEGORIES = {
    0: "no stable NE excludes",
    1: "some stable NE excludes",
    2: "every stable NE excludes",
    3: "no stable NE found",
}
_CAT_COLOURS = ("#4daf4a", "#ff7f00", "#222222", "#bbbbbb")


@dataclass
class StableMapData:
    """The numbers behind the stable-equilibrium exclusion map.

    Attributes
    ----------
    dataset : str
        Instance label.
    names : list of str
        Subpopulation names.
    x, y : ndarray
        ``beta_A`` and ``beta_D`` axis values (``beta_I = 1``).
    n_agents : int
        Population size.
    tau : float
        Exclusion threshold.
    total, stable, stable_excluding, with_exclusion : ndarray of int, shape (ny, nx)
        NE counts at each point: all, (possibly) stable, stable ones with an excluded
        subpopulation, all with an excluded subpopulation.
    symmetric_interior_excludes : ndarray of int, shape (ny, nx)
        1 where Theorem 1's interior point is an NE and excludes, 0 where it is an
        NE and does not, -1 where it is not an NE (no interior NE).
    category : ndarray of int, shape (ny, nx)
        Code of :data:`CATEGORIES`.
    r_interval : (float, float)
        Concavity interval of ``r`` (Theorem 3).
    exact : bool
        Every equilibrium certified exactly (False: float NashConv certificates).
    seconds : float
        Time of the enumeration.
    paths : list of Path
        Files written.
    """

    dataset: str
    names: list[str]
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    n_agents: int
    tau: float
    total: NDArray[np.int64]
    stable: NDArray[np.int64]
    stable_excluding: NDArray[np.int64]
    with_exclusion: NDArray[np.int64]
    symmetric_interior_excludes: NDArray[np.int64]
    category: NDArray[np.int64]
    r_interval: tuple[float, float]
    exact: bool
    seconds: float = 0.0
    paths: list[Path] = field(default_factory=list)

    @classmethod
    def from_csv(
        cls, path: str | os.PathLike[str], instance: Instance, *, name: str, tau: float = TAU
    ) -> StableMapData:
        """Read a map back from the CSV its figure wrote (:meth:`csv`), for ``instance``.

        Examples
        --------
        >>> import tempfile
        >>> from nashalign.instance import Instance
        >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
        >>> d = stable_exclusion_map(inst, tempfile.mkdtemp(), resolution=2, lim=(0.1, 10.0),
        ...                          progress=False, name="toy")
        >>> back = StableMapData.from_csv(d.paths[-1], inst, name="toy")
        >>> back.category.tolist() == d.category.tolist(), back.r_interval == d.r_interval
        (True, True)
        """
        import csv

        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        x = np.unique([float(r["beta_a"]) for r in rows])
        y = np.unique([float(r["beta_d"]) for r in rows])

        def col(c: str) -> NDArray[np.int64]:
            return np.array([int(float(r[c])) for r in rows], dtype=np.int64).reshape(
                y.size, x.size
            )

        N = 2
        return cls(
            dataset=name,
            names=list(instance.names),
            x=x,
            y=y,
            n_agents=N,
            tau=tau,
            total=col("n_ne"),
            stable=col("n_stable"),
            stable_excluding=col("n_stable_excluding"),
            with_exclusion=col("n_with_exclusion"),
            symmetric_interior_excludes=col("symmetric_interior_excludes"),
            category=col("category"),
            r_interval=concavity_region(instance, N),
            exact=False,
        )

    def share(self, code: int) -> float:
        """Share of the grid in category ``code``."""
        return float(np.mean(self.category == code))

    def finding(self) -> str:
        """One sentence: what the map says about the largest beta_D of its grid.

        At the top row (the strongest diversity incentive drawn) it counts the
        beta_A values at which *every* stable NE still excludes a subpopulation: a
        qualification of "a diversity incentive avoids exclusion", which holds for the
        symmetric interior NE (r*) but not for every stable NE.

        Examples
        --------
        >>> d = StableMapData("d", ["x", "y"], np.array([1.0, 2.0]), np.array([1.0, 10.0]),
        ...     2, 0.05, *(np.zeros((2, 2), dtype=int),) * 5, np.array([[0, 0], [2, 1]]),
        ...     (0.0, 0.1), False)
        >>> d.finding()
        'at beta_D = 10 (the largest here), every stable NE excludes a subpopulation at 1 of 2 beta_A values (some stable NE does at 1); 25% of the grid: every stable NE excludes'
        """
        top = self.category[-1]
        n_every = int((top == 2).sum())
        n_some = int((top == 1).sum())
        head = f"at beta_D = {self.y[-1]:.3g} (the largest here), "
        if n_every == 0 and n_some == 0:
            head += "no stable NE excludes a subpopulation"
        else:
            head += (
                f"every stable NE excludes a subpopulation at {n_every} of {top.size} "
                "beta_A values" + (f" (some stable NE does at {n_some})" if n_some else "")
            )
        return head + f"; {self.share(2):.0%} of the grid: every stable NE excludes"

    def csv(self) -> str:
        """Grid CSV: ``beta_a, beta_i, beta_d, s, r, n_ne, n_stable, n_stable_excluding,
        n_with_exclusion, symmetric_interior_excludes, category, non_concave``."""
        X, Y = np.meshgrid(self.x, self.y)
        return grid_csv(
            {
                "beta_a": X,
                "beta_i": np.ones_like(X),
                "beta_d": Y,
                "s": X,
                "r": Y,
                "n_ne": self.total,
                "n_stable": self.stable,
                "n_stable_excluding": self.stable_excluding,
                "n_with_exclusion": self.with_exclusion,
                "symmetric_interior_excludes": self.symmetric_interior_excludes,
                "category": self.category,
                "non_concave": not_concave(Y, self.r_interval),
            }
        )


def validated_stable_map(
    instance: Instance, resolution: int, lim: tuple[float, float], tau: float, n_agents: int
) -> tuple[Instance, int, tuple[float, float], float, int]:
    """The validate stage of the stable map (one-line InputError on bad input).

    Examples
    --------
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> validated_stable_map(inst, 4, (0.1, 10), 0.05, 2)[1:]
    (4, (0.1, 10.0), 0.05, 2)
    """
    from nashalign.solvers.equilibria import in_reach

    instance = validate_instance(instance)
    res = check_resolution(resolution, "stable-map resolution", 2, 200)
    lim_ = check_lim(lim)
    t = validate_tau(tau, instance.K)
    N = validate_n_agents(n_agents)
    if N < 2:
        raise InputError("the stable-equilibrium map needs n_agents >= 2")
    if not in_reach(instance.K, N, limit=20_000):
        raise InputError(
            f"the stable-equilibrium map enumerates every NE at each grid point; "
            f"K = {instance.K}, N = {N} is too large for a grid"
        )
    return instance, res, lim_, t, N


def stable_map_on(
    instance: Instance,
    resolution: int,
    lim: tuple[float, float],
    tau: float,
    n_agents: int,
    *,
    name: str | None = None,
    progress: bool = False,
) -> StableMapData:
    """The compute stage: the whole NE set at every grid point (see the module docstring).

    Examples
    --------
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> d = stable_map_on(inst, 2, (0.1, 10.0), 0.05, 2)
    >>> d.total.tolist(), d.category.tolist()
    ([[1, 1], [3, 3]], [[0, 2], [0, 0]])
    """
    import time

    from tqdm.auto import tqdm

    from nashalign.solvers.equilibria import all_equilibria

    t0 = time.perf_counter()
    x = log_axis(lim, resolution)
    y = log_axis(lim, resolution)
    shape = (y.size, x.size)
    total = np.zeros(shape, dtype=np.int64)
    stable = np.zeros(shape, dtype=np.int64)
    st_exc = np.zeros(shape, dtype=np.int64)
    w_exc = np.zeros(shape, dtype=np.int64)
    si_exc = np.full(shape, -1, dtype=np.int64)
    exact = True
    label = dataset_name(instance, name)
    for i in tqdm(range(y.size), desc=f"{label} NE sets", disable=not progress, leave=False):
        for j in range(x.size):
            es = all_equilibria(
                instance.a,
                instance.C,
                float(x[j]),
                1.0,
                float(y[i]),
                n_agents,
                tau=tau,
                exact=False,
                with_nashconv=False,
            )
            exact &= es.exact
            maybe = [e for e in es.equilibria if e.local_max is not False]
            total[i, j] = len(es.equilibria)
            stable[i, j] = len(maybe)
            st_exc[i, j] = sum(bool(e.excluded) for e in maybe)
            w_exc[i, j] = sum(bool(e.excluded) for e in es.equilibria)
            if es.symmetric_interior is not None:
                si_exc[i, j] = int(bool(es.symmetric_interior.excluded))
    category = np.where(
        stable == 0, 3, np.where(st_exc == 0, 0, np.where(st_exc == stable, 2, 1))
    ).astype(np.int64)
    return StableMapData(
        dataset=label,
        names=list(instance.names),
        x=x,
        y=y,
        n_agents=n_agents,
        tau=tau,
        total=total,
        stable=stable,
        stable_excluding=st_exc,
        with_exclusion=w_exc,
        symmetric_interior_excludes=si_exc,
        category=category,
        r_interval=concavity_region(instance, n_agents),
        exact=bool(exact),
        seconds=time.perf_counter() - t0,
    )


def compute_stable_map(
    instance: Instance,
    *,
    resolution: int = 16,
    lim: tuple[float, float] = LIM,
    tau: float = TAU,
    n_agents: int = 2,
    name: str | None = None,
    progress: bool = True,
) -> StableMapData:
    """Classify every point of a ``resolution x resolution`` grid of (beta_A, beta_D).

    Each point costs one joint support enumeration (about 0.04 s at K = 5, N = 2),
    so keep ``resolution`` modest.

    Examples
    --------
    >>> import numpy as np
    >>> from nashalign.instance import Instance
    >>> inst = Instance.from_scores(np.random.default_rng(0).normal(size=(30, 3)), "abc")
    >>> d = compute_stable_map(inst, resolution=3, progress=False)
    >>> d.category.shape, bool((d.stable <= d.total).all())
    ((3, 3), True)
    """
    p = validated_stable_map(instance, resolution, lim, tau, n_agents)
    return stable_map_on(*p, name=name, progress=progress)


def _draw_stable(d: StableMapData) -> Drawn:
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    fig = new_figure(11.0, 5.0)
    ax_c, ax_n = fig.subplots(1, 2)
    cmap = ListedColormap(list(_CAT_COLOURS))
    norm = BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], cmap.N)
    ex, ey = log_edges(d.x), log_edges(d.y)
    ax_c.pcolormesh(ex, ey, d.category, cmap=cmap, norm=norm, shading="flat", rasterized=True)
    from matplotlib.colors import Normalize

    mesh = ax_n.pcolormesh(
        ex,
        ey,
        d.total,
        cmap="magma",
        norm=Normalize(vmin=0, vmax=max(1, int(d.total.max()))),
        shading="flat",
        rasterized=True,
    )
    cb = fig.colorbar(mesh, ax=ax_n)
    cb.set_label(f"number of NE (N = {d.n_agents})")
    hi = d.r_interval[1]
    for ax in (ax_c, ax_n):
        log_axes(ax)
        ax.set_xlim(ex[0], ex[-1])
        ax.set_ylim(ey[0], ey[-1])
        ax.set_xlabel(LABELS["beta_a"] + r"   ($\beta_I = 1$)")
        ax.set_ylabel(LABELS["beta_d"])
        if ey[0] <= hi <= ey[-1]:
            ax.axhline(hi, color="tab:cyan", lw=1.5, ls="--", label=r"$r = 2(N-1)\mu_{\min}$")
    ax_c.set_title("stable equilibria (local maxima of $\\Phi$)", fontsize=11)
    ax_n.set_title("size of the equilibrium set", fontsize=11)
    handles = [
        Patch(facecolor=_CAT_COLOURS[c], edgecolor="0.3", label=CATEGORIES[c])
        for c in sorted(CATEGORIES)
        if (d.category == c).any()
    ]
    if ey[0] <= hi <= ey[-1]:
        from matplotlib.lines import Line2D

        handles.append(
            Line2D([], [], color="tab:cyan", ls="--", label=r"$\Phi$ concave below (unique NE)")
        )
    elif hi < ey[0]:
        handles.append(
            Patch(
                facecolor="none",
                edgecolor="none",
                label=rf"$\Phi$ not concave anywhere here "
                rf"($r_c = {hi:.3g}$)",
            )
        )
    legend_below(fig, handles)
    fig.suptitle(
        f"{d.dataset}: does a stable equilibrium exclude a subpopulation? "
        f"(N = {d.n_agents}, weight < {d.tau:g} in every agent; "
        f"{d.y.size} x {d.x.size} grid)\n"
        + d.finding().replace("beta_D", r"$\beta_D$").replace("beta_A", r"$\beta_A$"),
        fontsize=11,
    )
    stem = slug("stable-map", d.dataset)
    return Drawn(stem, {f"{stem}.csv": d.csv()}, fig)


def stable_exclusion_map(
    instance: Instance,
    out_dir: str | os.PathLike[str],
    *,
    resolution: int = 16,
    lim: tuple[float, float] = LIM,
    tau: float = TAU,
    n_agents: int = 2,
    name: str | None = None,
    progress: bool = True,
    data: StableMapData | None = None,
) -> StableMapData:
    """Draw the stable-equilibrium exclusion map; write ``stable-map_<dataset>.{png,pdf,csv}``.

    Left: each grid point of (beta_A, beta_D) (beta_I = 1) coloured by whether every
    stable NE, some stable NE or no stable NE excludes a subpopulation; right: the
    number of NE. The dashed line is the concavity bound ``r = 2(N-1) mu_min`` of
    Theorem 3 where it falls inside the plot. CSV layout: :meth:`StableMapData.csv`.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from nashalign.instance import Instance
    >>> inst = Instance.from_scores(np.random.default_rng(0).normal(size=(30, 3)), "abc")
    >>> d = stable_exclusion_map(inst, tempfile.mkdtemp(), resolution=3, progress=False)
    >>> sorted(p.suffix for p in d.paths)
    ['.csv', '.pdf', '.png']
    """

    def validate() -> Any:
        if data is not None:
            return data
        return validated_stable_map(instance, resolution, lim, tau, n_agents)

    def compute(p: Any) -> StableMapData:
        if isinstance(p, StableMapData):
            p.paths = []
            return p
        return stable_map_on(*p, name=name, progress=progress)

    return produce(out_dir, validate, compute, _draw_stable)
