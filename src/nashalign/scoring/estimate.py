r"""Estimate an instance (a, C) of the model from a dataset with a scorer.

:func:`estimate_instance` loads the dataset, scores it (or reads the score
matrix ``S`` from the cache), and returns
:class:`nashalign.instance.Instance` with

.. math::

    a = \frac{1}{n}\sum_i s_i, \qquad C = \frac{1}{n-1}\sum_i (s_i - a)(s_i - a)^\top

and a provenance record: backend, model (name, fingerprint), device, dtype,
batch size, the score definition, library versions, and the dataset's name,
checksum, contexts, topics and statement counts. The provenance does not say
whether the cache was used, so a cached and a fresh estimate are the same file.

With ``executor=`` or ``shard_size=``, the contexts are scored in shards
(:mod:`nashalign.scoring.sharded`: serial, a local process pool, or Ray actors),
each cached as it finishes, so a killed run resumes; the scores equal those of an
unsharded run bit for bit on CPU, and the provenance adds ``sharding``: the shard
size and every shard's contexts and checksums (not where it ran, so a serial and
a Ray run write the same file).

Examples
--------
>>> import numpy as np
>>> from nashalign.scoring.datasets import Dataset
>>> class Lengths:  # a toy scorer: the length of the context times k
...     backend = "toy"
...     def score(self, contexts, subpopulations):
...         return np.array([[len(c) * (k + 1) for k in range(len(subpopulations))]
...                          for c in contexts], dtype=float)
...     def cache_identity(self):
...         return {"model": "lengths"}
...     def provenance(self):
...         return {"backend": "toy", "model": "lengths"}
>>> ds = Dataset("toy", {"x": ["I am x."], "y": ["I am y."]},
...              [("t", "ab"), ("t", "abcd"), ("t", "abcdef")])
>>> inst = estimate_instance(ds, scorer=Lengths(), use_cache=False)
>>> inst.a.tolist(), inst.C.tolist()
([4.0, 8.0], [[4.0, 8.0], [8.0, 16.0]])
>>> inst.provenance["dataset_checksum"] == ds.checksum
True
"""

from __future__ import annotations

import os
import warnings
from functools import partial
from typing import Any

from nashalign.errors import InputError
from nashalign.executors import check_executor, require_ray
from nashalign.executors import ray_address as check_ray_address
from nashalign.instance import Instance
from nashalign.io import check_output_file, check_path
from nashalign.scoring.base import Scorer
from nashalign.scoring.cache import ScoreCache, cache_key
from nashalign.scoring.datasets import Dataset, load_dataset
from nashalign.scoring.sharded import score_sharded
from nashalign.validation import positive_int

#: Backends accepted by ``backend=``.
BACKENDS = ("embedding", "causal-lm")
#: Default batch size per backend (texts for embedding, pairs for causal-lm).
DEFAULT_BATCH_SIZE = {"embedding": 32, "causal-lm": 16}


def make_scorer(
    backend: str = "embedding",
    model: str | os.PathLike[str] | None = None,
    device: str = "auto",
    batch_size: int | None = None,
    dtype: str = "auto",
    progress: bool | None = None,
    gguf_file: str | os.PathLike[str] | None = None,
) -> Scorer:
    """Build the scorer for ``backend`` (the model loads lazily, on first score).

    Validates everything that is cheap to check first: the backend name, the
    model directory, GGUF file or named model, the device and the batch size.

    Examples
    --------
    >>> make_scorer("embedding", device="cpu").backend
    'embedding'
    >>> make_scorer("causal-lm")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: the causal-lm backend needs a local model directory, a GGUF file or a named model (gemma3-270m) (--model PATH|NAME)
    """
    if backend not in BACKENDS:
        raise InputError(f"unknown backend {backend!r} (expected {' or '.join(BACKENDS)})")
    bs = DEFAULT_BATCH_SIZE[backend] if batch_size is None else batch_size
    if model is not None:
        check_path(model, "--model")
    if gguf_file is not None:
        check_path(gguf_file, "--gguf-file")
    if backend == "embedding":
        if gguf_file is not None:
            raise InputError("--gguf-file goes with the causal-lm backend")
        from nashalign.scoring.embedding import EmbeddingScorer

        return EmbeddingScorer(model, device=device, batch_size=bs, dtype=dtype, progress=progress)
    from nashalign.scoring.causal_lm import CausalLMScorer

    return CausalLMScorer(
        model, device=device, batch_size=bs, dtype=dtype, progress=progress, gguf_file=gguf_file
    )


def dataset_provenance(ds: Dataset) -> dict[str, Any]:
    """The dataset part of an instance's provenance.

    Examples
    --------
    >>> from nashalign.scoring.datasets import load_dataset
    >>> dataset_provenance(load_dataset("politics"))["n_contexts"]
    120
    """
    return {
        "dataset": ds.name,
        "dataset_source": ds.source,
        "dataset_checksum": ds.checksum,
        "n_contexts": ds.n,
        "topics": ds.topics,
        "n_statements": ds.n_statements,
    }


def estimate_instance(
    dataset: str | os.PathLike[str] | Dataset,
    backend: str = "embedding",
    model: str | os.PathLike[str] | None = None,
    device: str = "auto",
    batch_size: int | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    use_cache: bool = True,
    dtype: str = "auto",
    progress: bool | None = None,
    scorer: Scorer | None = None,
    out: str | os.PathLike[str] | None = None,
    gguf_file: str | os.PathLike[str] | None = None,
    contexts_per_topic: int | None = None,
    executor: str | None = None,
    workers: int | None = None,
    shard_size: int | None = None,
    ray_address: str | None = None,
) -> Instance:
    """Score a dataset and return the instance (names, a, C, n, provenance).

    With ``out``, the output path (and an explicit ``cache_dir``) is checked before
    any work and the instance is written there atomically (``nashalign estimate``).

    Parameters
    ----------
    dataset : str, path-like or Dataset
        A shipped dataset name, a dataset file (see :mod:`nashalign.scoring.datasets`)
        or a :class:`~nashalign.scoring.datasets.Dataset`.
    backend : {"embedding", "causal-lm"}
        Scoring backend.
    model : path-like or None
        Local model directory; ``None`` for the bundled embedding model
        (required for ``causal-lm``).
    device : str
        ``"auto"`` (cuda, then mps, then cpu), ``"cpu"``, ``"cuda"``, ``"cuda:N"``, ``"mps"``.
    batch_size : int or None
        Batch size; ``None`` for the backend's default (32 texts / 16 pairs).
    cache_dir : path-like or None
        Score-cache directory; ``None`` for ``$NASHALIGN_CACHE`` or ``~/.cache/nashalign``.
    use_cache : bool
        Read and write the score cache.
    dtype : str
        ``"auto"`` (float16 on a GPU, float32 on cpu), ``"float32"``, ``"float16"``, ``"bfloat16"``.
    progress : bool or None
        Progress bar over batches; ``None``: only when stderr is a terminal.
    scorer : Scorer or None
        A ready scorer (e.g. to reuse a loaded model); overrides ``backend``,
        ``model``, ``device``, ``batch_size`` and ``dtype``.
    out : path-like or None
        Instance JSON file to write (checked first; written atomically at the end).
    gguf_file : path-like or None
        GGUF file inside the directory ``model`` (causal-lm backend).
    contexts_per_topic : int or None
        Score only the first this many contexts of each topic (a documented
        subsample for slow models; see :meth:`Dataset.subsample`). The
        provenance records it with the full dataset's checksum.
    executor : {"auto", "serial", "process", "ray"} or None
        Score in shards there (:func:`nashalign.scoring.sharded.score_sharded`);
        ``None`` (and no ``shard_size``): one unsharded call in this process.
    workers : int or None
        Process-pool size or Ray actors (default: per GPU, else per CPU).
    shard_size : int or None
        Contexts per shard, a multiple of the scorer's ``context_block``
        (default: one block).
    ray_address : str or None
        Ray cluster to join (else ``$RAY_ADDRESS``, else a local Ray).

    Returns
    -------
    Instance
        With ``provenance`` as described in the module docstring.

    Raises
    ------
    InputError
        Unknown or malformed dataset, unknown backend, unreadable model path,
        unavailable device, bad batch size, unwritable explicit cache directory,
        bad executor options, Ray missing or not answering, a worker that died
        past its retries (:class:`~nashalign.errors.ExecutorError`).
    """
    sharded = executor is not None or shard_size is not None
    if sharded:
        executor, workers = check_executor("serial" if executor is None else executor, workers)
        if shard_size is not None:
            positive_int(shard_size, "shard size")
        if executor == "ray":
            require_ray()
            ray_address = ray_address if ray_address is None else check_ray_address(ray_address)
    out_path = check_output_file(out) if out is not None else None
    cache: ScoreCache | None = None
    if use_cache:
        cache = ScoreCache(cache_dir)
        if cache_dir is not None:
            cache.check_writable()
    full = load_dataset(dataset)
    ds = full if contexts_per_topic is None else full.subsample(contexts_per_topic)
    custom = scorer is not None
    if scorer is None:
        scorer = make_scorer(backend, model, device, batch_size, dtype, progress, gguf_file)
    key = ""
    S = None
    run_provenance: dict[str, Any] | None = None
    sharding: dict[str, Any] | None = None
    if sharded:
        make = None
        if not custom:
            make = partial(make_scorer, backend, model, device, batch_size, dtype, False, gguf_file)
        run = score_sharded(
            scorer,
            ds.context_texts,
            ds.subpopulations,
            shard_size=shard_size,
            executor=executor or "serial",
            workers=workers,
            address=ray_address,
            cache=cache,
            make=make,
        )
        S, sharding = run.S, run.provenance()
        run_provenance = scorer.provenance()
        run_provenance["device"] = ", ".join(run.devices)
    if S is None and cache is not None:
        key = cache_key(scorer.backend, scorer.cache_identity(), ds.checksum)
        entry = cache.get(key, scorer.backend, shape=(ds.n, ds.K))
        if entry is not None and entry.names == ds.names:
            # Only the scores come from the cache; the provenance is this run's scorer's.
            S, run_provenance = entry.S, scorer.provenance()
    if S is None:
        S = scorer.score(ds.context_texts, ds.subpopulations)
        run_provenance = scorer.provenance()
        if cache is not None:
            try:
                cache.put(key, S, ds.names, run_provenance, scorer.backend)
            except (OSError, InputError) as exc:
                warnings.warn(
                    f"could not write the score cache in {cache.directory}: {exc}", stacklevel=2
                )
    provenance = {**(run_provenance or {}), **dataset_provenance(ds)}
    if sharding is not None:
        provenance["sharding"] = sharding
    if ds is not full:
        provenance["context_subsample"] = {
            "contexts_per_topic": contexts_per_topic,
            "rule": "the first contexts_per_topic contexts of each topic, in dataset order",
            "full_n_contexts": full.n,
            "full_dataset_checksum": full.checksum,
        }
    instance = Instance.from_scores(S, ds.names, provenance)
    if out_path is not None:
        instance.save(out_path)
    return instance
