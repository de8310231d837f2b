"""``nashalign demo``: bad input, stage bookkeeping, and a fast end-to-end smoke run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nashalign.cli import main
from nashalign.errors import InputError, NashalignError
from nashalign.publish import demo


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err, err
    assert "Traceback" not in err
    return err


def test_unwritable_out_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["demo", "--out", str(blocker / "sub"), "--skip-book"]) == 2
    err = _one_line_error(capsys)
    assert err.startswith("nashalign demo: error: cannot create output directory")
    assert main(["demo", "--out", str(blocker), "--skip-book"]) == 2
    assert "is not a directory" in _one_line_error(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--max-k", "1"], "max_k must be an integer >= 2"),
        (["--resolution", "0"], "resolution must be an integer >= 2"),
        (["--crosscheck-instances", "0"], "crosscheck_instances must be an integer >= 1"),
        (["--datasets", "nope"], "unknown dataset 'nope'"),
    ],
)
def test_bad_settings_are_one_line_exit_2(tmp_path, capsys, args, message):
    out = tmp_path / "out"
    assert main(["demo", "--out", str(out), "--skip-book", *args]) == 2
    assert message in _one_line_error(capsys)
    assert not out.exists()


def test_bad_option_value_is_one_line_exit_2(capsys):
    assert main(["demo", "--max-k", "four"]) == 2
    assert "invalid int value" in _one_line_error(capsys)


def _fake_stage(name, ok=True):
    def run(out, settings, *rest):
        result = demo.StageResult(name, ok, 0.01, f"{name} {'fine' if ok else 'broke'}", [out])
        return (result, {}) if name == "instances" else result

    return run


def _patch_stages(monkeypatch, **overrides):
    for name in ("instances", "verify", "crosscheck", "figures", "book"):
        monkeypatch.setattr(demo, f"stage_{name}", overrides.get(name, _fake_stage(name)))


def test_every_stage_runs_in_order_and_the_summary_is_written(tmp_path, monkeypatch):
    _patch_stages(monkeypatch)
    lines: list[str] = []
    report = demo.run_demo(tmp_path / "o", demo.DemoSettings(), log=lines.append)
    assert [s.name for s in report.stages] == list(demo.STAGES)
    assert report.ok and report.verified
    assert lines[0].startswith("[1/5] instances: done")
    summary = json.loads((tmp_path / "o" / "demo-summary.json").read_text())
    assert summary["ok"] is True
    assert [s["name"] for s in summary["stages"]] == list(demo.STAGES)


def test_skip_book_skips_only_the_book(tmp_path, monkeypatch):
    _patch_stages(monkeypatch)
    report = demo.run_demo(tmp_path, demo.DemoSettings(skip_book=True), log=lambda m: None)
    assert [s.name for s in report.stages] == ["instances", "verify", "crosscheck", "figures"]


def test_failed_verification_means_exit_1_and_later_stages_still_run(tmp_path, monkeypatch, capsys):
    _patch_stages(monkeypatch, verify=_fake_stage("verify", ok=False))
    code = main(["demo", "--out", str(tmp_path), "--skip-book", "--quiet"])
    assert code == 1
    out = capsys.readouterr().out
    assert "SOME STAGES FAILED" in out and "[FAILED] verify" in out
    assert "[ok]     figures" in out


def test_a_crashing_stage_is_reported_with_its_traceback_file(tmp_path, monkeypatch):
    def boom(*args):
        raise RuntimeError("solver exploded")

    def refused(*args):
        raise NashalignError("did not converge")

    _patch_stages(monkeypatch, crosscheck=boom, figures=refused)
    report = demo.run_demo(tmp_path, demo.DemoSettings(skip_book=True), log=lambda m: None)
    by_name = {s.name: s for s in report.stages}
    assert not report.ok and report.verified
    assert "RuntimeError: solver exploded" in by_name["crosscheck"].summary
    assert (tmp_path / "crosscheck-error.txt").read_text().startswith("Traceback")
    assert by_name["figures"].summary == "failed: did not converge"


def test_demo_without_book_dir_fails_before_any_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("nashalign.publish.book.find_book_dir", _raise_no_book)
    _patch_stages(monkeypatch)
    with pytest.raises(InputError, match="cannot find the book"):
        demo.run_demo(tmp_path / "o", demo.DemoSettings())
    assert not (tmp_path / "o" / "demo-summary.json").exists()


def _raise_no_book(*args):
    raise InputError("cannot find the book directory")


def test_instances_stage_reuses_the_committed_instances(tmp_path):
    settings = demo.DemoSettings(estimate=False)
    result, instances = demo.stage_instances(tmp_path, settings, lambda m: None)
    assert result.ok and "committed ones reused" in result.summary
    assert sorted(instances) == ["bigfive", "culture", "politics"]
    assert sorted(p.name for p in (tmp_path / "instances").iterdir()) == [
        "bigfive.json",
        "culture.json",
        "politics.json",
    ]


@pytest.mark.slow
def test_demo_smoke_without_the_book(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(
        [
            "demo",
            "--out",
            str(out),
            "--skip-book",
            "--no-estimate",
            "--datasets",
            "politics",
            "--max-k",
            "2",
            "--crosscheck-instances",
            "3",
            "--resolution",
            "8",
            "--n-s",
            "2",
            "--n-slice",
            "8",
            "--stable-resolution",
            "2",
            "--quiet",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    summary = json.loads((out / "demo-summary.json").read_text())
    assert [s["name"] for s in summary["stages"]] == [
        "instances",
        "verify",
        "crosscheck",
        "figures",
    ]
    assert all(s["ok"] for s in summary["stages"])
    verify = json.loads((out / "verify.json").read_text())
    assert verify["format"] == "nashalign.verify" and verify["failed"] == 0
    assert verify["records"] and all(r["verified"] for r in verify["records"])
    assert (out / "COMPLETE").is_file() and not (out / "INCOMPLETE").exists()
    assert (out / "crosscheck.md").is_file() and (out / "crosscheck.json").is_file()
    pngs = list(Path(out / "figures").rglob("*.png"))
    assert pngs, "no figure drawn"
    assert "[1/4] instances" in captured.err
    assert str(out / "figures") in captured.out
