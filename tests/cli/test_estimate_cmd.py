"""``nashalign estimate``: exit codes, one-line errors, nothing written on failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nashalign.cli import main
from nashalign.instance import Instance
from nashalign.scoring.cache import CACHE_ENV


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))


def small_dataset(path: Path) -> Path:
    """A user's CSV dataset: 2 subpopulations, 5 contexts."""
    path.write_text(
        "kind,group,text\n"
        "statement,tea,I drink green tea every morning.\n"
        "statement,tea,Nothing beats a pot of tea with friends.\n"
        "statement,coffee,I need two espressos to start my day.\n"
        "statement,coffee,The smell of fresh coffee makes me happy.\n"
        "context,drinks,What's your morning drink?\n"
        "context,drinks,Just tried a new cafe downtown.\n"
        "context,work,Long meeting ahead. Need caffeine.\n"
        "context,work,Break room has a new kettle!\n"
        'context,home,"Sunday morning, slow breakfast."\n',
        encoding="utf-8",
    )
    return path


def run(argv: list[str], capfd) -> tuple[int, str, str]:
    code = main(["estimate", *argv])
    out, err = capfd.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("nashalign estimate: error: ")
    for f in fragments:
        assert f in lines[0]
    assert "Traceback" not in err


# --- happy path (needs the scoring extra) --------------------------------------------


@pytest.mark.scoring
def test_estimate_user_dataset(tmp_path: Path, capfd) -> None:
    pytest.importorskip("sentence_transformers")
    out = tmp_path / "tea.json"
    data = small_dataset(tmp_path / "tea.csv")
    code, stdout, err = run(
        ["--dataset", str(data), "--device", "cpu", "--batch-size", "4", "--out", str(out)], capfd
    )
    assert code == 0, err
    assert f"wrote {out}" in stdout
    inst = Instance.load(out)
    assert inst.names == ["tea", "coffee"] and inst.n == 5
    assert inst.provenance["backend"] == "embedding" and inst.provenance["device"] == "cpu"
    assert np.linalg.eigvalsh(inst.C).min() >= 0
    # second run: from the cache, same file
    again = tmp_path / "again.json"
    rerun = ["--dataset", str(data), "--device", "cpu", "--batch-size", "4", "--out", str(again)]
    assert run(rerun, capfd)[0] == 0  # the same command again
    assert json.loads(again.read_text()) == json.loads(out.read_text())
    assert len(list((tmp_path / "cache").glob("embedding-*.json"))) == 1
    # --no-cache writes nothing to the cache
    nc = tmp_path / "nc.json"
    code, _, _ = run(
        [
            "--dataset",
            str(data),
            "--device",
            "cpu",
            "--no-cache",
            "--cache-dir",
            str(tmp_path / "other"),
            "--out",
            str(nc),
        ],
        capfd,
    )
    assert code == 0 and not (tmp_path / "other").exists()


# --- bad input: one line, exit 2, no file ----------------------------------------------


def test_unknown_dataset(tmp_path: Path, capfd) -> None:
    out = tmp_path / "x.json"
    code, _, err = run(["--dataset", "bigsix", "--out", str(out)], capfd)
    assert_one_line_error(code, err, "unknown dataset 'bigsix'", "bigfive")
    assert not out.exists()


def test_malformed_dataset_file(tmp_path: Path, capfd) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"kind": "statement", "group": "a", "text": "x"}\n{oops\n')
    out = tmp_path / "x.json"
    code, _, err = run(["--dataset", str(bad), "--out", str(out)], capfd)
    assert_one_line_error(code, err, "line 2: not valid JSON")
    assert not out.exists()


def test_empty_and_duplicate_subpopulations(tmp_path: Path, capfd) -> None:
    out = tmp_path / "x.json"
    empty = tmp_path / "empty.json"
    empty.write_text(
        json.dumps({"subpopulations": {"a": ["x"], "b": []}, "contexts": ["1", "2", "3"]})
    )
    code, _, err = run(["--dataset", str(empty), "--out", str(out)], capfd)
    assert_one_line_error(code, err, "subpopulation 'b' is empty")
    dup = tmp_path / "dup.csv"
    dup.write_text("kind,group,text\nstatement,Tea,x\nstatement,tea,y\n")
    code, _, err = run(["--dataset", str(dup), "--out", str(out)], capfd)
    assert_one_line_error(code, err, "duplicate subpopulation name 'tea'")
    assert not out.exists()


def test_unreadable_model_path(tmp_path: Path, capfd) -> None:
    out = tmp_path / "x.json"
    data = str(small_dataset(tmp_path / "d.csv"))
    code, _, err = run(
        [
            "--dataset",
            data,
            "--backend",
            "causal-lm",
            "--model",
            str(tmp_path / "nope"),
            "--out",
            str(out),
        ],
        capfd,
    )
    assert_one_line_error(code, err, "does not exist")
    code, _, err = run(["--dataset", data, "--backend", "causal-lm", "--out", str(out)], capfd)
    assert_one_line_error(code, err, "needs a local model directory")
    code, _, err = run(["--dataset", data, "--model", str(tmp_path), "--out", str(out)], capfd)
    assert_one_line_error(code, err, "neither modules.json nor config.json")
    assert not out.exists()


#: Broken model directories: file name -> content (bytes are written as bytes).
BROKEN_MODELS = {
    "garbage-config": {"config.json": "{broken"},
    "corrupt-weights": {
        "config.json": '{"model_type": "gpt2", "n_layer": 1, "n_head": 2, "n_embd": 8,'
        ' "vocab_size": 50, "bos_token_id": 0, "eos_token_id": 0}',
        "model.safetensors": b"\x00garbage" * 64,
    },
}


@pytest.mark.scoring
@pytest.mark.parametrize("kind", sorted(BROKEN_MODELS))
def test_model_that_fails_to_load(tmp_path: Path, capfd, kind: str) -> None:
    """A model directory that cannot be loaded is one line and exit 2 for both backends."""
    pytest.importorskip("transformers")
    model = tmp_path / "broken"
    model.mkdir()
    for fname, content in BROKEN_MODELS[kind].items():
        if isinstance(content, bytes):
            (model / fname).write_bytes(content)
        else:
            (model / fname).write_text(content)
    out = tmp_path / "x.json"
    data = str(small_dataset(tmp_path / "d.csv"))
    for backend in ("causal-lm", "embedding"):
        code, _, err = run(
            [
                "--dataset",
                data,
                "--backend",
                backend,
                "--model",
                str(model),
                "--device",
                "cpu",
                "--no-cache",
                "--out",
                str(out),
            ],
            capfd,
        )
        expected = ("cannot load", str(model)) if kind == "garbage-config" else (str(model),)
        assert_one_line_error(code, err, *expected)
    assert not out.exists()


def test_unwritable_output_checked_before_scoring(tmp_path: Path, capfd) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    # A broken model too: the output error must come first, before any model work.
    for out in (tmp_path / "missing-dir" / "x.json", blocker / "x.json"):
        code, _, err = run(
            ["--dataset", "bigsix", "--backend", "causal-lm", "--out", str(out)], capfd
        )
        assert_one_line_error(code, err, "output directory")
    code, _, err = run(["--dataset", "bigfive", "--out", str(tmp_path)], capfd)
    assert_one_line_error(code, err, "is a directory")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_output_dir(tmp_path: Path, capfd) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        code, _, err = run(["--dataset", "bigfive", "--out", str(ro / "x.json")], capfd)
        assert_one_line_error(code, err, "not writable")
    finally:
        ro.chmod(0o755)


def test_unwritable_cache_dir(tmp_path: Path, capfd) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, _, err = run(
        [
            "--dataset",
            "bigfive",
            "--cache-dir",
            str(blocker / "c"),
            "--out",
            str(tmp_path / "x.json"),
        ],
        capfd,
    )
    assert_one_line_error(code, err, "cache directory", "--no-cache")


def test_usage_errors(tmp_path: Path, capfd) -> None:
    out = str(tmp_path / "x.json")
    for argv in (
        ["--dataset", "bigfive", "--batch-size", "0", "--out", out],
        ["--dataset", "bigfive", "--backend", "bert", "--out", out],
        ["--dataset", "bigfive", "--device", "tpu", "--out", out],
        ["--dataset", "bigfive"],
    ):
        code, _, err = run(argv, capfd)
        assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert not Path(out).exists()


@pytest.mark.scoring
def test_cuda_requested_without_cuda(tmp_path: Path, capfd) -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    out = tmp_path / "x.json"
    code, _, err = run(["--dataset", "bigfive", "--device", "cuda", "--out", str(out)], capfd)
    assert_one_line_error(code, err, "CUDA is not available")
    assert not out.exists()


def test_console_script_one_line(tmp_path: Path) -> None:
    """The real process: exit 2 and exactly one line on stderr."""
    out = tmp_path / "x.json"
    proc = subprocess.run(
        [sys.executable, "-m", "nashalign", "estimate", "--dataset", "nope", "--out", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "nashalign estimate: error: unknown dataset 'nope'; shipped datasets: bigfive, "
        "politics, culture (or give the path of a .jsonl, .csv or .json file)"
    ]
    assert not out.exists()


def test_help_documents_the_dataset_format(capfd) -> None:
    from nashalign.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["estimate", "--help"])
    assert exc.value.code == 0
    text = capfd.readouterr().out
    for needle in ("kind,group,text", "statement", "context", "subpopulations", "max(3, K + 1)"):
        assert needle in text
