"""nashalign.publish.chapters.glue: what each helper glues, under which key."""

from __future__ import annotations

import pytest
from nashalign.derivations import derive

from nashalign.publish import render
from nashalign.publish.chapters import glue, statements


@pytest.fixture
def glued(monkeypatch):
    out: dict[str, object] = {}

    def fake(name, variable, display=True):
        assert display is False
        out[name] = variable

    monkeypatch.setattr("myst_nb.glue", fake)
    return out


def test_glue_record_glues_statement_and_steps_from_the_record(glued):
    rec = derive("claim1", K=2)
    glue.glue_record("claim1", rec)
    assert set(glued) == {"claim1_statement", "claim1_general", "claim1_scope", "claim1_steps"}
    assert glued["claim1_statement"].data == render.statement_markdown(rec)
    # the theorem box: the statement for general K and what backs it (the record's status)
    assert glued["claim1_general"].data == statements.general_statement(rec)
    assert rec.status in glued["claim1_scope"].data


def test_glue_records_with_verification(glued):
    recs = {"a": derive("claim1", K=2), "b": derive("lemma0", K=2)}
    glue.glue_records(recs, verification=True)
    assert len(glued) == 10 and "b_verification" in glued


def test_glue_text_and_images(glued, tmp_path):
    png = tmp_path / "x.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n")
    glue.glue_text("seconds", "12")
    glue.glue_images({"fig": png})
    assert glued["seconds"] == "12"
    assert type(glued["fig"]).__name__ == "Image"
