"""A score-matrix cache keyed by (model, dataset checksum, backend).

Scoring is the only slow step of ``estimate``; the cache stores the score
matrix ``S`` (and the provenance of the run that produced it) so that
re-estimating the same dataset with the same model and backend is instant and
gives exactly the same instance (floats round-trip exactly through JSON).

The key is the SHA-256 of the canonical JSON of

- the backend name,
- the model identity (name or path, a content fingerprint of the model
  directory, and the precision, since float16 and float32 scores differ),
- the dataset checksum (:attr:`nashalign.scoring.datasets.Dataset.checksum`).

Entries are JSON files ``<backend>-<key[:32]>.json`` in the cache directory:
``$NASHALIGN_CACHE`` if set, else ``~/.cache/nashalign``. They are written
atomically (:func:`nashalign.io.atomic_write_json`) with the SHA-256 of their
content; an unreadable or inconsistent entry, or one whose content no longer
matches its checksum (edited by hand), counts as a miss with a warning and is
recomputed and overwritten. Only the scores are taken from the cache: an
instance's provenance is always that of the scorer of the current run
(:func:`nashalign.scoring.estimate.estimate_instance`), so it cannot be forged
through a cache entry.

Examples
--------
>>> import tempfile, numpy as np
>>> cache = ScoreCache(tempfile.mkdtemp())
>>> key = cache_key("embedding", {"model": "m"}, "sha256:abc")
>>> cache.get(key) is None
True
>>> _ = cache.put(key, np.eye(2), ["x", "y"], {"backend": "embedding"})
>>> cache.get(key).S.tolist()
[[1.0, 0.0], [0.0, 1.0]]
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError
from nashalign.io import atomic_write_json, check_creatable_dir

#: Environment variable naming the cache directory.
CACHE_ENV = "NASHALIGN_CACHE"
#: Format tag written into every entry.
CACHE_FORMAT = "nashalign-score-cache/2"


def default_cache_dir() -> Path:
    """``$NASHALIGN_CACHE`` if set (and non-empty), else ``~/.cache/nashalign``.

    Examples
    --------
    >>> isinstance(default_cache_dir(), Path)
    True
    """
    env = os.environ.get(CACHE_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "nashalign"


def cache_key(backend: str, model: Mapping[str, Any], dataset_checksum: str) -> str:
    """The hex SHA-256 key of (backend, model identity, dataset checksum).

    Examples
    --------
    >>> k = cache_key("embedding", {"model": "m"}, "sha256:0")
    >>> k == cache_key("embedding", {"model": "m"}, "sha256:0"), len(k)
    (True, 64)
    >>> k == cache_key("causal-lm", {"model": "m"}, "sha256:0")
    False
    """
    blob = json.dumps(
        {"backend": backend, "model": dict(model), "dataset": dataset_checksum},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def content_checksum(
    key: str, names: Sequence[str], S: ArrayLike, provenance: Mapping[str, Any]
) -> str:
    """SHA-256 of the canonical JSON of an entry's content (floats as their repr).

    Examples
    --------
    >>> c = content_checksum("k", ["x"], [[1.0]], {})
    >>> c == content_checksum("k", ["x"], [[1.0]], {}), c == content_checksum("k", ["x"], [[2.0]], {})
    (True, False)
    """
    blob = json.dumps(
        {
            "key": key,
            "names": list(names),
            "S": np.asarray(S, dtype=np.float64).tolist(),
            "provenance": dict(provenance),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheEntry:
    """A cached score matrix with its column names and the provenance of the run."""

    S: NDArray[np.float64]
    names: list[str]
    provenance: dict[str, Any]
    path: Path


class ScoreCache:
    """Score matrices on disk, one JSON file per key.

    Parameters
    ----------
    directory : path-like or None
        Cache directory (created on first write); ``None`` for :func:`default_cache_dir`.

    Examples
    --------
    >>> import tempfile
    >>> ScoreCache(tempfile.mkdtemp()).path("ab" * 32, "embedding").name
    'embedding-abababababababababababababababab.json'
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = (
            Path(directory).expanduser() if directory is not None else default_cache_dir()
        )

    def path(self, key: str, backend: str = "scores") -> Path:
        """The entry file for ``key``."""
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in backend)
        return self.directory / f"{safe}-{key[:32]}.json"

    def check_writable(self) -> Path:
        """Check the directory is, or can be created as, a writable one; create nothing.

        The directory is made by :meth:`put`, after the run's inputs have all been
        validated, so a refused call leaves no directory behind.
        """
        try:
            return check_creatable_dir(self.directory, "directory")
        except InputError as exc:
            raise InputError(f"cache directory: {exc} (use --no-cache to skip caching)") from None

    def get(
        self, key: str, backend: str = "scores", shape: tuple[int, int] | None = None
    ) -> CacheEntry | None:
        """The entry for ``key``, or None on a miss (also for a corrupt or mismatched entry)."""
        p = self.path(key, backend)
        if not p.is_file():
            return None
        try:
            d = json.loads(p.read_text(encoding="utf-8"))
            if d.get("format") != CACHE_FORMAT or d.get("key") != key:
                return None
            S = np.asarray(d["S"], dtype=np.float64)
            names = [str(x) for x in d["names"]]
            provenance = dict(d.get("provenance", {}))
            checksum = content_checksum(key, d["names"], d["S"], provenance)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            warnings.warn(f"ignoring unreadable score-cache entry {p}", stacklevel=2)
            return None
        if d.get("checksum") != checksum:
            warnings.warn(
                f"score-cache entry {p} does not match its checksum (edited?); recomputing",
                stacklevel=2,
            )
            return None
        if S.ndim != 2 or S.shape[1] != len(names) or not np.all(np.isfinite(S)):
            return None
        if shape is not None and S.shape != tuple(shape):
            return None
        return CacheEntry(S=S, names=names, provenance=provenance, path=p)

    def put(
        self,
        key: str,
        S: ArrayLike,
        names: Sequence[str],
        provenance: Mapping[str, Any],
        backend: str = "scores",
    ) -> Path:
        """Write an entry atomically and return its path."""
        S = np.asarray(S, dtype=np.float64)
        self.directory.mkdir(parents=True, exist_ok=True)
        return atomic_write_json(
            self.path(key, backend),
            {
                "format": CACHE_FORMAT,
                "key": key,
                "names": list(names),
                "S": S.tolist(),
                "provenance": dict(provenance),
                "checksum": content_checksum(key, names, S, provenance),
            },
        )

    def clear(self) -> int:
        """Delete every entry; return how many were removed."""
        if not self.directory.is_dir():
            return 0
        removed = 0
        for p in self.directory.glob("*.json"):
            try:
                d = json.loads(p.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(d, dict) and d.get("format") == CACHE_FORMAT:
                p.unlink()
                removed += 1
        return removed
