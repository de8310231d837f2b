"""Exclusion heatmaps: the numbers behind the figure, its files and bad input."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from figure_support import RES, TAU, no_temp_files, read_csv, rising_instance

from nashalign.errors import InputError
from nashalign.exact.steering import exclusion_threshold
from nashalign.figures import (
    compute_heatmap,
    exclusion_heatmap,
    heatmap_grid,
    make_all_figures,
)
from nashalign.solvers.closed_form import symmetric_ne


@pytest.mark.parametrize("axes", [("beta_a", "beta_d"), ("beta_a", "beta_i"), ("beta_i", "beta_d")])
def test_heatmap_matches_closed_form_pointwise(inst, plane_maps, axes):
    d = plane_maps[axes]
    assert d.weights.shape == (RES, RES, inst.K)
    rng = np.random.default_rng(0)
    for i, j in rng.integers(0, RES, size=(25, 2)):
        betas = {axes[0]: d.x[j], axes[1]: d.y[i], d.fixed_name: d.fixed}
        res = symmetric_ne(inst.a, inst.C, [betas["beta_a"]], [betas["beta_i"]], [betas["beta_d"]])
        np.testing.assert_allclose(d.weights[i, j], res.weights[0], rtol=1e-12, atol=1e-14)
        assert bool(d.interior[i, j]) == bool(res.interior[0])


def test_heatmap_masks(inst, plane_maps):
    d = plane_maps[("beta_a", "beta_d")]
    # the chosen instance has all three regions on this grid
    assert d.excluded.any() and d.no_interior.any() and (d.interior & ~d.excluded).any()
    for k in [None, *range(inst.K)]:
        v = d.value_of(k)
        np.testing.assert_array_equal(d.excluded_of(k), d.interior & (v < TAU))
    assert np.array_equal(d.no_interior, ~(np.all(d.weights > 0, axis=-1)))
    # "some subpopulation excluded" is the union of the per-focal black regions
    union = np.any([d.excluded_of(k) for k in range(inst.K)], axis=0)
    np.testing.assert_array_equal(d.excluded_of(None), union)


@pytest.mark.parametrize(("which", "branch"), [("random", "fall"), ("rising", "rise")])
def test_black_region_matches_exact_crossings(inst, plane_maps, which, branch):
    """(beta_A, beta_D) plane, beta_I = 1: at interior points, w_k < tau exactly where
    beta_A is above the falling crossing or below the rising crossing of SPEC 2.7."""
    if which == "random":
        d, I = plane_maps[("beta_a", "beta_d")], inst
    else:
        I = rising_instance()
        d = compute_heatmap(I, resolution=RES, progress=False)
    fall = np.asarray(exclusion_threshold(I.a, I.C, d.y, TAU), float)  # (ny, K)
    rise = -np.asarray(exclusion_threshold(-I.a, I.C, d.y, TAU), float)
    checked = {"fall": 0, "rise": 0, "none": 0}
    for k in range(I.K):
        ex = d.excluded_of(k)
        for i in range(RES):
            for j in np.nonzero(d.interior[i])[0]:
                s = d.x[j]
                if math.isclose(s, fall[i, k], rel_tol=1e-9) or math.isclose(
                    s, rise[i, k], rel_tol=1e-9
                ):
                    continue
                above = bool(np.isfinite(fall[i, k]) and s > fall[i, k])
                below = bool(np.isfinite(rise[i, k]) and s < rise[i, k])
                assert bool(ex[i, j]) == (above or below)
                checked["fall" if above else "rise" if below else "none"] += 1
    assert checked[branch] > 0 and checked["none"] > 0


def test_heatmap_files_and_csv_roundtrip(inst, plane_maps, tmp_path):
    d0 = plane_maps[("beta_i", "beta_d")]
    d = exclusion_heatmap(inst, "g1", tmp_path, data=d0)
    assert d.focal == 1 and d0.focal is None  # the precomputed data is not mutated
    suffixes = sorted(p.name.rsplit(".", 1)[1] for p in d.paths)
    assert suffixes == ["csv", "csv", "pdf", "png"]
    for p in d.paths:
        assert p.parent == tmp_path and p.stat().st_size > 0
    png = next(p for p in d.paths if p.suffix == ".png")
    pdf = next(p for p in d.paths if p.suffix == ".pdf")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and pdf.read_bytes()[:5] == b"%PDF-"
    assert no_temp_files(tmp_path)

    grid_csv, bnd_csv = sorted(p for p in d.paths if p.suffix == ".csv")
    grid_csv, bnd_csv = (grid_csv, bnd_csv) if "boundary" in bnd_csv.name else (bnd_csv, grid_csv)
    rows = read_csv(grid_csv)
    assert len(rows) == RES * RES
    X, Y = np.meshgrid(d.x, d.y)
    got = {c: np.array([float(r[c]) for r in rows]).reshape(RES, RES) for c in rows[0]}
    np.testing.assert_allclose(got["beta_i"], X, rtol=1e-7)
    np.testing.assert_allclose(got["beta_d"], Y, rtol=1e-7)
    np.testing.assert_allclose(got["beta_a"], 1.0)
    np.testing.assert_allclose(got["r"], Y / X, rtol=1e-7)
    for k, nm in enumerate(inst.names):
        np.testing.assert_allclose(got[f"w_{nm}"], d.weights[..., k], rtol=1e-7, atol=1e-12)
    np.testing.assert_array_equal(got["interior"].astype(bool), d.interior)
    np.testing.assert_array_equal(got["excluded"].astype(bool), d.excluded_of(1))
    np.testing.assert_allclose(got["value"], d.weights[..., 1], rtol=1e-7, atol=1e-12)

    brows = read_csv(bnd_csv)
    curves = [*d.tau_curves, *d.tau_curves_low, d.interior_curve, d.interior_curve_low]
    n_expected = sum(int(np.all(np.isfinite(c), axis=1).sum()) for c in curves)
    assert len(brows) == n_expected
    curve_g1 = np.array(
        [[float(r["beta_i"]), float(r["beta_d"])] for r in brows if r["curve"] == "tau:g1"]
    )
    ok = np.all(np.isfinite(d.tau_curves[1]), axis=1)
    np.testing.assert_array_equal(curve_g1, d.tau_curves[1][ok])


def test_heatmap_grid_writes_one_figure(inst, tmp_path):
    d = heatmap_grid(inst, tmp_path, resolution=8, progress=False, name="toy")
    assert d.focal is None
    assert {p.name for p in d.paths} == {
        "heatmap-grid_toy_beta-a_beta-d.png",
        "heatmap-grid_toy_beta-a_beta-d.pdf",
        "heatmap-grid_toy_beta-a_beta-d.csv",
        "heatmap-grid_toy_beta-a_beta-d_boundary.csv",
    }
    rows = read_csv(tmp_path / "heatmap-grid_toy_beta-a_beta-d.csv")
    mins = np.array([float(r["value"]) for r in rows]).reshape(8, 8)
    np.testing.assert_allclose(mins, d.weights.min(axis=-1), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"tau": 0.3}, "tau must lie in"),
        ({"tau": 0.0}, "tau must lie in"),
        ({"resolution": 1}, "resolution"),
        ({"lim": (0.0, 1.0)}, "axis range"),
        ({"axes": ("beta_a", "beta_a")}, "axes"),
        ({"focal": "nobody"}, "unknown subpopulation"),
        ({"focal": 9}, "out of range"),
        ({"fixed": float("nan")}, "finite"),
    ],
)
def test_heatmap_bad_input(inst, tmp_path, kwargs, match):
    args = {"focal": 0, **kwargs}
    with pytest.raises(InputError, match=match):
        exclusion_heatmap(
            inst,
            args.pop("focal"),
            tmp_path,
            resolution=args.pop("resolution", 4),
            progress=False,
            **args,
        )
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_dir_writes_nothing(inst, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    for bad in (blocker, blocker / "sub"):
        with pytest.raises(InputError, match="output"):
            make_all_figures({"toy": inst}, bad, progress=False, resolution=4, n_s=1, n_slice=4)
        with pytest.raises(InputError, match="output"):
            heatmap_grid(inst, bad, resolution=4, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_read_only_dir_rejected(inst, tmp_path, monkeypatch):
    """A directory without write permission is refused before any work (root ignores modes)."""
    import nashalign.io as nio

    ro = tmp_path / "ro"
    ro.mkdir()
    monkeypatch.setattr(nio.os, "access", lambda p, mode: Path(p) != ro)
    with pytest.raises(InputError, match="not writable"):
        make_all_figures({"toy": inst}, ro, progress=False, resolution=4, n_s=1, n_slice=4)
    assert list(ro.iterdir()) == []


def test_colour_bar_covers_boundary_weights_and_hatch_only_where_concavity_varies(inst):
    from nashalign.figures.heatmaps import colour_norm, concavity_state, heatmap_handles

    d = compute_heatmap(inst, axes=("beta_a", "beta_i"), fixed=1.0, resolution=8, progress=False)
    shown = np.where(d.interior[..., None], d.weights, d.boundary_weights)
    assert colour_norm(d).vmax == pytest.approx(np.nanmax(shown))
    labels = [h.get_label() for h in heatmap_handles([], [d])]
    state = concavity_state(d)
    if state == "not concave":  # said once in the legend, no hatch entry
        assert any("not concave anywhere here" in lab for lab in labels)
        assert not any("NE may not be unique" in lab for lab in labels)
    elif state == "varies":
        assert any("NE may not be unique" in lab for lab in labels)
