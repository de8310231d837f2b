"""The one validate -> compute -> draw -> write pipeline, and that every figure uses it."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from figure_support import no_temp_files
from matplotlib.figure import Figure

from nashalign.errors import InputError
from nashalign.figures import (
    exclusion_heatmap,
    exclusion_table,
    governance,
    heatmap_grid,
    r_star_curve,
    weight_slices,
)
from nashalign.figures.pipeline import Drawn, produce


@dataclass
class Numbers:
    values: list[int]
    paths: list[Path] = field(default_factory=list)


def test_stages_run_in_order_and_every_file_is_written(tmp_path):
    calls: list[str] = []

    def validate() -> int:
        calls.append("validate")
        return 2

    def compute(n: int) -> Numbers:
        calls.append("compute")
        assert (tmp_path / "out").is_dir()  # the output directory exists before any work
        return Numbers(list(range(n)))

    def draw(d: Numbers) -> Drawn:
        calls.append("draw")
        return Drawn("nums", {"nums.csv": "v\n0\n1\n", "nums.md": "| v |\n"}, Figure())

    d = produce(tmp_path / "out", validate, compute, draw)
    assert calls == ["validate", "compute", "draw"]
    assert d.values == [0, 1]
    assert [p.name for p in d.paths] == ["nums.png", "nums.pdf", "nums.csv", "nums.md"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in d.paths)
    assert (tmp_path / "out" / "nums.csv").read_text() == "v\n0\n1\n"
    assert no_temp_files(tmp_path / "out")


def test_a_table_writes_its_texts_only(tmp_path):
    d = produce(
        tmp_path, lambda: None, lambda _: Numbers([]), lambda _: Drawn("t", {"t.csv": "x\n"})
    )
    assert [p.name for p in d.paths] == ["t.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_bad_input_creates_nothing(tmp_path):
    """validate runs before the output directory is created."""

    def validate() -> None:
        raise InputError("resolution must be an integer in [2, 4000], got 1")

    out = tmp_path / "new"
    with pytest.raises(InputError, match="resolution"):
        produce(out, validate, lambda _: Numbers([]), lambda _: Drawn("x"))
    assert not out.exists()


def test_a_failing_computation_writes_no_file(tmp_path):
    def compute(_: None) -> Numbers:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        produce(tmp_path, lambda: None, compute, lambda _: Drawn("x", {"x.csv": ""}))
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_output_is_refused_before_computing(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    computed = []
    with pytest.raises(InputError, match="output"):
        produce(blocker, lambda: None, lambda _: computed.append(1), lambda _: Drawn("x"))
    assert computed == []


FIGURES = [
    ("heatmaps", lambda inst, out: exclusion_heatmap(inst, 0, out, resolution=4, progress=False)),
    ("heatmaps", lambda inst, out: heatmap_grid(inst, out, resolution=4, progress=False)),
    ("slices", lambda inst, out: weight_slices(inst, out, n_points=4, progress=False)),
    ("governance", lambda inst, out: r_star_curve(inst, out, s_values=[1.0], progress=False)),
    (
        "governance",
        lambda inst, out: governance(inst, out, resolution=4, s_values=[1.0], progress=False),
    ),
    ("tables", lambda inst, out: exclusion_table({"toy": inst}, out, resolution=4, progress=False)),
]


@pytest.mark.parametrize(("module", "call"), FIGURES)
def test_every_figure_goes_through_the_pipeline(inst, tmp_path, monkeypatch, module, call):
    mod = importlib.import_module(f"nashalign.figures.{module}")
    seen = []

    def spy(out_dir, validate, compute, draw):
        seen.append(out_dir)
        return produce(out_dir, validate, compute, draw)

    monkeypatch.setattr(mod, "produce", spy)
    d = call(inst, tmp_path)
    assert seen == [tmp_path]
    assert d.paths and all(p.parent == tmp_path and p.is_file() for p in d.paths)
    assert sorted(d.paths) == sorted(tmp_path.iterdir())


@pytest.mark.parametrize(("module", "call"), FIGURES)
def test_every_figure_validates_before_creating_its_directory(tmp_path, module, call):
    out = tmp_path / "new"
    with pytest.raises(InputError, match="expected a nashalign Instance"):
        call("not an instance", out)
    assert not out.exists()
