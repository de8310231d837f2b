r"""The :class:`Scorer` interface and what the backends share.

A scorer maps n contexts and K subpopulations (each a list of statements) to
the score matrix

.. math::

    S \in \mathbb{R}^{n \times K}, \qquad
    s_{ik} = \text{how the base model's output for context } i
    \text{ fares when aligned with subpopulation } k,

as a float64 array. Backends: :class:`~nashalign.scoring.embedding.EmbeddingScorer`
(cosine to a statement centroid) and
:class:`~nashalign.scoring.causal_lm.CausalLMScorer` (mean token log-probability).

This module also holds the shared plumbing: device and dtype resolution
(``device="auto"`` picks cuda, then mps, then cpu; half precision on a GPU),
input validation, the tqdm progress bar over batches, model-directory checks
and fingerprints, and library versions for provenance. torch is imported only
inside the functions that need it.

Determinism: on CPU the backends run the model in ``eval`` mode under
``torch.inference_mode`` with a fixed batch order, so two runs in the same
environment give bit-identical scores.

Blocks: a row of ``S`` depends, in its last bits, on which other texts share its
padded batch. So the backends score contexts in consecutive blocks of
``context_block`` contexts (:func:`context_blocks`), each block batched on its own,
and the statements on their own: the rows of a block do not depend on anything
outside it. Scoring shards made of whole blocks
(:mod:`nashalign.scoring.sharded`) therefore gives exactly, bit for bit, the
matrix of one call over all contexts.

Examples
--------
>>> names, groups = validate_score_inputs(["Hi there"], {"x": ["I am x."], "y": ["I am y."]})
>>> names
['x', 'y']
>>> resolve_dtype("auto", "cpu")
'float32'
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from nashalign.errors import InputError
from nashalign.validation import positive_int

T = TypeVar("T")

#: Devices accepted by ``device=`` (``cuda:N`` is accepted too).
DEVICES = ("auto", "cpu", "cuda", "mps")
#: Precisions accepted by ``dtype=``; ``auto`` is float16 on cuda/mps, float32 on cpu.
DTYPES = ("auto", "float32", "float16", "bfloat16")


@runtime_checkable
class Scorer(Protocol):
    """Anything that turns contexts and subpopulations into a score matrix.

    Attributes
    ----------
    backend : str
        Short backend name (``"embedding"``, ``"causal-lm"``).

    Examples
    --------
    >>> class Constant:
    ...     backend = "constant"
    ...     def score(self, contexts, subpopulations):
    ...         return np.ones((len(contexts), len(subpopulations)))
    ...     def cache_identity(self):
    ...         return {"model": "none"}
    ...     def provenance(self):
    ...         return {"backend": "constant"}
    >>> isinstance(Constant(), Scorer)
    True
    """

    backend: str

    def score(
        self, contexts: Sequence[str], subpopulations: Mapping[str, Sequence[str]]
    ) -> NDArray[np.float64]:
        """Return S, shape (len(contexts), len(subpopulations)), float64."""
        ...

    def cache_identity(self) -> dict[str, Any]:
        """What identifies the model for the score cache (name, fingerprint, dtype)."""
        ...

    def provenance(self) -> dict[str, Any]:
        """JSON-ready description: backend, model, device, dtype, library versions."""
        ...


def context_blocks(n: int, block: int, start: int = 0) -> list[tuple[int, int]]:
    """The blocks ``(lo, hi)`` of ``n`` contexts, cut at multiples of ``block`` from ``start``.

    Examples
    --------
    >>> context_blocks(5, 2)
    [(0, 2), (2, 4), (4, 5)]
    """
    block = positive_int(block, "context block")
    return [(lo, min(lo + block, n)) for lo in range(start, n, block)]


def validate_score_inputs(
    contexts: Sequence[str], subpopulations: Mapping[str, Sequence[str]]
) -> tuple[list[str], list[list[str]]]:
    """Check the arguments of :meth:`Scorer.score`; return names and statement lists.

    Examples
    --------
    >>> validate_score_inputs([], {"x": ["a"]})
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: no contexts to score
    """
    if isinstance(contexts, str) or not isinstance(contexts, Sequence):
        raise InputError("contexts must be a list of strings")
    if len(contexts) == 0:
        raise InputError("no contexts to score")
    for i, c in enumerate(contexts):
        if not isinstance(c, str) or not c.strip():
            raise InputError(f"context {i + 1} must be a non-empty string")
    if not isinstance(subpopulations, Mapping) or len(subpopulations) == 0:
        raise InputError("subpopulations must be a non-empty mapping of name to statements")
    names, groups = [], []
    for name, statements in subpopulations.items():
        if isinstance(statements, str) or not isinstance(statements, Sequence):
            raise InputError(f"subpopulation {name!r} must be a list of statements")
        if len(statements) == 0:
            raise InputError(f"subpopulation {name!r} is empty (no statements)")
        for j, s in enumerate(statements):
            if not isinstance(s, str) or not s.strip():
                raise InputError(f"statement {j + 1} of subpopulation {name!r} is empty")
        names.append(str(name))
        groups.append(list(statements))
    return names, groups


def resolve_device(device: str = "auto") -> str:
    """Resolve ``"auto"`` to ``"cuda"``, then ``"mps"``, then ``"cpu"``; check the others.

    Raises :class:`~nashalign.errors.InputError` for an unknown device or one
    that is not available on this machine.

    Examples
    --------
    >>> resolve_device("cpu")
    'cpu'
    >>> resolve_device("tpu")
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: unknown device 'tpu' (expected auto, cpu, cuda, cuda:N or mps)
    """
    if not isinstance(device, str):
        raise InputError(f"device must be a string, got {type(device).__name__}")
    dev = device.strip().lower()
    is_cuda_n = dev.startswith("cuda:") and dev[5:].isdigit()
    if dev not in DEVICES and not is_cuda_n:
        raise InputError(f"unknown device {device!r} (expected auto, cpu, cuda, cuda:N or mps)")
    if dev == "cpu":
        return "cpu"
    import torch

    cuda_ok = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None)
    mps_ok = bool(mps is not None and mps.is_available())
    if dev == "auto":
        return "cuda" if cuda_ok else ("mps" if mps_ok else "cpu")
    if dev.startswith("cuda"):
        if not cuda_ok:
            raise InputError(f"device {device!r} requested but CUDA is not available")
        if is_cuda_n and int(dev[5:]) >= torch.cuda.device_count():
            raise InputError(
                f"device {device!r} requested but only {torch.cuda.device_count()} "
                "CUDA device(s) exist"
            )
        return dev
    if not mps_ok:
        raise InputError("device 'mps' requested but MPS is not available")
    return "mps"


def resolve_dtype(dtype: str, device: str) -> str:
    """Resolve ``"auto"`` to ``"float16"`` on a GPU (cuda, mps) and ``"float32"`` on cpu.

    Examples
    --------
    >>> resolve_dtype("auto", "cuda"), resolve_dtype("bfloat16", "cpu")
    ('float16', 'bfloat16')
    """
    if dtype not in DTYPES:
        raise InputError(f"unknown dtype {dtype!r} (expected {', '.join(DTYPES)})")
    if dtype != "auto":
        return dtype
    return "float32" if device == "cpu" else "float16"


def torch_dtype(name: str) -> Any:
    """The ``torch.dtype`` for a name from :data:`DTYPES` (not ``auto``)."""
    import torch

    return {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[name]


def offline_hub() -> None:
    """Default ``HF_HUB_OFFLINE=1`` and ``TRANSFORMERS_OFFLINE=1`` (never touch the network).

    Takes effect when called before Hugging Face libraries are imported; the
    loaders also pass ``local_files_only=True``, which holds regardless.

    Examples
    --------
    >>> offline_hub()
    >>> "HF_HUB_OFFLINE" in os.environ
    True
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def check_batch_size(batch_size: Any) -> int:
    """Validate a positive integer batch size.

    Examples
    --------
    >>> check_batch_size(8)
    8
    """
    return positive_int(batch_size, "batch size")


def show_progress(progress: bool | None) -> bool:
    """Whether to draw a progress bar: as asked, or (``None``) when stderr is a terminal.

    Examples
    --------
    >>> show_progress(False)
    False
    """
    if progress is None:
        return bool(getattr(sys.stderr, "isatty", lambda: False)())
    return bool(progress)


def progress_bar(
    iterable: Iterable[T], total: int | None, desc: str, progress: bool | None
) -> Iterator[T]:
    """Wrap ``iterable`` in a tqdm bar over batches (on stderr), or not at all.

    Examples
    --------
    >>> list(progress_bar(range(3), 3, "batches", progress=False))
    [0, 1, 2]
    """
    if not show_progress(progress):
        return iter(iterable)
    from tqdm import tqdm

    return iter(tqdm(iterable, total=total, desc=desc, unit="batch", leave=False))


def check_model_dir(path: str | os.PathLike[str], backend: str) -> Path:
    """Check that ``path`` is a readable local model directory with a ``config.json``.

    Examples
    --------
    >>> check_model_dir("/no/such/model", "causal-lm")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: model path /no/such/model does not exist (the causal-lm ...
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise InputError(
            f"model path {p} does not exist (the {backend} backend needs a local model directory)"
        )
    if not p.is_dir():
        raise InputError(f"model path {p} is not a directory")
    if not os.access(p, os.R_OK | os.X_OK):
        raise InputError(f"model directory {p} is not readable")
    if not (p / "config.json").is_file():
        raise InputError(f"model directory {p} has no config.json; not a Hugging Face model")
    return p


def model_fingerprint(path: str | os.PathLike[str], chunk: int = 1 << 20) -> str:
    """A cheap content fingerprint of a model directory, for the score cache.

    SHA-256 over every file's relative path, size and content; files larger
    than 4 chunks contribute only their first and last chunk (weights change
    in both anyway), so a multi-gigabyte model is fingerprinted in
    milliseconds. Modification times are ignored, so a copied model keeps its
    fingerprint.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "config.json").write_text("{}")
    >>> model_fingerprint(d) == model_fingerprint(d)
    True
    """
    root = Path(path)
    h = hashlib.sha256()
    files = sorted(
        f
        for f in root.rglob("*")
        if f.is_file() and not any(part.startswith(".") for part in f.relative_to(root).parts)
    )
    for f in files:
        size = f.stat().st_size
        h.update(f"{f.relative_to(root).as_posix()}\0{size}\0".encode())
        with f.open("rb") as fh:
            if size <= 4 * chunk:
                h.update(fh.read())
            else:
                h.update(fh.read(chunk))
                fh.seek(size - chunk)
                h.update(fh.read(chunk))
    return "sha256:" + h.hexdigest()


def library_versions(*packages: str) -> dict[str, str]:
    """Installed versions of python, numpy, nashalign and the named packages.

    Examples
    --------
    >>> sorted(library_versions())
    ['nashalign', 'numpy', 'python']
    """
    out = {"python": sys.version.split()[0]}
    for pkg in ("numpy", "nashalign", *packages):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def device_description(device: str) -> str:
    """A human-readable name of the device (the GPU model for cuda).

    Examples
    --------
    >>> device_description("cpu")
    'cpu'
    """
    if device.startswith("cuda"):
        import torch

        return f"{device} ({torch.cuda.get_device_name(torch.device(device))})"
    return device


class quiet_hf_loading:
    """Context manager: hide transformers' weight-loading progress bars unless wanted.

    Examples
    --------
    >>> with quiet_hf_loading(progress=True):
    ...     pass
    """

    def __init__(self, progress: bool | None) -> None:
        self.show = show_progress(progress)
        self._was_enabled: bool | None = None

    def __enter__(self) -> quiet_hf_loading:
        if self.show:
            return self
        try:
            from transformers.utils import logging as hf_logging
        except ImportError:  # pragma: no cover - transformers is a scoring dependency
            return self
        self._was_enabled = hf_logging.is_progress_bar_enabled()
        if self._was_enabled:
            hf_logging.disable_progress_bar()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._was_enabled:
            from transformers.utils import logging as hf_logging

            hf_logging.enable_progress_bar()
