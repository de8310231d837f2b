"""The symbolic engine: the model's symbols, the game built from a utility expression,
exact polynomial linear algebra, derivation records, the linear structure of the
first-order conditions and Theorem 1's bordered solve.

- :mod:`~nashalign.symbolic.symbols`: canonical symbols (``a1..aK``, ``cij``, ``r``, ``s``).
- :mod:`~nashalign.symbolic.game`: :class:`~nashalign.symbolic.game.Game` from a SymPy utility.
- :mod:`~nashalign.symbolic.polyalg`: DomainMatrix helpers over ``QQ[...]``.
- :mod:`~nashalign.symbolic.flint_poly`: the same exact matrix algebra with python-flint
  (the derivations' checks from K = 5; ``verify`` goes to K = 6, and 7 for Theorem 1 / Lemma 2).
- :mod:`~nashalign.symbolic.matrix_backend`: the backend choice and the helpers neutral
  between DomainMatrix and FlintMatrix (below ``bordered``, so one code path serves both).
- :mod:`~nashalign.symbolic.records`: :class:`~nashalign.symbolic.records.DerivationRecord`.
- :mod:`~nashalign.symbolic.linear`: ``grad_m / beta_I = b0 + s b1 - P w_m - Q sum w_j``.
- :mod:`~nashalign.symbolic.bordered`: the division-free bordered solve of Theorem 1 and
  ``closed_form_parts``, its one entry point (either backend).
- :mod:`~nashalign.symbolic.general_k`: Theorem 1 for symbolic K by free-algebra rewriting.
- :mod:`~nashalign.symbolic.utility_parser`: the safe parser of user utilities.

Examples
--------
>>> from nashalign.symbolic.game import Game
>>> Game.from_variant("overlap", K=2, N=2).K
2
"""
