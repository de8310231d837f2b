"""nashalign.publish.chapters.claim1: the PSD identity in floats."""

from __future__ import annotations

from nashalign.publish.chapters.claim1 import claim1_numeric_table


def test_random_and_shipped_rows_and_a_rounding_level_gap():
    rows = claim1_numeric_table().splitlines()[2:]
    assert len(rows) == 4 + 3
    for row in rows[:4]:
        assert float(row.split(" | ")[-1].rstrip(" |")) < 1e-12
    assert all("n/a" in row for row in rows[4:])
