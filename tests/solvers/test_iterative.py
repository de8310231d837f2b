"""Tests of the general N-agent solver (heterogeneous, asymmetric, certified by NashConv)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import beta_triples, instances

from nashalign.errors import InputError
from nashalign.instance import Instance
from nashalign.solvers.closed_form import symmetric_ne
from nashalign.solvers.iterative import potential, solve, solve_arrays
from nashalign.solvers.metrics import nash_conv
from nashalign.solvers.simplex_qp import simplex_qp
from nashalign.solvers.spectral import spectrum

HYP = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def random_population(seed, N, K, n=30):
    rng = np.random.default_rng(seed)
    A = rng.random((N, K))
    Cs = np.stack([np.cov(rng.normal(size=(n, K)), rowvar=False) for _ in range(N)])
    return A, Cs


def test_homogeneous_unique_ne_is_the_closed_form():
    a, C = np.array([0.5, 0.3, 0.2]), np.diag([1.0, 2.0, 3.0])
    res = solve_arrays(a, C, 1.0, 1.0, 1.0, n_agents=4)
    cf = symmetric_ne(a, C, 1.0, 1.0, 1.0, n_agents=4)
    assert res.converged and res.nashconv <= 1e-10
    np.testing.assert_allclose(res.profile, np.tile(cf.weights, (4, 1)), atol=1e-13)
    assert res.is_symmetric()


@pytest.mark.parametrize(
    "betas", [(1.0, 1.0, 1.0), (1.0, 1.0, 10.0), (10.0, 1.0, 0.1), (1, 0.1, 5)]
)
def test_twenty_agents_ten_subpopulations_heterogeneous(betas):
    A, Cs = random_population(1, 20, 10)
    res = solve_arrays(A, Cs, *betas, n_agents=20)
    assert res.converged, res.message
    assert res.nashconv <= 1e-10
    assert nash_conv(res.profile, A, Cs, *betas) == pytest.approx(res.nashconv, abs=1e-14)
    assert res.profile.shape == (20, 10)
    assert len(res.supports) == 20


@HYP
@given(instances(k_max=4), beta_triples(1e-2, 1e2), st.integers(2, 4))
def test_certified_ne_for_random_homogeneous_games(inst, betas, N):
    a, C = inst
    res = solve_arrays(a, C, *betas, n_agents=N)
    scale = betas[0] * np.max(np.abs(a)) + 2 * betas[1] * np.max(np.abs(C)) + betas[2]
    assert res.converged, res.message
    assert res.nashconv <= max(1e-10, 1e3 * np.finfo(float).eps * N * scale)
    assert np.all(res.profile >= 0)
    np.testing.assert_allclose(res.profile.sum(axis=1), 1.0, atol=1e-12)
    # where the potential is strictly concave the NE is unique, hence symmetric
    mu0 = spectrum(C).mu[0]
    r = betas[2] / betas[1]
    if min(2 * mu0 + r, 2 * mu0 - r / (N - 1)) > 1e-6 * (2 * np.max(np.abs(C)) + r):
        assert res.is_symmetric(1e-7)


def test_asymmetric_equilibrium_for_strong_diversity_incentive():
    # identical agents, C = I, r large: the potential is not concave and agents specialise
    a = np.array([0.5, 0.5])
    res = solve_arrays(a, np.eye(2), 1.0, 1.0, 10.0, n_agents=2, init="random", seed=3)
    assert res.converged and res.nashconv <= 1e-12
    assert not res.is_symmetric()
    # the symmetric NE exists too and is certified as well
    sym = symmetric_ne(a, np.eye(2), 1.0, 1.0, 10.0)
    assert nash_conv(np.tile(sym.weights, (2, 1)), a, np.eye(2), 1.0, 1.0, 10.0) <= 1e-15


def test_potential_is_maximised_when_concave():
    A, Cs = random_population(2, 3, 4)
    res = solve_arrays(A, Cs, 1.0, 1.0, 0.2, n_agents=3)
    rng = np.random.default_rng(0)
    for _ in range(50):
        W = rng.dirichlet(np.ones(4), size=3)
        assert potential(W, A, Cs, 1.0, 1.0, 0.2) <= res.potential + 1e-12


def test_potential_gradient_is_each_agents_utility_gradient():
    # Theorem 3, numerically: finite differences of Phi match grad_{w_m} u_m
    A, Cs = random_population(3, 3, 3)
    W = np.random.default_rng(1).dirichlet(np.ones(3), size=3)
    ba, bi, bd = 0.7, 1.3, 2.1
    h = 1e-6
    for m in range(3):
        others = (W.sum(axis=0) - W[m]) / 2
        grad_u = ba * A[m] - 2 * bi * Cs[m] @ W[m] - bd * others
        for k in range(3):
            E = np.zeros_like(W)
            E[m, k] = h
            # Phi is defined on all of R^{N x K}; evaluate it off the simplex directly
            from nashalign.solvers.iterative import _potential

            fd = (_potential(W + E, A, Cs, ba, bi, bd) - _potential(W - E, A, Cs, ba, bi, bd)) / (
                2 * h
            )
            assert fd == pytest.approx(grad_u[k], abs=1e-7)


def test_single_agent_is_the_optimum_of_its_utility():
    a, C = np.array([0.9, 0.2, 0.4]), np.diag([1.0, 0.5, 2.0])
    res = solve_arrays(a, C, 2.0, 1.0, 7.0, n_agents=1)
    x, _ = simplex_qp(2.0 * C, 2.0 * a)
    np.testing.assert_allclose(res.profile[0], x, atol=1e-14)
    assert res.converged


def test_instances_api_and_reproducible_random_start():
    i1 = Instance(["x", "y"], [1.0, 0.0], np.eye(2), n=5)
    i2 = Instance(["x", "y"], [0.0, 1.0], 2 * np.eye(2), n=5)
    het = solve([i1, i2], 1.0, 1.0, 0.5)
    assert het.converged and het.profile.shape == (2, 2)
    r1 = solve(i1, 1.0, 1.0, 3.0, n_agents=3, init="random", seed=5, polish=False)
    r2 = solve(i1, 1.0, 1.0, 3.0, n_agents=3, init="random", seed=5, polish=False)
    np.testing.assert_array_equal(r1.profile, r2.profile)
    assert r1.to_json()["converged"] == r1.converged


def test_reports_non_convergence():
    A, Cs = random_population(4, 6, 5)
    res = solve_arrays(A, Cs, 1.0, 0.1, 5.0, n_agents=6, max_iter=1, polish=False)
    assert not res.converged
    assert "no convergence" in res.message and res.nashconv > res.tol_used


def test_bad_input():
    i1 = Instance(["x", "y"], [1.0, 0.0], np.eye(2), n=5)
    i3 = Instance(["p", "q"], [1.0, 0.0], np.eye(2), n=5)
    with pytest.raises(InputError, match="share subpopulation names"):
        solve([i1, i3], 1.0, 1.0, 1.0)
    with pytest.raises(InputError, match="n_agents = 3"):
        solve([i1, i1], 1.0, 1.0, 1.0, n_agents=3)
    with pytest.raises(InputError, match=">= 1"):
        solve(i1, 1.0, 1.0, 1.0, n_agents=0)
    with pytest.raises(InputError, match="beta_i"):
        solve(i1, 1.0, 0.0, 1.0)
    with pytest.raises(InputError, match="init"):
        solve(i1, 1.0, 1.0, 1.0, init="bogus")
    with pytest.raises(InputError, match="rows"):
        solve(i1, 1.0, 1.0, 1.0, init=[[0.5, 0.5]])
    with pytest.raises(InputError, match="max_iter"):
        solve(i1, 1.0, 1.0, 1.0, max_iter=0)
    with pytest.raises(InputError, match="Instance"):
        solve([], 1.0, 1.0, 1.0)
    with pytest.raises(InputError, match=r"\(2, K\)"):
        solve_arrays(np.ones((3, 2)), np.eye(2), 1.0, 1.0, 1.0, n_agents=2)
