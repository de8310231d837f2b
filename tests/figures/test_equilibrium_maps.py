"""Equilibrium maps: the batched boundary NE, the concavity region, the stable-NE map."""

from __future__ import annotations

import numpy as np
import pytest
from figure_support import RES, read_csv

from nashalign.errors import InputError
from nashalign.figures.equilibrium_maps import (
    CATEGORIES,
    compute_stable_map,
    concavity_region,
    not_concave,
    stable_exclusion_map,
    symmetric_boundary_ne,
)
from nashalign.solvers.equilibria import all_equilibria, concavity
from nashalign.solvers.support import symmetric_equilibria


def test_boundary_ne_matches_support_enumeration(inst):
    rng = np.random.default_rng(0)
    s = 10 ** rng.uniform(-2, 2, 40)
    r = 10 ** rng.uniform(-2, 2, 40)
    W, found, bits = symmetric_boundary_ne(inst.a, inst.C, s, r)
    assert found.all()
    for i in range(s.size):
        (e,) = symmetric_equilibria(inst.a, inst.C, s[i], 1.0, r[i])
        np.testing.assert_allclose(W[i], e.weights, atol=1e-9)
        assert bits[i] == sum(2**k for k in e.support)


def test_boundary_ne_shape_check(inst):
    with pytest.raises(InputError, match="same shape"):
        symmetric_boundary_ne(inst.a, inst.C, np.ones(3), np.ones(4))


def test_heatmap_fills_no_interior_with_boundary_ne(inst, plane_maps):
    d = plane_maps[("beta_a", "beta_d")]
    assert (~d.interior).any(), "the test instance must have a no-interior region"
    assert np.array_equal(d.boundary, ~d.interior)  # found everywhere outside
    assert np.isnan(d.boundary_weights[d.interior]).all()
    X, Y = np.meshgrid(d.x, d.y)
    idx = np.argwhere(d.boundary)[:: max(1, int(d.boundary.sum()) // 10)]
    for i, j in idx:
        (e,) = symmetric_equilibria(inst.a, inst.C, X[i, j], 1.0, Y[i, j])
        assert not e.interior
        np.testing.assert_allclose(d.boundary_weights[i, j], e.weights, atol=1e-9)


def test_non_concave_region_is_theorem3(inst, plane_maps):
    lo, hi = concavity_region(inst, 2)
    c = concavity(inst.a, inst.C, 1.0, 1.0, 1.0, 2)
    assert (lo, hi) == c.r_interval
    for d in plane_maps.values():
        np.testing.assert_array_equal(d.non_concave, ~((d.r >= lo) & (d.r <= hi)))
    assert not_concave([hi * 0.99, hi * 1.01], (lo, hi)).tolist() == [False, True]


def test_heatmap_csv_has_boundary_and_concavity_columns(inst, plane_maps, tmp_path):
    from nashalign.figures import exclusion_heatmap

    d = exclusion_heatmap(inst, 0, tmp_path, data=plane_maps[("beta_a", "beta_d")])
    grid = next(p for p in d.paths if p.suffix == ".csv" and "boundary" not in p.name)
    rows = read_csv(grid)
    assert len(rows) == RES * RES
    got = np.array([float(r["boundary_ne"]) for r in rows]).reshape(RES, RES).astype(bool)
    np.testing.assert_array_equal(got, d.boundary)
    nc = np.array([float(r["non_concave"]) for r in rows]).reshape(RES, RES).astype(bool)
    np.testing.assert_array_equal(nc, d.non_concave)
    bw = np.array([float(r["boundary_w_g0"]) for r in rows]).reshape(RES, RES)
    np.testing.assert_allclose(bw[d.boundary], d.boundary_weights[..., 0][d.boundary], rtol=1e-7)


def test_stable_map_agrees_with_all_equilibria(inst, tmp_path):
    d = stable_exclusion_map(inst, tmp_path, resolution=3, progress=False, name="toy")
    assert {p.name for p in d.paths} == {
        "stable-map_toy.png",
        "stable-map_toy.pdf",
        "stable-map_toy.csv",
    }
    for i, bd in enumerate(d.y):
        for j, ba in enumerate(d.x):
            es = all_equilibria(inst.a, inst.C, ba, 1.0, bd, 2)
            stable = [e for e in es.equilibria if e.local_max is not False]
            exc = sum(bool(e.excluded) for e in stable)
            assert d.total[i, j] == len(es.equilibria)
            assert d.stable[i, j] == len(stable)
            want = 3 if not stable else 0 if exc == 0 else 2 if exc == len(stable) else 1
            assert d.category[i, j] == want, CATEGORIES[want]
    rows = read_csv(tmp_path / "stable-map_toy.csv")
    assert [int(float(r["category"])) for r in rows] == d.category.ravel().tolist()
    assert [int(float(r["n_ne"])) for r in rows] == d.total.ravel().tolist()


def test_stable_map_unique_where_concave():
    from nashalign.instance import Instance

    inst = Instance(["x", "y", "z"], [0.5, 0.3, 0.2], np.eye(3), n=10)  # mu_min = 1: r_c = 2
    d = compute_stable_map(inst, resolution=3, lim=(0.1, 10.0), progress=False)
    below = d.y < d.r_interval[1]
    assert below.any() and (d.total[below] == 1).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"resolution": 1}, "resolution"),
        ({"resolution": 500}, "resolution"),
        ({"tau": 0.4}, "tau"),
        ({"n_agents": 1}, "n_agents >= 2"),
        ({"lim": (0.0, 1.0)}, "axis range"),
    ],
)
def test_stable_map_bad_input(inst, tmp_path, kwargs, match):
    out = tmp_path / "never"
    with pytest.raises(InputError, match=match):
        stable_exclusion_map(inst, out, progress=False, **kwargs)
    assert not out.exists()
