"""Exact polynomial linear algebra for the derivations.

Naive SymPy (``simplify``, ``Matrix.adjugate`` on expressions) is far too slow
at K = 5 with fully symbolic entries. Here every matrix is a
:class:`~sympy.polys.matrices.DomainMatrix` over a polynomial ring ``QQ[...]``
(or its fraction field), where products are exact, a zero test is immediate and
``DomainMatrix.adj_det()`` gives the adjugate and determinant together,
division-free (characteristic polynomial by Berkowitz). From K = 5 the
derivations run the same algebra on python-flint instead
(:mod:`nashalign.symbolic.flint_poly`), which reaches K = 7.

Examples
--------
>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> R = ring_of([x, y])
>>> M = to_dm(sp.Matrix([[x, 1], [1, y]]), R)
>>> adj, det = M.adj_det()
>>> sp.expand(to_sympy(det, R))
x*y - 1
>>> is_zero_dm(M * adj - M.eye(2, R) * det)
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sympy as sp
from sympy.polys.matrices import DomainMatrix
from sympy.solvers.solveset import NonlinearError


def ring_of(gens: Sequence[sp.Symbol], field: bool = False) -> Any:
    """Polynomial ring ``QQ[gens]`` (or its fraction field when ``field``).

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> ring_of([x, y])
    QQ[x,y]
    >>> ring_of([x], field=True)
    QQ(x)
    """
    R = sp.QQ[tuple(gens)]
    return R.get_field() if field else R


def to_dm(M: sp.MatrixBase, domain: Any) -> DomainMatrix:
    """Convert a SymPy matrix to a DomainMatrix over ``domain``.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> to_dm(sp.Matrix([[x, 1]]), ring_of([x])).domain
    QQ[x]
    """
    return DomainMatrix.from_Matrix(sp.Matrix(M)).convert_to(domain)


def to_sympy(x: Any, domain: Any) -> sp.Expr:
    """Convert a domain element back to a SymPy expression.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> R = ring_of([x])
    >>> to_sympy(R.from_sympy(x**2 + 1), R)
    x**2 + 1
    """
    return domain.to_sympy(x)


def is_zero_dm(M: DomainMatrix) -> bool:
    """Exact test that every entry of ``M`` is the zero element.

    Examples
    --------
    >>> R = ring_of([sp.Symbol("x")])
    >>> is_zero_dm(DomainMatrix.zeros((2, 2), R)), is_zero_dm(ones_dm(1, 1, R))
    (True, False)
    """
    return bool(M.is_zero_matrix)


def ones_dm(rows: int, cols: int, domain: Any) -> DomainMatrix:
    """All-ones DomainMatrix.

    Examples
    --------
    >>> ones_dm(2, 1, sp.QQ).to_Matrix().T
    Matrix([[1, 1]])
    """
    return DomainMatrix.ones((rows, cols), domain)


def bordered(M: DomainMatrix) -> DomainMatrix:
    """The bordered matrix ``[[M, 1], [1^T, 0]]``.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> bordered(to_dm(sp.Matrix([[x, 2], [2, 3]]), ring_of([x]))).to_Matrix()
    Matrix([
    [x, 2, 1],
    [2, 3, 1],
    [1, 1, 0]])
    """
    K = M.shape[0]
    dom = M.domain
    top = M.hstack(ones_dm(K, 1, dom))
    bottom = ones_dm(1, K, dom).hstack(DomainMatrix.zeros((1, 1), dom))
    return top.vstack(bottom)


def linear_parts(
    exprs: Sequence[sp.Expr], variables: Sequence[sp.Symbol]
) -> tuple[sp.Matrix, sp.Matrix]:
    """Split affine expressions as ``exprs = J * variables + c``.

    A wrapper of :func:`sympy.linear_eq_to_matrix` (which returns ``A, b`` with
    ``A x = b``, so ``c = -b``), with every entry expanded.

    Parameters
    ----------
    exprs : sequence of Expr
        Expressions affine in ``variables``.
    variables : sequence of Symbol
        The variables.

    Returns
    -------
    J : Matrix
        ``len(exprs) x len(variables)`` coefficient matrix.
    c : Matrix
        ``len(exprs) x 1`` constant terms.

    Raises
    ------
    ValueError
        When an expression is not affine in ``variables``.

    Examples
    --------
    >>> x, y, p = sp.symbols("x y p")
    >>> J, c = linear_parts([p * x + 2 * y + 1], [x, y])
    >>> J, c
    (Matrix([[p, 2]]), Matrix([[1]]))
    >>> linear_parts([x * y], [x, y])
    Traceback (most recent call last):
    ...
    ValueError: expression is not affine in the strategy variables: ...
    """
    try:
        A, b = sp.linear_eq_to_matrix(list(exprs), list(variables))
    except NonlinearError as err:
        raise ValueError(f"expression is not affine in the strategy variables: {err}") from None
    return A.applyfunc(sp.expand), (-b).applyfunc(sp.expand)


def expr_is_zero(expr: sp.Expr, gens: Iterable[sp.Symbol] | None = None) -> bool:
    """Exact zero test of a rational expression (numerator reduced as a polynomial).

    Parameters
    ----------
    expr : Expr
        A rational expression.
    gens : iterable of Symbol, optional
        Generators of the numerator's polynomial ring (default: its free symbols).

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
