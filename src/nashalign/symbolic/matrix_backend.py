"""One code path over either exact matrix backend: SymPy's DomainMatrix or python-flint.

The derivations run the same algebra over a SymPy polynomial ring ``QQ[...]``
(:class:`~sympy.polys.matrices.DomainMatrix`, :mod:`nashalign.symbolic.polyalg`) or
over a :class:`~nashalign.symbolic.flint_poly.FlintRing`
(:class:`~nashalign.symbolic.flint_poly.FlintMatrix`), which reaches K = 7. This
module holds what is neutral between the two: the choice of backend
(:func:`use_flint`), the ring (:func:`ring_for`), conversion of SymPy matrices
(:func:`to_matrix`) and the constructors (:func:`matrix_type`, :func:`bordered_any`).
It sits below :mod:`nashalign.symbolic.bordered` and imports only
:mod:`~nashalign.symbolic.polyalg` and :mod:`~nashalign.symbolic.flint_poly`, which
import neither it nor ``bordered``.

Examples
--------
>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> [type(ring_for([x], flint)).__name__ for flint in (False, True)]
['PolynomialRing', 'FlintRing']
>>> F = ring_for([x], flint=True)
>>> bordered_any(to_matrix(sp.Matrix([[x]]), F)).to_sympy()
Matrix([
[x, 1],
[1, 0]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from nashalign.symbolic.flint_poly import FlintMatrix, FlintRing
from nashalign.symbolic.polyalg import ring_of, to_dm

__all__ = [
    "BACKENDS",
    "FLINT_MIN_K",
    "bordered_any",
    "is_flint",
    "matrix_type",
    "ring_for",
    "to_matrix",
    "use_flint",
]

#: Explicit K from which the derivations use python-flint by default (``backend="auto"``).
FLINT_MIN_K = 5
#: Accepted values of every ``backend`` argument.
BACKENDS = ("auto", "sympy", "flint")


def use_flint(backend: str, K: int) -> bool:
    """Whether ``backend`` (``"auto"``, ``"sympy"`` or ``"flint"``) means FLINT at this ``K``.

    Raises ValueError for any other ``backend``.

    Examples
    --------
    >>> use_flint("auto", 3), use_flint("auto", FLINT_MIN_K), use_flint("flint", 2)
    (False, True, True)
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    return backend == "flint" or (backend == "auto" and K >= FLINT_MIN_K)


def is_flint(domain: Any) -> bool:
    """Whether ``domain`` is a :class:`~nashalign.symbolic.flint_poly.FlintRing`.

    Examples
    --------
    >>> is_flint(ring_for([sp.Symbol("x")], flint=True)), is_flint(sp.QQ)
    (True, False)
    """
    return isinstance(domain, FlintRing)


def ring_for(gens: Sequence[sp.Symbol], flint: bool) -> Any:
    """``QQ[gens]``: a :class:`~nashalign.symbolic.flint_poly.FlintRing` when ``flint``,
    else SymPy's polynomial ring.

    Examples
    --------
    >>> ring_for(sp.symbols("x y"), flint=False)
    QQ[x,y]
    """
    return FlintRing(gens) if flint else ring_of(gens)


def to_matrix(M: sp.MatrixBase, domain: Any) -> DomainMatrix | FlintMatrix:
    """A SymPy matrix as a FlintMatrix (FLINT ``domain``) or a DomainMatrix (SymPy ``domain``).

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> type(to_matrix(sp.Matrix([[x]]), ring_for([x], flint=False))).__name__
    'DomainMatrix'
    """
    if is_flint(domain):
        return FlintMatrix.from_sympy(M, domain)
    return to_dm(M, domain)


def matrix_type(domain: Any) -> type:
    """``FlintMatrix`` or ``DomainMatrix`` (both have ``eye``, ``zeros``, ``ones``).

    Examples
    --------
    >>> matrix_type(sp.QQ).ones((1, 2), sp.QQ).to_Matrix()
    Matrix([[1, 1]])
    """
    return FlintMatrix if is_flint(domain) else DomainMatrix


def bordered_any(M: DomainMatrix | FlintMatrix) -> DomainMatrix | FlintMatrix:
    """The bordered matrix ``[[M, 1], [1^T, 0]]`` of a FlintMatrix or a DomainMatrix.

    Examples
    --------
    >>> bordered_any(DomainMatrix.eye(1, sp.QQ)).to_Matrix()
    Matrix([
    [1, 1],
    [1, 0]])
    """
    K = M.shape[0]
    T = matrix_type(M.domain)
    top = M.hstack(T.ones((K, 1), M.domain))
    bottom = T.ones((1, K), M.domain).hstack(T.zeros((1, 1), M.domain))
    return top.vstack(bottom)
