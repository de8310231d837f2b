"""Benchmark: the whole equilibrium set over a 100 x 100 grid of (beta_A, beta_D).

Issue "The whole equilibrium set": joint support enumeration for N = 2, K = 5
(``bigfive``) and N = 3, K = 4 (``politics``), beta_I = 1, beta_A and beta_D
log-spaced on [1e-2, 1e2].

Two measurements per case:

* ``grid``: the float-certified count over the whole grid
  (:func:`nashalign.solvers.equilibria.grid_counts`: one batched inverse per
  support multiset and r serves every s; a profile counts when its KKT conditions
  hold within ``1e-9 + 1e3 eps kappa`` relative to the data scale);
* ``exact``: :func:`nashalign.solvers.equilibria.all_equilibria` with exact
  rational certification of every NE, on a regular subsample of the grid (every
  ``--stride``-th point in each direction); its counts are compared with the float
  grid's, and its mean time per point extrapolates the exact full grid.

Usage::

    .venv/bin/python benchmarks/bench_equilibria.py [--n 100] [--stride 10]
    .venv/bin/python benchmarks/bench_equilibria.py --mutants   # equilibria_mutants.py

Results go to ``benchmarks/results/equilibria.json`` and ``equilibria.md``
(``--out-dir`` to change), written atomically.
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

CASES = [("bigfive", 2), ("politics", 3)]
LO, HI = 1e-2, 1e2
TOL = 1e-9


def run_case(name: str, N: int, n: int, stride: int) -> dict[str, Any]:
    from nashalign.instance import Instance
    from nashalign.solvers.equilibria import all_equilibria, enumeration_size, grid_counts

    inst = Instance.resolve(name)
    b = np.logspace(np.log10(LO), np.log10(HI), n)
    grid_counts(inst.a, inst.C, b[:2], b[:2], N)  # warm-up
    t0 = time.perf_counter()
    g = grid_counts(inst.a, inst.C, b, b, N, tol=TOL)
    t_grid = time.perf_counter() - t0
    idx = np.arange(0, n, stride)
    all_equilibria(inst.a, inst.C, 1.0, 1.0, 1.0, N)  # warm-up (imports, caches)
    times, agree, exact_all, totals = [], 0, True, []
    max_total = 0
    for i in idx:  # r = beta_D
        for j in idx:  # s = beta_A
            t0 = time.perf_counter()
            es = all_equilibria(inst.a, inst.C, b[j], 1.0, b[i], N, with_nashconv=False)
            times.append(time.perf_counter() - t0)
            exact_all &= es.exact
            c = es.counts
            max_total = max(max_total, c["total"])
            totals.append(c["total"])
            agree += int(
                c["total"] == g["total"][i, j]
                and c["symmetric"] == g["symmetric"][i, j]
                and c["with_exclusion"] == g["with_exclusion"][i, j]
            )
    total = g["total"]
    return {
        "instance": name,
        "N": N,
        "K": inst.K,
        "support_systems_per_point": enumeration_size(inst.K, N),
        "grid_points": int(n * n),
        "grid_seconds": t_grid,
        "grid_us_per_point": 1e6 * t_grid / (n * n),
        "grid_ne_min": int(total.min()),
        "grid_ne_max": int(total.max()),
        "grid_ne_mean": float(total.mean()),
        "grid_unique_fraction": float(np.mean(total == 1)),
        "grid_exclusion_everywhere_fraction": float(np.mean(g["with_exclusion"] == total)),
        "grid_ill_conditioned_systems": int(g["n_ill_conditioned"]),
        "exact_points": int(idx.size**2),
        "exact_seconds_total": float(np.sum(times)),
        "exact_ms_per_point_mean": 1e3 * float(np.mean(times)),
        "exact_ms_per_point_max": 1e3 * float(np.max(times)),
        "exact_full_grid_seconds_extrapolated": float(np.mean(times)) * n * n,
        "exact_all_certified": bool(exact_all),
        "exact_agrees_with_grid": int(agree),
        "exact_ne_max": int(max_total),
    }


# ------------------------------------------------------------------ SPEC section 8 target
#: (label, N, K, heterogeneous): the whole NE set at most 1.5x a plain batched float
#: KKT count of the same support systems, measured in the same run.
TARGETS = [("N=3, K=5 heterogeneous", 3, 5, True), ("N=2, K=7", 2, 7, False)]
TARGET_BETAS = [(1.0, 1.0, 1.0), (0.1, 1.0, 2.0), (10.0, 1.0, 0.5)]


def target_population(N: int, K: int, hetero: bool, seed: int = 17) -> tuple[Any, Any]:
    """Per-agent (or shared) ``a`` and ``C`` from random score matrices (30 contexts)."""
    rng = np.random.default_rng(seed)
    A, Cs = [], []
    for _ in range(N if hetero else 1):
        S = rng.random((30, K))
        A.append(S.mean(axis=0))
        Cs.append(np.cov(S.T, ddof=1))
    return (np.array(A), np.array(Cs)) if hetero else (A[0], Cs[0])


def plain_float_count(game: Any) -> int:
    """Baseline: assemble every support system (padded to ``N(K+1)`` with identity
    rows), one batched ``numpy.linalg.solve`` per chunk (halved around an exactly
    singular system, which then counts nothing), count the KKT-valid solutions
    (float, fixed tolerance)."""
    from nashalign.solvers.equilibria.support_systems import CHUNK, plan

    N, K = game.N, game.K
    nk, n = N * K, N * K + N
    tuples, masks = plan(K, N, game.homogeneous)
    base = np.zeros((n, n))
    base[:nk, :nk] = game.Q
    for m in range(N):
        base[m * K : (m + 1) * K, nk + m] = 1.0
        base[nk + m, m * K : (m + 1) * K] = 1.0
    count = 0
    for start in range(0, tuples.shape[0], CHUNK):
        t = tuples[start : start + CHUNK]
        on = masks[t].reshape(t.shape[0], nk)
        v = np.concatenate([on, np.ones((t.shape[0], N), dtype=bool)], axis=1)
        M = np.where(v[:, :, None] & v[:, None, :], base[None], 0.0)
        M[:, np.arange(nk), np.arange(nk)] += ~on
        rhs = np.concatenate([np.where(on, game.g0, 0.0), np.ones((t.shape[0], N))], axis=1)
        x = _solve_halving(M, rhs[..., None])[..., 0]
        W = np.where(on, x[:, :nk], 0.0)
        G = (game.g0[None] - W @ game.Q.T).reshape(-1, N, K) - x[:, nk:, None]
        onr = on.reshape(-1, N, K)
        ok = (np.where(onr, W.reshape(-1, N, K), np.inf).min(axis=(1, 2)) > 0) & (
            np.where(onr, -np.inf, G).max(axis=(1, 2)) <= 1e-9 * game.scale
        )
        count += int(ok.sum())
    return count


def _solve_halving(M: Any, b: Any) -> Any:
    """Batched ``numpy.linalg.solve``; a batch holding an exactly singular system is
    halved until the singular ones are alone (their solution is NaN)."""
    try:
        return np.linalg.solve(M, b)
    except np.linalg.LinAlgError:
        if M.shape[0] == 1:
            return np.full(b.shape, np.nan)
        h = M.shape[0] // 2
        return np.concatenate([_solve_halving(M[:h], b[:h]), _solve_halving(M[h:], b[h:])])


def run_targets(repeat: int = 11) -> list[dict[str, Any]]:
    from nashalign.solvers.equilibria import all_equilibria
    from nashalign.solvers.equilibria.game import build_game
    from nashalign.solvers.equilibria.support_systems import candidates

    rows = []
    for label, N, K, hetero in TARGETS:
        a, C = target_population(N, K, hetero)
        for bA, bI, bD in TARGET_BETAS:
            game = build_game(a, C, bA, bI, bD, N)
            all_equilibria(a, C, bA, bI, bD, N)  # warm-up (plan cache, imports)
            plain_float_count(game)
            t_base, t_all, t_pre = [], [], []
            for _ in range(repeat):  # interleaved, best of `repeat`
                t0 = time.perf_counter()
                g = build_game(a, C, bA, bI, bD, N)
                n_float = plain_float_count(g)
                t_base.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                es = all_equilibria(a, C, bA, bI, bD, N)
                t_all.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                candidates(build_game(a, C, bA, bI, bD, N))
                t_pre.append(time.perf_counter() - t0)
            n_c = max(es.n_candidates, 1)
            rows.append(
                {
                    "case": label,
                    "betas": [bA, bI, bD],
                    "support_systems": es.n_systems,
                    "baseline_seconds": min(t_base),
                    "all_equilibria_seconds": min(t_all),
                    "prefilter_seconds": min(t_pre),
                    "ratio": min(t_all) / min(t_base),
                    "ne": es.counts["total"],
                    "float_count_baseline": n_float,
                    "candidates": es.n_candidates,
                    # what certifying one candidate costs (exact solve, KKT, stability,
                    # orbit), and what the 1.5x target leaves for it after the pre-filter
                    "ms_per_candidate": 1e3 * (min(t_all) - min(t_pre)) / n_c,
                    "target_ms_per_candidate": 1e3 * (1.5 * min(t_base) - min(t_pre)) / n_c,
                    "exact": es.exact,
                    "complete": es.complete,
                }
            )
            r = rows[-1]
            print(
                f"{label} betas {bA, bI, bD}: baseline {1e3 * r['baseline_seconds']:.1f} ms, "
                f"all_equilibria {1e3 * r['all_equilibria_seconds']:.1f} ms, ratio "
                f"{r['ratio']:.2f}; NE {r['ne']} (float count {n_float}), exact {es.exact}, "
                f"complete {es.complete}",
                flush=True,
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="grid points per axis")
    parser.add_argument("--stride", type=int, default=10, help="exact subsample stride")
    parser.add_argument(
        "--out-dir", default=str(Path(__file__).resolve().parent / "results"), type=Path
    )
    parser.add_argument("--mutants", action="store_true", help="run the mutation harness only")
    args = parser.parse_args(argv)

    from nashalign.io import atomic_write_json, atomic_write_text, ensure_writable_dir

    out_dir = ensure_writable_dir(args.out_dir)
    if args.mutants:
        from equilibria_mutants import record_mutants

        return record_mutants(out_dir)
    targets = run_targets()
    cases = []
    for name, N in CASES:
        case = run_case(name, N, args.n, args.stride)
        cases.append(case)
        print(
            f"{name} N={N} K={case['K']}: grid {case['grid_seconds']:.2f} s "
            f"({case['grid_us_per_point']:.0f} us/point, NE {case['grid_ne_min']}.."
            f"{case['grid_ne_max']}); exact {case['exact_ms_per_point_mean']:.1f} ms/point on "
            f"{case['exact_points']} points, agree {case['exact_agrees_with_grid']}/"
            f"{case['exact_points']}",
            flush=True,
        )
    results: dict[str, Any] = {
        "benchmark": "equilibria",
        "grid": {"beta_a": [LO, HI, args.n], "beta_d": [LO, HI, args.n], "beta_i": 1.0},
        "spacing": "log",
        "exact_stride": args.stride,
        "float_tolerance": f"KKT within {TOL:g} + 1e3 eps kappa, relative to the data scale",
        "certification": "float (KKT with the stated tolerance) on the full grid; exact "
        "rational KKT check of every NE on the subsample",
        "machine": machine_info(),
        "load_average_end": [round(x, 2) for x in __import__("os").getloadavg()],
        "cases": cases,
        "target": {
            "spec": "whole NE set <= 1.5x a plain batched float KKT count of the same "
            "support systems, same run, every NE exactly certified",
            "rows": targets,
            "max_ratio": max(t["ratio"] for t in targets),
        },
        "passed": all(
            c["exact_agrees_with_grid"] == c["exact_points"] and c["exact_all_certified"]
            for c in cases
        )
        and all(t["ratio"] <= 1.5 and t["exact"] and t["complete"] for t in targets),
    }
    atomic_write_json(out_dir / "equilibria.json", results)
    atomic_write_text(out_dir / "equilibria.md", render_markdown(results))
    print(f"wrote {out_dir / 'equilibria.json'} and equilibria.md; passed = {results['passed']}")
    return 0 if results["passed"] else 1


def render_markdown(res: dict[str, Any]) -> str:
    m = res["machine"]
    g = res["grid"]
    lines = [
        "# Equilibrium-set benchmark",
        "",
        f"Joint support enumeration over a {g['beta_a'][2]} x {g['beta_d'][2]} grid of "
        f"(beta_A, beta_D), log-spaced on [{LO:g}, {HI:g}], beta_I = 1.",
        "",
        f"Certification: {res['certification']} (every {res['exact_stride']}-th point per "
        f"axis). Float tolerance: {res['float_tolerance']}.",
        "",
        f"Machine: {m.get('cpu_model', m['machine'])}, {m['cpu_count']} CPUs, "
        f"Python {m['python']}, numpy {m['numpy']} ({m.get('blas', '?')}), "
        f"load average at start {m.get('load_average', ['?'])[0]:.2f}.",
        "",
        "| instance | N | K | systems/point | full grid, float (s) | us/point | NE min..max "
        "(mean) | unique | exact points | exact ms/point (mean, max) | exact full grid "
        "(extrapolated, s) | exact = float |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in res["cases"]:
        lines.append(
            f"| {c['instance']} | {c['N']} | {c['K']} | {c['support_systems_per_point']} | "
            f"{c['grid_seconds']:.2f} | {c['grid_us_per_point']:.0f} | {c['grid_ne_min']}.."
            f"{c['grid_ne_max']} ({c['grid_ne_mean']:.1f}) | "
            f"{100 * c['grid_unique_fraction']:.1f}% | {c['exact_points']} | "
            f"{c['exact_ms_per_point_mean']:.1f}, {c['exact_ms_per_point_max']:.1f} | "
            f"{c['exact_full_grid_seconds_extrapolated']:.0f} | "
            f"{c['exact_agrees_with_grid']}/{c['exact_points']} |"
        )
    t = res["target"]
    lines += [
        "",
        "## SPEC section 8 target",
        "",
        f"Target: {t['spec']}. Best of 11 interleaved runs each; max ratio {t['max_ratio']:.2f}. "
        f"Load average at the end: {res.get('load_average_end', '?')}.",
        "",
        "| case | betas (A, I, D) | systems | float KKT count (ms) | all_equilibria (ms) | "
        "of which pre-filter (ms) | ratio | NE | candidates | ms per candidate (target "
        "leaves) | exact | complete |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in t["rows"]:
        lines.append(
            f"| {r['case']} | {tuple(r['betas'])} | {r['support_systems']} | "
            f"{1e3 * r['baseline_seconds']:.1f} | {1e3 * r['all_equilibria_seconds']:.1f} | "
            f"{1e3 * r['prefilter_seconds']:.1f} | {r['ratio']:.2f} | {r['ne']} | "
            f"{r['candidates']} | "
            + (
                f"{r['ms_per_candidate']:.3f} ({r['target_ms_per_candidate']:.3f})"
                if r["candidates"] >= 50
                else "-"
            )
            + f" | {r['exact']} | {r['complete']} |"
        )
    lines += [
        "",
        "Every candidate that survives the float pre-filter is certified in exact "
        "rational arithmetic: an integer solve of its system on the faces "
        "(`flint.fmpz_mat.solve` of the (|S| - N)-square `B'QB`; the solution's common "
        "denominator has hundreds to a thousand bits), the exact KKT signs (one integer "
        "matrix-vector product), the exact critical-cone test (Sylvester's criterion on "
        "the same matrix), the exact profile as Fractions, and the orbit. "
        "`ms per candidate` is `(all_equilibria - pre-filter) / candidates` (shown from "
        "50 candidates on; below that the difference of two timings is noise), and in "
        "brackets what the 1.5x target leaves for it: `(1.5 x baseline - pre-filter) / "
        "candidates`. With hundreds of equilibria the target holds. With thousands it "
        "cannot: the target then leaves a few hundredths of a millisecond per candidate "
        "(brackets), while one exact certificate takes about 0.2 ms, of which the "
        "integer solve (with its Python set-up) is about half. "
        "The float count certifies nothing and does no per-equilibrium work, so "
        "its cost does not grow with the number of equilibria; an exact certificate "
        "must. The machine is shared (load averages above), so timings vary by up to "
        "2x between runs; ratios are from one run, best of 11 interleaved.",
    ]
    lines += [
        "",
        "The exact certification (integer re-solve, exact KKT and second-order tests) "
        "costs milliseconds per grid point (column 'exact ms/point'), so the full "
        "10^4-point grid is certified in float and the subsample exactly; the two counts "
        "are compared point by point.",
        "",
        f"Overall: {'passed' if res['passed'] else 'FAILED'}.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
