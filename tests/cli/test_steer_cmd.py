"""CLI tests of ``nashalign steer``: output shape, exit codes, bad input.

Bad input must give exit code 2, exactly one line on stderr, no traceback and no
output file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nashalign.cli import main
from nashalign.instance import Instance


@pytest.fixture(scope="module")
def inst_file(tmp_path_factory) -> Path:
    rng = np.random.default_rng(5)
    S = rng.normal(size=(60, 4)) @ rng.normal(size=(4, 4)) * 0.3 + [0.0, 0.5, 1.0, 0.3]
    path = tmp_path_factory.mktemp("inst") / "toy.json"
    Instance.from_scores(S, ["w", "x", "y", "z"], provenance={"backend": "test"}).save(path)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def assert_one_line_error(rc: int, err: str, *needles: str) -> None:
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0]


# --------------------------------------------------------------------------- steer


def test_steer_json_shape(capsys, inst_file):
    rc, out, err = run(
        capsys, "steer", "--instance", str(inst_file), "--beta-a", "2", "--beta-i", "4", "--json"
    )
    assert rc == 0, err
    d = json.loads(out)
    assert {"s", "tau", "intervals", "r_star"} <= set(d)
    assert d["s"] == 0.5 and d["tau"] == 0.05
    assert isinstance(d["intervals"], list)
    for iv in d["intervals"]:
        assert len(iv) == 2 and isinstance(iv[0], float)
        assert iv[1] is None or (isinstance(iv[1], float) and iv[1] > iv[0])
    if d["intervals"]:
        assert d["r_star"] == d["intervals"][0][0]
        assert d["intervals"][-1][1] is None  # weights tend to 1/K > tau as r grows
    else:
        assert d["r_star"] is None


def test_steer_json_matches_library(capsys, inst_file):
    from nashalign.exact.steering import steer

    inst = Instance.load(inst_file)
    rc, out, _ = run(
        capsys,
        "steer",
        "--instance",
        str(inst_file),
        "--beta-a",
        "3",
        "--beta-i",
        "1",
        "--tau",
        "0.1",
        "--json",
    )
    assert rc == 0
    d = json.loads(out)
    res = steer(inst.a, inst.C, 3.0, 0.1)
    assert d["r_star"] == (None if res.r_star_float is None else float(res.r_star_float))
    assert len(d["intervals"]) == len(res.intervals_float)


def test_steer_human_output(capsys, inst_file):
    rc, out, err = run(
        capsys, "steer", "--instance", str(inst_file), "--beta-a", "3", "--beta-i", "1"
    )
    assert rc == 0, err
    assert "s = beta_A/beta_I" in out and "minimal diversity incentive r*" in out
    assert err == ""


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--tau", "0"], "--tau must lie in (0, 1/K)"),
        (["--tau", "0.25"], "--tau must lie in (0, 1/K)"),  # K = 4: 1/K itself is out
        (["--tau", "-0.1"], "--tau must lie in"),
        (["--tau", "nan"], "--tau must be a finite number"),
        (["--beta-i", "0"], "--beta-i must be > 0"),
        (["--beta-i", "-1"], "--beta-i must be > 0"),
        (["--beta-a", "-1"], "--beta-a must be >= 0"),
        (["--beta-a", "inf"], "--beta-a must be a finite number"),
        (["--beta-a", "abc"], "--beta-a must be a number"),
    ],
)
def test_steer_bad_numbers(capsys, inst_file, extra, needle):
    args = {"--beta-a": "1", "--beta-i": "1"}
    argv = ["steer", "--instance", str(inst_file)]
    for k, v in args.items():
        if k not in extra:
            argv += [k, v]
    rc, out, err = run(capsys, *argv, *extra)
    assert_one_line_error(rc, err, needle)
    assert out == ""


def test_steer_unknown_instance(capsys, tmp_path):
    rc, out, err = run(
        capsys, "steer", "--instance", str(tmp_path / "nope.json"), "--beta-a", "1", "--beta-i", "1"
    )
    assert_one_line_error(rc, err, "not found", "nope.json")
    assert out == ""


def test_steer_malformed_instance(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"names": ["a", "a"], "a": [1, 2], "C": [[1, 0], [0, 1]]}')
    rc, _, err = run(capsys, "steer", "--instance", str(bad), "--beta-a", "1", "--beta-i", "1")
    assert_one_line_error(rc, err, "duplicate subpopulation name")
    bad.write_text("{not json")
    rc, _, err = run(capsys, "steer", "--instance", str(bad), "--beta-a", "1", "--beta-i", "1")
    assert_one_line_error(rc, err, "not valid JSON")


def test_steer_missing_argument(capsys, inst_file):
    rc, _, err = run(capsys, "steer", "--instance", str(inst_file), "--beta-a", "1")
    assert_one_line_error(rc, err, "--beta-i")


def test_steer_subprocess_exit_code(tmp_path):
    """The real entry point: exit status 2 and one line for a τ outside (0, 1/K)."""
    inst = Instance(["a", "b"], [0.5, 0.2], [[1.0, 0.0], [0.0, 1.0]], n=5)
    path = inst.save(tmp_path / "two.json")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nashalign",
            "steer",
            "--instance",
            str(path),
            "--beta-a",
            "1",
            "--beta-i",
            "1",
            "--tau",
            "0.5",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "nashalign steer: error: --tau must lie in (0, 1/K) = (0, 0.5) for K = 2, got 0.5"
    ]
    assert proc.stdout == ""


def test_steer_json_binding_is_consistent_and_robust_steering_sits_beside_r_star(capsys, inst_file):
    rc, out, err = run(
        capsys, "steer", "--instance", str(inst_file), "--beta-a", "3", "--beta-i", "1", "--json"
    )
    assert rc == 0, err
    d = json.loads(out)
    names = Instance.load(inst_file).names
    assert d["binding_index"] == d["exact"]["binding"]
    if d["binding"] is not None:
        assert names[d["binding_index"]] == d["binding"] == d["exact"]["binding_name"]
    assert d["robust"]["n_agents"] == 2 and "grid_intervals_stable" in d["robust"]
    rc, text, err = run(
        capsys, "steer", "--instance", str(inst_file), "--beta-a", "3", "--beta-i", "1"
    )
    assert rc == 0, err
    assert "every stable NE (N = 2 agents), exclusion-free r:" in text
    assert "s = beta_A/beta_I = 3;" in text and "= 3 = 3" not in text
    assert "(below)" not in text
