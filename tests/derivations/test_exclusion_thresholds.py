"""Exclusion thresholds: s_k(r, tau) is where w*_k crosses tau."""

from __future__ import annotations

import sympy as sp
from nashalign.derivations import derive

from nashalign.symbolic.symbols import s, tau


def test_threshold_puts_the_weight_at_tau():
    thr = derive("exclusion", K=2).expressions["s_threshold"]
    ws = derive("theorem1", K=2).expressions["w_star"]
    for k in range(2):
        assert sp.cancel(ws[k].subs(s, thr[k]) - tau) == 0
    # A wrong threshold (tau replaced by 2 tau) does not.
    assert sp.cancel(ws[0].subs(s, thr[0].subs(tau, 2 * tau)) - tau) != 0


def test_steering_polynomials_have_the_sign_of_w_minus_tau():
    rec = derive("exclusion", K=3)
    t1 = derive("theorem1", K=3).expressions
    for p, w in zip(rec.expressions["steering_polynomials"], t1["w_star"], strict=True):
        assert sp.cancel(p / t1["alpha"] - (w - tau)) == 0


def test_no_expressions_beyond_k3():
    rec = derive("exclusion", K=4)
    assert rec.verified
    assert "s_threshold" not in rec.expressions
