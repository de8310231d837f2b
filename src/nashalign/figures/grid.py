"""The figures' one grid spec: plane, axis range, resolution, fixed coefficient, tau, N.

The coefficients are named ``"beta_a"``, ``"beta_i"`` and ``"beta_d"``. A *plane*
is an ordered pair of two of them (the x and y axes of a heatmap); the third is
held at a fixed value. A :class:`GridSpec` holds everything that defines a figure's
grid and validates it when built (one-line :class:`~nashalign.errors.InputError`
on bad input); :meth:`GridSpec.for_instance` adds the check that needs K
(``tau < 1/K``). Grids are log-spaced on both axes and evaluated with the
vectorised closed form (Theorem 1).

Examples
--------
>>> spec = GridSpec(axes=("beta_a", "beta_d"), resolution=5)
>>> spec.axis().round(3).tolist()
[0.01, 0.1, 1.0, 10.0, 100.0]
>>> spec.third
'beta_i'
>>> GridSpec(resolution=1)
Traceback (most recent call last):
...
nashalign.errors.InputError: resolution must be an integer in [2, 4000], got 1
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nashalign.errors import InputError
from nashalign.instance import Instance, finite_number, validate_n_agents, validate_tau

BETAS = ("beta_a", "beta_i", "beta_d")


#: Default exclusion threshold (SPEC section 1).
TAU = 0.05


#: Default axis range of every log-scaled sweep.
LIM = (1e-2, 1e2)


#: Rows of a grid evaluated per progress-bar step.
_CHUNK_ROWS = 16


def check_resolution(n: int, what: str = "resolution", lo: int = 2, hi: int = 4000) -> int:
    """Validate a grid resolution (an integer in ``[lo, hi]``).

    Examples
    --------
    >>> check_resolution(200)
    200
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not lo <= n <= hi:
        raise InputError(f"{what} must be an integer in [{lo}, {hi}], got {n!r}")
    return int(n)


def check_lim(lim: Sequence[float], what: str = "axis range") -> tuple[float, float]:
    """Validate a log-axis range ``(lo, hi)`` with ``0 < lo < hi < inf``.

    Examples
    --------
    >>> check_lim((0.01, 100))
    (0.01, 100.0)
    """
    try:
        lo, hi = (float(v) for v in lim)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a pair (lo, hi) of numbers") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and 0.0 < lo < hi):
        raise InputError(f"{what} must satisfy 0 < lo < hi < inf, got ({lo:g}, {hi:g})")
    return lo, hi


def check_plane(axes: Sequence[str]) -> tuple[str, str, str]:
    """Validate a plane and return ``(x, y, fixed)`` coefficient names.

    Examples
    --------
    >>> check_plane(("beta_i", "beta_d"))
    ('beta_i', 'beta_d', 'beta_a')
    """
    try:
        x, y = (str(v) for v in axes)
    except (TypeError, ValueError):
        raise InputError(f"axes must be two of {', '.join(BETAS)}") from None
    if x not in BETAS or y not in BETAS or x == y:
        raise InputError(f"axes must be two different names of {', '.join(BETAS)}, got ({x}, {y})")
    (fixed,) = (b for b in BETAS if b not in (x, y))
    return x, y, fixed


def parse_planes(values: list[str] | None) -> list[tuple[str, str]] | None:
    """``--plane x,y`` values as validated planes (None: the default three).

    Examples
    --------
    >>> parse_planes(["beta_a,beta_d", "beta_i, beta_d"])
    [('beta_a', 'beta_d'), ('beta_i', 'beta_d')]
    >>> parse_planes(["beta_a,beta_x"])
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: --plane beta_a,beta_x: axes must be two different names of beta_a, beta_i, beta_d, got (beta_a, beta_x)

    Raises
    ------
    InputError
        A value that is not two different names of beta_a, beta_i, beta_d.
    """
    if not values:
        return None
    out: list[tuple[str, str]] = []
    for v in values:
        parts = [p.strip() for p in str(v).split(",")]
        if len(parts) != 2:
            raise InputError(
                f"--plane {v}: expected two names separated by a comma, e.g. beta_a,beta_d"
            )
        try:
            x, y, _ = check_plane(parts)
        except InputError as exc:
            raise InputError(f"--plane {v}: {exc}") from None
        if (x, y) not in out:
            out.append((x, y))
    return out


def check_fixed(name: str, value: float) -> float:
    """Validate the value at which the third coefficient is held.

    beta_I must be > 0, beta_A >= 0; beta_D may be any finite number.

    Examples
    --------
    >>> check_fixed("beta_d", 0.0)
    0.0
    """
    v = finite_number(value, name)
    if name == "beta_i" and v <= 0:
        raise InputError(f"beta_I must be > 0, got {v:g}")
    if name == "beta_a" and v < 0:
        raise InputError(f"beta_A must be >= 0, got {v:g}")
    return v


def log_axis(lim: tuple[float, float], n: int) -> NDArray[np.float64]:
    """``n`` log-spaced points from ``lim[0]`` to ``lim[1]`` (both included).

    Examples
    --------
    >>> log_axis((1.0, 100.0), 3).tolist()
    [1.0, 10.0, 100.0]
    """
    return np.logspace(math.log10(lim[0]), math.log10(lim[1]), n)


def log_edges(v: NDArray[np.float64]) -> NDArray[np.float64]:
    """Cell edges of log-spaced centres ``v`` (midpoints in log space; for ``pcolormesh``).

    A single centre gets the edges ``v / 1.5`` and ``v * 1.5``.

    Examples
    --------
    >>> log_edges(np.array([1.0, 100.0])).tolist()
    [0.1, 10.0, 1000.0]
    """
    if v.size == 1:
        return np.array([v[0] / 1.5, v[0] * 1.5])
    lv = np.log10(v)
    mid = 0.5 * (lv[1:] + lv[:-1])
    return 10 ** np.concatenate([[2 * lv[0] - mid[0]], mid, [2 * lv[-1] - mid[-1]]])


def plane_betas(
    axes: Sequence[str], X: NDArray[np.float64], Y: NDArray[np.float64], fixed: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Arrays ``(beta_a, beta_i, beta_d)`` for plane coordinates ``X, Y`` (same shape).

    Examples
    --------
    >>> import numpy as np
    >>> plane_betas(("beta_a", "beta_d"), np.array([2.0]), np.array([3.0]), 1.0)
    (array([2.]), array([1.]), array([3.]))
    """
    x, y, third = check_plane(axes)
    vals = {x: np.asarray(X, float), y: np.asarray(Y, float)}
    vals[third] = np.full(np.shape(X), float(fixed))
    return vals["beta_a"], vals["beta_i"], vals["beta_d"]


@dataclass(frozen=True)
class GridEval:
    """Closed-form evaluation on a grid: weights ``(..., K)`` and the interior mask."""

    weights: NDArray[np.float64]
    interior: NDArray[np.bool_]


def evaluate(
    instance: Instance,
    beta_a: NDArray[np.float64],
    beta_i: NDArray[np.float64],
    beta_d: NDArray[np.float64],
    *,
    n_agents: int = 2,
    progress: bool = False,
    desc: str = "closed form",
) -> GridEval:
    """Evaluate the vectorised closed form (Theorem 1) on equally shaped beta arrays.

    The first axis is split into chunks for the progress bar. A point counts as
    interior when the evaluator says so and every weight is finite.

    Examples
    --------
    >>> import numpy as np
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> ev = evaluate(inst, np.array([1.0]), np.array([1.0]), np.array([0.0]))
    >>> np.round(ev.weights, 12).tolist(), ev.interior.tolist()
    ([[0.75, 0.25]], [True])
    """
    from tqdm.auto import tqdm

    from nashalign.solvers.closed_form import symmetric_ne

    shape = np.shape(beta_a)
    ba, bi, bd = (np.atleast_1d(np.asarray(b, float)) for b in (beta_a, beta_i, beta_d))
    n0 = ba.shape[0]
    W = np.empty(ba.shape + (instance.K,))
    interior = np.zeros(ba.shape, dtype=bool)
    step = max(1, _CHUNK_ROWS if ba.ndim > 1 else max(1, n0 // 10))
    for i in tqdm(range(0, n0, step), desc=desc, disable=not progress, leave=False, unit="chunk"):
        sl = slice(i, i + step)
        res = symmetric_ne(instance.a, instance.C, ba[sl], bi[sl], bd[sl], n_agents=n_agents)
        w = np.asarray(res.weights, float)
        W[sl] = w
        interior[sl] = np.asarray(res.interior, bool) & np.all(np.isfinite(w), axis=-1)
    return GridEval(W.reshape(shape + (instance.K,)), interior.reshape(shape))


@dataclass(frozen=True)
class GridSpec:
    """The one grid of a figure: plane, fixed coefficient, resolution, axis range, tau, N.

    Built validated: the plane (two different coefficient names), the fixed value of
    the third (beta_I > 0, beta_A >= 0, beta_D any finite number), the resolution
    (an integer in [2, 4000]), the log-axis range (``0 < lo < hi < inf``), tau
    (finite, in (0, 1/2); :meth:`for_instance` checks ``tau < 1/K``) and the number
    of agents. Fields are stored normalised (floats, ints, tuples).

    Parameters
    ----------
    axes : (str, str)
        Coefficients on the x and y axes.
    fixed : float
        Value of the third coefficient.
    resolution : int
        Grid points per axis.
    lim : (float, float)
        Log-axis range shared by both axes.
    tau : float
        Exclusion threshold.
    n_agents : int
        Number of agents passed to the evaluator.

    Examples
    --------
    >>> GridSpec(axes=["beta_i", "beta_d"], fixed=0, lim=(1, 10), resolution=3)
    GridSpec(axes=('beta_i', 'beta_d'), fixed=0.0, resolution=3, lim=(1.0, 10.0), tau=0.05, n_agents=2)
    >>> GridSpec(axes=("beta_i", "beta_d"), fixed=-1.0)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: beta_A must be >= 0, got -1
    """

    axes: tuple[str, str] = ("beta_a", "beta_d")
    fixed: float = 1.0
    resolution: int = 200
    lim: tuple[float, float] = LIM
    tau: float = TAU
    n_agents: int = 2

    def __post_init__(self) -> None:
        x, y, third = check_plane(self.axes)
        tau = validate_tau(self.tau)
        normalised = {
            "axes": (x, y),
            "fixed": check_fixed(third, self.fixed),
            "resolution": check_resolution(self.resolution),
            "lim": check_lim(self.lim),
            "tau": tau,
            "n_agents": validate_n_agents(self.n_agents),
        }
        for name, value in normalised.items():
            object.__setattr__(self, name, value)

    @property
    def third(self) -> str:
        """Name of the fixed coefficient (the one not on an axis).

        Examples
        --------
        >>> GridSpec(axes=("beta_i", "beta_d")).third
        'beta_a'
        """
        return check_plane(self.axes)[2]

    def for_instance(self, instance: Instance) -> GridSpec:
        """This spec, after checking ``tau < 1/K`` for ``instance`` (raises InputError).

        Examples
        --------
        >>> inst = Instance(["x", "y", "z"], [1, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], n=3)
        >>> GridSpec(tau=0.4).for_instance(inst)
        Traceback (most recent call last):
        ...
        nashalign.errors.InputError: tau must lie in (0, 1/K) = (0, 0.333333) for K = 3, got 0.4
        """
        validate_tau(self.tau, instance.K)
        return self

    def axis(self) -> NDArray[np.float64]:
        """The log-spaced values of either axis (``resolution`` points over ``lim``).

        Examples
        --------
        >>> GridSpec(lim=(1, 100), resolution=3).axis().tolist()
        [1.0, 10.0, 100.0]
        """
        return log_axis(self.lim, self.resolution)

    def betas(self) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """``(beta_a, beta_i, beta_d)`` at every grid point, shape ``(ny, nx)`` (row = y).

        Examples
        --------
        >>> ba, bi, bd = GridSpec(lim=(1, 100), resolution=3).betas()
        >>> ba[0].tolist(), bd[:, 0].tolist(), float(bi.max())
        ([1.0, 10.0, 100.0], [1.0, 10.0, 100.0], 1.0)
        """
        X, Y = np.meshgrid(self.axis(), self.axis())
        return plane_betas(self.axes, X, Y, self.fixed)

    def evaluate(
        self, instance: Instance, *, progress: bool = False, desc: str = "grid"
    ) -> GridEval:
        """The closed form (Theorem 1) at every grid point: weights ``(ny, nx, K)``.

        Examples
        --------
        >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
        >>> GridSpec(resolution=4).evaluate(inst).weights.shape
        (4, 4, 2)
        """
        ba, bi, bd = self.for_instance(instance).betas()
        return evaluate(instance, ba, bi, bd, n_agents=self.n_agents, progress=progress, desc=desc)
