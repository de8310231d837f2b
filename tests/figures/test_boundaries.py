"""Exact boundary curves on the heatmaps: the numbers behind the figure, its files and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from figure_support import TAU

from nashalign.figures import (
    compute_heatmap,
)
from nashalign.solvers.closed_form import symmetric_ne


@pytest.mark.parametrize("axes", [("beta_a", "beta_d"), ("beta_a", "beta_i"), ("beta_i", "beta_d")])
def test_boundary_curves_sit_on_tau_and_zero(inst, plane_maps, axes):
    """The closed-form weight on subpopulation k's curves is tau; on the interior curves
    the smallest weight is 0."""
    d = plane_maps[axes]

    def at(xy):
        ok = np.all(np.isfinite(xy), axis=1)
        b = {axes[0]: xy[ok, 0], axes[1]: xy[ok, 1], d.fixed_name: d.fixed}
        return ok, symmetric_ne(inst.a, inst.C, b["beta_a"], b["beta_i"], b["beta_d"]).weights

    n_points = 0
    for k in range(inst.K):
        for xy in (d.tau_curves[k], d.tau_curves_low[k]):
            ok, w = at(xy)
            np.testing.assert_allclose(w[:, k], TAU, atol=1e-9)
            assert np.all(w.min(axis=1) > -1e-9)  # drawn only inside the interior region
            n_points += int(ok.sum())
    n_interior = 0
    for xy in (d.interior_curve, d.interior_curve_low):
        ok, w = at(xy)
        np.testing.assert_allclose(w.min(axis=1), 0.0, atol=1e-9)
        n_interior += int(ok.sum())
    assert n_points > 0 and n_interior > 0


def test_heatmap_fixed_beta_a_zero_has_no_curves(inst):
    d = compute_heatmap(inst, axes=("beta_i", "beta_d"), fixed=0.0, resolution=6, progress=False)
    assert np.isnan(d.tau_curves).all() and np.isnan(d.interior_curve).all()
    # s = 0: the weights are w0(r), constant along rays beta_D / beta_I = const
    np.testing.assert_allclose(d.weights[2, 2], d.weights[4, 4], rtol=1e-12)
