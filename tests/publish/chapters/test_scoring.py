"""nashalign.publish.chapters.scoring: the shipped datasets and instances."""

from __future__ import annotations

import importlib.util

from nashalign.publish.chapters import scoring


def test_dataset_table_and_sample():
    assert scoring.dataset_table().count("\n") == 1 + 3
    sample = scoring.dataset_sample("politics", n_contexts=2)
    assert "| subpopulation | first statement |" in sample
    assert sample.split("| topic | context |")[1].count("\n") == 1 + 2


def test_instance_tables_scale_c_to_a_power_of_ten():
    md = scoring.instance_tables()
    assert md.count("**") == 2 * 3 and "$10^{" in md


def test_provenance_names_the_backend():
    assert "embedding" in scoring.provenance_table()


def test_reestimation_is_skipped_without_the_scoring_extra(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "sentence_transformers" else real(name, *a),
    )
    assert "skipped" in scoring.reestimate_check()
