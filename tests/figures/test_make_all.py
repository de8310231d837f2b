"""Every figure for a set of instances: the numbers behind the figure, its files and bad input."""

from __future__ import annotations

import pytest

from nashalign.errors import InputError
from nashalign.figures import (
    make_all_figures,
)


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
