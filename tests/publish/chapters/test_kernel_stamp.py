"""The book shows a Coq kernel status only where a stamp vouches for exactly these sources."""

from __future__ import annotations

import json

from nashalign.derivations import coq_kernel, derive


def _stamp(tmp_path, digest: str) -> object:
    path = tmp_path / "stamp.json"
    closed = [f"{f}.{t}" for pairs in coq_kernel.THEOREMS.values() for f, t in pairs]
    path.write_text(json.dumps({"sha256": digest, "coqc_version": "8.16.1", "theorems": closed}))
    return path


def test_a_stamp_of_other_sources_vouches_for_nothing(tmp_path):
    assert coq_kernel.kernel_from_stamp(_stamp(tmp_path, "0" * 64)) is None
    assert coq_kernel.kernel_from_stamp(tmp_path / "missing.json") is None


def test_a_stamp_of_these_sources_upgrades_lemma2_and_says_so(tmp_path):
    kernel = coq_kernel.kernel_from_stamp(_stamp(tmp_path, coq_kernel.source_digest()))
    assert kernel is not None and kernel.proved("lemma2")
    plain = derive("lemma2", K=3)
    assert plain.status != coq_kernel.KERNEL_LABEL
    (rec,) = coq_kernel.apply_kernel([derive("lemma2", K=3)], kernel)
    assert rec.status == coq_kernel.KERNEL_LABEL
    kernel_checks = [c for c in rec.checks if c.kind == "kernel"]
    assert kernel_checks and all("build stamp" in c.description for c in kernel_checks)


def test_without_a_stamp_the_book_keeps_the_identities_status(monkeypatch):
    from nashalign.publish.chapters import records

    monkeypatch.setattr(coq_kernel, "kernel_from_stamp", lambda *a, **k: None)
    (rec,) = records.with_kernel([derive("lemma2", K=3)])
    assert not any(c.kind == "kernel" for c in rec.checks)
