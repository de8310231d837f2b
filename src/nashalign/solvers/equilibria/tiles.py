"""Equilibrium-set sweeps over a grid of ``(s, r)``, tile by tile, on any executor.

A sweep counts the Nash equilibria of a homogeneous population at every point of a
grid of ``s = beta_A / beta_I`` (columns) and ``r = beta_D / beta_I`` (rows), either

``certify="float"``
    with :func:`~nashalign.solvers.equilibria.grid_counts` (float KKT verdicts);
    a tile is a block of whole rows, because ``grid_counts`` measures its
    tolerance against the largest ``s`` of the grid, so every tile sees the whole
    ``s`` axis and gives the verdicts the whole grid would;
``certify="exact"``
    with :func:`~nashalign.solvers.equilibria.all_equilibria` at every point (every
    NE certified in exact rational arithmetic where it can be); a tile is any
    rectangle of points.

The tiles are independent, so they run where :func:`nashalign.executors.run_tasks`
says (``serial``, a local ``process`` pool, or ``ray``), and the results are put
back by tile index: a sweep gives the same arrays on every executor and with every
tiling, bit for bit.

Examples
--------
>>> import numpy as np
>>> out = sweep_counts([1.0, 1.0], np.zeros((2, 2)), [0.0, 1.0], [1.0, 2.0],
...                    certify="exact", tile=1, executor="serial")
>>> out["total"].tolist(), out["n_tiles"], bool(out["exact"].all())
([[3, 3], [3, 3]], 4, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError
from nashalign.executors import DEFAULT_RETRIES, check_executor, resolve_executor, run_tasks
from nashalign.model import Incentives, Population
from nashalign.solvers.equilibria.enumeration import all_equilibria
from nashalign.solvers.equilibria.grid import grid_counts
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL, Tolerances, check_tolerances
from nashalign.validation import finite_array, positive_int, validate_tau

__all__ = ["CERTIFY", "DEFAULT_TILE", "Tile", "count_tile", "sweep_counts", "tile_grid"]

#: The two kinds of sweep.
CERTIFY = ("float", "exact")
#: Default tile shape (rows, columns) per kind; float tiles always span every column.
DEFAULT_TILE = {"float": (8, 0), "exact": (10, 10)}
#: The count arrays of a sweep, one per grid point.
COUNT_KEYS = ("total", "symmetric", "with_exclusion")


@dataclass(frozen=True)
class Tile:
    """One tile of a sweep: rows ``r0:r1`` and columns ``s0:s1`` of the grid, and its job.

    Examples
    --------
    >>> Tile(0, 0, 2, 0, 3, None, np.ones(3), np.ones(2), "float", 0.05, DEFAULT_TOL).shape
    (2, 3)
    """

    index: int
    r0: int
    r1: int
    s0: int
    s1: int
    population: Population | None
    s_values: NDArray[np.float64]
    r_values: NDArray[np.float64]
    certify: str
    tau: float
    tol: Tolerances

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)`` of the tile."""
        return (self.r1 - self.r0, self.s1 - self.s0)


def tile_grid(n_r: int, n_s: int, tile: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """The tiles ``(r0, r1, s0, s1)`` of an ``n_r x n_s`` grid, row-major; 0 spans an axis.

    Examples
    --------
    >>> tile_grid(3, 4, (2, 0))
    [(0, 2, 0, 4), (2, 3, 0, 4)]
    >>> len(tile_grid(100, 100, (10, 10)))
    100
    """
    tr = tile[0] or n_r
    ts = tile[1] or n_s
    return [
        (r0, min(r0 + tr, n_r), s0, min(s0 + ts, n_s))
        for r0 in range(0, n_r, tr)
        for s0 in range(0, n_s, ts)
    ]


def count_tile(t: Tile) -> dict[str, Any]:
    """The counts of one tile (what a worker runs); arrays of shape :attr:`Tile.shape`.

    Examples
    --------
    >>> pop = Population([1.0, 1.0], np.zeros((2, 2)), n_agents=2)
    >>> t = Tile(0, 0, 1, 0, 1, pop, np.array([0.0]), np.array([1.0]), "exact", 0.05, DEFAULT_TOL)
    >>> count_tile(t)["total"].tolist()
    [[3]]
    """
    if t.population is None:
        raise InputError("a tile needs its population")
    if t.certify == "float":
        g = grid_counts(t.population, None, t.s_values, t.r_values, tau=t.tau, tol=t.tol)
        return {
            **{k: g[k] for k in COUNT_KEYS},
            "n_ill_conditioned": int(g["n_ill_conditioned"]),
            "n_systems": int(g["n_systems"]),
        }
    shape = t.shape
    out: dict[str, Any] = {k: np.zeros(shape, dtype=np.int64) for k in COUNT_KEYS}
    out["exact"] = np.zeros(shape, dtype=bool)
    out["complete"] = np.zeros(shape, dtype=bool)
    for i, r in enumerate(t.r_values):
        for j, s in enumerate(t.s_values):
            inc = Incentives(float(s), float(r))
            es = all_equilibria(t.population, inc, tau=t.tau, tol=t.tol, with_nashconv=False)
            c = es.counts
            for k in COUNT_KEYS:
                out[k][i, j] = c[k]
            out["exact"][i, j] = es.exact
            out["complete"][i, j] = es.complete
    return out


def sweep_counts(
    a: ArrayLike | Population,
    C: ArrayLike | None,
    s_values: ArrayLike,
    r_values: ArrayLike,
    n_agents: int = 2,
    *,
    certify: str = "float",
    tile: int | tuple[int, int] | None = None,
    executor: str = "auto",
    workers: int | None = None,
    address: str | None = None,
    retries: int = DEFAULT_RETRIES,
    tau: float = 0.05,
    tol: Tolerances = DEFAULT_TOL,
) -> dict[str, Any]:
    """NE counts over the grid ``r_values x s_values``, tile by tile on ``executor``.

    Parameters
    ----------
    a, C : array-like, or a homogeneous Population and None
        The population (as for :func:`~nashalign.solvers.equilibria.grid_counts`).
    s_values, r_values : array-like
        Grid axes: ``s = beta_A / beta_I`` (columns, >= 0) and ``r = beta_D / beta_I`` (rows).
    n_agents : int
        N (ignored when ``a`` is a Population).
    certify : {"float", "exact"}
        Float KKT verdicts over the whole grid, or the exactly certified whole NE set
        at every point (see the module docstring).
    tile : int, (int, int) or None
        Tile shape ``(rows, columns)`` (an int for a square tile); float tiles always
        span every column. Default: :data:`DEFAULT_TILE`.
    executor, workers, address, retries
        Where the tiles run (:func:`nashalign.executors.run_tasks`).
    tau : float
        Exclusion threshold.
    tol : Tolerances
        Float tolerances.

    Returns
    -------
    dict
        ``total``, ``symmetric``, ``with_exclusion`` (int arrays of shape
        ``(len(r_values), len(s_values))``); for ``float`` also
        ``n_ill_conditioned`` and ``n_systems``, for ``exact`` the bool arrays
        ``exact`` and ``complete``; and ``certify``, ``n_tiles``, ``tile``,
        ``executor`` (the one that ran).

    Examples
    --------
    >>> out = sweep_counts([1.0, 1.0], np.zeros((2, 2)), [0.0], [1.0, 2.0], tile=1,
    ...                    executor="serial")
    >>> out["total"].tolist(), out["n_tiles"]
    ([[3], [3]], 2)
    """
    if certify not in CERTIFY:
        raise InputError(f"certify must be 'float' or 'exact', got {certify!r}")
    executor, workers = check_executor(executor, workers)
    tol = check_tolerances(tol)
    if isinstance(a, Population):
        if C is not None:
            raise InputError("sweep_counts(population, None, ...): C comes with it")
        pop = a
    else:
        pop = Population(a, C, n_agents=n_agents)
    if not pop.homogeneous:
        raise InputError("sweep_counts is for a homogeneous population (one a, C)")
    if pop.N < 2:
        raise InputError("sweep_counts needs n_agents >= 2")
    tau = float(validate_tau(tau, pop.K))
    sv = finite_array(s_values, "s_values", ndim=1)
    rv = finite_array(r_values, "r_values", ndim=1)
    if sv.size == 0 or rv.size == 0:
        raise InputError("s_values and r_values must not be empty")
    if np.any(sv < 0):
        raise InputError("s_values must be >= 0")
    if tile is None:
        shape = DEFAULT_TILE[certify]
    elif isinstance(tile, tuple):
        if len(tile) != 2:
            raise InputError(f"tile must be an int or (rows, columns), got {tile!r}")
        shape = (positive_int(tile[0], "tile rows"), positive_int(tile[1], "tile columns"))
    else:
        n = positive_int(tile, "tile")
        shape = (n, n)
    if certify == "float":
        shape = (shape[0], 0)
    boxes = tile_grid(rv.size, sv.size, shape)
    tiles = [
        Tile(i, r0, r1, s0, s1, pop, sv[s0:s1], rv[r0:r1], certify, tau, tol)
        for i, (r0, r1, s0, s1) in enumerate(boxes)
    ]
    kind = resolve_executor(executor, len(tiles), workers)
    parts = run_tasks(count_tile, tiles, kind, workers, retries=retries, address=address)
    grid = (rv.size, sv.size)
    out: dict[str, Any] = {k: np.zeros(grid, dtype=np.int64) for k in COUNT_KEYS}
    if certify == "float":
        out["n_ill_conditioned"] = 0
        out["n_systems"] = 0
    else:
        out["exact"] = np.zeros(grid, dtype=bool)
        out["complete"] = np.zeros(grid, dtype=bool)
    for t, part in zip(tiles, parts, strict=True):  # by tile index
        for k, v in part.items():
            if isinstance(v, np.ndarray):
                out[k][t.r0 : t.r1, t.s0 : t.s1] = v
            else:
                out[k] += v
    out.update(
        certify=certify,
        n_tiles=len(tiles),
        tile=(shape[0], shape[1] or int(sv.size)),
        executor=kind,
    )
    return out
