r"""``nashalign steer``: the diversity incentive that avoids political exclusion.

For an instance and given :math:`\beta_A, \beta_I` (so :math:`s = \beta_A/\beta_I`),
prints the exact set of :math:`r = \beta_D/\beta_I \ge 0` at which every
interior-NE weight is at least tau (a finite union of closed intervals whose
ends are real roots of the polynomials of SPEC 2.7) and its least element
:math:`r^*`, the minimal diversity incentive, via
:func:`nashalign.exact.steering.steer`.

``--json`` prints one ``nashalign.steer`` record (the envelope ``format``,
``format_version``, ``nashalign_version``, then) ``{"s", "tau", "intervals", "r_star", "binding"}`` with
``intervals`` a list of ``[lo, hi]`` float pairs (``hi`` null when unbounded),
``r_star`` null when no r works and ``binding`` the name of the subpopulation
whose weight equals tau at r* (null when none), and ``exact``: the same endpoints
and r* as exact algebraic numbers (``CRootOf`` or rationals, as strings) with
30-digit decimals, plus ``attained`` (False when r* is only an infimum). ``binding_index``
(top level) and ``exact.binding`` give the same subpopulation as an index into the
instance's names, ``exact.binding_name`` by name. ``robust`` holds robust steering at
the same s (every NE / every stable NE exclusion-free, N = ``--agents``), null with a
``robust_note`` where the whole NE set is out of reach. The numbers given on the command
line are read as exact decimals (``--tau 0.05`` is 1/20), so the algebraic forms
in the human output are those of the values typed.

Examples
--------
>>> from nashalign.cli import build_parser
>>> a = build_parser().parse_args(["steer", "--instance", "x.json", "--beta-a", "2", "--beta-i", "1"])
>>> a.beta_a, a.tau
('2', '0.05')
"""

from __future__ import annotations

import argparse

from nashalign.jsonformat import dumps, envelope, help_text

FLAGS = ("--beta-a", "--beta-i", "--tau")


#: One-line help of ``nashalign steer`` in the command list.
HELP = "exact exclusion-free diversity incentives r = beta_D/beta_I and the minimal r*"

#: What ``nashalign steer --help`` says first.
DESCRIPTION = (
    "Exact exclusion-free intervals of r = beta_D/beta_I and the minimal r* "
    "for the symmetric interior NE (Theorem 1), and beside them the r at which every "
    "stable NE is exclusion-free (robust steering): the two differ where the potential "
    "is not concave and other NE exist."
)


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--instance", required=True, metavar="PATH", help="instance JSON file or shipped name"
    )
    p.add_argument(
        "--beta-a", required=True, metavar="X", help="attractiveness coefficient beta_A >= 0"
    )
    p.add_argument("--beta-i", required=True, metavar="Y", help="inconsistency aversion beta_I > 0")
    p.add_argument("--tau", default="0.05", help="exclusion threshold, in (0, 1/K) (default 0.05)")
    p.add_argument(
        "--agents",
        type=int,
        default=2,
        metavar="N",
        help="number of agents N of the 'every stable NE' part (default 2): r* covers the "
        "symmetric interior NE only, so the r at which every stable NE is exclusion-free "
        "is shown beside it (exact below r_c, on a 21-point grid up to r = 10 above)",
    )
    p.add_argument("--json", action="store_true", help=help_text("steer"))


def _run(args: argparse.Namespace) -> int:
    from nashalign.instance import Instance
    from nashalign.publish.plain import steer_report

    inst = Instance.resolve(args.instance)
    out = steer_report(
        inst,
        args.instance,
        args.beta_a,
        args.beta_i,
        args.tau,
        n_agents=args.agents,
        as_json=args.json,
    )
    print(dumps(envelope("steer", out)) if args.json else out)
    return 0
