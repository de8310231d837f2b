"""nashalign.publish.chapters.crosscheck: a run, summarised; a disagreement fails the build."""

from __future__ import annotations

import pytest

from nashalign.publish.chapters import crosscheck
from nashalign.publish.chapters.common import ChapterCheckError
from nashalign.studies.crosscheck import CrossCheckTable


def test_a_small_run_passes_and_renders():
    result = crosscheck.crosscheck_summary(n_instances=3, seed=1)
    assert result.table.passed and "all within tolerance" in result.summary
    assert result.table_markdown().count("\n") >= 4
    assert result.seconds_text().isdigit()


def test_a_disagreement_fails_the_build(monkeypatch):
    bad = CrossCheckTable(rows=[{"ok": False, "nashconv_iter": 0.0}])
    monkeypatch.setattr("nashalign.studies.crosscheck.run_crosscheck", lambda **kw: bad)
    with pytest.raises(ChapterCheckError, match="disagreement"):
        crosscheck.crosscheck_summary(n_instances=1, seed=0)
