r"""``nashalign steer``: the diversity incentive that avoids political exclusion.

For an instance and given :math:`\beta_A, \beta_I` (so :math:`s = \beta_A/\beta_I`),
prints the exact set of :math:`r = \beta_D/\beta_I \ge 0` at which every
interior-NE weight is at least tau (a finite union of closed intervals whose
ends are real roots of the polynomials of SPEC 2.7) and its least element
:math:`r^*`, the minimal diversity incentive, via
:func:`nashalign.exact.steering.steer`.

``--json`` prints ``{"s", "tau", "intervals", "r_star", "binding"}`` with
``intervals`` a list of ``[lo, hi]`` float pairs (``hi`` null when unbounded),
``r_star`` null when no r works and ``binding`` the name of the subpopulation
whose weight equals tau at r* (null when none). The numbers given on the command
line are read as exact decimals (``--tau 0.05`` is 1/20), so the algebraic forms
in the human output are those of the values typed.

Examples
--------
>>> a = build().parse_args(["--instance", "x.json", "--beta-a", "2", "--beta-i", "1"])
>>> validate(a.beta_a, a.beta_i, a.tau, K=3)
(2, 1/20)
"""

from __future__ import annotations

import argparse
import json
import math
from typing import TYPE_CHECKING, Any

from nashalign.errors import InputError

if TYPE_CHECKING:  # sympy is imported lazily: `nashalign --help` stays fast
    import sympy as sp


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--instance", required=True, metavar="PATH", help="instance JSON file")
    p.add_argument(
        "--beta-a", required=True, metavar="X", help="attractiveness coefficient beta_A >= 0"
    )
    p.add_argument("--beta-i", required=True, metavar="Y", help="inconsistency aversion beta_I > 0")
    p.add_argument("--tau", default="0.05", help="exclusion threshold, in (0, 1/K) (default 0.05)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def parse_number(flag: str, text: str) -> sp.Rational:
    """The exact rational value of a decimal (or ``p/q``) command-line number.

    ``0.05`` is read as 1/20, not as the binary float nearest to it, so the
    exact forms printed by ``steer`` stay readable.

    Examples
    --------
    >>> parse_number("--tau", "0.05"), parse_number("--beta-a", "1e-3")
    (1/20, 1/1000)
    >>> parse_number("--beta-a", "nan")
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: --beta-a must be a finite number, got 'nan'
    """
    import sympy as sp

    text = str(text).strip()
    try:
        value = float(sp.Rational(text)) if "/" in text else float(text)
    except (TypeError, ValueError, ZeroDivisionError):
        raise InputError(f"{flag} must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise InputError(f"{flag} must be a finite number, got {text!r}")
    try:
        return sp.Rational(text)
    except (TypeError, ValueError):  # e.g. "1_000": exact value of the float
        return sp.Rational(value)


def build() -> argparse.ArgumentParser:
    """A standalone parser with this subcommand's arguments (for docs and tests)."""
    p = argparse.ArgumentParser(prog="nashalign steer")
    _add_arguments(p)
    return p


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``steer`` subcommand."""
    p = sub.add_parser(
        "steer",
        help="exact exclusion-free diversity incentives r = beta_D/beta_I and the minimal r*",
        description="Exact exclusion-free intervals of r = beta_D/beta_I and the minimal r*.",
    )
    _add_arguments(p)
    p.set_defaults(func=_run)


def validate(beta_a: str, beta_i: str, tau: str, K: int) -> tuple[sp.Rational, sp.Rational]:
    """Validate the inputs and return ``(s, tau)`` exactly, ``s = beta_a / beta_i``.

    Examples
    --------
    >>> validate("2", "4", "0.05", 5)
    (1/2, 1/20)
    >>> validate("1", "1", "0.3", 5)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: --tau must lie in (0, 1/K) = (0, 0.2) for K = 5, got 0.3
    """
    import sympy as sp

    ba = parse_number("--beta-a", beta_a)
    bi = parse_number("--beta-i", beta_i)
    t = parse_number("--tau", tau)
    if bi <= 0:
        raise InputError(f"--beta-i must be > 0, got {float(bi):g}")
    if ba < 0:
        raise InputError(f"--beta-a must be >= 0, got {float(ba):g}")
    if not 0 < t < sp.Rational(1, K):
        raise InputError(
            f"--tau must lie in (0, 1/K) = (0, {1.0 / K:.6g}) for K = {K}, got {float(t):g}"
        )
    return ba / bi, t


def result_json(res: Any, names: list[str]) -> dict[str, Any]:
    """The JSON object printed by ``--json``."""
    return {
        "s": float(res.s),
        "tau": float(res.tau),
        "intervals": [
            [float(lo), None if hi is None else float(hi)] for lo, hi in res.intervals_float
        ],
        "r_star": None if res.r_star_float is None else float(res.r_star_float),
        "binding": None if res.binding is None else names[int(res.binding)],
    }


def _exact(x: Any) -> str:
    import sympy as sp

    return sp.sstr(x)


def _text(res: Any, path: str, names: list[str], beta_i: float) -> list[str]:
    K = len(names)
    lines = [
        f"instance {path} (K = {K}: {', '.join(names)})",
        f"s = beta_A/beta_I = {_exact(res.s)} = {float(res.s):.12g};  tau = {_exact(res.tau)}",
        "exclusion-free r = beta_D/beta_I >= 0 (every interior-NE weight >= tau):",
    ]
    if not res.intervals:
        lines.append("  none: at this s some subpopulation is below tau for every r >= 0")
    for (lo, hi), (flo, fhi) in zip(res.intervals, res.intervals_float, strict=True):
        right = "inf)" if hi is None else f"{fhi:.12g}]"
        lines.append(f"  [{flo:.12g}, {right}")
        same = res.r_star is not None and lo is res.r_star
        lines.append("      lo = r* (below)" if same else f"      lo = {_exact(lo)}")
        if hi is not None:
            lines.append(f"      hi = {_exact(hi)}")
    if res.r_star is None:
        lines.append("minimal diversity incentive r*: none exists")
        return lines
    rs = float(res.r_star_float)
    who = "" if res.binding is None else f"; binding: {names[int(res.binding)]} (weight = tau)"
    lines.append(f"minimal diversity incentive r* = {rs:.12g}{who}")
    lines.append(f"  exact: r* = {_exact(res.r_star)}")
    if not getattr(res, "attained", True):
        lines.append("  (an infimum, not attained: the interior NE is degenerate at r*)")
    lines.append(f"  i.e. beta_D = r* beta_I = {rs * beta_i:.12g} at beta_I = {beta_i:g}")
    return lines


def _run(args: argparse.Namespace) -> int:
    from nashalign.instance import Instance

    inst = Instance.load(args.instance)
    s, tau = validate(args.beta_a, args.beta_i, args.tau, inst.K)
    from nashalign.exact.steering import steer

    res = steer(inst.a, inst.C, s, tau)
    if args.json:
        print(json.dumps(result_json(res, inst.names), indent=2))
    else:
        beta_i = float(parse_number("--beta-i", args.beta_i))
        print("\n".join(_text(res, args.instance, inst.names, beta_i)))
    return 0
