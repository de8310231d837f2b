"""The figures' grid: planes, axis ranges, resolutions and the fixed coefficient, and the
one grid spec that holds and validates them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nashalign.errors import InputError
from nashalign.figures.grid import (
    GridSpec,
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


# --------------------------------------------------------------------------- GridSpec


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"axes": ("beta_a", "beta_a")}, "axes must be two different names"),
        ({"axes": ("beta_a", "gamma")}, "axes must be two different names"),
        ({"axes": "beta_a"}, "axes must be two of"),
        ({"axes": ("beta_a", "beta_d"), "fixed": 0.0}, "beta_I must be > 0"),
        ({"axes": ("beta_i", "beta_d"), "fixed": -0.5}, "beta_A must be >= 0"),
        ({"fixed": float("inf")}, "beta_i must be finite"),
        ({"fixed": "one"}, "beta_i must be a number"),
        ({"resolution": 1}, "resolution must be an integer in [2, 4000]"),
        ({"resolution": 4001}, "resolution must be an integer in [2, 4000]"),
        ({"resolution": 10.0}, "resolution must be an integer"),
        ({"resolution": True}, "resolution must be an integer"),
        ({"lim": (1.0, 1.0)}, "axis range must satisfy 0 < lo < hi < inf"),
        ({"lim": (-1.0, 1.0)}, "axis range must satisfy 0 < lo < hi < inf"),
        ({"lim": (1.0, float("inf"))}, "axis range must satisfy 0 < lo < hi < inf"),
        ({"lim": (1.0,)}, "axis range must be a pair"),
        ({"tau": 0.0}, "tau must lie in (0, 1/K)"),
        ({"tau": 0.5}, "tau must lie in (0, 1/K)"),
        ({"tau": float("nan")}, "tau must be finite"),
        ({"n_agents": 0}, "the number of agents must be >= 1"),
        ({"n_agents": 2.0}, "the number of agents must be an integer"),
    ],
)
def test_grid_spec_rejects_bad_input_with_one_line(kwargs, needle):
    with pytest.raises(InputError) as err:
        GridSpec(**kwargs)
    message = str(err.value)
    assert needle in message
    assert "\n" not in message


def test_grid_spec_tau_is_checked_against_K():
    K5 = Instance([f"g{k}" for k in range(5)], np.arange(5.0), np.eye(5), n=5)
    spec = GridSpec(tau=0.3)  # fine for K = 2 or 3, not for K = 5
    with pytest.raises(InputError, match=r"tau must lie in \(0, 1/K\) = \(0, 0.2\) for K = 5"):
        spec.for_instance(K5)
    with pytest.raises(InputError, match="for K = 5"):
        spec.evaluate(K5)
    K2 = Instance(["x", "y"], [1.0, 0.0], np.eye(2), n=3)
    assert spec.for_instance(K2) is spec


def test_grid_spec_normalises_and_is_frozen():
    spec = GridSpec(axes=["beta_i", "beta_d"], fixed=0, resolution=np.int64(3), lim=[1, 10])
    assert spec.axes == ("beta_i", "beta_d") and spec.third == "beta_a"
    assert spec.fixed == 0.0 and isinstance(spec.fixed, float)
    assert spec.resolution == 3 and type(spec.resolution) is int
    assert spec.lim == (1.0, 10.0)
    assert spec == GridSpec(("beta_i", "beta_d"), 0.0, 3, (1.0, 10.0))  # hashable value
    assert hash(spec) == hash(GridSpec(("beta_i", "beta_d"), 0.0, 3, (1.0, 10.0)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.tau = 0.1  # type: ignore[misc]


@pytest.mark.parametrize("axes", [("beta_a", "beta_d"), ("beta_d", "beta_i"), ("beta_i", "beta_a")])
def test_grid_spec_evaluates_the_closed_form_on_its_plane(axes):
    inst = Instance(["x", "y", "z"], [0.5, 0.2, 0.1], np.diag([1.0, 2.0, 3.0]), n=5)
    spec = GridSpec(axes=axes, fixed=0.7, resolution=5, lim=(0.1, 10.0))
    ba, bi, bd = spec.betas()
    coords = {"beta_a": ba, "beta_i": bi, "beta_d": bd}
    x = spec.axis()
    np.testing.assert_array_equal(coords[axes[0]][0], x)  # x varies along a row
    np.testing.assert_array_equal(coords[axes[1]][:, 0], x)  # y down a column
    assert np.all(coords[spec.third] == 0.7)
    ev = spec.evaluate(inst)
    ref = symmetric_ne(inst.a, inst.C, ba, bi, bd)
    np.testing.assert_array_equal(ev.weights, ref.weights)
    np.testing.assert_array_equal(ev.interior, np.asarray(ref.interior, bool))
