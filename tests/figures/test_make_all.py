"""Every figure for a set of instances: the numbers behind the figure, its files and bad input."""

from __future__ import annotations

import pytest

from nashalign.errors import InputError
from nashalign.figures import (
    make_all_figures,
)
from nashalign.figures.make_all import FiguresSummary


def test_make_all_figures_small(inst, tmp_path):
    out = tmp_path / "figs"
    planes = [("beta_i", "beta_d")]  # (beta_a, beta_d) is then computed for the focal map
    s = make_all_figures(
        {"toy": inst},
        out,
        progress=False,
        resolution=6,
        n_s=2,
        n_slice=8,
        planes=planes,
        stable_resolution=2,
    )
    paths = s.all_paths()
    assert all(p.is_file() and p.parent == out for p in paths)
    # every file is listed, plus the summary the book reads back (FiguresSummary.load)
    assert len(paths) == len(set(paths)) == len(list(out.iterdir())) - 1
    back = FiguresSummary.load(out)
    assert back.files == s.files and back.table.rows[0]["grid"] == s.table.rows[0]["grid"]
    assert back.settings["resolution"] == 6
    for key in (
        "toy/heatmap",
        "toy/slices",
        "toy/rstar",
        "toy/governance",
        "table",
        "toy/heatmap-grid beta_i-beta_d",
        "toy/governance-focal",
        "toy/stable-map",
    ):
        assert s.files[key]
    assert len(s.files) == 8
    assert len(s.table.rows) == 2
    assert s.to_json()["out_dir"] == str(out) and str(out) in s.lines()[0]


def test_make_all_bad_instances(tmp_path):
    with pytest.raises(InputError, match="non-empty"):
        make_all_figures({}, tmp_path, progress=False)
    with pytest.raises(InputError, match="Instance"):
        make_all_figures({"x": "not an instance"}, tmp_path, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_make_all_focal_and_no_stable_map(inst, tmp_path):
    s = make_all_figures(
        {"toy": inst},
        tmp_path,
        progress=False,
        resolution=6,
        n_s=1,
        n_slice=6,
        planes=[("beta_a", "beta_d")],
        focal="g2",
        stable_resolution=0,
    )
    assert "toy/stable-map" not in s.files
    assert {p.name for p in s.files["toy/heatmap"]} >= {"heatmap_toy_g2_beta-a_beta-d.png"}
    assert {p.name for p in s.files["toy/governance-focal"]} >= {
        "governance_toy_g2.png",
        "governance_toy_g2_focal.csv",
    }


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"focal": "nobody"}, "unknown focal subpopulation 'nobody'"),
        ({"planes": []}, "at least one plane"),
        ({"planes": [("beta_a", "beta_q")]}, "axes must be"),
        ({"stable_resolution": 1}, "stable_resolution"),
    ],
)
def test_make_all_bad_focal_plane(inst, tmp_path, kwargs, match):
    out = tmp_path / "never"
    with pytest.raises(InputError, match=match):
        make_all_figures({"toy": inst}, out, progress=False, **kwargs)
    assert not out.exists()
