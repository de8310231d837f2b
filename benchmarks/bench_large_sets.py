"""Benchmark: peak memory of ``solve --method all --json`` on a large equilibrium set.

Issue 17 ("Large sets"): for N = 4, K = 5 (the shipped ``bigfive`` instance; tens of
thousands of exactly certified NE) ``solve --method all --json`` must stay under
300 MiB peak. The CLI streams the set (:func:`nashalign.jsonformat.write_json`
converts each equilibrium to JSON only as it writes it); the baseline, in the same
run, is the plain path it replaced: :func:`~nashalign.studies.solve.solve_population`
and :func:`~nashalign.jsonformat.dumps` of the whole record, printed at once.

Each side runs in its own fresh process (``os.wait4`` gives its peak resident set);
both write to a file under a temporary directory, and the two outputs must be
byte-identical.

Usage::

    .venv/bin/python benchmarks/bench_large_sets.py [--agents 4]

Results go to ``benchmarks/results/large_sets.json`` and ``large_sets.md``
(``--out-dir`` to change), written atomically.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_closed_form import machine_info  # noqa: E402

LIMIT_MIB = 300.0
CASES = [(1.0, 1.0, 1.0), (0.1, 1.0, 2.0)]

PLAIN = """
import sys
from nashalign.jsonformat import dumps, envelope
from nashalign.studies.solve import solve_population
ba, bi, bd, n = (float(x) for x in sys.argv[1:5])
out = solve_population(["bigfive"], ba, bi, bd, int(n), "all")
print(dumps(envelope("solve", out)))
"""


def run(cmd: list[str], out_path: Path) -> dict[str, Any]:
    """Run ``cmd`` with stdout to ``out_path``: wall seconds, peak RSS (MiB), output size."""
    t0 = time.perf_counter()
    with open(out_path, "wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench_large_sets: {' '.join(cmd)} failed")
    digest = hashlib.sha256()
    with open(out_path, "rb") as fh:  # in chunks: the parent stays small (see set_header)
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return {
        "seconds": wall,
        "peak_rss_mib": usage.ru_maxrss / 1024.0,
        "bytes": out_path.stat().st_size,
        "sha256": digest.hexdigest(),
    }


def set_header(path: Path) -> dict[str, Any]:
    """K, counts and exactness of the whole set, read from the record's head only.

    The parent never loads the whole output: a forked child's peak resident set
    starts from its parent's, so a big parent would inflate the next measurement.
    """
    import re

    with open(path, encoding="utf-8") as fh:
        head = fh.read(1 << 16)
    body = head[head.index('"equilibrium_set": {') :]
    K = int(re.search(r'"K": (\d+)', body).group(1))
    total = int(re.search(r'"total": (\d+)', body).group(1))
    exact = re.search(r'"exact": (true|false)', body).group(1) == "true"
    return {"K": K, "counts": {"total": total}, "exact": exact}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--agents", type=int, default=4)
    parser.add_argument(
        "--out-dir", default=str(Path(__file__).resolve().parent / "results"), type=Path
    )
    args = parser.parse_args(argv)

    from nashalign.io import atomic_write_json, atomic_write_text, ensure_writable_dir

    out_dir = ensure_writable_dir(args.out_dir)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for ba, bi, bd in CASES:
            betas = [f"{ba:g}", f"{bi:g}", f"{bd:g}"]
            cli = [sys.executable, "-m", "nashalign", "solve", "--instance", "bigfive"]
            cli += ["--agents", str(args.agents), "--method", "all", "--json"]
            cli += ["--beta-a", betas[0], "--beta-i", betas[1], "--beta-d", betas[2]]
            streamed = run(cli, Path(tmp) / "streamed.json")
            plain_cmd = [sys.executable, "-c", PLAIN, *betas, str(args.agents)]
            plain = run(plain_cmd, Path(tmp) / "plain.json")
            rec = set_header(Path(tmp) / "streamed.json")
            row = {
                "betas": [ba, bi, bd],
                "n_agents": args.agents,
                "K": rec["K"],
                "ne": rec["counts"]["total"],
                "exact": rec["exact"],
                "streamed": streamed,
                "plain": plain,
                "identical": streamed["sha256"] == plain["sha256"],
                "passed": streamed["peak_rss_mib"] <= LIMIT_MIB
                and streamed["sha256"] == plain["sha256"],
            }
            rows.append(row)
            print(
                f"betas {betas}: {row['ne']} NE; streamed {streamed['peak_rss_mib']:.0f} MiB "
                f"{streamed['seconds']:.1f} s, plain {plain['peak_rss_mib']:.0f} MiB "
                f"{plain['seconds']:.1f} s, identical {row['identical']}",
                flush=True,
            )
    res = {
        "machine": machine_info(),
        "limit_mib": LIMIT_MIB,
        "cases": rows,
        "passed": all(r["passed"] for r in rows),
    }
    atomic_write_json(out_dir / "large_sets.json", res)
    atomic_write_text(out_dir / "large_sets.md", render_markdown(res))
    return 0 if res["passed"] else 1


def render_markdown(res: dict[str, Any]) -> str:
    m = res["machine"]
    lines = [
        "# Large equilibrium sets: peak memory of `solve --method all --json`",
        "",
        f"Machine: {m.get('cpu_model', m.get('processor', '?'))}, {m.get('cpu_count')} CPUs, "
        f"Python {m.get('python')}; load average at start {m.get('load_average', ['?'])[0]}.",
        "",
        "Instance `bigfive` (K = 5). *streamed*: the CLI (each NE written as it is "
        "converted); *plain*: `solve_population` + `dumps` of the whole record, the path it "
        "replaced, in the same run. Each side is a fresh process; peak = its maximum "
        "resident set (`os.wait4`). The two outputs must be byte-identical.",
        "",
        "| betas (A, I, D) | N | NE | exactly certified | streamed peak (MiB) | streamed (s) "
        "| plain peak (MiB) | plain (s) | output (MB) | identical | <= "
        f"{res['limit_mib']:.0f} MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in res["cases"]:
        s, p = r["streamed"], r["plain"]
        lines.append(
            f"| {tuple(r['betas'])} | {r['n_agents']} | {r['ne']:,} | {r['exact']} | "
            f"{s['peak_rss_mib']:.0f} | {s['seconds']:.1f} | {p['peak_rss_mib']:.0f} | "
            f"{p['seconds']:.1f} | {s['bytes'] / 1e6:.0f} | {r['identical']} | "
            f"{'yes' if r['passed'] else 'NO'} |"
        )
    lines += ["", f"Overall: {'passed' if res['passed'] else 'FAILED'}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
