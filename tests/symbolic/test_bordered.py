"""Theorem 1's division-free bordered solve against independent SymPy solves."""

from __future__ import annotations

import pytest
import sympy as sp
from sympy.polys.matrices import DomainMatrix

from nashalign.symbolic.bordered import bordered_solution, closed_form_parts
from nashalign.symbolic.polyalg import ring_of, to_dm
from nashalign.symbolic.symbols import a_vector, c_matrix, r, s


def _lu_reference(M: sp.Matrix, b: sp.Matrix) -> tuple[sp.Matrix, sp.Expr]:
    """Solve ``M w = b - lambda 1``, ``1^T w = 1`` with Matrix.LUsolve on the bordered system."""
    K = M.shape[0]
    B = M.row_join(sp.ones(K, 1)).col_join(sp.ones(1, K).row_join(sp.zeros(1, 1)))
    sol = B.LUsolve(b.col_join(sp.Matrix([1])))
    return sol[:K, :], sol[K]


@pytest.mark.parametrize(
    ("M", "b0", "b1", "s_value"),
    [
        (
            sp.Matrix([[3, 1], [1, 2]]),
            sp.Matrix([0, 0]),
            sp.Matrix([sp.Rational(1, 2), -1]),
            sp.Rational(3, 4),
        ),
        (
            sp.Matrix([[4, 1, 0], [1, 3, sp.Rational(1, 2)], [0, sp.Rational(1, 2), 5]]),
            sp.Matrix([1, 0, -2]),
            sp.Matrix([2, sp.Rational(-1, 3), 1]),
            sp.Rational(-5, 7),
        ),
    ],
    ids=["2x2", "3x3"],
)
def test_rational_instance_matches_lusolve(M, b0, b1, s_value):
    dom = sp.QQ
    sol = bordered_solution(to_dm(M, dom), to_dm(b0, dom), to_dm(b1, dom), dom.from_sympy(s_value))
    w_ref, lam_ref = _lu_reference(M, b0 + s_value * b1)
    alpha = dom.to_sympy(sol.alpha)
    assert alpha != 0
    assert sol.w_num.to_Matrix() / alpha == w_ref
    assert dom.to_sympy(sol.lam_num) / alpha == lam_ref
    assert dom.to_sympy(sol.det) == M.det()
    assert sol.A.to_Matrix() == M.adjugate()
    assert dom.to_sympy(sol.detB) == -alpha


def test_a_wrong_right_hand_side_is_detected():
    M, b1 = sp.Matrix([[3, 1], [1, 2]]), sp.Matrix([1, 0])
    dom = sp.QQ
    zero = DomainMatrix.zeros((2, 1), dom)
    sol = bordered_solution(to_dm(M, dom), zero, to_dm(b1, dom), dom.from_sympy(sp.Integer(1)))
    w_wrong, _ = _lu_reference(M, sp.Matrix([0, 1]))
    assert sol.w_num.to_Matrix() / dom.to_sympy(sol.alpha) != w_wrong


def test_symbolic_2x2_matches_lusolve():
    a, C = a_vector(2), c_matrix(2)
    M = 2 * C + r * sp.eye(2)
    dom = ring_of([*a, *sorted(C.free_symbols, key=str), r, s])
    zero = DomainMatrix.zeros((2, 1), dom)
    sol = bordered_solution(to_dm(M, dom), zero, to_dm(a, dom), dom.from_sympy(s))
    w_ref, lam_ref = _lu_reference(M, s * a)
    alpha = dom.to_sympy(sol.alpha)
    for k in range(2):
        assert sp.cancel(dom.to_sympy(sol.w_num[k, 0].element) / alpha - w_ref[k]) == 0
    assert sp.cancel(dom.to_sympy(sol.lam_num) / alpha - lam_ref) == 0


def test_pi_annihilates_constant_shifts():
    # Adding c 1 to the right-hand side only moves lambda: Pi 1 = 0 and 1^T Pi = 0.
    parts = closed_form_parts(3)
    one = DomainMatrix.ones((3, 1), parts.domain)
    assert (parts.Pi * one).is_zero_matrix
    assert (one.transpose() * parts.Pi).is_zero_matrix


@pytest.mark.parametrize("K", [2, 3])
def test_closed_form_parts_solve_the_symmetric_system(K):
    parts = closed_form_parts(K)
    ws = sp.Matrix(parts.w_star())
    lam = parts.sym(parts.lam_num) / parts.sym(parts.alpha)
    ls = parts.structure
    resid = ls.M_sym * ws - (ls.b0 + s * ls.b1) + lam * sp.ones(K, 1)
    assert all(sp.cancel(x) == 0 for x in resid)
    assert sp.cancel(sum(ws) - 1) == 0
    assert parts.gens[-2:] == [r, s]


def test_closed_form_parts_is_cached_per_variant():
    assert closed_form_parts(2) is closed_form_parts(2)
    spread, overlap = closed_form_parts(2, "spread"), closed_form_parts(2)
    assert spread is not overlap
    # alpha = 1^T adj(2C + rI) 1 for overlap, 1^T adj(2C + 2rI) 1 for spread: they differ by 2r.
    assert sp.expand(spread.sym(spread.alpha) - overlap.sym(overlap.alpha)) == 2 * r
