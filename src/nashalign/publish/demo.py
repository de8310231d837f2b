"""The main job: estimate, verify, cross-check, draw and publish, in one run.

:func:`run_demo` runs five stages on the shipped data and writes everything
under one output directory (default ``out/``):

1. **instances** -- estimate the shipped datasets (``bigfive``, ``politics``,
   ``culture``) with the embedding scorer into ``OUT/instances/`` (the score
   cache makes a re-run instant; ``force_estimate`` re-scores; without the
   scoring extra, or with ``estimate=False``, the committed instances are
   reused) and compare them with the committed ones;
2. **verify** -- every derivation (:func:`nashalign.derivations.verify_all`),
   ``OUT/verify.json`` and ``OUT/verify.md``;
3. **crosscheck** -- symbolic versus float solvers on random instances
   (:func:`nashalign.studies.crosscheck.run_crosscheck`), ``OUT/crosscheck.json``
   and ``OUT/crosscheck.md``;
4. **figures** -- every figure and the exclusion table
   (:func:`nashalign.figures.make_all_figures`), ``OUT/figures/``;
5. **book** -- the executed Jupyter Book (:func:`nashalign.publish.book.build_book`),
   ``OUT/book/html/index.html``.

Each stage reports its progress and result; a failing stage does not stop the
later ones, and the :class:`DemoReport` records which failed. The output
directory is checked before anything runs, and every file is written
atomically. ``OUT/demo-summary.json`` lists where everything went. The JSON
files are records of :mod:`nashalign.jsonformat` (``nashalign.verify``,
``nashalign.studies.crosscheck``, ``nashalign.demo-summary``). While the demo runs,
``OUT`` is locked (``OUT/.nashalign.lock``: a second run into it fails) and
marked ``OUT/INCOMPLETE``; at the end ``OUT/COMPLETE`` (a sha256 manifest of
every file) replaces the marker (:func:`nashalign.io.locked_output_dir`).

Examples
--------
>>> report = DemoReport(Path("out"))
>>> report.stages.append(StageResult("verify", True, 1.5, "8 of 8 verified", [Path("out/v.json")]))
>>> report.ok
True
>>> print(report.lines()[1])
  [ok]     verify        1.5 s  8 of 8 verified
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nashalign.errors import InputError, NashalignError
from nashalign.instance import Instance
from nashalign.io import (
    atomic_write_json,
    atomic_write_text,
    ensure_writable_dir,
    locked_output_dir,
)
from nashalign.jsonformat import envelope, finite, verify_record

#: The stages, in order.
STAGES = ("instances", "verify", "crosscheck", "figures", "book")


@dataclass
class StageResult:
    """Outcome of one stage of the demo.

    Attributes
    ----------
    name : str
        Stage name (one of :data:`STAGES`).
    ok : bool
        Whether it succeeded (for ``verify``: every derivation verified).
    seconds : float
        Wall time.
    summary : str
        One line on what it did or why it failed.
    paths : list of Path
        The main outputs.
    """

    name: str
    ok: bool
    seconds: float
    summary: str
    paths: list[Path] = field(default_factory=list)


@dataclass
class DemoReport:
    """Everything the demo did, stage by stage."""

    out_dir: Path
    stages: list[StageResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every stage that ran succeeded."""
        return all(s.ok for s in self.stages)

    @property
    def verified(self) -> bool:
        """True when the verify stage ran and every derivation verified."""
        return any(s.name == "verify" and s.ok for s in self.stages)

    def lines(self) -> list[str]:
        """The final summary, one line per stage plus its main outputs."""
        out = [f"nashalign demo: {'all stages succeeded' if self.ok else 'SOME STAGES FAILED'}"]
        for s in self.stages:
            tag = "[ok]" if s.ok else "[FAILED]"
            out.append(f"  {tag:<8} {s.name:<11} {s.seconds:5.1f} s  {s.summary}")
            for p in s.paths:
                out.append(f"             -> {p}")
        return out

    def to_json(self) -> dict[str, Any]:
        """JSON-ready report."""
        return {
            "out_dir": str(self.out_dir),
            "ok": self.ok,
            "stages": [
                {
                    "name": s.name,
                    "ok": s.ok,
                    "seconds": round(s.seconds, 3),
                    "summary": s.summary,
                    "paths": [str(p) for p in s.paths],
                }
                for s in self.stages
            ],
        }


@dataclass
class DemoSettings:
    """Knobs of the demo (the defaults are the full job).

    Attributes
    ----------
    estimate : bool
        Estimate the instances (False: reuse the committed ones).
    force_estimate : bool
        Ignore the score cache and re-score.
    device : str
        Scoring device (``"auto"``: cuda, mps, then cpu).
    max_k : int
        Largest explicit K of the verification.
    crosscheck_instances : int
        Random instances of the cross-check.
    resolution, n_s, n_slice : int
        Figure resolution (heatmap grid per axis, s values of r*(s), slice points).
    stable_resolution : int
        Points per axis of the stable-equilibrium maps (one exact enumeration of the
        whole NE set per point); 0 skips them.
    datasets : tuple of str or None
        Which shipped datasets to use (default: all of them).
    skip_book : bool
        Do not build the book.
    strict_book : bool
        Build the book with ``-W -n --keep-going``.
    seed : int
        Seed of the cross-check.
    """

    estimate: bool = True
    force_estimate: bool = False
    device: str = "auto"
    max_k: int = 4
    crosscheck_instances: int = 100
    resolution: int = 200
    n_s: int = 40
    n_slice: int = 400
    stable_resolution: int = 16
    datasets: tuple[str, ...] | None = None
    skip_book: bool = False
    strict_book: bool = False
    seed: int = 0

    def validate(self) -> DemoSettings:
        """Raise InputError on a bad setting; return self.

        Examples
        --------
        >>> DemoSettings(max_k=1).validate()
        Traceback (most recent call last):
        ...
        nashalign.errors.InputError: max_k must be an integer >= 2, got 1
        """
        checks = [
            ("max_k", self.max_k, 2),
            ("crosscheck_instances", self.crosscheck_instances, 1),
            ("resolution", self.resolution, 2),
            ("n_s", self.n_s, 1),
            ("n_slice", self.n_slice, 2),
            ("stable_resolution", self.stable_resolution, 0),
        ]
        checks.append(("seed", self.seed, 0))
        for name, value, lo in checks:
            if isinstance(value, bool) or not isinstance(value, int) or value < lo:
                raise InputError(f"{name} must be an integer >= {lo}, got {value!r}")
        from nashalign.derivations import verification_plan

        verification_plan(self.max_k)  # the verify stage's own limits, before any stage runs
        if self.estimate:
            from nashalign.scoring.base import resolve_device

            resolve_device(self.device)
        if self.datasets is not None:
            from nashalign.scoring.datasets import list_datasets

            known = list_datasets()
            unknown = [d for d in self.datasets if d not in known]
            if unknown or not self.datasets:
                raise InputError(
                    f"unknown dataset {unknown[0]!r}; the shipped datasets are {', '.join(known)}"
                    if unknown
                    else "datasets must not be empty"
                )
        return self


def _fmt_exc(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    msg = text[0] if text else ""
    if isinstance(exc, NashalignError):
        return msg or type(exc).__name__
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def _committed_instances(datasets: tuple[str, ...] | None = None) -> dict[str, Instance]:
    from nashalign.scoring.datasets import shipped_instance_paths

    return {
        name: Instance.load(path)
        for name, path in shipped_instance_paths().items()
        if datasets is None or name in datasets
    }


def stage_instances(
    out: Path, settings: DemoSettings, say: Callable[[str], None]
) -> tuple[StageResult, dict[str, Instance]]:
    """Estimate (or reuse) the shipped instances into ``out/instances``."""
    import importlib.util

    import numpy as np

    t0 = time.perf_counter()
    inst_dir = ensure_writable_dir(out / "instances")
    committed = _committed_instances(settings.datasets)
    have_scoring = importlib.util.find_spec("sentence_transformers") is not None
    how: str
    if settings.estimate and have_scoring:
        from nashalign.scoring.estimate import estimate_instance, make_scorer

        cache = "without the score cache" if settings.force_estimate else "with the score cache"
        say(f"estimating {', '.join(committed)} with the embedding scorer ({cache})")
        scorer = make_scorer("embedding", None, settings.device, None, "auto", None)
        instances = {}
        for name in committed:
            instances[name] = estimate_instance(
                name, scorer=scorer, use_cache=not settings.force_estimate
            )
            say(f"  {name}: K = {instances[name].K}, n = {instances[name].n}")
        how = "estimated"
    else:
        why = "--no-estimate" if not settings.estimate else "the scoring extra is not installed"
        say(f"reusing the committed instances ({why})")
        instances = dict(committed)
        how = f"committed ones reused ({why})"
    for name, inst in instances.items():
        inst.save(inst_dir / f"{name}.json")
    gap = max(
        max(
            float(np.max(np.abs(inst.a - committed[n].a))),
            float(np.max(np.abs(inst.C - committed[n].C))),
        )
        for n, inst in instances.items()
    )
    summary = f"{len(instances)} instances, {how}; max |diff| vs committed {gap:.1e}"
    return StageResult("instances", True, time.perf_counter() - t0, summary, [inst_dir]), instances


def stage_verify(out: Path, settings: DemoSettings, say: Callable[[str], None]) -> StageResult:
    """Run every derivation; write ``verify.json`` and ``verify.md``."""
    from nashalign.derivations import verify_all
    from nashalign.publish.render import verification_table

    t0 = time.perf_counter()
    say(f"verifying every derivation (explicit K up to {settings.max_k})")
    records = verify_all(max_k=settings.max_k, progress=False)
    failed = [f"{r.name}({_params(r)})" for r in records if not r.verified]
    seconds = time.perf_counter() - t0
    p_json = atomic_write_json(out / "verify.json", verify_record(records, seconds, settings.max_k))
    p_md = atomic_write_text(out / "verify.md", verification_table(records) + "\n")
    n_ok = len(records) - len(failed)
    summary = f"{n_ok} of {len(records)} derivations verified"
    if failed:
        summary += f"; FAILED: {', '.join(failed)}"
    return StageResult("verify", not failed, time.perf_counter() - t0, summary, [p_md, p_json])


def _params(record: Any) -> str:
    return ", ".join(f"{k}={v}" for k, v in record.params.items())


def stage_crosscheck(out: Path, settings: DemoSettings, say: Callable[[str], None]) -> StageResult:
    """Cross-check the symbolic closed form against the float solvers."""
    from nashalign.studies.crosscheck import run_crosscheck

    t0 = time.perf_counter()
    say(f"cross-checking on {settings.crosscheck_instances} random instances")
    table = run_crosscheck(n_instances=settings.crosscheck_instances, seed=settings.seed)
    p_md = atomic_write_text(out / "crosscheck.md", table.to_markdown() + "\n")
    p_json = atomic_write_json(
        out / "crosscheck.json", envelope("crosscheck", finite(table.to_json()))
    )
    paths = [p_md, p_json]
    ok = bool(table.passed)
    summary = f"{settings.crosscheck_instances} random instances: " + (
        "every method agrees within its tolerance" if ok else "DISAGREEMENT beyond tolerance"
    )
    return StageResult("crosscheck", ok, time.perf_counter() - t0, summary, paths)


def stage_figures(
    out: Path,
    settings: DemoSettings,
    instances: dict[str, Instance],
    say: Callable[[str], None],
    progress: bool,
) -> StageResult:
    """Draw every figure and the exclusion table into ``out/figures``."""
    from nashalign.figures import make_all_figures

    t0 = time.perf_counter()
    say(f"drawing every figure at resolution {settings.resolution}")
    summary = make_all_figures(
        instances,
        out / "figures",
        progress=progress,
        resolution=settings.resolution,
        n_s=settings.n_s,
        n_slice=settings.n_slice,
        stable_resolution=settings.stable_resolution,
    )
    n_files = len(summary.all_paths())
    text = f"{len(summary.files)} figures and tables ({n_files} files: PNG, PDF, CSV)"
    return StageResult("figures", True, time.perf_counter() - t0, text, [Path(summary.out_dir)])


def stage_book(
    out: Path, settings: DemoSettings, say: Callable[[str], None], echo: bool
) -> StageResult:
    """Execute and build the book into ``out/book``, showing the figures of
    ``out/figures`` when the figures stage wrote them (so both show the same numbers)."""
    from nashalign.figures.make_all import SUMMARY_NAME
    from nashalign.publish.book import build_book

    t0 = time.perf_counter()
    figures = out / "figures"
    result = build_book(
        None,
        out / "book",
        strict=settings.strict_book,
        echo=echo,
        log=lambda m: say(m),
        figures=figures if (figures / SUMMARY_NAME).is_file() else None,
    )
    text = "every chapter executed" + (
        " (strict: warnings are errors)" if settings.strict_book else ""
    )
    return StageResult("book", True, time.perf_counter() - t0, text, [result.index])


def run_demo(
    out: str | os.PathLike[str] = "out",
    settings: DemoSettings | None = None,
    *,
    log: Callable[[str], None] | None = None,
    progress: bool = True,
    echo_book: bool = False,
) -> DemoReport:
    """Run the whole job; return the report (it never raises for a failing stage).

    Parameters
    ----------
    out : path-like
        Output directory, checked for writability before anything runs.
    settings : DemoSettings, optional
        What to run and how finely (default: the full job).
    log : callable, optional
        Receives the progress lines (default: print to stderr).
    progress : bool
        Progress bars in the long stages.
    echo_book : bool
        Stream jupyter-book's output (it always goes to ``OUT/book/book-build.log``).

    Raises
    ------
    InputError
        Unwritable output directory, bad settings, or (unless the book is
        skipped) no book directory.
    """
    settings = (settings or DemoSettings()).validate()
    out_dir = ensure_writable_dir(out).resolve()
    if not settings.skip_book:
        from nashalign.publish.book import find_book_dir

        find_book_dir()
    emit = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    with locked_output_dir(out_dir, "nashalign demo"):
        return _run_stages(out_dir, settings, emit, progress, echo_book)


def _run_stages(
    out_dir: Path,
    settings: DemoSettings,
    emit: Callable[[str], None],
    progress: bool,
    echo_book: bool,
) -> DemoReport:
    """The stages of :func:`run_demo`, in order, into the locked ``out_dir``."""
    report = DemoReport(out_dir)
    planned = [s for s in STAGES if not (s == "book" and settings.skip_book)]
    instances: dict[str, Instance] | None = None
    for i, name in enumerate(planned, start=1):

        def say(msg: str, _i: int = i, _name: str = name) -> None:
            emit(f"[{_i}/{len(planned)}] {_name}: {msg}")

        t0 = time.perf_counter()
        try:
            if name == "instances":
                result, instances = stage_instances(out_dir, settings, say)
            elif name == "verify":
                result = stage_verify(out_dir, settings, say)
            elif name == "crosscheck":
                result = stage_crosscheck(out_dir, settings, say)
            elif name == "figures":
                if instances is None:
                    instances = _committed_instances(settings.datasets)
                result = stage_figures(out_dir, settings, instances, say, progress)
            else:
                result = stage_book(out_dir, settings, say, echo_book)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # a failing stage is reported, and the job goes on
            if not isinstance(exc, NashalignError):
                tb_path = out_dir / f"{name}-error.txt"
                atomic_write_text(tb_path, traceback.format_exc())
                detail = f"{_fmt_exc(exc)} (traceback in {tb_path})"
            else:
                detail = _fmt_exc(exc)
            result = StageResult(name, False, time.perf_counter() - t0, f"failed: {detail}")
        report.stages.append(result)
        say(("done" if result.ok else "FAILED") + f" in {result.seconds:.1f} s: {result.summary}")
    atomic_write_json(out_dir / "demo-summary.json", envelope("demo-summary", report.to_json()))
    return report
