"""Every figure for a set of instances: the numbers behind the figure, its files and bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from nashalign.errors import InputError
from nashalign.figures import (
    compute_heatmap,
    make_all_figures,
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


def test_make_all_figures_small(inst, tmp_path):
    out = tmp_path / "figs"
    planes = [("beta_i", "beta_d")]  # (beta_a, beta_d) is then computed for the focal map
    s = make_all_figures(
        {"toy": inst}, out, progress=False, resolution=6, n_s=2, n_slice=8, planes=planes
    )
    paths = s.all_paths()
    assert all(p.is_file() and p.parent == out for p in paths)
    assert len(paths) == len(set(paths)) == len(list(out.iterdir()))
    for key in (
        "toy/heatmap",
        "toy/slices",
        "toy/rstar",
        "toy/governance",
        "table",
        "toy/heatmap-grid beta_i-beta_d",
    ):
        assert s.files[key]
    assert len(s.files) == 6
    assert len(s.table.rows) == 2
    assert s.to_json()["out_dir"] == str(out) and str(out) in s.lines()[0]


def test_make_all_bad_instances(tmp_path):
    with pytest.raises(InputError, match="non-empty"):
        make_all_figures({}, tmp_path, progress=False)
    with pytest.raises(InputError, match="Instance"):
        make_all_figures({"x": "not an instance"}, tmp_path, progress=False)
    assert list(tmp_path.iterdir()) == []
