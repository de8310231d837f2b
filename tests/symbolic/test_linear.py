"""The linear structure of the first-order conditions, ``timed`` and ``concavity_failure``."""

from __future__ import annotations

import time

import pytest
import sympy as sp

from nashalign.errors import InputError
from nashalign.symbolic.game import Game
from nashalign.symbolic.linear import concavity_failure, linear_structure, timed
from nashalign.symbolic.records import DerivationRecord
from nashalign.symbolic.symbols import (
    a_vector,
    beta_A,
    beta_D,
    beta_I,
    c_matrix,
    r,
    s,
    strategy,
)


def _zero(M: sp.Matrix) -> bool:
    return M.applyfunc(sp.expand).is_zero_matrix


@pytest.mark.parametrize(("K", "N"), [(2, 2), (3, 3), (2, 4)])
def test_overlap_structure(K, N):
    ls = linear_structure(Game.from_variant("overlap", K=K, N=N))
    C = c_matrix(K)
    assert ls.b0 == sp.zeros(K, 1)
    assert ls.b1 == a_vector(K)
    assert _zero(ls.P - 2 * C)
    assert _zero(ls.Q - r / (N - 1) * sp.eye(K))
    assert _zero(ls.M_sym - (2 * C + r * sp.eye(K)))
    assert _zero(ls.M_dev - (2 * C - r / (N - 1) * sp.eye(K)))


def test_spread_structure_has_no_interaction():
    ls = linear_structure(Game.from_variant("spread", K=2, N=3))
    assert ls.Q == sp.zeros(2, 2)
    assert _zero(ls.M_sym - (2 * c_matrix(2) + 2 * r * sp.eye(2)))
    assert _zero(ls.M_sym - ls.M_dev)


def test_structure_reproduces_the_gradient():
    game = Game.from_variant("overlap", K=2, N=3)
    for m in (1, 2, 3):
        ls = linear_structure(game, m)
        others = sum((w for j, w in enumerate(game.W) if j != m - 1), sp.zeros(2, 1))
        rebuilt = ls.b0 + s * ls.b1 - ls.P * game.W[m - 1] - ls.Q * others
        assert _zero(game.normalised(game.gradient(m)) - rebuilt)


def test_non_quadratic_utility_is_rejected_by_the_closed_forms():
    K = 2
    own, other = strategy(1, K), strategy(2, K)
    u = beta_A * own[0] ** 3 - beta_I * (own.T * own)[0] - beta_D * (own.T * other)[0]
    g = Game(u, K, 2, a_vector(K), c_matrix(K))
    assert not g.is_quadratic()
    with pytest.raises(InputError, match="not quadratic"):
        linear_structure(g)


def test_asymmetric_treatment_of_the_others_is_rejected():
    K = 2
    own, w2, w3 = strategy(1, K), strategy(2, K), strategy(3, K)
    u = beta_A * (a_vector(K).T * own)[0] - beta_I * (own.T * c_matrix(K) * own)[0]
    u -= beta_D * (own.T * (w2 + 2 * w3))[0]
    with pytest.raises(InputError, match="symmetrically"):
        linear_structure(Game(u, K, 3, a_vector(K), c_matrix(K)))


def test_beta_i_left_after_normalisation_is_rejected():
    K = 2
    own, other = strategy(1, K), strategy(2, K)
    u = beta_A * (a_vector(K).T * own)[0] - beta_I**2 * (own.T * c_matrix(K) * own)[0]
    u -= beta_D * (own.T * other)[0]
    with pytest.raises(InputError, match="beta_I"):
        linear_structure(Game(u, K, 2, a_vector(K), c_matrix(K)))


def test_timed_stores_the_elapsed_time():
    rec = DerivationRecord(name="t", title="T", statement_latex="")
    with timed(rec) as inside:
        assert inside is rec
        time.sleep(0.01)
    assert rec.seconds >= 0.01


def test_concavity_failure():
    ok = DerivationRecord(name="t", title="T", statement_latex="")
    assert concavity_failure(Game.from_variant("overlap", K=2, N=2), ok) is False
    assert ok.verified is None and ok.checks[0].passed
    bad = DerivationRecord(name="t", title="T", statement_latex="")
    assert concavity_failure(Game.from_variant("distance", K=2, N=2), bad) is True
    assert bad.verified is False
    assert "concavity hypothesis fails" in bad.failure
    assert not bad.checks[0].passed
