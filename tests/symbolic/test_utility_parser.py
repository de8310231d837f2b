"""The safe utility parser: grammar, names, extra parameters, and rejected code."""

from __future__ import annotations

import pytest
import sympy as sp

from nashalign.errors import InputError
from nashalign.symbolic.game import Game
from nashalign.symbolic.symbols import beta_A, beta_D, beta_I
from nashalign.symbolic.utility_parser import parse_utility


def test_vector_and_scalar_forms_agree_with_the_shipped_variant():
    ref = Game.from_variant("overlap", K=3, N=3).utility
    vec = parse_utility("beta_A*dot(a, w1) - beta_I*quad(w1, C) - beta_D*dot(w1, wbar)", 3, 3)
    assert sp.expand(vec.utility - ref) == 0
    g = parse_utility(
        "beta_A*(a1*w1_1 + a2*w1_2) - beta_I*(c11*w1_1^2 + 2*c21*w1_1*w1_2 "
        "+ c22*w1_2**2) - beta_D*(w1_1*w2_1 + w1_2*w2_2)",
        2,
        2,
    )
    assert sp.expand(g.utility - Game.from_variant("overlap", K=2, N=2).utility) == 0


def test_extra_parameters_become_symbols():
    g = parse_utility("beta_A*dot(a, w1) - beta_I*quad(w1, C) + kappa*norm2(w1 - wbar)/2", 2, 2)
    assert g.extra_symbols() == [sp.Symbol("kappa")]
    assert {beta_A, beta_I} <= g.utility.free_symbols and beta_D not in g.utility.free_symbols


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("__import__('os').system('ls')", "unexpected character '_'"),
        ("w1_1.real", "attribute access"),
        ("open(w1_1)", "not a function"),
        ("gamma * w1_1", "SymPy name"),
        ("eval(1)", "not a function"),
        ("w1_1 ** 100", "exponents"),
        ("w1_1 ** w1_2", "exponents"),
        ("dot(w1)", "takes 2"),
        ("w1 * w2", "use dot()"),
        ("w1 + 1", "adding a scalar and a vector"),
        ("w9_1", "unknown model symbol"),
        ("a7 * w1_1", "unknown model symbol"),
        ("foo_bar * w1_1", "unknown name"),
        ("r * w1_1", "reserved"),
        ("beta_I", "does not depend on the own strategy"),
        ("", "empty"),
        ("(" * 100 + "w1_1" + ")" * 100, "nesting"),
        ("w1_1 +", "unexpected"),
        ("w1_1 / 0", "division by zero"),
        ("'w1_1'", "unexpected character"),
        ("w1_1; 1", "unexpected character"),
    ],
)
def test_rejected_input_is_one_clear_error(text, needle):
    with pytest.raises(InputError, match=None) as err:
        parse_utility(text, 2, 2)
    assert needle in str(err.value)
    assert "\n" not in str(err.value)


def test_bad_k_and_n():
    with pytest.raises(InputError, match="K must be"):
        parse_utility("w1_1", 1, 2)
    with pytest.raises(InputError, match="N must be"):
        parse_utility("w1_1", 2, 1)
