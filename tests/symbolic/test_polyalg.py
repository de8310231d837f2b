"""DomainMatrix helpers over QQ[...]: conversions, bordering, adj_det, affine splitting, zero tests."""

from __future__ import annotations

import pytest
import sympy as sp
from sympy.polys.matrices import DomainMatrix

from nashalign.symbolic.polyalg import (
    bordered,
    expr_is_zero,
    is_zero_dm,
    linear_parts,
    ones_dm,
    ring_of,
    to_dm,
    to_sympy,
)

x, y, z, p = sp.symbols("x y z p")


def test_ring_of_and_round_trip():
    R = ring_of([x, y])
    F = ring_of([x, y], field=True)
    assert R == sp.QQ[x, y] and not R.is_Field
    assert F.is_Field
    e = x**2 * y - sp.Rational(3, 2) * y + 1
    assert sp.expand(to_sympy(R.from_sympy(e), R) - e) == 0
    M = sp.Matrix([[x, 1], [y, 2]])
    assert to_dm(M, R).to_Matrix() == M


def test_bordered_layout():
    R = ring_of([x])
    B = bordered(to_dm(sp.Matrix([[x, 2, 3], [2, 5, 6], [3, 6, 9]]), R)).to_Matrix()
    assert B.shape == (4, 4)
    assert B[:3, 3] == sp.ones(3, 1)
    assert B[3, :3] == sp.ones(1, 3)
    assert B[3, 3] == 0


def test_adj_det_matches_sympy_on_a_symbolic_3x3():
    M = sp.Matrix([[x, 1, y], [1, y, z], [y, z, x + z]])
    R = ring_of([x, y, z])
    adj, det = to_dm(M, R).adj_det()
    assert sp.expand(to_sympy(det, R) - M.det()) == 0
    assert (adj.to_Matrix() - M.adjugate()).applyfunc(sp.expand) == sp.zeros(3, 3)
    assert is_zero_dm(to_dm(M, R) * adj - DomainMatrix.eye(3, R) * det)


def test_bordered_determinant_is_minus_one_adj_one():
    # det [[M, 1], [1^T, 0]] = -1^T adj(M) 1, the identity Theorem 1 relies on.
    M = sp.Matrix([[x, y], [y, z]])
    R = ring_of([x, y, z])
    Md = to_dm(M, R)
    adj, _ = Md.adj_det()
    one = ones_dm(2, 1, R)
    alpha = (one.transpose() * adj * one)[0, 0].element
    _, detB = bordered(Md).adj_det()
    assert R.is_zero(detB + alpha)
    assert sp.expand(to_sympy(alpha, R) - (x - 2 * y + z)) == 0


def test_is_zero_dm():
    R = ring_of([x])
    assert is_zero_dm(DomainMatrix.zeros((2, 3), R))
    assert not is_zero_dm(to_dm(sp.Matrix([[0, x]]), R))


def test_linear_parts_splits_and_reconstructs():
    exprs = [p * x + 2 * y + 1, (p + 1) * (x - z) - 3, sp.Integer(5)]
    J, c = linear_parts(exprs, [x, y, z])
    assert J == sp.Matrix([[p, 2, 0], [p + 1, 0, -p - 1], [0, 0, 0]])
    # c is the constant term itself (linear_eq_to_matrix's b is its negative).
    assert c == sp.Matrix([1, -3, 5])
    back = J * sp.Matrix([x, y, z]) + c
    assert all(sp.expand(b - e) == 0 for b, e in zip(back, exprs, strict=True))


def test_linear_parts_entries_are_expanded():
    J, c = linear_parts([(p + 1) ** 2 * x + (p - 1) ** 2], [x])
    assert J[0, 0] == p**2 + 2 * p + 1
    assert c[0] == p**2 - 2 * p + 1


@pytest.mark.parametrize("expr", [x**2 + y, x * y, sp.sin(x) + 1, p / x, (x + 1) ** 2], ids=str)
def test_linear_parts_rejects_non_affine_input(expr):
    with pytest.raises(ValueError, match="not affine"):
        linear_parts([x + y, expr], [x, y])


def test_expr_is_zero():
    assert expr_is_zero((x**2 - 1) / (x - 1) - (x + 1))
    assert expr_is_zero(sp.Integer(0))
    assert expr_is_zero((x + y) ** 2 - x**2 - 2 * x * y - y**2, [x, y])
    assert not expr_is_zero((x**2 - 1) / (x - 1) - x)
    assert not expr_is_zero(sp.Rational(1, 10**12))
