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
    # two rows, then a caption naming the grid (resolution) and what is counted
    assert md.count("\n") == 6 and md.startswith("| dataset")
    assert "12 × 12 log-spaced points" in md and "boundary NE" in md


def test_exclusion_table_counts_boundary_equilibria(inst, tmp_path):
    t = exclusion_table({"toy": inst}, tmp_path, resolution=12, progress=False)
    for row in t.rows:
        d = compute_heatmap(
            inst, axes=("beta_a", "beta_i"), fixed=row["beta_d"], resolution=12, progress=False
        )
        bnd = d.boundary
        assert row["n_boundary"] == int(bnd.sum())
        n_sym = int(d.interior.sum()) + int(bnd.sum())
        low_int = d.interior & (d.weights.min(-1) < TAU)
        low_bnd = bnd & (d.boundary_weights.min(-1) < TAU)
        if n_sym:
            want = (low_int | low_bnd).sum() / n_sym
            assert row["symmetric_exclusion_fraction"] == pytest.approx(want)
        # never a dash where there are boundary equilibria to count
        assert not math.isnan(row["symmetric_exclusion_fraction"]) or n_sym == 0
