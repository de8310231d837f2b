"""Lemma 0: gradient, Hessian and interior condition derived from the utility."""

from __future__ import annotations

import sympy as sp
from nashalign.derivations import lemma0_best_response

from nashalign.symbolic.symbols import a_vector, beta_A, beta_D, beta_I, c_matrix, strategy


def test_general_k_gradient_and_hessian():
    ok_grad, grad, ok_hess, ok_scale = lemma0_best_response._general_k_gradient()
    assert ok_grad and ok_hess and ok_scale
    assert isinstance(grad, sp.MatrixExpr)


def test_explicit_gradient_and_hessian():
    K = 3
    rec = lemma0_best_response.derive(K=K, N=2)
    # Gradient, Hessian and scale invariance for symbolic K, KKT cited: general K.
    assert rec.verified and rec.status == "proved for general K"
    assert any(c.kind == "cited" and "Boyd" in c.reference for c in rec.checks)
    C, a, w1, w2 = c_matrix(K), a_vector(K), strategy(1, K), strategy(2, K)
    expected = beta_A * a - 2 * beta_I * C * w1 - beta_D * w2
    assert (rec.expressions["gradient"] - expected).applyfunc(sp.expand).is_zero_matrix
    assert (rec.expressions["hessian"] + 2 * beta_I * C).applyfunc(sp.expand).is_zero_matrix


def test_spread_hessian_has_the_extra_curvature():
    rec = lemma0_best_response.derive(K=2, N=2, variant="spread")
    H = rec.expressions["hessian"]
    assert (
        (H + 2 * beta_I * c_matrix(2) + 2 * beta_D * sp.eye(2)).applyfunc(sp.expand).is_zero_matrix
    )
