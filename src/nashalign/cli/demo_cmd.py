"""``nashalign demo``: the main job (estimate, verify, cross-check, figures, book).

Exit status: 0 when every stage succeeded, 1 when a stage failed (in
particular when a derivation did not verify), 2 on bad input (for instance an
unwritable ``--out``), before anything runs.

Examples
--------
>>> from nashalign.cli import build_parser
>>> args = build_parser().parse_args(["demo", "--skip-book", "--out", "x"])
>>> args.skip_book, args.out, args.force_estimate
(True, 'x', False)
"""

from __future__ import annotations

import argparse
import sys

from nashalign.cli.progress_flags import add_progress_flags, wants_progress

#: One-line help of ``nashalign demo`` in the command list.
HELP = (
    "the main job: estimate the shipped instances, verify, cross-check, "
    "draw every figure, build the book"
)

#: What ``nashalign demo --help`` says first.
DESCRIPTION = (
    "On the shipped data: estimate the instances (reusing the score cache), verify "
    "every derivation, cross-check the symbolic closed forms against the float "
    "solvers, draw every figure and build the book, all under --out. Exits 1 if "
    "any stage fails (in particular if a derivation does not verify)."
)

#: Let argparse rewrap the description.
RAW = False


def _add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``nashalign demo``."""
    p.add_argument(
        "--out",
        metavar="DIR",
        default="out",
        help="output directory (default: out); locked while written (a second run into it "
        "is refused), INCOMPLETE while written, COMPLETE (sha256 manifest) at the end; "
        "verify.json, crosscheck.json and demo-summary.json are nashalign.verify, "
        "nashalign.studies.crosscheck and nashalign.demo-summary records (see README 'JSON output')",
    )
    p.add_argument("--skip-book", action="store_true", help="do not build the book")
    p.add_argument(
        "--force-estimate", action="store_true", help="re-score the datasets, ignoring the cache"
    )
    p.add_argument(
        "--no-estimate",
        action="store_true",
        help="reuse the committed instances instead of estimating them",
    )
    p.add_argument(
        "--device", default="auto", help="scoring device: auto (default), cpu, cuda, mps"
    )
    p.add_argument(
        "--max-k", type=int, default=4, metavar="K", help="largest explicit K to verify (default 4)"
    )
    p.add_argument(
        "--crosscheck-instances",
        type=int,
        default=100,
        metavar="N",
        help="random instances in the cross-check (default 100)",
    )
    p.add_argument(
        "--resolution",
        type=int,
        default=200,
        metavar="N",
        help="heatmap grid points per axis (default 200)",
    )
    p.add_argument(
        "--n-s", type=int, default=40, metavar="N", help="s values of the r*(s) curves (default 40)"
    )
    p.add_argument(
        "--n-slice", type=int, default=400, metavar="N", help="points per 1-D slice (default 400)"
    )
    p.add_argument(
        "--stable-resolution",
        type=int,
        default=16,
        metavar="N",
        help="points per axis of the stable-equilibrium maps (one exact enumeration of the "
        "whole NE set per point; 0 skips them; default 16)",
    )
    p.add_argument(
        "--datasets",
        nargs="+",
        metavar="NAME",
        help="only these shipped datasets (default: bigfive politics culture)",
    )
    p.add_argument(
        "--strict-book", action="store_true", help="build the book with warnings as errors"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the cross-check (default 0)")
    add_progress_flags(p)


def _run(args: argparse.Namespace) -> int:
    from nashalign.publish.demo import DemoSettings, run_demo

    settings = DemoSettings(
        estimate=not args.no_estimate,
        force_estimate=args.force_estimate,
        device=args.device,
        max_k=args.max_k,
        crosscheck_instances=args.crosscheck_instances,
        resolution=args.resolution,
        n_s=args.n_s,
        n_slice=args.n_slice,
        stable_resolution=args.stable_resolution,
        datasets=tuple(args.datasets) if args.datasets else None,
        skip_book=args.skip_book,
        strict_book=args.strict_book,
        seed=args.seed,
    )
    report = run_demo(args.out, settings, progress=wants_progress(args))
    print("\n".join(report.lines()))
    print(f"summary: {report.out_dir / 'demo-summary.json'}")
    sys.stdout.flush()
    return 0 if report.ok else 1
