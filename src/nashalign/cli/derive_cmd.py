"""``nashalign derive NAME``: run one derivation and print its record."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``derive`` subcommand."""
    p = sub.add_parser("derive", help="derive one result and print its record")
    p.add_argument(
        "name",
        help="claim1, lemma0, theorem1, lemma2, theorem2, theorem3, exclusion, heterogeneous",
    )
    p.add_argument(
        "--k", type=int, default=3, help="explicit number of subpopulations K (default 3)"
    )
    p.add_argument("--n", type=int, default=None, help="number of agents N (default per result)")
    p.add_argument("--variant", default="overlap", help="overlap (default), spread or distance")
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Derive and print; exit 1 when the result is not verified."""
    import sympy as sp

    from nashalign.derivations import derive

    rec = derive(args.name, K=args.k, N=args.n, variant=args.variant)
    if args.json:
        d = rec.to_json()
        print(
            json.dumps(
                {
                    "name": d["name"],
                    "statement_latex": d["statement_latex"],
                    "verified": d["verified"],
                    "method": d["method"],
                    "seconds": d["seconds"],
                    "expressions": d["expressions"],
                    "checks": d["checks"],
                    "params": d["params"],
                    "failure": d["failure"],
                },
                indent=2,
            )
        )
    else:
        print(f"{rec.title}  [{rec.status}, {rec.seconds:.2f} s]")
        print(f"params: {rec.params}")
        print(f"method: {rec.method}")
        print("statement:", rec.statement_latex)
        for h in rec.hypotheses:
            print("hypothesis:", h)
        for c in rec.checks:
            print(f"  [{'ok' if c.passed else 'FAIL'}] {c.description}")
        if rec.failure:
            print("failure:", rec.failure)
        for key, val in rec.expressions.items():
            text = sp.sstr(val)
            print(f"{key} = {text if len(text) < 400 else text[:400] + ' ...'}")
    return 0 if rec.verified else 1
