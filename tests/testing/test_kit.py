"""nashalign.testing: the frozen cases regenerate from the oracles, the judge and
assert_ne_close state their tolerance, check_solver passes a right solver and
catches wrong ones, the strategies feed assert_ne_close."""

from __future__ import annotations

import copy
import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from nashalign.errors import InputError
from nashalign.jsonformat import validate
from nashalign.model import Incentives, Population
from nashalign.testing import (
    assert_ne_close,
    check_solver,
    exact_closed_form,
    load_cases,
    parametrize,
    random_cases,
    request_model,
)
from nashalign.testing.cases import frozen_cases_path
from nashalign.testing.examples import no_diversity_solver, reference_solver, uniform_solver
from nashalign.testing.generate import build_record, render
from nashalign.testing.strategies import incentives, populations

jsonschema = pytest.importorskip("jsonschema")


def test_the_frozen_cases_are_what_the_oracles_give():
    shipped = frozen_cases_path().read_text(encoding="utf-8")
    assert render(build_record()) == shipped, "run python -m nashalign.testing.generate"
    validate(json.loads(shipped), "solver-cases")


def test_the_frozen_cases_cover_the_hard_kinds():
    tags = {t for c in load_cases() for t in c.tags}
    assert {
        "boundary",
        "asymmetric",
        "continuum",
        "singular",
        "near-singular",
        "tied",
        "heterogeneous",
        "single-agent",
        "wide-betas",
        "negative-r",
    } <= tags
    conds = [t.cond for c in load_cases() for t in c.equilibria]
    assert max(conds) > 1e6  # an ill-conditioned one, with a wider tolerance


def test_a_mutated_frozen_file_fails_its_schema():
    rec = json.loads(frozen_cases_path().read_text(encoding="utf-8"))
    for mutate in (
        lambda r: r["cases"][0]["equilibria"][0].update(profile=[[0.5, 0.5]]),
        lambda r: r["cases"][0].pop("equilibria"),
        lambda r: r["cases"][0].update(beta_i=0),
    ):
        bad = copy.deepcopy(rec)
        mutate(bad)
        with pytest.raises(jsonschema.ValidationError):
            validate(bad)


def test_requests_are_schema_valid_and_round_trip():
    for case in load_cases() + random_cases(3, 7):
        req = case.request()
        validate(req, "solve-request")
        pop, inc = request_model(json.loads(json.dumps(req)))
        assert pop.N == case.population.N and np.array_equal(pop.C, case.population.C)
        assert inc.exact_ratios() == case.incentives.exact_ratios()


def test_random_cases_are_seeded():
    a, b = random_cases(5, 7), random_cases(5, 7)
    assert [c.request() for c in a] == [c.request() for c in b]
    assert [c.request()["a"] for c in a] != [c.request()["a"] for c in random_cases(6, 7)]
    assert {c.tags[0] for c in a} >= {"singular", "near-singular", "tied", "heterogeneous"}
    with pytest.raises(InputError, match="seed"):
        random_cases(-1, 2)


def test_assert_ne_close_states_its_tolerance():
    pop, inc = Population([1.0, 0.0], np.eye(2), n_agents=2), Incentives.from_betas(1, 1, 1)
    assert_ne_close([2 / 3, 1 / 3], pop, inc)
    with pytest.raises(
        AssertionError, match=r"tolerance 1\.\de-08 = atol 1e-08 \+ rtol 1e-10 x cond"
    ):
        assert_ne_close([0.75, 0.25], pop, inc)
    with pytest.raises(AssertionError, match="not on the simplex"):
        assert_ne_close([0.7, 0.7], pop, inc)
    assert exact_closed_form(pop, inc) == [Fraction(2, 3), Fraction(1, 3)]


def test_the_ill_conditioned_case_gets_a_wider_tolerance():
    case = next(c for c in load_cases() if c.id == "frozen/near-singular-k3")
    res = case.judge(reference_solver(case.request()))
    assert res.passed and res.tolerance > 1e-4 and res.cond > 1e6


def test_the_judge_of_whole_sets():
    case = next(c for c in load_cases() if c.id == "frozen/zero-c-k2")
    every = [t.profile.tolist() for t in case.equilibria]
    assert case.judge({"equilibria": every}).passed
    missing = case.judge({"equilibria": every[:1]})
    assert missing.status == "fail" and "missing the equilibrium" in missing.detail
    swapped = [[row for row in reversed(W)] for W in every]  # relabelled agents
    assert case.judge({"equilibria": swapped}).passed
    assert case.judge({"equilibria": every + [[[0.9, 0.1], [0.9, 0.1]]]}).status == "fail"
    assert case.judge({"id": "other", "weights": [0.5, 0.5]}).status == "error"
    assert case.judge({"weights": [[0.5, 0.5, 0.0]]}).status == "error"
    assert case.judge({"nothing": 1}).status == "error"


def test_check_solver_passes_the_reference_and_catches_the_wrong_solvers():
    report = check_solver(reference_solver, n_random=8, seed=1)
    assert report.ok and report.counts["pass"] == len(load_cases()) + 8
    validate(report.record(), "check-solver")
    for wrong in (uniform_solver, no_diversity_solver):
        with pytest.raises(AssertionError, match="FAILED") as info:
            check_solver(wrong, n_random=8, seed=1)
        assert "not a Nash equilibrium" in str(info.value)
    caught = check_solver(no_diversity_solver, n_random=0, raise_on_failure=False)
    failed = {c.id for c, r in zip(caught.cases, caught.results, strict=True) if not r.passed}
    assert "frozen/interior-k2" in failed and "frozen/no-diversity-n3" not in failed


def test_check_solver_reports_errors_and_time_outs():
    import time

    def raises(req):
        raise RuntimeError("boom")

    rep = check_solver(raises, n_random=0, raise_on_failure=False)
    assert rep.counts["error"] == len(rep.results) == len(load_cases())
    assert all(r.status == "error" and "boom" in r.detail for r in rep.results)

    def slow(req):
        time.sleep(0.3)
        return reference_solver(req)

    rep = check_solver(slow, n_random=0, frozen=True, timeout=0.05, raise_on_failure=False)
    assert rep.results[0].status == "timeout" and not rep.ok

    def declines(req):
        return (
            {"unsupported": "homogeneous only"} if not req["homogeneous"] else reference_solver(req)
        )

    assert not check_solver(declines, n_random=0, raise_on_failure=False).ok
    assert check_solver(declines, n_random=0, allow_unsupported=True).ok


@parametrize(n_random=2, seed=4)
def test_the_parametrize_helper(case):
    case.check(reference_solver)
    if not case.judge(uniform_solver(case.request())).passed:
        with pytest.raises(AssertionError, match=case.id):
            case.check(uniform_solver)


@settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(populations(k_max=3, max_agents=2, kinds=("generic",)), incentives(1e-2, 1e2))
def test_the_strategies_feed_assert_ne_close(pop, inc):
    # Zero curvature (C = 0) included: the kit found that support enumeration once called
    # payoff gaps below 1e-9 ties there (a = [1e-10, 0], C = 0, N = 1); fixed in
    # nashalign.solvers.simplex_qp (tolerances relative to the data's scale).
    req = {
        "format": "nashalign.solve-request",
        "id": "h",
        "a": pop.a.tolist(),
        "C": pop.C.tolist(),
        "n_agents": pop.N,
        "beta_a": inc.betas[0],
        "beta_i": inc.betas[1],
        "beta_d": inc.betas[2],
    }
    assert_ne_close(reference_solver(req)["weights"], *request_model(req), atol=1e-7, rtol=1e-9)
