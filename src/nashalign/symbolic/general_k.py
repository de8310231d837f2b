r"""Theorem 1 for symbolic K, by rewriting in the free algebra of matrix symbols.

The matrices ``M``, ``A`` (K x K), the columns ``u = 1``, ``a`` (K x 1) and the row
``uT = 1^T`` are noncommutative symbols of unspecified size K; ``I`` is the
identity and ``d = det M``, ``alpha``, ``s`` are scalars. Every product written
here is a well-formed matrix product for every K. An identity is proved for
every K when its two sides reduce to the same normal form under the rewriting
rules

* ``M A -> d I`` and ``A M -> d I`` (the adjugate identity, true for every square
  matrix; Horn & Johnson 2013, Matrix Analysis, §0.8),
* ``uT A u -> alpha`` (the definition of alpha; a 1 x 1 factor is central),
* ``I X -> X``, ``X I -> X``.

The rules only replace equals by equals, so reducing ``lhs - rhs`` to 0 proves
the identity (soundness; the converse is not needed).

Examples
--------
>>> all(theorem1_general_k().values())
True
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import sympy as sp

__all__ = ["normal_form", "theorem1_general_k"]

M, A, u, uT, a, I = sp.symbols("M A u uT a I", commutative=False)
d, alpha, s = sp.symbols("d alpha s")


def normal_form(expr: sp.Expr, max_rounds: int = 20) -> sp.Expr:
    """Reduce ``expr`` with the rewriting rules of the module docstring (to a fixed point).

    Examples
    --------
    >>> normal_form(M * A * u - d * u)
    0
    """
    e = sp.expand(expr)
    for _ in range(max_rounds):
        prev = e
        e = sp.expand(e.subs({M * A: d * I, A * M: d * I}))
        e = sp.expand(
            e.subs({I * I: I}).subs(
                {M * I: M, I * M: M, A * I: A, I * A: A, I * u: u, uT * I: uT, I * a: a}
            )
        )
        e = sp.expand(e.subs(uT * A * u, alpha))
        if e == prev:
            break
    return e


def theorem1_general_k(
    pi_num: Callable[[], sp.Expr] | None = None,
) -> dict[str, bool]:
    """The identities of Theorem 1 for every K, with ``d Pi = alpha A - A 1 1^T A``,
    ``alpha lambda* = s 1^T A a - d`` and ``d alpha w* = d A 1 + s (d Pi) a`` (``b0 = 0``,
    ``b1 = a``: the canonical utility).

    ``pi_num`` overrides ``d Pi`` (a hook for mutation tests).

    Examples
    --------
    >>> theorem1_general_k(lambda: alpha * A)["1^T Pi = 0"]
    False
    """
    if pi_num is None:
        return dict(_default())
    return _identities(pi_num())


@lru_cache(maxsize=1)
def _default() -> tuple[tuple[str, bool], ...]:
    return tuple(_identities(alpha * A - A * u * uT * A).items())


def _identities(P: sp.Expr) -> dict[str, bool]:
    lam = s * uT * A * a - d
    w = d * A * u + s * P * a
    return {
        "1^T Pi = 0": normal_form(uT * P) == 0,
        "M Pi = alpha I - 1 1^T A": normal_form(M * P - d * (alpha * I - u * uT * A)) == 0,
        "M w* = s a - lambda* 1": normal_form(M * w - d * (s * alpha * a - u * lam)) == 0,
        "1^T w* = 1": normal_form(uT * w - d * alpha) == 0,
    }
