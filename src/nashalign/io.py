"""Atomic output: files appear whole or not at all.

Every file nashalign writes goes through :func:`atomic_write_bytes` (write to a
temporary file in the same directory, ``fsync``, then ``os.replace``), so an
interrupted or failed run never leaves a half-written output behind. Output
directories that a run fills (``nashalign figures --out``, ``nashalign demo
--out``) are held with :func:`locked_output_dir`: one run at a time, an
``INCOMPLETE`` marker while writing and a ``COMPLETE`` manifest of checksums at
the end.

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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nashalign.errors import InputError

#: Longest file-name component accepted for anything nashalign reads or writes
#: (bytes, as the file system counts them; POSIX NAME_MAX).
NAME_MAX = 255
#: Longest whole path accepted (bytes; POSIX PATH_MAX).
PATH_MAX = 4096


def check_path(path: str | os.PathLike[str], what: str = "path") -> Path:
    """``path`` as a Path, refused in one line when no file system could hold it.

    Each component must fit in :data:`NAME_MAX` bytes and the whole path in
    :data:`PATH_MAX`; NUL characters are refused. Checked before anything is
    created, so an over-long ``--out`` or model path never leaves partial files.

    Examples
    --------
    >>> check_path("out/figures").name
    'figures'
    >>> check_path("x" * 300, "--out")
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: --out has a component of 300 bytes ('xxxxxxxxxxxxxxxxxxxx'...); file systems allow at most 255
    """
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if "\0" in text:
        raise InputError(f"{what} contains a NUL character")
    encoded = os.fsencode(text)
    if len(encoded) > PATH_MAX:
        raise InputError(f"{what} is {len(encoded)} bytes long; paths may be at most {PATH_MAX}")
    for part in Path(text).parts:
        size = len(os.fsencode(part))
        if size > NAME_MAX:
            raise InputError(
                f"{what} has a component of {size} bytes ({part[:20]!r}...); "
                f"file systems allow at most {NAME_MAX}"
            )
    return Path(text)


def check_creatable_dir(path: str | os.PathLike[str], what: str = "output directory") -> Path:
    """Check that ``path`` is, or could be created as, a writable directory; create nothing.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "a" / "b"
    >>> check_creatable_dir(d) == d, d.exists()
    (True, False)
    """
    p = check_path(path, what)
    if p.exists():
        if not p.is_dir():
            raise InputError(f"{what} {p} exists and is not a directory")
        if not os.access(p, os.W_OK | os.X_OK):
            raise InputError(f"{what} {p} is not writable")
        return p
    ancestor = p.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InputError(f"cannot create {what} {p}: {ancestor} is not a directory")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise InputError(f"cannot create {what} {p}: {ancestor} is not writable")
    return p


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
    p = check_path(path, "output directory")
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
    p = check_path(path, "output file")
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
    # The temporary name is short whatever the target's length (a 250-byte name is allowed).
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name[:100]}.", suffix=".tmp", dir=p.parent)
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


#: Lock file of an output directory being written (:func:`locked_output_dir`).
LOCK_NAME = ".nashalign.lock"
#: Marker present while a directory is being written (or after a run was interrupted).
INCOMPLETE_NAME = "INCOMPLETE"
#: Manifest written when a run finished writing: ``sha256  relative/path`` lines.
COMPLETE_NAME = "COMPLETE"
#: A lock file that cannot be read is taken as stale after this many seconds.
UNREADABLE_LOCK_GRACE_S = 30.0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:
        return False
    return True


def _lock_holder(lock: Path) -> dict[str, Any] | None:
    """The holder of ``lock`` (pid, host, started), None when it is stale or gone."""
    import socket
    import time

    try:
        text = lock.read_text(encoding="utf-8")
        info = json.loads(text)
        pid, host = int(info["pid"]), str(info["host"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        try:
            age = time.time() - lock.stat().st_mtime
        except FileNotFoundError:
            return None
        if age > UNREADABLE_LOCK_GRACE_S:
            return None
        return {"pid": "?", "host": "?", "started": "just now"}
    if host == socket.gethostname() and not _pid_alive(pid):
        return None
    return info


def _acquire(lock: Path) -> str:
    import socket
    import time

    token = json.dumps(
        {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
    )
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _lock_holder(lock)
            if holder is not None:
                raise InputError(
                    f"output directory {lock.parent} is in use by another nashalign run "
                    f"(pid {holder.get('pid')} on {holder.get('host')} since "
                    f"{holder.get('started')}); wait for it, or remove {lock} if that run is gone"
                ) from None
            # Stale (its process is dead): move it aside atomically, then retry.
            aside = lock.with_name(f"{LOCK_NAME}.stale.{os.getpid()}")
            try:
                os.replace(lock, aside)
                aside.unlink()
            except FileNotFoundError:
                pass
            continue
        except OSError as exc:
            raise InputError(
                f"cannot lock output directory {lock.parent}: {exc.strerror}"
            ) from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(token + "\n")
        return token
    raise InputError(f"cannot lock output directory {lock.parent}: the lock keeps changing")


def _release(lock: Path, token: str) -> None:
    try:
        if lock.read_text(encoding="utf-8").strip() == token:
            lock.unlink()
    except FileNotFoundError:
        pass
    except OSError:  # the directory turned read-only: the dead pid makes the lock stale
        pass


def directory_manifest(path: str | os.PathLike[str]) -> str:
    """``sha256sum``-style lines (``<sha256>  <path relative to path>``) of every file
    under ``path``, sorted, without the lock and the markers.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.txt").write_text("x")
    >>> directory_manifest(d).split()[1]
    'a.txt'
    """
    import hashlib

    root = Path(path)
    skip = {LOCK_NAME, INCOMPLETE_NAME, COMPLETE_NAME}
    lines = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if not p.is_file() or p.is_symlink() or (len(rel.parts) == 1 and p.name in skip):
            continue
        if p.name.startswith(f"{LOCK_NAME}."):
            continue
        h = hashlib.sha256()
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        lines.append(f"{h.hexdigest()}  {rel.as_posix()}")
    return "\n".join(lines) + ("\n" if lines else "")


@contextmanager
def locked_output_dir(path: str | os.PathLike[str], command: str = "nashalign") -> Iterator[Path]:
    """Hold ``path`` (created when missing) exclusively while a run writes into it.

    On entry: :func:`ensure_writable_dir`, then the lock ``PATH/.nashalign.lock``
    is created with ``O_CREAT | O_EXCL`` and holds the pid, host and start time
    (a lock whose process is dead on this host is stale and taken over); an old
    ``COMPLETE`` is removed and ``PATH/INCOMPLETE`` written. On a normal exit
    ``PATH/COMPLETE`` is written (the :func:`directory_manifest` of the
    directory, checkable with ``sha256sum -c COMPLETE``) and ``INCOMPLETE``
    removed. On an exception (or an interrupt) ``INCOMPLETE`` stays, so an
    interrupted directory is recognisable, except that an :class:`InputError`
    raised before anything was written restores the directory as it was (and
    removes it when this call created it): bad input writes nothing. An
    :class:`OSError` while writing (the directory turned read-only, a full disk)
    becomes a one-line :class:`InputError` naming the file. The lock is released
    either way.

    Raises
    ------
    InputError
        The directory is unusable, or another live run holds it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with locked_output_dir(d) as out:
    ...     _ = (out / "f.txt").write_text("hi")
    ...     sorted(p.name for p in out.iterdir())
    ['.nashalign.lock', 'INCOMPLETE', 'f.txt']
    >>> sorted(p.name for p in d.iterdir())
    ['COMPLETE', 'f.txt']
    """
    import time

    created = not check_path(path, "output directory").exists()
    out = ensure_writable_dir(path)
    lock = out / LOCK_NAME
    token = _acquire(lock)
    try:
        before = _snapshot(out)
        complete = out / COMPLETE_NAME
        previous = complete.read_bytes() if complete.is_file() else None
        complete.unlink(missing_ok=True)
        atomic_write_text(
            out / INCOMPLETE_NAME,
            f"{command} is writing this directory (or was interrupted) since "
            f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}; lock: {token}\n",
        )
        try:
            yield out
        except InputError:
            # Bad input found before anything was written: leave the directory as it was.
            if _snapshot(out) == before:
                (out / INCOMPLETE_NAME).unlink(missing_ok=True)
                if previous is not None:
                    atomic_write_bytes(complete, previous)
                _release(lock, token)
                if created:
                    try:
                        out.rmdir()
                    except OSError:
                        pass
            raise
        except OSError as exc:
            # The directory became unwritable mid-run (permissions, a full disk): one
            # line, and the directory keeps INCOMPLETE where it can still be read.
            where = exc.filename or out
            raise InputError(
                f"cannot write {where}: {exc.strerror or exc}; {out} is left INCOMPLETE"
            ) from None
        try:
            atomic_write_text(complete, directory_manifest(out))
            (out / INCOMPLETE_NAME).unlink(missing_ok=True)
        except OSError as exc:
            raise InputError(
                f"cannot finish {out}: {exc.strerror or exc}; it is left INCOMPLETE"
            ) from None
    finally:
        _release(lock, token)


def _snapshot(root: Path) -> set[tuple[str, int, int]]:
    skip = {LOCK_NAME, INCOMPLETE_NAME, COMPLETE_NAME}
    out = set()
    for p in root.rglob("*"):
        if p.name in skip and p.parent == root:
            continue
        try:
            st = p.lstat()
        except FileNotFoundError:
            continue
        out.add((p.relative_to(root).as_posix(), st.st_size, st.st_mtime_ns))
    return out
