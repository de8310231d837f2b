"""Every derivation verifies at explicit K; variants; failure reporting."""

from __future__ import annotations

import pytest
import sympy as sp
from nashalign.derivations import (
    NAMES,
    claim1_psd,
    derive,
    lemma2_degenerate_ratios,
    theorem1_interior_ne,
    title,
    verification_plan,
)

from nashalign.errors import InputError
from nashalign.symbolic.polyalg import expr_is_zero


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


@pytest.mark.parametrize("name", ["lemma0", "theorem1", "theorem2", "exclusion", "heterogeneous"])
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


def test_theorem1_spread_matrix_differs_from_overlap():
    over = derive("theorem1", K=2)
    spread = derive("theorem1", K=2, variant="spread")
    r = sp.Symbol("r")
    assert sp.expand(over.expressions["M"][0, 0] - spread.expressions["M"][0, 0]) == -r


def test_theorem1_k5_verifies_without_expressions():
    rec = theorem1_interior_ne.derive(K=5, expressions=False)
    assert rec.verified is True


def test_lemma2_general_k_leading_term_is_symbolic_k():
    K = sp.Symbol("K", integer=True, positive=True)
    assert lemma2_degenerate_ratios.general_k_leading_coefficient() == K


@pytest.mark.parametrize("K", [2, 3, 4])
def test_lemma2_degree_and_leading_coefficient(K):
    rec = derive("lemma2", K=K)
    poly = sp.Poly(rec.expressions["alpha"], sp.Symbol("r"))
    assert poly.degree() == K - 1
    assert poly.LC() == K


@pytest.mark.parametrize("N", [2, 3, 4])
def test_theorem2_leading_coefficient_depends_on_n(N):
    rec = derive("theorem2", K=3, N=N)
    assert rec.verified
    assert sp.nsimplify(rec.expressions["leading_coefficient"]) == 3 * sp.Rational(-1, N - 1) ** 2


def test_theorem3_concavity_bound_for_k2():
    rec = derive("theorem3", K=2, N=3)
    c11, c12, c22 = sp.symbols("c11 c12 c22")
    assert sp.expand(rec.expressions["r_bound_e1_minus_e2"] - 2 * (c11 - 2 * c12 + c22)) == 0


@pytest.mark.slow
def test_heterogeneous_three_agents():
    rec = derive("heterogeneous", K=2, N=3)
    assert rec.verified


def test_claim1_identity_rejects_a_wrong_normalisation():
    ok, quad, sos = claim1_psd._explicit_identity(2, 3)
    assert ok
    n = 3
    # With 1/n instead of 1/(n-1) the identity must fail: the check can fail.
    assert not expr_is_zero(quad - sos * (n - 1) / n)


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
