"""DerivationRecord: checks, status and the JSON view (sympify-parseable strings)."""

from __future__ import annotations

import json

import sympy as sp

from nashalign.symbolic.records import Check, DerivationRecord, Step, expr_to_json


def _record() -> DerivationRecord:
    return DerivationRecord(name="demo", title="Demo", statement_latex="x = x")


def test_status_follows_the_checks():
    rec = _record()
    assert rec.status == "unchecked"
    assert rec.add_check("first", True, "exact") is True
    assert rec.add_check("second", 1) is True
    assert rec.finish().verified is True and rec.status == "verified"
    rec = _record()
    rec.add_check("ok", True)
    assert rec.add_check("bad", False) is False
    assert rec.finish().status == "FAILED"
    assert rec.checks == [Check("ok", True, ""), Check("bad", False, "")]


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
    rec.steps.append(Step("a step", "x"))
    rec.add_check("c", True, "d")
    rec.finish()
    data = json.loads(json.dumps(rec.to_json()))
    ex = data["expressions"]
    assert sp.sympify(ex["e"]) == a1 / (1 + c12)
    assert sp.Matrix(sp.sympify(ex["M"])) == M
    assert ex["v"] == ["a1", "2"]
    assert ex["l"] == ["a1", 1]
    assert data["verified"] is True
    assert data["checks"] == [{"description": "c", "passed": True, "detail": "d"}]


def test_expr_to_json_scalars_and_containers():
    assert expr_to_json({sp.Symbol("k"): (sp.Integer(1), None)}) == {"k": ["1", None]}
    assert expr_to_json(1.5) == 1.5 and expr_to_json("s") == "s" and expr_to_json(True) is True
    assert expr_to_json(object).startswith("<class")
