"""``nashalign derive NAME``: run one derivation and print its record.

``--utility EXPR`` derives the result for a user utility (agent 1's utility in
the documented names of :mod:`nashalign.symbolic.utility_parser`, parsed by a
small safe parser: never ``eval``/``sympify``), with ``--k`` subpopulations and
``--n`` agents.
"""

from __future__ import annotations

import argparse

from nashalign.jsonformat import help_text

#: One-line help of ``nashalign derive`` in the command list.
HELP = "derive one result and print its record"

#: What ``nashalign derive --help`` says first.
DESCRIPTION = (
    "Derive one result at explicit K and print its record (status, typed "
    "steps, checks), its statement and expressions in Unicode maths. Long expressions "
    "are cut at 400 characters unless --full; --json has every expression whole (as "
    "SymPy strings and LaTeX). Exit 0 when proved, 1 otherwise, 2 on bad input."
)


def _add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``nashalign derive``."""
    p.add_argument(
        "name",
        help="claim1, lemma0, theorem1, lemma2, theorem2, theorem3, exclusion, heterogeneous",
    )
    p.add_argument(
        "--k", type=int, default=3, help="explicit number of subpopulations K (default 3)"
    )
    p.add_argument("--n", type=int, default=None, help="number of agents N (default per result)")
    p.add_argument("--variant", default="overlap", help="overlap (default), spread or distance")
    p.add_argument(
        "--utility",
        default=None,
        metavar="EXPR",
        help="agent 1's utility, e.g. \"beta_A*dot(a, w1) - beta_I*quad(w1, C) - "
        'beta_D*dot(w1, wbar)"; names: w<m>_<k>, w1..wN, wbar, a, a1..aK, C, c<i><j>, one, '
        "beta_A, beta_I, beta_D, extra parameters; functions dot, quad, norm2, sum",
    )
    p.add_argument(
        "--full", action="store_true", help="print every expression whole (no 400-character cut)"
    )
    p.add_argument("--json", action="store_true", help=help_text("derive"))


def run(args: argparse.Namespace) -> int:
    """Derive and print; exit 1 when the result is not proved."""
    from nashalign.derivations import DEFAULT_N, derive
    from nashalign.publish.plain import record_text

    if args.utility is not None:
        from nashalign.symbolic.utility_parser import parse_utility

        n = args.n if args.n is not None else max(DEFAULT_N.get(args.name, 2), 2)
        game = parse_utility(args.utility, K=args.k, N=n)
        rec = derive(args.name, game=game)
    else:
        rec = derive(args.name, K=args.k, N=args.n, variant=args.variant)
    if args.json:
        from nashalign.jsonformat import dumps, envelope

        print(dumps(envelope("derive", rec.to_json())))
    else:
        print(record_text(rec, max_expr=None if args.full else 400))
    return 0 if rec.verified else 1
