"""Output directories are locked while written and marked complete at the end
(:func:`nashalign.io.locked_output_dir`, used by ``figures --out`` and ``demo --out``)."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time

import pytest

from nashalign.cli import main
from nashalign.errors import InputError
from nashalign.io import (
    COMPLETE_NAME,
    INCOMPLETE_NAME,
    LOCK_NAME,
    UNREADABLE_LOCK_GRACE_S,
    locked_output_dir,
)
from nashalign.publish import demo


def _fake_stages(monkeypatch, **overrides):
    def fake(name):
        def run(out, settings, *rest):
            (out / f"{name}.txt").write_text(name, encoding="utf-8")
            result = demo.StageResult(name, True, 0.01, f"{name} fine", [out])
            return (result, {}) if name == "instances" else result

        return run

    for name in demo.STAGES:
        monkeypatch.setattr(demo, f"stage_{name}", overrides.get(name, fake(name)))


def _one_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_success_leaves_complete_with_checksums(tmp_path):
    d = tmp_path / "o"
    with locked_output_dir(d) as out:
        assert (out / LOCK_NAME).is_file() and (out / INCOMPLETE_NAME).is_file()
        holder = json.loads((out / LOCK_NAME).read_text())
        assert holder["pid"] == os.getpid() and holder["host"] == socket.gethostname()
        (out / "sub").mkdir()
        (out / "sub" / "a.csv").write_text("1,2\n")
        (out / "b.txt").write_text("b")
    names = sorted(p.name for p in d.iterdir())
    assert names == [COMPLETE_NAME, "b.txt", "sub"]
    manifest = (d / COMPLETE_NAME).read_text().splitlines()
    assert [line.split("  ")[1] for line in manifest] == ["b.txt", "sub/a.csv"]
    for line in manifest:
        digest, rel = line.split("  ")
        assert hashlib.sha256((d / rel).read_bytes()).hexdigest() == digest


def test_interrupted_run_leaves_incomplete_and_no_lock(tmp_path):
    for exc in (RuntimeError("boom"), KeyboardInterrupt()):
        d = tmp_path / type(exc).__name__
        with pytest.raises(type(exc)):
            with locked_output_dir(d) as out:
                (out / "half.csv").write_text("x")
                raise exc
        assert (d / INCOMPLETE_NAME).is_file()
        assert not (d / COMPLETE_NAME).exists() and not (d / LOCK_NAME).exists()
        with locked_output_dir(d):  # a re-run clears the marker
            pass
        assert (d / COMPLETE_NAME).is_file() and not (d / INCOMPLETE_NAME).exists()


def test_a_rerun_replaces_an_old_complete(tmp_path):
    with locked_output_dir(tmp_path) as out:
        (out / "a").write_text("1")
    with pytest.raises(RuntimeError):
        with locked_output_dir(tmp_path) as out:
            assert not (out / COMPLETE_NAME).exists()
            (out / "a").write_text("22")
            raise RuntimeError
    assert (tmp_path / INCOMPLETE_NAME).is_file() and not (tmp_path / COMPLETE_NAME).exists()


def test_bad_input_before_writing_leaves_nothing(tmp_path):
    d = tmp_path / "new"
    with pytest.raises(InputError):
        with locked_output_dir(d):
            raise InputError("bad --resolution")
    assert not d.exists()
    with locked_output_dir(tmp_path) as out:
        (out / "kept").write_text("k")
    before = (tmp_path / COMPLETE_NAME).read_text()
    with pytest.raises(InputError):
        with locked_output_dir(tmp_path):
            raise InputError("bad")
    assert (tmp_path / COMPLETE_NAME).read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [COMPLETE_NAME, "kept"]
    assert not (tmp_path / INCOMPLETE_NAME).exists() and not (tmp_path / LOCK_NAME).exists()


def test_second_run_is_refused_while_the_first_holds_the_lock(tmp_path):
    with locked_output_dir(tmp_path):
        with pytest.raises(InputError, match="in use by another nashalign run"):
            with locked_output_dir(tmp_path):
                pass  # pragma: no cover
        assert (tmp_path / LOCK_NAME).is_file()  # the refused run did not remove it
    assert not (tmp_path / LOCK_NAME).exists()


def test_concurrent_demo_and_figures_into_a_held_directory_exit_2(tmp_path, capsys):
    held = tmp_path / "held"
    code = (
        "import sys, time; from nashalign.io import locked_output_dir\n"
        f"with locked_output_dir({str(held)!r}):\n"
        "    print('held', flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        before = sorted(p.name for p in held.iterdir())
        assert main(["demo", "--out", str(held), "--skip-book", "--no-estimate"]) == 2
        err = _one_line(capsys)
        assert err.startswith("nashalign demo: error: output directory")
        assert f"pid {proc.pid}" in err and "in use by another nashalign run" in err
        assert main(["figures", "--instance", "politics", "--out", str(held)]) == 2
        assert "in use by another nashalign run" in _one_line(capsys)
        assert sorted(p.name for p in held.iterdir()) == before  # nothing mixed in
    finally:
        proc.kill()
        proc.wait()


def test_stale_lock_of_a_dead_process_is_recovered(tmp_path, monkeypatch):
    lock = tmp_path / LOCK_NAME
    stale = {"pid": _dead_pid(), "host": socket.gethostname(), "started": "2000-01-01T00:00:00Z"}
    lock.write_text(json.dumps(stale))
    (tmp_path / INCOMPLETE_NAME).write_text("from the crashed run")
    _fake_stages(monkeypatch)
    report = demo.run_demo(tmp_path, demo.DemoSettings(), log=lambda m: None)
    assert report.ok
    assert (tmp_path / COMPLETE_NAME).is_file()
    assert not lock.exists() and not (tmp_path / INCOMPLETE_NAME).exists()
    assert not list(tmp_path.glob(f"{LOCK_NAME}.*"))


def test_lock_of_another_host_or_fresh_garbage_is_respected(tmp_path):
    lock = tmp_path / LOCK_NAME
    lock.write_text(json.dumps({"pid": _dead_pid(), "host": "elsewhere", "started": "t"}))
    with pytest.raises(InputError, match="on elsewhere"):
        with locked_output_dir(tmp_path):
            pass  # pragma: no cover
    lock.write_text("{half-written")
    with pytest.raises(InputError, match="in use"):
        with locked_output_dir(tmp_path):
            pass  # pragma: no cover
    old = time.time() - 2 * UNREADABLE_LOCK_GRACE_S
    os.utime(lock, (old, old))
    with locked_output_dir(tmp_path):
        pass
    assert (tmp_path / COMPLETE_NAME).is_file() and not lock.exists()


def test_interrupted_demo_leaves_incomplete(tmp_path, monkeypatch):
    def interrupted(*args):
        raise KeyboardInterrupt

    _fake_stages(monkeypatch, crosscheck=interrupted)
    with pytest.raises(KeyboardInterrupt):
        demo.run_demo(tmp_path, demo.DemoSettings(), log=lambda m: None)
    assert (tmp_path / INCOMPLETE_NAME).is_file() and (tmp_path / "verify.txt").is_file()
    assert not (tmp_path / COMPLETE_NAME).exists() and not (tmp_path / LOCK_NAME).exists()
    assert not (tmp_path / "demo-summary.json").exists()


def test_successful_demo_leaves_complete_listing_its_files(tmp_path, monkeypatch):
    _fake_stages(monkeypatch)
    demo.run_demo(tmp_path / "o", demo.DemoSettings(), log=lambda m: None)
    listed = {
        line.split("  ")[1]
        for line in (tmp_path / "o" / COMPLETE_NAME).read_text().split("\n")
        if line
    }
    assert {"demo-summary.json", "verify.txt", "book.txt"} <= listed
    assert not (tmp_path / "o" / INCOMPLETE_NAME).exists()
