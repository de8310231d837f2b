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


def test_model_comparison_pairs_one_dataset_scored_by_two_backends():
    pair = scoring.comparison_instances("bigfive")
    assert {inst.provenance["backend"] for inst in pair.values()} == {"embedding", "causal-lm"}
    assert pair["causal-lm"].provenance["model"].startswith("gemma3-270m")


def test_model_comparison_refuses_instances_of_different_datasets(monkeypatch, tmp_path):
    import pytest

    import nashalign.instance as instance
    from nashalign.publish.chapters.common import ChapterCheckError

    real = instance.model_comparison_paths()["bigfive"]
    other = instance.Instance.load(real["causal-lm"])
    other.provenance["dataset_checksum"] = "sha256:" + "0" * 64
    other.save(tmp_path / "other.json")
    monkeypatch.setattr(
        instance,
        "model_comparison_paths",
        lambda: {"bigfive": {"embedding": real["embedding"], "causal-lm": tmp_path / "other.json"}},
    )
    with pytest.raises(ChapterCheckError, match="different dataset files"):
        scoring.comparison_instances("bigfive")


def test_exclusion_comparison_has_one_column_per_model_and_beta_d():
    shares = scoring.exclusion_shares("bigfive", beta_d_values=(0.0,), resolution=12)
    md = scoring.exclusion_comparison(shares)
    table = [line for line in md.splitlines() if line.startswith("|")]
    names = scoring.comparison_instances("bigfive")["embedding"].names
    assert table[0].count("|") == len(shares) + 2 == 4
    assert [row.split("|")[1].strip() for row in table[2:]] == [*names, "anyone"]
    cols = [[float(c.strip().rstrip("%")) for c in row.split("|")[2:-1]] for row in table[2:]]
    for j in range(len(shares)):
        col = [row[j] for row in cols]
        assert all(0.0 <= x <= 100.0 for x in col)
        assert col[-1] >= max(col[:-1])  # "anyone" covers every subpopulation
    assert md.splitlines()[-1].startswith("Models: ")
    assert all(r["label"] in md for r in shares)


def test_exclusion_contrast_names_only_outright_disagreements():
    def row(backend, shares):
        return {
            "backend": backend,
            "beta_d": 1.0,
            "names": ["x", "y", "z"],
            "shares": shares,
            "anyone": max(shares),
        }

    text = scoring.exclusion_contrast(
        [row("embedding", [0.0, 0.1, 0.0]), row("causal-lm", [0.3, 0.0, 0.0])]
    )
    assert text.count("\n") == 1
    assert "**x** is never excluded with embedding" in text
    assert "**y** is never excluded with causal-lm" in text and "**z**" not in text
    assert "never exclude different" in scoring.exclusion_contrast(
        [row("embedding", [0.1, 0.0, 0.0]), row("causal-lm", [0.2, 0.0, 0.0])]
    )
