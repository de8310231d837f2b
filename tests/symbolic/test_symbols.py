"""Canonical symbols: names that sympify parses back to the very same symbols."""

from __future__ import annotations

import sympy as sp

from nashalign.symbolic.symbols import (
    a_vector,
    beta_A,
    beta_D,
    beta_I,
    c_matrix,
    ones,
    r,
    s,
    strategy,
    tau,
)


def test_a_vector_names():
    assert a_vector(3) == sp.Matrix(sp.symbols("a1 a2 a3"))
    assert a_vector(2, prefix="a2_") == sp.Matrix(sp.symbols("a2_1 a2_2"))


def test_c_matrix_is_symmetric_with_upper_triangle_names():
    C = c_matrix(3)
    assert C == C.T
    assert C[0, 1] == sp.Symbol("c12") and C[2, 1] == sp.Symbol("c23")
    assert len(C.free_symbols) == 3 * 4 // 2


def test_c_matrix_names_beyond_nine_are_unambiguous():
    C = c_matrix(10)
    assert C[0, 9] == sp.Symbol("c1_10")
    assert C[0, 0] == sp.Symbol("c1_1")
    assert len(C.free_symbols) == 10 * 11 // 2


def test_strategy_and_ones():
    assert strategy(2, 3) == sp.Matrix(sp.symbols("w2_1 w2_2 w2_3"))
    assert ones(3) == sp.Matrix([1, 1, 1])


def test_serialised_expressions_parse_back_to_the_same_symbols():
    e = a_vector(2)[0] * c_matrix(2)[0, 1] + r * s - tau
    assert sp.sympify(sp.sstr(e)) == e
    assert sp.expand(sp.sympify(sp.sstr(e)) - e) == 0


def test_beta_assumptions():
    assert beta_I.is_positive
    assert beta_A.is_nonnegative and beta_D.is_nonnegative
    assert r.is_positive is None and s.is_positive is None
