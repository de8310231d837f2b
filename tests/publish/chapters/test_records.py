"""nashalign.publish.chapters.records: verification tables that fail the build on a failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from nashalign.derivations import NAMES

from nashalign.publish.chapters import records
from nashalign.publish.chapters.common import ChapterCheckError

BOOK = Path(__file__).resolve().parents[3] / "book"


def test_verification_over_raises_on_a_failing_record():
    with pytest.raises(ChapterCheckError, match="not verified: lemma0"):
        records.verification_over([("lemma0", {"K": 2, "variant": "distance"})])


def test_verification_at_has_one_row_per_size():
    from nashalign.derivations import derive

    md = records.verification_at("lemma0", (2, 3))
    status = derive("lemma0", K=2).status
    assert md.count(f"| {status} |") == 2 and "K = 3" in md


def test_the_lemma2_chapter_covers_its_four_results():
    assert {name for name, _ in records.LEMMA2_CHAPTER_SIZES} == {
        "lemma2",
        "theorem2",
        "theorem3",
        "heterogeneous",
    }


def test_the_lemma2_chapter_records_are_the_ones_its_page_glues():
    recs = records.lemma2_chapter_records()
    assert set(recs) <= set(NAMES) and all(r.verified for r in recs.values())
    text = (BOOK / "lemma2_theorems23.md").read_text(encoding="utf-8")
    for key in recs:
        for part in ("statement", "steps", "verification"):
            assert f"{{glue:md}} {key}_{part}\n" in text


def test_all_results_at_k2_lists_the_registry():
    assert records.all_results_at_k2().count("\n") == len(NAMES) + 1
