"""The population-solve dispatch, called from Python (the library behind ``nashalign solve``)."""

from __future__ import annotations

import numpy as np
import pytest

from nashalign.errors import InputError
from nashalign.instance import Instance, shipped_instance_paths
from nashalign.publish.plain import solve_text
from nashalign.solvers.closed_form import symmetric_ne
from nashalign.studies.solve import solve_population


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    base = tmp_path_factory.mktemp("pop")
    p1 = Instance(["x", "y", "z"], [0.5, 0.2, 0.1], np.diag([1.0, 2.0, 3.0]), n=5).save(
        base / "one.json"
    )
    p2 = Instance(["x", "y", "z"], [0.1, 0.4, 0.2], np.diag([2.0, 1.0, 1.5]), n=5).save(
        base / "two.json"
    )
    return p1, p2


def test_homogeneous_closed_form_matches_the_evaluator(two):
    out = solve_population([two[0]], 1.0, 1.0, 0.5, agents=3)
    inst = Instance.load(two[0])
    cf = symmetric_ne(inst.a, inst.C, 1.0, 1.0, 0.5, n_agents=3)
    assert out["method"] == "closed-form" and out["n_agents"] == 3
    # Same evaluator, same float operations: equal to rounding.
    np.testing.assert_allclose(out["weights"], np.tile(cf.weights, (3, 1)), rtol=0, atol=1e-15)
    assert out["nashconv"] < 1e-12


def test_shipped_names_resolve_like_paths():
    by_name = solve_population(["politics"], 1.0, 1.0, 1.0)
    by_path = solve_population([shipped_instance_paths()["politics"]], 1.0, 1.0, 1.0)
    assert by_name == by_path


def test_heterogeneous_population_is_certified(two):
    out = solve_population(list(two), 1.0, 1.0, 0.5)
    assert out["method"] == "iterative" and out["converged"]
    assert out["nashconv"] <= 1e-10
    assert "agent 2" in solve_text(out)


def test_bad_method_and_mismatched_agents(two):
    with pytest.raises(InputError, match="unknown method"):
        solve_population([two[0]], 1.0, 1.0, 0.5, method="magic")
    with pytest.raises(InputError, match="does not match"):
        solve_population(list(two), 1.0, 1.0, 0.5, agents=3)
    with pytest.raises(InputError, match="beta_i must be > 0"):
        solve_population([two[0]], 1.0, 0.0, 0.5)


def test_method_all_lists_the_whole_set():
    out = solve_population(["bigfive"], 1.0, 1.0, 1.0, method="all")
    es = out["equilibrium_set"]
    assert out["method"] == "all" and es["counts"]["total"] == 9 and es["exact"]
    assert out["equilibrium_summary"]["symmetric_interior_stable"] is False
    assert "elapsed_seconds" not in es  # results are reproducible
    text = solve_text(out)
    assert "equilibrium set" in text and "NE 9" in text and "saddle" in text
    import json

    json.dumps(out, allow_nan=False)


def test_auto_adds_a_summary_and_keeps_its_answer(two):
    out = solve_population([two[0]], 1.0, 1.0, 0.5, agents=3)
    summ = out["equilibrium_summary"]
    assert out["method"] == "closed-form" and summ["unique"] and summ["concave"]
    assert summ["symmetric_interior_unique"] and summ["symmetric_interior_stable"]
    assert "equilibrium_set" not in out and "equilibria:" in solve_text(out)


def test_beyond_reach_is_multi_start_and_says_so():
    out = solve_population(["bigfive"], 1.0, 1.0, 1.0, agents=6, method="all")
    assert out["equilibrium_summary"]["method"] == "multi-start, not exhaustive"
    assert out["equilibrium_set"]["complete"] is False and out["nashconv"] <= 1e-10
    assert "not exhaustive" in solve_text(out)


def test_heterogeneous_all(two):
    out = solve_population(list(two), 1.0, 1.0, 0.5, method="all")
    assert out["equilibrium_set"]["homogeneous"] is False and out["nashconv"] <= 1e-10


@pytest.mark.parametrize("N", [1, 2, 3, 5])
def test_symmetric_nashconv_shortcut_equals_the_full_nashconv(N):
    """NashConv of (w, ..., w) from one agent's regret equals the sum over all N agents."""
    from nashalign.model import Incentives, Population
    from nashalign.solvers.metrics import nash_conv
    from nashalign.studies.solve import _symmetric_nashconv

    pop = Population([0.5, 0.3, 0.2], np.diag([1.0, 2.0, 3.0]), n_agents=N)
    inc = Incentives.from_betas(2.0, 0.5, 1.5)
    w = np.array([0.6, 0.3, 0.1])  # not an equilibrium: every agent has a positive regret
    full = nash_conv(np.tile(w, (N, 1)), pop, inc)
    assert full > 1e-3
    assert _symmetric_nashconv(pop, inc, w) == pytest.approx(full, rel=1e-12)
