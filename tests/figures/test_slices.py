"""1-D weight slices: the numbers behind the figure, its files and bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from nashalign.errors import InputError
from nashalign.figures import (
    compute_heatmap,
    compute_slices,
    weight_slices,
)
from nashalign.instance import Instance
from nashalign.solvers.closed_form import symmetric_ne

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


def test_slices_match_closed_form_and_crossings(inst, tmp_path):
    d = weight_slices(inst, tmp_path, n_points=30, progress=False)
    ref_i = symmetric_ne(inst.a, inst.C, 1.0, d.x, 1.0)
    ref_a = symmetric_ne(inst.a, inst.C, d.x, 1.0, 1.0)
    np.testing.assert_allclose(d.weights_beta_i, ref_i.weights, rtol=1e-12)
    np.testing.assert_allclose(d.weights_beta_a, ref_a.weights, rtol=1e-12)
    np.testing.assert_array_equal(d.interior_beta_a, ref_a.interior)
    # at the exact crossings (both branches) the weight of k is tau (beta_I = beta_D = 1)
    assert d.crossings_beta_a.shape == (2, inst.K)
    branch, ks = np.nonzero(np.isfinite(d.crossings_beta_a))
    assert ks.size > 0
    w = symmetric_ne(inst.a, inst.C, d.crossings_beta_a[branch, ks], 1.0, 1.0).weights
    np.testing.assert_allclose(w[np.arange(ks.size), ks], TAU, atol=1e-9)
    rows = read_csv(next(p for p in d.paths if p.suffix == ".csv"))
    assert [r["slice"] for r in rows] == ["beta_i"] * 30 + ["beta_a"] * 30
    got = np.array([[float(r[f"w_{nm}"]) for nm in inst.names] for r in rows[30:]])
    np.testing.assert_array_equal(got, d.weights_beta_a)  # repr() round-trips exactly


def test_compute_slices_validates(inst):
    with pytest.raises(InputError, match="n_points"):
        compute_slices(inst, n_points=1, progress=False)
