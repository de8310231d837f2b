"""nashalign solve: the Nash equilibrium of one population.

One --instance with --agents N (default 2) is a homogeneous population: every
agent shares the instance's attractiveness a and inconsistency C. One --instance
per agent is a heterogeneous population. Equilibria depend on the three weights
only through s = beta_A/beta_I and r = beta_D/beta_I.

Methods:

  closed-form  the symmetric interior equilibrium of Theorem 1 (a formula). At
               a degenerate ratio (alpha or alpha_tilde is 0) it stops and names
               the root; when the formula's point leaves the simplex it is shown
               with "interior: no" and no NashConv.
  support      every symmetric equilibrium, by trying every support (boundary
               equilibria and continua included); the first is reported, all
               are listed.
  iterative    best-response dynamics, polished to an exact equilibrium; for
               asymmetric and heterogeneous populations.
  all          the whole equilibrium set (every support of every agent, each
               equilibrium checked in exact arithmetic) where that is in reach
               (about N <= 4, K <= 6), else several best-response runs.
  auto         (default) closed-form where it gives an interior equilibrium,
               else support; iterative for heterogeneous populations; plus a
               summary of the whole set.

NashConv is the total gain the agents could make by switching to their best
responses: 0 exactly at an equilibrium. --json prints one nashalign.solve record
(see the README, "JSON output"). Nothing is written to disk.

Examples
--------
>>> from nashalign.cli import build_parser
>>> a = build_parser().parse_args(["solve", "--instance", "x.json", "--beta-a", "1", "--beta-i", "2",
...                         "--beta-d", "0.5"])
>>> a.instance, a.beta_i, a.agents, a.method, a.json
(['x.json'], 2.0, None, 'auto', False)
"""

from __future__ import annotations

import argparse
import sys

from nashalign.jsonformat import envelope, help_text, write_json
from nashalign.publish.plain import solve_text
from nashalign.studies.solve import METHODS, solve_population

#: One-line help of ``nashalign solve`` in the command list.
HELP = "Nash equilibrium of a homogeneous or heterogeneous population"

#: What ``nashalign solve --help`` says first.
DESCRIPTION = (__doc__ or "").split("Examples")[0]


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--instance",
        required=True,
        action="append",
        metavar="PATH",
        help="instance JSON file or shipped name (repeat once per agent for a heterogeneous population)",
    )
    p.add_argument("--beta-a", required=True, type=float, metavar="X", help="beta_A >= 0")
    p.add_argument("--beta-i", required=True, type=float, metavar="Y", help="beta_I > 0")
    p.add_argument("--beta-d", required=True, type=float, metavar="Z", help="beta_D")
    p.add_argument(
        "--agents",
        type=int,
        default=None,
        metavar="N",
        help="number of agents N >= 1 (default 2; the number of instances when several)",
    )
    p.add_argument("--method", choices=METHODS, default="auto", help="solver (default auto)")
    p.add_argument("--json", action="store_true", help=help_text("solve"))


def _run(args: argparse.Namespace) -> int:
    out = solve_population(
        args.instance,
        args.beta_a,
        args.beta_i,
        args.beta_d,
        args.agents,
        args.method,
        stream=args.json,
    )
    if args.json:
        # Streamed: each equilibrium becomes JSON only as it is written (a set of
        # ~40,000 exact NE at N = 4, K = 5 would otherwise hold ~1 GB of text).
        write_json(envelope("solve", out), sys.stdout)
        print()
    else:
        print(solve_text(out))
    return 0
