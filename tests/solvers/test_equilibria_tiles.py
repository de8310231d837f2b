"""Equilibrium sweeps tile by tile: every tiling and executor gives the untiled arrays exactly."""

from __future__ import annotations

import numpy as np
import pytest

from nashalign.errors import InputError
from nashalign.instance import Instance
from nashalign.solvers.equilibria import all_equilibria, grid_counts
from nashalign.solvers.equilibria.tiles import COUNT_KEYS, sweep_counts, tile_grid


@pytest.fixture(scope="module")
def bigfive() -> Instance:
    return Instance.resolve("bigfive")


def test_tiles_cover_the_grid_once():
    for n_r, n_s, tile in [(7, 5, (3, 2)), (10, 10, (10, 10)), (4, 9, (1, 0)), (1, 1, (5, 5))]:
        seen = np.zeros((n_r, n_s), dtype=int)
        for r0, r1, s0, s1 in tile_grid(n_r, n_s, tile):
            seen[r0:r1, s0:s1] += 1
        assert (seen == 1).all()


@pytest.mark.parametrize("executor", ["serial", "process"])
def test_float_sweep_equals_grid_counts(bigfive, executor):
    s = np.logspace(-2, 2, 9)
    r = np.logspace(-2, 2, 11)
    whole = grid_counts(bigfive.a, bigfive.C, s, r, 2)
    tiled = sweep_counts(bigfive.a, bigfive.C, s, r, 2, tile=3, executor=executor, workers=2)
    for k in COUNT_KEYS:
        np.testing.assert_array_equal(tiled[k], whole[k])
    assert tiled["n_ill_conditioned"] == whole["n_ill_conditioned"]
    assert tiled["n_systems"] == whole["n_systems"]
    assert tiled["n_tiles"] == 4 and tiled["tile"] == (3, 9)  # float tiles span every column
    assert whole["total"].max() > whole["total"].min()  # the grid is not trivially constant


def test_exact_sweep_equals_all_equilibria_point_by_point_on_every_executor(bigfive):
    s = np.logspace(-2, 2, 5)
    r = np.logspace(-2, 2, 4)
    runs = [
        sweep_counts(
            bigfive.a, bigfive.C, s, r, 2, certify="exact", tile=t, executor=e, workers=2
        )  # fmt: skip
        for t, e in [((4, 5), "serial"), (2, "serial"), ((3, 2), "process")]
    ]
    for i, rv in enumerate(r):
        for j, sv in enumerate(s):
            es = all_equilibria(bigfive.a, bigfive.C, sv, 1.0, rv, 2, with_nashconv=False)
            for k in COUNT_KEYS:
                assert runs[0][k][i, j] == es.counts[k]
            assert runs[0]["exact"][i, j] == es.exact
    for other in runs[1:]:
        for k in (*COUNT_KEYS, "exact", "complete"):
            np.testing.assert_array_equal(other[k], runs[0][k])
    assert [x["n_tiles"] for x in runs] == [1, 6, 6]
    assert runs[0]["exact"].all() and runs[0]["total"].max() > 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"certify": "rational"}, "certify must be 'float' or 'exact'"),
        ({"tile": 0}, "tile must be a positive integer"),
        ({"tile": (2, 2, 2)}, "tile must be an int or"),
        ({"executor": "threads"}, "unknown executor"),
        ({"s_values": [-1.0]}, "s_values must be >= 0"),
        ({"s_values": []}, "must not be empty"),
    ],
)
def test_bad_sweeps_are_refused_before_any_work(kwargs, message):
    args = {"s_values": [1.0], "r_values": [1.0], **kwargs}
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        sweep_counts([1.0, 2.0], np.eye(2), n_agents=2, **args)
