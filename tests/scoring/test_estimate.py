"""estimate_instance: committed instances reproduce, determinism, C symmetric PSD, provenance.

Tolerance for re-estimating a committed instance: 1e-5 absolute on a and C.
The embeddings are float32 (unit rounding ~6e-8); a different CPU kernel
(AVX2 vs AVX-512, oneDNN), thread count or batch composition reorders float32
sums over 384 dimensions and 6 layers. Measured differences across batch sizes
and thread counts are ~1e-9, so 1e-5 leaves a wide margin, while any real
change (one statement edited moves a by ~1e-3) still fails.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("sentence_transformers")

from nashalign.instance import PSD_TOL, Instance  # noqa: E402
from nashalign.scoring.datasets import list_datasets, shipped_instance_paths  # noqa: E402
from nashalign.scoring.embedding import EmbeddingScorer  # noqa: E402
from nashalign.scoring.estimate import estimate_instance  # noqa: E402

pytestmark = pytest.mark.scoring

ATOL = 1e-5


@pytest.fixture(scope="module")
def scorer() -> EmbeddingScorer:
    return EmbeddingScorer(device="cpu", batch_size=32, progress=False)


@pytest.fixture(scope="module")
def politics(scorer: EmbeddingScorer) -> Instance:
    return estimate_instance("politics", scorer=scorer, use_cache=False)


def test_reestimate_matches_committed_instance(politics: Instance) -> None:
    committed = Instance.load(shipped_instance_paths()["politics"])
    assert politics.names == committed.names and politics.n == committed.n
    np.testing.assert_allclose(politics.a, committed.a, rtol=0, atol=ATOL)
    np.testing.assert_allclose(politics.C, committed.C, rtol=0, atol=ATOL)
    for key in ("backend", "model", "model_fingerprint", "dtype", "dataset_checksum"):
        assert politics.provenance[key] == committed.provenance[key]


def test_deterministic_on_cpu_and_cached(
    politics: Instance, scorer: EmbeddingScorer, tmp_path
) -> None:
    """A second, independent run is bit-identical; a cached run gives the same file."""
    again = estimate_instance("politics", scorer=scorer, cache_dir=tmp_path)  # scores afresh
    np.testing.assert_array_equal(again.a, politics.a)
    np.testing.assert_array_equal(again.C, politics.C)
    cached = estimate_instance("politics", scorer=scorer, cache_dir=tmp_path)
    assert cached.to_dict() == again.to_dict() == politics.to_dict()
    assert len(list(tmp_path.glob("embedding-*.json"))) == 1


def test_provenance_fields(politics: Instance) -> None:
    p = politics.provenance
    assert p["backend"] == "embedding" and p["device"] == "cpu" and p["dtype"] == "float32"
    assert p["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert p["dataset"] == "politics" and p["dataset_checksum"].startswith("sha256:")
    assert p["n_contexts"] == 120 and len(p["topics"]) == 12
    assert set(p["libraries"]) >= {
        "python",
        "numpy",
        "torch",
        "transformers",
        "sentence-transformers",
    }


@pytest.mark.parametrize("name", list_datasets())
def test_committed_instances_are_valid(name: str) -> None:
    inst = Instance.load(shipped_instance_paths()[name])
    np.testing.assert_array_equal(inst.C, inst.C.T)
    eig = np.linalg.eigvalsh(inst.C)
    assert eig.min() > -PSD_TOL * eig.max()
    assert eig.min() > 0  # n = 120 > K: full rank
    assert np.all((inst.a > -1) & (inst.a < 1))  # cosines


def test_estimated_C_is_symmetric_psd(politics: Instance) -> None:
    np.testing.assert_array_equal(politics.C, politics.C.T)
    assert np.linalg.eigvalsh(politics.C).min() > 0
