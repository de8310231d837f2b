"""Tests of the vectorised closed-form evaluator (Theorem 1, Lemma 2, Theorem 2's alpha_tilde)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from strategies import beta_triples, instances, log_uniform

from nashalign.errors import DegenerateError, InputError
from nashalign.solvers.closed_form import symmetric_ne
from nashalign.solvers.spectral import (
    alpha,
    alpha_eig_sum,
    alpha_tilde,
    degenerate_ratios,
    spectrum,
)

EPS = np.finfo(float).eps
HYP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def bordered_solve(a, C, s, r):
    """Reference: the bordered system of Theorem 1 solved directly."""
    K = len(a)
    B = np.zeros((K + 1, K + 1))
    B[:K, :K] = 2 * C + r * np.eye(K)
    B[:K, K] = B[K, :K] = 1.0
    x = np.linalg.solve(B, np.r_[s * np.asarray(a), 1.0])
    return x[:K], x[K]


def random_instance(seed, K=5, n=40):
    rng = np.random.default_rng(seed)
    S = rng.normal(size=(n, K)) + rng.normal(size=K)
    return S.mean(axis=0), np.cov(S, rowvar=False)


def test_scalar_identity_matrix_has_the_textbook_form():
    # C = cI: w* = 1/K + s (a - mean a) / (2c + r), lam = s mean(a) - (2c + r)/K
    a = np.array([0.3, 0.5, 0.2, 0.1])
    c, s, r = 1.5, 0.4, 2.0
    res = symmetric_ne(a, c * np.eye(4), s, 1.0, r)
    expected = 0.25 + s * (a - a.mean()) / (2 * c + r)
    np.testing.assert_allclose(res.weights, expected, rtol=0, atol=1e-15)
    assert res.lam == pytest.approx(s * a.mean() - (2 * c + r) / 4, rel=1e-14)
    assert res.alpha == pytest.approx(4 * (2 * c + r) ** 3, rel=1e-14)
    assert res.interior is True and res.degenerate is False


def test_singular_C_at_r0_is_not_a_zero_divisor():
    # C = diag(1, 0): alpha(0) = 2 (not degenerate) although 2C is singular;
    # bordered system: 2 w1 + lam = s a1, lam = s a2, w1 + w2 = 1.
    a = np.array([0.9, 0.5])
    s = 0.5
    res = symmetric_ne(a, np.diag([1.0, 0.0]), s, 1.0, 0.0)
    w1 = s * (a[0] - a[1]) / 2
    np.testing.assert_allclose(res.weights, [w1, 1 - w1], rtol=0, atol=1e-15)
    assert res.lam == pytest.approx(s * a[1], rel=1e-14)
    assert res.alpha == pytest.approx(2.0, rel=1e-14)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_grid_matches_batched_bordered_solve(seed):
    a, C = random_instance(seed)
    g = np.logspace(-4, 4, 23)
    for ba, bi, bd in [(g[:, None], g[None, :], 1.0), (1.0, g[:, None], g[None, :])]:
        res = symmetric_ne(a, C, ba, bi, bd)
        s = np.broadcast_to(res.s, res.interior.shape)
        r = np.broadcast_to(res.r, res.interior.shape)
        for idx in np.ndindex(res.interior.shape):
            w, lam = bordered_solve(a, C, s[idx], r[idx])
            scale = max(1.0, np.max(np.abs(w)))
            assert np.max(np.abs(res.weights[idx] - w)) <= 1e-12 * scale
            assert abs(res.lam[idx] - lam) <= 1e-12 * max(1.0, abs(lam))
            assert res.interior[idx] == bool(np.all(w > 0))


def test_broadcast_shapes_and_scalar_types():
    a, C = random_instance(3, K=3)
    res = symmetric_ne(a, C, np.ones((4, 1)), 1.0, np.linspace(0.1, 2, 5))
    assert res.weights.shape == (4, 5, 3)
    for field in ("alpha", "alpha_tilde", "lam", "interior", "degenerate", "cond_alpha"):
        assert np.shape(getattr(res, field)) == (4, 5)
    one = symmetric_ne(a, C, 1.0, 1.0, 1.0)
    assert isinstance(one.alpha, float) and isinstance(one.interior, bool)
    assert one.weights.shape == (3,)


@HYP
@given(instances(), beta_triples())
def test_kkt_identity_and_simplex_sum(inst, betas):
    a, C = inst
    try:
        res = symmetric_ne(a, C, *betas)
    except DegenerateError as exc:
        assert exc.which in ("alpha", "alpha_tilde")
        return
    w = res.weights
    M = 2 * C + res.r * np.eye(len(a))
    resid = res.s * a - M @ w - res.lam
    scale = abs(res.s) * np.max(np.abs(a)) + np.max(np.abs(M)) * max(1, np.max(np.abs(w)))
    tol = 1e3 * len(a) * EPS * res.cond_alpha * scale
    assert np.max(np.abs(resid)) <= tol
    assert abs(w.sum() - 1.0) <= 1e3 * len(a) * EPS * res.cond_alpha * max(1, np.max(np.abs(w)))
    assert res.interior == bool(np.all(w > 0))


@HYP
@given(instances(), log_uniform(1e-3, 1e3), log_uniform(1e-3, 1e3))
def test_weights_are_affine_in_s_and_depend_only_on_ratios(inst, s, r):
    a, C = inst
    res = symmetric_ne(a, C, np.array([0.0, 1.0, s]), 1.0, r)
    w0, w1, ws = res.weights
    scale = 1e3 * len(a) * EPS * res.cond_alpha[0] * max(1.0, s) * max(1.0, np.max(np.abs(ws)))
    assert np.max(np.abs(ws - (w0 + s * (w1 - w0)))) <= scale
    # scaling all three betas by t changes nothing (equilibria depend on s, r only)
    t = 37.5
    scaled = symmetric_ne(a, C, s * t, t, r * t)
    np.testing.assert_allclose(scaled.weights, ws, rtol=0, atol=scale)


@HYP
@given(instances(), log_uniform(1e-6, 1e6))
def test_alpha_product_equals_eigen_sum_and_is_positive(inst, r):
    a, C = inst
    K = len(a)
    al = float(alpha(C, r))
    ref = float(alpha_eig_sum(C, r))
    lam_max = np.max(np.linalg.eigvalsh(C))
    scale = K * (2 * lam_max + r) ** (K - 1)
    assert abs(al - ref) <= 1e3 * K * EPS * scale
    assert al > 0  # Lemma 2: alpha(r) > 0 for r > 0 when C is PSD


def test_alpha_is_degree_k_minus_1_with_leading_coefficient_k():
    a, C = random_instance(4, K=4)
    r = np.array([1e6, 1e7])
    np.testing.assert_allclose(alpha(C, r) / r**3, 4.0, rtol=1e-4)
    np.testing.assert_allclose(alpha_tilde(C, r, 3) / r**3, 4 * (-0.5) ** 3, rtol=1e-4)


def test_degenerate_ratios_are_roots():
    a, C = random_instance(5, K=4)
    roots = degenerate_ratios(C, n_agents=3)
    assert np.all(roots["alpha"] <= 1e-12) and np.all(roots["alpha_tilde"] >= -1e-12)
    lam_max = np.max(np.linalg.eigvalsh(C))
    for r0 in roots["alpha"]:
        assert abs(alpha(C, r0)) <= 1e-10 * 4 * (2 * lam_max + abs(r0)) ** 3
    for r0 in roots["alpha_tilde"]:
        assert abs(alpha_tilde(C, r0, 3)) <= 1e-10 * 4 * (2 * lam_max + abs(r0)) ** 3


def test_scalar_call_at_a_degenerate_ratio_names_the_root():
    a, C = random_instance(6, K=3)
    root = float(degenerate_ratios(C, n_agents=2)["alpha_tilde"][1])
    with pytest.raises(DegenerateError) as info:
        symmetric_ne(a, C, 1.0, 1.0, root)
    assert info.value.which == "alpha_tilde"
    assert info.value.root == pytest.approx(root, rel=1e-12)
    assert f"{root:.6g}" in str(info.value)
    # alpha = 0: C = [[1, 1], [1, 1]] has the null vector (1, -1) orthogonal to 1
    with pytest.raises(DegenerateError) as info:
        symmetric_ne([0.2, 0.1], [[1.0, 1.0], [1.0, 1.0]], 1.0, 1.0, 0.0)
    assert info.value.which == "alpha" and info.value.root == pytest.approx(0.0, abs=1e-12)


def test_array_call_flags_degenerate_points_without_garbage():
    C = np.array([[1.0, 1.0], [1.0, 1.0]])
    res = symmetric_ne([0.2, 0.1], C, 1.0, 1.0, np.array([0.0, 0.5]))
    assert res.degenerate_alpha.tolist() == [True, False]
    assert np.all(np.isnan(res.weights[0])) and np.isnan(res.lam[0])
    assert np.all(np.isfinite(res.weights[1])) and res.interior.tolist() == [False, True]
    assert res.cond_alpha[0] >= 1e12 > res.cond_alpha[1]


def test_near_degenerate_inputs_report_conditioning():
    rng = np.random.default_rng(7)
    S = rng.normal(size=(3, 5))  # 3 contexts, K = 5: C has rank 2
    a, C = S.mean(axis=0), np.cov(S, rowvar=False)
    res = symmetric_ne(a, C, 1.0, 1.0, np.array([1e-9, 1e-3, 1.0]))
    assert res.cond_alpha[0] > 1e8 > res.cond_alpha[1] > res.cond_alpha[2]
    assert not np.any(res.degenerate_alpha)


def test_single_agent_has_no_diversity_term():
    a, C = random_instance(8, K=3)
    one = symmetric_ne(a, C, 1.0, 1.0, 5.0, n_agents=1)
    ref = symmetric_ne(a, C, 1.0, 1.0, 0.0, n_agents=2)
    np.testing.assert_allclose(one.weights, ref.weights, rtol=0, atol=1e-15)
    assert np.isnan(one.alpha_tilde) and one.degenerate_alpha_tilde is False


def test_spectrum_diagonalises_the_compressed_matrix():
    a, C = random_instance(9, K=4)
    sp = spectrum(C)
    np.testing.assert_allclose(sp.U.T @ np.ones(4), 0, atol=1e-14)
    np.testing.assert_allclose(sp.U.T @ sp.U, np.eye(3), atol=1e-14)
    np.testing.assert_allclose(sp.U.T @ C @ sp.U, np.diag(sp.mu), atol=1e-13)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([0.1, 0.2], np.eye(2), 1.0, 0.0, 1.0), "beta_i must be > 0"),
        (([0.1, 0.2], np.eye(2), 1.0, -1.0, 1.0), "beta_i must be > 0"),
        (([0.1, 0.2], np.eye(2), -1.0, 1.0, 1.0), "beta_a must be >= 0"),
        (([0.1, 0.2], np.eye(2), np.nan, 1.0, 1.0), "NaN or inf"),
        (([0.1, 0.2], np.eye(2), 1.0, 1.0, np.inf), "NaN or inf"),
        (([0.1, 0.2], np.eye(3), 1.0, 1.0, 1.0), "shape"),
        (([0.1, np.nan], np.eye(2), 1.0, 1.0, 1.0), "NaN or inf"),
        (([0.1, 0.2], [[1.0, 0.5], [0.0, 1.0]], 1.0, 1.0, 1.0), "not symmetric"),
        (([0.1, 0.2], [[1.0, 2.0], [2.0, 1.0]], 1.0, 1.0, 1.0), "not positive semidefinite"),
        (([0.1], [[1.0]], 1.0, 1.0, 1.0), "K must be at least 2"),
        (([0.1, 0.2], np.eye(2), [1.0, 2.0], [1.0, 2.0, 3.0], 1.0), "do not broadcast"),
        (([0.1, 0.2], np.eye(2), "x", 1.0, 1.0), "numeric"),
    ],
)
def test_bad_input_raises_one_clear_input_error(args, message):
    with pytest.raises(InputError, match=message):
        symmetric_ne(*args)


def test_bad_agent_count_and_tolerance():
    with pytest.raises(InputError, match=">= 1"):
        symmetric_ne([0.1, 0.2], np.eye(2), 1.0, 1.0, 1.0, n_agents=0)
    with pytest.raises(InputError, match="integer"):
        symmetric_ne([0.1, 0.2], np.eye(2), 1.0, 1.0, 1.0, n_agents=2.5)
    with pytest.raises(InputError, match="rtol_degenerate"):
        symmetric_ne([0.1, 0.2], np.eye(2), 1.0, 1.0, 1.0, rtol_degenerate=-1.0)
