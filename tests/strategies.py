"""Shared hypothesis strategies: score matrices, instances, simplex points, incentive weights.

Score matrices are the model's raw data, so every ``C`` drawn here is a sample
covariance and hence PSD exactly (Claim 1); some draws are made singular (fewer
contexts than subpopulations) or nearly singular (a column that is a combination of
two others plus 1e-7 noise). Incentive weights are log-uniform over many orders of
magnitude (default ``[1e-4, 1e4]``).

Usage::

    from strategies import instances, beta_triples

    @given(instances(), beta_triples())
    def test_something(inst, betas): ...
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

KINDS = ("generic", "few-contexts", "collinear")


@st.composite
def score_matrices(
    draw: st.DrawFn,
    k_min: int = 2,
    k_max: int = 5,
    kinds: tuple[str, ...] = KINDS,
) -> np.ndarray:
    """An ``n x K`` score matrix; ``kind`` decides how singular its covariance is.

    ``generic``: ``n`` in ``[K + 2, 3K + 3]``; ``few-contexts``: ``n`` in ``[2, K]``
    (covariance singular); ``collinear``: the last column is a combination of the
    first two plus 1e-7 noise (covariance nearly singular; needs K >= 3).
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
    """``(a, C)``: the row mean and the sample covariance (ddof = 1) of a score matrix."""
    S = draw(score_matrices(k_min, k_max, kinds))
    a = S.mean(axis=0)
    C = np.atleast_2d(np.cov(S, rowvar=False, ddof=1))
    return a, 0.5 * (C + C.T)


@st.composite
def simplex_points(draw: st.DrawFn, K: int) -> np.ndarray:
    """A point of the simplex in R^K (vertices and faces included)."""
    w = draw(hnp.arrays(np.float64, (K,), elements=st.floats(0.0, 1.0, allow_nan=False, width=64)))
    if w.sum() <= 0:
        w = np.zeros(K)
        w[draw(st.integers(0, K - 1))] = 1.0
    return w / w.sum()


def log_uniform(lo: float = 1e-4, hi: float = 1e4) -> st.SearchStrategy[float]:
    """A float whose logarithm is uniform on ``[log lo, log hi]``."""
    return st.floats(np.log10(lo), np.log10(hi), allow_nan=False).map(lambda e: float(10.0**e))


def beta_triples(
    lo: float = 1e-4, hi: float = 1e4
) -> st.SearchStrategy[tuple[float, float, float]]:
    """``(beta_a, beta_i, beta_d)``, each log-uniform over ``[lo, hi]``."""
    return st.tuples(log_uniform(lo, hi), log_uniform(lo, hi), log_uniform(lo, hi))


@st.composite
def rational_instances(draw: st.DrawFn, k_min: int = 2, k_max: int = 4):
    """``(a, C)`` as exact SymPy rationals from a small integer score matrix."""
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
    """Exact nonnegative rationals p/q with small q."""
    import sympy as sp

    return st.builds(lambda p, q: sp.Rational(p, q), st.integers(lo, hi * 7), st.integers(1, 7))
