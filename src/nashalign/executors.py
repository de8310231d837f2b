"""Where independent pieces of work run: in this process, a local process pool, or Ray.

The two jobs that outgrow one machine, scoring many contexts with a large model and
certifying whole equilibrium sets over large grids, split into independent pieces
(shards of contexts, tiles of a grid). This module says where the pieces run:

``serial``
    One after the other in this process.
``process``
    A local pool of worker processes (started by ``spawn``, so a parent that holds threads,
    torch or Ray, is safe to pool from).
``ray``
    Ray tasks (the optional ``ray`` extra: ``pip install -e '.[ray]'``). Without an
    address, a local Ray is started with as many CPUs as workers; with ``address=``
    or the ``RAY_ADDRESS`` environment variable, an existing cluster is joined
    (``host:port`` from a cluster node, or ``ray://host:10001`` from anywhere). An
    address that does not answer within :data:`RAY_CONNECT_TIMEOUT_S` seconds
    (``NASHALIGN_RAY_TIMEOUT`` to change) is one :class:`~nashalign.errors.InputError`.
``auto``
    ``process`` when there is more than one piece and more than one CPU, else
    ``serial``.

:func:`run_tasks` returns the results in the order of the pieces, whatever the
executor, so a merged result does not depend on where or in which order its pieces
ran. A worker that dies (killed, out of memory) has its piece retried up to
``retries`` times; after that the run stops with one
:class:`~nashalign.errors.ExecutorError` line and the caller writes nothing.

Examples
--------
>>> run_tasks(abs, [-1, 2, -3], executor="serial")
[1, 2, 3]
>>> resolve_executor("auto", n_tasks=1)
'serial'
>>> check_executor("dask")
Traceback (most recent call last):
...
nashalign.errors.InputError: unknown executor 'dask' (expected auto, serial, process or ray)
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from types import ModuleType
from typing import Any, TypeVar

from nashalign.errors import ExecutorError, InputError
from nashalign.validation import positive_int

T = TypeVar("T")
R = TypeVar("R")

#: Executor names accepted by ``executor=`` and ``--executor``.
EXECUTORS = ("auto", "serial", "process", "ray")
#: How to install the optional Ray extra (said by every refusal and skipped test).
RAY_INSTALL = "pip install -e '.[ray]'"
#: Environment variable naming an existing Ray cluster (Ray's own convention).
RAY_ADDRESS_ENV = "RAY_ADDRESS"
#: Environment variable overriding :data:`RAY_CONNECT_TIMEOUT_S`.
RAY_TIMEOUT_ENV = "NASHALIGN_RAY_TIMEOUT"
#: Seconds to wait for a Ray address to answer before giving up.
RAY_CONNECT_TIMEOUT_S = 30.0
#: Default number of retries of a piece whose worker died.
DEFAULT_RETRIES = 2


def cpu_count() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one).

    Examples
    --------
    >>> cpu_count() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def check_executor(executor: Any, workers: Any = None) -> tuple[str, int | None]:
    """Validate an executor name and worker count (before any work starts).

    Examples
    --------
    >>> check_executor("process", 2)
    ('process', 2)
    >>> check_executor("serial", 0)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: workers must be a positive integer, got 0
    """
    if not isinstance(executor, str) or executor not in EXECUTORS:
        raise InputError(f"unknown executor {executor!r} (expected auto, serial, process or ray)")
    return executor, (None if workers is None else positive_int(workers, "workers"))


def resolve_executor(executor: str, n_tasks: int, workers: int | None = None) -> str:
    """The executor ``auto`` stands for here: a process pool only where it can help.

    Examples
    --------
    >>> resolve_executor("ray", n_tasks=1)
    'ray'
    >>> resolve_executor("auto", n_tasks=8, workers=1)
    'serial'
    """
    executor, workers = check_executor(executor, workers)
    if executor != "auto":
        return executor
    n = cpu_count() if workers is None else workers
    return "process" if n > 1 and n_tasks > 1 else "serial"


# --------------------------------------------------------------------------------- Ray
def ray_available() -> bool:
    """Whether the optional Ray extra is installed (nothing is imported).

    Examples
    --------
    >>> isinstance(ray_available(), bool)
    True
    """
    from importlib.util import find_spec

    return find_spec("ray") is not None


def require_ray() -> ModuleType:
    """Import Ray, or one :class:`~nashalign.errors.InputError` line with the install command.

    Examples
    --------
    >>> require_ray().__name__ if ray_available() else "ray"
    'ray'
    """
    try:
        import ray
    except ImportError:
        raise InputError(
            f"--executor ray needs Ray, which is not installed ({RAY_INSTALL})"
        ) from None
    return ray


def ray_address(address: str | None = None) -> str | None:
    """The cluster to join: ``address``, else ``$RAY_ADDRESS``, else None (a local Ray).

    Examples
    --------
    >>> ray_address("ray://head:10001")
    'ray://head:10001'
    """
    if address is not None:
        if not isinstance(address, str) or not address.strip():
            raise InputError("the Ray address must be a non-empty string (host:port)")
        return address.strip()
    env = os.environ.get(RAY_ADDRESS_ENV, "").strip()
    return env or None


def connect_timeout() -> float:
    """Seconds to wait for a Ray address (``$NASHALIGN_RAY_TIMEOUT`` or the default).

    Examples
    --------
    >>> connect_timeout() > 0
    True
    """
    text = os.environ.get(RAY_TIMEOUT_ENV, "").strip()
    if not text:
        return RAY_CONNECT_TIMEOUT_S
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{RAY_TIMEOUT_ENV} must be a number of seconds, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise InputError(f"{RAY_TIMEOUT_ENV} must be a positive number of seconds, got {text!r}")
    return value


def split_address(address: str) -> tuple[str, int] | None:
    """``(host, port)`` of a ``host:port`` or ``ray://host:port`` address; None for ``auto``.

    Examples
    --------
    >>> split_address("ray://10.0.0.5:10001"), split_address("auto")
    (('10.0.0.5', 10001), None)
    >>> split_address("head")
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: Ray address 'head' is not host:port, ray://host:port or auto
    """
    if address in ("auto", "local"):
        return None
    rest = address.removeprefix("ray://")
    host, sep, port = rest.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(f"Ray address {address!r} is not host:port, ray://host:port or auto")
    return host.strip("[]"), int(port)


def check_address_answers(address: str, timeout: float) -> None:
    """Refuse, in one line, an address where nothing accepts a connection within ``timeout``.

    Examples
    --------
    >>> check_address_answers("auto", 1.0)  # nothing to probe: Ray finds the cluster itself
    """
    hp = split_address(address)
    if hp is None:
        return
    try:
        with socket.create_connection(hp, timeout=timeout):
            pass
    except OSError as exc:
        why = "timed out" if isinstance(exc, TimeoutError) else (exc.strerror or type(exc).__name__)
        raise InputError(
            f"Ray address {address} does not answer ({why}, waited at most {timeout:g} s); "
            f"check {RAY_ADDRESS_ENV} or start the cluster with `ray start --head`"
        ) from None


#: What :func:`check_ray_answers` runs in a child process.
_PROBE = (
    "import sys, ray\n"
    "ray.init(address=sys.argv[1], logging_level='ERROR', log_to_driver=False)\n"
    "ray.shutdown()\n"
)


def check_ray_answers(address: str, timeout: float) -> None:
    """Refuse, in one line, an address that accepts connections but does not speak Ray.

    A child process joins ``address`` and leaves again, within ``timeout`` seconds;
    Ray's own retry messages stay in that child's captured output instead of
    filling the terminal.

    Examples
    --------
    >>> check_ray_answers("127.0.0.1:1", 5.0)  # doctest: +SKIP
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: Ray address 127.0.0.1:1 does not answer as a Ray cluster: ...
    """
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != RAY_ADDRESS_ENV}
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _PROBE, address],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputError(
            f"Ray address {address} did not answer as a Ray cluster within {timeout:g} s "
            f"({RAY_TIMEOUT_ENV} to wait longer)"
        ) from None
    if proc.returncode != 0:
        lines = [ln.strip() for ln in proc.stderr.splitlines() if ln.strip()]
        errors = [ln for ln in lines if "Error" in ln.split(":", 1)[0]]
        why = (errors or lines or [f"exit status {proc.returncode}"])[-1]
        raise InputError(f"Ray address {address} does not answer as a Ray cluster: {why}")


def connect_ray(address: str | None = None, num_cpus: int | None = None) -> ModuleType:
    """Ray, initialised: joined to ``address`` (or ``$RAY_ADDRESS``) or a local one started.

    An already initialised Ray (a test's or a notebook's) is used as it is. Joining
    is bounded by :func:`connect_timeout`: first a plain TCP probe of the address,
    then ``ray.init`` itself in a helper thread, so an address that accepts the
    connection but never speaks Ray cannot hang the caller either.

    Examples
    --------
    >>> ray = connect_ray(num_cpus=1)  # doctest: +SKIP
    >>> ray.is_initialized()  # doctest: +SKIP
    True
    """
    ray = require_ray()
    if ray.is_initialized():
        return ray
    addr = ray_address(address)
    timeout = connect_timeout()
    kwargs: dict[str, Any] = {
        "include_dashboard": False,
        "logging_level": "ERROR",
        "log_to_driver": False,
        "ignore_reinit_error": True,
    }
    if addr is None:
        # "local": always a new local Ray, never a stray one left by `ray start` on this machine.
        kwargs["address"] = "local"
        kwargs["num_cpus"] = num_cpus or cpu_count()
    else:
        check_address_answers(addr, timeout)
        check_ray_answers(addr, timeout)
        kwargs["address"] = addr
    # In this thread: Ray cannot start a local cluster from a helper thread, and a remote
    # address has just answered the child's probe within the time-out.
    try:
        ray.init(**kwargs)
    except Exception as exc:  # noqa: BLE001 - any failure to start or join is one line
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        where = f"Ray at {addr}" if addr is not None else "a local Ray"
        raise InputError(f"could not connect to {where}: {first}") from None
    return ray


def ray_worker_died(exc: BaseException) -> bool:
    """Whether ``exc`` says a Ray worker or actor died (rather than the work raising).

    Examples
    --------
    >>> ray_worker_died(ValueError("x"))
    False
    """
    if not ray_available():
        return False
    import ray.exceptions as rex

    dead = (rex.WorkerCrashedError, rex.RayActorError, rex.NodeDiedError, rex.OutOfMemoryError)
    return isinstance(exc, dead)


def _unwrap_ray_error(exc: BaseException) -> BaseException:
    """The user's exception inside a ``RayTaskError`` (so an InputError stays one)."""
    cause = getattr(exc, "cause", None)
    return cause if isinstance(cause, BaseException) else exc


# ------------------------------------------------------------------------ the task map
def run_tasks(
    fn: Callable[[T], R],
    items: Sequence[T],
    executor: str = "auto",
    workers: int | None = None,
    *,
    retries: int = DEFAULT_RETRIES,
    address: str | None = None,
    on_result: Callable[[int, R], None] | None = None,
) -> list[R]:
    """``[fn(x) for x in items]``, run where ``executor`` says, in the order of ``items``.

    Parameters
    ----------
    fn : callable
        A module-level function (it is pickled by reference for ``process``/``ray``).
    items : sequence
        The pieces; each must be picklable for ``process``/``ray``.
    executor : {"auto", "serial", "process", "ray"}
        Where to run (see the module docstring).
    workers : int or None
        Pool size / local Ray CPUs; ``None``: every CPU (:func:`cpu_count`).
    retries : int
        Times a piece is re-run after its worker died.
    address : str or None
        Ray cluster to join (else ``$RAY_ADDRESS``, else a local Ray).
    on_result : callable or None
        Called in this process as ``on_result(index, result)`` as each piece finishes
        (in completion order), e.g. to cache it.

    Returns
    -------
    list
        ``fn(items[i])`` at index ``i``.

    Raises
    ------
    InputError
        A bad executor name or worker count, Ray missing or not answering, or an
        InputError raised by ``fn`` itself.
    ExecutorError
        A piece's worker died more than ``retries`` times.

    Examples
    --------
    >>> run_tasks(len, ["a", "bcd"], executor="serial", on_result=lambda i, r: print(i, r))
    0 1
    1 3
    [1, 3]
    """
    executor, workers = check_executor(executor, workers)
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise InputError(f"retries must be a non-negative integer, got {retries!r}")
    items = list(items)
    kind = resolve_executor(executor, len(items), workers)
    if kind == "ray":
        ray = connect_ray(address, workers)  # fail fast, before any work
    out: list[Any] = [None] * len(items)
    if not items:
        return out

    def done(i: int, result: Any) -> None:
        out[i] = result
        if on_result is not None:
            on_result(i, result)

    if kind == "serial":
        for i, x in enumerate(items):
            done(i, fn(x))
    elif kind == "process":
        _run_pool(fn, items, workers or cpu_count(), retries, done)
    else:
        _run_ray(ray, fn, items, retries, done)
    return out


def _run_pool(
    fn: Callable[[Any], Any],
    items: list[Any],
    workers: int,
    retries: int,
    done: Callable[[int, Any], None],
) -> None:
    """A spawned process pool; a pool broken by a dead worker is rebuilt for what is left."""
    todo = list(range(len(items)))
    attempts = 0
    while todo:
        ctx = get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=ctx)
        finished: set[int] = set()
        broken = False
        try:
            futures = {pool.submit(fn, items[i]): i for i in todo}
            for fut in as_completed(futures):
                i = futures[fut]
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                done(i, result)
                finished.add(i)
        except BaseException:
            # A piece raised (or we were interrupted): drop the queued pieces, do not run them.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        todo = [i for i in todo if i not in finished]
        if broken:
            attempts += 1
            if attempts > retries:
                raise ExecutorError(
                    f"a worker process died {attempts} times; {len(todo)} of {len(items)} "
                    "pieces did not finish and nothing was written"
                )


def _apply(fn: Callable[[Any], Any], x: Any) -> Any:
    """``fn(x)``: what a Ray task runs (so ``fn`` may be any picklable callable)."""
    return fn(x)


def _run_ray(
    ray: ModuleType,
    fn: Callable[[Any], Any],
    items: list[Any],
    retries: int,
    done: Callable[[int, Any], None],
) -> None:
    """Ray tasks (one CPU each), retried by Ray when their worker dies."""
    remote = ray.remote(num_cpus=1, max_retries=retries, retry_exceptions=False)(_apply)
    fn_ref = ray.put(fn)  # any picklable callable (a builtin too), shipped once
    refs = {remote.remote(fn_ref, x): i for i, x in enumerate(items)}
    pending = list(refs)
    try:
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            for ref in ready:
                done(refs[ref], ray.get(ref))
    except BaseException as exc:
        for ref in pending:
            ray.cancel(ref, force=True)
        if ray_worker_died(exc):
            raise ExecutorError(
                f"a Ray worker died more than {retries} times; the run stopped and nothing "
                "was written"
            ) from None
        inner = _unwrap_ray_error(exc)
        if isinstance(inner, InputError):
            raise inner from None
        raise
