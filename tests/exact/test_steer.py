"""Exact steering (SPEC 2.7) against the float closed form on random instances.

For random score matrices (hence PSD C), s over four orders of magnitude and a few
thresholds tau, :func:`nashalign.exact.steering.steer` must give intervals of
r = beta_D/beta_I on which the float closed-form weights are all >= tau, with some
weight < tau just outside each finite end, and r* whose binding subpopulation sits
at tau. Tolerance: TOL = 1e-9 absolute on weights (the closed form is evaluated in
float64 at the float rounding of an exact root; its error is ~ eps * cond_alpha,
far below TOL for these well-conditioned instances).
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nashalign.exact.steering import steer
from nashalign.instance import Instance
from nashalign.solvers.closed_form import symmetric_ne
from nashalign.solvers.metrics import nash_conv
from nashalign.solvers.support import symmetric_equilibria

TOL = 1e-9
#: relative step "just outside" an interval end
EPS = 1e-6


def random_instance(seed: int, K: int, n: int, spread: float) -> Instance:
    """Scores with correlated noise and spread-out means (random, reproducible by seed)."""
    rng = np.random.default_rng(seed)
    S = rng.normal(size=(n, K)) @ rng.normal(size=(K, K)) * 0.3 + spread * rng.random(K)
    return Instance.from_scores(S, [f"g{k}" for k in range(K)])


def weights(inst: Instance, s: float, r: np.ndarray) -> np.ndarray:
    """Float closed-form weights at beta_A = s, beta_I = 1, beta_D = r (array, shape (len, K))."""
    r = np.atleast_1d(np.asarray(r, float))
    # array betas: no DegenerateError at an alpha_tilde root (it only concerns uniqueness)
    return symmetric_ne(inst.a, inst.C, np.full(r.shape, s), 1.0, r).weights


@st.composite
def cases(draw: st.DrawFn) -> tuple[Instance, float, float]:
    K = draw(st.integers(2, 4))
    inst = random_instance(
        seed=draw(st.integers(0, 2**32 - 1)),
        K=K,
        n=draw(st.integers(K + 3, 40)),
        spread=draw(st.floats(0.0, 2.0)),
    )
    s = 10 ** draw(st.floats(-2.0, 2.0))
    tau = draw(st.sampled_from([0.01, 0.05, 0.1]))
    return inst, s, tau


def outside_points(ivs: list[tuple[float, float | None]]) -> list[float]:
    """Points just outside each finite end, kept inside the gap to the next interval."""
    pts = []
    for i, (lo, hi) in enumerate(ivs):
        if lo > 0:
            prev_hi = ivs[i - 1][1] if i else 0.0
            pts.append(max(lo * (1 - EPS), 0.5 * (prev_hi + lo)))
        if hi is not None:
            nxt = ivs[i + 1][0] if i + 1 < len(ivs) else np.inf
            pts.append(min(hi * (1 + EPS), 0.5 * (hi + nxt)))
    return pts


def inside_points(lo: float, hi: float | None) -> list[float]:
    if hi is None:
        return [lo + 1e-3, 2 * lo + 1.0, 10 * lo + 1e3]
    return [lo + 0.25 * (hi - lo), 0.5 * (lo + hi), lo + 0.75 * (hi - lo)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_steer_against_float_closed_form(case):
    inst, s, tau = case
    res = steer(inst.a, inst.C, s, tau)
    ivs = [(float(lo), None if hi is None else float(hi)) for lo, hi in res.intervals_float]
    assert len(ivs) == len(res.intervals)
    # sorted, disjoint intervals of r >= 0
    ends = [x for lo, hi in ivs for x in (lo, hi) if x is not None]
    assert all(b > a for a, b in zip(ends, ends[1:], strict=False)) and all(x >= 0 for x in ends)
    assert all(hi is not None for _, hi in ivs[:-1])
    # r* is the least element
    if res.r_star is None:
        assert ivs == []
    else:
        r_star = float(res.r_star_float)
        assert r_star == ivs[0][0]
        if r_star > 0:  # (r* = 0 may be an infimum where alpha(0) = 0)
            w = weights(inst, s, r_star)[0]
            assert res.binding is not None
            assert abs(w[res.binding] - tau) <= TOL
            assert np.all(np.delete(w, res.binding) >= tau - TOL)
            # the support-enumeration solver: M(r*) is positive definite, so the
            # symmetric NE is unique; it is interior and matches the closed form
            (eq,) = symmetric_equilibria(inst.a, inst.C, s, 1.0, r_star)
            assert eq.interior
            np.testing.assert_allclose(eq.weights, w, atol=1e-8)
    # every weight >= tau inside, and some weight < tau just outside
    for lo, hi in ivs:
        assert weights(inst, s, np.array(inside_points(lo, hi))).min() >= tau - TOL
        for end in (lo, hi):
            if end is not None and end > 0:
                assert weights(inst, s, end).min() >= tau - TOL
    for r in outside_points(ivs):
        assert weights(inst, s, r).min() < tau


@settings(max_examples=15, deadline=None)
@given(cases())
def test_steer_agrees_with_dense_scan(case):
    """Membership of a dense r grid in the intervals matches min_k w_k >= tau."""
    inst, s, tau = case
    res = steer(inst.a, inst.C, s, tau)
    ivs = [(float(lo), np.inf if hi is None else float(hi)) for lo, hi in res.intervals_float]
    r = np.concatenate([[0.0], np.logspace(-4, 4, 400)])
    ok = weights(inst, s, r).min(axis=1) >= tau
    member = np.array([any(lo <= x <= hi for lo, hi in ivs) for x in r])
    ends = np.array([e for iv in ivs for e in iv if np.isfinite(e)] or [np.nan])
    near = np.array([np.any(np.abs(x - ends) <= 1e-7 * max(x, 1e-12)) for x in r])
    assert np.array_equal(ok[~near], member[~near])


def test_steer_example_binding_at_tau():
    """A fixed example where the diversity incentive is needed (r* > 0)."""
    inst = random_instance(seed=5, K=4, n=60, spread=1.0)
    tau = 0.05
    found = 0
    for s in (0.5, 2.0, 10.0):
        res = steer(inst.a, inst.C, s, tau)
        if res.r_star is None or float(res.r_star_float) == 0:
            continue
        found += 1
        w = weights(inst, s, float(res.r_star_float))[0]
        assert abs(w[res.binding] - tau) <= TOL
        assert weights(inst, s, float(res.r_star_float) * (1 - EPS)).min() < tau
    assert found >= 1


def test_steered_profile_is_a_certified_equilibrium():
    """N = 3 agents all playing the closed-form weights at r slightly above / below r*:
    the exact NashConv certificate of nashalign.solvers.metrics says both are Nash equilibria,
    the first excluding nobody, the second excluding the binding subpopulation.
    (For large r the game also has asymmetric, specialised NE, which the iterative
    solver may find; steering concerns the symmetric interior one.)"""
    inst = random_instance(seed=5, K=4, n=60, spread=1.0)
    tau, s = 0.05, 2.0
    res = steer(inst.a, inst.C, s, tau)
    r_star = float(res.r_star_float)
    assert r_star > 0 and res.binding is not None
    for factor, excluded in ((1.01, False), (0.99, True)):
        w = weights(inst, s, factor * r_star)[0]
        profile = np.tile(w, (3, 1))
        assert nash_conv(profile, inst.a, inst.C, s, 1.0, factor * r_star) <= 1e-12
        assert (w[res.binding] < tau) == excluded
        assert (w.min() >= tau) == (not excluded)
