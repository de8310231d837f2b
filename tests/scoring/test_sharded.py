"""Scoring sharded by contexts (serial, process pool): exact equality, per-shard cache, resume.

Ray actors are tested in tests/test_ray.py.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
import shard_helpers

from nashalign.cli import main
from nashalign.errors import ExecutorError, InputError
from nashalign.scoring.cache import ScoreCache
from nashalign.scoring.datasets import load_dataset
from nashalign.scoring.sharded import score_sharded, scores_checksum, shard_checksum

SUBS = {"x": ["a statement", "another"], "y": ["why"]}
CONTEXTS = [f"context number {i}" + "!" * i for i in range(7)]


def test_shards_merge_in_context_order_with_checksums():
    scorer = shard_helpers.Lengths()
    whole = scorer.score(CONTEXTS, SUBS)
    run = score_sharded(scorer, CONTEXTS, SUBS, shard_size=4, executor="serial")
    np.testing.assert_array_equal(run.S, whole)
    assert [s["contexts"] for s in run.shards] == [[0, 4], [4, 7]]
    assert run.shards[1]["contexts_checksum"] == shard_checksum(CONTEXTS[4:], SUBS)
    assert run.shards[1]["scores_checksum"] == scores_checksum(whole[4:])
    assert run.provenance() == {"shard_size": 4, "shards": run.shards}


def test_shard_size_must_be_whole_context_blocks():
    with pytest.raises(InputError, match=r"multiple of the scorer's context block \(2\)"):
        score_sharded(shard_helpers.Lengths(), CONTEXTS, SUBS, shard_size=3)


def test_a_killed_run_resumes_from_its_cached_shards(tmp_path):
    cache = ScoreCache(tmp_path / "cache")
    dying = shard_helpers.Lengths(die=CONTEXTS[5], once=False)
    with pytest.raises(ExecutorError, match="nothing was written"):
        score_sharded(dying, CONTEXTS, SUBS, shard_size=2, executor="process", workers=2,
                      retries=0, cache=cache)  # fmt: skip
    cached = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert 1 <= len(cached) <= 3  # finished shards are cached; the dead one is not
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")]
    # The same model (same cache identity) without the fault: only what is left is scored.
    healthy = shard_helpers.Lengths(die=CONTEXTS[5], once=True, marker=str(tmp_path / "m"))
    (tmp_path / "m").write_text("already died")
    run = score_sharded(healthy, CONTEXTS, SUBS, shard_size=2, executor="serial", cache=cache)
    assert run.from_cache == len(cached)
    plan = [(0, 2), (2, 4), (4, 6), (6, 7)]
    rescored = [any(c in healthy.scored for c in CONTEXTS[lo:hi]) for lo, hi in plan]
    assert rescored[2] and rescored.count(False) == len(cached)  # cached shards: not again
    assert len(healthy.scored) == sum(
        hi - lo for (lo, hi), r in zip(plan, rescored, strict=True) if r
    )
    np.testing.assert_array_equal(run.S, shard_helpers.Lengths().score(CONTEXTS, SUBS))


def test_a_dead_pool_worker_is_replaced_and_its_shard_retried(tmp_path):
    scorer = shard_helpers.Lengths(die=CONTEXTS[2], once=True, marker=str(tmp_path / "m"))
    run = score_sharded(scorer, CONTEXTS, SUBS, shard_size=2, executor="process", workers=2)
    assert (tmp_path / "m").exists()
    np.testing.assert_array_equal(run.S, shard_helpers.Lengths().score(CONTEXTS, SUBS))


# ------------------------------------------------------------------ real models, on CPU
@pytest.mark.scoring
def test_embedding_sharded_equals_unsharded_bit_for_bit():
    pytest.importorskip("sentence_transformers")
    from nashalign.scoring.embedding import EmbeddingScorer

    ds = load_dataset("politics").subsample(3)  # 36 contexts: several blocks, a ragged tail
    scorer = EmbeddingScorer(device="cpu", progress=False, context_block=8)
    whole = scorer.score(ds.context_texts, ds.subpopulations)
    for size in (8, 24):
        run = score_sharded(scorer, ds.context_texts, ds.subpopulations, shard_size=size)
        np.testing.assert_array_equal(run.S, whole)
    # A model reloaded in another process (a pool worker): the estimate test below.


@pytest.mark.scoring
def test_causal_lm_sharded_equals_unsharded_bit_for_bit(tmp_path):
    pytest.importorskip("transformers")
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from test_causal_lm import build_tiny_gpt2

    from nashalign.scoring.causal_lm import CausalLMScorer

    model = build_tiny_gpt2(tmp_path / "gpt2")
    ds = load_dataset("culture").subsample(2)
    scorer = CausalLMScorer(model, device="cpu", batch_size=8, progress=False, context_block=3)
    whole = scorer.score(ds.context_texts, ds.subpopulations)
    run = score_sharded(scorer, ds.context_texts, ds.subpopulations, shard_size=6)
    assert len(run.shards) > 1
    np.testing.assert_array_equal(run.S, whole)


@pytest.mark.scoring
def test_estimate_with_shards_writes_the_unsharded_instance_plus_its_shards(tmp_path):
    pytest.importorskip("sentence_transformers")
    plain, sharded = tmp_path / "plain.json", tmp_path / "sharded.json"
    assert main(["estimate", "--dataset", "politics", "--device", "cpu", "--no-cache",
                 "--quiet", "--out", str(plain)]) == 0  # fmt: skip
    # One pool worker: the scorer is pickled and its model reloaded in another process.
    assert main(["estimate", "--dataset", "politics", "--device", "cpu", "--quiet",
                 "--executor", "process", "--workers", "1", "--cache-dir", str(tmp_path / "c"),
                 "--out", str(sharded)]) == 0  # fmt: skip
    a, b = json.loads(plain.read_text()), json.loads(sharded.read_text())
    assert a["a"] == b["a"] and a["C"] == b["C"]
    shards = b["provenance"].pop("sharding")
    assert [s["contexts"] for s in shards["shards"]] == [[0, 64], [64, 120]]
    assert all(s["scores_checksum"].startswith("sha256:") for s in shards["shards"])
    assert a["provenance"] == b["provenance"]


def test_executor_ray_without_ray_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)
    out = tmp_path / "x.json"
    code = main(["estimate", "--dataset", "politics", "--executor", "ray", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err == (
        "nashalign estimate: error: --executor ray needs Ray, which is not installed "
        "(pip install -e '.[ray]')\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--shard-size", "10"], "must be a multiple of the scorer's context block (64)"),
        (["--executor", "process", "--workers", "0"], "expected a positive integer"),
        (["--executor", "threads"], "invalid choice: 'threads'"),
    ],
)
def test_bad_shard_options_are_one_line_and_create_nothing(tmp_path, capsys, argv, message):
    out, cache = tmp_path / "x.json", tmp_path / "cache"
    code = main(["estimate", "--dataset", "politics", "--device", "cpu", "--cache-dir",
                 str(cache), "--out", str(out), *argv])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1
    assert not out.exists() and not cache.exists()
