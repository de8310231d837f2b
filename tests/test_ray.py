"""Ray: a local cluster started once for this module (2 CPUs), tasks, actors, dead workers.

Skips, with the install line as the reason, where the ray extra is not installed. The
tests are marked ``xdist_group("ray")`` so that ``--dist loadgroup`` keeps them on one
pytest-xdist worker, hence one local Ray (``address="local"``: never a stray cluster left
by ``ray start``). Under pytest 9 that grouping needs the hook in ``tests/conftest.py``:
pytest-xdist 3.8 renames ``item._nodeid``, which pytest 9 no longer reads.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import shard_helpers

from nashalign.errors import ExecutorError, InputError
from nashalign.executors import RAY_INSTALL, connect_ray, run_tasks

ray = pytest.importorskip("ray", reason=f"the ray extra is not installed ({RAY_INSTALL})")

from nashalign.scoring.cache import ScoreCache  # noqa: E402
from nashalign.scoring.sharded import score_sharded  # noqa: E402

pytestmark = [pytest.mark.ray, pytest.mark.xdist_group("ray")]

TESTS = str(Path(__file__).resolve().parent)
SUBS = {"x": ["a statement", "another"], "y": ["why"]}
CONTEXTS = [f"context number {i}" + "!" * i for i in range(7)]


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    """One local Ray for the module; its workers import the helpers from tests/."""
    started = not ray.is_initialized()
    if started:
        path = os.pathsep.join([TESTS, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        ray.init(
            address="local",
            num_cpus=2,
            object_store_memory=80 * 2**20,
            include_dashboard=False,
            logging_level="ERROR",
            log_to_driver=False,
            runtime_env={"env_vars": {"PYTHONPATH": path}},
        )
    yield ray
    if started:
        ray.shutdown()


def test_tasks_come_back_in_item_order():
    assert connect_ray() is ray  # an initialised Ray is used as it is
    assert run_tasks(shard_helpers.square, range(9), "ray") == [x * x for x in range(9)]


def test_a_task_whose_worker_dies_once_is_retried(tmp_path):
    items = [(str(tmp_path / "marker"), x) for x in range(5)]
    assert run_tasks(shard_helpers.die_once, items, "ray", retries=1) == [x * x for x in range(5)]
    assert (tmp_path / "marker").exists()


def test_a_task_whose_worker_keeps_dying_is_one_executor_error():
    with pytest.raises(ExecutorError, match="died more than 1 times") as err:
        run_tasks(shard_helpers.die_always, range(5), "ray", retries=1)
    assert "\n" not in str(err.value)


def test_an_input_error_in_a_task_stays_an_input_error():
    with pytest.raises(InputError, match="item 2 is refused"):
        run_tasks(shard_helpers.refuse_two, range(20), "ray")


def test_exact_sweep_on_ray_equals_the_serial_sweep():
    from nashalign.instance import Instance
    from nashalign.solvers.equilibria.tiles import COUNT_KEYS, sweep_counts

    inst = Instance.resolve("bigfive")
    s, r = np.logspace(-2, 2, 5), np.logspace(-2, 2, 4)
    serial = sweep_counts(inst.a, inst.C, s, r, 2, certify="exact", tile=4, executor="serial")
    on_ray = sweep_counts(inst.a, inst.C, s, r, 2, certify="exact", tile=2, executor="ray")
    assert on_ray["executor"] == "ray" and on_ray["n_tiles"] == 6
    for k in (*COUNT_KEYS, "exact", "complete"):
        np.testing.assert_array_equal(on_ray[k], serial[k])


def test_sharded_scoring_on_actors_merges_in_context_order():
    scorer = shard_helpers.Lengths()
    run = score_sharded(scorer, CONTEXTS, SUBS, shard_size=2, executor="ray", workers=2)
    assert run.executor == "ray" and len(run.shards) == 4
    np.testing.assert_array_equal(run.S, scorer.score(CONTEXTS, SUBS))


def test_an_actor_killed_mid_run_is_restarted_and_its_shard_retried(tmp_path):
    scorer = shard_helpers.Lengths(die=CONTEXTS[3], once=True, marker=str(tmp_path / "m"))
    run = score_sharded(scorer, CONTEXTS, SUBS, shard_size=2, executor="ray", workers=2)
    assert (tmp_path / "m").read_text() == "died"  # the fault fired, in an actor
    np.testing.assert_array_equal(run.S, shard_helpers.Lengths().score(CONTEXTS, SUBS))


def test_an_actor_that_keeps_dying_fails_cleanly_and_the_rerun_resumes(tmp_path):
    cache = ScoreCache(tmp_path / "cache")
    dying = shard_helpers.Lengths(die=CONTEXTS[3], once=False)
    t0 = time.perf_counter()
    with pytest.raises(ExecutorError, match="shards did not finish") as err:
        score_sharded(dying, CONTEXTS, SUBS, shard_size=2, executor="ray", workers=2,
                      retries=1, cache=cache)  # fmt: skip
    assert "\n" not in str(err.value) and time.perf_counter() - t0 < 120
    files = list((tmp_path / "cache").iterdir()) if (tmp_path / "cache").exists() else []
    assert not [p for p in files if p.name.startswith(".")]  # nothing half-written
    healthy = shard_helpers.Lengths(die=CONTEXTS[3], once=True, marker=str(tmp_path / "m"))
    (tmp_path / "m").write_text("no more faults")
    run = score_sharded(healthy, CONTEXTS, SUBS, shard_size=2, executor="serial", cache=cache)
    assert run.from_cache == len(files) < 4
    np.testing.assert_array_equal(run.S, shard_helpers.Lengths().score(CONTEXTS, SUBS))


@pytest.mark.scoring
def test_embedding_estimate_on_ray_actors_equals_the_unsharded_one(tmp_path):
    pytest.importorskip("sentence_transformers")
    from nashalign.scoring.estimate import estimate_instance

    plain = estimate_instance("politics", device="cpu", use_cache=False, progress=False)
    out = tmp_path / "politics.json"
    # One actor keeps the model loaded for both shards (the order of several actors'
    # shards is tested above with a cheap scorer).
    sharded = estimate_instance("politics", device="cpu", executor="ray", workers=1,
                                cache_dir=tmp_path / "cache", out=out, progress=False)  # fmt: skip
    np.testing.assert_array_equal(sharded.a, plain.a)
    np.testing.assert_array_equal(sharded.C, plain.C)
    assert len(sharded.provenance["sharding"]["shards"]) == 2 and out.is_file()


def _fresh_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """``code`` in a new interpreter (no Ray initialised), with ``env`` added."""
    full = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=full, timeout=300
    )


def test_a_fresh_process_starts_its_own_local_ray():
    code = "from nashalign.executors import run_tasks; print(run_tasks(abs, [-1, -2], 'ray', 1))"
    proc = _fresh_python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[1, 2]"


def test_an_address_that_does_not_answer_is_one_line_and_exit_2(tmp_path):
    out = tmp_path / "x.json"
    code = (
        "import sys; from nashalign.cli import main; sys.exit(main(['estimate', '--dataset', "
        f"'politics', '--executor', 'ray', '--out', {str(out)!r}]))"
    )
    t0 = time.perf_counter()
    proc = _fresh_python(code, RAY_ADDRESS="127.0.0.1:1", NASHALIGN_RAY_TIMEOUT="5")
    assert time.perf_counter() - t0 < 120
    assert proc.returncode == 2 and not out.exists()
    assert proc.stderr == (
        "nashalign estimate: error: Ray address 127.0.0.1:1 does not answer (Connection "
        "refused, waited at most 5 s); check RAY_ADDRESS or start the cluster with "
        "`ray start --head`\n"
    )
