"""nashalign.publish.chapters.experiments: the figures' keys, report and exclusion table.

The figures themselves are drawn by the book build (and tested in tests/figures).
"""

from __future__ import annotations

import re
from pathlib import Path

from nashalign.publish.chapters import experiments

BOOK = Path(__file__).resolve().parents[3] / "book"


def test_every_glued_figure_of_the_chapter_has_a_key():
    text = (BOOK / "experiments.md").read_text(encoding="utf-8")
    # numbered figures ({glue:figure}) and their unnumbered per-instance variants ({glue})
    used = set(re.findall(r"```\{glue(?::figure)?\} (\w+)", text))
    keys = {
        f"{ds}_{s}" for ds in ("bigfive", "politics", "culture") for s in experiments.FIGURE_KEYS
    }
    assert used == keys


class _Table:
    rows = [
        {
            "dataset": "d",
            "beta_d": 1.0,
            "no_interior_fraction": float("nan"),
            "exclusion_fraction": 0.125,
            "most_excluded": "k",
            "most_excluded_fraction": 0.5,
            "scorer": "embedding:x",
            "n_interior": 3,
            "symmetric_exclusion_fraction": 0.25,
            "symmetric_most_excluded": "k",
            "symmetric_most_excluded_fraction": 0.5,
            "grid": "beta_a x beta_i in [0.01, 100]^2, 8x8 log-spaced",
            "tau": 0.05,
        }
    ]


class _Summary:
    table = _Table()
    seconds = 3.4
    settings = {"resolution": 8, "lim": [0.01, 100.0]}

    def all_paths(self):
        return [Path("a.png")]


def test_exclusion_fraction_table_and_report():
    md = experiments.exclusion_fraction_table(_Summary())
    # the symmetric NE (interior or boundary) is counted; the caption names the grid
    assert "| d | 1 | - | 25.0% | 12.5% | k (50.0%) |" in md
    assert "8 × 8 log-spaced points" in md and md.endswith("Scorer: `embedding:x`.")
    assert experiments.figures_report(_Summary()) == (
        "The figures below (1 files: PNG, PDF and CSV) were drawn in 3 s on grids of "
        "8 × 8 log-spaced points over [0.01, 100] per axis."
    )
