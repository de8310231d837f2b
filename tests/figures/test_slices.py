"""1-D weight slices: the numbers behind the figure, its files and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from figure_support import TAU, read_csv

from nashalign.errors import InputError
from nashalign.figures import (
    compute_slices,
    weight_slices,
)
from nashalign.solvers.closed_form import symmetric_ne


def test_slices_match_closed_form_and_crossings(inst, tmp_path):
    d = weight_slices(inst, tmp_path, n_points=30, progress=False)
    ref_i = symmetric_ne(inst.a, inst.C, 1.0, d.x, 1.0)
    ref_a = symmetric_ne(inst.a, inst.C, d.x, 1.0, 1.0)
    np.testing.assert_allclose(d.weights_beta_i, ref_i.weights, rtol=1e-12)
    np.testing.assert_allclose(d.weights_beta_a, ref_a.weights, rtol=1e-12)
    np.testing.assert_array_equal(d.interior_beta_a, ref_a.interior)
    # at the exact crossings (both branches) the weight of k is tau (beta_I = beta_D = 1)
    assert d.crossings_beta_a.shape == (2, inst.K)
    branch, ks = np.nonzero(np.isfinite(d.crossings_beta_a))
    assert ks.size > 0
    w = symmetric_ne(inst.a, inst.C, d.crossings_beta_a[branch, ks], 1.0, 1.0).weights
    np.testing.assert_allclose(w[np.arange(ks.size), ks], TAU, atol=1e-9)
    rows = read_csv(next(p for p in d.paths if p.suffix == ".csv"))
    assert [r["slice"] for r in rows] == ["beta_i"] * 30 + ["beta_a"] * 30
    got = np.array([[float(r[f"w_{nm}"]) for nm in inst.names] for r in rows[30:]])
    np.testing.assert_array_equal(got, d.weights_beta_a)  # repr() round-trips exactly


def test_compute_slices_validates(inst):
    with pytest.raises(InputError, match="n_points"):
        compute_slices(inst, n_points=1, progress=False)
