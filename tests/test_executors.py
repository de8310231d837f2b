"""nashalign.executors without Ray: names, ordering, the process pool and dead workers.

The Ray side (local cluster, actors, fault injection on Ray) is in tests/test_ray.py.
"""

from __future__ import annotations

import sys
import time

import pytest
import shard_helpers

from nashalign import executors
from nashalign.errors import ExecutorError, InputError
from nashalign.executors import (
    check_address_answers,
    check_executor,
    require_ray,
    resolve_executor,
    run_tasks,
    split_address,
)


def test_serial_and_process_give_the_results_in_item_order():
    items = list(range(7))
    seen = []
    serial = run_tasks(shard_helpers.square, items, "serial", on_result=lambda i, r: seen.append(i))
    pooled = run_tasks(shard_helpers.square, items, "process", workers=2)
    assert serial == pooled == [x * x for x in items]
    assert seen == items  # serial: completion order is item order


def test_auto_pools_only_where_it_can_help():
    assert resolve_executor("auto", n_tasks=1, workers=4) == "serial"
    assert resolve_executor("auto", n_tasks=5, workers=1) == "serial"
    assert resolve_executor("auto", n_tasks=5, workers=2) == "process"
    assert resolve_executor("serial", n_tasks=5, workers=2) == "serial"


@pytest.mark.parametrize(
    ("executor", "workers", "message"),
    [
        ("threads", None, "unknown executor 'threads'"),
        (None, None, "unknown executor None"),
        ("process", 0, "workers must be a positive integer, got 0"),
        ("process", 1.5, "workers must be a positive integer, got 1.5"),
    ],
)
def test_bad_executor_options_are_one_line(executor, workers, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        check_executor(executor, workers)


def test_a_worker_process_that_dies_once_is_replaced_and_its_piece_retried(tmp_path):
    items = [(str(tmp_path / "marker"), x) for x in range(6)]
    out = run_tasks(shard_helpers.die_once, items, "process", workers=2, retries=1)
    assert out == [x * x for x in range(6)]
    assert (tmp_path / "marker").read_text() == "died"  # the fault did fire


def test_a_worker_process_that_keeps_dying_stops_the_run_in_one_line():
    got = []
    with pytest.raises(ExecutorError, match="died 2 times") as err:
        run_tasks(shard_helpers.die_always, range(5), "process", workers=2, retries=1,
                  on_result=lambda i, r: got.append(i))  # fmt: skip
    assert "\n" not in str(err.value)
    assert 3 not in got  # the piece never finished; the others may have


def test_an_input_error_in_a_pool_worker_stays_an_input_error_and_stops_the_rest():
    t0 = time.perf_counter()
    with pytest.raises(InputError, match="item 2 is refused"):
        run_tasks(shard_helpers.refuse_two, range(200), "process", workers=2)
    assert time.perf_counter() - t0 < 60


def test_ray_missing_is_one_line_with_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(InputError) as err:
        require_ray()
    assert str(err.value) == (
        "--executor ray needs Ray, which is not installed (pip install -e '.[ray]')"
    )
    with pytest.raises(InputError, match="needs Ray"):
        run_tasks(shard_helpers.square, [1], "ray")


def test_addresses_are_parsed_and_refused_in_one_line():
    assert split_address("ray://head.example:10001") == ("head.example", 10001)
    assert split_address("10.0.0.5:6379") == ("10.0.0.5", 6379)
    assert split_address("auto") is None
    for bad in ("head", "head:port", "head:0", "ray://:10001"):
        with pytest.raises(InputError, match="is not host:port"):
            split_address(bad)


def test_a_refused_address_fails_fast():
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"127\.0\.0\.1:1 does not answer"):
        check_address_answers("127.0.0.1:1", timeout=5.0)
    assert time.perf_counter() - t0 < 5.0


def test_the_timeout_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(executors.RAY_TIMEOUT_ENV, "2.5")
    assert executors.connect_timeout() == 2.5
    for bad in ("soon", "0", "-1", "inf"):
        monkeypatch.setenv(executors.RAY_TIMEOUT_ENV, bad)
        with pytest.raises(InputError, match=executors.RAY_TIMEOUT_ENV):
            executors.connect_timeout()
