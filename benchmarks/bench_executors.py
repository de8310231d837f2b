"""Benchmark: the exact-certified equilibrium-set sweep on serial, a process pool and Ray.

Issue "Real instances at real scale", item 3: the whole NE set of ``bigfive``
(N = 2, K = 5) at every point of a 100 x 100 grid of (beta_A, beta_D), log-spaced on
[1e-2, 1e2], beta_I = 1, every NE certified in exact rational arithmetic
(:func:`nashalign.solvers.equilibria.tiles.sweep_counts` with ``certify="exact"``),
tile by tile, in one run:

* ``serial``: the tiles one after the other in this process;
* ``process``: a local process pool of ``--workers`` spawned processes (pool start-up
  included);
* ``ray``: a local Ray with ``--workers`` CPUs, timed two ways: ``ray (cold)`` includes
  ``ray.init`` (what ``--executor ray`` costs on a laptop), ``ray (warm)`` runs on the
  cluster already started (what it costs when joining a running cluster).

Process pool and Ray runs are interleaved ``--repeats`` times (the machine may be
shared; the best of each is compared). Every run must give the same count arrays as
the serial one, bit for bit. Target (SPEC
section 8): Ray's overhead over the process pool <= 15 %, i.e. ``ray / process <= 1.15``;
the verdict is stated for the cold and the warm Ray.

BLAS is pinned to one thread everywhere (workers inherit the environment), so the
pool and Ray each run exactly ``--workers`` single-threaded solvers.

Usage::

    .venv/bin/python benchmarks/bench_executors.py [--n 100] [--stride 1] [--workers 2]
        [--tile 5 10] [--out-dir benchmarks/results]

``--stride k`` keeps every k-th grid point per axis (a documented subgrid, for a
quick run). Results go to ``executors.json`` and ``executors.md``, written atomically.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_closed_form import machine_info  # noqa: E402

LO, HI = 1e-2, 1e2
TARGET = 1.15
KEYS = ("total", "symmetric", "with_exclusion", "exact", "complete")


def sweep(inst: Any, b: np.ndarray, executor: str, workers: int, tile: tuple[int, int]) -> dict:
    from nashalign.solvers.equilibria.tiles import sweep_counts

    return sweep_counts(
        inst.a, inst.C, b, b, 2, certify="exact", tile=tile, executor=executor, workers=workers
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100, help="grid points per axis")
    ap.add_argument("--stride", type=int, default=1, help="keep every k-th point per axis")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tile", type=int, nargs=2, default=(5, 10), metavar=("ROWS", "COLS"))
    ap.add_argument("--repeats", type=int, default=2, help="interleaved runs of pool and Ray")
    ap.add_argument("--skip-serial", action="store_true", help="omit the (slowest) serial run")
    ap.add_argument("--out-dir", default=str(Path(__file__).resolve().parent / "results"))
    ap.add_argument("--note", default="", help="a paragraph appended to the Markdown")
    ap.add_argument(
        "--rerender", action="store_true", help="only rewrite executors.md from executors.json"
    )
    args = ap.parse_args(argv)
    if args.rerender:
        import json

        from nashalign.io import atomic_write_json, atomic_write_text

        path = Path(args.out_dir) / "executors.json"
        record = json.loads(path.read_text(encoding="utf-8"))
        if args.note:
            record["note"] = args.note
            atomic_write_json(path, record)
        atomic_write_text(path.with_suffix(".md"), render(record))
        return 0

    import ray

    from nashalign.instance import Instance
    from nashalign.io import atomic_write_json, atomic_write_text, ensure_writable_dir

    out_dir = ensure_writable_dir(args.out_dir)
    info = machine_info()
    inst = Instance.resolve("bigfive")
    b = np.logspace(np.log10(LO), np.log10(HI), args.n)[:: args.stride]
    tile = (args.tile[0], args.tile[1])
    sweep(inst, b[:2], "serial", 1, tile)  # warm-up: imports, plan caches

    runs: dict[str, dict[str, Any]] = {}
    results: dict[str, list[dict]] = {}

    def timed(label: str, fn) -> None:
        load0 = os.getloadavg()[0]
        t0 = time.perf_counter()
        out = fn()
        seconds = time.perf_counter() - t0
        run = runs.setdefault(label, {"all_seconds": [], "load_1min_before": []})
        run["all_seconds"].append(seconds)
        run["load_1min_before"].append(load0)
        run["seconds"] = min(run["all_seconds"])
        results.setdefault(label, []).append(out)
        print(f"{label}: {seconds:.1f} s (1-min load before {load0:.2f})", flush=True)

    def ray_cold() -> dict:
        ray.init(
            address="local",
            num_cpus=args.workers, include_dashboard=False, logging_level="ERROR",
            log_to_driver=False,
        )  # fmt: skip
        return sweep(inst, b, "ray", args.workers, tile)

    def pool() -> None:
        timed("process", lambda: sweep(inst, b, "process", args.workers, tile))

    # Interleaved, the pool first in even repeats and last in odd ones, so that load from
    # others (a shared machine) and what Ray leaves running after shutdown hit both alike.
    for rep in range(args.repeats):
        if rep % 2 == 0:
            pool()
        timed("ray (cold)", ray_cold)
        timed("ray (warm)", lambda: sweep(inst, b, "ray", args.workers, tile))
        ray.shutdown()
        if rep % 2 == 1:
            time.sleep(5.0)  # let the local Ray's processes exit before the pool runs
            pool()
    if not args.skip_serial:
        timed("serial", lambda: sweep(inst, b, "serial", 1, tile))

    ref_label = "serial" if "serial" in results else "process"
    ref = results[ref_label][0]
    for label, outs in results.items():
        runs[label]["equal_to_" + ref_label] = all(
            np.array_equal(out[k], ref[k]) for out in outs for k in KEYS
        )
    proc = runs["process"]["seconds"]
    cold = runs["ray (cold)"]["seconds"] / proc
    warm = runs["ray (warm)"]["seconds"] / proc
    total = ref["total"]
    record = {
        "benchmark": "exact-certified NE-set sweep: serial vs process pool vs local Ray",
        "command": "python benchmarks/bench_executors.py " + " ".join(argv or sys.argv[1:]),
        "machine": info,
        "instance": "bigfive",
        "N": 2,
        "K": int(inst.K),
        "grid_points_per_axis": int(b.size),
        "full_grid": bool(args.stride == 1 and args.n == 100),
        "stride": args.stride,
        "tile": list(tile),
        "n_tiles": int(ref["n_tiles"]),
        "workers": args.workers,
        "repeats": args.repeats,
        "runs": runs,
        "ray_cold_over_process": cold,
        "ray_warm_over_process": warm,
        "target": TARGET,
        "passed_cold": bool(cold <= TARGET),
        "passed_warm": bool(warm <= TARGET),
        "all_equal": all(r["equal_to_" + ref_label] for r in runs.values()),
        "all_exact": bool(ref["exact"].all()),
        "all_complete": bool(ref["complete"].all()),
        "ne_min": int(total.min()),
        "ne_max": int(total.max()),
        "ne_mean": float(total.mean()),
        "ms_per_point_serial": (
            1e3 * runs["serial"]["seconds"] / b.size**2 if "serial" in runs else None
        ),
    }
    record["passed"] = bool(record["passed_cold"] and record["all_equal"])
    if args.note:
        record["note"] = args.note
    atomic_write_json(out_dir / "executors.json", record)
    atomic_write_text(out_dir / "executors.md", render(record))
    print(f"wrote {out_dir / 'executors.json'} and executors.md; passed = {record['passed']}")
    return 0


def render(r: dict[str, Any]) -> str:
    m = r["machine"]
    grid = f"{r['grid_points_per_axis']} x {r['grid_points_per_axis']}"
    scope = "the full grid" if r["full_grid"] else f"every {r['stride']}-th point per axis"
    lines = [
        "# Executors: the exact-certified NE-set sweep on serial, a process pool and Ray",
        "",
        f"bigfive (N = {r['N']}, K = {r['K']}), {grid} grid of (beta_A, beta_D) log-spaced on "
        f"[0.01, 100], beta_I = 1 ({scope}); every NE certified in exact rational arithmetic "
        f"at every point. Tiles of {r['tile'][0]} x {r['tile'][1]} points ({r['n_tiles']} "
        f"tiles), {r['workers']} workers, BLAS pinned to one thread. Command: "
        f"`{r['command'].strip()}`.",
        "",
        f"Machine: {m.get('cpu_model', m.get('processor', '?'))}, {m.get('cpu_count')} CPUs, "
        f"Python {m.get('python')}, numpy {m.get('numpy')}, load average at start "
        f"{m.get('load_average', ['?'])[0]:.2f}.",
        "",
        f"Wall times are the best of {r['repeats']} interleaved runs (process pool, cold "
        "Ray, warm Ray; then cold Ray, warm Ray, process pool; and so on; serial once at "
        "the end), all of them listed; ratios are of the bests.",
        "",
        "| run | wall s (best) | / process pool | all runs (s) | 1-min load before | same arrays |",
        "|---|---:|---:|---|---|---|",
    ]
    proc = r["runs"]["process"]["seconds"]
    for label, run in r["runs"].items():
        same = next(v for k, v in run.items() if k.startswith("equal_to_"))
        every = ", ".join(f"{x:.1f}" for x in run["all_seconds"])
        loads = ", ".join(f"{x:.2f}" for x in run["load_1min_before"])
        lines.append(
            f"| {label} | {run['seconds']:.1f} | {run['seconds'] / proc:.3f} | {every} | "
            f"{loads} | {'yes' if same else 'NO'} |"
        )
    verdict = lambda ok: "PASS" if ok else "FAIL"  # noqa: E731
    lines += [
        "",
        f"NE per point {r['ne_min']}..{r['ne_max']} (mean {r['ne_mean']:.1f}); every NE exact: "
        f"{r['all_exact']}; every set complete: {r['all_complete']}.",
        "",
        f"Target: Ray's overhead over the process pool <= 15 % (ratio <= {r['target']}). "
        f"Ray cold (ray.init included): {r['ray_cold_over_process']:.3f}, "
        f"{verdict(r['passed_cold'])}. Ray warm (cluster already up): "
        f"{r['ray_warm_over_process']:.3f}, {verdict(r['passed_warm'])}. "
        f"All runs give the same arrays: {r['all_equal']}.",
        "",
        f"Overall: {'PASSED' if r['passed'] else 'FAILED'} (cold Ray, the stricter of the two, "
        "and equal arrays).",
    ]
    if r.get("note"):
        lines += ["", "Note: " + r["note"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
