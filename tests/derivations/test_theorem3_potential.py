"""Theorem 3: the engine-built potential and the concavity bound on r."""

from __future__ import annotations

import sympy as sp
from nashalign.derivations import derive, theorem3_potential

from nashalign.symbolic.game import Game
from nashalign.symbolic.symbols import a_vector, beta_A, beta_D, beta_I, c_matrix, strategy


def test_theorem3_concavity_bound_for_k2():
    rec = derive("theorem3", K=2, N=3)
    c11, c12, c22 = sp.symbols("c11 c12 c22")
    assert sp.expand(rec.expressions["r_bound_e1_minus_e2"] - 2 * (c11 - 2 * c12 + c22)) == 0


def test_potential_gradients_are_the_agents_gradients():
    game = Game.from_variant("overlap", K=2, N=3)
    phi, symmetric = theorem3_potential.build_potential(game)
    assert symmetric
    for m in range(1, 4):
        diff = sp.Matrix([sp.diff(phi, x) for x in game.W[m - 1]]) - game.gradient(m)
        assert diff.applyfunc(sp.expand).is_zero_matrix


def test_asymmetric_interaction_is_not_a_potential_game():
    K = 2
    own, other = strategy(1, K), strategy(2, K)
    D = sp.Matrix([[0, 1], [0, 0]])
    u = beta_A * (a_vector(K).T * own)[0] - beta_I * (own.T * c_matrix(K) * own)[0]
    u -= beta_D * (own.T * D * other)[0]
    _, symmetric = theorem3_potential.build_potential(Game(u, K, 2, a_vector(K), c_matrix(K)))
    assert symmetric is False
