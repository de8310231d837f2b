"""The model chapter (``book/model.md``): the shipped utility variants, as the engine holds them.

Examples
--------
>>> md = utility_variants()
>>> md.startswith("**overlap**") and "$$" in md
True
"""

from __future__ import annotations

__all__ = ["utility_variants"]


def utility_variants(K: int = 2, N: int = 2) -> str:
    """Each shipped utility variant: agent 1's utility, its own Hessian and the concavity verdict.

    The formulas are SymPy's LaTeX of the engine's own expressions
    (:meth:`nashalign.symbolic.game.Game.utility_of`, ``hessian_own``).
    """
    import sympy as sp

    from nashalign.publish.render import math_block
    from nashalign.symbolic.game import VARIANTS, Game

    parts = []
    for variant in VARIANTS:
        game = Game.from_variant(variant, K=K, N=N)
        conc = game.concavity()
        parts.append(
            f"**{variant}** (concavity in the own strategy: *{conc.status}*; {conc.reason})\n\n"
            + math_block(
                r"u_1 = "
                + sp.latex(game.utility_of(1))
                + r",\qquad \nabla^2_{w_1} u_1 = "
                + sp.latex(game.hessian_own(1))
            )
        )
    return "\n\n".join(parts)
