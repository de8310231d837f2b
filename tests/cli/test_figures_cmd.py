"""CLI tests of ``nashalign figures``: output shape, exit codes, bad input.

Bad input must give exit code 2, exactly one line on stderr, no traceback and no
output file.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nashalign.cli import main
from nashalign.instance import Instance
from nashalign.jsonformat import validate


@pytest.fixture(scope="module")
def inst_file(tmp_path_factory) -> Path:
    rng = np.random.default_rng(5)
    S = rng.normal(size=(60, 4)) @ rng.normal(size=(4, 4)) * 0.3 + [0.0, 0.5, 1.0, 0.3]
    path = tmp_path_factory.mktemp("inst") / "toy.json"
    Instance.from_scores(S, ["w", "x", "y", "z"], provenance={"backend": "test"}).save(path)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def assert_one_line_error(rc: int, err: str, *needles: str) -> None:
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0]


def test_figures_small_run(capsys, inst_file, tmp_path, monkeypatch):
    import functools

    import nashalign.figures as figs

    # one heatmap-grid plane instead of three keeps this end-to-end run short
    real = figs.make_all_figures
    monkeypatch.setattr(
        figs, "make_all_figures", functools.partial(real, planes=[("beta_a", "beta_d")])
    )
    out_dir = tmp_path / "figs"
    rc, out, err = run(
        capsys,
        "figures",
        "--instance",
        str(inst_file),
        "--out",
        str(out_dir),
        "--resolution",
        "6",
        "--n-s",
        "2",
        "--stable-resolution",
        "2",
        "--no-progress",
        "--json",
    )
    assert rc == 0, err
    d = json.loads(out)
    assert d["format"] == "nashalign.figures"
    validate(d, "figures")  # the published schema (jsonschema, a dev dependency)
    assert (out_dir / "COMPLETE").is_file() and not (out_dir / "INCOMPLETE").exists()
    assert d["out_dir"] == str(out_dir)
    files = [Path(p) for ps in d["files"].values() for p in ps]
    assert files and all(p.is_file() and p.parent == out_dir for p in files)
    assert "toy/governance" in d["files"] and len(d["table"]) == 2
    assert (out_dir / "exclusion_table.md").is_file()


def test_figures_human_output_lists_files(capsys, inst_file, tmp_path, monkeypatch):
    """Human output: where every file went, then the table (drawing stubbed out for speed)."""
    import nashalign.figures as figs
    from nashalign.figures.tables import TableData

    seen = {}

    def fake(instances, out_dir, progress=True, **kw):
        seen.update(instances=instances, out_dir=out_dir, progress=progress, **kw)
        s = figs.FiguresSummary(Path(out_dir), seconds=0.5)
        s.files["toy/slices"] = [Path(out_dir) / "slices_toy.png"]
        s.table = TableData([])
        return s

    monkeypatch.setattr(figs, "make_all_figures", fake)
    out_dir = tmp_path / "figs"
    rc, out, _ = run(
        capsys,
        "figures",
        "--instance",
        str(inst_file),
        "--instance",
        str(inst_file),
        "--out",
        str(out_dir),
        "--resolution",
        "7",
        "--n-s",
        "3",
        "--no-progress",
    )
    assert rc == 0
    assert f"figures written to {out_dir}" in out and "toy/slices: slices_toy.png" in out
    assert "| dataset" in out
    # repeated stems get unique labels; the options are passed through
    assert list(seen["instances"]) == ["toy", "toy-2"]
    assert (seen["resolution"], seen["n_s"], seen["tau"], seen["progress"]) == (7, 3, 0.05, False)


def test_figures_unwritable_out(capsys, inst_file, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for bad in (blocker, blocker / "sub"):
        rc, out, err = run(
            capsys,
            "figures",
            "--instance",
            str(inst_file),
            "--out",
            str(bad),
            "--resolution",
            "4",
            "--no-progress",
        )
        assert_one_line_error(rc, err, "output")
        assert out == ""
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--tau", "0.5"], "tau must lie in (0, 1/K)"),
        (["--tau", "0"], "tau must lie in (0, 1/K)"),
        (["--resolution", "1"], "resolution"),
        (["--n-s", "0"], "n_s"),
    ],
)
def test_figures_bad_options_write_nothing(capsys, inst_file, tmp_path, extra, needle):
    out_dir = tmp_path / "figs"
    rc, _, err = run(
        capsys,
        "figures",
        "--instance",
        str(inst_file),
        "--out",
        str(out_dir),
        "--resolution",
        "4",
        "--no-progress",
        *extra,
    )
    assert_one_line_error(rc, err, needle)
    assert not out_dir.exists() or list(out_dir.iterdir()) == []


def test_figures_unknown_instance(capsys, tmp_path):
    rc, _, err = run(
        capsys,
        "figures",
        "--instance",
        str(tmp_path / "missing.json"),
        "--out",
        str(tmp_path / "o"),
        "--no-progress",
    )
    assert_one_line_error(rc, err, "not found")
    assert not (tmp_path / "o").exists() or list((tmp_path / "o").iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["--focal", "nobody"], ["unknown focal subpopulation 'nobody'"]),
        (["--plane", "beta_a,beta_q"], ["--plane beta_a,beta_q", "axes must be"]),
        (["--plane", "beta_a"], ["--plane beta_a", "two names"]),
        (["--plane", "beta_d,beta_d"], ["--plane beta_d,beta_d"]),
        (["--stable-resolution", "1"], ["stable_resolution"]),
    ],
)
def test_figures_bad_focal_or_plane(capsys, inst_file, tmp_path, argv, needles):
    out_dir = tmp_path / "never"
    rc, out, err = run(
        capsys, "figures", "--instance", str(inst_file), "--out", str(out_dir), *argv
    )
    assert_one_line_error(rc, err, *needles)
    assert not out_dir.exists()


def test_figures_focal_and_plane_reach_make_all(capsys, inst_file, tmp_path, monkeypatch):
    import nashalign.figures as figs

    seen = {}

    def fake(instances, out, **kw):
        seen.update(kw)
        raise SystemExit(0)

    monkeypatch.setattr(figs, "make_all_figures", fake)
    with pytest.raises(SystemExit):
        main(
            [
                "figures",
                "--instance",
                str(inst_file),
                "--out",
                str(tmp_path / "o"),
                "--focal",
                "x",
                "--plane",
                "beta_i,beta_d",
                "--plane",
                "beta_a, beta_d",
                "--stable-resolution",
                "0",
            ]
        )
    assert seen["focal"] == "x" and seen["stable_resolution"] == 0
    assert seen["planes"] == [("beta_i", "beta_d"), ("beta_a", "beta_d")]
