"""The exclusion table: the numbers behind the figure, its files and bad input."""

from __future__ import annotations

import math

import pytest
from figure_support import TAU, read_csv

from nashalign.figures import (
    compute_heatmap,
    exclusion_table,
)
from nashalign.figures.tables import COLUMNS


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
