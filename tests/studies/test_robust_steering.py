"""Robust steering: the exact part agrees with steer and concavity, the grid part with the set."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from nashalign.errors import InputError
from nashalign.exact.steering import steer
from nashalign.solvers.equilibria import all_equilibria, concavity
from nashalign.studies.robust_steering import robust_steer

A3 = [0.5, 0.3, 0.2]
C3 = np.diag([0.25, 0.125, 0.1875])


@pytest.mark.parametrize("s", [0, 1, 2, 5])
def test_exact_part_is_steer_inside_the_concavity_region(s):
    res = robust_steer(A3, C3, s, "1/20", 2, r_max=3.0, n_grid=7)
    c = concavity(A3, C3, 1.0, 1.0, 0.0, 2)
    assert float(res.r_concave) == pytest.approx(c.r_interval[1], rel=1e-12)
    st = steer(A3, C3, s, "1/20")
    for lo, hi in res.exact_intervals:
        assert float(hi) <= float(res.r_concave) + 1e-15
        assert any(
            float(lo0) <= float(lo) + 1e-15 and (hi0 is None or float(hi) <= float(hi0) + 1e-15)
            for lo0, hi0 in st.intervals
        )
    # inside the concavity region, the enumerated (unique) NE agrees with the exact answer
    for r in np.linspace(0, float(res.r_concave), 9)[:-1]:
        es = all_equilibria(A3, C3, float(s), 1.0, float(r), 2)
        assert es.unique
        inside = any(float(lo) <= r <= float(hi) for lo, hi in res.exact_intervals)
        if all(abs(r - float(x)) > 1e-9 for iv in res.exact_intervals for x in iv):
            assert inside == (not es.equilibria[0].excluded)


def test_grid_part_matches_the_enumeration():
    res = robust_steer([0.5, 0.3, 0.2], np.eye(3) / 8, 2, "1/20", 2, r_max=2.25, n_grid=9)
    assert res.r_concave == sp.Rational(1, 4) and res.exact_intervals == []
    assert res.resolution == pytest.approx(0.25)
    for i, r in enumerate(res.grid):
        es = all_equilibria([0.5, 0.3, 0.2], np.eye(3) / 8, 2.0, 1.0, float(r), 2)
        assert res.grid_all_ok[i] == all(not e.excluded for e in es.equilibria)
        assert res.grid_counts[i]["total"] == es.counts["total"]
    assert res.grid_intervals_all == [(0.75, 2.25)]
    js = res.to_json()
    assert "grid certificate" in js["notes"][1] and js["grid_resolution"] == pytest.approx(0.25)
    assert js["r_concave_exact"] == "1/4"


def test_every_ne_robust_implies_every_stable_ne_robust():
    a, C = [0.5, 0.3, 0.2], np.eye(3) / 8
    for N, s in ((2, 1.5), (3, 3.0)):
        res = robust_steer(a, C, s, "1/20", N, r_max=3.0, n_grid=7)
        assert np.all(res.grid_stable_ok | ~res.grid_all_ok)
        assert res.grid_all_ok.any() and not res.grid_all_ok.all()


def test_shipped_instance_has_no_exact_part_at_unit_beta():
    from nashalign.instance import Instance

    inst = Instance.resolve("politics")
    res = robust_steer(inst.a, inst.C, 1, 0.05, 2, grid=[0.0, 0.01, 1.0, 10.0])
    assert float(res.r_concave) < 0.01
    assert res.grid.tolist() == [0.01, 1.0, 10.0]
    assert not res.grid_all_ok.any()  # asymmetric NE exclude subpopulations there
    assert res.grid_exact


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"s": -1}, "s = beta_A / beta_I must be >= 0"),
        ({"tau": 0.5}, "tau must lie"),
        ({"n_agents": 1}, "n_agents >= 2"),
        ({"n_grid": 1}, "n_grid"),
        ({"r_max": float("nan")}, "r_max"),
        ({"C": [[1.0, 2.0, 0], [2.0, 1.0, 0], [0, 0, 1]]}, "not positive semidefinite"),
    ],
)
def test_bad_input(kwargs, message):
    args = {"a": A3, "C": C3, "s": 1, "tau": 0.05, "n_agents": 2}
    opts = {k: kwargs.pop(k) for k in ("n_grid", "r_max") if k in kwargs}
    args.update(kwargs)
    with pytest.raises(InputError, match=message):
        robust_steer(**args, **opts)
