"""The Coq/mathcomp kernel proofs (derivations/coq): compiled when coqc exists."""

from __future__ import annotations

import shutil

import pytest
from nashalign.derivations import NAMES, coq_kernel

HAVE_COQC = shutil.which("coqc") is not None
needs_coqc = pytest.mark.skipif(not HAVE_COQC, reason=coq_kernel.INSTALL_HINT)
# One worker runs this module, so the project is compiled once per test session.
pytestmark = pytest.mark.xdist_group("coq")


def test_every_result_is_kernel_proved_or_listed_open():
    assert set(coq_kernel.THEOREMS) | set(coq_kernel.OPEN) <= set(NAMES)
    for name in NAMES:
        if name in ("lemma0",):  # Lemma 0 is calculus (a gradient), not a Coq result
            continue
        assert name in coq_kernel.THEOREMS or name in coq_kernel.OPEN, name


def test_sources_have_no_admitted_or_axiom():
    assert coq_kernel.forbidden_keywords() == []


def test_every_main_theorem_has_a_statement_in_its_file():
    for pairs in coq_kernel.THEOREMS.values():
        for fname, thm in pairs:
            text = coq_kernel.coq_statement(thm)
            assert text in (coq_kernel.COQ_DIR / f"{fname}.v").read_text()
            assert text.split()[1] == thm


def test_forbidden_scan_catches_admitted(tmp_path):
    proj = tmp_path / "coq"
    shutil.copytree(coq_kernel.COQ_DIR, proj, ignore=shutil.ignore_patterns("*.vo*", "*.glob"))
    f = proj / "Claim1.v"
    f.write_text(f.read_text() + "\nLemma cheat : False.\nProof. Admitted.\n(* Axiom x *)\n")
    assert coq_kernel.forbidden_keywords(proj) == ["Claim1.v:Admitted"]
    assert coq_kernel.source_digest(proj) != coq_kernel.source_digest()


def test_without_coqc_nothing_is_claimed(monkeypatch):
    monkeypatch.setattr(coq_kernel, "_coqc", lambda: None)
    res = coq_kernel.compile_project()
    assert not res.available and not res.ok
    assert res.label("theorem1") == "coqc not installed"
    assert coq_kernel.INSTALL_HINT in res.error


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("coq-build")


@pytest.fixture(scope="module")
def compiled(build_dir):
    if not HAVE_COQC:
        pytest.skip(coq_kernel.INSTALL_HINT)
    return coq_kernel.compile_project(keep=build_dir)


@needs_coqc
def test_project_compiles_closed_under_the_global_context(compiled):
    assert compiled.ok, compiled.error
    assert compiled.seconds < 180
    expected = {(f, t) for pairs in coq_kernel.THEOREMS.values() for f, t in pairs}
    assert {(t.file, t.name) for t in compiled.theorems} == expected
    for t in compiled.theorems:
        assert t.assumptions == coq_kernel.CLOSED, (t.name, t.assumptions)
    for result in coq_kernel.THEOREMS:
        assert compiled.label(result).startswith(coq_kernel.KERNEL_LABEL)
        assert (result in coq_kernel.PARTIAL) == compiled.label(result).endswith(" only")
    for result in coq_kernel.OPEN:
        assert compiled.label(result).startswith("open")


@needs_coqc
def test_stamp_is_tied_to_the_sources(compiled, tmp_path):
    stamp = coq_kernel.write_stamp(compiled, tmp_path / "stamp.json")
    assert coq_kernel.check_stamp(stamp)
    proj = tmp_path / "coq"
    shutil.copytree(coq_kernel.COQ_DIR, proj, ignore=shutil.ignore_patterns("*.vo*", "*.glob"))
    (proj / "Lemma2.v").write_text((proj / "Lemma2.v").read_text().replace("n%:R", "n.+1%:R"))
    assert not coq_kernel.check_stamp(stamp, proj)


@needs_coqc
def test_an_axiom_is_caught_by_print_assumptions(tmp_path, monkeypatch):
    proj = tmp_path / "coq"
    proj.mkdir()
    (proj / "_CoqProject").write_text("-R . NashAlign\nCheat.v\n")
    (proj / "Cheat.v").write_text(
        "Section S.\nHypothesis h : False.\nTheorem ok : True.\nProof. exact I. Qed.\nEnd S.\n"
        "Definition bad_ax := forall P : Prop, P \\/ ~ P.\n"
        "Require Import Coq.Logic.Classical_Prop.\n"
        "Theorem uses_axiom : forall P : Prop, P \\/ ~ P.\nProof. exact classic. Qed.\n"
    )
    monkeypatch.setattr(
        coq_kernel, "THEOREMS", {"theorem1": (("Cheat", "ok"), ("Cheat", "uses_axiom"))}
    )
    res = coq_kernel.compile_project(timeout=60, coq_dir=proj)
    assert res.available and not res.ok
    closed = {t.name: t.closed for t in res.theorems}
    assert closed == {"ok": True, "uses_axiom": False}
    assert "uses_axiom" in res.error
    assert res.label("theorem1") == "kernel check failed"


def test_verify_without_coq_never_claims_the_kernel(capsys):
    from nashalign.cli import main

    main(["verify", "--max-k", "2"])
    out = capsys.readouterr().out
    assert "Coq kernel" not in out and coq_kernel.KERNEL_LABEL not in out


def test_verify_coq_without_coqc_is_refused(monkeypatch, capsys):
    from nashalign.cli import main

    monkeypatch.setattr(coq_kernel, "_coqc", lambda: None)
    assert main(["verify", "--coq", "--max-k", "2"]) == 2
    assert coq_kernel.INSTALL_HINT in capsys.readouterr().err


@needs_coqc
def test_verify_coq_labels_come_from_the_compile(compiled, monkeypatch, capsys):
    import json

    from nashalign.cli import main

    calls = []

    def fake_compile(*a, **k):
        calls.append(1)
        return compiled

    monkeypatch.setattr(coq_kernel, "compile_project", fake_compile)
    monkeypatch.setattr(coq_kernel, "write_stamp", lambda *a, **k: None)
    main(["verify", "--coq", "--max-k", "2", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert calls == [1]
    assert doc["coq_kernel"]["ok"] is True
    assert doc["coq_kernel"]["results"]["theorem1"] == coq_kernel.KERNEL_LABEL
    assert doc["coq_kernel"]["results"]["exclusion"].startswith("open")
    # a failed compile is never labelled proved, and verify exits non-zero
    import dataclasses

    broken = dataclasses.replace(compiled, ok=False, error="coqc failed")
    monkeypatch.setattr(coq_kernel, "compile_project", lambda *a, **k: broken)
    assert main(["verify", "--coq", "--max-k", "2"]) == 1
    out = capsys.readouterr().out
    assert coq_kernel.KERNEL_LABEL not in out.split("Coq kernel")[1]


@needs_coqc
def test_book_statements_are_the_compiled_ones(compiled, build_dir):
    """Every Coq statement the book renders occurs verbatim in the file the kernel compiled."""
    import re

    from nashalign.publish import chapters

    assert compiled.ok, compiled.error
    assert coq_kernel.source_digest(build_dir) == compiled.digest
    closed = {t.name for t in compiled.theorems if t.closed}
    for result in coq_kernel.THEOREMS:
        md = chapters.coq_statements(result)
        blocks = re.findall(
            r"`(\w+)` in `derivations/coq/(\w+\.v)`:\n\n```coq\n(.*?)\n```", md, re.S
        )
        assert [b[0] for b in blocks] == [t for _, t in coq_kernel.THEOREMS[result]]
        for thm, fname, text in blocks:
            assert text in (build_dir / fname).read_text(), (result, thm)
            assert (build_dir / fname).with_suffix(".vo").exists()
            assert thm in closed
    for result in coq_kernel.OPEN:
        assert "open" in chapters.coq_statements(result)


def test_kernel_in_the_run_labels_the_records(compiled):
    """With the kernel compiled in this run, Lemma 2 is proved for general K (Coq kernel);
    Theorem 3 gets its potential-identity theorems as partial kernel checks."""
    from nashalign.derivations import derive

    recs = [derive("lemma2", K=2), derive("theorem3", K=2, N=2)]
    coq_kernel.apply_kernel(recs, compiled)
    assert recs[0].status == coq_kernel.KERNEL_LABEL
    assert recs[1].status == "proved at explicit K = 2, N = 2"
    kernel = [c for c in recs[1].checks if c.kind == "kernel"]
    assert {c.description.split(":")[0] for c in kernel} >= {"Coq Theorem3.potential_gradient"}
    assert all(c.passed and c.supplementary for c in kernel)


def test_theorem3_statement_is_the_gradient_identity():
    stmt = coq_kernel.coq_statement("potential_gradient")
    assert "C^T = C -> grad_Phi m = grad_u m" in stmt


def test_theorem2_statement_is_the_factorisation():
    """Theorem 2's kernel statements: the block determinant and (-1)^N alpha alpha~^(N-1)."""
    assert coq_kernel.THEOREMS["theorem2"][0] == ("Theorem2", "det_Gmx")
    assert "theorem2" in coq_kernel.PARTIAL and "theorem2" not in coq_kernel.OPEN
    blocks = coq_kernel.coq_statement("det_Gmx")
    assert "\\det (Gmx n.+1) = \\det (A + B *+ n) * \\det (A - B) ^+ n" in blocks
    stmt = coq_kernel.coq_statement("theorem2_factorisation")
    assert "\\det (system C (r / (N - 1)%:R) N)" in stmt
    assert "(-1) ^+ N * alpha (C *+ 2 + r%:M)" in stmt
    assert "alpha (C *+ 2 - (r / (N - 1)%:R)%:M) ^+ (N - 1)" in stmt
    unit = coq_kernel.coq_statement("theorem2_unit")
    assert "(alpha (C *+ 2 + r%:M) != 0) && (alpha (C *+ 2 - (r / (N - 1)%:R)%:M) != 0)" in unit
    src = (coq_kernel.COQ_DIR / "Theorem2.v").read_text()
    # the system is the test's matrix: diagonal blocks [[2C, 1], [1^T, 0]], off-diagonal qI
    assert "Definition Dblk : 'M[R]_(K + 1) := bordered (C *+ 2) '1 '1^T 0." in src
    assert "Definition Eblk : 'M[R]_(K + 1) := block_mx q%:M 0 0 0." in src
    assert "Definition Gmx n : 'M[R]_(n * k) := Diag n + Ucol n *m B *m (Ucol n)^T." in src
