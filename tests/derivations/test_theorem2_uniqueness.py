"""Theorem 2: the deviation system, alpha_tilde and the continuum at its roots."""

from __future__ import annotations

import pytest
import sympy as sp
from nashalign.derivations import derive, theorem2_uniqueness

from nashalign.symbolic.symbols import c_matrix, r


@pytest.mark.parametrize("N", [2, 3, 4])
def test_theorem2_leading_coefficient_depends_on_n(N):
    rec = derive("theorem2", K=3, N=N)
    assert rec.verified
    assert sp.nsimplify(rec.expressions["leading_coefficient"]) == 3 * sp.Rational(-1, N - 1) ** 2


@pytest.mark.parametrize("N", [2, 3])
def test_continuum_example(N):
    ok, detail = theorem2_uniqueness._continuum_example(N)
    assert ok
    assert f"r = {2 * (N - 1)}" in detail


def test_alpha_tilde_is_one_adj_one_of_m_tilde():
    rec = derive("theorem2", K=2, N=3)
    Mt = 2 * c_matrix(2) - r / 2 * sp.eye(2)
    assert (rec.expressions["M_tilde"] - Mt).applyfunc(sp.expand).is_zero_matrix
    at = (sp.ones(1, 2) * Mt.adjugate() * sp.ones(2, 1))[0]
    assert sp.expand(rec.expressions["alpha_tilde"] - at) == 0
    # At C = I the root is r = 2 (N - 1) = 4.
    sub = {sp.Symbol("c11"): 1, sp.Symbol("c22"): 1, sp.Symbol("c12"): 0}
    assert sp.solve(rec.expressions["alpha_tilde"].subs(sub), r) == [4]
