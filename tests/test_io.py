"""Atomic writes and output checks (nashalign.io): nothing half-written, modes, bad paths."""

from __future__ import annotations

import os
import stat

import pytest

from nashalign.errors import InputError
from nashalign.io import atomic_write_json, atomic_write_text, ensure_writable_dir


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    class Boom:
        pass

    with pytest.raises(TypeError):
        atomic_write_json(tmp_path / "x.json", Boom())
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_mode_follows_umask(tmp_path):
    p = atomic_write_text(tmp_path / "t.txt", "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~umask


def test_unwritable_output(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        ensure_writable_dir(f)
    with pytest.raises(InputError, match="does not exist"):
        atomic_write_text(tmp_path / "nope" / "x.txt", "y")
