"""``nashalign figures``: every figure and table of SPEC section 5.

Draws the exclusion heatmaps, heatmap grids, 1-D slices, governance panels,
the r*(s) curve and the exclusion table (PNG, PDF and the CSV behind each) for
the shipped instances or the ``--instance`` files given, and prints where
everything went. See :func:`nashalign.figures.make_all_figures`.

Examples
--------
>>> from nashalign.cli import build_parser
>>> a = build_parser().parse_args(["figures", "--resolution", "50", "--plane", "beta_a,beta_i", "--focal", "left"])
>>> a.resolution, a.out, a.plane, a.focal
(50, 'out/figures', ['beta_a,beta_i'], 'left')
"""

from __future__ import annotations

import argparse

from nashalign.cli.progress_flags import add_progress_flags, wants_progress
from nashalign.jsonformat import dumps, envelope, finite, help_text

DEFAULT_OUT = "out/figures"


#: One-line help of ``nashalign figures`` in the command list.
HELP = "draw every figure and table (heatmaps, slices, governance, r*(s))"

#: What ``nashalign figures --help`` says first.
DESCRIPTION = (
    "Draw the exclusion heatmaps, heatmap grids, 1-D slices, governance "
    "panels, the r*(s) curve and the exclusion table (PNG, PDF and the CSV behind each) "
    "for the shipped instances or the --instance files given, and print where "
    "everything went."
)

#: Let argparse rewrap the description.
RAW = False


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
        help=f"output directory (default {DEFAULT_OUT}); locked while written (a second run "
        "into it is refused), INCOMPLETE while written, COMPLETE (sha256 manifest) at the end",
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
    p.add_argument(
        "--focal",
        default=None,
        metavar="NAME",
        help="focal subpopulation of the focal heatmap and focal governance figure, in every "
        "instance that has it (default: the one excluded on the largest share of the grid)",
    )
    p.add_argument(
        "--plane",
        action="append",
        default=None,
        metavar="X,Y",
        help="plane of the heatmap grids, two of beta_a, beta_i, beta_d (repeatable; "
        "default: beta_a,beta_d  beta_a,beta_i  beta_i,beta_d)",
    )
    p.add_argument(
        "--stable-resolution",
        type=int,
        default=16,
        metavar="N",
        help="grid points per axis of the stable-equilibrium map (one enumeration of the "
        "whole NE set per point; 0 skips it; default 16)",
    )
    add_progress_flags(p)
    p.add_argument("--json", action="store_true", help=help_text("figures"))


def _run(args: argparse.Namespace) -> int:
    from nashalign.figures import make_all_figures
    from nashalign.figures.grid import parse_planes
    from nashalign.instance import load_instances
    from nashalign.io import locked_output_dir

    planes = parse_planes(args.plane)
    instances = load_instances(args.instance)
    extra = {} if planes is None else {"planes": planes}
    with locked_output_dir(args.out, "nashalign figures") as out:
        summary = make_all_figures(
            instances,
            out,
            progress=wants_progress(args),
            resolution=args.resolution,
            tau=args.tau,
            n_s=args.n_s,
            focal=args.focal,
            stable_resolution=args.stable_resolution,
            **extra,
        )
    if args.json:
        print(dumps(envelope("figures", finite(summary.to_json()))))
        return 0
    print("\n".join(summary.lines()))
    if summary.table is not None:
        print()
        print(summary.table.markdown(), end="")
    return 0
