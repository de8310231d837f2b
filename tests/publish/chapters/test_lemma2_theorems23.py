"""nashalign.publish.chapters.lemma2_theorems23: degenerate ratios and the N-agent solver."""

from __future__ import annotations

from nashalign.publish.chapters import lemma2_theorems23 as chapter


def test_alpha_is_positive_for_r_positive_on_every_shipped_instance():
    rows = chapter.degenerate_ratio_table().splitlines()[2:]
    assert len(rows) == 3 and all(" | yes | " in r for r in rows)


def test_the_iterative_solver_converges_with_a_small_nashconv():
    rows = chapter.iterative_vs_closed_form_table().splitlines()[2:]
    assert len(rows) == 3 * 2
    for row in rows:
        cells = row.strip("| ").split(" | ")
        assert cells[3] == "yes" and float(cells[4]) < 1e-8
        # it lands on one of the enumerated NE (asserted in the build), named here
        assert "(1 of " in cells[6]
