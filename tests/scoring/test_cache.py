"""The score cache: keys, exact round trip, atomic writes, misses, and its use by estimate."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nashalign.errors import InputError
from nashalign.scoring.cache import CACHE_ENV, ScoreCache, cache_key, default_cache_dir
from nashalign.scoring.datasets import Dataset
from nashalign.scoring.estimate import estimate_instance


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "env-cache"))


class CountingScorer:
    """A deterministic fake scorer that counts its calls."""

    backend = "fake"

    def __init__(self, model: str = "m1") -> None:
        self.model = model
        self.calls = 0

    def score(self, contexts, subpopulations):
        self.calls += 1
        rng = np.random.default_rng(len(contexts) * 7 + len(self.model))
        return rng.normal(size=(len(contexts), len(subpopulations)))

    def cache_identity(self):
        return {"model": self.model}

    def provenance(self):
        return {"backend": self.backend, "model": self.model, "device": "cpu"}


def dataset(extra: str = "") -> Dataset:
    return Dataset(
        "d",
        {"a": ["I am a." + extra], "b": ["I am b."], "c": ["I am c."]},
        [("t", f"post {i}") for i in range(6)],
    )


def test_default_dir_honours_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_cache_dir() == tmp_path / "env-cache"
    monkeypatch.delenv(CACHE_ENV)
    assert default_cache_dir() == Path.home() / ".cache" / "nashalign"


def test_key_depends_on_every_part() -> None:
    base = cache_key("embedding", {"model": "m", "dtype": "float32"}, "sha256:1")
    assert base == cache_key("embedding", {"dtype": "float32", "model": "m"}, "sha256:1")
    assert base != cache_key("causal-lm", {"model": "m", "dtype": "float32"}, "sha256:1")
    assert base != cache_key("embedding", {"model": "m2", "dtype": "float32"}, "sha256:1")
    assert base != cache_key("embedding", {"model": "m", "dtype": "float16"}, "sha256:1")
    assert base != cache_key("embedding", {"model": "m", "dtype": "float32"}, "sha256:2")


def test_roundtrip_is_exact_and_atomic(tmp_path: Path) -> None:
    cache = ScoreCache(tmp_path / "c")
    S = np.random.default_rng(0).normal(size=(7, 3)) / 3.0
    key = cache_key("embedding", {"model": "m"}, "sha256:x")
    p = cache.put(key, S, ["a", "b", "c"], {"device": "cpu"}, "embedding")
    entry = cache.get(key, "embedding", shape=(7, 3))
    assert entry is not None and entry.path == p
    assert np.array_equal(entry.S, S)  # floats round-trip exactly through JSON
    assert entry.names == ["a", "b", "c"] and entry.provenance == {"device": "cpu"}
    assert [f.name for f in (tmp_path / "c").iterdir()] == [p.name]  # no temp files left
    assert cache.clear() == 1 and cache.get(key, "embedding") is None


def test_misses(tmp_path: Path) -> None:
    cache = ScoreCache(tmp_path)
    key = cache_key("embedding", {"model": "m"}, "sha256:x")
    assert cache.get(key, "embedding") is None
    cache.put(key, np.ones((4, 2)), ["a", "b"], {}, "embedding")
    assert cache.get(key, "embedding", shape=(5, 2)) is None  # wrong shape
    other = cache_key("embedding", {"model": "m"}, "sha256:y")
    p = cache.path(key, "embedding")
    d = json.loads(p.read_text())
    d["key"] = other  # an entry whose key does not match its name
    p.write_text(json.dumps(d))
    assert cache.get(key, "embedding") is None
    p.write_text("{truncated")
    with pytest.warns(UserWarning, match="unreadable score-cache entry"):
        assert cache.get(key, "embedding") is None


def test_estimate_uses_the_cache(tmp_path: Path) -> None:
    scorer = CountingScorer()
    first = estimate_instance(dataset(), scorer=scorer, cache_dir=tmp_path)
    second = estimate_instance(dataset(), scorer=scorer, cache_dir=tmp_path)
    assert scorer.calls == 1
    assert first.to_dict() == second.to_dict()
    estimate_instance(dataset("!"), scorer=scorer, cache_dir=tmp_path)  # new dataset checksum
    estimate_instance(dataset(), scorer=CountingScorer("m2"), cache_dir=tmp_path)  # new model
    assert scorer.calls == 2
    estimate_instance(dataset(), scorer=scorer, cache_dir=tmp_path, use_cache=False)
    assert scorer.calls == 3
    assert len(list(tmp_path.glob("fake-*.json"))) == 3


def test_default_cache_dir_is_used(tmp_path: Path) -> None:
    estimate_instance(dataset(), scorer=CountingScorer())
    assert len(list((tmp_path / "env-cache").glob("fake-*.json"))) == 1


def test_unwritable_explicit_cache_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    scorer = CountingScorer()
    with pytest.raises(InputError, match="cache directory: .*--no-cache"):
        estimate_instance(dataset(), scorer=scorer, cache_dir=blocker / "sub")
    assert scorer.calls == 0  # checked before scoring


def test_an_edited_entry_is_recomputed_with_a_warning(tmp_path: Path) -> None:
    scorer = CountingScorer()
    first = estimate_instance(dataset(), scorer=scorer, cache_dir=tmp_path)
    (entry,) = tmp_path.glob("fake-*.json")
    d = json.loads(entry.read_text())
    d["S"][0][0] += 1.0  # a valid-looking edit: same shape, finite
    entry.write_text(json.dumps(d))
    with pytest.warns(UserWarning, match="does not match its checksum"):
        again = estimate_instance(dataset(), scorer=scorer, cache_dir=tmp_path)
    assert scorer.calls == 2  # scored afresh
    assert again.to_dict() == first.to_dict()
    assert json.loads(entry.read_text())["S"] != d["S"]  # the edited entry was overwritten
    assert (
        estimate_instance(dataset(), scorer=scorer, cache_dir=tmp_path).to_dict() == first.to_dict()
    )
    assert scorer.calls == 2  # the rewritten entry is valid again


def test_provenance_cannot_be_forged_through_the_cache(tmp_path: Path) -> None:
    from nashalign.scoring.cache import content_checksum

    scorer = CountingScorer()
    estimate_instance(dataset(), scorer=scorer, cache_dir=tmp_path)
    (entry,) = tmp_path.glob("fake-*.json")
    d = json.loads(entry.read_text())
    d["provenance"] = {"backend": "fake", "model": "gpt-9", "device": "cuda:7"}
    d["checksum"] = content_checksum(
        d["key"], d["names"], d["S"], d["provenance"]
    )  # consistent forgery
    entry.write_text(json.dumps(d))
    inst = estimate_instance(dataset(), scorer=scorer, cache_dir=tmp_path)
    assert scorer.calls == 1  # the scores were reused ...
    assert (
        inst.provenance["model"] == "m1" and inst.provenance["device"] == "cpu"
    )  # ... not the claim
