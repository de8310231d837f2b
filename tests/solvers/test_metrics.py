"""Tests of utilities, exact best responses and NashConv."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import beta_triples, instances, simplex_points

from nashalign.errors import InputError
from nashalign.solvers.closed_form import symmetric_ne
from nashalign.solvers.metrics import (
    _gain,
    best_response,
    check_profile,
    nash_conv,
    regrets,
    stack_instances,
    utility,
)

HYP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_best_response_closed_form_example():
    # u = x1 - (x1^2 + x2^2): interior optimum x = (3/4, 1/4)
    br = best_response([1.0, 0.0], np.eye(2), [0.5, 0.5], 1.0, 1.0, 0.0)
    np.testing.assert_allclose(br, [0.75, 0.25], atol=1e-15)
    # a strong overlap penalty pushes away from what the others play
    br = best_response([0.0, 0.0, 1.0], np.eye(3), [0.0, 0.0, 1.0], 1.0, 1.0, 4.0)
    np.testing.assert_allclose(br, [0.5, 0.5, 0.0], atol=1e-15)


def test_utility_and_gain_formula():
    a, C = np.array([0.3, 0.1, 0.6]), np.diag([1.0, 2.0, 0.5])
    w, o = np.array([0.2, 0.3, 0.5]), np.array([0.6, 0.2, 0.2])
    u = utility(w, o, a, C, 2.0, 3.0, 0.5)
    assert u == pytest.approx(2 * a @ w - 3 * w @ C @ w - 0.5 * w @ o, rel=1e-15)
    y = np.array([0.1, 0.1, 0.8])
    H, g = 2 * 3.0 * C, 2.0 * a - 0.5 * o
    gain = _gain(H, g, w, y)
    assert gain == pytest.approx(utility(y, o, a, C, 2.0, 3.0, 0.5) - u, rel=1e-12)


@HYP
@given(instances(), beta_triples(1e-2, 1e2), st.integers(2, 4))
def test_nash_conv_vanishes_at_the_closed_form_ne(inst, betas, N):
    a, C = inst
    try:
        res = symmetric_ne(a, C, *betas, n_agents=N)
    except InputError:
        return
    if not res.interior or res.cond_alpha > 1e6:
        return
    W = np.tile(res.weights, (N, 1))
    scale = betas[0] * np.max(np.abs(a)) + betas[1] * np.max(np.abs(C)) + betas[2]
    assert nash_conv(W, a, C, *betas) <= 1e-11 * max(1.0, scale) * res.cond_alpha


@HYP
@given(instances(), st.data())
def test_regrets_are_nonnegative_and_match_best_response(inst, data):
    a, C = inst
    K = len(a)
    W = np.stack([data.draw(simplex_points(K)) for _ in range(3)])
    reg = regrets(W, a, C, 1.0, 2.0, 0.5)
    assert np.all(reg >= 0)
    for m in range(3):
        others = (W.sum(axis=0) - W[m]) / 2
        br = best_response(a, C, others, 1.0, 2.0, 0.5)
        u_br = utility(br, others, a, C, 1.0, 2.0, 0.5)
        u_m = utility(W[m], others, a, C, 1.0, 2.0, 0.5)
        assert reg[m] == pytest.approx(max(u_br - u_m, 0.0), abs=1e-12 * (1 + abs(u_m)))


def test_nash_conv_positive_off_equilibrium_and_per_agent_instances():
    A = np.array([[1.0, 0.0], [0.0, 1.0]])
    Cs = np.stack([np.eye(2), 2 * np.eye(2)])
    W = np.array([[0.5, 0.5], [0.5, 0.5]])
    assert nash_conv(W, A, Cs, 1.0, 1.0, 0.0) > 0.01
    # heterogeneous NE: each agent optimises alone (beta_D = 0)
    ne = np.array([best_response(A[m], Cs[m], [0.5, 0.5], 1.0, 1.0, 0.0) for m in range(2)])
    assert nash_conv(ne, A, Cs, 1.0, 1.0, 0.0) <= 1e-15


def test_single_agent_nash_conv_is_its_optimality_gap():
    a, C = np.array([1.0, 0.0]), np.eye(2)
    assert regrets([[1.0, 0.0]], a, C, 1.0, 1.0, 3.0).tolist() == [0.125]


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ([[0.5, 0.6]], "simplex"),
        ([[1.2, -0.2]], "simplex"),
        ([[np.nan, 1.0]], "NaN"),
        ([0.5, 0.5], "shape"),
        ([["a", "b"]], "numeric"),
    ],
)
def test_bad_profiles(profile, message):
    with pytest.raises(InputError, match=message):
        nash_conv(profile, [0.1, 0.2], np.eye(2), 1.0, 1.0, 1.0)


def test_bad_instances_and_betas():
    with pytest.raises(InputError, match="columns"):
        nash_conv([[0.2, 0.3, 0.5]], [0.1, 0.2], np.eye(2), 1.0, 1.0, 1.0)
    with pytest.raises(InputError, match="not positive semidefinite"):
        nash_conv([[0.5, 0.5]], [0.1, 0.2], [[0.0, 1.0], [1.0, 0.0]], 1.0, 1.0, 1.0)
    with pytest.raises(InputError, match="beta_i"):
        best_response([0.1, 0.2], np.eye(2), [0.5, 0.5], 1.0, 0.0, 1.0)
    with pytest.raises(InputError, match="others_mean"):
        best_response([0.1, 0.2], np.eye(2), [0.5, 0.5, 0.0], 1.0, 1.0, 1.0)
    with pytest.raises(InputError, match=r"\(3, K\)"):
        stack_instances(np.ones((2, 2)), np.eye(2), 3)
    assert check_profile([[0.0, 1.0]], K=2).shape == (1, 2)
