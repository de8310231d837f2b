"""Tests of the exact simplex QP (the best-response core) and its KKT enumeration."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import instances, simplex_points

from nashalign.solvers.metrics import (
    _gain,
)
from nashalign.solvers.simplex_qp import face_solutions, simplex_qp

HYP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def kkt_violation(H, g, x):
    """Largest violation of the simplex-QP KKT conditions, relative to the data scale."""
    G = g - H @ x
    S = x > 0
    lam = G[S].mean()
    scale = np.max(np.abs(H)) + np.max(np.abs(g)) + 1e-300
    on = np.max(np.abs(G[S] - lam))
    off = np.max(G[~S] - lam, initial=0.0)
    return max(on, off) / scale


@HYP
@given(instances(), st.data())
def test_simplex_qp_is_the_global_maximum(inst, data):
    a, C = inst
    K = len(a)
    g = data.draw(simplex_points(K)) * 3.0 - 1.0 + a
    H = 2.0 * C
    x, lam = simplex_qp(H, g)
    assert np.all(x >= 0) and abs(x.sum() - 1.0) <= 1e-14
    assert kkt_violation(H, g, x) <= 1e-10
    # no KKT point found by exhaustive enumeration does better
    f = lambda y: g @ y - 0.5 * y @ H @ y
    best = max(f(y) for y, _ in face_solutions(H, g))
    assert f(x) >= best - 1e-12 * (1 + abs(best))


@HYP
@given(instances(), st.data())
def test_warm_start_gives_the_same_value(inst, data):
    a, C = inst
    K = len(a)
    H, g = 2.0 * C, a * 2.0
    x0 = data.draw(simplex_points(K))
    cold, _ = simplex_qp(H, g)
    warm, _ = simplex_qp(H, g, x0=x0)
    assert abs(_gain(H, g, cold, warm)) <= 1e-12 * (1 + np.max(np.abs(g)) + np.max(np.abs(H)))


def test_simplex_qp_degenerate_objectives():
    # linear objective: the best vertex
    assert simplex_qp(np.zeros((3, 3)), [0.1, 0.7, 0.3])[0].tolist() == [0.0, 1.0, 0.0]
    # rank-one H with a zero-curvature ascent direction: follows the ray to the boundary
    H = 2.0 * np.array([[1.0, 1.0], [1.0, 1.0]])
    x, lam = simplex_qp(H, [1.0, 2.0])
    assert x.tolist() == [0.0, 1.0]
    assert lam == pytest.approx(2.0 - 2.0)
