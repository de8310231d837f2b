"""Each class of the bad-input campaign ends in one clear line (exit 2) or a correct result.

The classes: numbers beyond float range, a non-PSD C in the exact evaluator, names of
the wrong type or duplicated up to case and blanks, long but allowed names and paths,
deep nesting in datasets, options validated before any stage runs, nothing created
before validation, the documented agent limit served in seconds, and an output
directory that turns unwritable mid-run. Validation happens once, in
:mod:`nashalign.model` / :mod:`nashalign.validation`.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nashalign.cli import main
from nashalign.errors import InputError
from nashalign.instance import Instance
from nashalign.model import Incentives, Population, model_of

HUGE = 10**400


def _one_line_exit_2(capsys, argv: list[str]) -> str:
    code = main(argv)
    err = capsys.readouterr()
    assert code == 2, err
    assert err.out == ""
    assert len(err.err.strip().splitlines()) == 1, err.err
    assert "Traceback" not in err.err
    return err.err


# --------------------------------------------------------------------------- float range


@pytest.mark.parametrize(
    "make",
    [
        lambda: Population([HUGE, 0], np.eye(2)),
        lambda: Population([1.0, 0.0], [[HUGE, 0], [0, 1]]),
        lambda: Incentives.from_betas(HUGE, 1, 1),
        lambda: Incentives.from_betas(1, 1, -HUGE),
        lambda: Instance(["x", "y"], [HUGE, 0], np.eye(2), n=3),
    ],
)
def test_integers_beyond_float_range_are_one_line(make):
    with pytest.raises(InputError, match="beyond float range"):
        make()


def test_solvers_refuse_huge_integers_in_one_line():
    from nashalign.exact.evaluate import exact_symmetric_ne
    from nashalign.solvers.closed_form import symmetric_ne

    with pytest.raises(InputError, match="beyond float range"):
        symmetric_ne([HUGE, 0], np.eye(2), 1, 1, 1)
    with pytest.raises(InputError, match="beyond float range"):
        symmetric_ne([1, 0], np.eye(2), HUGE, 1, 1)
    with pytest.raises(InputError, match="beyond float range"):
        exact_symmetric_ne([HUGE, 0], [[1, 0], [0, 1]], 1, 1)


def test_entries_near_float_max_are_refused_for_the_right_reason():
    with pytest.raises(InputError, match=r"magnitude 1e\+308, beyond 1e\+306"):
        Population([1e308, 0.0], np.eye(2) * 1e308)


def test_cli_refuses_an_instance_file_with_a_huge_integer(capsys, tmp_path):
    p = tmp_path / "huge.json"
    p.write_text('{"names": ["x", "y"], "a": [1' + "0" * 400 + ', 0], "C": [[1, 0], [0, 1]]}')
    for cmd in (
        ["solve", "--instance", str(p), "--beta-a", "1", "--beta-i", "1", "--beta-d", "1"],
        ["steer", "--instance", str(p), "--beta-a", "1", "--beta-i", "1"],
    ):
        assert "beyond float range" in _one_line_exit_2(capsys, cmd)


def test_exact_evaluator_refuses_a_non_psd_C():
    from nashalign.exact.evaluate import exact_symmetric_ne

    with pytest.raises(InputError, match="not positive semidefinite"):
        exact_symmetric_ne([1, 0], [[1, 2], [2, 1]], 1, 1)


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("names", "needle"),
    [
        ([None, "y"], "must be strings"),
        ([["x"], "y"], "must be strings"),
        ([1, "y"], "must be strings"),
        (["X", "x"], "same up to case and blanks"),
        (["x", "x "], "same up to case and blanks"),
        (["a  b", "A b"], "same up to case and blanks"),
        (["x", "x"], "duplicate subpopulation name"),
        ("xy", "list of strings"),
    ],
)
def test_names_of_the_wrong_type_or_duplicated_are_refused(names, needle):
    with pytest.raises(InputError, match=needle):
        Instance(names, [1, 0], np.eye(2), n=3)
    with pytest.raises(InputError, match=needle):
        Population([1, 0], np.eye(2), names=names)


def test_instance_file_with_null_name_is_one_line(capsys, tmp_path):
    p = tmp_path / "i.json"
    p.write_text(json.dumps({"names": [None, "y"], "a": [1, 0], "C": [[1, 0], [0, 1]]}))
    msg = _one_line_exit_2(
        capsys, ["solve", "--instance", str(p), "--beta-a", "1", "--beta-i", "1", "--beta-d", "1"]
    )
    assert "must be strings" in msg


# --------------------------------------------------------------------------- long names and paths


def test_long_names_make_short_file_names():
    from nashalign.figures.naming import MAX_STEM, slug

    a, b = slug("heatmap", "s" * 245, "a" * 200), slug("heatmap", "s" * 245, "a" * 199 + "b")
    assert len(a) == len(b) == MAX_STEM and a != b


def test_a_long_but_allowed_file_name_is_written_atomically(tmp_path):
    inst = Instance(["a" * 200, "b"], [0.3, 0.2], np.diag([1.0, 2.0]), n=5)
    path = tmp_path / ("s" * 245 + ".json")  # 250 bytes: allowed
    assert Instance.load(inst.save(path)).names[0] == "a" * 200
    assert sorted(os.listdir(tmp_path)) == [path.name]


def test_over_long_paths_are_refused_before_anything_is_created(capsys, tmp_path):
    out = tmp_path / ("o" * 300)
    msg = _one_line_exit_2(capsys, ["figures", "--instance", "politics", "--out", str(out)])
    assert "300 bytes" in msg and os.listdir(tmp_path) == []
    msg = _one_line_exit_2(
        capsys,
        [
            "estimate",
            "--dataset",
            "politics",
            "--backend",
            "causal-lm",
            "--model",
            str(tmp_path / ("m" * 5000)),
            "--out",
            str(tmp_path / "i.json"),
        ],
    )
    assert "--model" in msg and os.listdir(tmp_path) == []


# --------------------------------------------------------------------------- nesting


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", '{"subpopulations": ' + "[" * 100_000 + "]" * 100_000 + ', "contexts": []}'),
        ("deep.jsonl", '{"kind": ' + "[" * 100_000 + "]" * 100_000 + "}\n"),
    ],
)
def test_deeply_nested_datasets_are_one_line(tmp_path, name, text):
    from nashalign.scoring.datasets import load_dataset

    p = tmp_path / name
    p.write_text(text)
    with pytest.raises(InputError, match="nests deeper than 64 levels"):
        load_dataset(str(p))


# --------------------------------------------------------------------------- before any work


@pytest.mark.parametrize(
    ("option", "needle"),
    [
        (["--max-k", "7"], "at most 6"),
        (["--device", "tpu"], "unknown device"),
        (["--seed", "-1"], "seed"),
    ],
)
def test_demo_validates_every_option_before_any_stage(capsys, tmp_path, option, needle):
    out = tmp_path / "out"
    assert needle in _one_line_exit_2(capsys, ["demo", "--out", str(out), *option])
    assert not out.exists()


def test_estimate_creates_no_cache_directory_for_a_bad_dataset(capsys, tmp_path):
    cache = tmp_path / "cache"
    msg = _one_line_exit_2(
        capsys,
        [
            "estimate",
            "--dataset",
            "no-such-dataset",
            "--cache-dir",
            str(cache),
            "--out",
            str(tmp_path / "i.json"),
        ],
    )
    assert "unknown dataset" in msg and not cache.exists()


# --------------------------------------------------------------------------- agent limit


def test_the_documented_agent_limit_is_served():
    from nashalign.studies.solve import solve_population
    from nashalign.validation import MAX_AGENTS

    out = solve_population(["politics"], 1.0, 1.0, 1.0, agents=MAX_AGENTS)
    assert out["n_agents"] == MAX_AGENTS and out["method"] == "closed-form"
    assert out["converged"] and out["nashconv"] <= 1e-12
    assert out["equilibrium_summary"]["complete"] is False


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    K=st.integers(2, 4),
    N=st.integers(2, 5),
    r=st.sampled_from([-1.0, -0.1, 0.0, 0.01, 0.3, 1.0, 10.0, 1e3]),
)
def test_homogeneous_concavity_from_the_spectrum_equals_the_hessian_test(seed, K, N, r):
    """The N-independent test agrees exactly with the (N K)-dimensional face matrix."""
    from nashalign.solvers.equilibria.concave import concavity_of, homogeneous_concavity
    from nashalign.solvers.equilibria.game import build_game

    rng = np.random.default_rng(seed)
    S = rng.normal(size=(K + 2, K)).round(2)
    pop = Population(S.mean(axis=0), np.cov(S, rowvar=False), n_agents=N)
    inc = Incentives(1.0, r)
    fast = homogeneous_concavity(pop, inc)
    full = concavity_of(build_game(pop, inc), exact=True)
    assert (fast.concave, fast.strictly_concave) == (full.concave, full.strictly_concave)


# --------------------------------------------------------------------------- unwritable mid-run


def test_an_output_directory_turning_unwritable_is_one_line(tmp_path):
    from nashalign.io import LOCK_NAME, locked_output_dir

    out = tmp_path / "figs"
    with pytest.raises(InputError, match=r"cannot write .*x\.png: Permission denied"):
        with locked_output_dir(out):
            (out / "a.csv").write_text("1")
            raise PermissionError(13, "Permission denied", str(out / "x.png"))
    assert not (out / LOCK_NAME).exists()
    assert (out / "INCOMPLETE").exists()


# --------------------------------------------------------------------------- validated once


def test_typed_arguments_are_not_validated_again(monkeypatch):
    """A Population passed to a solver goes through no validator of nashalign.validation."""
    import nashalign.model as model
    import nashalign.solvers.spectral as spectral
    from nashalign.solvers.closed_form import symmetric_ne

    pop, inc = Population([0.5, 0.2], np.eye(2)), Incentives(1.0, 1.0)

    def fail(*args, **kwargs):
        raise AssertionError("validated twice")

    for name in ("validate_a_C", "validated_ratios", "validate_n_agents", "validate_names"):
        monkeypatch.setattr(model, name, fail)
    monkeypatch.setattr(spectral, "validate_a_C", fail)
    monkeypatch.setattr(spectral, "validate_n_agents", fail)
    assert model_of(pop, inc) == (pop, inc)
    assert symmetric_ne(pop, inc).interior


def test_a_solve_call_validates_its_instance_once(monkeypatch):
    """``solve`` validates (a, C) once, where the Instance is built (it was six times)."""
    import sys

    import nashalign.validation as validation
    from nashalign.studies.solve import solve_population

    calls: list[int] = []
    real = validation.validate_a_C

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("nashalign") and getattr(module, "validate_a_C", None) is real:
            monkeypatch.setattr(module, "validate_a_C", counting)
    out = solve_population(["politics"], 1.0, 1.0, 1.0, method="closed-form")
    assert out["converged"] and len(calls) == 1


def test_a_population_leaves_the_callers_arrays_writable():
    a, C = np.array([0.5, 0.2]), np.eye(2)
    pop = Population(a, C)
    a[0] = 0.4  # the caller's array is still theirs
    assert pop.a[0] == 0.5 and not pop.a.flags.writeable
