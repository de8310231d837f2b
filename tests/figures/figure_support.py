"""Helpers shared by the figure tests (imported by name: conftest.py puts this folder first
on ``sys.path``)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from nashalign.instance import Instance

TAU = 0.05
RES = 24
PLANES = (("beta_a", "beta_d"), ("beta_a", "beta_i"), ("beta_i", "beta_d"))


def make_instance(seed: int = 5, K: int = 4) -> Instance:
    """A random instance with exclusion and no-interior regions inside [1e-2, 1e2]^2."""
    rng = np.random.default_rng(seed)
    S = rng.normal(size=(60, K)) @ rng.normal(size=(K, K)) * 0.3 + np.linspace(0, 1, K)
    return Instance.from_scores(
        S, [f"g{k}" for k in range(K)], provenance={"backend": "test", "dataset": "toy"}
    )


def rising_instance() -> Instance:
    """K = 2 with w0_1(r) < tau and v_1(r) > 0 for moderate r: g1 is excluded at *small* s."""
    return Instance(["g0", "g1"], [0.0, 1.0], [[1.0, 0.0], [0.0, 100.0]], n=10)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def no_temp_files(d: Path) -> bool:
    return not any(p.name.startswith(".") and p.name.endswith(".tmp") for p in d.iterdir())
