"""Lemma 2: alpha(r) has degree K - 1 with a derived leading coefficient."""

from __future__ import annotations

import pytest
import sympy as sp
from nashalign.derivations import derive, lemma2_degenerate_ratios
from sympy.polys.matrices import DomainMatrix

from nashalign.symbolic.polyalg import ring_of, to_dm
from nashalign.symbolic.symbols import c_matrix


def test_lemma2_general_k_leading_term_is_symbolic_k():
    K = sp.Symbol("K", integer=True, positive=True)
    assert lemma2_degenerate_ratios.general_k_leading_coefficient() == K


@pytest.mark.parametrize("K", [2, 3, 4])
def test_lemma2_degree_and_leading_coefficient(K):
    rec = derive("lemma2", K=K)
    poly = sp.Poly(rec.expressions["alpha"], sp.Symbol("r"))
    assert poly.degree() == K - 1
    assert poly.LC() == K


def test_alpha_is_one_adj_one_of_2c_plus_ri():
    rec = derive("lemma2", K=3)
    r = sp.Symbol("r")
    M = 2 * c_matrix(3) + r * sp.eye(3)
    assert (
        sp.expand(rec.expressions["alpha"] - (sp.ones(1, 3) * M.adjugate() * sp.ones(3, 1))[0]) == 0
    )


def test_faddeev_leverrier_gives_the_adjugate_of_x_plus_t():
    t = sp.Symbol("t")
    X = c_matrix(3)
    R = ring_of(sorted(X.free_symbols, key=str))
    Bs, es = lemma2_degenerate_ratios.faddeev_leverrier(to_dm(X, R))
    adj = sum((B.to_Matrix() * t ** (2 - k) for k, B in enumerate(Bs)), sp.zeros(3, 3))
    assert (adj - (X + t * sp.eye(3)).adjugate()).applyfunc(sp.expand).is_zero_matrix
    assert [R.to_sympy(e) for e in es][0] == 1
    assert isinstance(Bs[0], DomainMatrix)
