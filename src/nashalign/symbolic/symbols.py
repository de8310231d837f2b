"""Canonical SymPy symbols of the model.

Names are fixed so that derived expressions serialise to strings that
``sympy.sympify`` parses back: ``a1..aK`` for the attractiveness vector,
``cij`` (``i <= j``, 1-based) for the entries of the symmetric matrix ``C``,
``r = beta_D / beta_I`` and ``s = beta_A / beta_I``. Symbols carry no
assumptions, so that ``sympify`` of a serialised expression gives back the
very same symbols.

Examples
--------
>>> a_vector(3).T
Matrix([[a1, a2, a3]])
>>> c_matrix(2)
Matrix([
[c11, c12],
[c12, c22]])
"""

from __future__ import annotations

import sympy as sp

r, s, tau = sp.symbols("r s tau")
beta_A = sp.Symbol("beta_A", nonnegative=True)
beta_I = sp.Symbol("beta_I", positive=True)
beta_D = sp.Symbol("beta_D", nonnegative=True)


def _idx(i: int, j: int, K: int) -> str:
    return f"{i}{j}" if K <= 9 else f"{i}_{j}"


def a_vector(K: int, prefix: str = "a") -> sp.Matrix:
    """Column vector ``(a1, ..., aK)`` of attractiveness symbols."""
    return sp.Matrix([sp.Symbol(f"{prefix}{k + 1}") for k in range(K)])


def c_matrix(K: int, prefix: str = "c") -> sp.Matrix:
    """Symmetric K x K matrix of symbols ``cij`` (``i <= j``)."""
    return sp.Matrix(
        K, K, lambda i, j: sp.Symbol(f"{prefix}{_idx(min(i, j) + 1, max(i, j) + 1, K)}")
    )


def strategy(m: int, K: int) -> sp.Matrix:
    """Column vector of agent ``m``'s (1-based) strategy symbols ``w{m}_{k}``."""
    return sp.Matrix([sp.Symbol(f"w{m}_{k + 1}") for k in range(K)])


def ones(K: int) -> sp.Matrix:
    """Column vector of K ones."""
    return sp.ones(K, 1)
