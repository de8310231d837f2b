"""``nashalign figures``: every figure and table of SPEC section 5.

Draws the exclusion heatmaps, heatmap grids, 1-D slices, governance panels,
the r*(s) curve and the exclusion table (PNG, PDF and the CSV behind each) for
the shipped instances or the ``--instance`` files given, and prints where
everything went. See :func:`nashalign.figures.make_all_figures`.

Examples
--------
>>> p = build()
>>> a = p.parse_args(["--resolution", "50"])
>>> a.resolution, a.out
(50, 'out/figures')
"""

from __future__ import annotations

import argparse
import json

from nashalign.cli.progress_flags import add_progress_flags, wants_progress

DEFAULT_OUT = "out/figures"


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--instance",
        action="append",
        metavar="PATH",
        default=None,
        help="instance JSON file or shipped name (repeatable; default: the shipped bigfive, politics, culture)",
    )
    p.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"output directory (default {DEFAULT_OUT})",
    )
    p.add_argument(
        "--resolution",
        type=int,
        default=200,
        metavar="N",
        help="heatmap grid points per axis (default 200)",
    )
    p.add_argument("--tau", type=float, default=0.05, help="exclusion threshold (default 0.05)")
    p.add_argument(
        "--n-s",
        type=int,
        default=40,
        metavar="N",
        help="number of s values of the exact r*(s) curve (default 40)",
    )
    add_progress_flags(p)
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


def build() -> argparse.ArgumentParser:
    """A standalone parser with this subcommand's arguments (for docs and tests)."""
    p = argparse.ArgumentParser(prog="nashalign figures")
    _add_arguments(p)
    return p


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``figures`` subcommand."""
    p = sub.add_parser(
        "figures",
        help="draw every figure and table (heatmaps, slices, governance, r*(s))",
        description=(
            "Draw the exclusion heatmaps, heatmap grids, 1-D slices, governance panels, "
            "the r*(s) curve and the exclusion table (PNG, PDF and the CSV behind each) "
            "for the shipped instances or the --instance files given, and print where "
            "everything went."
        ),
    )
    _add_arguments(p)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from nashalign.figures import make_all_figures
    from nashalign.instance import load_instances

    instances = load_instances(args.instance)
    summary = make_all_figures(
        instances,
        args.out,
        progress=wants_progress(args),
        resolution=args.resolution,
        tau=args.tau,
        n_s=args.n_s,
    )
    if args.json:
        print(json.dumps(summary.to_json(), indent=2))
        return 0
    print("\n".join(summary.lines()))
    if summary.table is not None:
        print()
        print(summary.table.markdown(), end="")
    return 0
