"""Every check can fail: mutations of the claimed formulas or inputs turn checks red.

Each mutation perturbs one claimed formula, one derived object or the input
utility (C -> 2C style scalings, a dropped term, a zeroed adjugate, ...) and
names the checks it must turn red. ``test_every_check_is_turned_red`` then
asserts that, for every derivation, each identity and hypothesis check of the
unmutated record is turned red by at least one mutation; the few form guards
(which, when violated, make the record "not established" rather than red) are
covered by ``GUARDS``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
import sympy as sp
from nashalign.derivations import (
    claim1_psd,
    derive,
    exclusion_thresholds,
    heterogeneous_closed_form,
    lemma0_best_response,
    lemma2_degenerate_ratios,
    theorem1_interior_ne,
    theorem2_uniqueness,
    theorem3_potential,
)
from sympy.polys.matrices import DomainMatrix

from nashalign.symbolic import general_k as GK
from nashalign.symbolic.bordered import closed_form_parts
from nashalign.symbolic.game import Game
from nashalign.symbolic.linear import linear_structure
from nashalign.symbolic.polyalg import bordered as real_bordered
from nashalign.symbolic.polyalg import ones_dm as real_ones_dm
from nashalign.symbolic.symbols import (
    a_vector,
    beta_A,
    beta_D,
    beta_I,
    c_matrix,
    r,
    s,
    strategy,
)
from nashalign.symbolic.utility_parser import parse_utility

#: Baseline parameters per derivation.
BASE = {
    "claim1": {"K": 2},
    "lemma0": {"K": 2},
    "theorem1": {"K": 2},
    "lemma2": {"K": 2},
    "theorem2": {"K": 2, "N": 3},
    "theorem3": {"K": 2, "N": 2},
    "exclusion": {"K": 2},
    "heterogeneous": {"K": 2, "N": 2},
}

REAL_BUILD = theorem3_potential.build_potential
REAL_GENERAL_K = GK.theorem1_general_k
REAL_REDUCED = heterogeneous_closed_form.reduced_system
OVERLAP = "beta_A*dot(a, w1) - beta_I*quad(w1, C) - beta_D*dot(w1, wbar)"


def _parts(K: int = 2, **changes):
    """Theorem 1's parts with some fields replaced (a fresh object: the cache is untouched)."""
    parts = closed_form_parts(K)
    return dataclasses.replace(parts, **changes)


def _bump(M: DomainMatrix) -> DomainMatrix:
    return M + DomainMatrix.ones(M.shape, M.domain)


def _patch_parts(module, **changes):
    def apply(mp):
        fields = closed_form_parts(2)
        new = {k: f(getattr(fields, k)) for k, f in changes.items()}
        mp.setattr(
            module,
            "closed_form_parts",
            lambda K, variant="overlap", N=2, backend="auto": _parts(K, **new),
        )

    return apply


def _patch_structure(module, change: Callable):
    def apply(mp):
        def mutated(game, m=1):
            return change(linear_structure(game, m), m)

        mp.setattr(module, "linear_structure", mutated)

    return apply


def _distance(mp):  # the convex variant: the concavity hypothesis fails
    return {"variant": "distance"}


def _game(text: str, K: int = 2, N: int = 2):
    return lambda mp: {"game": parse_utility(text, K=K, N=N)}


def _asymmetric_game(mp):
    K = 2
    own, other = strategy(1, K), strategy(2, K)
    D = sp.Matrix([[0, 1], [0, 0]])
    u = beta_A * (a_vector(K).T * own)[0] - beta_I * (own.T * c_matrix(K) * own)[0]
    u -= beta_D * (own.T * D * other)[0]
    return {"game": Game(u, K, 2, a_vector(K), c_matrix(K))}


def _scale_breaking_game(mp):
    text = "beta_A*dot(a, w1) - beta_I*quad(w1, C) - beta_A*beta_D*dot(w1, wbar)"
    return {"game": parse_utility(text, K=2, N=2)}


def _perturbed_gradient(mp):
    real = Game.gradient

    def gradient(self, m):
        g = real(self, m)
        return g + sp.Matrix([beta_D] + [0] * (self.K - 1))

    mp.setattr(Game, "gradient", gradient)


# (derivation, mutation id, apply(monkeypatch) -> extra derive kwargs or None, red substrings)
MUTATIONS: list[tuple[str, str, Callable, list[str]]] = [
    # -- Claim 1 ---------------------------------------------------------------
    (
        "claim1",
        "outer product d d^T -> 2 d d^T (C -> 2C)",
        lambda mp: mp.setattr(claim1_psd, "outer", lambda d: 2 * d * d.T),
        ["termwise, symbolic K", "SOS identity, K = 2, n = 3", "SOS identity, K = 2, n = 4"],
    ),
    # -- Lemma 0 ---------------------------------------------------------------
    (
        "lemma0",
        "stated gradient without the diversity term",
        lambda mp: mp.setattr(
            lemma0_best_response,
            "stated_gradient",
            lambda a, C, w, wbar: beta_A * a - 2 * beta_I * C * w,
        ),
        ["grad u_1 = beta_A a", "gradient and Hessian for general K"],
    ),
    (
        "lemma0",
        "stated Hessian -2 beta_I C -> -beta_I C",
        lambda mp: mp.setattr(lemma0_best_response, "stated_hessian", lambda C: -beta_I * C),
        ["Hessian = -2 beta_I C", "gradient and Hessian for general K"],
    ),
    ("lemma0", "engine gradient perturbed", _perturbed_gradient, ["grad L = grad u"]),
    (
        "lemma0",
        "utility with beta_A beta_D (not scale invariant)",
        _scale_breaking_game,
        ["scale invariance: u/beta_I"],
    ),
    (
        "lemma0",
        "general-K utility with a beta_A beta_D term",
        lambda mp: mp.setattr(
            lemma0_best_response,
            "general_utility",
            lambda a, C, w, wbar: (
                beta_A * (a.T * w) - beta_I * (w.T * C * w) - beta_A * beta_D * (w.T * wbar)
            ),
        ),
        ["scale invariance for general K"],
    ),
    ("lemma0", "distance variant", _distance, ["concavity"]),
    # -- Theorem 1 -------------------------------------------------------------
    (
        "theorem1",
        "stated M(r) = 2C + 2rI",
        lambda mp: mp.setattr(
            theorem1_interior_ne, "stated_M", lambda K: 2 * c_matrix(K) + 2 * r * sp.eye(K)
        ),
        ["derived M(r) = 2C + rI"],
    ),
    (
        "theorem1",
        "adjugate zeroed (and det M)",
        lambda mp: _patch_parts(
            theorem1_interior_ne,
            A=lambda A: DomainMatrix.zeros(A.shape, A.domain),
            det=lambda d: d * 0,
        )(mp),
        ["non-degeneracy"],
    ),
    (
        "theorem1",
        "adjugate perturbed",
        _patch_parts(theorem1_interior_ne, A=_bump),
        ["M A = det(M) I", "A M = det(M) I"],
    ),
    (
        "theorem1",
        "alpha -> 2 alpha",
        _patch_parts(theorem1_interior_ne, alpha=lambda a: 2 * a),
        ["det B = -alpha"],
    ),
    (
        "theorem1",
        "Pi -> 2 Pi",
        _patch_parts(theorem1_interior_ne, Pi=lambda P: P * 2),
        ["M Pi = alpha I", "det(M) Pi ="],
    ),
    (
        "theorem1",
        "Pi + ones",
        _patch_parts(theorem1_interior_ne, Pi=_bump),
        ["1^T Pi = 0"],
    ),
    (
        "theorem1",
        "w_num -> 2 w_num",
        _patch_parts(theorem1_interior_ne, w_num=lambda w: w * 2),
        ["1^T (alpha w*) = alpha", "every agent of N = 2", "every agent of N = 3", "det M = 0"],
    ),
    (
        "theorem1",
        "lambda* numerator + 1",
        _patch_parts(theorem1_interior_ne, lam_num=lambda x: x + 1),
        ["every agent of N = 2", "every agent of N = 3"],
    ),
    (
        "theorem1",
        "general K: d Pi = alpha A (the A 1 1^T A term dropped)",
        lambda mp: mp.setattr(
            theorem1_interior_ne,
            "theorem1_general_k",
            lambda: REAL_GENERAL_K(lambda: GK.alpha * GK.A),
        ),
        ["symbolic K: 1^T Pi = 0", "symbolic K: M Pi", "symbolic K: M w*", "symbolic K: 1^T w*"],
    ),
    (
        "theorem1",
        "general K: stated gradient without the diversity term",
        lambda mp: mp.setattr(
            lemma0_best_response,
            "stated_gradient",
            lambda a, C, w, wbar: beta_A * a - 2 * beta_I * C * w,
        ),
        ["symbolic K: grad_m/beta_I at a symmetric profile"],
    ),
    ("theorem1", "distance variant", _distance, ["concavity"]),
    # -- Lemma 2 ---------------------------------------------------------------
    (
        "lemma2",
        "alpha + r^2 (degree raised)",
        _patch_parts(
            lemma2_degenerate_ratios,
            alpha=lambda a: a + closed_form_parts(2).domain.from_sympy(r**2),
        ),
        ["statement's degree of alpha in r", "principal-minor expansion"],
    ),
    (
        "lemma2",
        "alpha -> 2 alpha",
        _patch_parts(lemma2_degenerate_ratios, alpha=lambda a: 2 * a),
        ["leading coefficient of alpha", "principal-minor expansion"],
    ),
    (
        "lemma2",
        "adjugate perturbed",
        _patch_parts(lemma2_degenerate_ratios, A=_bump),
        ["Faddeev-LeVerrier"],
    ),
    (
        "lemma2",
        "statement: degree K - 1 -> K",
        lambda mp: mp.setattr(lemma2_degenerate_ratios, "stated_degree", lambda K: K),
        ["statement's degree of alpha in r"],
    ),
    (
        "lemma2",
        "statement: leading coefficient K -> 2K",
        lambda mp: mp.setattr(
            lemma2_degenerate_ratios,
            "stated_leading_coefficient",
            lambda K, rho: 2 * rho ** (K - 1) * K,
        ),
        ["statement's leading coefficient of alpha"],
    ),
    (
        "lemma2",
        "general K: stated gradient without the diversity term",
        lambda mp: mp.setattr(
            lemma0_best_response,
            "stated_gradient",
            lambda a, C, w, wbar: beta_A * a - 2 * beta_I * C * w,
        ),
        ["symbolic K: M(r) = 2C + rI"],
    ),
    ("lemma2", "distance variant", _distance, ["concavity"]),
    # -- Theorem 2 -------------------------------------------------------------
    (
        "theorem2",
        "P -> P + I in the first-order structure",
        _patch_structure(
            theorem2_uniqueness,
            lambda ls, m: dataclasses.replace(ls, P=ls.P + sp.eye(ls.P.shape[0])),
        ),
        [
            "mean of the N gradients",
            "gradient_m - mean",
            "derived M_tilde",
            "asymmetric family",
            "symmetric family",
        ],
    ),
    (
        "theorem2",
        "stated M_tilde with r/N",
        lambda mp: mp.setattr(
            theorem2_uniqueness,
            "stated_M_tilde",
            lambda K, N: 2 * c_matrix(K) - r / N * sp.eye(K),
        ),
        ["derived M_tilde"],
    ),
    (
        "theorem2",
        "bordered corner 1 instead of 0",
        lambda mp: mp.setattr(
            theorem2_uniqueness,
            "bordered",
            lambda M: real_bordered(M) + _corner(M),
        ),
        ["det B_tilde = -alpha_tilde"],
    ),
    (
        "theorem2",
        "ones vector zeroed (alpha_tilde = 0)",
        lambda mp: mp.setattr(
            theorem2_uniqueness, "ones_dm", lambda n, k, dom: DomainMatrix.zeros((n, k), dom)
        ),
        ["non-degeneracy", "det B_tilde = -alpha_tilde"],
    ),
    (
        "theorem2",
        "ones vector -> (1 + r) ones (degree raised)",
        lambda mp: mp.setattr(
            theorem2_uniqueness,
            "ones_dm",
            lambda n, k, dom: real_ones_dm(n, k, dom) * dom.from_sympy(1 + r),
        ),
        ["statement's degree of alpha_tilde"],
    ),
    (
        "theorem2",
        "ones vector -> 2 ones (leading coefficient x4)",
        lambda mp: mp.setattr(
            theorem2_uniqueness,
            "ones_dm",
            lambda n, k, dom: real_ones_dm(n, k, dom) * dom.convert(2),
        ),
        ["leading coefficient of alpha_tilde"],
    ),
    (
        "theorem2",
        "statement: 'if an interior NE exists' dropped",
        lambda mp: mp.setattr(theorem2_uniqueness, "stated_existence_qualifier", lambda: False),
        ["statement's existence qualifier"],
    ),
    (
        "theorem2",
        "statement: degree of alpha_tilde K - 1 -> K",
        lambda mp: mp.setattr(theorem2_uniqueness, "stated_tilde_degree", lambda K: K),
        ["statement's degree of alpha_tilde"],
    ),
    (
        "theorem2",
        "statement: leading coefficient of alpha_tilde without the sign",
        lambda mp: mp.setattr(
            theorem2_uniqueness,
            "stated_tilde_leading_coefficient",
            lambda K, N: K * (1 / (N - 1)) ** (K - 1),
        ),
        ["statement's leading coefficient of alpha_tilde"],
    ),
    (
        "theorem2",
        "continuum example at the wrong root",
        lambda mp: mp.setattr(theorem2_uniqueness, "continuum_root", lambda N: 2 * N),
        ["example: continuum"],
    ),
    ("theorem2", "distance variant", _distance, ["concavity"]),
    # -- Theorem 3 -------------------------------------------------------------
    ("theorem3", "asymmetric interaction", _asymmetric_game, ["cross-Hessians symmetric"]),
    (
        "theorem3",
        "statement: concavity factor 2(N - 1) halved",
        lambda mp: mp.setattr(theorem3_potential, "stated_concavity_factor", lambda N: N - 1),
        ["statement's concavity factor"],
    ),
    (
        "theorem3",
        "potential + w1_1^2 - w2_1^2 (agents treated unequally)",
        lambda mp: mp.setattr(
            theorem3_potential,
            "build_potential",
            lambda g: (REAL_BUILD(g)[0] + g.W[0][0] ** 2 - g.W[1][0] ** 2, True),
        ),
        ["dPhi/dw_m", "cross terms vanish"],
    ),
    (
        "theorem3",
        "potential + w1_1 w2_1",
        lambda mp: mp.setattr(
            theorem3_potential,
            "build_potential",
            lambda g: (
                REAL_BUILD(g)[0] + g.W[0][0] * g.W[1][0],
                True,
            ),
        ),
        ["dPhi/dw_m", "engine potential = the stated Phi", "Hess(Phi/beta_I) ="],
    ),
    (
        "theorem3",
        "stated potential without the pair term",
        lambda mp: mp.setattr(
            theorem3_potential,
            "stated_potential",
            lambda g: sum(
                (beta_A * (g.a.T * w)[0] - beta_I * (w.T * g.C * w)[0] for w in g.W),
                sp.Integer(0),
            ),
        ),
        ["engine potential = the stated Phi"],
    ),
    (
        "theorem3",
        "P -> P + I in the first-order structure",
        _patch_structure(
            theorem3_potential,
            lambda ls, m: dataclasses.replace(ls, P=ls.P + sp.eye(ls.P.shape[0])),
        ),
        ["Hess(Phi/beta_I) =", "(1_N (x) x)", "(u (x) x)"],
    ),
    (
        "theorem3",
        "potential x beta_I (scale)",
        lambda mp: mp.setattr(
            theorem3_potential,
            "build_potential",
            lambda g: (REAL_BUILD(g)[0] * beta_I, True),
        ),
        ["Phi / beta_I depends"],
    ),
    (
        "theorem3",
        "attracting interaction (rho < 0)",
        _game("beta_A*dot(a, w1) - beta_I*quad(w1, C) + beta_D*dot(w1, wbar)"),
        ["signs: kappa"],
    ),
    ("theorem3", "distance variant", _distance, ["concavity"]),
    # -- Exclusion ---------------------------------------------------------------
    (
        "exclusion",
        "b0 = 1",
        lambda mp: _patch_parts(
            exclusion_thresholds,
            structure=lambda ls: dataclasses.replace(ls, b0=sp.ones(*ls.b0.shape)),
        )(mp),
        ["b0 = 0"],
    ),
    (
        "exclusion",
        "w_num + s^2",
        _patch_parts(
            exclusion_thresholds,
            w_num=lambda w: w + real_ones_dm(2, 1, w.domain) * w.domain.from_sympy(s**2),
        ),
        ["affine in s"],
    ),
    (
        "exclusion",
        "w_num + 1 (intercept off)",
        _patch_parts(exclusion_thresholds, w_num=_bump),
        ["Theorem 1's numerator = (A 1", "alpha (w*_k(s_k", "p_k(r) = alpha"],
    ),
    (
        "exclusion",
        "Pi a zeroed",
        _patch_parts(exclusion_thresholds, Pib1=lambda P: DomainMatrix.zeros(P.shape, P.domain)),
        ["non-degeneracy"],
    ),
    (
        "exclusion",
        "stated threshold without tau alpha",
        lambda mp: mp.setattr(
            exclusion_thresholds, "stated_threshold", lambda w0, slope, alpha, t: (w0, -slope)
        ),
        ["alpha (w*_k(s_k", "p_k(r) = alpha"],
    ),
    (
        "exclusion",
        "w_num + r^2 (degree raised)",
        _patch_parts(
            exclusion_thresholds,
            w_num=lambda w: w + real_ones_dm(2, 1, w.domain) * w.domain.from_sympy(r**2),
        ),
        ["deg_r p_k"],
    ),
    ("exclusion", "distance variant", _distance, ["concavity"]),
    # -- Heterogeneous -----------------------------------------------------------
    (
        "heterogeneous",
        "agent 2's interaction matrix doubled",
        _patch_structure(
            heterogeneous_closed_form,
            lambda ls, m: dataclasses.replace(ls, Q=ls.Q * 2) if m == 2 else ls,
        ),
        ["interaction matrix Q is the same"],
    ),
    (
        "heterogeneous",
        "reduced system without the sum_m T_m Q term",
        lambda mp: mp.setattr(
            heterogeneous_closed_form,
            "reduced_system",
            lambda L0, Us, us, bs, cof, Qd: (
                L0,
                REAL_REDUCED(L0, Us, us, bs, cof, Qd)[1],
            ),
        ),
        ["sum_m w_m = S", "every agent's Lemma 0 condition"],
    ),
    (
        "heterogeneous",
        "bordered corner 1 instead of 0",
        lambda mp: mp.setattr(
            heterogeneous_closed_form, "bordered", lambda M: real_bordered(M) + _corner(M)
        ),
        ["every agent's Lemma 0 condition"],
    ),
    (
        "heterogeneous",
        "bordered matrix with its last column zeroed (det B_m = 0)",
        lambda mp: mp.setattr(
            heterogeneous_closed_form,
            "bordered",
            lambda M: real_bordered(M) * _drop_last(M),
        ),
        ["non-degeneracy"],
    ),
    ("heterogeneous", "distance variant", _distance, ["concavity"]),
]

#: Form guards: violated, the record is "not established" (not of the required form).
GUARDS: list[tuple[str, str, Callable, str]] = [
    (
        "lemma2",
        "form: M(r) = kappa C",
        _game("beta_A*dot(a, w1) - beta_I*quad(w1, C) - kappa*beta_D*dot(w1, wbar)"),
        "not of the required form",
    ),
    (
        "theorem3",
        "form: M(r) = kappa C",
        _game("beta_A*dot(a, w1) - beta_I*quad(w1, C) - kappa*beta_D*dot(w1, wbar)"),
        "not of the required form",
    ),
]


def _drop_last(M: DomainMatrix) -> DomainMatrix:
    """diag(1, ..., 1, 0) of size K + 1."""
    K, dom = M.shape[0], M.domain
    rows = [[dom.one if i == j < K else dom.zero for j in range(K + 1)] for i in range(K + 1)]
    return DomainMatrix(rows, (K + 1, K + 1), dom)


def _corner(M: DomainMatrix) -> DomainMatrix:
    """The (K+1) x (K+1) matrix with a single 1 in the bottom-right corner."""
    K, dom = M.shape[0], M.domain
    rows = [[dom.zero] * (K + 1) for _ in range(K + 1)]
    rows[K][K] = dom.one
    return DomainMatrix(rows, (K + 1, K + 1), dom).convert_to(dom)


def _run(name: str, apply: Callable, mp: pytest.MonkeyPatch):
    extra = apply(mp) or {}
    kwargs = dict(BASE[name])
    if "game" in extra:
        return derive(name, game=extra["game"])
    kwargs.update(extra)
    return derive(name, **kwargs)


def _red(rec) -> list[str]:
    return [
        c.description for c in rec.checks if c.kind in ("identity", "hypothesis") and not c.passed
    ]


@pytest.mark.parametrize(
    ("name", "mutation", "apply", "expected"),
    MUTATIONS,
    ids=[f"{m[0]}: {m[1]}" for m in MUTATIONS],
)
def test_mutation_turns_checks_red(name, mutation, apply, expected):
    with pytest.MonkeyPatch.context() as mp:
        rec = _run(name, apply, mp)
    red = _red(rec)
    assert rec.verified is False and not rec.status.startswith("proved"), (mutation, rec.status)
    for needle in expected:
        assert any(needle in d for d in red), f"{mutation}: {needle!r} not red; red = {red}"


@pytest.mark.parametrize(("name", "check", "apply", "needle"), GUARDS)
def test_violated_form_guards_make_the_record_not_established(name, check, apply, needle):
    with pytest.MonkeyPatch.context() as mp:
        rec = _run(name, apply, mp)
    assert rec.status == "not established" and needle in rec.failure
    assert not any(check in c.description for c in rec.checks)


@pytest.mark.parametrize("name", list(BASE))
def test_every_check_is_turned_red(name):
    base = derive(name, **BASE[name])
    assert base.verified, base.failure
    covered: set[str] = set()
    for n, _mutation, apply, _ in MUTATIONS:
        if n != name:
            continue
        with pytest.MonkeyPatch.context() as mp:
            covered |= set(_red(_run(n, apply, mp)))
    guards = [g[1] for g in GUARDS if g[0] == name]
    missing = [
        c.description
        for c in base.checks
        if c.kind in ("identity", "hypothesis")
        and c.description not in covered
        and not any(c.description.startswith(g) for g in guards)
    ]
    assert not missing, f"{name}: checks no mutation turns red: {missing}"


def test_user_utility_equal_to_overlap_proves_like_the_variant():
    rec = derive("theorem1", game=parse_utility(OVERLAP, K=2, N=2))
    assert rec.verified
    ref = derive("theorem1", K=2)
    assert sp.expand(rec.expressions["alpha"] - ref.expressions["alpha"]) == 0
