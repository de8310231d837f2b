r"""Theorem 1's bordered solve over a polynomial ring, division-free.

The symmetric interior system of a homogeneous population is
``M w = b0 + s b1 - lambda 1``, ``1^T w = 1`` (see :mod:`nashalign.symbolic.linear`).
Its solution by adjugates, with ``A = adj M``, ``alpha = 1^T A 1``, the bordered
matrix ``B = [[M, 1], [1^T, 0]]`` and ``Pi = -adj(B)[:K, :K]``, is

    alpha w* = A 1 + Pi b0 + s Pi b1,    alpha lambda* = 1^T A (b0 + s b1) - det M.

:func:`bordered_solution` computes these objects for any DomainMatrix ``M``;
:func:`closed_form_parts` does it for a game variant at explicit ``K`` over
``QQ[a, c, r, s]`` (cached), which is what Theorem 1 verifies and what
:mod:`nashalign.exact` evaluates at instances.

Examples
--------
>>> parts = closed_form_parts(2)
>>> sp.expand(parts.sym(parts.alpha))
2*c11 - 4*c12 + 2*c22 + 2*r
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from nashalign.symbolic.game import Game
from nashalign.symbolic.linear import LinearStructure, linear_structure
from nashalign.symbolic.polyalg import bordered, ones_dm, ring_of, to_dm
from nashalign.symbolic.symbols import r, s

__all__ = [
    "BorderedSolution",
    "ClosedFormParts",
    "bordered_solution",
    "closed_form_parts",
    "closed_form_parts_for",
]


@dataclass
class BorderedSolution:
    """Theorem 1's solution of ``M w = b0 + s b1 - lambda 1``, ``1^T w = 1`` by adjugates.

    Every field is a polynomial (DomainMatrix or ring element) over ``M``'s
    domain: ``A = adj M``, ``alpha = 1^T A 1``, ``B`` the bordered matrix with
    ``adjB``/``detB``, ``Pi = -adj(B)[:K, :K]``, ``A1 = A 1``, ``Pib0 = Pi b0``,
    ``Pib1 = Pi b1``, ``w_num = alpha w*`` and ``lam_num = alpha lambda*``.
    """

    A: DomainMatrix
    det: object
    alpha: object
    B: DomainMatrix
    adjB: DomainMatrix
    detB: object
    Pi: DomainMatrix
    A1: DomainMatrix
    Pib0: DomainMatrix
    Pib1: DomainMatrix
    w_num: DomainMatrix
    lam_num: object


def bordered_solution(
    M: DomainMatrix, b0: DomainMatrix, b1: DomainMatrix, s_elem
) -> BorderedSolution:
    """Solve the symmetric interior system of Theorem 1 over ``M``'s polynomial ring.

    ``s_elem`` is ``s`` as an element of that ring.
    """
    K = M.shape[0]
    A, det = M.adj_det()
    one = ones_dm(K, 1, M.domain)
    alpha = (one.transpose() * A * one)[0, 0].element
    B = bordered(M)
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
    shipped variants).
    """

    game: Game
    structure: LinearStructure
    domain: object
    gens: list
    M: DomainMatrix

    def sym(self, x) -> sp.Expr:
        """Convert a ring element to SymPy."""
        return self.domain.to_sympy(x)

    def w_star(self) -> list[sp.Expr]:
        """The K weights of ``w*`` as SymPy expressions (numerator / alpha)."""
        al = self.sym(self.alpha)
        return [self.sym(self.w_num[k, 0].element) / al for k in range(self.game.K)]


def ring_gens(game: Game) -> list[sp.Symbol]:
    """Generators of the polynomial ring: parameters, extra utility parameters, then r and s."""
    return [*game.param_symbols(), *game.extra_symbols(), r, s]


def closed_form_parts_for(game: Game) -> ClosedFormParts:
    """Compute the Theorem 1 objects for any (possibly user-built) homogeneous ``game``.

    Extra parameters of the utility join the polynomial ring. Raises InputError
    when the first-order conditions are not of the required linear form.

    Examples
    --------
    >>> g = Game.from_variant("spread", K=2, N=2)
    >>> sp.expand(closed_form_parts_for(g).sym(closed_form_parts_for(g).alpha))
    2*c11 - 4*c12 + 2*c22 + 4*r
    """
    if game.variant in ("overlap", "spread", "distance") and not game.heterogeneous:
        return closed_form_parts(game.K, game.variant, game.N)
    return _parts(game)


def _parts(game: Game) -> ClosedFormParts:
    ls = linear_structure(game)
    gens = ring_gens(game)
    dom = ring_of(gens)
    M = to_dm(ls.M_sym, dom)
    sol = bordered_solution(M, to_dm(ls.b0, dom), to_dm(ls.b1, dom), dom.from_sympy(s))
    return ClosedFormParts(**vars(sol), game=game, structure=ls, domain=dom, gens=gens, M=M)


@lru_cache(maxsize=32)
def closed_form_parts(K: int, variant: str = "overlap", N: int = 2) -> ClosedFormParts:
    """Compute the Theorem 1 objects for ``variant`` at explicit ``K`` (cached).

    Examples
    --------
    >>> parts = closed_form_parts(2)
    >>> sp.expand(parts.sym(parts.det))
    4*c11*c22 + 2*c11*r - 4*c12**2 + 2*c22*r + r**2
    """
    return _parts(Game.from_variant(variant, K=K, N=N))
