"""Run a user's solver on the frozen and random cases: :func:`check_solver` (a Python
callable) and :func:`run_check_solver` (``nashalign check-solver``: a Python
``module:function`` or a command speaking JSON Lines).

A solver is called once per case with a ``nashalign.solve-request`` (a dict, or one
JSON line on the command's stdin) and answers one object (or, from Python, an array
of weights): see :mod:`nashalign.testing.cases` for the protocol and the judge. A
command is started once and kept running; it must answer each request with one line
on stdout (flushed) before the next one comes. After a time-out or a crash it is
killed and started afresh for the next case. A Python function that runs past its
time-out is abandoned (it runs on in a daemon thread; its answer is discarded).

Examples
--------
>>> report = check_solver(lambda req: {"weights": [1.0 / req["K"]] * req["K"]},
...                       n_random=0, raise_on_failure=False)
>>> report.ok, report.counts["fail"] > 0
(False, True)
>>> "frozen/interior-k2" in report.table()
True
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import math
import os
import select
import shlex
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nashalign.errors import InputError
from nashalign.jsonformat import envelope
from nashalign.tables import text_table
from nashalign.testing.cases import STATUSES, Case, CaseResult, load_cases, random_cases
from nashalign.testing.oracles import DEFAULT_ATOL, DEFAULT_RTOL
from nashalign.validation import finite_number, loads_bounded

__all__ = [
    "DEFAULT_TIMEOUT",
    "TOLERANCE_RULE",
    "CheckReport",
    "CommandSolver",
    "PythonSolver",
    "check_solver",
    "load_python_solver",
    "parametrize",
    "run_check_solver",
]

#: Seconds a solver may take on one case.
DEFAULT_TIMEOUT = 10.0
#: The pass rule, in words (also in every ``nashalign.check-solver`` record).
TOLERANCE_RULE = (
    "weights pass when every row is on the simplex within atol and some exact equilibrium "
    "is within atol + rtol x cond (largest entrywise difference; cond: the 2-norm "
    "condition number of that equilibrium's bordered support system)"
)
#: Longest answer line read from a command (bytes).
MAX_LINE = 16 * 2**20


class _Timeout(Exception):
    pass


class _Failed(Exception):
    pass


class PythonSolver:
    """A Python callable ``fn(request) -> answer``, called with a per-case time-out.

    Examples
    --------
    >>> PythonSolver(lambda req: {"weights": [1.0]}, "f").call({"id": "x"}, 1.0)
    {'weights': [1.0]}
    """

    def __init__(self, fn: Callable[[dict[str, Any]], Any], label: str) -> None:
        if not callable(fn):
            raise InputError(f"the solver must be callable, got {type(fn).__name__}")
        self.fn, self.label = fn, label

    def call(self, request: dict[str, Any], timeout: float) -> Any:
        """The answer to ``request`` (a fresh copy, plain JSON types)."""
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["answer"] = self.fn(json.loads(json.dumps(request)))
            except BaseException as exc:  # noqa: BLE001 - reported, not raised
                box["error"] = exc

        th = threading.Thread(target=work, name="nashalign-check-solver", daemon=True)
        th.start()
        th.join(timeout)
        if th.is_alive():
            raise _Timeout
        if "error" in box:
            exc = box["error"]
            raise _Failed(f"the solver raised {type(exc).__name__}: {str(exc)[:300]}")
        return box.get("answer")

    def close(self) -> None:
        """Nothing to release."""


class CommandSolver:
    """A command speaking JSON Lines: one request per line in, one answer per line out.

    Examples
    --------
    >>> import sys
    >>> s = CommandSolver([sys.executable, "-c", "print('{\\"weights\\": [1]}', flush=True)"])
    >>> s.call({"id": "x"}, 30.0)
    {'weights': [1]}
    >>> s.close()
    """

    def __init__(self, argv: Sequence[str]) -> None:
        self.argv = list(argv)
        self.label = shlex.join(self.argv)
        self.proc: subprocess.Popen[bytes] | None = None
        self.buf = b""
        self.err = tempfile.TemporaryFile()

    def _start(self) -> subprocess.Popen[bytes]:
        self.err.seek(0)
        self.err.truncate()
        self.buf = b""
        try:
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err
            )
        except OSError as exc:
            raise _Failed(f"cannot start {self.label}: {exc.strerror or exc}") from None
        return self.proc

    def _stderr_tail(self) -> str:
        self.err.seek(0)
        text = self.err.read().decode("utf-8", "replace").strip()
        return (" (stderr: ..." + text[-300:] + ")") if text else ""

    def _stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    stream.close()
        self.proc = None

    def call(self, request: dict[str, Any], timeout: float) -> Any:
        """Send one request line and read one answer line (killing the command on time-out)."""
        proc = self.proc if self.proc is not None and self.proc.poll() is None else self._start()
        assert proc.stdin is not None and proc.stdout is not None
        deadline = time.monotonic() + timeout
        try:
            proc.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            rc = proc.wait()
            tail = self._stderr_tail()
            self._stop()
            raise _Failed(
                f"the command exited with code {rc} before reading a request{tail}"
            ) from None
        fd = proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                self._stop()
                raise _Timeout
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                rc = proc.wait()
                tail = self._stderr_tail()
                self._stop()
                raise _Failed(f"the command exited with code {rc} without answering{tail}")
            self.buf += chunk
            if len(self.buf) > MAX_LINE:
                self._stop()
                raise _Failed(f"the answer line is longer than {MAX_LINE} bytes")
        line, self.buf = self.buf.split(b"\n", 1)
        try:
            return loads_bounded(line.decode("utf-8", "replace"), "the answer line")
        except (InputError, ValueError) as exc:
            raise _Failed(f"the answer is not one JSON object: {exc}") from None

    def close(self) -> None:
        """Close the command's stdin and wait briefly for it to end (else kill it)."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()
                self.proc.wait(timeout=2.0)
            except (subprocess.TimeoutExpired, OSError):
                pass
        self._stop()
        self.err.close()


@dataclass
class CheckReport:
    """The verdicts of one run: one :class:`~nashalign.testing.cases.CaseResult` per case.

    Attributes
    ----------
    solver : str
        What was checked.
    cases, results, seconds : list
        The cases, their verdicts and the solver's wall time on each.
    seed, n_random, frozen, timeout, atol, rtol
        The settings.
    allow_unsupported : bool
        Declined cases do not fail the run.
    """

    solver: str
    seed: int
    n_random: int
    frozen: bool
    timeout: float
    atol: float
    rtol: float
    allow_unsupported: bool = False
    cases: list[Case] = field(default_factory=list)
    results: list[CaseResult] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        """Cases per status."""
        return {s: sum(r.status == s for r in self.results) for s in STATUSES}

    @property
    def ok(self) -> bool:
        """Every case passed (or was declined, with ``allow_unsupported``)."""
        allowed = {"pass", "unsupported"} if self.allow_unsupported else {"pass"}
        return all(r.status in allowed for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 when :attr:`ok`, else 1."""
        return 0 if self.ok else 1

    def record(self) -> dict[str, Any]:
        """The ``nashalign.check-solver`` record (schema ``check-solver.schema.json``)."""

        def num(x: float | None) -> float | None:
            return None if x is None or not math.isfinite(x) else float(x)

        rows = [
            {
                "id": c.id,
                "source": c.source,
                "tags": list(c.tags),
                "K": c.population.K,
                "n_agents": c.population.N,
                "homogeneous": c.population.homogeneous,
                "n_equilibria": len(c.equilibria),
                "status": r.status,
                "answer": r.answer,
                "distance": num(r.distance),
                "tolerance": num(r.tolerance),
                "cond": num(r.cond),
                "seconds": round(t, 4),
                "detail": r.detail,
            }
            for c, r, t in zip(self.cases, self.results, self.seconds, strict=True)
        ]
        return envelope(
            "check-solver",
            {
                "solver": self.solver,
                "seed": self.seed,
                "n_random": self.n_random,
                "frozen": self.frozen,
                "timeout": self.timeout,
                "atol": self.atol,
                "rtol": self.rtol,
                "tolerance_rule": TOLERANCE_RULE,
                "ok": self.ok,
                "total": len(self.results),
                "counts": self.counts,
                "seconds": round(self.elapsed, 3),
                "cases": rows,
            },
        )

    def table(self) -> str:
        """A readable table, one row per case, then every failure in full and a verdict line."""

        def g(x: float | None, spec: str) -> str:
            return "-" if x is None else format(x, spec)

        rows = [
            [
                c.id,
                c.population.K,
                c.population.N,
                ",".join(c.tags),
                r.status,
                g(r.distance, ".1e"),
                g(r.tolerance, ".1e"),
                f"{t:.2f}",
            ]
            for c, r, t in zip(self.cases, self.results, self.seconds, strict=True)
        ]
        head = ["case", "K", "N", "kind", "status", "distance", "tolerance", "seconds"]
        lines = [f"solver: {self.solver}", "", text_table(head, rows), ""]
        bad = [(c, r) for c, r in zip(self.cases, self.results, strict=True) if not r.passed]
        for c, r in bad:
            lines.append(f"{c.id}: {r.status}: {r.detail}")
        if bad:
            lines.append("")
        counts = ", ".join(f"{n} {s}" for s, n in self.counts.items() if n)
        verdict = "PASSED" if self.ok else "FAILED"
        lines.append(
            f"{verdict}: {len(self.results)} cases ({counts}); seed {self.seed}, time-out "
            f"{self.timeout:g} s per case, tolerance atol + rtol x cond with atol = "
            f"{self.atol:g}, rtol = {self.rtol:g} (distance: largest entrywise difference "
            "to the nearest exact equilibrium; cond: condition number of its support system)"
        )
        return "\n".join(lines)


def _settings(seed: Any, n_random: Any, timeout: Any, atol: Any, rtol: Any) -> tuple:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"seed must be an integer >= 0, got {seed!r}")
    if isinstance(n_random, bool) or not isinstance(n_random, int) or not 0 <= n_random <= 10_000:
        raise InputError(
            f"the number of random cases must be an integer in [0, 10000], got {n_random!r}"
        )
    t = finite_number(timeout, "timeout")
    if not 0 < t <= 86_400:
        raise InputError(f"timeout must be in (0, 86400] seconds, got {t:g}")
    a, r = finite_number(atol, "atol"), finite_number(rtol, "rtol")
    if not (0 <= a < 1 and 0 <= r < 1):
        raise InputError(f"atol and rtol must lie in [0, 1), got {a:g} and {r:g}")
    return seed, n_random, t, a, r


def _run(
    solver: PythonSolver | CommandSolver, cases: list[Case], report: CheckReport
) -> CheckReport:
    t0 = time.perf_counter()
    try:
        for case in cases:
            start = time.perf_counter()
            try:
                answer = solver.call(case.request(), report.timeout)
                seconds = time.perf_counter() - start
                result = case.judge(answer, atol=report.atol, rtol=report.rtol)
            except _Timeout:
                seconds = time.perf_counter() - start
                result = CaseResult("timeout", detail=f"no answer within {report.timeout:g} s")
            except _Failed as exc:
                seconds = time.perf_counter() - start
                result = CaseResult("error", detail=str(exc))
            report.cases.append(case)
            report.results.append(result)
            report.seconds.append(seconds)
    finally:
        solver.close()
    report.elapsed = time.perf_counter() - t0
    return report


def _cases(seed: int, n_random: int, frozen: bool) -> list[Case]:
    return (load_cases() if frozen else []) + random_cases(seed, n_random)


def check_solver(
    fn: Callable[[dict[str, Any]], Any],
    *,
    seed: int = 0,
    n_random: int = 20,
    frozen: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    atol: float = DEFAULT_ATOL,
    rtol: float = DEFAULT_RTOL,
    allow_unsupported: bool = False,
    raise_on_failure: bool = True,
) -> CheckReport:
    """Check a solver ``fn(request) -> answer`` on the frozen and ``n_random`` random cases.

    Parameters
    ----------
    fn : callable
        Takes one ``nashalign.solve-request`` (a dict; :mod:`nashalign.testing.cases`)
        and returns ``{"weights": W}``, ``{"equilibria": [W, ...]}``,
        ``{"unsupported": why}`` or an array ``W`` (``[K]`` or ``[N][K]``).
        :func:`~nashalign.testing.cases.request_model` turns a request into a
        ``(Population, Incentives)`` pair.
    seed, n_random : int
        The random cases (:func:`~nashalign.testing.cases.random_cases`).
    frozen : bool
        Include the shipped frozen cases.
    timeout : float
        Seconds per case.
    atol, rtol : float
        The tolerance ``atol + rtol * cond`` (:mod:`nashalign.testing.oracles`).
    allow_unsupported : bool
        Declined cases do not fail the check.
    raise_on_failure : bool
        Raise AssertionError (with the table) unless every case passes.

    Returns
    -------
    CheckReport

    Examples
    --------
    >>> from nashalign.testing.examples import reference_solver
    >>> check_solver(reference_solver, n_random=3).ok
    True
    """
    settings = _settings(seed, n_random, timeout, atol, rtol)
    name = getattr(fn, "__qualname__", None) or type(fn).__name__
    solver = PythonSolver(fn, f"python {getattr(fn, '__module__', '?')}:{name}")
    report = CheckReport(
        solver.label, *settings[:2], bool(frozen), *settings[2:], allow_unsupported
    )
    report = _run(solver, _cases(settings[0], settings[1], bool(frozen)), report)
    if raise_on_failure and not report.ok:
        raise AssertionError("the solver failed nashalign's checks:\n" + report.table())
    return report


def load_python_solver(spec: str) -> Callable[[dict[str, Any]], Any]:
    """The function named by ``"package.module:function"`` or ``"path/to/file.py:function"``.

    Examples
    --------
    >>> load_python_solver("nashalign.testing.examples:uniform_solver").__name__
    'uniform_solver'
    >>> load_python_solver("nashalign.testing.examples")
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: --python takes MODULE:FUNCTION or FILE.py:FUNCTION, got 'nashalign.testing.examples'
    """
    if not isinstance(spec, str) or spec.count(":") != 1 or len(spec) > 4096:
        raise InputError(
            f"--python takes MODULE:FUNCTION or FILE.py:FUNCTION, got {str(spec)[:200]!r}"
        )
    where, name = spec.split(":")
    if not name.isidentifier():
        raise InputError(f"{name!r} is not a Python function name")
    try:
        if where.endswith(".py"):
            path = Path(where)
            if not path.is_file():
                raise InputError(f"no such Python file: {where}")
            mod_spec = importlib.util.spec_from_file_location(
                f"_nashalign_solver_{path.stem}", path
            )
            if mod_spec is None or mod_spec.loader is None:
                raise InputError(f"cannot import {where}")
            module = importlib.util.module_from_spec(mod_spec)
            mod_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(where)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - the user's module: any import failure is bad input
        raise InputError(f"cannot import {where}: {type(exc).__name__}: {exc}") from None
    fn = getattr(module, name, None)
    if not callable(fn):
        raise InputError(f"{where} has no function {name!r}")
    return fn


def _command(cmd: str) -> list[str]:
    if not isinstance(cmd, str) or not cmd.strip() or len(cmd) > 8192:
        raise InputError("--cmd takes a non-empty command line, e.g. --cmd 'python my_solver.py'")
    try:
        argv = shlex.split(cmd)
    except ValueError as exc:
        raise InputError(f"cannot parse the command line: {exc}") from None
    exe = argv[0]
    found = shutil.which(exe) if os.sep not in exe else (exe if os.access(exe, os.X_OK) else None)
    if not found:
        raise InputError(f"cannot run {exe!r}: not found or not executable")
    return argv


def run_check_solver(
    python: str | None = None,
    cmd: str | None = None,
    *,
    seed: int = 0,
    n_random: int = 20,
    frozen: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    atol: float = DEFAULT_ATOL,
    rtol: float = DEFAULT_RTOL,
    allow_unsupported: bool = False,
    out: str | os.PathLike[str] | None = None,
) -> CheckReport:
    """``nashalign check-solver``: validate the options, run the cases, write ``out``.

    Exactly one of ``python`` (``"module:function"`` or ``"file.py:function"``) and
    ``cmd`` (a command line speaking JSON Lines). Every option is checked before any
    work; ``out`` (a ``nashalign.check-solver`` record) is written atomically at the end.

    Raises
    ------
    InputError
        Bad options, an unimportable module or a command that cannot be found.

    Examples
    --------
    >>> rep = run_check_solver(python="nashalign.testing.examples:no_diversity_solver",
    ...                        n_random=0)
    >>> rep.exit_code, rep.results[0].status
    (1, 'fail')
    """
    from nashalign.io import atomic_write_text, check_output_file
    from nashalign.jsonformat import dumps

    if (python is None) == (cmd is None):
        raise InputError("give exactly one of --python MODULE:FUNCTION and --cmd 'EXE ARGS'")
    settings = _settings(seed, n_random, timeout, atol, rtol)
    target = check_output_file(out) if out is not None else None
    argv = _command(cmd) if cmd is not None else None
    fn = load_python_solver(python) if python is not None else None
    solver: PythonSolver | CommandSolver = (
        PythonSolver(fn, f"python {python}") if fn is not None else CommandSolver(argv or [])
    )
    report = CheckReport(
        solver.label, *settings[:2], bool(frozen), *settings[2:], allow_unsupported
    )
    report = _run(solver, _cases(settings[0], settings[1], bool(frozen)), report)
    if target is not None:
        atomic_write_text(target, dumps(report.record()) + "\n")
    return report


def parametrize(
    *, seed: int = 0, n_random: int = 0, frozen: bool = True, argname: str = "case"
) -> Any:
    """A ``pytest.mark.parametrize`` over the cases, for a user's test suite.

    Each test gets one :class:`~nashalign.testing.cases.Case`; ``case.check(fn)``
    raises AssertionError with the reason when ``fn``'s answer does not pass::

        from nashalign.testing import parametrize

        @parametrize(n_random=10)
        def test_my_solver(case):
            case.check(my_solver)

    Examples
    --------
    >>> mark = parametrize(n_random=1)
    >>> mark.args[0], mark.kwargs["ids"][-1]
    ('case', 'random/0/0')
    """
    import pytest

    settings = _settings(seed, n_random, 1.0, 0.0, 0.0)
    cases = _cases(settings[0], settings[1], bool(frozen))
    return pytest.mark.parametrize(argname, cases, ids=[c.id for c in cases])
