"""Public hypothesis strategies for the model's inputs (needs the ``testing`` extra).

Score matrices are the model's raw data, so every ``C`` drawn here is a sample
covariance and hence PSD (Claim 1); some draws are made singular (fewer contexts
than subpopulations) or nearly singular (a column that is a combination of two
others plus ``1e-7`` noise). :func:`tied_instances` draws exchangeable
subpopulations (ties between supports), :func:`near_singular_instances` the
ill-conditioned kind alone. Incentive weights are log-uniform over many orders of
magnitude (default ``[1e-4, 1e4]``).

Usage in a user's test suite::

    from hypothesis import given
    from nashalign.testing import assert_ne_close
    from nashalign.testing.strategies import populations, incentives

    @given(populations(max_agents=3, k_max=4), incentives())
    def test_my_solver(pop, inc):
        assert_ne_close(my_solver(pop.a, pop.C, inc.s, inc.r), pop, inc)

Examples
--------
>>> from hypothesis import find
>>> a, C = find(instances(k_min=3, k_max=3), lambda x: True)
>>> a.shape, C.shape
((3,), (3, 3))
>>> find(populations(), lambda p: p.N == 3).N
3
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nashalign.model import Incentives, Population

__all__ = [
    "KINDS",
    "beta_triples",
    "incentives",
    "instances",
    "log_uniform",
    "near_singular_instances",
    "populations",
    "rational_instances",
    "rationals",
    "score_matrices",
    "simplex_points",
    "tied_instances",
]

#: The kinds of score matrix :func:`score_matrices` draws.
KINDS = ("generic", "few-contexts", "collinear")


@st.composite
def score_matrices(
    draw: st.DrawFn,
    k_min: int = 2,
    k_max: int = 5,
    kinds: tuple[str, ...] = KINDS,
) -> np.ndarray:
    """An ``n x K`` score matrix; its kind decides how singular its covariance is.

    ``generic``: ``n`` in ``[K + 2, 3K + 3]``; ``few-contexts``: ``n`` in ``[2, K]``
    (covariance singular); ``collinear``: the last column is a combination of the
    first two plus ``1e-7`` noise (covariance nearly singular; needs K >= 3).

    Examples
    --------
    >>> from hypothesis import find
    >>> find(score_matrices(kinds=("few-contexts",)), lambda S: True).shape[0] <= 5
    True
    """
    K = draw(st.integers(k_min, k_max))
    kind = draw(st.sampled_from(kinds))
    if kind == "collinear" and K < 3:
        kind = "generic"
    if kind == "few-contexts":
        n = draw(st.integers(2, K))
    else:
        n = draw(st.integers(K + 2, 3 * K + 3))
    elements = st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False, width=64)
    S = draw(hnp.arrays(np.float64, (n, K), elements=elements))
    offsets = draw(hnp.arrays(np.float64, (K,), elements=elements))
    S = S + offsets
    if kind == "collinear":
        c = draw(hnp.arrays(np.float64, (2,), elements=elements))
        noise = draw(hnp.arrays(np.float64, (n,), elements=elements))
        S[:, -1] = c[0] * S[:, 0] + c[1] * S[:, 1] + 1e-7 * noise
    return S


@st.composite
def instances(
    draw: st.DrawFn, k_min: int = 2, k_max: int = 5, kinds: tuple[str, ...] = KINDS
) -> tuple[np.ndarray, np.ndarray]:
    """``(a, C)``: the row mean and the sample covariance (ddof = 1) of a score matrix.

    Examples
    --------
    >>> from hypothesis import find
    >>> a, C = find(instances(), lambda x: True)
    >>> bool(np.all(np.linalg.eigvalsh(C) >= -1e-12))
    True
    """
    S = draw(score_matrices(k_min, k_max, kinds))
    a = S.mean(axis=0)
    C = np.atleast_2d(np.cov(S, rowvar=False, ddof=1))
    return a, 0.5 * (C + C.T)


def near_singular_instances(k_min: int = 3, k_max: int = 5) -> st.SearchStrategy:
    """``(a, C)`` whose ``C`` is nearly singular (a collinear column plus ``1e-7`` noise).

    Examples
    --------
    >>> from hypothesis import find
    >>> a, C = find(near_singular_instances(), lambda x: True)
    >>> C.shape[0] >= 3
    True
    """
    return instances(max(3, k_min), max(3, k_max), kinds=("collinear",))


@st.composite
def tied_instances(
    draw: st.DrawFn, k_min: int = 2, k_max: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """``(a, C)`` with exchangeable subpopulations: ``a = c 1`` and ``C = d I + e 11^T``.

    Every permutation of the subpopulations is a symmetry of the game, so supports
    tie and equilibria come in orbits (``d = 0`` gives a singular ``C`` and continua).

    Examples
    --------
    >>> from hypothesis import find
    >>> a, C = find(tied_instances(), lambda x: True)
    >>> bool(np.all(a == a[0]))
    True
    """
    K = draw(st.integers(k_min, k_max))
    c = draw(st.sampled_from([0.0, 0.5, 1.0, 2.0]))
    d = draw(st.sampled_from([0.0, 0.25, 1.0]))
    e = draw(st.sampled_from([0.0, 0.5, 1.0]))
    return np.full(K, c), d * np.eye(K) + e * np.ones((K, K))


@st.composite
def populations(
    draw: st.DrawFn,
    k_min: int = 2,
    k_max: int = 4,
    max_agents: int = 3,
    heterogeneous: bool = True,
    kinds: tuple[str, ...] = KINDS,
) -> Population:
    """A :class:`~nashalign.model.Population`: homogeneous, or one instance per agent.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(populations(), lambda p: not p.homogeneous).N >= 1
    True
    """
    N = draw(st.integers(1, max_agents))
    if heterogeneous and N >= 2 and draw(st.booleans()):
        K = draw(st.integers(k_min, k_max))
        pairs = [draw(instances(K, K, kinds)) for _ in range(N)]
        return Population(np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs]))
    a, C = draw(instances(k_min, k_max, kinds))
    return Population(a, C, n_agents=N)


@st.composite
def simplex_points(draw: st.DrawFn, K: int) -> np.ndarray:
    """A point of the simplex in R^K (vertices and faces included).

    Examples
    --------
    >>> from hypothesis import find
    >>> float(find(simplex_points(3), lambda w: True).sum())
    1.0
    """
    w = draw(hnp.arrays(np.float64, (K,), elements=st.floats(0.0, 1.0, allow_nan=False, width=64)))
    if w.sum() <= 0:
        w = np.zeros(K)
        w[draw(st.integers(0, K - 1))] = 1.0
    return w / w.sum()


def log_uniform(lo: float = 1e-4, hi: float = 1e4) -> st.SearchStrategy[float]:
    """A float whose base-10 logarithm is uniform on ``[log lo, log hi]``.

    Examples
    --------
    >>> from hypothesis import find
    >>> 1e-4 <= find(log_uniform(), lambda x: True) <= 1e4
    True
    """
    return st.floats(np.log10(lo), np.log10(hi), allow_nan=False).map(lambda e: float(10.0**e))


def beta_triples(
    lo: float = 1e-4, hi: float = 1e4
) -> st.SearchStrategy[tuple[float, float, float]]:
    """``(beta_a, beta_i, beta_d)``, each log-uniform over ``[lo, hi]``.

    Examples
    --------
    >>> from hypothesis import find
    >>> len(find(beta_triples(), lambda b: True))
    3
    """
    return st.tuples(log_uniform(lo, hi), log_uniform(lo, hi), log_uniform(lo, hi))


def incentives(lo: float = 1e-4, hi: float = 1e4, zero_diversity: bool = True) -> st.SearchStrategy:
    """:class:`~nashalign.model.Incentives` from :func:`beta_triples` (exact ratios kept).

    With ``zero_diversity`` some draws have ``beta_D = 0`` (no diversity incentive).

    Examples
    --------
    >>> from hypothesis import find
    >>> find(incentives(), lambda inc: inc.r == 0).s >= 0
    True
    """
    betas = beta_triples(lo, hi)
    if zero_diversity:
        betas = st.one_of(betas, st.tuples(log_uniform(lo, hi), log_uniform(lo, hi), st.just(0.0)))
    return betas.map(lambda b: Incentives.from_betas(*b))


@st.composite
def rational_instances(draw: st.DrawFn, k_min: int = 2, k_max: int = 4) -> tuple[Any, Any]:
    """``(a, C)`` as exact SymPy rationals from a small integer score matrix.

    Examples
    --------
    >>> from hypothesis import find
    >>> a, C = find(rational_instances(), lambda x: True)
    >>> len(C) == len(a)
    True
    """
    import sympy as sp

    K = draw(st.integers(k_min, k_max))
    n = draw(st.integers(K + 1, 2 * K + 2))
    S = draw(hnp.arrays(np.int64, (n, K), elements=st.integers(-9, 9)))
    rows = [[sp.Integer(int(x)) for x in row] for row in S]
    a = [sum(row[k] for row in rows) / n for k in range(K)]
    C = [
        [sum((row[i] - a[i]) * (row[j] - a[j]) for row in rows) / (n - 1) for j in range(K)]
        for i in range(K)
    ]
    return a, C


def rationals(lo: int = 0, hi: int = 50) -> st.SearchStrategy:
    """Exact nonnegative rationals p/q with small q.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(rationals(), lambda q: q > 0).q <= 7
    True
    """
    import sympy as sp

    return st.builds(lambda p, q: sp.Rational(p, q), st.integers(lo, hi * 7), st.integers(1, 7))
