"""Governance panels and the r*(s) curve: the numbers behind the figure, its files and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from figure_support import TAU, read_csv

from nashalign.exact.steering import steer
from nashalign.figures import (
    compute_r_star,
    governance,
    r_star_curve,
)


def test_r_star_data_agrees_with_steer(inst, tmp_path):
    s_values = [0.05, 0.7, 5.0]
    d = r_star_curve(inst, tmp_path, s_values=s_values, progress=False)
    for i, s in enumerate(s_values):
        res = steer(inst.a, inst.C, s, TAU)
        if res.r_star_float is None:
            assert math.isnan(d.r_star[i])
        else:
            assert d.r_star[i] == pytest.approx(float(res.r_star_float), rel=1e-12, abs=1e-15)
        assert len(d.intervals[i]) == len(res.intervals_float)
    rows = read_csv(next(p for p in d.paths if p.suffix == ".csv"))
    assert [float(r["s"]) for r in rows] == s_values
    for r, v in zip(rows, d.r_star, strict=True):
        assert (r["r_star"] == "") if math.isnan(v) else float(r["r_star"]) == v


def test_governance_panels(inst, tmp_path):
    rs = compute_r_star(inst, s_values=[0.1, 1.0], progress=False)
    g = governance(inst, tmp_path, resolution=10, progress=False, r_star=rs, name="toy")
    assert g.without.fixed == 0.0 and g.with_.fixed == 1.0
    assert g.without.axes == g.with_.axes == ("beta_a", "beta_i")
    # beta_D = 0 means r = 0 everywhere: the weights depend on s = beta_A/beta_I only
    np.testing.assert_allclose(g.without.weights[3, 3], g.without.weights[6, 6], rtol=1e-12)
    names = {p.name for p in g.paths}
    assert {
        "governance_toy.png",
        "governance_toy.pdf",
        "governance_toy_bd0.csv",
        "governance_toy_bd1.csv",
        "governance_toy_rstar.csv",
    } <= names
    assert g.r_star is rs


def test_r_star_region_is_filled_not_a_barcode(inst):
    from nashalign.figures.governance import draw_r_star, r_star_mask
    from nashalign.figures.style import new_figure

    d = compute_r_star(inst, s_values=[0.05, 0.7, 5.0], progress=False)
    ax = new_figure(4, 3).add_subplot()
    draw_r_star(ax, d)
    # one filled mesh for the exclusion-free region, no vertical line per s
    assert len(ax.collections) == 1
    vertical = [ln for ln in ax.lines if len(set(ln.get_xdata())) == 1 and len(ln.get_xdata()) == 2]
    assert not vertical
    r = np.logspace(-3, 3, 50)
    ok = r_star_mask(d, r)
    for j in range(d.s.size):
        for i, rv in enumerate(r):
            want = any(lo <= rv and (hi is None or rv <= hi) for lo, hi in d.intervals[j])
            assert ok[i, j] == want


def test_focal_governance_panel(inst, tmp_path):
    from nashalign.figures.grid import evaluate

    rs = compute_r_star(inst, s_values=[0.1, 1.0], progress=False)
    g = governance(inst, tmp_path, focal="g1", resolution=8, progress=False, r_star=rs, name="toy")
    fc = g.focal
    assert fc is not None and fc.beta_d == (0.0, 1.0)
    for i, bd in enumerate(fc.beta_d):
        ev = evaluate(inst, fc.beta_a, np.ones_like(fc.beta_a), np.full_like(fc.beta_a, bd))
        np.testing.assert_array_equal(fc.interior[i], ev.interior)
        np.testing.assert_allclose(fc.weights[i][ev.interior], ev.weights[ev.interior, 1])
        assert np.isfinite(fc.weights[i]).all() and (fc.weights[i] >= 0).all()
    rows = read_csv(tmp_path / "governance_toy_g1_focal.csv")
    assert len(rows) == fc.beta_a.size
    np.testing.assert_allclose([float(r["w_bd1"]) for r in rows], fc.weights[1], rtol=1e-12)
    assert (tmp_path / "governance_toy_g1.png").is_file()
