"""nashalign check-solver: check your own equilibrium solver against the exact answers.

The solver is a Python function (--python MODULE:FUNCTION or FILE.py:FUNCTION) or a
program (--cmd "EXE ARGS"). It gets one request per case, a nashalign.solve-request
JSON object (for --cmd: one line on its stdin), with the game: n_agents, K, names,
a ([K], or [N][K] one per agent), C ([K][K] or [N][K][K]), beta_a, beta_i, beta_d,
and s = beta_a/beta_i, r = beta_d/beta_i. It answers one object (for --cmd: one line
on stdout, flushed):

  {"id": ID, "weights": W}               one Nash equilibrium: W is [K] (every
                                         agent plays it) or [N][K]
  {"id": ID, "equilibria": [W, ...]}     the whole set
  {"id": ID, "unsupported": "why"}       declined (fails unless --allow-unsupported)
  {"id": ID, "error": "why"}

The cases: the shipped frozen cases (exact answers) and --random N cases drawn from
--seed, each solved exactly here. An answer passes when it lies on the simplex and
within atol + rtol x cond of an exact equilibrium (cond: the condition number of that
equilibrium's support system; distance: the largest entrywise difference). A
table is printed; --out FILE writes a nashalign.check-solver JSON record.

Exit status: 0 when every case passes, 1 when one fails (wrong answer, error or
time-out), 2 on bad options.

Examples
--------
>>> from nashalign.cli import build_parser
>>> a = build_parser().parse_args(["check-solver", "--cmd", "python my_solver.py", "--seed", "3"])
>>> a.cmd, a.python, a.seed, a.random, a.timeout
('python my_solver.py', None, 3, 20, 10.0)
"""

from __future__ import annotations

import argparse

from nashalign.jsonformat import dumps
from nashalign.testing.check import run_check_solver

#: One-line help of ``nashalign check-solver`` in the command list.
HELP = "check your own equilibrium solver against the exact answers"

#: What ``nashalign check-solver --help`` says first.
DESCRIPTION = (__doc__ or "").split("Examples")[0]


def _add_arguments(p: argparse.ArgumentParser) -> None:
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--python", metavar="MODULE:FUNCTION", help="a Python function: request dict in, answer out"
    )
    who.add_argument(
        "--cmd", metavar='"EXE ARGS"', help="a program speaking JSON Lines on stdin/stdout"
    )
    p.add_argument(
        "--seed", type=int, default=0, metavar="N", help="seed of the random cases (default 0)"
    )
    p.add_argument(
        "--random", type=int, default=20, metavar="N", help="number of random cases (default 20)"
    )
    p.add_argument("--no-frozen", action="store_true", help="skip the shipped frozen cases")
    p.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="time-out per case (default 10)",
    )
    p.add_argument(
        "--atol", type=float, default=1e-8, metavar="X", help="absolute tolerance (default 1e-8)"
    )
    p.add_argument(
        "--rtol",
        type=float,
        default=1e-10,
        metavar="X",
        help="backward error granted, times cond (default 1e-10)",
    )
    p.add_argument(
        "--allow-unsupported", action="store_true", help="declined cases do not fail the check"
    )
    p.add_argument("--out", metavar="FILE", help="write the nashalign.check-solver record here")
    p.add_argument(
        "--json",
        action="store_true",
        help="print the nashalign.check-solver record instead of the table",
    )


def _run(args: argparse.Namespace) -> int:
    report = run_check_solver(
        args.python,
        args.cmd,
        seed=args.seed,
        n_random=args.random,
        frozen=not args.no_frozen,
        timeout=args.timeout,
        atol=args.atol,
        rtol=args.rtol,
        allow_unsupported=args.allow_unsupported,
        out=args.out,
    )
    print(dumps(report.record()) if args.json else report.table())
    return report.exit_code
