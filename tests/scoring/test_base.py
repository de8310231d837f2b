"""The scoring module's shared pieces: input checks, devices, dtypes, fingerprints."""

from __future__ import annotations

from pathlib import Path

import pytest

from nashalign.errors import InputError
from nashalign.scoring.base import (
    check_batch_size,
    check_model_dir,
    library_versions,
    model_fingerprint,
    resolve_device,
    resolve_dtype,
    validate_score_inputs,
)


def test_device_resolution() -> None:
    torch = pytest.importorskip("torch")

    assert resolve_device("cpu") == "cpu"
    expected = (
        "cuda"
        if torch.cuda.is_available()
        else ("mps" if torch.backends.mps.is_available() else "cpu")
    )
    assert resolve_device("auto") == expected
    assert resolve_dtype("auto", expected) == ("float32" if expected == "cpu" else "float16")
    if not torch.cuda.is_available():
        with pytest.raises(InputError, match="CUDA is not available"):
            resolve_device("cuda")
    with pytest.raises(InputError, match="unknown device"):
        resolve_device("gpu")
    with pytest.raises(InputError, match="unknown dtype"):
        resolve_dtype("int8", "cpu")


@pytest.mark.parametrize(
    ("contexts", "subs", "needle"),
    [
        ([], {"a": ["x"]}, "no contexts"),
        ("one string", {"a": ["x"]}, "must be a list of strings"),
        (["ok", " "], {"a": ["x"]}, "context 2 must be a non-empty string"),
        (["ok"], {}, "non-empty mapping"),
        (["ok"], {"a": "x"}, "must be a list of statements"),
        (["ok"], {"a": []}, "is empty"),
        (["ok"], {"a": ["x", ""]}, "statement 2 of subpopulation 'a' is empty"),
    ],
)
def test_score_inputs_are_validated(contexts, subs, needle):
    with pytest.raises(InputError, match=needle):
        validate_score_inputs(contexts, subs)


def test_score_inputs_keep_order():
    assert validate_score_inputs(["c"], {"b": ["x"], "a": ["y", "z"]}) == (
        ["b", "a"],
        [["x"], ["y", "z"]],
    )


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "8"])
def test_batch_size(bad):
    assert check_batch_size(3) == 3
    with pytest.raises(InputError, match="batch size must be a positive integer"):
        check_batch_size(bad)


def test_model_fingerprint_follows_content_not_time(tmp_path: Path):
    d = tmp_path / "m"
    d.mkdir()
    (d / "config.json").write_text("{}")
    (d / "weights.bin").write_bytes(b"abc")
    first = model_fingerprint(d)
    assert model_fingerprint(d) == first and first.startswith("sha256:")
    (d / "weights.bin").write_bytes(b"abd")
    assert model_fingerprint(d) != first
    assert check_model_dir(d, "causal-lm") == d


def test_library_versions_names_missing_packages():
    versions = library_versions("numpy", "no-such-package-xyz")
    assert versions["numpy"][0].isdigit()
    assert versions["no-such-package-xyz"] == "not installed"
