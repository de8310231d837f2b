"""Atomic output: files appear whole or not at all.

Every file nashalign writes goes through :func:`atomic_write_bytes` (write to a
temporary file in the same directory, ``fsync``, then ``os.replace``), so an
interrupted or failed run never leaves a half-written output behind.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> p = atomic_write_json(d / "x.json", {"a": 1})
>>> p.read_text()
'{\\n  "a": 1\\n}\\n'
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from nashalign.errors import InputError


def ensure_writable_dir(path: str | os.PathLike[str], create: bool = True) -> Path:
    """Return ``path`` as a directory that exists and is writable, or raise InputError.

    Parameters
    ----------
    path : path-like
        Directory to check.
    create : bool
        Create it (with parents) when missing.

    Examples
    --------
    >>> import tempfile
    >>> ensure_writable_dir(tempfile.mkdtemp()).is_dir()
    True
    """
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise InputError(f"output path {p} exists and is not a directory")
    if not p.exists():
        if not create:
            raise InputError(f"output directory {p} does not exist")
        try:
            p.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create output directory {p}: {exc.strerror}") from None
    if not os.access(p, os.W_OK | os.X_OK):
        raise InputError(f"output directory {p} is not writable")
    return p


def check_output_file(path: str | os.PathLike[str]) -> Path:
    """Validate that ``path`` can be written (its directory exists and is writable).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> check_output_file(pathlib.Path(tempfile.mkdtemp()) / "out.json").name
    'out.json'
    """
    p = Path(path)
    if p.is_dir():
        raise InputError(f"output path {p} is a directory, expected a file")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"output directory {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"output directory {parent} is not writable")
    return p


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = atomic_write_bytes(pathlib.Path(tempfile.mkdtemp()) / "b.bin", b"xy")
    >>> p.read_bytes()
    b'xy'
    """
    p = check_output_file(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; give the file the mode a plain open() would (0666 & ~umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return p


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> atomic_write_text(pathlib.Path(tempfile.mkdtemp()) / "t.txt", "hi").read_text()
    'hi'
    """
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``obj`` as indented JSON to ``path`` atomically.

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> p = atomic_write_json(pathlib.Path(tempfile.mkdtemp()) / "o.json", [1, 2])
    >>> json.loads(p.read_text())
    [1, 2]
    """
    return atomic_write_text(path, json.dumps(obj, indent=2) + "\n")
