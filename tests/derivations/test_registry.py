"""The registry: every derivation verifies at explicit K; variants; parameter validation; plan."""

from __future__ import annotations

import pytest
from nashalign.derivations import MODULES, NAMES, derive, title, verification_plan

from nashalign.errors import InputError


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("K", [2, 3])
def test_every_result_verifies(name, K):
    if name == "heterogeneous" and K > 2:
        pytest.skip("symbolic heterogeneous derivation is limited to K = 2 (see derive)")
    rec = derive(name, K=K)
    assert rec.verified is True, [c for c in rec.checks if not c.passed]
    assert rec.checks and all(c.passed for c in rec.checks)
    assert rec.statement_latex
    assert rec.steps
    assert rec.seconds > 0
    assert rec.title == title(name)


def test_registry_keys_are_the_module_names():
    assert tuple(MODULES) == NAMES
    for name, module in MODULES.items():
        assert module.NAME == name
        assert title(name) == module.TITLE
        assert callable(module.derive)


@pytest.mark.parametrize(
    "name", ["lemma0", "theorem1", "lemma2", "theorem2", "exclusion", "heterogeneous"]
)
def test_distance_variant_reports_concavity_failure(name):
    rec = derive(name, K=2, variant="distance")
    assert rec.verified is False
    assert "concavity hypothesis fails" in rec.failure
    failing = [c for c in rec.checks if not c.passed]
    assert failing and "concavity" in failing[0].description


@pytest.mark.parametrize("name", ["lemma0", "theorem1", "lemma2", "theorem2", "theorem3"])
def test_spread_variant_is_derived_not_assumed(name):
    rec = derive(name, K=3, variant="spread")
    assert rec.verified is True
    if name == "lemma2":
        # M(r) = 2C + 2rI for "spread": leading coefficient K * 2^(K-1), derived, not K.
        assert rec.expressions["leading_coefficient"] == 3 * 2**2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "nope"}, "unknown result"),
        ({"name": "claim1", "K": 1}, "K must be an integer >= 2"),
        ({"name": "claim1", "K": 99}, "beyond the explicit symbolic range"),
        ({"name": "theorem2", "N": 1}, "N must be an integer >= 2"),
        ({"name": "lemma0", "variant": "bogus"}, "unknown variant"),
        ({"name": "heterogeneous", "K": 3, "N": 2}, "limited to K = 2"),
    ],
)
def test_bad_parameters_raise_one_clear_error(kwargs, message):
    with pytest.raises(InputError, match=message):
        derive(**kwargs)


def test_verification_plan_covers_every_result_and_k5():
    plan = verification_plan(4)
    assert {name for name, _ in plan} == set(NAMES)
    assert ("theorem1", {"K": 5}) in plan
    assert ("lemma2", {"K": 5}) in plan
    with pytest.raises(InputError):
        verification_plan(1)


def test_agent_count_is_bounded_with_one_clear_error():
    from nashalign.derivations import MAX_N

    with pytest.raises(InputError, match="beyond the explicit symbolic range"):
        derive("theorem2", K=2, N=MAX_N + 88)


def test_statuses_say_how_general_the_proof_is():
    # Lemma 2's general-K leading term is cited (B_0 = I), not a general-K identity: it is
    # "proved for general K" only through the Coq kernel, in a run that compiled it.
    general = {"claim1", "lemma0", "theorem1"}
    for name in NAMES:
        rec = derive(name, K=2)
        if name in general:
            assert rec.status == "proved for general K", (name, rec.status)
        else:
            assert rec.status.startswith("proved at explicit K = 2"), (name, rec.status)
        assert not rec.unchecked_steps
        assert all(s.kind in ("checked", "cited", "definition") for s in rec.steps)
        for c in rec.cited:
            assert c.reference or c.description.startswith(("Lemma", "Theorem")), c


def test_spread_is_only_proved_at_explicit_k():
    assert derive("theorem1", K=2, variant="spread").status == "proved at explicit K = 2"


def test_a_user_game_reaches_every_result_without_a_traceback():
    from nashalign.symbolic.utility_parser import parse_utility

    for text in [
        "beta_A*dot(a, w1) - beta_I*quad(w1, C) - kappa*beta_D*dot(w1, wbar)",
        "beta_A*dot(a, w1) - beta_I*quad(w1, C) - beta_D*dot(w1, wbar)^2",
        "beta_A*dot(a, w1) + beta_I*quad(w1, C)",
    ]:
        game = parse_utility(text, K=2, N=2)
        for name in NAMES:
            rec = derive(name, game=game)
            assert rec.status in (
                "fails (counterexample)",
                "hypothesis unknown",
                "not established",
            ) or rec.status.startswith("proved"), (name, rec.status)
            if not rec.verified:
                assert rec.failure


def test_derive_rejects_a_non_game():
    with pytest.raises(InputError, match="game must be"):
        derive("theorem1", game="u = w")
