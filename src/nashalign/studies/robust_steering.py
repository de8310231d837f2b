r"""Robust steering: diversity incentives under which *every* NE is exclusion-free.

:func:`nashalign.exact.steering.steer` gives the ``r = beta_D/beta_I`` where the
symmetric interior NE of Theorem 1 has every weight ``>= tau``. When the game has
several equilibria (the potential is not concave), that NE may be one of many, and
the others may exclude a subpopulation. :func:`robust_steer` answers, for a
homogeneous population of ``N`` agents at fixed ``s = beta_A/beta_I`` and ``tau``,
where **every** NE, and where every **stable** NE (a local maximum of the
potential: :mod:`nashalign.solvers.equilibria`), is exclusion-free:

* **Exactly** on the concavity region. For ``r >= 0`` the potential is strictly
  concave iff ``r < r_c = 2 (N-1) mu_min`` (Theorem 3, ``mu_min`` the smallest
  eigenvalue of ``C`` compressed to ``1-perp``, an exact algebraic number). There the
  NE is unique and symmetric, so every NE is exclusion-free iff Theorem 1's point has
  every weight ``>= tau``: ``steer``'s exact intervals intersected with
  ``[0, r_c)``.
* **On a grid** elsewhere: at each grid ``r`` in ``[r_c, r_max]`` the whole set is
  enumerated and certified (:func:`nashalign.solvers.equilibria.all_equilibria`).
  This is a grid certificate, not an exact one: between grid points nothing is
  claimed. An NE whose second-order test is inconclusive counts as possibly stable.

Examples
--------
>>> import numpy as np
>>> res = robust_steer([0.5, 0.3, 0.2], np.eye(3) / 8, s=2, tau="1/20", r_max=2.25, n_grid=9)
>>> res.r_concave, res.exact_intervals
(1/4, [])
>>> res.grid.tolist()
[0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25]
>>> res.grid_all_ok.astype(int).tolist(), [c["total"] for c in res.grid_counts]
([0, 0, 1, 1, 1, 1, 1, 1, 1], [1, 3, 5, 5, 5, 5, 5, 5, 5])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError
from nashalign.exact.evaluate import to_rational
from nashalign.model import Incentives, Population
from nashalign.validation import validate_tau

__all__ = ["RobustSteeringResult", "robust_steer"]


def _f(x: Any) -> float:
    return float(sp.N(x, 30))


def _lt(x: Any, y: Any) -> bool:
    """``x < y`` for exact real algebraic numbers (decided at 50 digits, then exactly)."""
    d = sp.N(y - x, 50)
    if d != 0:
        return bool(d > 0)
    return bool(sp.simplify(y - x) > 0)


def _runs(grid: NDArray, ok: NDArray) -> list[tuple[float, float]]:
    """Maximal runs of consecutive passing grid points as ``(first, last)``."""
    out: list[tuple[float, float]] = []
    start = None
    for i, good in enumerate(ok):
        if good and start is None:
            start = i
        if not good and start is not None:
            out.append((float(grid[start]), float(grid[i - 1])))
            start = None
    if start is not None:
        out.append((float(grid[start]), float(grid[-1])))
    return out


@dataclass
class RobustSteeringResult:
    """Where every NE (every stable NE) is exclusion-free, at fixed ``s`` and ``tau``.

    Attributes
    ----------
    s, tau : sympy.Rational
        The inputs, exactly.
    n_agents : int
        Population size.
    r_concave : sympy.Expr
        ``r_c = 2 (N-1) mu_min``: the potential is strictly concave for
        ``0 <= r < r_c`` (exact algebraic number).
    exact_intervals : list of (Expr, Expr)
        Exact sub-intervals of ``[0, r_c)`` where the unique NE is exclusion-free
        (the right end ``r_c`` itself is excluded from the exact claim; it is the
        first grid point).
    grid : ndarray
        The grid of ``r`` on ``[r_c, r_max]`` where the set was enumerated.
    grid_all_ok, grid_stable_ok : ndarray of bool
        At each grid point: every NE / every stable NE exclusion-free.
    grid_counts : list of dict
        The counts of :class:`~nashalign.solvers.equilibria.EquilibriumSet` per point.
    grid_exact : bool
        Every grid equilibrium was certified exactly.
    notes : list of str
        What kind of certificate each part is.
    """

    s: sp.Rational
    tau: sp.Rational
    n_agents: int
    r_concave: sp.Expr
    exact_intervals: list[tuple[sp.Expr, sp.Expr]]
    grid: NDArray[np.float64]
    grid_all_ok: NDArray[np.bool_]
    grid_stable_ok: NDArray[np.bool_]
    grid_counts: list[dict[str, int]] = field(default_factory=list)
    grid_exact: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def resolution(self) -> float | None:
        """Largest spacing of the grid (None for fewer than two points)."""
        return float(np.max(np.diff(self.grid))) if self.grid.size > 1 else None

    @property
    def grid_intervals_all(self) -> list[tuple[float, float]]:
        """Runs of consecutive grid points where every NE is exclusion-free."""
        return _runs(self.grid, self.grid_all_ok)

    @property
    def grid_intervals_stable(self) -> list[tuple[float, float]]:
        """Runs of consecutive grid points where every stable NE is exclusion-free."""
        return _runs(self.grid, self.grid_stable_ok)

    def stable_intervals_text(self) -> str:
        """Where every stable NE is exclusion-free, in words: exact part, then grid runs.

        Examples
        --------
        >>> res = robust_steer([1, 0], [[1, 0], [0, 1]], s=1, tau=0.05, r_max=3, n_grid=3)
        >>> res.stable_intervals_text()
        '[0, 2) exactly; [2, 3] on the grid'
        """
        parts = [f"[{_f(lo):.6g}, {_f(hi):.6g}) exactly" for lo, hi in self.exact_intervals]
        parts += [f"[{lo:.6g}, {hi:.6g}] on the grid" for lo, hi in self.grid_intervals_stable]
        return "; ".join(parts) if parts else "none"

    def report_lines(self) -> list[str]:
        """The lines ``nashalign steer`` prints beside r*: every stable NE, every NE.

        Examples
        --------
        >>> res = robust_steer([1, 0], [[1, 0], [0, 1]], s=1, tau=0.05, r_max=3, n_grid=3)
        >>> for line in res.report_lines():
        ...     print(line)
        every stable NE (N = 2 agents), exclusion-free r: [0, 2) exactly; [2, 3] on the grid
          (exact below r_c = 2(N-1) mu_min = 2, where the NE is unique; above it the whole NE set at 3 grid points up to r = 3, nothing claimed between them)
        """
        r_c = _f(self.r_concave)
        top = f" up to r = {self.grid[-1]:.3g}" if self.grid.size else ""
        return [
            f"every stable NE (N = {self.n_agents} agents), exclusion-free r: "
            + self.stable_intervals_text(),
            f"  (exact below r_c = 2(N-1) mu_min = {r_c:.3g}, where the NE is unique; above it "
            f"the whole NE set at {self.grid.size} grid points{top}, nothing claimed between "
            "them)",
        ]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (exact endpoints as strings with floats beside them)."""
        return {
            "s": float(self.s),
            "tau": float(self.tau),
            "n_agents": self.n_agents,
            "r_concave": _f(self.r_concave),
            "r_concave_exact": str(self.r_concave),
            "exact_intervals": [[_f(lo), _f(hi)] for lo, hi in self.exact_intervals],
            "exact_intervals_exact": [[str(lo), str(hi)] for lo, hi in self.exact_intervals],
            "exact_certificate": "exact: strict concavity (unique NE) and Theorem 1's point",
            "grid": self.grid.tolist(),
            "grid_resolution": self.resolution,
            "grid_all_ok": self.grid_all_ok.tolist(),
            "grid_stable_ok": self.grid_stable_ok.tolist(),
            "grid_intervals_all": [list(x) for x in self.grid_intervals_all],
            "grid_intervals_stable": [list(x) for x in self.grid_intervals_stable],
            "grid_certificate": "grid: the whole NE set enumerated at each grid r "
            "(not exact between grid points)",
            "grid_exact": self.grid_exact,
            "grid_counts": self.grid_counts,
            "notes": list(self.notes),
        }


def robust_steer(
    a: ArrayLike,
    C: ArrayLike,
    s: object,
    tau: object = 0.05,
    n_agents: int = 2,
    *,
    r_max: float = 10.0,
    n_grid: int = 101,
    grid: ArrayLike | None = None,
) -> RobustSteeringResult:
    """Intervals of ``r >= 0`` where every NE (every stable NE) is exclusion-free.

    Parameters
    ----------
    a, C : array_like
        A homogeneous instance (C symmetric PSD); floats are converted exactly.
    s : number
        ``beta_A / beta_I >= 0`` (int, float, ``"p/q"`` string or rational).
    tau : number
        Exclusion threshold, ``0 < tau < 1/K``.
    n_agents : int
        N >= 2.
    r_max : float
        Right end of the default grid (``n_grid`` evenly spaced points on
        ``[r_c, r_max]``; none if ``r_max <= r_c``).
    n_grid : int
        Number of grid points (>= 2).
    grid : array_like, optional
        An explicit grid of ``r`` values (those below ``r_c`` are dropped: the
        exact part covers them).

    Returns
    -------
    RobustSteeringResult

    Examples
    --------
    >>> res = robust_steer([1, 0], [[1, 0], [0, 1]], s=1, tau=0.05, r_max=3, n_grid=3)
    >>> res.r_concave, res.exact_intervals, res.grid.tolist(), res.grid_all_ok.tolist()
    (2, [(0, 2)], [2.0, 2.5, 3.0], [True, True, True])
    """
    from nashalign.exact.steering import MAX_STEER_K, steer
    from nashalign.solvers.equilibria import all_equilibria, in_reach, mu_min_exact

    pop = Population(a, C, n_agents=n_agents)
    N, C_f = pop.N, pop.C
    if N < 2:
        raise InputError("robust steering needs n_agents >= 2 (a single agent has no r)")
    K = pop.K
    if K > MAX_STEER_K:
        raise InputError(f"robust steering is limited to K <= {MAX_STEER_K}, got K = {K}")
    if not in_reach(K, N):
        raise InputError(
            f"N = {N}, K = {K} is beyond joint support enumeration; robust steering "
            "needs the whole equilibrium set"
        )
    s_q, tau_q = to_rational(s), to_rational(tau)
    validate_tau(tau_q, K)
    if isinstance(n_grid, bool) or not isinstance(n_grid, int) or n_grid < 2:
        raise InputError(f"n_grid must be an integer >= 2, got {n_grid!r}")
    try:
        r_max_f = float(r_max)
    except (TypeError, ValueError):
        raise InputError(f"r_max must be a number, got {r_max!r}") from None
    if not np.isfinite(r_max_f) or r_max_f <= 0:
        raise InputError(f"r_max must be a finite number > 0, got {r_max!r}")
    st = steer(a, C, s_q, tau_q)  # validates s
    mu, _ = mu_min_exact(C_f)
    r_c = sp.nsimplify(2 * (N - 1)) * mu
    r_c = sp.Rational(r_c) if r_c.is_Rational else r_c
    exact_iv: list[tuple[sp.Expr, sp.Expr]] = []
    for lo, hi in st.intervals:
        lo2 = lo if _lt(0, lo) or lo == 0 else sp.Integer(0)
        hi2 = r_c if hi is None or not _lt(hi, r_c) else hi
        if _lt(lo2, hi2) or (lo2 == hi2 and _lt(lo2, r_c)):
            exact_iv.append((lo2, hi2))
    r_c_f = _f(r_c)
    if grid is None:
        g = np.linspace(r_c_f, r_max_f, n_grid) if r_max_f > r_c_f else np.zeros(0)
    else:
        from nashalign.instance import finite_array

        g = np.sort(finite_array(grid, "grid", ndim=1))
        g = g[g >= r_c_f]
    all_ok = np.zeros(g.size, dtype=bool)
    stable_ok = np.zeros(g.size, dtype=bool)
    counts: list[dict[str, int]] = []
    grid_exact = True
    tau_f = float(tau_q)
    for i, r in enumerate(g):
        incentives = Incentives.from_exact(
            s_q, float(r)
        )  # s exactly as given, r exactly the grid float
        es = all_equilibria(pop, incentives, tau=tau_f, with_nashconv=False)
        grid_exact &= es.exact
        all_ok[i] = all(not e.excluded for e in es.equilibria)
        stable_ok[i] = all(not e.excluded for e in es.equilibria if e.local_max is not False)
        counts.append(es.counts)
    notes = [
        f"exact on [0, r_c) with r_c = 2(N-1) mu_min = {r_c_f:.6g}: Phi strictly concave, "
        "unique NE (Theorem 1's point where exclusion-free)",
    ]
    if g.size:
        notes.append(
            f"grid certificate on [{g[0]:.6g}, {g[-1]:.6g}] ({g.size} points, resolution "
            f"{float(np.max(np.diff(g))) if g.size > 1 else 0.0:.3g}): the whole NE set "
            "enumerated and certified at each grid r, nothing claimed between grid points"
        )
    if r_c_f == 0:
        notes.append("mu_min = 0: Phi is not strictly concave at any r > 0; no exact part")
    return RobustSteeringResult(
        s=s_q,
        tau=tau_q,
        n_agents=N,
        r_concave=r_c,
        exact_intervals=exact_iv,
        grid=g,
        grid_all_ok=all_ok,
        grid_stable_ok=stable_ok,
        grid_counts=counts,
        grid_exact=bool(grid_exact),
        notes=notes,
    )
