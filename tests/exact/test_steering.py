"""Exact steering: r* puts the binding weight exactly at tau; intervals are exact."""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from strategies import rational_instances, rationals

from nashalign.errors import InputError
from nashalign.exact.evaluate import exact_symmetric_ne
from nashalign.exact.steering import exclusion_threshold, steer
from nashalign.instance import Instance

TAU = sp.Rational(1, 20)


def test_textbook_instance():
    res = steer([1, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], s=4, tau=TAU)
    assert res.r_star == sp.Rational(46, 17)
    ne = exact_symmetric_ne([1, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], 4, res.r_star)
    assert ne.weights[res.binding] == TAU
    assert min(ne.weights) == TAU
    assert res.to_json() == {
        "s": 4.0,
        "tau": 0.05,
        "intervals": [[46 / 17, None]],
        "r_star": 46 / 17,
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rational_instances(2, 4), rationals(0, 30))
def test_r_star_binds_exactly(inst, s):
    a, C = inst
    K = len(a)
    tau = sp.Rational(1, 4 * K)
    res = steer(a, C, s, tau)
    if res.r_star is None:
        return
    if res.binding is not None:
        p = res.polynomials[res.binding]
        if res.r_star.is_Rational:
            assert p.eval(res.r_star) == 0
            ne = exact_symmetric_ne(a, C, s, res.r_star)
            assert ne.weights[res.binding] == tau
            assert all(w >= tau for w in ne.weights)
        else:
            # r* is algebraic: it is a root of p (its minimal polynomial divides p).
            r = sp.Symbol("r")
            assert p.rem(sp.Poly(sp.minimal_polynomial(res.r_star, r), r)).is_zero
    # Just inside the first interval every weight is >= tau (exact rational sample).
    lo, hi = res.intervals[0]
    lo_q = sp.Rational(sp.N(lo, 40)) + sp.Rational(1, 10**30)
    probe = lo_q + (1 if hi is None else (sp.Rational(sp.N(hi, 40)) - lo_q) / 2)
    if probe > 0:
        ne = exact_symmetric_ne(a, C, s, probe)
        assert all(w >= tau for w in ne.weights)


def test_bad_tau_and_s():
    with pytest.raises(InputError, match="tau"):
        steer([1, 0], [[1, 0], [0, 1]], s=1, tau=0.5)
    with pytest.raises(InputError, match="tau"):
        steer([1, 0], [[1, 0], [0, 1]], s=1, tau=0)
    with pytest.raises(InputError, match=">= 0"):
        steer([1, 0], [[1, 0], [0, 1]], s=-1, tau=0.1)
    with pytest.raises(InputError):
        steer([1, 0], [[1, 2], [2, 1]], s=1, tau=0.1)  # not PSD


def test_exclusion_threshold_boundary_is_exact():
    a, C = [1.0, 0.0, 0.5], [[1.0, 0.2, 0.0], [0.2, 1.0, 0.1], [0.0, 0.1, 2.0]]
    r = 0.75
    thr = exclusion_threshold(a, C, [r], tau=0.05)[0]
    k = int(min(range(3), key=lambda j: thr[j]))
    ne = exact_symmetric_ne(a, C, float(thr[k]), r)
    assert abs(float(ne.weights[k]) - 0.05) < 1e-12


def test_steering_ratios_parse_text_exactly_and_validate():
    from nashalign.errors import InputError
    from nashalign.exact.steering import steering_ratios

    assert steering_ratios("1", "3", "0.05", 4) == (sp.Rational(1, 3), sp.Rational(1, 20))
    assert steering_ratios(0.5, 1, 0.125, 4) == (sp.Rational(1, 2), sp.Rational(1, 8))
    for args, needle in [
        (("1", "0", "0.05"), "beta_i must be > 0"),
        (("-1", "1", "0.05"), "beta_a must be >= 0"),
        (("1", "1", "0.25"), "tau must lie in (0, 1/K)"),
    ]:
        with pytest.raises(InputError, match=re.escape(needle)):
            steering_ratios(*args, 4)


def test_report_names_the_binding_subpopulation_and_exact_r_star():
    res = steer([1, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], s=4, tau=TAU)
    lines = res.report_lines(["x", "y", "z"], "toy", beta_i=2)
    assert "binding: y (weight = tau)" in lines[-4]
    assert lines[-3] == "  exact: r* = 46/17"
    assert "symmetric interior NE of Theorem 1 only" in lines[-1]
    assert res.to_json(["x", "y", "z"])["binding"] == "y"


def test_steering_bounds_s_and_K():
    from nashalign.errors import InputError
    from nashalign.exact.steering import MAX_STEER_K, steering_ratios

    with pytest.raises(InputError, match="beyond 1e"):
        steering_ratios("1e300", "1e-300", "0.01", 4)
    K = MAX_STEER_K + 1
    with pytest.raises(InputError, match="exact steering is limited"):
        steer([1.0] + [0.0] * (K - 1), np.eye(K), s=1, tau="0.01")


def test_json_carries_exact_r_star_with_an_isolating_interval():
    inst = Instance.resolve("politics")
    res = steer(inst.a, inst.C, s=1, tau=TAU)
    ex = res.to_json(inst.names)["exact"]["r_star"]
    lo, hi = (sp.Rational(v) for v in ex["interval"])
    assert 0 < hi - lo < sp.Rational(1, 10**29)
    root = sp.sympify(ex["exact"])  # our own output, parsed back in the test
    assert root == res.r_star
    poly = sp.Poly(root.expr, root.poly.gen)
    assert poly.eval(lo) * poly.eval(hi) < 0  # a sign change: the root is inside
    assert poly.count_roots(lo, hi) == 1


def test_threshold_crossings_put_the_weight_at_tau_on_both_branches():
    """Falling branch (v_k < 0) and rising branch (v_k > 0, w0_k < tau) against the exact form.

    Tolerance 1e-9 on weights: the thresholds are float64 evaluations of the exact
    polynomials (error ~ eps * cond), the weights are then computed exactly.
    """
    from nashalign.exact.steering import threshold_crossings

    a, C = [0.0, 1.0], [[1.0, 0.0], [0.0, 100.0]]  # g1 rises with s, g0 falls
    r = np.array([0.5, 1.0, 2.0])
    fall, rise = threshold_crossings(a, C, r, 0.05)
    seen = set()
    for j, rj in enumerate(r):
        for k in range(2):
            for branch, s_k in (("fall", fall[j, k]), ("rise", rise[j, k])):
                if not np.isfinite(s_k):
                    continue
                seen.add(branch)
                at = exact_symmetric_ne(a, C, s_k, rj).weights[k]
                assert abs(float(at) - 0.05) < 1e-9
                below, above = (
                    exact_symmetric_ne(a, C, s_k * f, rj).weights[k] for f in (0.99, 1.01)
                )
                if branch == "fall":
                    assert below > 0.05 > above
                else:
                    assert below < 0.05 < above
    assert seen == {"fall", "rise"}


def test_threshold_crossings_are_nan_at_a_degenerate_ratio():
    """K = 2, C = [[1, 1], [1, 1]] (rank 1): alpha(r) = 2r, so r = 0 is degenerate
    (no interior solution, no crossing) while r = 1 has one."""
    from nashalign.exact.steering import threshold_crossings

    a, C = [1.0, 0.0], [[1.0, 1.0], [1.0, 1.0]]
    fall, rise = threshold_crossings(a, C, [0.0, 1.0], 0.05, positive_only=False)
    assert np.isnan(fall[0]).all() and np.isnan(rise[0]).all()
    assert np.isfinite(fall[1]).any()
    k = int(np.nanargmin(fall[1]))
    assert abs(float(exact_symmetric_ne(a, C, fall[1, k], 1.0).weights[k]) - 0.05) < 1e-12


def test_threshold_crossings_follow_the_sign_of_v_when_alpha_is_negative():
    """C = I, r = -3: M = -I, alpha = -2, w0 = (1/2, 1/2), v = (-1/2, 1/2) for a = (1, 0):
    subpopulation 0 falls below tau for s above (1/2 - tau)/(1/2) = 0.9 (falling branch)."""
    from nashalign.exact.steering import threshold_crossings

    a, C, r = [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], -3.0
    ne = exact_symmetric_ne(a, C, 0, r)
    assert ne.alpha == -2 and ne.v == [sp.Rational(-1, 2), sp.Rational(1, 2)]
    fall, rise = threshold_crossings(a, C, [r], 0.05)
    assert fall[0, 0] == pytest.approx(0.9, rel=1e-12) and np.isnan(rise[0]).all()
    below, above = (exact_symmetric_ne(a, C, 0.9 * f, r).weights[0] for f in (0.99, 1.01))
    assert below > 0.05 > above
