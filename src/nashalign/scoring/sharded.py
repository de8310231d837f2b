"""Scoring sharded by contexts: serial, a local process pool, or Ray actors.

The contexts are cut into shards of ``shard_size`` consecutive contexts, each made of
whole blocks of the scorer's ``context_block`` (see
:func:`~nashalign.scoring.base.context_blocks`: a block's rows do not depend on
anything outside it), so the merged matrix is, bit for bit on CPU, the one a single
``scorer.score`` call over all contexts gives.

Where the shards run (:mod:`nashalign.executors`):

``serial`` / ``process``
    :func:`nashalign.executors.run_tasks` over :func:`score_shard`; a worker process
    loads the model once (the backends cache it per process) and scores every shard
    it is handed.
``ray``
    Ray actors (:class:`ShardWorker`) that build the scorer once and keep the model
    loaded, one GPU each where the cluster has GPUs (else one CPU each, with that
    many torch threads); shards are handed out as actors come free. An actor that
    dies is restarted and its shard retried, ``retries`` times; after that the run
    stops with one :class:`~nashalign.errors.ExecutorError` line.

Each finished shard is written to the score cache at once (atomically, keyed by the
model and :func:`shard_checksum` of the shard's contexts and statements), so a run
that is killed resumes from its finished shards; the merge is in context order and
the provenance lists every shard with the checksums of its input and its scores
(:func:`scores_checksum`).

Examples
--------
>>> import numpy as np
>>> class Lengths:  # a toy scorer: its rows depend on nothing but their context
...     backend = "toy"
...     def score(self, contexts, subpopulations):
...         return np.array([[len(c) * (k + 1) for k in range(len(subpopulations))]
...                          for c in contexts], dtype=float)
...     def cache_identity(self):
...         return {"model": "lengths"}
...     def provenance(self):
...         return {"backend": "toy", "device": "cpu"}
>>> run = score_sharded(Lengths(), ["ab", "abc", "abcd"], {"x": ["s"], "y": ["t"]},
...                     shard_size=2, executor="serial")
>>> run.S.tolist(), [s["contexts"] for s in run.shards]
([[2.0, 4.0], [3.0, 6.0], [4.0, 8.0]], [[0, 2], [2, 3]])
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.errors import ExecutorError, InputError
from nashalign.executors import (
    DEFAULT_RETRIES,
    check_executor,
    connect_ray,
    cpu_count,
    ray_worker_died,
    require_ray,
    resolve_executor,
    run_tasks,
)
from nashalign.scoring.base import Scorer, device_description
from nashalign.scoring.cache import ScoreCache, cache_key
from nashalign.validation import positive_int

__all__ = [
    "ShardJob",
    "ShardWorker",
    "ShardedRun",
    "score_shard",
    "score_sharded",
    "scores_checksum",
    "shard_checksum",
    "shard_plan",
]


def _sha256(obj: Any) -> str:
    blob = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def shard_checksum(contexts: Sequence[str], subpopulations: Mapping[str, Sequence[str]]) -> str:
    """SHA-256 of a shard's input: its contexts, in order, and the named statement lists.

    Examples
    --------
    >>> a = shard_checksum(["c1"], {"x": ["s"]})
    >>> a == shard_checksum(["c1"], {"x": ["s"]}), a == shard_checksum(["c2"], {"x": ["s"]})
    (True, False)
    """
    subs = [[str(k), list(v)] for k, v in subpopulations.items()]
    return _sha256({"contexts": list(contexts), "subpopulations": subs})


def scores_checksum(S: NDArray[np.float64]) -> str:
    """SHA-256 of a score block: its shape and its float64 values (little-endian bytes).

    Examples
    --------
    >>> scores_checksum(np.eye(2)) == scores_checksum(np.eye(2).copy())
    True
    """
    A = np.ascontiguousarray(S, dtype="<f8")
    h = hashlib.sha256(f"{A.shape[0]}x{A.shape[1]}:".encode())
    h.update(A.tobytes())
    return "sha256:" + h.hexdigest()


def shard_plan(n: int, shard_size: int, block: int = 1) -> list[tuple[int, int]]:
    """Shards ``(lo, hi)`` of ``n`` contexts; ``shard_size`` must be a multiple of ``block``.

    Examples
    --------
    >>> shard_plan(10, 4, block=2)
    [(0, 4), (4, 8), (8, 10)]
    >>> shard_plan(10, 3, block=2)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: the shard size (3 contexts) must be a multiple of the scorer's context block (2), so that sharded scores equal unsharded ones exactly
    """
    shard_size = positive_int(shard_size, "shard size")
    block = positive_int(block, "context block")
    if shard_size % block:
        raise InputError(
            f"the shard size ({shard_size} contexts) must be a multiple of the scorer's "
            f"context block ({block}), so that sharded scores equal unsharded ones exactly"
        )
    return [(lo, min(lo + shard_size, n)) for lo in range(0, n, shard_size)]


@dataclass(frozen=True)
class ShardJob:
    """What a worker needs to score one shard (picklable).

    ``make`` builds the scorer in the worker (so ``device="auto"`` finds the
    worker's GPU); ``scorer`` is a ready one to use as it is.
    """

    index: int
    lo: int
    hi: int
    contexts: list[str]
    subpopulations: dict[str, list[str]]
    make: Callable[[], Scorer] | None = None
    scorer: Scorer | None = None


#: Scorers built in this worker process, by their maker (one model load per process).
_WORKER_SCORERS: dict[Any, Scorer] = {}


def _worker_scorer(job: ShardJob) -> Scorer:
    if job.scorer is not None:
        return job.scorer
    if job.make is None:
        raise InputError("a shard job needs a scorer or a way to make one")
    key = repr(job.make)
    if key not in _WORKER_SCORERS:
        _WORKER_SCORERS[key] = job.make()
    return _WORKER_SCORERS[key]


def score_shard(job: ShardJob, scorer: Scorer | None = None) -> tuple[NDArray[np.float64], str]:
    """Score one shard: ``(S_shard, device)`` (what a ``serial``/``process`` worker runs).

    ``scorer`` (an actor's own) overrides the job's.

    Examples
    --------
    >>> class One:
    ...     backend = "one"
    ...     def score(self, contexts, subpopulations):
    ...         return np.ones((len(contexts), len(subpopulations)))
    ...     def cache_identity(self):
    ...         return {}
    ...     def provenance(self):
    ...         return {"device": "cpu"}
    >>> S, device = score_shard(ShardJob(0, 0, 2, ["a", "b"], {"x": ["s"]}, scorer=One()))
    >>> S.shape, device
    ((2, 1), 'cpu')
    """
    if scorer is None:
        scorer = _worker_scorer(job)
    S = np.asarray(scorer.score(job.contexts, job.subpopulations), dtype=np.float64)
    if S.shape != (job.hi - job.lo, len(job.subpopulations)):
        raise InputError(f"the scorer returned shape {S.shape} for shard {job.index}")
    device = getattr(scorer, "device", None)
    if isinstance(device, str):
        return S, device_description(device)
    return S, str(scorer.provenance().get("device", "unknown"))


class ShardWorker:
    """A Ray actor's body: builds the scorer once, keeps its model loaded, scores shards.

    Parameters
    ----------
    make : callable or None
        Builds the scorer (in the actor's process).
    scorer : Scorer or None
        A ready scorer instead.
    threads : int or None
        torch threads for this actor (its share of the CPUs).

    Examples
    --------
    >>> class One:
    ...     backend = "one"
    ...     def score(self, contexts, subpopulations):
    ...         return np.ones((len(contexts), len(subpopulations)))
    ...     def cache_identity(self):
    ...         return {}
    ...     def provenance(self):
    ...         return {"device": "cpu"}
    >>> w = ShardWorker(scorer=One())
    >>> w.score(ShardJob(0, 0, 1, ["a"], {"x": ["s"]}))[0].tolist()
    [[1.0]]
    """

    def __init__(
        self,
        make: Callable[[], Scorer] | None = None,
        scorer: Scorer | None = None,
        threads: int | None = None,
    ) -> None:
        if threads is not None:
            try:
                import torch

                torch.set_num_threads(threads)
            except ImportError:  # pragma: no cover - scorers without torch
                pass
        self.scorer = scorer if scorer is not None else (make() if make is not None else None)
        if self.scorer is None:
            raise InputError("a shard worker needs a scorer or a way to make one")

    def score(self, job: ShardJob) -> tuple[NDArray[np.float64], str]:
        """Score ``job`` with this actor's scorer."""
        own = ShardJob(job.index, job.lo, job.hi, job.contexts, job.subpopulations)
        return score_shard(own, self.scorer)


@dataclass
class ShardedRun:
    """The merged scores of a sharded run and what the provenance records of it.

    Attributes
    ----------
    S : ndarray, shape (n, K)
        The merged score matrix, in context order.
    shards : list of dict
        Per shard: ``index``, ``contexts`` ``[lo, hi)``, ``contexts_checksum``,
        ``scores_checksum``.
    devices : list of str
        The devices the shards were scored on (from this run or the cache).
    shard_size : int
        Contexts per shard.
    executor : str
        Where the shards that were scored in this run ran.
    from_cache : int
        Shards read from the cache instead of scored.
    """

    S: NDArray[np.float64]
    shards: list[dict[str, Any]]
    devices: list[str]
    shard_size: int
    executor: str
    from_cache: int = 0

    def provenance(self) -> dict[str, Any]:
        """What an instance's provenance says of the sharding (not where it ran).

        Examples
        --------
        >>> ShardedRun(np.zeros((1, 1)), [], ["cpu"], 8, "serial").provenance()["shard_size"]
        8
        """
        return {"shard_size": self.shard_size, "shards": list(self.shards)}


def score_sharded(
    scorer: Scorer,
    contexts: Sequence[str],
    subpopulations: Mapping[str, Sequence[str]],
    *,
    shard_size: int | None = None,
    executor: str = "serial",
    workers: int | None = None,
    address: str | None = None,
    retries: int = DEFAULT_RETRIES,
    cache: ScoreCache | None = None,
    make: Callable[[], Scorer] | None = None,
) -> ShardedRun:
    """Score ``contexts`` shard by shard on ``executor`` and merge in context order.

    Parameters
    ----------
    scorer : Scorer
        The scorer (validated here; its model is loaded only where shards run).
    contexts, subpopulations
        As for :meth:`nashalign.scoring.base.Scorer.score`.
    shard_size : int or None
        Contexts per shard, a multiple of the scorer's ``context_block`` (1 for a
        scorer without one); default: one block.
    executor : {"auto", "serial", "process", "ray"}
        Where the shards run; ``auto`` is ``serial`` (the backends already use every
        CPU for one forward pass).
    workers : int or None
        Process-pool size or number of Ray actors (default: one per GPU of the
        cluster, else one per CPU, at most one per shard).
    address : str or None
        Ray cluster (else ``$RAY_ADDRESS``, else a local Ray).
    retries : int
        Restarts of a dead worker (and retries of its shard).
    cache : ScoreCache or None
        Where finished shards go (read first: a finished shard is not scored again).
    make : callable or None
        Builds an equivalent scorer in a worker (so ``device="auto"`` resolves on
        the worker's machine); default: the pickled ``scorer``.

    Returns
    -------
    ShardedRun

    Raises
    ------
    InputError
        Bad options (checked before any work), Ray missing or not answering.
    ExecutorError
        A worker died more than ``retries`` times (finished shards stay cached).
    """
    executor, workers = check_executor(executor, workers)
    if executor == "auto":
        executor = "serial"
    if executor == "ray":
        require_ray()
    names = [str(k) for k in subpopulations]
    subs = {str(k): list(v) for k, v in subpopulations.items()}
    contexts = list(contexts)
    if not contexts:
        raise InputError("no contexts to score")
    block = int(getattr(scorer, "context_block", 1) or 1)
    plan = shard_plan(len(contexts), block if shard_size is None else shard_size, block)
    size = plan[0][1] - plan[0][0] if shard_size is None else int(shard_size)
    identity = scorer.cache_identity()
    keys, checks = [], []
    for lo, hi in plan:
        checks.append(shard_checksum(contexts[lo:hi], subs))
        keys.append(cache_key(scorer.backend, identity, checks[-1]))
    results: dict[int, tuple[NDArray[np.float64], str]] = {}
    if cache is not None:
        for i, (lo, hi) in enumerate(plan):
            entry = cache.get(keys[i], scorer.backend, shape=(hi - lo, len(names)))
            if entry is not None and entry.names == names:
                results[i] = (entry.S, str(entry.provenance.get("device", "unknown")))
    from_cache = len(results)
    todo = [i for i in range(len(plan)) if i not in results]

    def finished(i: int, result: tuple[NDArray[np.float64], str]) -> None:
        results[i] = result
        if cache is not None:
            try:
                cache.put(keys[i], result[0], names, {"device": result[1]}, scorer.backend)
            except (OSError, InputError) as exc:
                warnings.warn(
                    f"could not write shard {i} to the score cache in {cache.directory}: {exc}",
                    stacklevel=3,
                )

    ready = None if make is not None else scorer
    jobs = []
    for i in todo:
        lo, hi = plan[i]
        jobs.append(ShardJob(i, lo, hi, contexts[lo:hi], subs, make=make, scorer=ready))
    kind = resolve_executor(executor, len(jobs), workers) if jobs else executor
    if jobs and kind == "ray":
        _run_actors(jobs, workers, address, retries, finished)
    elif jobs:
        run_tasks(
            score_shard,
            jobs,
            kind,
            workers,
            retries=retries,
            on_result=lambda k, r: finished(jobs[k].index, r),
        )
    S = np.vstack([results[i][0] for i in range(len(plan))])
    shards = [
        {
            "index": i,
            "contexts": [lo, hi],
            "contexts_checksum": checks[i],
            "scores_checksum": scores_checksum(results[i][0]),
        }
        for i, (lo, hi) in enumerate(plan)
    ]
    devices = sorted({results[i][1] for i in range(len(plan))})
    return ShardedRun(S, shards, devices, size, kind, from_cache)


def _run_actors(
    jobs: list[ShardJob],
    workers: int | None,
    address: str | None,
    retries: int,
    finished: Callable[[int, tuple[NDArray[np.float64], str]], None],
) -> None:
    """Shards on Ray actors that keep the model loaded; a free actor takes the next shard."""
    ray = connect_ray(address, workers)
    resources = ray.cluster_resources()
    gpus = int(resources.get("GPU", 0))
    cpus = max(1, int(resources.get("CPU", cpu_count())))
    n = workers or (gpus if gpus else cpus)
    n = max(1, min(n, len(jobs)))
    threads = None if gpus else max(1, cpus // n)
    options: dict[str, Any] = {
        "num_gpus": 1 if gpus else 0,
        "num_cpus": 1,
        "max_restarts": retries,
        "max_task_retries": retries,
    }
    actor_cls = ray.remote(**options)(ShardWorker)
    first = jobs[0]
    actors = [
        actor_cls.remote(make=first.make, scorer=first.scorer, threads=threads) for _ in range(n)
    ]
    queue = list(jobs)
    running: dict[Any, tuple[Any, ShardJob]] = {}
    try:
        for actor in actors:
            if queue:
                job = queue.pop(0)
                running[actor.score.remote(_light(job))] = (actor, job)
        while running:
            ready, _ = ray.wait(list(running), num_returns=1)
            ref = ready[0]
            actor, job = running.pop(ref)
            finished(job.index, ray.get(ref))
            if queue:
                nxt = queue.pop(0)
                running[actor.score.remote(_light(nxt))] = (actor, nxt)
    except BaseException as exc:
        if ray_worker_died(exc):
            raise ExecutorError(
                f"a Ray scoring actor died more than {retries} times; "
                f"{len(running) + len(queue)} shards did not finish (finished shards are "
                "cached, so a rerun resumes from them) and nothing was written"
            ) from None
        inner = getattr(exc, "cause", None)
        if isinstance(inner, InputError):
            raise inner from None
        raise
    finally:
        for actor in actors:
            ray.kill(actor)


def _light(job: ShardJob) -> ShardJob:
    """The job without its scorer (the actor holds its own)."""
    return ShardJob(job.index, job.lo, job.hi, job.contexts, job.subpopulations)
