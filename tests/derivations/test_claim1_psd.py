"""Claim 1: the sum-of-squares identity behind C being PSD."""

from __future__ import annotations

import pytest
from nashalign.derivations import claim1_psd

from nashalign.symbolic.polyalg import expr_is_zero


def test_general_k_termwise_identities_hold():
    assert claim1_psd.general_k_termwise() is True


def test_claim1_is_proved_for_general_k():
    rec = claim1_psd.derive(K=3)
    assert rec.status == "proved for general K"
    assert all(s.kind != "unchecked" for s in rec.steps)


@pytest.mark.parametrize(("K", "n"), [(2, 2), (2, 4), (3, 3)])
def test_explicit_identity_holds(K, n):
    ok, quad, sos = claim1_psd._explicit_identity(K, n)
    assert ok
    assert expr_is_zero(quad - sos)


def test_claim1_identity_rejects_a_wrong_normalisation():
    ok, quad, sos = claim1_psd._explicit_identity(2, 3)
    assert ok
    n = 3
    # With 1/n instead of 1/(n-1) the identity must fail: the check can fail.
    assert not expr_is_zero(quad - sos * (n - 1) / n)


def test_record_carries_both_sides():
    rec = claim1_psd.derive(K=2)
    assert rec.verified
    assert expr_is_zero(rec.expressions["quadratic_form"] - rec.expressions["sum_of_squares"])
