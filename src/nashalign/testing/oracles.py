r"""Exact oracles for a user's solver, and :func:`assert_ne_close`.

* :func:`exact_equilibria`: the whole Nash equilibrium set of a small population
  (:func:`~nashalign.solvers.equilibria.all_equilibria`: joint support enumeration,
  every equilibrium certified in rational arithmetic, continua as such);
* :func:`exact_closed_form`: Theorem 1's symmetric interior point, exactly
  (:func:`~nashalign.exact.evaluate.exact_symmetric_ne`);
* :func:`assert_ne_close`: a float answer is close to some equilibrium, with a
  tolerance derived from that equilibrium's conditioning.

**The tolerance.** At an equilibrium with joint support ``S`` the weights solve the
bordered system :math:`B = \begin{pmatrix} Q_{SS}/\lVert Q\rVert & E \\ E^\top & 0
\end{pmatrix}` (``Q`` the matrix of the map :math:`W \mapsto 2C_m w_m + \rho
\sum_{j \ne m} w_j`, :math:`\rho = r/(N-1)`, in units of :math:`\beta_I`; ``E``
the agents' indicator columns). A solver whose answer solves that system with a
relative backward error ``rtol`` is off by about ``rtol * cond(B)``, so an answer
passes when its largest entrywise distance to the equilibrium is at most

.. math::

    \mathrm{tol} = \mathrm{atol} + \mathrm{rtol} \cdot \mathrm{cond}(B),

with ``cond(B)`` the 2-norm condition number (for a continuum of dimension ``d``:
of ``B`` without its ``d`` zero singular values, the distance being measured to
the continuum's affine hull). Defaults: ``atol = 1e-8``, ``rtol = 1e-10`` (about
``10^6`` rounding errors). Every failure message states the tolerance and its parts.

Examples
--------
>>> import numpy as np
>>> from nashalign.model import Incentives, Population
>>> pop, inc = Population([1.0, 0.0], np.eye(2), n_agents=2), Incentives(1.0, 0.0)
>>> [e.profile.tolist() for e in exact_equilibria(pop, inc)]
[[[0.75, 0.25], [0.75, 0.25]]]
>>> assert_ne_close([0.75, 0.25], pop, inc)
>>> assert_ne_close([0.5, 0.5], pop, inc)
Traceback (most recent call last):
...
AssertionError: not a Nash equilibrium: the nearest one, [[0.75, 0.25], [0.75, 0.25]], is 0.25 away (largest entrywise difference), beyond the tolerance 1.0e-08 = atol 1e-08 + rtol 1e-10 x cond 2 (cond: condition number of that equilibrium's bordered support system)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import permutations
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError, NashalignError
from nashalign.model import Incentives, Population
from nashalign.validation import finite_array

__all__ = [
    "DEFAULT_ATOL",
    "DEFAULT_RTOL",
    "Target",
    "as_profile",
    "assert_ne_close",
    "bordered_condition",
    "exact_closed_form",
    "exact_equilibria",
    "explain",
    "nearest",
    "off_simplex",
    "q_matrix",
    "target",
    "targets",
]

#: Absolute part of the tolerance (weights are in [0, 1]).
DEFAULT_ATOL = 1e-8
#: Relative backward error granted to a float solver (multiplied by the condition number).
DEFAULT_RTOL = 1e-10


@dataclass(frozen=True)
class Target:
    """One exact equilibrium as a float target with its conditioning.

    Attributes
    ----------
    profile : ndarray, shape (N, K)
        The equilibrium (for a continuum: one point of it).
    exact_profile : tuple of tuple of Fraction
        The same, exactly.
    supports : tuple of tuple of int
        Each agent's support.
    continuum : bool
        Part of an affine family of equilibria.
    directions : ndarray, shape (d, N*K)
        Orthonormal directions of the continuum (``d = 0`` when isolated).
    cond : float
        Condition number of the bordered support system (module docstring).
    symmetric : bool
        Every agent plays the same mixture.
    """

    profile: NDArray[np.float64]
    exact_profile: tuple[tuple[Fraction, ...], ...]
    supports: tuple[tuple[int, ...], ...]
    continuum: bool
    directions: NDArray[np.float64] = field(repr=False)
    cond: float
    symmetric: bool

    def tolerance(self, atol: float = DEFAULT_ATOL, rtol: float = DEFAULT_RTOL) -> float:
        """``atol + rtol * cond``.

        Examples
        --------
        >>> t = targets(Population([1.0, 0.0], np.eye(2)), Incentives(1.0, 0.0))[0]
        >>> t.tolerance(1e-8, 0.0)
        1e-08
        """
        return float(atol) + float(rtol) * self.cond

    def distance(self, profile: NDArray[np.float64]) -> float:
        """Largest entrywise distance of ``profile`` to this equilibrium (to the
        continuum's affine hull for a continuum).

        Examples
        --------
        >>> t = targets(Population([1.0, 0.0], np.eye(2)), Incentives(1.0, 0.0))[0]
        >>> t.distance(np.array([[0.5, 0.5], [0.75, 0.25]]))
        0.25
        """
        diff = (np.asarray(profile, dtype=float) - self.profile).reshape(-1)
        if self.directions.shape[0]:
            diff = diff - self.directions.T @ (self.directions @ diff)
        return float(np.max(np.abs(diff)))


def exact_equilibria(population: Population, incentives: Incentives) -> list[Any]:
    """Every Nash equilibrium, each certified exactly (small populations only).

    The set of :func:`~nashalign.solvers.equilibria.all_equilibria` for the exact
    rational values of the floats; refused (:class:`~nashalign.errors.InputError`)
    where the enumeration is out of reach, incomplete or not exact.

    Returns
    -------
    list of nashalign.solvers.equilibria.Equilibrium

    Examples
    --------
    >>> pop = Population([1.0, 1.0], np.zeros((2, 2)), n_agents=2)
    >>> len(exact_equilibria(pop, Incentives(0.0, 1.0)))
    3
    """
    from nashalign.solvers.equilibria import all_equilibria

    pop, inc = _typed(population, incentives)
    es = all_equilibria(pop, inc)
    if not (es.complete and es.exact):
        raise InputError(
            "the exact equilibrium set is not available here (" + "; ".join(es.notes) + ")"
        )
    if not es.equilibria:
        raise NashalignError("the exact oracle found no equilibrium, yet one always exists: a bug")
    return list(es.equilibria)


def exact_closed_form(population: Population, incentives: Incentives) -> list[Fraction]:
    """Theorem 1's symmetric point ``w*(s, r)``, exactly (an NE when it is interior).

    Raises
    ------
    DegenerateError
        ``alpha(r) = 0``.

    Examples
    --------
    >>> exact_closed_form(Population([1.0, 0.0], np.eye(2)), Incentives(2.0, 1.0))
    [Fraction(5, 6), Fraction(1, 6)]
    """
    from nashalign.exact.evaluate import exact_symmetric_ne

    pop, inc = _typed(population, incentives)
    if not pop.homogeneous:
        raise InputError("the closed form is for a homogeneous population (one a, C)")
    s, r = inc.exact_ratios()
    if pop.N < 2:
        r = Fraction(0)
    ne = exact_symmetric_ne(pop.a, pop.C, _sym(s), _sym(r))
    return [Fraction(int(w.p), int(w.q)) for w in ne.weights]


def _sym(q: Fraction) -> Any:
    import sympy as sp

    return sp.Rational(q.numerator, q.denominator)


def _typed(population: Any, incentives: Any) -> tuple[Population, Incentives]:
    if not isinstance(population, Population) or not isinstance(incentives, Incentives):
        raise InputError("pass a nashalign Population and its Incentives")
    if not incentives.scalar:
        raise InputError("the oracles take scalar incentives")
    return population, incentives


def q_matrix(population: Population, incentives: Incentives) -> NDArray[np.float64]:
    """The matrix ``Q`` (``N K x N K``) of the linear part of the gradients, units of beta_I.

    Examples
    --------
    >>> q_matrix(Population([1.0, 0.0], np.eye(2)), Incentives(1.0, 2.0)).tolist()
    [[2.0, 0.0, 2.0, 0.0], [0.0, 2.0, 0.0, 2.0], [2.0, 0.0, 2.0, 0.0], [0.0, 2.0, 0.0, 2.0]]
    """
    N, K = population.N, population.K
    rho = float(incentives.r) / (N - 1) if N >= 2 else 0.0
    Q = np.kron(np.ones((N, N)) - np.eye(N), rho * np.eye(K))
    for m in range(N):
        Q[m * K : (m + 1) * K, m * K : (m + 1) * K] = 2.0 * population.C_per_agent[m]
    return Q


def bordered_condition(
    Q: NDArray[np.float64], supports: tuple[tuple[int, ...], ...], K: int, nullity: int = 0
) -> float:
    """2-norm condition number of the bordered support system (module docstring).

    ``nullity`` singular values (a continuum's dimension) are left out.

    Examples
    --------
    >>> bordered_condition(2 * np.eye(2), ((0, 1),), 2) > 1
    True
    """
    idx = [m * K + k for m, S in enumerate(supports) for k in S]
    N = len(supports)
    norm = float(np.linalg.norm(Q, 2)) or 1.0
    E = np.zeros((len(idx), N))
    for i, j in enumerate(idx):
        E[i, j // K] = 1.0
    B = np.block([[Q[np.ix_(idx, idx)] / norm, E], [E.T, np.zeros((N, N))]])
    sv = np.linalg.svd(B, compute_uv=False)
    keep = sv[: len(sv) - nullity] if nullity else sv
    if keep.size == 0 or keep[-1] <= 0:
        return math.inf
    return float(keep[0] / keep[-1])


def _orthonormal(vectors: Any, size: int) -> NDArray[np.float64]:
    if not vectors:
        return np.zeros((0, size))
    V = np.array([[float(x) for x in v] for v in vectors], dtype=float)
    q, _ = np.linalg.qr(V.T)
    return q.T[: V.shape[0]]


def target(
    exact_profile: Any,
    supports: Any,
    Q: NDArray[np.float64],
    exact_directions: Any = None,
) -> Target:
    """A :class:`Target` from an exact profile, its supports and the continuum's directions.

    Examples
    --------
    >>> t = target([[1, 0], [1, 0]], [[0], [0]], 2 * np.eye(4))
    >>> round(t.cond, 3), t.symmetric
    (2.618, True)
    """
    rows = tuple(tuple(Fraction(x) for x in row) for row in exact_profile)
    K = len(rows[0])
    sup = tuple(tuple(int(k) for k in S) for S in supports)
    dirs = _orthonormal(list(exact_directions or []), len(rows) * K)
    return Target(
        profile=np.array([[float(x) for x in row] for row in rows]),
        exact_profile=rows,
        supports=sup,
        continuum=dirs.shape[0] > 0,
        directions=dirs,
        cond=bordered_condition(Q, sup, K, dirs.shape[0]),
        symmetric=all(row == rows[0] for row in rows),
    )


def targets(population: Population, incentives: Incentives) -> list[Target]:
    """The exact equilibrium set as :class:`Target` objects.

    Examples
    --------
    >>> [t.supports for t in targets(Population([1.0, 0.0], np.eye(2)), Incentives(9.0, 0.0))]
    [((0,), (0,))]
    """
    Q = q_matrix(population, incentives)
    out = []
    for e in exact_equilibria(population, incentives):
        out.append(target(e.exact_profile, e.supports, Q, e.exact_directions))
    return out


def as_profile(weights: ArrayLike, n_agents: int, K: int) -> NDArray[np.float64]:
    """``weights`` as an (N, K) profile: one row per agent, or one row for all (symmetric).

    Examples
    --------
    >>> as_profile([0.5, 0.5], 2, 2).tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """
    W = finite_array(weights, "weights")
    if W.ndim == 1 and W.shape == (K,):
        return np.tile(W, (n_agents, 1))
    if W.shape != (n_agents, K):
        raise InputError(f"weights must have shape ({K},) or ({n_agents}, {K}), got {W.shape}")
    return W


def off_simplex(profile: NDArray[np.float64], atol: float) -> str | None:
    """Why a profile's rows are not on the simplex within ``atol``, or None.

    Examples
    --------
    >>> off_simplex(np.array([[0.5, 0.6]]), 1e-8)
    'row 1 sums to 1.1, not 1'
    """
    for m, row in enumerate(profile, start=1):
        if float(row.min()) < -atol:
            return f"row {m} has a negative weight {float(row.min()):.3g}"
        if abs(float(row.sum()) - 1.0) > atol:
            return f"row {m} sums to {float(row.sum()):.6g}, not 1"
    return None


def nearest(
    profile: NDArray[np.float64], found: list[Target], relabel: bool = False
) -> tuple[Target, float]:
    """The target nearest to ``profile`` and its distance (``relabel``: up to permuting agents).

    Examples
    --------
    >>> t = targets(Population([1.0, 0.0], np.eye(2)), Incentives(1.0, 0.0))
    >>> nearest(np.array([[0.75, 0.25], [0.75, 0.25]]), t)[1]
    0.0
    """
    best: tuple[Target, float] | None = None
    perms = list(permutations(range(profile.shape[0]))) if relabel else [None]
    for t in found:
        for p in perms:
            d = t.distance(profile if p is None else profile[list(p)])
            if best is None or d < best[1]:
                best = (t, d)
    if best is None:
        raise InputError("no equilibria to compare with")
    return best


def explain(t: Target, distance: float, atol: float, rtol: float) -> str:
    """The failure sentence of :func:`assert_ne_close` (states the tolerance and its parts)."""
    where = (
        "the affine hull of the nearest continuum through" if t.continuum else "the nearest one,"
    )
    shown = np.round(t.profile, 6).tolist()
    return (
        f"not a Nash equilibrium: {where} {shown}, is {distance:.3g} away (largest entrywise "
        f"difference), beyond the tolerance {t.tolerance(atol, rtol):.1e} = atol {atol:g} + "
        f"rtol {rtol:g} x cond {t.cond:.2g} (cond: condition number of that equilibrium's "
        "bordered support system)"
    )


def assert_ne_close(
    weights: ArrayLike,
    population: Population,
    incentives: Incentives,
    *,
    atol: float = DEFAULT_ATOL,
    rtol: float = DEFAULT_RTOL,
    equilibria: list[Target] | None = None,
) -> None:
    """Assert that ``weights`` is a Nash equilibrium within the conditioning's tolerance.

    Passes when every row is on the simplex within ``atol`` and some exact
    equilibrium ``e`` lies within ``atol + rtol * cond(e)`` (largest entrywise
    difference; ``cond(e)`` the condition number of its bordered support system, see
    the module docstring). The failure message states the tolerance and its parts.

    Parameters
    ----------
    weights : array_like, shape (K,) or (N, K)
        One mixture for every agent (a symmetric answer) or one per agent.
    population, incentives : Population, Incentives
        The game.
    atol, rtol : float
        Absolute part, and the relative backward error granted to the solver.
    equilibria : list of Target, optional
        The exact set, when already known (default: :func:`targets`).

    Raises
    ------
    AssertionError
        Not within tolerance of any equilibrium, or off the simplex.

    Examples
    --------
    >>> pop = Population([1.0, 0.0], np.eye(2), n_agents=3)
    >>> assert_ne_close([0.75 + 1e-9, 0.25 - 1e-9], pop, Incentives(1.0, 0.0))
    """
    pop, inc = _typed(population, incentives)
    if not (math.isfinite(atol) and atol >= 0 and math.isfinite(rtol) and rtol >= 0):
        raise InputError("atol and rtol must be finite numbers >= 0")
    W = as_profile(weights, pop.N, pop.K)
    why = off_simplex(W, atol)
    if why:
        raise AssertionError(f"not on the simplex: {why} (tolerance atol = {atol:g})")
    found = targets(pop, inc) if equilibria is None else equilibria
    t, d = nearest(W, found)
    if d > t.tolerance(atol, rtol):
        raise AssertionError(explain(t, d, atol, rtol))
