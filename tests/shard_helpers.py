"""Picklable helpers for the executor and sharding tests (imported by module name in workers).

``tests/`` is on ``sys.path`` (conftest), spawned pool workers inherit it, and the
Ray fixture passes it to Ray workers through ``PYTHONPATH``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


def square(x: int) -> int:
    """A trivial piece of work."""
    return x * x


def die_once(arg: tuple[str, int]) -> int:
    """Kill this worker the first time it meets item 3 (a marker file says it has)."""
    marker, x = arg
    if x == 3 and not Path(marker).exists():
        Path(marker).write_text("died")
        os._exit(1)
    return x * x


def die_always(x: int) -> int:
    """Kill this worker whenever it meets item 3."""
    if x == 3:
        os._exit(1)
    return x * x


class Lengths:
    """A toy scorer: s_ik = len(context_i) * (k + 1) + checksum of k's statements.

    ``die`` names a context that kills the worker scoring it (``once``: only the first
    time, with ``marker`` recording that it did); ``calls`` counts scored contexts in
    this process.
    """

    backend = "toy"

    def __init__(self, die: str | None = None, once: bool = True, marker: str | None = None):
        self.die, self.once, self.marker = die, once, marker
        self.context_block = 2
        self.scored: list[str] = []

    def score(self, contexts, subpopulations):
        if self.die is not None and self.die in contexts:
            if not self.once or not Path(self.marker).exists():
                if self.once:
                    Path(self.marker).write_text("died")
                os._exit(1)
        self.scored.extend(contexts)
        weights = [sum(map(len, v)) for v in subpopulations.values()]
        return np.array(
            [[len(c) * (k + 1) + w for k, w in enumerate(weights)] for c in contexts], dtype=float
        )

    def cache_identity(self):
        return {"model": "lengths", "die": self.die}

    def provenance(self):
        return {"backend": self.backend, "model": "lengths", "device": "cpu"}


def refuse_two(x: int) -> int:
    """Refuse item 2 with an InputError (bad input found inside a worker)."""
    from nashalign.errors import InputError

    if x == 2:
        raise InputError("item 2 is refused")
    return x
