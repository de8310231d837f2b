"""The figures' grid: planes, axis ranges, resolutions and the fixed coefficient."""

from __future__ import annotations

import numpy as np
import pytest

from nashalign.errors import InputError
from nashalign.figures.grid import (
    check_fixed,
    check_lim,
    check_plane,
    check_resolution,
    evaluate,
    log_axis,
    plane_betas,
)
from nashalign.instance import Instance
from nashalign.solvers.closed_form import symmetric_ne


def test_planes_and_betas():
    assert check_plane(("beta_d", "beta_a")) == ("beta_d", "beta_a", "beta_i")
    ba, bi, bd = plane_betas(("beta_i", "beta_d"), np.array([2.0]), np.array([3.0]), 0.5)
    assert (ba.tolist(), bi.tolist(), bd.tolist()) == ([0.5], [2.0], [3.0])
    for bad in [("beta_a", "beta_a"), ("beta_a", "gamma"), ("beta_a",)]:
        with pytest.raises(InputError, match="axes must be"):
            check_plane(bad)


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: check_lim((1.0, 0.5)), "0 < lo < hi"),
        (lambda: check_lim((0.0, 1.0)), "0 < lo < hi"),
        (lambda: check_lim("ab"), "must be a pair"),
        (lambda: check_resolution(1), "resolution must be an integer in"),
        (lambda: check_resolution(2.5), "resolution must be an integer in"),
        (lambda: check_fixed("beta_i", 0.0), "beta_I must be > 0"),
        (lambda: check_fixed("beta_a", -1.0), "beta_A must be >= 0"),
        (lambda: check_fixed("beta_d", float("nan")), "must be finite"),
    ],
)
def test_bad_grid_parameters_are_one_line_errors(call, needle):
    with pytest.raises(InputError, match=needle):
        call()


def test_evaluate_is_the_closed_form_on_the_grid():
    inst = Instance(["x", "y", "z"], [0.5, 0.2, 0.1], np.diag([1.0, 2.0, 3.0]), n=5)
    x = log_axis((1e-2, 1e2), 7)
    X, Y = np.meshgrid(x, x, indexing="ij")
    ba, bi, bd = plane_betas(("beta_a", "beta_d"), X, Y, 1.0)
    ev = evaluate(inst, ba, bi, bd)
    ref = symmetric_ne(inst.a, inst.C, ba, bi, bd)
    np.testing.assert_array_equal(ev.weights, ref.weights)  # the same evaluator, chunked
    assert ev.interior.shape == X.shape
