"""End-to-end CLI tests of ``verify`` and ``derive`` (subprocess, real exit codes)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sympy as sp


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nashalign", *args], capture_output=True, text=True, timeout=600
    )


def test_derive_theorem1_json_shape_and_parseable():
    proc = run_cli("derive", "theorem1", "--k", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert {"name", "statement_latex", "verified", "method", "seconds", "expressions"} <= set(d)
    assert d["name"] == "theorem1" and d["verified"] is True
    assert d["status"] in ("proved for general K", "proved at explicit K = 3")
    assert {c["kind"] for c in d["checks"]} >= {"identity", "hypothesis", "cited"}
    assert all(s["kind"] != "unchecked" for s in d["steps"])
    ws = [sp.sympify(x) for x in d["expressions"]["w_star"]]
    alpha = sp.sympify(d["expressions"]["alpha"])
    assert len(ws) == 3
    allowed = {
        sp.Symbol(n) for n in ["a1", "a2", "a3", "c11", "c12", "c13", "c22", "c23", "c33", "r", "s"]
    }
    assert set().union(*(w.free_symbols for w in ws)) <= allowed
    assert sp.cancel(sum(ws) - 1) == 0
    assert sp.Poly(alpha, sp.Symbol("r")).degree() == 2


def test_derive_lemma2_json_alpha():
    proc = run_cli("derive", "lemma2", "--k", "2", "--json")
    d = json.loads(proc.stdout)
    r = sp.Symbol("r")
    assert (
        sp.expand(
            sp.sympify(d["expressions"]["alpha"])
            - (2 * sp.Symbol("c11") - 4 * sp.Symbol("c12") + 2 * sp.Symbol("c22") + 2 * r)
        )
        == 0
    )


def test_derive_distance_reports_failure_with_exit_1():
    proc = run_cli("derive", "lemma0", "--variant", "distance", "--k", "2")
    assert proc.returncode == 1
    assert "concavity hypothesis fails" in proc.stdout
    assert "[fails (counterexample)" in proc.stdout.splitlines()[0]


def test_derive_theorem3_distance_inherits_the_failed_hypothesis():
    proc = run_cli("derive", "theorem3", "--variant", "distance", "--k", "2", "--json")
    assert proc.returncode == 1
    d = json.loads(proc.stdout)
    assert d["status"] == "fails (counterexample)" and d["verified"] is False
    hyp = [c for c in d["checks"] if c["kind"] == "hypothesis"]
    assert hyp and hyp[0]["outcome"] == "fails"


def test_derive_user_utility_with_an_extra_parameter_json():
    expr = "beta_A*dot(a, w1) - beta_I*quad(w1, C) - kappa*beta_D*dot(w1, wbar)"
    proc = run_cli("derive", "theorem1", "--utility", expr, "--k", "2", "--json")
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["status"] == "proved at explicit K = 2, N = 2" and d["params"]["variant"] == "custom"
    alpha = sp.sympify(d["expressions"]["alpha"])
    assert sp.Symbol("kappa") in alpha.free_symbols


@pytest.mark.parametrize("name", ["lemma2", "theorem2", "theorem3", "exclusion", "heterogeneous"])
def test_derive_user_utility_not_of_the_required_form_is_a_record_not_a_traceback(name):
    expr = "beta_A*dot(a, w1) - beta_I*quad(w1, C) - kappa*beta_D*dot(w1, wbar)"
    proc = run_cli("derive", name, "--utility", expr, "--k", "2", "--json")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    d = json.loads(proc.stdout)
    assert d["verified"] is False and "not of the required form" in d["failure"]


def test_derive_non_quadratic_utility_is_hypothesis_unknown():
    expr = "beta_A*dot(a, w1) - beta_I*quad(w1, C) - beta_D*dot(w1, wbar)^2"
    proc = run_cli("derive", "theorem1", "--utility", expr, "--k", "2", "--json")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["status"] == "hypothesis unknown"


@pytest.mark.parametrize(
    "payload",
    [
        "__import__('os').system('touch PWNED')",
        "w1_1.__class__",
        "exec('1')",
        "lambda: 1",
        "w1_1 ** 99999",
        "a[0]",
    ],
)
def test_derive_utility_rejects_code(payload, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "nashalign", "derive", "lemma0", "--utility", payload, "--k", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "utility" in lines[0] and "Traceback" not in proc.stderr
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("derive", "nope"), "unknown result"),
        (("derive", "claim1", "--k", "1"), "K must be"),
        (("derive", "lemma0", "--variant", "weird"), "unknown variant"),
        (("derive", "claim1", "--k", "x"), "invalid int value"),
        (("verify", "--max-k", "1"), "--max-k"),
        (("frobnicate",), "invalid choice"),
    ],
)
def test_bad_input_one_line_exit_2(args, needle):
    proc = run_cli(*args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


@pytest.mark.slow
def test_verify_json_all_pass():
    proc = run_cli("verify", "--max-k", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["failed"] == 0
    assert all(rec["status"].startswith("proved") for rec in d["records"])
    names = {rec["name"] for rec in d["records"]}
    assert {
        "claim1",
        "lemma0",
        "theorem1",
        "lemma2",
        "theorem2",
        "theorem3",
        "exclusion",
        "heterogeneous",
    } == names
    assert any(rec["name"] == "theorem1" and rec["params"]["K"] == 5 for rec in d["records"])


def test_derive_prints_unicode_maths_and_says_where_the_rest_is(capsys):
    from nashalign.cli import main

    assert main(["derive", "theorem1", "--k", "3"]) == 0
    out = capsys.readouterr().out
    assert "\\frac" not in out and "\\mathbf" not in out and "α(r) ≠ 0 ⇒" in out
    assert "--full prints them whole" in out
    assert main(["derive", "theorem1", "--k", "3", "--full"]) == 0
    full = capsys.readouterr().out
    assert " …" not in full and "--full prints" not in full and len(full) > len(out)


def test_help_is_plain_text_with_the_terms_explained():
    from nashalign.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name, parser in sub.choices.items():
        text = parser.format_help()
        assert "SPEC" not in text and "``" not in text and ":func:" not in text, name
    assert "all " in sub.choices["solve"].format_help()
    assert "alpha_tilde" in sub.choices["solve"].format_help()
