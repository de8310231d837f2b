"""Tests of symmetric support enumeration (boundary NE, continua, multiplicity)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from strategies import beta_triples, instances

from nashalign.errors import DegenerateError, InputError
from nashalign.solvers.closed_form import symmetric_ne
from nashalign.solvers.metrics import nash_conv
from nashalign.solvers.simplex_qp import face_solutions
from nashalign.solvers.support import symmetric_equilibria

HYP = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_interior_case_equals_closed_form():
    a, C = np.array([0.5, 0.3, 0.2]), np.diag([1.0, 2.0, 3.0])
    eqs = symmetric_equilibria(a, C, 1.0, 1.0, 1.0)
    cf = symmetric_ne(a, C, 1.0, 1.0, 1.0)
    assert len(eqs) == 1 and eqs[0].interior and eqs[0].support == (0, 1, 2)
    np.testing.assert_allclose(eqs[0].weights, cf.weights, atol=1e-15)
    assert eqs[0].lam == pytest.approx(cf.lam, rel=1e-14)


def test_boundary_ne_satisfies_kkt_by_hand():
    # s large: the closed form leaves the simplex; the NE sits on a face.
    a, C = np.array([0.5, 0.3, 0.2]), np.diag([1.0, 2.0, 3.0])
    s, r = 10.0, 1.0
    assert not symmetric_ne(a, C, s, 1.0, r).interior
    (eq,) = symmetric_equilibria(a, C, s, 1.0, r)
    assert not eq.interior
    w = eq.weights
    G = s * a - (2 * C + r * np.eye(3)) @ w
    S = list(eq.support)
    off = [k for k in range(3) if k not in S]
    np.testing.assert_allclose(G[S], eq.lam, atol=1e-14)
    assert np.all(G[off] <= eq.lam + 1e-14) and np.all(w[off] == 0) and np.all(w[S] > 0)
    assert nash_conv(np.tile(w, (2, 1)), a, C, s, 1.0, r) <= 1e-15


def test_continuum_is_reported_not_dropped():
    # C = [[1, 1], [1, 1]], equal attractiveness, r = 0: every w is a symmetric NE
    eqs = symmetric_equilibria([1.0, 1.0], [[1.0, 1.0], [1.0, 1.0]], 1.0, 1.0, 0.0)
    assert len(eqs) == 1
    (eq,) = eqs
    assert eq.continuum and eq.dimension == 1
    np.testing.assert_allclose(np.abs(eq.directions), [[2**-0.5, 2**-0.5]], atol=1e-12)
    assert np.all(eq.weights > 0.05)  # a representative well inside the segment
    with pytest.raises(DegenerateError):
        symmetric_ne([1.0, 1.0], [[1.0, 1.0], [1.0, 1.0]], 1.0, 1.0, 0.0)


def test_singular_inconsistent_face_gives_the_boundary_ne():
    # same C, unequal attractiveness: no interior solution, a vertex NE instead
    eqs = symmetric_equilibria([1.0, 0.5], [[1.0, 1.0], [1.0, 1.0]], 1.0, 1.0, 0.0)
    assert [(e.support, e.continuum) for e in eqs] == [((0,), False)]
    assert eqs[0].weights.tolist() == [1.0, 0.0]


def test_negative_diversity_weight_gives_several_symmetric_ne():
    # r = -3, C = I: M = -I; vertices and the barycentre are all symmetric NE
    eqs = symmetric_equilibria([0.0, 0.0], np.eye(2), 1.0, 1.0, -3.0)
    assert [e.support for e in eqs] == [(0,), (1,), (0, 1)]
    for e in eqs:
        assert nash_conv(np.tile(e.weights, (2, 1)), [0.0, 0.0], np.eye(2), 1.0, 1.0, -3.0) == 0


@HYP
@given(instances(), beta_triples())
def test_every_reported_ne_is_certified_and_unique_for_positive_r(inst, betas):
    a, C = inst
    eqs = symmetric_equilibria(a, C, *betas)
    assert eqs, "a symmetric NE always exists"
    s, r = betas[0] / betas[1], betas[2] / betas[1]
    for e in eqs:
        assert np.all(e.weights >= -1e-12) and abs(e.weights.sum() - 1) <= 1e-9
        assert e.kkt_residual <= 1e-9
    if not any(e.continuum for e in eqs):
        # M(r) is positive definite for r > 0: the symmetric NE is unique
        assert len(eqs) == 1
        scale = betas[0] * np.max(np.abs(a)) + betas[1] * np.max(np.abs(C)) + betas[2]
        W = np.tile(eqs[0].weights, (2, 1))
        assert nash_conv(W, a, C, *betas) <= 1e-9 * scale
    try:
        cf = symmetric_ne(a, C, *betas)
    except DegenerateError:
        return
    if cf.interior and cf.cond_alpha < 1e8:
        tol = 1e3 * len(a) * np.finfo(float).eps * cf.cond_alpha * max(1, s, r)
        assert np.max(np.abs(eqs[0].weights - cf.weights)) <= tol
        assert eqs[0].interior


def test_face_solutions_lists_kkt_points():
    # H = 0, g = (1, 1): every x is optimal; the raw enumeration lists the vertices
    # and a representative of the edge's continuum, all with multiplier 1.
    pts = list(face_solutions(np.zeros((2, 2)), [1.0, 1.0]))
    assert [x.tolist() for x, _ in pts][:2] == [[1.0, 0.0], [0.0, 1.0]]
    assert len(pts) == 3 and np.all(pts[2][0] > 0)
    assert all(lam == 1.0 for _, lam in pts)


def test_bad_input():
    with pytest.raises(InputError, match="scalar"):
        symmetric_equilibria([0.1, 0.2], np.eye(2), [1.0, 2.0], 1.0, 1.0)
    with pytest.raises(InputError, match="too large"):
        symmetric_equilibria(np.zeros(5), np.eye(5), 1.0, 1.0, 1.0, max_k=4)
    with pytest.raises(InputError, match="beta_i"):
        symmetric_equilibria([0.1, 0.2], np.eye(2), 1.0, -1.0, 1.0)
    with pytest.raises(InputError, match="not symmetric"):
        symmetric_equilibria([0.1, 0.2], [[1.0, 0.2], [0.0, 1.0]], 1.0, 1.0, 1.0)


def test_tiny_payoff_gaps_with_zero_inconsistency_are_not_ties():
    """With C = 0 and r = 0 the tolerance is relative to s a, not an absolute 1e-9."""
    eqs = symmetric_equilibria([1e-10, 0.0], np.zeros((2, 2)), 1.0, 1.0, 1.0, n_agents=1)
    assert [(e.weights.tolist(), e.continuum) for e in eqs] == [([1.0, 0.0], False)]
    eqs = symmetric_equilibria([0.0, 0.0], np.zeros((2, 2)), 1.0, 1.0, 1.0, n_agents=1)
    assert len(eqs) == 1 and eqs[0].continuum  # a true tie stays a continuum
