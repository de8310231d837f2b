"""Theorem 2's factorisation, exactly: det(full-support N-agent system) = (-1)^N alpha alpha~^(N-1).

The unknowns are (w_1, lambda_1, ..., w_N, lambda_N); agent m's rows are
2C w_m + q sum_{j != m} w_j + lambda_m 1 = s a and 1^T w_m = 1 with q = r/(N - 1), so the
matrix is I_N (x) [[2C, 1], [1^T, 0]] + q (J_N - I_N) (x) [[I, 0], [0, 0]]. Checked over Q
(python-flint, exact) on 54 random instances: N = 2, 3, 4 x K = 2, 3, 4 x 6 draws, C a
sample covariance of random rational scores and r a random rational (either sign).
The general-N factorisation is also a Coq theorem (derivations/coq/Theorem2.v,
``theorem2_factorisation``, over any field, built from the same blocks); this exact
check ties it to the matrix assembled entry by entry here.
"""

from __future__ import annotations

import random
from fractions import Fraction

import flint
import pytest


def _adj_sum(m: flint.fmpq_mat) -> flint.fmpq:
    """1^T adj(m) 1 = det(m + J) - det(m) (matrix determinant lemma), exact."""
    k = m.nrows()
    j = flint.fmpq_mat(k, k, [1] * (k * k))
    return (m + j).det() - m.det()


def _instance(rng: random.Random, k: int):
    n = k + 2
    s = [[Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(k)] for _ in range(n)]
    a = [sum(row[c] for row in s) / n for c in range(k)]
    c = [
        [sum((row[i] - a[i]) * (row[j] - a[j]) for row in s) / (n - 1) for j in range(k)]
        for i in range(k)
    ]
    r = Fraction(rng.randint(-20, 20), rng.randint(1, 7))
    return c, r


def _q(x: Fraction) -> flint.fmpq:
    return flint.fmpq(x.numerator, x.denominator)


CASES = [(n, k, seed) for n in (2, 3, 4) for k in (2, 3, 4) for seed in range(6)]


def test_there_are_54_instances():
    assert len(CASES) == 54


@pytest.mark.parametrize(("n_agents", "k", "seed"), CASES)
def test_full_support_determinant_factorises(n_agents, k, seed):
    rng = random.Random(1000 * n_agents + 100 * k + seed)
    c, r = _instance(rng, k)
    q = r / (n_agents - 1)
    size = n_agents * (k + 1)
    x = flint.fmpq_mat(size, size)
    for m in range(n_agents):
        o = m * (k + 1)
        for i in range(k):
            for j in range(k):
                x[o + i, o + j] = _q(2 * c[i][j])
            x[o + i, o + k] = 1
            x[o + k, o + i] = 1
        for mm in range(n_agents):
            if mm != m:
                for i in range(k):
                    x[o + i, mm * (k + 1) + i] = _q(q)
    two_c = [[2 * c[i][j] for j in range(k)] for i in range(k)]
    m_full = flint.fmpq_mat(
        k, k, [_q(two_c[i][j] + (r if i == j else 0)) for i in range(k) for j in range(k)]
    )
    m_dev = flint.fmpq_mat(
        k, k, [_q(two_c[i][j] - (q if i == j else 0)) for i in range(k) for j in range(k)]
    )
    alpha, alpha_t = _adj_sum(m_full), _adj_sum(m_dev)
    assert x.det() == (-1) ** n_agents * alpha * alpha_t ** (n_agents - 1)
