"""nashalign check-solver, the worked example: the reference solver passes and the
wrong solvers (uniform weights; the diversity term dropped) are caught, both as a
Python function (--python) and as a program speaking JSON Lines (--cmd); bad input
exits 2 with one line and writes nothing."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from nashalign.cli import main
from nashalign.jsonformat import validate

pytest.importorskip("jsonschema")

EXAMPLES = "nashalign.testing.examples"
PY = shlex.quote(sys.executable)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(["check-solver", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_python_reference_passes_and_writes_a_valid_record(capsys, tmp_path):
    out = tmp_path / "check.json"
    rc, text, err = run(
        capsys,
        "--python",
        f"{EXAMPLES}:reference_solver",
        "--random",
        "5",
        "--seed",
        "2",
        "--out",
        str(out),
    )
    assert rc == 0, err
    assert "PASSED" in text and "frozen/near-singular-k3" in text and "random/2/4" in text
    rec = json.loads(out.read_text())
    validate(rec, "check-solver")
    assert rec["ok"] and rec["counts"]["pass"] == rec["total"] and rec["seed"] == 2


@pytest.mark.parametrize("wrong", ["no_diversity_solver", "uniform_solver"])
def test_python_wrong_solvers_are_caught(capsys, tmp_path, wrong):
    out = tmp_path / "check.json"
    rc, text, _ = run(capsys, "--python", f"{EXAMPLES}:{wrong}", "--random", "3", "--out", str(out))
    assert rc == 1 and "FAILED" in text and "not a Nash equilibrium" in text
    rec = json.loads(out.read_text())
    validate(rec)
    assert not rec["ok"] and rec["counts"]["fail"] >= 5


def test_a_solver_in_a_file(capsys, tmp_path):
    src = tmp_path / "mine.py"
    src.write_text(
        "from nashalign.testing.examples import reference_solver\n"
        "def solve(request):\n    return reference_solver(request)['weights']\n"
    )
    rc, text, err = run(capsys, "--python", f"{src}:solve", "--random", "0")
    assert rc == 0, err + text


def test_cmd_reference_passes_and_wrong_solvers_are_caught(capsys, tmp_path):
    rc, text, err = run(capsys, "--cmd", f"{PY} -m {EXAMPLES} reference", "--random", "4")
    assert rc == 0, err + text
    out = tmp_path / "wrong.json"
    rc, text, _ = run(
        capsys,
        "--cmd",
        f"{PY} -m {EXAMPLES} no-diversity",
        "--random",
        "4",
        "--json",
        "--out",
        str(out),
    )
    rec = json.loads(text)
    assert rc == 1 and not rec["ok"] and rec["solver"].endswith("no-diversity")
    assert json.loads(out.read_text())["counts"] == rec["counts"]
    rc, text, _ = run(capsys, "--cmd", f"{PY} -m {EXAMPLES} uniform", "--random", "0")
    assert rc == 1 and "FAILED" in text


def _script(tmp_path: Path, body: str) -> str:
    p = tmp_path / "solver.py"
    p.write_text("import json, sys, time\n" + body)
    return f"{PY} {shlex.quote(str(p))}"


def test_cmd_time_outs_crashes_and_garbage_are_failures(capsys, tmp_path):
    slow = _script(tmp_path, "for line in sys.stdin:\n    time.sleep(5)\n")
    rc, text, _ = run(capsys, "--cmd", slow, "--random", "0", "--no-frozen", "--timeout", "1")
    assert rc == 0 and "0 cases" in text  # nothing to run is not a failure
    out = tmp_path / "slow.json"
    rc, text, _ = run(
        capsys, "--cmd", slow, "--random", "1", "--no-frozen", "--timeout", "0.5", "--out", str(out)
    )
    assert rc == 1 and json.loads(out.read_text())["cases"][0]["status"] == "timeout"
    crash = _script(tmp_path, "sys.stderr.write('kaput'); sys.exit(3)\n")
    rc, text, _ = run(capsys, "--cmd", crash, "--random", "1", "--no-frozen")
    assert rc == 1 and "exited with code 3" in text and "kaput" in text
    garbage = _script(tmp_path, "for line in sys.stdin:\n    print('not json', flush=True)\n")
    rc, text, _ = run(capsys, "--cmd", garbage, "--random", "1", "--no-frozen")
    assert rc == 1 and "not one JSON object" in text


@pytest.mark.parametrize(
    "argv, message",
    [
        ([], "one of the arguments --python --cmd is required"),
        (["--python", "nashalign.testing.examples"], "MODULE:FUNCTION"),
        (["--python", "no_such_module_xyz:f"], "cannot import"),
        (["--python", f"{EXAMPLES}:nope"], "no function"),
        (["--cmd", "no-such-program-xyz --flag"], "not found"),
        (["--cmd", "'unclosed"], "cannot parse"),
        (["--python", f"{EXAMPLES}:reference_solver", "--timeout", "0"], "timeout"),
        (["--python", f"{EXAMPLES}:reference_solver", "--timeout", "nan"], "timeout"),
        (["--python", f"{EXAMPLES}:reference_solver", "--random", "-1"], "random cases"),
        (["--python", f"{EXAMPLES}:reference_solver", "--seed", "-3"], "seed"),
        (["--python", f"{EXAMPLES}:reference_solver", "--atol", "2"], "atol"),
        (
            ["--python", f"{EXAMPLES}:reference_solver", "--out", "/no/such/dir/x.json"],
            "does not exist",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, argv, message):
    rc, out, err = run(capsys, *argv)
    assert rc == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_help_describes_the_protocol(capsys):
    with pytest.raises(SystemExit):
        main(["check-solver", "--help"])
    text = capsys.readouterr().out
    for word in (
        "nashalign.solve-request",
        '"weights"',
        '"equilibria"',
        "atol + rtol x cond",
        "Exit status",
    ):
        assert word in text
    assert ":func:" not in text and "``" not in text
