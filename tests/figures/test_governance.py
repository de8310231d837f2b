"""Governance panels and the r*(s) curve: the numbers behind the figure, its files and bad input."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from nashalign.exact.steering import steer
from nashalign.figures import (
    compute_heatmap,
    compute_r_star,
    governance,
    r_star_curve,
)
from nashalign.instance import Instance

TAU = 0.05
RES = 24


def make_instance(seed: int = 5, K: int = 4) -> Instance:
    """A random instance with exclusion and no-interior regions inside [1e-2, 1e2]^2."""
    rng = np.random.default_rng(seed)
    S = rng.normal(size=(60, K)) @ rng.normal(size=(K, K)) * 0.3 + np.linspace(0, 1, K)
    return Instance.from_scores(
        S, [f"g{k}" for k in range(K)], provenance={"backend": "test", "dataset": "toy"}
    )


@pytest.fixture(scope="module")
def inst() -> Instance:
    return make_instance()


@pytest.fixture(scope="module")
def plane_maps(inst: Instance) -> dict[tuple[str, str], object]:
    return {
        ax: compute_heatmap(inst, axes=ax, resolution=RES, progress=False)
        for ax in (("beta_a", "beta_d"), ("beta_a", "beta_i"), ("beta_i", "beta_d"))
    }


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def no_temp_files(d: Path) -> bool:
    return not any(p.name.startswith(".") and p.name.endswith(".tmp") for p in d.iterdir())


def test_r_star_data_agrees_with_steer(inst, tmp_path):
    s_values = [0.05, 0.7, 5.0]
    d = r_star_curve(inst, tmp_path, s_values=s_values, progress=False)
    for i, s in enumerate(s_values):
        res = steer(inst.a, inst.C, s, TAU)
        if res.r_star_float is None:
            assert math.isnan(d.r_star[i])
        else:
            assert d.r_star[i] == pytest.approx(float(res.r_star_float), rel=1e-12, abs=1e-15)
        assert len(d.intervals[i]) == len(res.intervals_float)
    rows = read_csv(next(p for p in d.paths if p.suffix == ".csv"))
    assert [float(r["s"]) for r in rows] == s_values
    for r, v in zip(rows, d.r_star, strict=True):
        assert (r["r_star"] == "") if math.isnan(v) else float(r["r_star"]) == v


def test_governance_panels(inst, tmp_path):
    rs = compute_r_star(inst, s_values=[0.1, 1.0], progress=False)
    g = governance(inst, tmp_path, resolution=10, progress=False, r_star=rs, name="toy")
    assert g.without.fixed == 0.0 and g.with_.fixed == 1.0
    assert g.without.axes == g.with_.axes == ("beta_a", "beta_i")
    # beta_D = 0 means r = 0 everywhere: the weights depend on s = beta_A/beta_I only
    np.testing.assert_allclose(g.without.weights[3, 3], g.without.weights[6, 6], rtol=1e-12)
    names = {p.name for p in g.paths}
    assert {
        "governance_toy.png",
        "governance_toy.pdf",
        "governance_toy_bd0.csv",
        "governance_toy_bd1.csv",
        "governance_toy_rstar.csv",
    } <= names
    assert g.r_star is rs
