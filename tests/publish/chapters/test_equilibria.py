"""nashalign.publish.chapters.equilibria: the whole NE set of the shipped data, and its checks."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from nashalign.publish.chapters import equilibria as chapter
from nashalign.publish.chapters.common import ChapterCheckError

BOOK = Path(__file__).resolve().parents[3] / "book"


@pytest.fixture(scope="module")
def bigfive():
    return chapter.equilibrium_facts("bigfive")


def test_bigfive_finding(bigfive):
    # the finding, recomputed on the IPIP-NEO-120 bigfive: 9 NE, 8 with exclusion, 2 stable,
    # the symmetric interior NE a saddle
    assert (bigfive["total"], bigfive["with_exclusion"], bigfive["stable"]) == (9, 8, 2)
    assert bigfive["symmetric_interior_stability"] == "saddle"
    assert bigfive["all_certified"] and not bigfive["concave"]
    assert bigfive["r_concave"] == pytest.approx(2 * bigfive["mu_min"])


def test_tables_have_a_row_per_instance_and_orbit(bigfive):
    table = chapter.equilibrium_set_table([bigfive, bigfive]).splitlines()
    assert table[0].replace(" ", "") == "||bigfive|bigfive|"
    assert [r.split(" | ")[1:] for r in table[2:5]] == [["5", "5 |"], ["9", "9 |"], ["5", "5 |"]]
    assert len(table) == 2 + len(chapter.EQUILIBRIUM_SET_ROWS)
    rows = chapter.orbit_table(bigfive).splitlines()[2:]
    assert len(rows) == bigfive["orbits"]
    assert sum(int(r.split(" | ")[1]) for r in rows) == bigfive["total"]


def test_a_false_claim_fails_the_build(monkeypatch):
    import nashalign.solvers.equilibria as eqmod

    monkeypatch.setattr(eqmod, "certify_profile", lambda *a, **k: False)
    with pytest.raises(ChapterCheckError, match="exact best-response check"):
        chapter.equilibrium_facts("culture")


def test_the_solver_lands_on_a_listed_ne():
    rows = chapter.iterative_lands_on_some_ne().splitlines()[2:]
    assert len(rows) == 6
    for row in rows:
        cells = row.strip("| ").split(" | ")
        assert float(cells[5]) < 1e-6


def test_robust_steering_rows():
    rows = chapter.robust_steering_table(s_values=(0.05,), n_grid=3).splitlines()[2:]
    assert [r.split(" | ")[0].strip("| ") for r in rows] == ["bigfive", "politics", "culture"]


def test_stable_map_report():
    class D:
        total = np.zeros((3, 3))
        seconds = 2.0

        def share(self, c):
            return {0: 1 / 3, 2: 2 / 3}.get(c, 0.0)

        def finding(self):
            return (
                "at beta_D = 100 (the largest here), every stable NE excludes a subpopulation "
                "at 3 of 3 beta_A values; 67% of the grid: every stable NE excludes"
            )

    line = chapter.stable_map_report({"x": D()})
    # a Markdown sentence (not a log line): the grid, the shares, the finding at large beta_D
    assert line == (
        "- **x** (3 × 3 grid): no stable NE excludes: 33%, every stable NE excludes: 67%; "
        "at $\\beta_D$ = 100 (the largest here), every stable NE excludes a subpopulation "
        "at 3 of 3 $\\beta_A$ values."
    )


def test_the_chapter_is_in_the_toc_and_glues_what_it_computes():
    assert "- file: equilibria" in (BOOK / "_toc.yml").read_text(encoding="utf-8")
    text = (BOOK / "equilibria.md").read_text(encoding="utf-8")
    figs = set(re.findall(r"```\{glue:figure\} (\w+)", text))
    assert figs == {"bigfive_stable", "politics_stable", "culture_stable", "bigfive_grid_eq"}
    # the finding is glued from the build, never typed
    assert "25 equilibria" not in text and "{glue:text}`bf_total`" in text
