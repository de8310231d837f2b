"""Tests of the mpmath evaluator of Theorem 1's closed form."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from strategies import instances, log_uniform

from nashalign.errors import DegenerateError, InputError
from nashalign.solvers.closed_form import symmetric_ne
from nashalign.solvers.highprec import adjugate, symmetric_ne_mp, to_mpf

HYP = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_dyadic_instance_matches_exact_fractions():
    # C = diag(1, 2, 4), dyadic a: w* solves the bordered system exactly in Q
    a = [Fraction(1, 2), Fraction(1, 4), Fraction(1, 8)]
    d = [Fraction(2 * c) + Fraction(3, 2) for c in (1, 2, 4)]  # r = 3/2
    s = Fraction(5, 4)
    lam = (s * sum(ai / di for ai, di in zip(a, d, strict=True)) - 1) / sum(1 / x for x in d)
    w = [(s * ai - lam) / di for ai, di in zip(a, d, strict=True)]
    res = symmetric_ne_mp([0.5, 0.25, 0.125], np.diag([1.0, 2.0, 4.0]), 1.25, 1.5, dps=60)
    with mpmath.workdps(80):
        for got, want in zip(res.weights, w, strict=True):
            assert abs(got - to_mpf(want)) <= mpmath.mpf(10) ** -58
        assert abs(res.lam - to_mpf(lam)) <= mpmath.mpf(10) ** -58
    assert res.dps == 60


@HYP
@given(instances(), log_uniform(1e-3, 1e3), log_uniform(1e-3, 1e3))
def test_agrees_with_float_closed_form_within_conditioning(inst, s, r):
    a, C = inst
    try:
        cf = symmetric_ne(a, C, s, 1.0, r, n_agents=3)
    except DegenerateError:
        with pytest.raises(DegenerateError):
            symmetric_ne_mp(a, C, s, r)
        return
    mp = symmetric_ne_mp(a, C, s, r, n_agents=3)
    K = len(a)
    w_scale = max(1.0, float(np.max(np.abs(cf.weights))), s)
    tol = 1e3 * K * np.finfo(float).eps * cf.cond_alpha * w_scale
    assert np.max(np.abs(mp.to_float() - cf.weights)) <= tol
    assert abs(float(mp.alpha) - cf.alpha) <= 1e-10 * abs(cf.alpha) * cf.cond_alpha
    scale_t = K * (2 * np.max(np.linalg.eigvalsh(C)) + r / 2) ** (K - 1)
    assert abs(float(mp.alpha_tilde) - cf.alpha_tilde) <= 1e-10 * scale_t
    # w0 sums to 1 and v to 0 (Theorem 1), at high precision
    with mpmath.workdps(60):
        assert abs(mpmath.fsum(mp.w0) - 1) <= mpmath.mpf(10) ** -40 * cf.cond_alpha
        assert abs(mpmath.fsum(mp.v)) <= mpmath.mpf(10) ** -40 * cf.cond_alpha * w_scale


def test_pi_is_a_polynomial_matrix_divisible_by_det_m():
    # Pi det M = alpha A - A 1 1' A, and Pi = -adj(B)[:K, :K] for the bordered matrix B
    rng = np.random.default_rng(0)
    S = rng.normal(size=(8, 3))
    C = np.cov(S, rowvar=False)
    with mpmath.workdps(60):
        M = mpmath.matrix(3, 3)
        B = mpmath.matrix(4, 4)
        for i in range(3):
            for j in range(3):
                M[i, j] = B[i, j] = 2 * mpmath.mpf(C[i, j]) + (mpmath.mpf(0.5) if i == j else 0)
            B[i, 3] = B[3, i] = 1
        A = adjugate(M)
        one = mpmath.matrix([1, 1, 1])
        A1 = A * one
        alpha = sum(A1)
        Pi = -adjugate(B)[:3, :3]
        lhs = Pi * mpmath.det(M)
        rhs = alpha * A - A1 * A1.T
        assert mpmath.mnorm(lhs - rhs, 1) <= mpmath.mpf(10) ** -50 * mpmath.mnorm(rhs, 1)


def test_singular_m_uses_the_bordered_adjugate():
    # three contexts, K = 4: C has rank 2, det M(0) = 0 but alpha(0) may vanish too;
    # take r tiny instead of 0 for a singular-but-not-degenerate M and compare with r = 0
    rng = np.random.default_rng(3)
    S = rng.normal(size=(4, 4))  # rank 3: one zero eigenvalue
    a, C = S.mean(axis=0), np.cov(S, rowvar=False)
    assert abs(np.linalg.det(2 * C)) < 1e-12
    mp = symmetric_ne_mp(a, C, 0.7, 0.0)
    cf = symmetric_ne(a, C, 0.7, 1.0, 0.0)
    assert abs(mp.det_m) <= mpmath.mpf(10) ** -15
    np.testing.assert_allclose(mp.to_float(), cf.weights, atol=1e-12 * cf.cond_alpha)


def test_degenerate_ratio_raises():
    with pytest.raises(DegenerateError) as info:
        symmetric_ne_mp([0.2, 0.1], [[1.0, 1.0], [1.0, 1.0]], 1.0, 0.0)
    assert info.value.which == "alpha" and info.value.root == 0.0


def test_number_conversions():
    assert to_mpf(sp.Rational(1, 3)) == mpmath.mpf(1) / 3
    assert to_mpf(Fraction(3, 4)) == mpmath.mpf(0.75)
    assert to_mpf(np.float64(0.1)) == mpmath.mpf(0.1)
    assert to_mpf("0.5") == mpmath.mpf(0.5)
    for bad in (float("nan"), float("inf"), True, "abc"):
        with pytest.raises(InputError):
            to_mpf(bad)


def test_bad_input():
    with pytest.raises(InputError, match="dps"):
        symmetric_ne_mp([0.1, 0.2], np.eye(2), 1, 1, dps=30)
    with pytest.raises(InputError, match="2 agents"):
        symmetric_ne_mp([0.1, 0.2], np.eye(2), 1, 1, n_agents=1)
    with pytest.raises(InputError, match="not positive semidefinite"):
        symmetric_ne_mp([0.1, 0.2], [[1.0, 2.0], [2.0, 1.0]], 1, 1)
    with pytest.raises(InputError, match="NaN"):
        symmetric_ne_mp([0.1, 0.2], np.eye(2), float("nan"), 1)
