"""Figure outputs: CSV text: the numbers behind the figure, its files and bad input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from nashalign.figures import (
    compute_heatmap,
)
from nashalign.instance import Instance

TAU = 0.05
RES = 24


def make_instance(seed: int = 5, K: int = 4) -> Instance:
    """A random instance with exclusion and no-interior regions inside [1e-2, 1e2]^2."""
    rng = np.random.default_rng(seed)
    S = rng.normal(size=(60, K)) @ rng.normal(size=(K, K)) * 0.3 + np.linspace(0, 1, K)
    return Instance.from_scores(
        S, [f"g{k}" for k in range(K)], provenance={"backend": "test", "dataset": "toy"}
    )


@pytest.fixture(scope="module")
def inst() -> Instance:
    return make_instance()


@pytest.fixture(scope="module")
def plane_maps(inst: Instance) -> dict[tuple[str, str], object]:
    return {
        ax: compute_heatmap(inst, axes=ax, resolution=RES, progress=False)
        for ax in (("beta_a", "beta_d"), ("beta_a", "beta_i"), ("beta_i", "beta_d"))
    }


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def no_temp_files(d: Path) -> bool:
    return not any(p.name.startswith(".") and p.name.endswith(".tmp") for p in d.iterdir())


def test_csv_text_quotes_commas():
    from nashalign.figures.output import csv_text

    text = csv_text(["a", "b"], [["x, y", 1.5]])
    assert list(csv.reader(io.StringIO(text))) == [["a", "b"], ["x, y", "1.5"]]
