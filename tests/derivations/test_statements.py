"""Statements are the checked objects; statuses are earned; counts keep citations apart.

- A record is "proved for general K" only through a general-K proof (a general-K
  identity that is not supplementary) or, "(Coq kernel)", a kernel proof compiled in
  the same run; explicit-K identities marked supplementary never make one.
- Every formula, degree, coefficient, threshold and qualifier a statement shows is
  rendered from the stated object that a check compares with the derived one (the
  mutation tests in test_mutations.py turn those checks red).
- Counts: identities, kernel theorems, hypotheses and citations are separate; nothing
  cited counts as a check.
"""

from __future__ import annotations

import json

import pytest
import sympy as sp
from nashalign.derivations import (
    coq_kernel,
    derive,
    lemma2_degenerate_ratios,
    theorem1_interior_ne,
    theorem2_uniqueness,
    theorem3_potential,
)

from nashalign.jsonformat import envelope, verify_record
from nashalign.symbolic.records import (
    CITED,
    GENERAL_K,
    PROVED_GENERAL,
    PROVED_KERNEL,
    DerivationRecord,
)

K_ = sp.Symbol("K", integer=True, positive=True)
N_ = sp.Symbol("N", integer=True, positive=True)


# -- statuses ---------------------------------------------------------------------------------
def _rec(**params) -> DerivationRecord:
    return DerivationRecord("demo", "Demo", "x = x", params=params or {"K": 3})


def test_an_explicit_supplementary_identity_alone_is_not_a_general_k_proof():
    rec = _rec()
    rec.add_check("x - x = 0 at K = 3", True, supplementary=True)
    rec.cite("faddeev")
    assert rec.finish().status == "proved at explicit K = 3"


def test_a_general_k_identity_makes_supplementary_ones_confirmations():
    rec = _rec()
    rec.add_check("symbolic K: x - x = 0", True, generality=GENERAL_K)
    rec.add_check("x - x = 0 at K = 3", True, supplementary=True)
    assert rec.finish().status == PROVED_GENERAL


def test_a_supplementary_general_k_identity_is_not_a_proof_either():
    rec = _rec()
    rec.add_check("symbolic K: 1^T I 1 = K", True, generality=GENERAL_K, supplementary=True)
    rec.add_check("x - x = 0 at K = 3", True, supplementary=True)
    assert rec.finish().status == "proved at explicit K = 3"


def test_kernel_checks_whole_partial_and_failed():
    whole = _rec()
    whole.add_check("x - x = 0 at K = 3", True)
    whole.add_kernel("Coq X.y closed", True)
    assert whole.finish().status == PROVED_KERNEL and whole.verified
    partial = _rec()
    partial.add_check("x - x = 0 at K = 3", True)
    partial.add_kernel("Coq X.y closed (one part)", True, partial=True)
    assert partial.finish().status == "proved at explicit K = 3"
    failed = _rec()
    failed.add_check("x - x = 0 at K = 3", True)
    failed.add_kernel("Coq X.y closed", False)
    assert failed.finish().status == "fails (counterexample)"


def test_lemma2_is_general_only_through_the_kernel():
    rec = derive("lemma2", K=3)
    assert rec.status == "proved at explicit K = 3"
    assert not any("1^T B_0 1" in c.description for c in rec.checks)


def _fake_kernel(ok: bool = True) -> coq_kernel.KernelResult:
    theorems = [
        coq_kernel.TheoremStatus(res, f, t, ok, coq_kernel.CLOSED if ok else "Axioms: x")
        for res, pairs in coq_kernel.THEOREMS.items()
        for f, t in pairs
    ]
    return coq_kernel.KernelResult(True, ok, 1.0, "0" * 64, "coqc 8.16.1", theorems)


def test_apply_kernel_upgrades_whole_results_only():
    names = ["claim1", "theorem1", "lemma2", "theorem2", "theorem3"]
    recs = [derive(n, K=2) for n in names] + [derive("lemma2", K=2, variant="spread")]
    coq_kernel.apply_kernel(recs, _fake_kernel())
    status = {(r.name, r.params.get("variant", "overlap")): r.status for r in recs}
    for n in ("claim1", "theorem1", "lemma2"):
        assert status[(n, "overlap")] == PROVED_KERNEL, n
    assert status[("theorem2", "overlap")].startswith("proved at explicit")
    t3 = recs[names.index("theorem3")]
    assert t3.status.startswith("proved at explicit")  # the concavity part stays explicit
    assert t3.counts()["kernel"]["total"] == len(coq_kernel.THEOREMS.get("theorem3", ()))
    assert status[("lemma2", "spread")] == "proved at explicit K = 2"  # Coq is about 2C + rI
    lemma2 = recs[names.index("lemma2")]
    assert lemma2.counts()["kernel"] == {
        "passed": len(coq_kernel.THEOREMS["lemma2"]),
        "total": len(coq_kernel.THEOREMS["lemma2"]),
    }


def test_apply_kernel_does_nothing_without_a_successful_compile():
    rec = derive("lemma2", K=2)
    coq_kernel.apply_kernel([rec], _fake_kernel(ok=False))
    assert rec.status == "proved at explicit K = 2"
    assert rec.counts()["kernel"]["total"] == 0


# -- counts -----------------------------------------------------------------------------------
def test_citations_and_hypotheses_are_not_counted_as_identities():
    rec = derive("claim1", K=2)
    c = rec.counts()
    assert c["identities"]["total"] == sum(ch.kind == "identity" for ch in rec.checks) == 3
    assert c["cited"] == 2
    lemma0 = derive("lemma0", K=2).counts()
    assert lemma0["hypotheses"] == {"holds": 1, "total": 1} and lemma0["cited"] == 1
    assert lemma0["identities"]["total"] == 6


def test_counts_are_in_the_json_and_validate():
    pytest.importorskip("jsonschema")
    from nashalign.jsonformat import validate

    rec = derive("lemma0", K=2)
    doc = envelope("derive", rec.to_json())
    assert doc["counts"]["identities"]["total"] == 6
    validate(doc, "derive")
    validate(verify_record([rec], 0.1, 2), "verify")
    kernel_rec = derive("claim1", K=2)
    coq_kernel.apply_kernel([kernel_rec], _fake_kernel())
    validate(json.loads(json.dumps(envelope("derive", kernel_rec.to_json()))), "derive")


# -- statements rendered from the checked objects --------------------------------------------
def test_theorem3_statement_shows_the_checked_concavity_factor():
    rec = derive("theorem3", K=2, N=3)
    factor = theorem3_potential.stated_concavity_factor(N_)
    assert sp.latex(factor) in rec.statement_latex
    chk = [c for c in rec.checks if c.description.startswith("statement's concavity factor")]
    assert len(chk) == 1 and chk[0].passed
    assert rec.expressions["r_bound_factor"] == factor.subs(N_, 3)


def test_lemma2_statement_shows_the_checked_degree_and_coefficient():
    rec = derive("lemma2", K=3)
    assert "degree } " + sp.latex(lemma2_degenerate_ratios.stated_degree(K_)) in (
        rec.statement_latex
    )
    assert (
        sp.latex(lemma2_degenerate_ratios.stated_leading_coefficient(K_, 1))
        in (rec.statement_latex.split("leading coefficient")[1])
    )
    described = {c.description for c in rec.checks if c.passed}
    assert "statement's degree of alpha in r = the derived one" in described
    assert "statement's leading coefficient of alpha = the derived one" in described


def test_theorem2_statement_qualifier_degree_and_coefficient_are_checked():
    rec = derive("theorem2", K=3, N=3)
    assert rec.statement_latex.startswith(r"\text{if an interior NE exists: }")
    assert sp.latex(theorem2_uniqueness.stated_tilde_leading_coefficient(K_, N_)) in (
        rec.statement_latex
    )
    assert r"\deg_r\tilde\alpha = " + sp.latex(theorem2_uniqueness.stated_tilde_degree(K_)) in (
        rec.statement_latex
    )
    q = [c for c in rec.checks if "existence qualifier" in c.description]
    assert len(q) == 1 and q[0].passed and "no interior NE" in q[0].detail


def test_theorem1_statement_uses_the_polynomial_pi():
    rec = derive("theorem1", K=2)
    st = rec.statement_latex
    assert r"\Pi = -\operatorname{adj}" in st and r"\frac{\alpha A" not in st
    # det M = 0 with alpha != 0 (C = diag(1, 2), r = -2): Pi still gives the solution.
    pt = theorem1_interior_ne.det_m_zero_point(2)
    M = rec.expressions["M"].subs(pt)
    assert M.det() == 0
    Pi = rec.expressions["Pi"].subs(pt)
    alpha = rec.expressions["alpha"].subs(pt)
    assert alpha != 0 and all(x.is_finite for x in Pi)
    a, s = sp.Matrix(sp.symbols("a1 a2")), sp.Symbol("s")
    w = (M.adjugate() * sp.ones(2, 1) + s * Pi * a) / alpha
    assert sp.expand(sum(w) - 1) == 0
    resid = M * w - s * a
    assert sp.expand(resid[0] - resid[1]) == 0  # = -lambda* 1
    chk = [c for c in rec.checks if c.description.startswith("det M = 0")]
    assert len(chk) == 1 and chk[0].passed


def test_theorem1_schur_and_partitioned_inverse_are_cited_not_checked():
    rec = derive("theorem1", K=2)
    for s in rec.steps:
        if "Schur" in s.text or "partitioned inverse" in s.text:
            assert s.kind == "cited", s.text


def test_theorem3_citations_say_what_they_are_used_for():
    rec = derive("theorem3", K=2, N=2)
    text = " ".join(s.text for s in rec.steps) + " ".join(c.detail for c in rec.cited)
    assert "orthogonal and invariant" not in text and "cross terms" in text
    names = {c.description for c in rec.cited}
    assert CITED["psd_sum"][0] in names and CITED["psd_minors"][0] not in names
