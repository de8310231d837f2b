"""Instance validation and atomic output."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import sympy as sp

from nashalign.errors import InputError
from nashalign.instance import Instance


def test_from_scores_matches_numpy():
    S = np.random.default_rng(0).normal(size=(9, 3))
    inst = Instance.from_scores(S, ["x", "y", "z"], {"backend": "test"})
    assert np.allclose(inst.a, S.mean(0))
    assert np.allclose(inst.C, np.cov(S, rowvar=False, ddof=1))
    assert inst.n == 9


def test_round_trip(tmp_path):
    inst = Instance(["x", "y"], [0.5, 0.2], [[1.0, 0.1], [0.1, 2.0]], n=5, provenance={"p": 1})
    path = inst.save(tmp_path / "i.json")
    back = Instance.load(path)
    assert (
        back.names == inst.names and np.array_equal(back.C, inst.C) and back.provenance == {"p": 1}
    )


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ({"names": ["x"], "a": [1.0], "C": [[1.0]]}, "K must be at least 2"),
        ({"names": ["x", "y"], "a": [1.0, 2.0], "C": [[1.0, 0.0]]}, "shape"),
        ({"names": ["x", "y"], "a": [1.0, float("nan")], "C": [[1, 0], [0, 1]]}, "NaN"),
        ({"names": ["x", "y"], "a": [1.0, 2.0], "C": [[1, 0.5], [0, 1]]}, "not symmetric"),
        (
            {"names": ["x", "y"], "a": [1.0, 2.0], "C": [[1, 2], [2, 1]]},
            "not positive semidefinite",
        ),
        ({"names": ["x", "x"], "a": [1.0, 2.0], "C": [[1, 0], [0, 1]]}, "duplicate"),
        ({"names": ["x", "y"], "a": [1.0, 2.0]}, "missing field"),
        ({"names": ["x", "y"], "a": [1.0, 2.0], "C": [[1, 0], [0, 1]], "n": 1}, "n must be"),
    ],
)
def test_bad_instances(tmp_path, payload, needle):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(payload).replace("NaN", "NaN"))
    with pytest.raises(InputError, match=needle):
        Instance.load(p)


def test_malformed_json(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        Instance.load(p)
    with pytest.raises(InputError, match="not found"):
        Instance.load(tmp_path / "missing.json")


# --------------------------------------------------------------------------- resolution, parsing


def test_resolve_shipped_name_and_path(tmp_path):
    from nashalign.instance import shipped_instance_paths

    assert (
        Instance.resolve("bigfive").names
        == Instance.load(shipped_instance_paths()["bigfive"]).names
    )
    p = Instance(["x", "y"], [1, 0], [[1, 0], [0, 1]], n=3).save(tmp_path / "bigfive")
    assert Instance.resolve(p).names == ["x", "y"]  # an existing path wins over a shipped name
    with pytest.raises(InputError, match="not found"):
        Instance.resolve(tmp_path / "missing.json")


def test_load_instances_labels_are_unique():
    from nashalign.instance import load_instances

    assert list(load_instances(["culture", "culture", "politics"])) == [
        "culture",
        "culture-2",
        "politics",
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.05", sp.Rational(1, 20)), ("1/3", sp.Rational(1, 3)), ("-2.5e-1", sp.Rational(-1, 4))],
)
def test_parse_exact_number(text, value):
    from nashalign.instance import parse_exact_number

    assert parse_exact_number("--x", text) == value


@pytest.mark.parametrize(
    "text", ["nan", "inf", "1e600", "1e99999999", "abc", "1/0", "__import__('os')"]
)
def test_parse_exact_number_rejects(text):
    from nashalign.instance import parse_exact_number

    with pytest.raises(InputError, match="--x must be"):
        parse_exact_number("--x", text)


# --------------------------------------------------------------------------- scale-free checks, bounds


@pytest.mark.parametrize("scale", [1e-300, 1e-11, 1.0, 1e11, 1e300])
def test_psd_and_symmetry_tolerances_are_relative_to_the_scale_of_C(scale):
    from nashalign.instance import validate_a_C

    validate_a_C([1.0, 0.0], np.diag([2.0, 1.0]) * scale)  # PSD at any scale
    with pytest.raises(InputError, match="not positive semidefinite"):
        validate_a_C([1.0, 0.0], np.diag([1.0, -1.0]) * scale)
    with pytest.raises(InputError, match="not symmetric"):
        validate_a_C([1.0, 0.0], np.array([[1.0, 0.5], [0.0, 1.0]]) * scale)


def test_rounding_level_negative_eigenvalues_of_sample_covariances_pass():
    rng = np.random.default_rng(3)
    S = rng.normal(size=(4, 6)) * 1e-6  # n < K: C is singular, eigenvalues ~ -1e-28
    Instance.from_scores(S, [f"k{i}" for i in range(6)])


def test_deeply_nested_and_huge_names_are_one_line_errors(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"names": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(InputError, match="nests deeper than"):
        Instance.load(deep)
    with pytest.raises(InputError, match="characters long"):
        Instance(["x" * 100_000, "y"], [1, 0], [[1, 0], [0, 1]], n=3)
    with pytest.raises(InputError, match="control characters"):
        Instance(["x\n", "y"], [1, 0], [[1, 0], [0, 1]], n=3)


@pytest.mark.parametrize(
    ("betas", "needle"),
    [
        ((1.0, 1e-320, 1.0), "beta_a/beta_i = inf"),
        ((1e300, 1e-300, 0.0), "is beyond 1e+100"),
        ((1.0, 1e-60, 1e50), "beta_d/beta_i"),
    ],
)
def test_ratio_overflow_is_one_clear_error(betas, needle):
    from nashalign.instance import validate_betas

    with pytest.raises(InputError, match=re.escape(needle)):
        validate_betas(*betas)


def test_agent_count_is_bounded():
    from nashalign.instance import MAX_AGENTS, validate_n_agents

    assert validate_n_agents(MAX_AGENTS) == MAX_AGENTS
    with pytest.raises(InputError, match="beyond the float solvers' range"):
        validate_n_agents(10**10)


def test_generic_validators_of_the_figures():
    from nashalign.instance import validate_focal, validate_instance, validate_tau

    inst = Instance(["x", "y"], [1, 0], [[1, 0], [0, 1]], n=3)
    assert validate_instance(inst) is inst
    with pytest.raises(InputError, match="expected a nashalign Instance"):
        validate_instance({"a": [1, 0]})
    assert validate_tau(0.05, 5) == 0.05
    with pytest.raises(InputError, match=re.escape("tau must lie in (0, 1/K)")):
        validate_tau(0.2, 5)
    assert validate_focal("y", inst.names) == 1 and validate_focal(None, inst.names) is None
    with pytest.raises(InputError, match="unknown subpopulation"):
        validate_focal("z", inst.names)
    with pytest.raises(InputError, match="out of range"):
        validate_focal(2, inst.names)
