r"""Theorem 1's bordered solve over a polynomial ring, division-free.

The symmetric interior system of a homogeneous population is
``M w = b0 + s b1 - lambda 1``, ``1^T w = 1`` (see :mod:`nashalign.symbolic.linear`).
Its solution by adjugates, with ``A = adj M``, ``alpha = 1^T A 1``, the bordered
matrix ``B = [[M, 1], [1^T, 0]]`` and ``Pi = -adj(B)[:K, :K]``, is

    alpha w* = A 1 + Pi b0 + s Pi b1,    alpha lambda* = 1^T A (b0 + s b1) - det M.

:func:`bordered_solution` computes these objects for any DomainMatrix or
:class:`~nashalign.symbolic.flint_poly.FlintMatrix` ``M`` (one code path, through
:mod:`nashalign.symbolic.matrix_backend`); :func:`closed_form_parts` does it for a
game, or a shipped variant at explicit ``K``, over ``QQ[a, c, r, s]`` on either
backend (cached for the shipped variants), which is what Theorem 1 verifies and
what :mod:`nashalign.exact` evaluates at instances.

Examples
--------
>>> parts = closed_form_parts(2)
>>> sp.expand(parts.sym(parts.alpha))
2*c11 - 4*c12 + 2*c22 + 2*r
>>> closed_form_parts(2, backend="flint").sym(parts.alpha)
2*c11 - 4*c12 + 2*c22 + 2*r
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from nashalign.symbolic.flint_poly import FlintMatrix
from nashalign.symbolic.game import VARIANTS, Game
from nashalign.symbolic.linear import LinearStructure, linear_structure
from nashalign.symbolic.matrix_backend import (
    bordered_any,
    matrix_type,
    ring_for,
    to_matrix,
    use_flint,
)
from nashalign.symbolic.symbols import r, s

__all__ = [
    "BorderedSolution",
    "ClosedFormParts",
    "bordered_solution",
    "closed_form_parts",
    "ring_gens",
]

#: A DomainMatrix or a FlintMatrix (the two exact backends).
Matrix = DomainMatrix | FlintMatrix


@dataclass
class BorderedSolution:
    """Theorem 1's solution of ``M w = b0 + s b1 - lambda 1``, ``1^T w = 1`` by adjugates.

    Every field is a polynomial (DomainMatrix or FlintMatrix, or ring element) over
    ``M``'s domain: ``A = adj M``, ``alpha = 1^T A 1``, ``B`` the bordered matrix with
    ``adjB``/``detB``, ``Pi = -adj(B)[:K, :K]``, ``A1 = A 1``, ``Pib0 = Pi b0``,
    ``Pib1 = Pi b1``, ``w_num = alpha w*`` and ``lam_num = alpha lambda*``.
    """

    A: Matrix
    det: Any
    alpha: Any
    B: Matrix
    adjB: Matrix
    detB: Any
    Pi: Matrix
    A1: Matrix
    Pib0: Matrix
    Pib1: Matrix
    w_num: Matrix
    lam_num: Any


def bordered_solution(M: Matrix, b0: Matrix, b1: Matrix, s_elem: Any) -> BorderedSolution:
    """Solve the symmetric interior system of Theorem 1 over ``M``'s polynomial ring.

    ``M``, ``b0`` and ``b1`` are DomainMatrix or
    :class:`~nashalign.symbolic.flint_poly.FlintMatrix` (the same formulas over either);
    ``s_elem`` is ``s`` as an element of that ring.

    Examples
    --------
    >>> from nashalign.symbolic.matrix_backend import ring_for, to_matrix
    >>> for flint in (False, True):
    ...     R = ring_for([s], flint)
    ...     M, b = to_matrix(sp.Matrix([[2, 0], [0, 2]]), R), to_matrix(sp.Matrix([1, -1]), R)
    ...     sol = bordered_solution(M, b * 0, b, R.from_sympy(s))
    ...     print(R.to_sympy(sol.alpha), [R.to_sympy(sol.w_num[k, 0].element) for k in (0, 1)])
    4 [2*s + 2, 2 - 2*s]
    4 [2*s + 2, 2 - 2*s]
    """
    K = M.shape[0]
    A, det = M.adj_det()
    one = matrix_type(M.domain).ones((K, 1), M.domain)
    alpha = (one.transpose() * A * one)[0, 0].element
    B = bordered_any(M)
    adjB, detB = B.adj_det()
    Pi = -adjB.extract(list(range(K)), list(range(K)))
    A1 = A * one
    Pib0 = Pi * b0
    Pib1 = Pi * b1
    w_num = A1 + Pib0 + Pib1 * s_elem
    lam_num = (one.transpose() * A * (b0 + b1 * s_elem))[0, 0].element - det
    return BorderedSolution(A, det, alpha, B, adjB, detB, Pi, A1, Pib0, Pib1, w_num, lam_num)


@dataclass
class ClosedFormParts(BorderedSolution):
    """The closed form of Theorem 1 for a game, over the polynomial ring ``domain``.

    ``w_num`` is ``alpha * w*`` (a polynomial vector) and ``lam_num`` is
    ``alpha * lambda*``; ``A1 = A 1`` and ``Pib1 = Pi b1`` (``b1 = a`` for the
    shipped variants). ``domain`` is a SymPy ``QQ[...]`` ring or a
    :class:`~nashalign.symbolic.flint_poly.FlintRing`, and the matrices are over it.
    """

    game: Game
    structure: LinearStructure
    domain: Any
    gens: list
    M: Matrix

    def sym(self, x: Any) -> sp.Expr:
        """Convert a ring element to SymPy."""
        return self.domain.to_sympy(x)

    def w_star(self) -> list[sp.Expr]:
        """The K weights of ``w*`` as SymPy expressions (numerator / alpha)."""
        al = self.sym(self.alpha)
        return [self.sym(self.w_num[k, 0].element) / al for k in range(self.game.K)]


def ring_gens(game: Game) -> list[sp.Symbol]:
    """Generators of the polynomial ring: parameters, extra utility parameters, then r and s."""
    return [*game.param_symbols(), *game.extra_symbols(), r, s]


def closed_form_parts(
    game: Game | int,
    variant: str = "overlap",
    N: int = 2,
    backend: str = "auto",
) -> ClosedFormParts:
    """Compute the Theorem 1 objects for a game on the chosen exact backend.

    Parameters
    ----------
    game : Game or int
        A homogeneous :class:`~nashalign.symbolic.game.Game` (any utility, possibly
        user-built: its extra parameters join the polynomial ring), or an explicit
        ``K`` for the shipped ``variant`` with ``N`` agents.
    variant, N
        The shipped variant and agent count when ``game`` is an integer ``K``.
    backend : {"auto", "sympy", "flint"}
        Exact arithmetic: SymPy's DomainMatrix, python-flint's
        :class:`~nashalign.symbolic.flint_poly.FlintMatrix`, or ``"auto"`` (FLINT from
        :data:`~nashalign.symbolic.matrix_backend.FLINT_MIN_K`). ``M(r)``, ``b0`` and
        ``b1`` are derived by SymPy either way.

    Returns
    -------
    ClosedFormParts
        Cached (per K, variant, N and backend) for the shipped variants, so do not
        mutate it; computed afresh for any other game.

    Raises
    ------
    InputError
        When the first-order conditions are not of the required linear form.
    ValueError
        For an unknown ``backend``.

    Examples
    --------
    >>> parts = closed_form_parts(2)
    >>> sp.expand(parts.sym(parts.det))
    4*c11*c22 + 2*c11*r - 4*c12**2 + 2*c22*r + r**2
    >>> g = Game.from_variant("spread", K=2, N=2)
    >>> sp.expand(closed_form_parts(g).sym(closed_form_parts(g).alpha))
    2*c11 - 4*c12 + 2*c22 + 4*r
    >>> closed_form_parts(g, backend="flint") is closed_form_parts(2, "spread", backend="flint")
    True
    """
    if isinstance(game, Game):
        flint = use_flint(backend, game.K)
        if game.variant in VARIANTS and not game.heterogeneous:
            return _named_parts(game.K, game.variant, game.N, flint)
        return _parts(game, flint)
    return _named_parts(game, variant, N, use_flint(backend, game))


@lru_cache(maxsize=48)
def _named_parts(K: int, variant: str, N: int, flint: bool) -> ClosedFormParts:
    return _parts(Game.from_variant(variant, K=K, N=N), flint)


closed_form_parts.cache_clear = _named_parts.cache_clear  # type: ignore[attr-defined]


def _parts(game: Game, flint: bool) -> ClosedFormParts:
    ls = linear_structure(game)
    gens = ring_gens(game)
    dom = ring_for(gens, flint)
    M = to_matrix(ls.M_sym, dom)
    sol = bordered_solution(M, to_matrix(ls.b0, dom), to_matrix(ls.b1, dom), dom.from_sympy(s))
    return ClosedFormParts(**vars(sol), game=game, structure=ls, domain=dom, gens=gens, M=M)
