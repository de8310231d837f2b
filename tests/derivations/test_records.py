"""Golden files of derived expressions (K = 2, 3): derived output must not drift.

``python -m nashalign.derivations.regenerate --check`` must exit 0, and detect drift.

Each expression is parsed with ``sympy.sympify`` from the golden file and
compared exactly (``cancel(golden - derived) == 0``). The K = 2 Theorem 1
golden is also checked against an independent solve of the bordered system.
"""

from __future__ import annotations

import json

import pytest
import sympy as sp
from nashalign.derivations import derive, regenerate
from nashalign.derivations.regenerate import PINNED as GOLDEN
from nashalign.derivations.regenerate import record_path as golden_path


def _parse(x):
    if isinstance(x, list):
        return [_parse(v) for v in x]
    return sp.sympify(x)


def _same(a, b) -> bool:
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return sp.cancel(a - b) == 0


@pytest.mark.parametrize(
    ("name", "K", "N", "keys"), GOLDEN, ids=[f"{g[0]}-K{g[1]}-N{g[2]}" for g in GOLDEN]
)
def test_derived_expressions_match_golden(name, K, N, keys):
    golden = json.loads(golden_path(name, K, N).read_text())
    rec = derive(name, K=K, N=N)
    assert rec.verified
    current = rec.to_json()["expressions"]
    for key in keys:
        assert _same(_parse(golden[key]), _parse(current[key])), f"{name} K={K}: {key} drifted"


def test_golden_theorem1_k2_is_the_solution_of_the_bordered_system():
    golden = json.loads(golden_path("theorem1", 2, 2).read_text())
    a1, a2, c11, c12, c22, r, s, lam = sp.symbols("a1 a2 c11 c12 c22 r s lam")
    w1, w2 = sp.symbols("w1 w2")
    M = sp.Matrix([[2 * c11 + r, 2 * c12], [2 * c12, 2 * c22 + r]])
    eqs = list(M * sp.Matrix([w1, w2]) - s * sp.Matrix([a1, a2]) + lam * sp.ones(2, 1)) + [
        w1 + w2 - 1
    ]
    sol = sp.solve(eqs, [w1, w2, lam], dict=True)[0]
    ws = _parse(golden["w_star"])
    assert sp.cancel(ws[0] - sol[w1]) == 0
    assert sp.cancel(ws[1] - sol[w2]) == 0
    assert sp.cancel(_parse(golden["lambda_star"]) - sol[lam]) == 0


def test_golden_mismatch_is_detected():
    golden = json.loads(golden_path("theorem1", 2, 2).read_text())
    alpha = _parse(golden["alpha"])
    assert not _same(alpha, alpha + sp.Symbol("r") / 10**9)


def test_regenerate_check_exits_0():
    assert regenerate.main(["--check"]) == 0


def test_regenerate_check_reports_a_drifted_record(tmp_path, monkeypatch, capsys):
    name, K, N, keys = GOLDEN[0]
    path = tmp_path / golden_path(name, K, N).name
    data = json.loads(golden_path(name, K, N).read_text())
    data["alpha"] = data["alpha"] + " + 1"
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    monkeypatch.setattr(regenerate, "RECORDS_DIR", tmp_path)
    monkeypatch.setattr(regenerate, "PINNED", [(name, K, N, keys)])
    assert regenerate.main(["--check"]) == 1
    assert f"drifted: {path.name}" in capsys.readouterr().out
    # Rewriting restores the derived text, after which the check passes.
    assert regenerate.main([]) == 0
    assert path.read_text() == golden_path(name, K, N).read_text()
    assert regenerate.main(["--check"]) == 0


def test_load_record_reads_the_pinned_keys():
    for name, K, N, keys in GOLDEN:
        assert sorted(regenerate.load_record(name, K, N)) == sorted(keys)
