"""Benchmark: the general N-agent solver at N = 20, K = 10 to NashConv <= 1e-10.

SPEC section 8 / issue 3: N = 20 agents, K = 10 subpopulations, solved to
NashConv <= 1e-10 (exact simplex-QP best responses) "well under a second".

Populations (seeded): ``heterogeneous`` (each agent its own ``a_m`` and ``C_m``, the
sample covariance of 30 random contexts) and ``homogeneous`` (one such instance for
all 20 agents), each at several incentive weights, from a mild diversity incentive
(unique, symmetric NE) to a strong one (agents specialise: asymmetric NE).
Each case is timed as the best of ``--repeats`` runs of ``solve_arrays`` (which
includes its final NashConv certificate), and the NashConv is recomputed
independently with :func:`nashalign.solvers.metrics.nash_conv`.

Usage::

    .venv/bin/python benchmarks/bench_nagent.py [--repeats 5]

Results go to ``benchmarks/results/nagent.json`` and ``nagent.md`` (``--out-dir``
to change), written atomically.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_closed_form import machine_info  # noqa: E402

N, K = 20, 10
TARGET = 1e-10
BUDGET_SECONDS = 1.0
BETAS = [(1.0, 1.0, 0.1), (1.0, 1.0, 1.0), (1.0, 1.0, 10.0), (10.0, 1.0, 0.1), (1.0, 0.1, 5.0)]


def population(seed: int, heterogeneous: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if heterogeneous:
        A = rng.random((N, K))
        Cs = np.stack([np.cov(rng.normal(size=(30, K)), rowvar=False) for _ in range(N)])
        return A, Cs
    a = rng.random(K)
    return a, np.cov(rng.normal(size=(30, K)), rowvar=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out-dir", default=str(Path(__file__).resolve().parent / "results"), type=Path
    )
    args = parser.parse_args(argv)

    from nashalign.io import atomic_write_json, atomic_write_text, ensure_writable_dir
    from nashalign.solvers.iterative import solve_arrays
    from nashalign.solvers.metrics import nash_conv

    out_dir = ensure_writable_dir(args.out_dir)
    cases = []
    for kind in ("heterogeneous", "homogeneous"):
        a, C = population(args.seed, kind == "heterogeneous")
        for betas in BETAS:
            res = solve_arrays(a, C, *betas, n_agents=N)  # warm-up
            times = []
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                res = solve_arrays(a, C, *betas, n_agents=N)
                times.append(time.perf_counter() - t0)
            check = nash_conv(res.profile, a, C, *betas)
            case = {
                "population": kind,
                "beta_a": betas[0],
                "beta_i": betas[1],
                "beta_d": betas[2],
                "seconds_best": min(times),
                "seconds_median": float(np.median(times)),
                "nashconv": res.nashconv,
                "nashconv_recomputed": check,
                "converged": res.converged,
                "sweeps": res.iterations,
                "polished": res.polished,
                "symmetric": res.is_symmetric(1e-8),
                "passed": bool(res.converged and check <= TARGET and min(times) < BUDGET_SECONDS),
            }
            cases.append(case)
            print(
                f"{kind:13s} betas={betas}: {case['seconds_best'] * 1e3:7.1f} ms, "
                f"NashConv {check:.1e}, sweeps {res.iterations}, "
                f"{'symmetric' if case['symmetric'] else 'asymmetric'}",
                flush=True,
            )
    results: dict[str, Any] = {
        "benchmark": "nagent",
        "N": N,
        "K": K,
        "target_nashconv": TARGET,
        "budget_seconds": BUDGET_SECONDS,
        "repeats": args.repeats,
        "seed": args.seed,
        "machine": machine_info(),
        "cases": cases,
        "max_seconds": max(c["seconds_best"] for c in cases),
        "max_nashconv": max(c["nashconv_recomputed"] for c in cases),
        "passed": all(c["passed"] for c in cases),
    }
    atomic_write_json(out_dir / "nagent.json", results)
    atomic_write_text(out_dir / "nagent.md", render_markdown(results))
    print(f"wrote {out_dir / 'nagent.json'} and nagent.md; passed = {results['passed']}")
    return 0 if results["passed"] else 1


def render_markdown(res: dict[str, Any]) -> str:
    m = res["machine"]
    lines = [
        "# N-agent solver benchmark",
        "",
        f"N = {res['N']} agents, K = {res['K']} subpopulations, target NashConv <= "
        f"{res['target_nashconv']:.0e} within {res['budget_seconds']:.0f} s; best of "
        f"{res['repeats']} runs; seed {res['seed']}.",
        "",
        f"Machine: {m.get('cpu_model', m['machine'])}, {m['cpu_count']} CPUs, "
        f"Python {m['python']}, numpy {m['numpy']} ({m.get('blas', '?')}), "
        f"load average at start {m.get('load_average', ['?'])[0]:.2f}.",
        "",
        "| population | beta_A | beta_I | beta_D | time (ms) | NashConv | sweeps | NE | passed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for c in res["cases"]:
        lines.append(
            f"| {c['population']} | {c['beta_a']:g} | {c['beta_i']:g} | {c['beta_d']:g} | "
            f"{c['seconds_best'] * 1e3:.1f} | {c['nashconv_recomputed']:.1e} | {c['sweeps']} | "
            f"{'symmetric' if c['symmetric'] else 'asymmetric'} | "
            f"{'yes' if c['passed'] else 'NO'} |"
        )
    lines += [
        "",
        f"Slowest case {res['max_seconds'] * 1e3:.1f} ms; largest NashConv "
        f"{res['max_nashconv']:.1e}. Overall: {'passed' if res['passed'] else 'FAILED'}.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
