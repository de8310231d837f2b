"""The whole NE set against an independent exact oracle (issue 17).

The oracle (``tests/equilibria_oracle.py``) is deliberately simple and shares no code
with the solver: every support profile (no symmetry reduction, no float pre-filter),
its KKT equalities solved over Q with ``flint.fmpq_mat``, the KKT inequalities checked
exactly, and, where an agent's rational ``C`` is not PSD, its best response computed by
brute force over every face of its simplex. It returns the isolated NE as exact
rational profiles and the singular consistent support profiles (continuum
candidates). The solver must return exactly the same isolated NE on instances where
the oracle finds no continuum; continua are compared in test_equilibria_continua.py.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from equilibria_oracle import oracle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nashalign.solvers.equilibria import DEFAULT_TOL, all_equilibria, certify_profile

F = Fraction


def solver_set(a, C, s, r, N, tol=DEFAULT_TOL):
    es = all_equilibria(a, C, 1.0, 1.0 / s if s else 1.0, r / s if s else r, N, tol=tol)
    return es


def check_against_oracle(A, Cs, bA, bI, bD, N, tol=DEFAULT_TOL):
    s, r = F(bA) / F(bI), F(bD) / F(bI)
    hom = all(np.array_equal(A[0], x) for x in A) and all(np.array_equal(Cs[0], x) for x in Cs)
    a_in, C_in = (A[0], Cs[0]) if hom else (np.array(A), np.array(Cs))
    es = all_equilibria(a_in, C_in, bA, bI, bD, N, tol=tol)
    exp, singular = oracle(A, Cs, s, r, N)
    assert es.complete
    assert es.exact
    got = {e.exact_profile for e in es.equilibria if not e.continuum}
    if not singular:
        assert not any(e.continuum for e in es.equilibria)
        assert got == exp, (len(got), len(exp))
    else:  # every isolated oracle NE is returned or lies in a returned continuum
        assert got <= exp
        for p in exp - got:
            assert any(e.continuum for e in es.equilibria), p
    for e in es.equilibria:
        assert certify_profile(e.exact_profile, a_in, C_in, bA, bI, bD)
    return es, exp


def scores(draw_or_rng, n, K):
    return draw_or_rng.random((n, K))


@st.composite
def populations(draw, hetero: bool):
    N = draw(st.integers(2, 3))
    K = draw(st.integers(2, 4 if N == 2 else 3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n_pop = N if hetero else 1
    A, Cs = [], []
    for _ in range(n_pop):
        S = rng.random((K + 3, K)) * draw(st.sampled_from([1.0, 1e-3, 1e3]))
        A.append(S.mean(axis=0))
        Cs.append(np.cov(S.T, ddof=1))
    if not hetero:
        A, Cs = A * N, Cs * N
    return A, Cs, N


ratios = st.sampled_from([1e-8, 1e-5, 1e-3, 0.1, 1.0, 10.0, 1e3, 1e5, 1e8])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pop=populations(False), bA=ratios, bI=ratios, bD=ratios, sign=st.sampled_from([1, -1]))
def test_homogeneous_random_instances_match_the_oracle(pop, bA, bI, bD, sign):
    A, Cs, N = pop
    check_against_oracle(A, Cs, bA, bI, sign * bD, N)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pop=populations(True), bA=ratios, bI=ratios, bD=ratios)
def test_heterogeneous_random_instances_match_the_oracle(pop, bA, bI, bD):
    A, Cs, N = pop
    check_against_oracle(A, Cs, bA, bI, bD, N)


@pytest.mark.parametrize("N,K", [(2, 3), (2, 4), (3, 3)])
@pytest.mark.parametrize("bI", [1e-3, 3e-6, 1e-6, 1e-8])
def test_extreme_ratios_keep_the_mixed_equilibria(N, K, bI):
    # issue 17: at beta_A = beta_D = 1, beta_I = 1e-6 the mixed NE used to vanish
    rng = np.random.default_rng(7 * K + N)
    S = rng.random((8, K))
    A, Cs = [S.mean(axis=0)] * N, [np.cov(S.T, ddof=1)] * N
    es, exp = check_against_oracle(A, Cs, 1.0, bI, 1.0, N)
    assert any(e.symmetric and len(e.supports[0]) > 1 for e in es.equilibria)


def test_extreme_ratios_without_the_exact_everything_shortcut():
    # the float pre-filter itself (not the small-enumeration shortcut) keeps them
    tol = DEFAULT_TOL.replace(exact_all_systems=0)
    rng = np.random.default_rng(3)
    S = rng.random((8, 3))
    A, Cs = [S.mean(axis=0)] * 2, [np.cov(S.T, ddof=1)] * 2
    for bI in (1e-3, 1e-6, 1e-8):
        check_against_oracle(A, Cs, 1.0, bI, 1.0, 2, tol=tol)


@pytest.mark.parametrize("eps", [1e-5, 1e-6, 1e-7])
@pytest.mark.parametrize("exact_all", [0, 64])
def test_near_singular_C_is_decided_exactly(eps, exact_all):
    # C with an eigenvalue ~eps^2 (down to ~1e-14): exactly nonsingular systems stay
    # isolated NE, no fake continua
    rng = np.random.default_rng(11)
    S = rng.random((6, 2))
    S = np.c_[S, S[:, 0] + S[:, 1] + eps * rng.standard_normal(6)]
    A, Cs = [S.mean(axis=0)] * 2, [np.cov(S.T, ddof=1)] * 2
    assert np.linalg.eigvalsh(Cs[0])[0] < 1e-9
    check_against_oracle(
        A, Cs, 1.0, 1.0, 0.5, 2, tol=DEFAULT_TOL.replace(exact_all_systems=exact_all)
    )


@pytest.mark.parametrize("r", [0.0, 1e-3, 1.0])
def test_c_singular_to_2_to_the_minus_40(r):
    C = np.array([[1.0, 1.0], [1.0, 1.0 - 2.0**-40]])
    A, Cs = [np.array([0.3, 0.7])] * 2, [C] * 2
    es, _ = check_against_oracle(A, Cs, 1.0, 1.0, r, 2)
    assert not any(e.continuum for e in es.equilibria)


def test_sample_covariance_from_few_contexts_is_not_assumed_concave():
    # n <= K contexts: C is singular, and as rationals often exactly indefinite at the
    # 1e-18 level; every returned NE must be an exact best response all the same
    found_indefinite = False
    for seed in range(6):
        rng = np.random.default_rng(seed)
        S = rng.random((3, 3))
        C = np.cov(S.T, ddof=1)
        A, Cs = [S.mean(axis=0)] * 3, [C] * 3
        es, exp = check_against_oracle(A, Cs, 1.0, 1.0, 0.5, 3)
        if any("not exactly PSD" in n for n in es.notes):
            found_indefinite = True
    assert found_indefinite


def test_alpha_zero_symmetric_continuum_is_summarised():
    # C = 0, beta_D < 0 at r = -2 mu_min... here C = 0: alpha(r) = K r^(K-1), so r = 0
    # gives a continuum of symmetric interior NE (a = const)
    es = all_equilibria([1.0, 1.0, 1.0], np.zeros((3, 3)), 1.0, 1.0, 0.0, 2)
    assert es.symmetric_interior is None
    assert es.symmetric_interior_continuum
    assert "no symmetric interior NE" not in es.summary()
    assert "continuum of symmetric interior NE" in es.summary()
