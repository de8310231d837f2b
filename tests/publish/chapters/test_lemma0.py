"""nashalign.publish.chapters.lemma0: the variants and exact best responses."""

from __future__ import annotations

import pytest

from nashalign.publish.chapters import lemma0
from nashalign.publish.chapters.common import ChapterCheckError


def test_variants_table_and_the_failing_distance_record():
    table, distance = lemma0.lemma0_variants(K=2)
    from nashalign.derivations import derive

    overlap = derive("lemma0", K=2)
    assert overlap.verified and f"| overlap | {overlap.status} |" in table
    assert f"| distance | {distance.status} |" in table
    assert distance.verified is False and distance.failure


def test_a_distance_record_that_claims_the_lemma_fails_the_build(monkeypatch):
    import nashalign.derivations as d

    real = d.derive

    def lying(name, **kw):
        rec = real(name, **kw)
        rec.verified = True
        return rec

    monkeypatch.setattr(d, "derive", lying)
    with pytest.raises(ChapterCheckError, match="distance"):
        lemma0.lemma0_variants(K=2)


def test_best_response_gradient_is_constant_on_the_support():
    rows = lemma0.best_response_table().splitlines()[2:]
    assert len(rows) == 6
    assert all(float(r.split(" | ")[-1].rstrip(" |")) < 1e-8 for r in rows)
