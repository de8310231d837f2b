"""Tests of ``nashalign solve``: JSON shape, methods, exit codes and bad input."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from nashalign.cli import main
from nashalign.instance import Instance
from nashalign.solvers.closed_form import symmetric_ne
from nashalign.solvers.metrics import nash_conv
from nashalign.solvers.spectral import degenerate_ratios

KEYS = {"names", "weights", "interior", "alpha", "alpha_tilde", "nashconv", "method", "converged"}


@pytest.fixture
def inst_paths(tmp_path):
    i1 = Instance(["x", "y", "z"], [0.5, 0.3, 0.2], np.diag([1.0, 2.0, 3.0]), n=10)
    i2 = Instance(["x", "y", "z"], [0.1, 0.3, 0.6], np.diag([1.0, 1.0, 3.0]), n=10)
    return str(i1.save(tmp_path / "i1.json")), str(i2.save(tmp_path / "i2.json"))


def run_json(capsys, *argv):
    """Run ``nashalign solve ... --json``; a single string argument is split on spaces."""
    if len(argv) == 1:
        argv = tuple(argv[0].split())
    code = main(["solve", *argv, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_homogeneous_closed_form_json(capsys, inst_paths):
    p1, _ = inst_paths
    out = run_json(capsys, "--instance", p1, "--beta-a", "1", "--beta-i", "2", "--beta-d", "0.5")
    assert KEYS <= set(out)
    cf = symmetric_ne([0.5, 0.3, 0.2], np.diag([1.0, 2.0, 3.0]), 1.0, 2.0, 0.5)
    assert out["method"] == "closed-form" and out["interior"] is True and out["converged"]
    assert np.asarray(out["weights"]).shape == (2, 3)
    np.testing.assert_allclose(out["weights"][1], cf.weights, atol=1e-15)
    assert out["alpha"] == pytest.approx(cf.alpha) and out["alpha_tilde"] == pytest.approx(
        cf.alpha_tilde
    )
    assert out["nashconv"] <= 1e-12 and out["names"] == ["x", "y", "z"]


@pytest.mark.parametrize("method", ["support", "iterative", "closed-form"])
def test_every_method_agrees_on_an_interior_ne(capsys, inst_paths, method):
    p1, _ = inst_paths
    out = run_json(
        capsys, f"--instance {p1} --beta-a 1 --beta-i 1 --beta-d 1 --agents 3 --method {method}"
    )
    assert out["method"] == method and out["n_agents"] == 3
    cf = symmetric_ne([0.5, 0.3, 0.2], np.diag([1.0, 2.0, 3.0]), 1.0, 1.0, 1.0, n_agents=3)
    np.testing.assert_allclose(out["weights"], np.tile(cf.weights, (3, 1)), atol=1e-13)


def test_no_interior_ne_auto_falls_back_to_support(capsys, inst_paths):
    p1, _ = inst_paths
    out = run_json(capsys, "--instance", p1, "--beta-a", "30", "--beta-i", "1", "--beta-d", "1")
    assert out["method"] == "support" and out["interior"] is False
    assert out["nashconv"] <= 1e-12 and "no interior NE" in out["note"]
    forced = run_json(
        capsys, f"--instance {p1} --beta-a 30 --beta-i 1 --beta-d 1 --method closed-form"
    )
    assert forced["interior"] is False and forced["nashconv"] is None
    assert min(forced["weights"][0]) < 0


def test_heterogeneous_population(capsys, inst_paths):
    p1, p2 = inst_paths
    out = run_json(capsys, f"--instance {p1} --instance {p2} --beta-a 1 --beta-i 1 --beta-d 3")
    assert out["method"] == "iterative" and out["converged"]
    W = np.asarray(out["weights"])
    assert W.shape == (2, 3)
    A = np.array([[0.5, 0.3, 0.2], [0.1, 0.3, 0.6]])
    Cs = np.stack([np.diag([1.0, 2.0, 3.0]), np.diag([1.0, 1.0, 3.0])])
    assert nash_conv(W, A, Cs, 1.0, 1.0, 3.0) <= 1e-10
    assert out["alpha"] is None and out["alpha_tilde"] is None


def test_table_output(capsys, inst_paths):
    p1, p2 = inst_paths
    assert main(["solve", "--instance", p1, "--beta-a", "1", "--beta-i", "1", "--beta-d", "1"]) == 0
    text = capsys.readouterr().out
    assert "weight (every agent)" in text and "NashConv" in text
    assert all(name in text for name in ("x", "y", "z"))
    argv = ["solve", "--instance", p1, "--instance", p2, "--beta-a", "1", "--beta-i", "1"]
    assert main([*argv, "--beta-d", "3"]) == 0
    assert "agent 2" in capsys.readouterr().out


def test_degenerate_ratio_names_the_root(capsys, inst_paths):
    p1, _ = inst_paths
    root = float(degenerate_ratios(np.diag([1.0, 2.0, 3.0]), 2)["alpha_tilde"][0])
    argv = ["solve", "--instance", p1, "--beta-a", "1", "--beta-i", "1", "--beta-d", repr(root)]
    assert main([*argv, "--method", "closed-form"]) == 2
    err = capsys.readouterr()
    assert err.out == "" and len(err.err.strip().splitlines()) == 1
    assert "alpha_tilde" in err.err and f"{root:.6g}" in err.err


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


GOOD = {"names": ["x", "y"], "a": [0.5, 0.2], "C": [[1.0, 0.0], [0.0, 1.0]], "n": 5}


def bad_files():
    def variant(**kw):
        d = dict(GOOD)
        d.update(kw)
        return json.dumps(d)

    return {
        "malformed": ("{not json", "not valid JSON"),
        "shape": (variant(C=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), "shape"),
        "nan": (variant(a=[0.5, float("nan")]), "NaN"),
        "nonsym": (variant(C=[[1.0, 0.5], [0.0, 1.0]]), "not symmetric"),
        "nonpsd": (variant(C=[[1.0, 2.0], [2.0, 1.0]]), "not positive semidefinite"),
        "dupnames": (variant(names=["x", "x"]), "duplicate"),
        "missing": (json.dumps({"names": ["x", "y"]}), "missing"),
    }


@pytest.mark.parametrize("case", sorted(bad_files()))
def test_bad_instance_files(capsys, tmp_path, case):
    text, message = bad_files()[case]
    p = write(tmp_path, "bad.json", text)
    before = sorted(os.listdir(tmp_path))
    code = main(["solve", "--instance", p, "--beta-a", "1", "--beta-i", "1", "--beta-d", "1"])
    err = capsys.readouterr()
    assert code == 2 and err.out == ""
    assert len(err.err.strip().splitlines()) == 1 and message in err.err
    assert "Traceback" not in err.err
    assert sorted(os.listdir(tmp_path)) == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--beta-a", "1", "--beta-i", "0", "--beta-d", "1"], "beta_i must be > 0"),
        (["--beta-a", "1", "--beta-i", "-2", "--beta-d", "1"], "beta_i must be > 0"),
        (["--beta-a", "-1", "--beta-i", "1", "--beta-d", "1"], "beta_a must be >= 0"),
        (["--beta-a", "nan", "--beta-i", "1", "--beta-d", "1"], "NaN or inf"),
        (["--beta-a", "1", "--beta-i", "1", "--beta-d", "inf"], "NaN or inf"),
        (["--beta-a", "1", "--beta-i", "1", "--beta-d", "1", "--agents", "0"], ">= 1"),
        (["--beta-a", "1", "--beta-i", "1", "--beta-d", "1", "--agents", "x"], "invalid int"),
        (["--beta-a", "1", "--beta-i", "1", "--beta-d", "1", "--method", "magic"], "choice"),
        (["--beta-a", "1", "--beta-i", "1"], "required"),
    ],
)
def test_bad_arguments(capsys, tmp_path, inst_paths, extra, message):
    p1, _ = inst_paths
    before = sorted(os.listdir(tmp_path))
    code = main(["solve", "--instance", p1, *extra])
    err = capsys.readouterr()
    assert code == 2 and err.out == ""
    assert len(err.err.strip().splitlines()) == 1 and message in err.err
    assert sorted(os.listdir(tmp_path)) == before


def test_bad_population_combinations(capsys, tmp_path, inst_paths):
    p1, p2 = inst_paths
    other = str(
        Instance(["p", "q", "r"], [0.1, 0.2, 0.3], np.eye(3), n=4).save(tmp_path / "o.json")
    )
    base = ["--beta-a", "1", "--beta-i", "1", "--beta-d", "1"]
    cases = [
        (["--instance", p1, "--instance", p2, "--agents", "3"], "does not match"),
        (["--instance", p1, "--instance", p2, "--method", "support"], "homogeneous"),
        (["--instance", p1, "--instance", other], "differ"),
        (["--instance", str(tmp_path / "absent.json")], "not found"),
    ]
    for argv, message in cases:
        code = main(["solve", *argv, *base])
        err = capsys.readouterr()
        assert code == 2 and err.out == "" and message in err.err
        assert len(err.err.strip().splitlines()) == 1


def test_json_of_the_whole_set_is_streamed_and_equals_the_plain_record(capsys):
    """``solve --method all --json`` writes the same text as dumping the full record."""
    from nashalign.jsonformat import Streamed, dumps, envelope
    from nashalign.studies.solve import solve_population

    args = "--instance politics --beta-a 0.1 --beta-i 1 --beta-d 2 --agents 3 --method all"
    code = main(["solve", *args.split(), "--json"])
    printed = capsys.readouterr().out
    assert code == 0
    plain = solve_population(["politics"], 0.1, 1.0, 2.0, 3, "all")
    assert isinstance(plain["equilibrium_set"]["equilibria"], list)
    assert printed == dumps(envelope("solve", plain)) + "\n"
    lazy = solve_population(["politics"], 0.1, 1.0, 2.0, 3, "all", stream=True)
    items = lazy["equilibrium_set"]["equilibria"]
    assert (
        isinstance(items, Streamed)
        and len(items) == len(json.loads(printed)["equilibrium_set"]["equilibria"]) > 1
    )
