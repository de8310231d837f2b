"""The model as data: games from utility expressions, variants, concavity."""

from __future__ import annotations

import pytest
import sympy as sp

from nashalign.errors import InputError
from nashalign.symbolic.game import VARIANTS, Game
from nashalign.symbolic.linear import linear_structure
from nashalign.symbolic.symbols import a_vector, beta_A, beta_D, beta_I, c_matrix, r, strategy


@pytest.mark.parametrize("variant", VARIANTS)
def test_variants_build_quadratic_games(variant):
    g = Game.from_variant(variant, K=3, N=3)
    assert g.is_quadratic()
    assert len(g.W) == 3
    assert g.gradient(2).shape == (3, 1)


def test_agent_utilities_are_permutations_of_the_given_one():
    g = Game.from_variant("overlap", K=2, N=3)
    u2 = g.utility_of(2)
    # Agent 2 is penalised for overlapping with agents 1 and 3.
    assert sp.diff(u2, sp.Symbol("w1_1")) == -beta_D * sp.Symbol("w2_1") / 2


def test_custom_utility_is_a_parameter_of_the_engine():
    K, N = 2, 2
    own, other = strategy(1, K), strategy(2, K)
    a, C = a_vector(K), c_matrix(K)
    # A custom diversity term: a quadratic penalty on the gap with weight 3 beta_D.
    u = beta_A * (a.T * own)[0] - beta_I * (own.T * C * own)[0] - 3 * beta_D * (own.T * other)[0]
    g = Game(u, K, N, a, C)
    ls = linear_structure(g)
    assert (ls.M_sym - (2 * C + 3 * r * sp.eye(K))).applyfunc(sp.expand).is_zero_matrix
    assert g.concavity().status == "concave"


def test_concavity_statuses():
    assert Game.from_variant("overlap", 3, 2).concavity().status == "concave"
    assert Game.from_variant("spread", 3, 2).concavity().status == "concave"
    fails = Game.from_variant("distance", 3, 2).concavity()
    assert fails.status == "fails"
    assert fails.witness["qHq"] == "4"
    # the witness direction is feasible: it lies in the tangent space 1-perp of the simplex
    assert sum(fails.witness["q"]) == 0


def test_concavity_is_tested_on_the_tangent_space_only():
    # beta_D (1^T w)^2 is constant on the simplex: convex on R^K, but irrelevant on 1-perp.
    from nashalign.symbolic.symbols import beta_D, beta_I, strategy

    K, N = 3, 2
    W = [strategy(m, K) for m in (1, 2)]
    a, C = sp.Matrix(sp.symbols("a1:4")), Game.from_variant("overlap", K, N).C
    u = -beta_I * (W[0].T * C * W[0])[0] + beta_D * sum(W[0]) ** 2
    assert Game(u, K, N, a, C).concavity().status == "concave"


def test_undecided_concavity_is_unknown_not_fails():
    from nashalign.symbolic.symbols import beta_I, strategy

    K, N = 2, 2
    W = [strategy(m, K) for m in (1, 2)]
    g0 = Game.from_variant("overlap", K, N)
    u = -beta_I * (W[0].T * g0.C * W[0])[0] * (1 + g0.C[0, 0])
    conc = Game(u, K, N, g0.a, g0.C).concavity()
    assert conc.status == "unknown" and not conc.witness


def test_heterogeneous_agents_have_their_own_parameters():
    g = Game.from_variant("overlap", K=2, N=2, heterogeneous=True)
    assert sp.Symbol("a2_1") in g.gradient(2).free_symbols
    assert sp.Symbol("a1_1") not in g.gradient(2).free_symbols


@pytest.mark.parametrize(("K", "N"), [(1, 2), (2, 1), (0, 3)])
def test_bad_sizes(K, N):
    with pytest.raises(InputError):
        Game.from_variant("overlap", K=K, N=N)


def test_unknown_variant():
    with pytest.raises(InputError, match="unknown variant"):
        Game.from_variant("nope", 2, 2)
