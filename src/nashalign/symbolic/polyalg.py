"""Exact polynomial linear algebra for the derivations.

Naive SymPy (``simplify``, ``Matrix.adjugate`` on expressions) is far too slow
at K = 5 with fully symbolic entries. Here every matrix is a
:class:`~sympy.polys.matrices.DomainMatrix` over a polynomial ring ``QQ[...]``
(or its fraction field), where adjugates, determinants and products are
division-free and a zero test is exact and immediate.

Examples
--------
>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> R = ring_of([x, y])
>>> M = to_dm(sp.Matrix([[x, 1], [1, y]]), R)
>>> sp.expand(to_sympy(M.det(), R))
x*y - 1
>>> is_zero_dm(M * M.adjugate() - M.eye(2, R) * M.det())
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sympy as sp
from sympy.polys.matrices import DomainMatrix


def ring_of(gens: Sequence[sp.Symbol], field: bool = False):
    """Polynomial ring ``QQ[gens]`` (or its fraction field when ``field``)."""
    R = sp.QQ[tuple(gens)]
    return R.get_field() if field else R


def to_dm(M: sp.MatrixBase, domain) -> DomainMatrix:
    """Convert a SymPy matrix to a DomainMatrix over ``domain``."""
    return DomainMatrix.from_Matrix(sp.Matrix(M)).convert_to(domain)


def to_sympy(x, domain) -> sp.Expr:
    """Convert a domain element back to a SymPy expression."""
    return domain.to_sympy(x)


def dm_to_sympy(M: DomainMatrix) -> sp.Matrix:
    """Convert a DomainMatrix back to a SymPy Matrix."""
    return M.to_Matrix()


def is_zero_dm(M: DomainMatrix) -> bool:
    """Exact test that every entry of ``M`` is the zero element."""
    return bool(M.is_zero_matrix)


def scalar_dm(x, K: int, domain) -> DomainMatrix:
    """``x * I_K`` as a DomainMatrix."""
    return DomainMatrix.eye(K, domain) * x


def ones_dm(rows: int, cols: int, domain) -> DomainMatrix:
    """All-ones DomainMatrix."""
    return DomainMatrix.ones((rows, cols), domain)


def bordered(M: DomainMatrix) -> DomainMatrix:
    """The bordered matrix ``[[M, 1], [1^T, 0]]``."""
    K = M.shape[0]
    dom = M.domain
    top = M.hstack(ones_dm(K, 1, dom))
    bottom = ones_dm(1, K, dom).hstack(DomainMatrix.zeros((1, 1), dom))
    return top.vstack(bottom)


def adjugate_det(M: DomainMatrix) -> tuple[DomainMatrix, object]:
    """``(adj M, det M)``, division-free; det by Laplace expansion along the first row.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> R = ring_of([x])
    >>> A, d = adjugate_det(to_dm(sp.Matrix([[x, 1], [1, 2]]), R))
    >>> to_sympy(d, R)
    2*x - 1
    """
    K = M.shape[0]
    A = M.adjugate()
    det = (M.extract([0], list(range(K))) * A.extract(list(range(K)), [0]))[0, 0].element
    return A, det


def linear_parts(
    exprs: Sequence[sp.Expr], variables: Sequence[sp.Symbol]
) -> tuple[sp.Matrix, sp.Matrix]:
    """Split affine expressions as ``exprs = J * variables + c``.

    Raises ValueError when an expression is not affine in ``variables``.

    Examples
    --------
    >>> x, y, p = sp.symbols("x y p")
    >>> J, c = linear_parts([p * x + 2 * y + 1], [x, y])
    >>> J, c
    (Matrix([[p, 2]]), Matrix([[1]]))
    """
    variables = list(variables)
    J = sp.zeros(len(exprs), len(variables))
    c = sp.zeros(len(exprs), 1)
    for i, e in enumerate(exprs):
        poly = sp.Poly(sp.expand(e), *variables)
        if poly.total_degree() > 1:
            raise ValueError("expression is not affine in the strategy variables")
        for monom, coeff in poly.terms():
            if sum(monom) == 0:
                c[i] = coeff
            else:
                J[i, monom.index(1)] = coeff
    return J, c


def expr_is_zero(expr: sp.Expr, gens: Iterable[sp.Symbol] | None = None) -> bool:
    """Exact zero test of a rational expression (numerator reduced as a polynomial).

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> expr_is_zero((x**2 - 1) / (x - 1) - (x + 1))
    True
    """
    num, _ = sp.fraction(sp.together(sp.expand(expr)))
    num = sp.expand(num)
    if num == 0:
        return True
    g = list(gens) if gens is not None else sorted(num.free_symbols, key=str)
    if not g:
        return bool(num == 0)
    return sp.Poly(num, *g).is_zero
