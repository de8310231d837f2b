"""DerivationRecord: checks, status and the JSON view (sympify-parseable strings)."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from nashalign.symbolic.records import GENERAL_K, Check, DerivationRecord, Step, expr_to_json


def _record() -> DerivationRecord:
    return DerivationRecord(name="demo", title="Demo", statement_latex="x = x")


def test_status_follows_the_checks():
    rec = _record()
    assert rec.status == "unchecked"
    assert rec.add_check("first", True, "exact") is True
    assert rec.add_check("second", 1) is True
    # No parameters and no general-K claim: proved at the explicit scope only.
    assert rec.finish().verified is True and rec.status == "proved at explicit parameters"
    rec = _record()
    rec.add_check("ok", True)
    assert rec.add_check("bad", False) is False
    assert rec.finish().status == "fails (counterexample)" and rec.verified is False
    assert [c.passed for c in rec.checks] == [True, False]
    assert rec.checks[0] == Check("ok", True, "", kind="identity", generality="parameters")


def test_statuses_distinguish_generality_hypotheses_and_unchecked_steps():
    rec = DerivationRecord("x", "X", "", params={"K": 3, "N": 2})
    rec.add_check("general", True, generality=GENERAL_K)
    rec.add_check("explicit confirmation", True, supplementary=True)
    rec.step("backed by the checks")
    assert rec.finish().status == "proved for general K" and rec.verified
    rec = DerivationRecord("x", "X", "", params={"K": 3, "N": 2})
    rec.add_check("explicit", True)
    rec.cite("kkt")
    assert rec.finish().status == "proved at explicit K = 3, N = 2"
    assert rec.cited and "Boyd" in rec.cited[0].reference
    rec = DerivationRecord("x", "X", "", params={"K": 3})
    rec.add_check("explicit", True)
    rec.steps.append(Step("an argument in prose"))  # untyped steps are unchecked
    assert rec.finish().status == "not established" and rec.verified is False
    assert "not machine-checked" in rec.failure and rec.unchecked_steps
    rec = DerivationRecord("x", "X", "", params={"K": 3})
    rec.add_hypothesis("concavity", "unknown")
    rec.add_check("explicit", True)
    assert rec.finish().status == "hypothesis unknown" and rec.verified is False
    rec = DerivationRecord("x", "X", "", params={"K": 3})
    rec.add_hypothesis("concavity", "fails")
    assert rec.finish().status == "fails (counterexample)"
    with pytest.raises(ValueError):
        rec.add_hypothesis("bad", "maybe")
    with pytest.raises(ValueError):
        rec.step("x", kind="vibes")


def test_legacy_records_keep_the_legacy_status():
    assert DerivationRecord("x", "X", "", verified=True).status == "verified"
    assert DerivationRecord("x", "X", "", verified=False).status == "FAILED"


def test_finish_without_checks_is_not_verified():
    assert _record().finish().verified is False


def test_finish_keeps_an_explicit_failure():
    rec = _record()
    rec.add_check("hypothesis", True)
    rec.verified = False
    rec.failure = "refuted"
    assert rec.finish().verified is False


def test_to_json_is_json_and_expressions_parse_back():
    rec = _record()
    a1, c12 = sp.symbols("a1 c12")
    M = sp.Matrix([[a1, sp.Rational(1, 3)], [c12**2, 0]])
    rec.expressions.update({"e": a1 / (1 + c12), "M": M, "v": sp.Matrix([a1, 2]), "l": [a1, 1]})
    rec.steps.append(Step("a step", "x", kind="definition"))
    rec.add_check("c", True, "d")
    rec.finish()
    data = json.loads(json.dumps(rec.to_json()))
    ex = data["expressions"]
    assert sp.sympify(ex["e"]) == a1 / (1 + c12)
    assert sp.Matrix(sp.sympify(ex["M"])) == M
    assert ex["v"] == ["a1", "2"]
    assert ex["l"] == ["a1", 1]
    assert data["verified"] is True
    assert data["checks"] == [
        {
            "description": "c",
            "passed": True,
            "detail": "d",
            "kind": "identity",
            "generality": "parameters",
        }
    ]
    assert data["status"] == rec.status
    assert data["steps"][0]["kind"] == "definition"


def test_expr_to_json_scalars_and_containers():
    assert expr_to_json({sp.Symbol("k"): (sp.Integer(1), None)}) == {"k": ["1", None]}
    assert expr_to_json(1.5) == 1.5 and expr_to_json("s") == "s" and expr_to_json(True) is True
    assert expr_to_json(object).startswith("<class")
