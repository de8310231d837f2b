"""The python-flint backend agrees exactly with SymPy's DomainMatrix, and its checks can fail."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp
from sympy.polys.matrices import DomainMatrix

from nashalign.symbolic.bordered import closed_form_parts
from nashalign.symbolic.flint_poly import FlintMatrix, FlintRing, from_domain_matrix
from nashalign.symbolic.matrix_backend import bordered_any, to_matrix, use_flint
from nashalign.symbolic.polyalg import bordered, ring_of, to_dm
from nashalign.symbolic.symbols import c_matrix, r


def _pair(M: sp.Matrix):
    gens = sorted(M.free_symbols, key=str)
    R, F = ring_of(gens), FlintRing(gens)
    return to_dm(M, R), FlintMatrix.from_sympy(M, F), F


def _same(F: FlintRing, flint_elem, sympy_elem) -> bool:
    return F.is_zero(flint_elem - F.from_dict(dict(sympy_elem)))


@pytest.mark.parametrize("K", [2, 3, 4])
def test_adjugate_and_determinant_agree_with_domainmatrix(K):
    M = 2 * c_matrix(K) + r * sp.eye(K)
    dm, fm, F = _pair(M)
    A, d = dm.adj_det()
    fA, fd = fm.adj_det()
    assert fA == from_domain_matrix(A, F)
    assert _same(F, fd, d)
    assert _same(F, fm.det_bareiss(), d)
    # the bordered matrix too (its corner is 0: Bareiss must pivot)
    bA, bd = bordered(dm).adj_det()
    fbA, fbd = bordered_any(fm).adj_det()
    assert fbA == from_domain_matrix(bA, F) and _same(F, fbd, bd)
    assert _same(F, bordered_any(fm).det_bareiss(), bd)


def test_singular_and_zero_pivot_matrices():
    x, y = sp.symbols("x y")
    for M in (
        sp.Matrix([[0, x], [y, 0]]),
        sp.Matrix([[x, x], [x, x]]),
        sp.Matrix([[0, 1, x], [1, 0, y], [x, y, 0]]),
        sp.Matrix([[1, 2, 3], [2, 4, 6], [x, y, 1]]),
    ):
        _, fm, F = _pair(M)
        # reference: SymPy's expression-level adjugate (DomainMatrix.adj_det trips on some)
        A, d = M.adjugate().applyfunc(sp.expand), sp.expand(M.det())
        fA, fd = fm.adj_det()
        assert fA == FlintMatrix.from_sympy(A, F) and F.is_zero(fd - F.from_sympy(d)), M
        assert F.is_zero(fm.det_bareiss() - F.from_sympy(d)), M
    one = FlintMatrix.from_sympy(sp.Matrix([[x]]), FlintRing([x]))
    assert one.adjugate().to_sympy() == sp.Matrix([[1]])


def test_conversions_are_exact_and_reject_non_polynomials():
    x, y = sp.symbols("x y")
    F = FlintRing([x, y])
    e = sp.Rational(3, 7) * x**2 * y - 5 * y + sp.Rational(1, 2)
    assert sp.expand(F.to_sympy(F.from_sympy(e)) - e) == 0
    R = ring_of([x, y])
    assert F.to_sympy_ring(F.from_sympy(e), R) == R.from_sympy(e)
    assert F.degree_in(F.from_sympy(e), x) == 2 and F.degree_in(F.zero, x) == -1
    assert F.to_sympy(F.coeff_in(F.from_sympy(e), y, 1)) == sp.Rational(3, 7) * x**2 - 5
    with pytest.raises(ValueError):
        F.from_sympy(sp.Symbol("z") * x)
    with pytest.raises(ValueError):
        F.from_sympy(1 / x)
    with pytest.raises(ValueError):
        F.from_sympy(sp.sqrt(2) * x)
    with pytest.raises(ValueError):
        FlintMatrix.eye(2, F) * FlintMatrix.eye(3, F)
    with pytest.raises(ValueError):
        use_flint("numpy", 3)
    assert isinstance(to_matrix(sp.eye(2), R), DomainMatrix)


def test_theorem1_parts_agree_exactly_with_sympy():
    for K in (2, 3):
        sym, fl = closed_form_parts(K), closed_form_parts(K, backend="flint")
        F = fl.domain
        for field in ("A", "B", "adjB", "Pi", "A1", "Pib0", "Pib1", "w_num"):
            assert getattr(fl, field) == from_domain_matrix(getattr(sym, field), F), field
        for field in ("det", "alpha", "detB", "lam_num"):
            assert _same(F, getattr(fl, field), getattr(sym, field)), field


def test_k7_adjugate_check_is_fast_and_can_fail():
    """The one explicit K = 7 check in the unit tests (~0.2 s): M adj M = det M I."""
    K = 7
    M = 2 * c_matrix(K) + r * sp.eye(K)
    F = FlintRing(sorted(M.free_symbols, key=str))
    fm = FlintMatrix.from_sympy(M, F)
    A, d = fm.adj_det()
    eye = FlintMatrix.eye(K, F)
    assert (fm * A - eye * d).is_zero_matrix
    assert F.degree_in(d, r) == K and F.to_sympy(F.coeff_in(d, r, K)) == 1
    # mutations: C -> 2C in the matrix checked, and a dropped term of the adjugate
    M2 = FlintMatrix.from_sympy(4 * c_matrix(K) + r * sp.eye(K), F)
    assert not (M2 * A - eye * d).is_zero_matrix
    rows = [list(row) for row in A.rows]
    rows[0][0] = rows[0][0] - F.from_sympy(r ** (K - 1))
    assert not (fm * FlintMatrix(rows, F) - eye * d).is_zero_matrix


def test_parts_mutation_is_caught_by_the_bordered_identity():
    fl = closed_form_parts(3, backend="flint")
    bad = dataclasses.replace(fl, alpha=fl.alpha * 2)
    assert not fl.domain.is_zero(bad.detB + bad.alpha)
    assert fl.domain.is_zero(fl.detB + fl.alpha)
