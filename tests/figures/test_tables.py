"""The exclusion table: the numbers behind the figure, its files and bad input."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from nashalign.figures import (
    compute_heatmap,
    exclusion_table,
)
from nashalign.figures.tables import COLUMNS
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


def test_exclusion_table_fractions(inst, tmp_path):
    t = exclusion_table({"toy": inst}, tmp_path, resolution=12, progress=False)
    assert [r["beta_d"] for r in t.rows] == [0.0, 1.0]
    for row in t.rows:
        d = compute_heatmap(
            inst, axes=("beta_a", "beta_i"), fixed=row["beta_d"], resolution=12, progress=False
        )
        n_int = int(d.interior.sum())
        assert row["n_points"] == 144 and row["n_interior"] == n_int
        assert row["no_interior_fraction"] == pytest.approx(1 - n_int / 144)
        n_ex = int((d.interior & (d.weights.min(-1) < TAU)).sum())
        if n_int:
            assert row["exclusion_fraction"] == pytest.approx(n_ex / n_int)
        else:
            assert math.isnan(row["exclusion_fraction"])
        assert row["exclusion_fraction_of_grid"] == pytest.approx(n_ex / 144)
        assert row["scorer"] == "test"
    rows = read_csv(tmp_path / "exclusion_table.csv")
    assert tuple(rows[0]) == COLUMNS and len(rows) == 2
    for got, row in zip(rows, t.rows, strict=True):
        assert float(got["no_interior_fraction"]) == row["no_interior_fraction"]
    md = (tmp_path / "exclusion_table.md").read_text()
    assert md.count("\n") == 4 and md.startswith("| dataset")
