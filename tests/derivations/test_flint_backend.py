"""Theorem 1, Lemma 2 and Theorem 2 on the python-flint backend: the same records as the
SymPy path at small K, and every flint-backed check can still turn red."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp
from nashalign.derivations import (
    derive,
    exclusion_thresholds,
    lemma2_degenerate_ratios,
    theorem1_interior_ne,
    theorem2_uniqueness,
    verification_plan,
)

from nashalign.errors import InputError
from nashalign.symbolic import flint_poly
from nashalign.symbolic.bordered import closed_form_parts
from nashalign.symbolic.flint_poly import FlintMatrix
from nashalign.symbolic.symbols import r
from nashalign.symbolic.utility_parser import parse_utility

MODULES = {
    "theorem1": theorem1_interior_ne,
    "lemma2": lemma2_degenerate_ratios,
    "theorem2": theorem2_uniqueness,
    "exclusion": exclusion_thresholds,
}


@pytest.fixture(autouse=True)
def _fresh_flint_cache():
    """Mutated parts must never stay in the cache of closed_form_parts."""
    closed_form_parts.cache_clear()
    yield
    closed_form_parts.cache_clear()


def _checks(rec):
    return [(c.kind, c.description, c.passed, c.outcome) for c in rec.checks]


def _red(rec) -> list[str]:
    return [c.description for c in rec.checks if not c.passed]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("theorem1", {"K": 2}),
        ("theorem1", {"K": 3}),
        ("lemma2", {"K": 3}),
        ("lemma2", {"K": 3, "variant": "spread"}),
        ("theorem2", {"K": 2, "N": 3}),
        ("theorem2", {"K": 3, "N": 2}),
        ("exclusion", {"K": 2}),
        ("exclusion", {"K": 3}),
    ],
)
def test_flint_and_sympy_records_agree_exactly(name, params):
    module = MODULES[name]
    sym = module.derive(**params, backend="sympy")
    fl = module.derive(**params, backend="flint")
    assert sym.verified and fl.verified
    assert fl.status == sym.status
    assert _checks(fl) == _checks(sym)
    assert fl.statement_latex == sym.statement_latex
    assert set(fl.expressions) == set(sym.expressions)
    for key, value in sym.expressions.items():
        other = fl.expressions[key]
        if isinstance(value, sp.MatrixBase):
            assert (value - other).applyfunc(sp.expand).is_zero_matrix, key
        elif isinstance(value, list):
            assert all(sp.simplify(a - b) == 0 for a, b in zip(value, other, strict=True)), key
        else:
            assert sp.expand(value - other) == 0, key
    assert "python-flint" in fl.method and "python-flint" not in sym.method


def test_user_game_on_the_flint_backend():
    text = "beta_A*dot(a, w1) - beta_I*quad(w1, C) - beta_D*dot(w1, wbar) - beta_D*dot(w1, w1)"
    game = parse_utility(text, K=2, N=2)
    sym = theorem1_interior_ne.derive(game=game, backend="sympy")
    fl = theorem1_interior_ne.derive(game=game, backend="flint")
    assert _checks(fl) == _checks(sym) and fl.verified
    assert sp.expand(fl.expressions["alpha"] - sym.expressions["alpha"]) == 0


def test_read_off_degree_path_agrees(monkeypatch):
    """Beyond EXPRESSIONS_MAX_K the degree and leading coefficient come from the fmpq_mpoly."""
    ref2 = lemma2_degenerate_ratios.derive(K=3, backend="flint")
    ref3 = theorem2_uniqueness.derive(K=3, N=3, backend="flint")
    monkeypatch.setattr(lemma2_degenerate_ratios, "EXPRESSIONS_MAX_K", 1)
    monkeypatch.setattr(theorem2_uniqueness, "EXPRESSIONS_MAX_K", 1)
    rec2 = lemma2_degenerate_ratios.derive(K=3, backend="flint")
    rec3 = theorem2_uniqueness.derive(K=3, N=3, backend="flint")
    assert rec2.verified and rec3.verified
    assert "alpha" not in rec2.expressions and "alpha_tilde" not in rec3.expressions
    assert rec2.expressions["leading_coefficient"] == ref2.expressions["leading_coefficient"]
    assert rec3.expressions["leading_coefficient"] == ref3.expressions["leading_coefficient"]
    # ... and it can fail: a read-off degree one too high, a coefficient doubled
    real_deg, real_coeff = flint_poly.FlintRing.degree_in, flint_poly.FlintRing.coeff_in
    monkeypatch.setattr(flint_poly.FlintRing, "degree_in", lambda F, p, g: real_deg(F, p, g) + 1)
    assert any(
        "degree of alpha in r" in d
        for d in _red(lemma2_degenerate_ratios.derive(K=3, backend="flint"))
    )
    monkeypatch.setattr(flint_poly.FlintRing, "degree_in", real_deg)
    monkeypatch.setattr(
        flint_poly.FlintRing, "coeff_in", lambda F, p, g, k: real_coeff(F, p, g, k) * 2
    )
    red = _red(theorem2_uniqueness.derive(K=3, N=3, backend="flint"))
    assert any("leading coefficient of alpha_tilde" in d for d in red), red


def _bump(M: FlintMatrix) -> FlintMatrix:
    return M + FlintMatrix.ones(M.shape, M.domain)


def _patch_flint_parts(mp, module, **changes):
    real = closed_form_parts

    def mutated(K, variant="overlap", N=2, backend="auto"):
        parts = real(K, variant, N, backend=backend)
        return dataclasses.replace(
            parts, **{k: f(getattr(parts, k), parts.domain) for k, f in changes.items()}
        )

    mp.setattr(module, "closed_form_parts", mutated)


FLINT_MUTATIONS = [
    ("theorem1", "adjugate perturbed", {"A": lambda A, F: _bump(A)}, ["M A = det(M) I"]),
    ("theorem1", "det M + 1", {"det": lambda d, F: d + 1}, ["M A = det(M) I", "A M = det(M) I"]),
    ("theorem1", "alpha -> 2 alpha", {"alpha": lambda a, F: a * 2}, ["det B = -alpha"]),
    (
        "theorem1",
        "Pi -> 2 Pi",
        {"Pi": lambda P, F: P * F.convert(2)},
        ["M Pi = alpha I", "det(M) Pi ="],
    ),
    ("theorem1", "Pi + ones", {"Pi": lambda P, F: _bump(P)}, ["1^T Pi = 0"]),
    (
        "theorem1",
        "lambda* numerator + r",
        {"lam_num": lambda x, F: x + F.from_sympy(r)},
        ["every agent of N = 2", "every agent of N = 3"],
    ),
    (
        "lemma2",
        "alpha + r^3",
        {"alpha": lambda a, F: a + F.from_sympy(r**3)},
        ["degree of alpha in r", "principal-minor expansion"],
    ),
    ("lemma2", "adjugate perturbed", {"A": lambda A, F: _bump(A)}, ["Faddeev-LeVerrier"]),
]


@pytest.mark.parametrize(("name", "label", "changes", "red"), FLINT_MUTATIONS)
def test_flint_parts_mutations_turn_checks_red(monkeypatch, name, label, changes, red):
    module = MODULES[name]
    _patch_flint_parts(monkeypatch, module, **changes)
    rec = module.derive(K=3, backend="flint")
    got = _red(rec)
    assert not rec.verified, label
    for want in red:
        assert any(want in d for d in got), (label, want, got)


def test_flint_arithmetic_mutation_turns_theorem1_red(monkeypatch):
    """A dropped term in the Berkowitz characteristic polynomial (det and adj both wrong)."""
    real = FlintMatrix.charpoly

    def dropped(self):
        c = real(self)
        return c[:-1] + [c[-1] * 0] if self.shape[0] == 3 else c

    monkeypatch.setattr(FlintMatrix, "charpoly", dropped)
    rec = theorem1_interior_ne.derive(K=3, backend="flint")
    red = _red(rec)
    assert any("M A = det(M) I" in d for d in red), red


def test_theorem2_flint_bordered_mutation(monkeypatch):
    real = theorem2_uniqueness.bordered_any

    def corner(M):
        B = real(M)
        n = B.shape[0]
        rows = [list(row) for row in B.rows]
        rows[n - 1][n - 1] = B.domain.one
        return FlintMatrix(rows, B.domain)

    monkeypatch.setattr(theorem2_uniqueness, "bordered_any", corner)
    rec = theorem2_uniqueness.derive(K=3, N=3, backend="flint")
    assert "det B_tilde = -alpha_tilde" in _red(rec)


def test_theorem2_flint_deviation_matrix_mutation(monkeypatch):
    """C -> 2C in the matrix whose adjugate is taken: alpha_tilde's leading term changes."""
    real = theorem2_uniqueness.to_matrix
    monkeypatch.setattr(
        theorem2_uniqueness, "to_matrix", lambda M, dom: real(M + 2 * r * sp.eye(M.rows), dom)
    )
    red = _red(theorem2_uniqueness.derive(K=3, N=3, backend="flint"))
    assert any("leading coefficient of alpha_tilde" in d for d in red), red


@pytest.mark.parametrize("K", [3, 5])
def test_exclusion_flint_mutations(monkeypatch, K):
    """A wrong stated threshold (tau alpha doubled) and a non-affine numerator turn red."""
    monkeypatch.setattr(
        exclusion_thresholds, "stated_threshold", lambda w0, sl, al, t: (w0 - 2 * t * al, -sl)
    )
    red = _red(exclusion_thresholds.derive(K=K, backend="flint"))
    assert any("p_k(r) = alpha (w*_k - tau)" in d for d in red), red
    assert any("alpha (w*_k(s_k(r, tau), r) - tau) = 0" in d for d in red), red
    monkeypatch.undo()
    s_ = closed_form_parts(K, backend="flint").domain.from_sympy(sp.Symbol("s") ** 2)
    _patch_flint_parts(
        monkeypatch, exclusion_thresholds, w_num=lambda w, F: w + FlintMatrix.ones(w.shape, F) * s_
    )
    red = _red(exclusion_thresholds.derive(K=K, backend="flint"))
    assert any("affine in s" in d for d in red), red


def test_k_limits_and_plan():
    plan = verification_plan(6)
    assert ("theorem1", {"K": 7}) in plan and ("lemma2", {"K": 7}) in plan
    assert ("theorem2", {"K": 6, "N": 3}) in plan and ("claim1", {"K": 7}) not in plan
    assert ("theorem1", {"K": 5}) in verification_plan(4)
    with pytest.raises(InputError, match="at most 6"):
        verification_plan(7)
    with pytest.raises(InputError, match=r"K <= 6"):
        derive("theorem2", K=7)
    with pytest.raises(InputError, match=r"K <= 7"):
        derive("theorem1", K=8)
    with pytest.raises(ValueError, match="backend"):
        theorem1_interior_ne.derive(K=2, backend="numpy")


def test_lemma2_at_k6_on_flint():
    """One targeted explicit check beyond the old range (~0.5 s)."""
    rec = derive("lemma2", K=6)
    assert rec.status == "proved at explicit K = 6"
    assert rec.expressions["leading_coefficient"] == 6
    assert "python-flint" in rec.method
