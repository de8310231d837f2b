"""One versioned JSON record format: every ``--json`` output and every JSON file
``nashalign demo`` writes validates against its shipped JSON Schema, and an
invalid record fails (so the check can fail)."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path

import numpy as np
import pytest

jsonschema = pytest.importorskip("jsonschema")

from nashalign import __version__  # noqa: E402
from nashalign.cli import main  # noqa: E402
from nashalign.instance import Instance  # noqa: E402
from nashalign.jsonformat import (  # noqa: E402
    FORMAT_VERSION,
    KINDS,
    envelope,
    kind_of,
    schema,
    schema_path,
    validate,
)
from nashalign.publish import demo  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def inst_file(tmp_path_factory) -> Path:
    rng = np.random.default_rng(5)
    S = rng.normal(size=(60, 3)) @ rng.normal(size=(3, 3)) * 0.3 + [0.0, 0.5, 1.0]
    path = tmp_path_factory.mktemp("inst") / "toy.json"
    Instance.from_scores(S, ["x", "y", "z"], provenance={"backend": "test"}).save(path)
    return path


def cli_json(capsys, *argv: str) -> dict:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    assert rc == 0, err
    return json.loads(out)


def check_envelope(rec: dict, kind: str) -> None:
    assert list(rec)[:3] == ["format", "format_version", "nashalign_version"]
    assert rec["format"] == f"nashalign.{kind}"
    assert rec["format_version"] == FORMAT_VERSION
    assert rec["nashalign_version"] == __version__
    validate(rec, kind)


# --- the schemas themselves -----------------------------------------------------------


@pytest.mark.parametrize("kind", ["common", *KINDS])
def test_schemas_are_valid_draft_2020_12(kind):
    s = schema(kind)
    jsonschema.Draft202012Validator.check_schema(s)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"].endswith(f"/{kind}.schema.json")
    assert schema_path(kind).is_file()


def test_schemas_are_package_data():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data = cfg["tool"]["setuptools"]["package-data"]["nashalign"]
    assert "schemas/*.schema.json" in data
    assert any(d.startswith("jsonschema") for d in cfg["project"]["optional-dependencies"]["dev"])
    shipped = {p.name for p in (ROOT / "src" / "nashalign" / "schemas").glob("*.schema.json")}
    assert shipped == {f"{k}.schema.json" for k in ("common", *KINDS)}


def test_envelope_rules():
    with pytest.raises(ValueError, match="unknown record kind"):
        envelope("nope", {})
    with pytest.raises(ValueError, match="envelope key"):
        envelope("steer", {"format": "x"})
    with pytest.raises(ValueError, match="not a nashalign record"):
        kind_of({"s": 1})
    with pytest.raises(ValueError, match="expected a nashalign.verify record"):
        validate(envelope("steer", {}), "verify")


# --- every --json output ----------------------------------------------------------------


def test_derive_json_is_a_derive_record(capsys):
    rec = cli_json(capsys, "derive", "theorem1", "--k", "2", "--json")
    check_envelope(rec, "derive")
    assert rec["name"] == "theorem1" and rec["status"].startswith("proved")


def test_verify_json_and_demo_verify_json_are_one_format(capsys, tmp_path):
    rec = cli_json(capsys, "verify", "--max-k", "2", "--json")
    check_envelope(rec, "verify")
    assert rec["failed"] == 0 and rec["max_k"] == 2
    result = demo.stage_verify(tmp_path, demo.DemoSettings(max_k=2), lambda m: None)
    assert result.ok
    filed = json.loads((tmp_path / "verify.json").read_text())
    check_envelope(filed, "verify")

    def strip(d: dict) -> dict:
        d = copy.deepcopy(d)
        d.pop("seconds")
        for r in d["records"]:
            r.pop("seconds")
        return d

    assert strip(filed) == strip(rec)  # identical content but for the timings


def test_steer_json_is_a_steer_record_with_exact_intervals(capsys, inst_file):
    rec = cli_json(
        capsys, "steer", "--instance", str(inst_file), "--beta-a", "2", "--beta-i", "1", "--json"
    )
    check_envelope(rec, "steer")
    if rec["exact"]["r_star"] is not None:
        lo, hi = rec["exact"]["r_star"]["interval"]
        assert "/" in lo or lo.lstrip("-").isdigit()


@pytest.mark.parametrize("method", ["auto", "iterative"])
def test_solve_json_is_a_solve_record(capsys, inst_file, method):
    rec = cli_json(
        capsys,
        "solve",
        "--instance",
        str(inst_file),
        "--beta-a",
        "1",
        "--beta-i",
        "1",
        "--beta-d",
        "1",
        "--method",
        method,
        "--json",
    )
    check_envelope(rec, "solve")


# figures --json is validated against its schema in tests/cli/test_figures_cmd.py
# (test_figures_small_run), which already runs that command end to end.


# --- every JSON file demo writes ------------------------------------------------------------


def test_demo_crosscheck_json_is_a_crosscheck_record(tmp_path):
    settings = demo.DemoSettings(crosscheck_instances=2)
    demo.stage_crosscheck(tmp_path, settings, lambda m: None)
    check_envelope(json.loads((tmp_path / "crosscheck.json").read_text()), "crosscheck")


def test_demo_summary_json_is_a_demo_summary_record(tmp_path, monkeypatch):
    def fake(name):
        def run(out, settings, *rest):
            result = demo.StageResult(name, True, 0.01, f"{name} fine", [out])
            return (result, {}) if name == "instances" else result

        return run

    for name in demo.STAGES:
        monkeypatch.setattr(demo, f"stage_{name}", fake(name))
    demo.run_demo(tmp_path / "o", demo.DemoSettings(), log=lambda m: None)
    check_envelope(json.loads((tmp_path / "o" / "demo-summary.json").read_text()), "demo-summary")


# --- the check can fail: mutated records are rejected -------------------------------------------


def _steer_record() -> dict:
    from nashalign.exact.steering import steer

    res = steer([1, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], s=4, tau="1/20")
    return envelope("steer", res.to_json(["x", "y", "z"]))


def _derive_record() -> dict:
    from nashalign.derivations import derive

    return envelope("derive", derive("claim1", K=2).to_json())


MUTATIONS = [
    ("steer", lambda r: r.pop("format_version"), "format_version"),
    ("steer", lambda r: r.update(format_version=2), "format_version"),
    ("steer", lambda r: r.update(format="nashalign.stear"), "stear"),
    ("steer", lambda r: r.pop("nashalign_version"), "nashalign_version"),
    ("steer", lambda r: r.update(r_star="2.7"), "r_star"),
    ("steer", lambda r: r["exact"]["r_star"]["interval"].pop(), "interval"),
    ("steer", lambda r: r["exact"]["r_star"].update(interval=["0.1", "3"]), "interval"),
    ("steer", lambda r: r["exact"].pop("attained"), "attained"),
    ("derive", lambda r: r.pop("status"), "status"),
    ("derive", lambda r: r.update(status="probably true"), "status"),
    ("derive", lambda r: r["checks"][0].update(passed="yes"), "passed"),
    ("derive", lambda r: r["expressions"].update(x=1.5), "expressions"),
]


@pytest.mark.parametrize("kind, mutate, where", MUTATIONS)
def test_invalid_records_fail_validation(kind, mutate, where):
    rec = _steer_record() if kind == "steer" else _derive_record()
    validate(rec)  # the original is valid
    bad = copy.deepcopy(rec)
    mutate(bad)
    with pytest.raises((jsonschema.ValidationError, ValueError)) as info:
        validate(bad, kind)
    assert where in str(info.value)


def test_invalid_verify_record_fails(tmp_path):
    from nashalign.derivations import derive

    from nashalign.jsonformat import verify_record

    rec = verify_record([derive("claim1", K=2)], 0.1, 2)
    validate(rec)
    for mutate in (
        lambda r: r.update(records=[]),
        lambda r: r.update(failed=-1),
        lambda r: r["records"][0].pop("checks"),
    ):
        bad = copy.deepcopy(rec)
        mutate(bad)
        with pytest.raises(jsonschema.ValidationError):
            validate(bad)


@pytest.mark.parametrize("command", ["verify", "derive", "solve", "steer", "figures"])
def test_json_help_names_the_format(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"nashalign.{command}" in text and "format_version" in text


def test_write_json_streams_nested_records_exactly_as_dumps():
    import io

    from nashalign.jsonformat import Streamed, dumps, write_json

    converted: list[int] = []

    def convert(i):
        converted.append(i)
        return {"i": i, "rows": [[i, 0.5], []], "name": "a\nb", "empty": {}}

    rec = {
        "format": "nashalign.solve",
        "set": {"equilibria": Streamed(range(3), convert), "none": Streamed([], convert)},
        "flags": [True, None],
        3: "int key",
    }
    buf = io.StringIO()

    class Probe:
        def write(self, text):
            # each item is converted only when it is about to be written
            buf.write(text)
            assert len(converted) <= buf.getvalue().count('"i":') + 1

    write_json(rec, Probe())
    assert converted == [0, 1, 2]
    assert buf.getvalue() == dumps(rec)
