"""Exact boundary curves on the heatmaps: the numbers behind the figure, its files and bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from nashalign.figures import (
    compute_heatmap,
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


@pytest.mark.parametrize("axes", [("beta_a", "beta_d"), ("beta_a", "beta_i"), ("beta_i", "beta_d")])
def test_boundary_curves_sit_on_tau_and_zero(inst, plane_maps, axes):
    """The closed-form weight on subpopulation k's curves is tau; on the interior curves
    the smallest weight is 0."""
    d = plane_maps[axes]

    def at(xy):
        ok = np.all(np.isfinite(xy), axis=1)
        b = {axes[0]: xy[ok, 0], axes[1]: xy[ok, 1], d.fixed_name: d.fixed}
        return ok, symmetric_ne(inst.a, inst.C, b["beta_a"], b["beta_i"], b["beta_d"]).weights

    n_points = 0
    for k in range(inst.K):
        for xy in (d.tau_curves[k], d.tau_curves_low[k]):
            ok, w = at(xy)
            np.testing.assert_allclose(w[:, k], TAU, atol=1e-9)
            assert np.all(w.min(axis=1) > -1e-9)  # drawn only inside the interior region
            n_points += int(ok.sum())
    n_interior = 0
    for xy in (d.interior_curve, d.interior_curve_low):
        ok, w = at(xy)
        np.testing.assert_allclose(w.min(axis=1), 0.0, atol=1e-9)
        n_interior += int(ok.sum())
    assert n_points > 0 and n_interior > 0


def test_heatmap_fixed_beta_a_zero_has_no_curves(inst):
    d = compute_heatmap(inst, axes=("beta_i", "beta_d"), fixed=0.0, resolution=6, progress=False)
    assert np.isnan(d.tau_curves).all() and np.isnan(d.interior_curve).all()
    # s = 0: the weights are w0(r), constant along rays beta_D / beta_I = const
    np.testing.assert_allclose(d.weights[2, 2], d.weights[4, 4], rtol=1e-12)
