"""The derived closed form, evaluated exactly, satisfies Lemma 0's condition exactly."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import rational_instances, rationals

from nashalign.errors import DegenerateError, InputError
from nashalign.exact.evaluate import exact_symmetric_ne, instance_polynomials, to_rational
from nashalign.symbolic.game import Game
from nashalign.symbolic.symbols import a_vector, beta_A, beta_D, beta_I, c_matrix


def _engine_residual(a, C, s, r, weights, N):
    """Every agent's gradient (from the engine) at the symmetric profile, minus its mean."""
    K = len(a)
    game = Game.from_variant("overlap", K=K, N=N)
    sub = {beta_A: s, beta_I: 1, beta_D: r}
    sub.update(dict(zip(a_vector(K), a, strict=True)))
    Cs = c_matrix(K)
    sub.update({Cs[i, j]: C[i][j] for i in range(K) for j in range(K)})
    for w in game.W:
        sub.update(dict(zip(w, weights, strict=True)))
    out = []
    for m in range(1, N + 1):
        g = [sp.nsimplify(x.xreplace(sub)) for x in game.gradient(m)]
        out.append([x - g[0] for x in g])
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rational_instances(2, 4), rationals(0, 20), rationals(0, 20), st.integers(2, 3))
def test_closed_form_satisfies_lemma0_exactly(inst, s, r, N):
    a, C = inst
    try:
        ne = exact_symmetric_ne(a, C, s, r)
    except DegenerateError:
        assert r == 0  # alpha(r) > 0 for r > 0 (Lemma 2); only r = 0 with singular C can degenerate
        return
    assert sum(ne.weights) == 1
    assert sum(ne.v) == 0
    for resid in _engine_residual(a, C, s, r, ne.weights, N):
        assert all(x == 0 for x in resid)
    # lambda*: M w* = s a - lambda* 1, first component, exactly.
    K = len(a)
    Mw0 = sum((2 * C[0][j] + (r if j == 0 else 0)) * ne.weights[j] for j in range(K))
    assert s * a[0] - Mw0 == ne.lam


@settings(max_examples=15, deadline=None)
@given(rational_instances(2, 4))
def test_derived_polynomials_equal_the_formula_over_qq(inst):
    a, C = inst
    p1 = instance_polynomials(a, C, derived=True)
    p2 = instance_polynomials(a, C, derived=False)
    for x, y in zip(
        p1.A1 + p1.Pia + [p1.alpha, p1.det], p2.A1 + p2.Pia + [p2.alpha, p2.det], strict=True
    ):
        assert (x - y).is_zero


def test_floats_are_converted_exactly():
    assert to_rational(0.1) == sp.Rational(3602879701896397, 36028797018963968)
    with pytest.raises(InputError):
        to_rational(float("nan"))


def test_degenerate_alpha_raises_with_root():
    # C = 0 (PSD): M(0) = 0, alpha(0) = 0.
    with pytest.raises(DegenerateError) as exc:
        exact_symmetric_ne([1, 0], [[0, 0], [0, 0]], s=1, r=0)
    assert exc.value.root == 0.0


def test_float_instance_matches_numpy_solve():
    rng = np.random.default_rng(3)
    S = rng.normal(size=(12, 3))
    a, C = S.mean(0), np.cov(S, rowvar=False)
    ne = exact_symmetric_ne(a, C, 1.5, 0.25)
    M = 2 * C + 0.25 * np.eye(3)
    B = np.block([[M, np.ones((3, 1))], [np.ones((1, 3)), np.zeros((1, 1))]])
    x = np.linalg.solve(B, np.r_[1.5 * a, 1.0])
    # float64 solve of a well-conditioned 4x4 system: 1e-12 relative is ample.
    assert np.allclose([float(w) for w in ne.weights], x[:3], rtol=0, atol=1e-12)
    assert abs(float(ne.lam) - x[3]) < 1e-12


def test_strings_are_parsed_as_numbers_never_evaluated(tmp_path):
    from fractions import Fraction

    marker = tmp_path / "pwned"
    payload = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    with pytest.raises(InputError, match="must be a number"):
        to_rational(payload)
    with pytest.raises(InputError):
        exact_symmetric_ne([1, 0], [[1, 0], [0, 1]], s=payload, r=1)
    assert not marker.exists()
    assert to_rational("0.05") == sp.Rational(1, 20)
    assert to_rational(Fraction(2, 7)) == sp.Rational(2, 7)
