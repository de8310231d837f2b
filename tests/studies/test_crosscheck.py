"""Tests of the cross-check harness (symbolic exact, mpmath, float, support, iterative)."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from strategies import beta_triples, instances

from nashalign.errors import InputError
from nashalign.studies.crosscheck import (
    CrossCheckTable,
    crosscheck_instance,
    random_instance,
    run_crosscheck,
)

HYP = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HAS_EXACT = importlib.util.find_spec("nashalign.exact.evaluate") is not None


@HYP
@given(instances(), beta_triples())
def test_every_method_agrees_within_its_stated_tolerance(inst, betas):
    a, C = inst
    row = crosscheck_instance(a, C, *betas, exact=HAS_EXACT)
    assert row["ok"], row
    if HAS_EXACT and row["exact"] == "ok":
        assert row["err_mp"] <= row["tol_mp"]
    if row["interior"]:
        assert row["err_float"] <= row["tol_float"]
        assert row["err_support"] <= row["tol_float"]
    assert row["iter_converged"]
    assert row["nashconv_support"] >= 0 and row["nashconv_iter"] >= 0


def test_boundary_rows_compare_support_and_iterative():
    # beta_A >> beta_I, small r: no interior NE, the NE is unique and on a face
    rng = np.random.default_rng(11)
    a, C, _ = random_instance(rng, 4)
    row = crosscheck_instance(a, C, 1e3, 1.0, 0.1, exact=False)
    assert row["interior"] is False and row["unique"]
    assert row["err_iter"] <= row["tol_iter"]
    assert row["ok"] and len(row["support"]) < 4


def test_degenerate_rows_are_reported_and_still_solved():
    row = crosscheck_instance([1.0, 1.0], [[1.0, 1.0], [1.0, 1.0]], 1.0, 1.0, 0.0, exact=False)
    assert row["degenerate"].startswith("alpha = 0")
    assert row["continuum"] and row["ok"]


def test_run_crosscheck_table_and_renderings():
    table = run_crosscheck(n_instances=12, seed=5, exact=False)
    assert isinstance(table, CrossCheckTable) and len(table.rows) == 12
    assert table.passed, [r for r in table.rows if not r["ok"]]
    summary = table.summary()
    assert summary["rows"] == 12 and summary["passed"] == 12
    assert summary["interior"] + summary["boundary"] + summary["degenerate"] == 12
    md = table.to_markdown()
    assert md.count("\n| ") == 12  # one line per row after the header and separator
    assert "12/12 rows within tolerance" in md
    json.dumps(table.to_json(), allow_nan=False)
    # seeded: the same table again
    again = run_crosscheck(n_instances=12, seed=5, exact=False)
    assert [r["s"] for r in again.rows] == [r["s"] for r in table.rows]


@pytest.mark.skipif(
    not HAS_EXACT, reason="nashalign.exact.evaluate (the symbolic side) not present"
)
def test_exact_reference_agrees_with_mpmath():
    table = run_crosscheck(n_instances=4, seed=7, k_values=(2, 3), exact=True)
    assert table.passed
    for row in table.rows:
        if row["exact"] == "ok":
            assert row["err_mp"] <= row["tol_mp"]


def test_bad_input():
    with pytest.raises(InputError, match="n_instances"):
        run_crosscheck(n_instances=0)
    with pytest.raises(InputError, match="beta_range"):
        run_crosscheck(n_instances=1, beta_range=(0.0, 1.0))
    with pytest.raises(InputError, match="2 agents"):
        crosscheck_instance([0.1, 0.2], np.eye(2), 1.0, 1.0, 1.0, n_agents=1)
    with pytest.raises(InputError, match="kind"):
        random_instance(np.random.default_rng(0), 3, "weird")
