r"""The model's two inputs as types: a :class:`Population` and its :class:`Incentives`.

A population is N agents over K subpopulations: one ``(a, C)`` shared by every
agent (homogeneous, the paper's headline) or one ``(a_m, C_m)`` per agent
(heterogeneous). Incentives are the ratios that equilibria depend on,

.. math::

    s = \beta_A/\beta_I, \qquad r = \beta_D/\beta_I,

with the exclusion threshold ``tau`` where it applies. Each type is validated
once, at construction (shape, finiteness, magnitude, symmetry, PSD with the
relative tolerance :data:`~nashalign.validation.PSD_TOL`, names), and offers float
and exact (rational) views. Solvers, steering and figures take them and never
validate again.

Examples
--------
>>> pop = Population([0.5, 0.2], [[1.0, 0.0], [0.0, 1.0]], n_agents=3)
>>> pop.K, pop.N, pop.homogeneous
(2, 3, True)
>>> inc = Incentives.from_betas(2.0, 4.0, 1.0)
>>> inc.s, inc.r
(0.5, 0.25)
>>> inc.r_for(Population([0.5, 0.2], [[1.0, 0.0], [0.0, 1.0]], n_agents=1))
0.0
>>> pop.exact().a
[1/2, 3602879701896397/18014398509481984]
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError
from nashalign.validation import (
    MAX_RATIO,
    finite_array,
    finite_number,
    validate_a_C,
    validate_n_agents,
    validate_names,
    validate_tau,
    validated_ratios,
)

if TYPE_CHECKING:
    import sympy as sp

__all__ = ["ExactPopulation", "Incentives", "Population", "model_of", "takes_population"]

_T = TypeVar("_T")


@dataclass(frozen=True)
class ExactPopulation:
    """Rational views of a population: the exact binary values of its floats.

    ``a`` is a list of K rationals for a homogeneous population, else a list of
    N such lists; likewise ``C``.
    """

    a: list[Any]
    C: list[Any]


def _rational(x: float) -> sp.Rational:
    import sympy as sp

    q = Fraction(float(x))
    return sp.Rational(q.numerator, q.denominator)


@dataclass(frozen=True, eq=False)
class Population:
    """N agents over K subpopulations, with one ``(a, C)`` or one per agent.

    Parameters
    ----------
    a : array_like, shape (K,) or (N, K)
        Attractiveness vector, shared or one row per agent.
    C : array_like, shape (K, K) or (N, K, K)
        Inconsistency matrix (symmetric PSD), shared or one per agent.
    n_agents : int, optional
        N; required to match the rows of a heterogeneous ``a`` (taken from it when
        omitted), default 2 for a homogeneous one.
    names : sequence of str, optional
        The K subpopulation names (default ``k1..kK``).

    Raises
    ------
    InputError
        Any invalid part, in one sentence.

    Examples
    --------
    >>> pop = Population([[1.0, 0.0], [0.0, 1.0]], [np.eye(2), 2 * np.eye(2)])
    >>> pop.N, pop.homogeneous, pop.a_per_agent.shape
    (2, False, (2, 2))
    >>> Population([1.0, 0.0], [[1.0, 2.0], [2.0, 1.0]])
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: C is not positive semidefinite (smallest eigenvalue -1, 0.333 of ||C||)
    """

    a: NDArray[np.float64]
    C: NDArray[np.float64]
    n_agents: int | None = None
    names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        a = finite_array(self.a, "a")
        if a.ndim == 1:
            a_, C_ = validate_a_C(a, self.C)
            N = 2 if self.n_agents is None else validate_n_agents(self.n_agents)
        elif a.ndim == 2:
            C = finite_array(self.C, "C")
            if C.ndim != 3 or C.shape[0] != a.shape[0]:
                raise InputError(
                    f"a heterogeneous population needs one C per row of a: a has shape "
                    f"{a.shape}, C has shape {C.shape}"
                )
            pairs = [validate_a_C(a[m], C[m]) for m in range(a.shape[0])]
            a_ = np.stack([p[0] for p in pairs])
            C_ = np.stack([p[1] for p in pairs])
            N = validate_n_agents(a.shape[0])
            if self.n_agents is not None and validate_n_agents(self.n_agents) != N:
                raise InputError(f"n_agents = {self.n_agents} does not match the {N} rows of a")
        else:
            raise InputError(f"a must be 1- or 2-dimensional, got shape {a.shape}")
        K = a_.shape[-1]
        names = (
            tuple(validate_names(self.names, K))
            if self.names is not None
            else tuple(f"k{k + 1}" for k in range(K))
        )
        a_, C_ = np.array(a_, copy=True), np.array(C_, copy=True)  # never freeze the caller's
        a_.setflags(write=False)
        C_.setflags(write=False)
        object.__setattr__(self, "a", a_)
        object.__setattr__(self, "C", C_)
        object.__setattr__(self, "n_agents", N)
        object.__setattr__(self, "names", names)

    @classmethod
    def from_instance(cls, instance: Any, n_agents: int = 2) -> Population:
        """A homogeneous population of ``n_agents`` copies of an instance.

        Examples
        --------
        >>> from nashalign.instance import Instance
        >>> Population.from_instance(Instance.resolve("politics"), 3).names[:2]
        ('left', 'centre')
        """
        from nashalign.instance import Instance

        if not isinstance(instance, Instance):
            raise InputError(f"expected a nashalign Instance, got {type(instance).__name__}")
        # The Instance validated a, C and the names when it was built: only N is new.
        return cls._validated(instance.a, instance.C, validate_n_agents(n_agents), instance.names)

    @classmethod
    def _validated(cls, a: NDArray, C: NDArray, n_agents: int, names: Sequence[str]) -> Population:
        """A population from parts that were validated already (no second validation)."""
        obj = object.__new__(cls)
        a_, C_ = np.array(a, dtype=np.float64), np.array(C, dtype=np.float64)
        a_.setflags(write=False)
        C_.setflags(write=False)
        for name, value in (("a", a_), ("C", C_), ("n_agents", n_agents), ("names", tuple(names))):
            object.__setattr__(obj, name, value)
        return obj

    @classmethod
    def from_instances(cls, instances: Sequence[Any]) -> Population:
        """A heterogeneous population: one instance per agent, same names.

        Examples
        --------
        >>> from nashalign.instance import Instance
        >>> p = Instance.resolve("politics")
        >>> Population.from_instances([p, p]).homogeneous
        False
        """
        if len(instances) < 1:
            raise InputError("a population needs at least one instance")
        first = list(instances[0].names)
        for i, inst in enumerate(instances[1:], start=2):
            if list(inst.names) != first:
                raise InputError(
                    f"heterogeneous instances must share subpopulation names: instance {i}'s "
                    f"{list(inst.names)} differ from instance 1's {first}"
                )
        return cls(
            np.stack([i.a for i in instances]),
            np.stack([i.C for i in instances]),
            names=tuple(first),
        )

    @classmethod
    def stacked(cls, a: Any, C: Any, n_agents: Any = None) -> Population:
        """A population from ``a`` (K,) or (N, K) and ``C`` (K, K) or (N, K, K).

        Homogeneous when both are shared; otherwise the shared one is repeated
        per agent. ``n_agents`` defaults to the per-agent arrays' N, else 2.

        Examples
        --------
        >>> Population.stacked([1.0, 0.0], [np.eye(2), 2 * np.eye(2)], 2).homogeneous
        False
        >>> Population.stacked([1.0, 0.0], np.eye(2), 3).N
        3
        """
        a_arr = finite_array(a, "a")
        C_arr = finite_array(C, "C")
        if n_agents is None:
            n_agents = (
                a_arr.shape[0] if a_arr.ndim == 2 else C_arr.shape[0] if C_arr.ndim == 3 else 2
            )
        N = validate_n_agents(n_agents)
        if a_arr.ndim == 1 and C_arr.ndim == 2:
            return cls(a_arr, C_arr, n_agents=N)
        if a_arr.ndim == 1:
            a_arr = np.broadcast_to(a_arr, (N,) + a_arr.shape)
        if C_arr.ndim == 2:
            C_arr = np.broadcast_to(C_arr, (N,) + C_arr.shape)
        if a_arr.ndim != 2 or a_arr.shape[0] != N:
            raise InputError(f"a must have shape (K,) or ({N}, K), got {np.shape(a)}")
        if C_arr.ndim != 3 or C_arr.shape[0] != N:
            raise InputError(f"C must have shape (K, K) or ({N}, K, K), got {np.shape(C)}")
        if C_arr.shape[1:] != (a_arr.shape[1],) * 2:
            raise InputError(
                f"C has shape {C_arr.shape[1:]} per agent, expected K = {a_arr.shape[1]}"
            )
        return cls(a_arr, C_arr)

    @property
    def K(self) -> int:
        """Number of subpopulations."""
        return int(self.a.shape[-1])

    @property
    def N(self) -> int:
        """Number of agents."""
        return int(self.n_agents)  # type: ignore[arg-type]

    @property
    def homogeneous(self) -> bool:
        """Whether every agent shares one ``(a, C)``."""
        return self.a.ndim == 1

    @cached_property
    def a_per_agent(self) -> NDArray[np.float64]:
        """``a`` as an (N, K) array (a read-only broadcast view when homogeneous)."""
        return np.broadcast_to(self.a, (self.N, self.K))

    @cached_property
    def C_per_agent(self) -> NDArray[np.float64]:
        """``C`` as an (N, K, K) array (a read-only broadcast view when homogeneous)."""
        return np.broadcast_to(self.C, (self.N, self.K, self.K))

    def with_agents(self, n_agents: int) -> Population:
        """The same homogeneous population with another number of agents.

        Examples
        --------
        >>> Population([1.0, 0.0], np.eye(2)).with_agents(5).N
        5
        """
        if not self.homogeneous:
            raise InputError("a heterogeneous population's size is its number of (a, C) pairs")
        return Population._validated(self.a, self.C, validate_n_agents(n_agents), self.names)

    def exact(self) -> ExactPopulation:
        """Rational views of ``a`` and ``C`` (the exact values of the floats; cached).

        Examples
        --------
        >>> Population([0.5, 0.25], np.eye(2)).exact().C
        [[1, 0], [0, 1]]
        """
        return self._exact_views

    @cached_property
    def _exact_views(self) -> ExactPopulation:
        if self.homogeneous:
            a = [_rational(x) for x in self.a]
            C = [[_rational(x) for x in row] for row in self.C]
        else:
            a = [[_rational(x) for x in row] for row in self.a]
            C = [[[_rational(x) for x in row] for row in Cm] for Cm in self.C]
        return ExactPopulation(a, C)


def _ratio(x: Any, what: str) -> float | NDArray[np.float64]:
    arr = finite_array(x, what)
    if arr.size and not float(np.max(np.abs(arr))) <= MAX_RATIO:
        raise InputError(
            f"{what} = {float(np.max(np.abs(arr))):.3g} is beyond {MAX_RATIO:.0e}: float64 "
            "solvers lose all accuracy there; rescale"
        )
    return float(arr) if arr.ndim == 0 else arr


@dataclass(frozen=True, eq=False)
class Incentives:
    """The incentive ratios ``s = beta_A/beta_I``, ``r = beta_D/beta_I`` and ``tau``.

    ``s`` and ``r`` are floats or broadcastable arrays (a grid); ``tau`` (the
    exclusion threshold) is optional and checked against ``1/K`` by
    :meth:`tau_for`. Exact values are kept where they were given exactly.

    Parameters
    ----------
    s : float or array_like
        ``beta_A/beta_I >= 0``.
    r : float or array_like
        ``beta_D/beta_I`` (any sign; Theorem 3's concavity statements need ``r >= 0``).
    tau : float, optional
        Exclusion threshold in (0, 1).
    exact : tuple of two fractions.Fraction, optional
        The exact ``(s, r)``: the exact quotients of the betas (:meth:`from_betas`)
        or the rationals the user typed (:meth:`from_exact`).
    unit : float
        ``beta_I``, the unit of utility: equilibria do not depend on it, but
        regrets and NashConv are reported in utility units (``beta_I`` times their
        value at ``beta_I = 1``). 1 unless built :meth:`from_betas` with a scalar
        ``beta_i``.

    Examples
    --------
    >>> Incentives(0.5, 1.0, tau=0.05).tau
    0.05
    >>> Incentives(-1.0, 1.0)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: s = beta_A/beta_I must be >= 0, got -1
    """

    s: Any
    r: Any
    tau: float | None = None
    exact: tuple[Any, Any] | None = field(default=None, compare=False)
    unit: float = 1.0

    def __post_init__(self) -> None:
        s = _ratio(self.s, "s = beta_A/beta_I")
        r = _ratio(self.r, "r = beta_D/beta_I")
        if np.any(np.asarray(s) < 0):
            raise InputError(f"s = beta_A/beta_I must be >= 0, got {float(np.min(s)):g}")
        try:
            np.broadcast_shapes(np.shape(s), np.shape(r))
        except ValueError:
            raise InputError(
                f"s and r shapes {np.shape(s)}, {np.shape(r)} do not broadcast"
            ) from None
        object.__setattr__(self, "s", s)
        object.__setattr__(self, "r", r)
        unit = finite_number(self.unit, "beta_i")
        if not unit > 0:
            raise InputError(f"beta_i must be > 0, got {unit:g}")
        object.__setattr__(self, "unit", unit)
        if self.tau is not None:
            object.__setattr__(self, "tau", validate_tau(self.tau))

    @classmethod
    def from_betas(
        cls, beta_a: ArrayLike, beta_i: ArrayLike, beta_d: ArrayLike, tau: float | None = None
    ) -> Incentives:
        """Incentives from the weights: ``beta_a >= 0``, ``beta_i > 0``, ``beta_d`` real.

        Examples
        --------
        >>> Incentives.from_betas(1, 2, [0, 4]).r.tolist()
        [0.0, 2.0]
        >>> Incentives.from_betas(1, 0, 1)
        Traceback (most recent call last):
        ...
        nashalign.errors.InputError: beta_i must be > 0, got 0
        """
        ba, bi, bd, s, r = validated_ratios(beta_a, beta_i, beta_d)
        scalar = s.ndim == 0 and r.ndim == 0
        # validated_ratios has checked everything __post_init__ would (finite, s >= 0,
        # |s|, |r| <= MAX_RATIO, broadcastable): on a 10^6-point grid a second pass over
        # the ratios would cost as much as a fifth of the closed form itself.
        inc = object.__new__(cls)
        fields = {
            "s": float(s) if s.ndim == 0 else s,
            "r": float(r) if r.ndim == 0 else r,
            "tau": None if tau is None else validate_tau(tau),
            "exact": (
                (
                    Fraction(float(ba)) / Fraction(float(bi)),
                    Fraction(float(bd)) / Fraction(float(bi)),
                )
                if scalar
                else None
            ),
            "unit": float(bi) if bi.ndim == 0 else 1.0,
        }
        for name, value in fields.items():
            object.__setattr__(inc, name, value)
        return inc

    @property
    def betas(self) -> tuple[Any, Any, Any]:
        """``(beta_A, beta_I, beta_D) = unit * (s, 1, r)``.

        Examples
        --------
        >>> Incentives.from_betas(3.0, 2.0, 1.0).betas
        (3.0, 2.0, 1.0)
        """
        return self.s * self.unit, self.unit, self.r * self.unit

    @classmethod
    def from_exact(cls, s: Any, r: Any, tau: Any = None) -> Incentives:
        """Incentives from exact rationals (int, Fraction, sympy Rational), kept exact.

        A float is taken as the exact binary value it holds.

        Examples
        --------
        >>> from fractions import Fraction
        >>> Incentives.from_exact(Fraction(1, 3), 2).exact
        (Fraction(1, 3), Fraction(2, 1))
        """
        try:
            sq, rq = (Fraction(x) if isinstance(x, float) else Fraction(str(x)) for x in (s, r))
        except (ValueError, ZeroDivisionError):
            raise InputError(f"exact incentives must be rational, got s = {s}, r = {r}") from None
        return cls(float(sq), float(rq), tau=None if tau is None else float(tau), exact=(sq, rq))

    @property
    def scalar(self) -> bool:
        """Whether ``s`` and ``r`` are single numbers."""
        return np.ndim(self.s) == 0 and np.ndim(self.r) == 0

    def r_for(self, population: Population) -> Any:
        """``r`` as the population sees it: 0 for a lone agent (no one to differ from).

        Examples
        --------
        >>> Incentives(1.0, 3.0).r_for(Population([1.0, 0.0], np.eye(2), n_agents=2))
        3.0
        """
        if population.N >= 2:
            return self.r
        return 0.0 if np.ndim(self.r) == 0 else np.zeros_like(self.r)

    def tau_for(self, K: int) -> float:
        """``tau``, checked to lie in (0, 1/K) for K subpopulations.

        Examples
        --------
        >>> Incentives(1.0, 1.0, tau=0.05).tau_for(5)
        0.05
        """
        if self.tau is None:
            raise InputError("this computation needs an exclusion threshold tau")
        return validate_tau(self.tau, K)

    def exact_ratios(self) -> tuple[Fraction, Fraction]:
        """``(s, r)`` as Fractions: as given, or the exact values of the floats.

        Examples
        --------
        >>> Incentives(0.5, 0.25).exact_ratios()
        (Fraction(1, 2), Fraction(1, 4))
        >>> Incentives.from_betas(1.0, 3.0, 0.0).exact_ratios()[0]
        Fraction(1, 3)
        """
        if not self.scalar:
            raise InputError("exact ratios exist for one point, not a grid")
        if self.exact is not None:
            return self.exact
        return Fraction(float(self.s)), Fraction(float(self.r))


def model_of(
    a: Any,
    C: Any,
    beta_a: Any = None,
    beta_i: Any = None,
    beta_d: Any = None,
    n_agents: Any = None,
) -> tuple[Population, Incentives]:
    """The ``(population, incentives)`` of a call, validated once.

    The solvers take ``f(population, incentives, ...)``; their convenience form
    ``f(a, C, beta_a, beta_i, beta_d, n_agents)`` (``a``, ``C`` shared or per agent,
    see :meth:`Population.stacked`) is adapted here, and validated here, once.
    Typed arguments pass through untouched.

    Examples
    --------
    >>> pop, inc = model_of([1.0, 0.0], np.eye(2), 2.0, 1.0, 1.0, 3)
    >>> pop.N, inc.s
    (3, 2.0)
    >>> model_of(pop, inc) == (pop, inc)
    True
    >>> model_of(pop, 1.0)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: a Population goes with Incentives, got float
    """
    if isinstance(a, Population):
        if not isinstance(C, Incentives):
            raise InputError(f"a Population goes with Incentives, got {type(C).__name__}")
        if any(x is not None for x in (beta_a, beta_i, beta_d)):
            raise InputError(
                "pass either (population, incentives) or (a, C, beta_a, beta_i, beta_d)"
            )
        if n_agents is not None and validate_n_agents(n_agents) != a.N:
            raise InputError(f"n_agents = {n_agents} differs from the population's N = {a.N}")
        return a, C
    if any(x is None for x in (beta_a, beta_i, beta_d)):
        raise InputError("beta_a, beta_i and beta_d are required with arrays a and C")
    return Population.stacked(a, C, n_agents), Incentives.from_betas(beta_a, beta_i, beta_d)


_CONVENIENCE = (
    inspect.Parameter("a", inspect.Parameter.POSITIONAL_OR_KEYWORD),
    inspect.Parameter("C", inspect.Parameter.POSITIONAL_OR_KEYWORD),
    *(
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
        for name in ("beta_a", "beta_i", "beta_d", "n_agents")
    ),
)


def takes_population(fn: Callable[..., _T]) -> Callable[..., _T]:
    """Give ``fn(population, incentives, *, options)`` its convenience form as well.

    The decorated function is called ``f(population, incentives, **options)`` or
    ``f(a, C, beta_a, beta_i, beta_d, n_agents=None, **options)``; both go through
    :func:`model_of`, so arrays are validated once and typed arguments not at all.

    Examples
    --------
    >>> @takes_population
    ... def size(population, incentives, *, scale=1):
    ...     return scale * population.N
    >>> size([1.0, 0.0], np.eye(2), 1, 1, 1, 4), size(Population([1.0, 0.0], np.eye(2)), Incentives(1, 1))
    (4, 2)
    >>> import inspect; str(inspect.signature(size))
    '(a, C, beta_a=None, beta_i=None, beta_d=None, n_agents=None, *, scale=1)'
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **options: Any) -> _T:
        if len(args) > len(_CONVENIENCE):
            raise TypeError(f"{fn.__name__}() takes its options by keyword")
        given = {p.name: v for p, v in zip(_CONVENIENCE, args, strict=False)}
        for p in _CONVENIENCE:
            if p.name in options:
                if p.name in given:
                    raise TypeError(f"{fn.__name__}() got {p.name!r} twice")
                given[p.name] = options.pop(p.name)
        if "a" not in given or "C" not in given:
            raise TypeError(f"{fn.__name__}() needs a population and its incentives")
        return fn(*model_of(**given), **options)

    options = list(inspect.signature(fn).parameters.values())[2:]
    wrapper.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [*_CONVENIENCE, *(p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in options)],
        return_annotation=inspect.signature(fn).return_annotation,
    )
    return wrapper
