r"""Steering: the exclusion-free diversity incentives, computed exactly (SPEC 2.7).

For a concrete instance and fixed ``s = beta_A / beta_I``, every equilibrium
weight is at least ``tau`` exactly where the polynomials

.. math:: p_k(r) = (A\mathbf 1)_k + s\,(\Pi a)_k - \tau\,\alpha(r)

are all nonnegative (``alpha > 0`` for ``r > 0`` by Lemma 2), so the set of
``r = beta_D / beta_I >= 0`` with no excluded subpopulation is a finite union
of closed intervals whose endpoints are real roots of the ``p_k``. They are
found by exact real-root isolation (:func:`sympy.intervals` on the irreducible
factors), the sign of every ``p_k`` is decided exactly on each piece, and the
endpoints are returned as exact algebraic numbers (``CRootOf`` or rationals)
with decimal approximations. ``r_star`` is the smallest exclusion-free ``r``.

Examples
--------
>>> res = steer([1, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], s=4, tau="1/20")
>>> res.r_star, res.binding
(46/17, 1)
>>> res.intervals
[(46/17, None)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError
from nashalign.exact.evaluate import instance_polynomials, to_rational
from nashalign.instance import MAX_RATIO, parse_exact_number, validate_a_C
from nashalign.symbolic.symbols import r
from nashalign.validation import validate_tau

#: Largest K for exact steering (real-root isolation of degree K-1 polynomials).
MAX_STEER_K = 12
#: What the intervals and r* are about (printed with every steering result).
COVERS = (
    "note: these intervals and r* cover the symmetric interior NE of Theorem 1 only; where "
    "the potential Phi is not concave (r above r_c = 2(N-1) mu_min) other, asymmetric NE "
    "exist too and may exclude someone: see 'every stable NE' (robust steering)"
)
#: Digits of the decimal approximations reported beside exact endpoints.
DIGITS = 30


@dataclass
class SteeringResult:
    """Exclusion-free intervals of ``r`` and the minimal diversity incentive."""

    s: sp.Rational
    tau: sp.Rational
    intervals: list[tuple[sp.Expr, sp.Expr | None]]
    r_star: sp.Expr | None
    binding: int | None
    attained: bool = True
    polynomials: list[sp.Poly] = field(default_factory=list)

    @property
    def intervals_float(self) -> list[tuple[float, float | None]]:
        """Endpoints as floats (``None`` for an unbounded upper end)."""
        return [(_f(lo), None if hi is None else _f(hi)) for lo, hi in self.intervals]

    @property
    def r_star_float(self) -> float | None:
        """``r_star`` as a float, or None when no exclusion-free ``r`` exists."""
        return None if self.r_star is None else _f(self.r_star)

    def to_json(self, names: list[str] | None = None) -> dict[str, Any]:
        """Floats of the result; with ``names``, the JSON of ``nashalign steer --json``:
        ``binding`` then names the subpopulation at tau at r* (or is None) and ``exact``
        holds every endpoint and r* as exact algebraic strings with 30-digit decimals."""
        out: dict[str, Any] = {
            "s": float(self.s),
            "tau": float(self.tau),
            "intervals": [[lo, hi] for lo, hi in self.intervals_float],
            "r_star": self.r_star_float,
        }
        if names is not None:
            out["binding"] = None if self.binding is None else names[int(self.binding)]
            out["binding_index"] = self.binding
            out["exact"] = self.exact_strings()
            # the same subpopulation by name beside the index kept under exact.binding
            out["exact"]["binding_name"] = out["binding"]
            out["equilibrium"] = COVERS.strip()
        return out

    def report_lines(self, names: list[str], source: str, beta_i: object = 1) -> list[str]:
        """Human-readable report: intervals (decimal and exact), r* and its binding weight.

        Examples
        --------
        >>> res = steer([1, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], s=4, tau="1/20")
        >>> res.report_lines(["x", "y", "z"], "toy")[-4]
        'minimal diversity incentive r* = 2.70588235294; binding: y (weight = tau)'
        """
        K = len(names)
        lines = [
            f"instance {source} (K = {K}: {', '.join(names)})",
            f"s = beta_A/beta_I = {_exact_and_decimal(self.s)};  "
            f"tau = {_exact_and_decimal(self.tau)}",
            "exclusion-free r = beta_D/beta_I >= 0 (every interior-NE weight >= tau):",
        ]
        if not self.intervals:
            lines.append("  none: at this s some subpopulation is below tau for every r >= 0")
        for (lo, hi), (flo, fhi) in zip(self.intervals, self.intervals_float, strict=True):
            right = "inf)" if hi is None else f"{fhi:.12g}]"
            lines.append(f"  [{flo:.12g}, {right}")
            same = self.r_star is not None and lo is self.r_star
            if same:
                lines.append("      lower end: r* (its exact form is given below)")
            else:
                lines.append(f"      lower end, exactly: {sp.sstr(lo)}")
            if hi is not None:
                lines.append(f"      upper end, exactly: {sp.sstr(hi)}")
        if self.r_star is None:
            lines.append("minimal diversity incentive r*: none exists")
            return lines
        rs = float(self.r_star_float)
        who = (
            "" if self.binding is None else f"; binding: {names[int(self.binding)]} (weight = tau)"
        )
        lines.append(f"minimal diversity incentive r* = {rs:.12g}{who}")
        lines.append(f"  exact: r* = {sp.sstr(self.r_star)}")
        if not self.attained:
            lines.append("  (an infimum, not attained: the interior NE is degenerate at r*)")
        bi = float(beta_i)
        lines.append(f"  i.e. beta_D = r* beta_I = {rs * bi:.12g} at beta_I = {bi:g}")
        lines.append(COVERS)
        return lines

    def exact_strings(self) -> dict[str, Any]:
        """Exact endpoints as strings (algebraic numbers) with decimals and a rational
        isolating interval ``[lo, hi]`` of width below ``10**-DIGITS`` (``lo = hi`` for a
        rational).

        Examples
        --------
        >>> res = steer([1, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], s=4, tau="1/20")
        >>> res.exact_strings()["r_star"]["interval"]
        ['46/17', '46/17']
        """
        fmt = lambda x: (
            None
            if x is None
            else {
                "exact": sp.sstr(x),
                "decimal": sp.N(x, DIGITS).__str__(),
                "interval": [sp.sstr(v) for v in _isolating_interval(x)],
            }
        )
        return {
            "intervals": [[fmt(lo), fmt(hi)] for lo, hi in self.intervals],
            "r_star": fmt(self.r_star),
            "binding": self.binding,
            "attained": self.attained,
        }


def _exact_and_decimal(x: sp.Expr) -> str:
    """``1``, ``1/20 = 0.05`` or ``1/3 ≈ 0.333333333333``: the decimal only where it adds.

    Examples
    --------
    >>> _exact_and_decimal(sp.Integer(1)), _exact_and_decimal(sp.Rational(1, 20))
    ('1', '1/20 = 0.05')
    >>> _exact_and_decimal(sp.Rational(1, 3))
    '1/3 ≈ 0.333333333333'
    """
    text = sp.sstr(x)
    dec = f"{float(x):.12g}"
    if dec == text:
        return text
    same = sp.Rational(dec) == x
    return f"{text} {'=' if same else '≈'} {dec}"


def _isolating_interval(x: sp.Expr) -> tuple[sp.Rational, sp.Rational]:
    """Rational ``(lo, hi)`` containing only the real root ``x`` of its polynomial."""
    if isinstance(x, sp.Rational):
        return x, x
    if isinstance(x, sp.CRootOf) and x.is_real:
        eps = sp.Rational(1, 10**DIGITS)
        real = [iv for iv, _ in sp.Poly(x.expr, x.poly.gen).intervals(eps=eps)]
        lo, hi = real[x.index]
        return sp.Rational(lo), sp.Rational(hi)
    if x.is_real and x.is_algebraic:  # e.g. a radical: isolate a root of its minimal polynomial
        X = sp.Dummy("x")
        poly = sp.Poly(sp.minimal_polynomial(x, X), X)
        value = sp.N(x, 2 * DIGITS)
        for (lo, hi), _ in poly.intervals(eps=sp.Rational(1, 10**DIGITS)):
            if sp.Rational(lo) <= value <= sp.Rational(hi):
                return sp.Rational(lo), sp.Rational(hi)
    raise TypeError(f"not a real algebraic number: {x!r}")  # pragma: no cover


def _f(x: sp.Expr) -> float:
    return float(sp.N(x, 20))


def _isolate(factors: list[sp.Poly]) -> list[tuple[sp.Rational, sp.Rational, int]]:
    """Disjoint isolating intervals ``(lo, hi, factor index)`` of the roots >= 0, sorted,
    refined until consecutive intervals are separated by a gap (so that a rational
    sample point lies strictly between consecutive roots)."""
    if not factors:
        return []
    eps = sp.Rational(1, 10**12)
    while True:
        iso = [
            (sp.Rational(lo), sp.Rational(hi), next(iter(idx)))
            for (lo, hi), idx in sp.intervals(factors, inf=0, eps=eps)
        ]
        gaps_ok = all(iso[i][1] < iso[i + 1][0] for i in range(len(iso) - 1))
        first_ok = not iso or iso[0][0] > 0 or iso[0][1] == 0
        if gaps_ok and first_ok:
            return iso
        eps /= 10**6


def _root(factor: sp.Poly, lo: sp.Rational, hi: sp.Rational) -> sp.Expr:
    """The unique root of the irreducible ``factor`` in ``[lo, hi]``, exactly."""
    if lo == hi:
        return lo
    for root in factor.real_roots():
        if bool(root >= lo) and bool(root <= hi):
            return root
    raise RuntimeError("real-root isolation failed")  # pragma: no cover


def steer(a: ArrayLike, C: ArrayLike, s: object, tau: object = 0.05) -> SteeringResult:
    """Exclusion-free intervals of ``r = beta_D / beta_I`` at fixed ``s`` and ``tau``.

    Parameters
    ----------
    a, C : array-like
        The instance (C symmetric PSD); floats are converted exactly.
    s : number
        ``beta_A / beta_I >= 0``.
    tau : number
        Exclusion threshold, ``0 < tau < 1/K``.

    Returns
    -------
    SteeringResult
        ``intervals`` (exact endpoints; ``None`` = unbounded), ``r_star`` (the
        smallest exclusion-free r, or None), ``attained`` (False when r_star is
        only an infimum) and ``binding`` (the subpopulation whose weight equals
        tau at ``r_star``, None when no weight sits at tau there).
    """
    a_f, _ = validate_a_C(np.asarray(a, dtype=float), np.asarray(C, dtype=float))
    K = len(a_f)
    s_q, tau_q = to_rational(s), to_rational(tau)
    if s_q < 0:
        raise InputError(f"s = beta_A / beta_I must be >= 0, got {float(s_q)}")
    if s_q > MAX_RATIO:
        raise InputError(
            f"s = beta_A / beta_I must be at most {MAX_RATIO:.0e}, got {float(s_q):.3g}"
        )
    if K > MAX_STEER_K:
        raise InputError(
            f"exact steering is limited to K <= {MAX_STEER_K} (K = {K}): the polynomials of "
            "degree K-1 have huge exact coefficients; use the float closed form "
            "(nashalign.solvers.closed_form.symmetric_ne) on a grid of r instead"
        )
    validate_tau(tau_q, K)
    polys = instance_polynomials(a, C)
    alpha = polys.alpha
    ps = [
        sp.Poly(A1 + s_q * Pa - tau_q * alpha, r, domain=sp.QQ)
        for A1, Pa in zip(polys.A1, polys.Pia, strict=True)
    ]
    factors: list[sp.Poly] = []
    for p in [*ps, alpha]:
        if p.is_zero or p.degree() <= 0:
            continue
        for f, _ in p.factor_list()[1]:
            f = sp.Poly(f, r, domain=sp.QQ).monic()
            if f.degree() > 0 and all(f != g for g in factors):
                factors.append(f)
    iso = _isolate(factors)
    divides = lambda f, p: p.is_zero or p.rem(f).is_zero

    def feasible_at(x: sp.Rational) -> bool:
        return alpha.eval(x) > 0 and all(p.eval(x) >= 0 for p in ps)

    # Critical points in order, each with its isolating interval [lo, hi] and its
    # irreducible factor (None for r = 0 when 0 is not a root); 0 is always one.
    crit: list[tuple[sp.Expr, sp.Poly | None, sp.Rational, sp.Rational]] = []
    if not iso or iso[0][1] != 0:
        crit.append((sp.Integer(0), None, sp.Integer(0), sp.Integer(0)))
    crit += [(_root(factors[i], lo, hi), factors[i], lo, hi) for lo, hi, i in iso]
    pieces: list[tuple[str, sp.Expr, sp.Expr | None, bool]] = []
    for i, (x, f, _, hi) in enumerate(crit):
        nxt = crit[i + 1] if i + 1 < len(crit) else None
        # A rational point strictly between this root and the next (isolating intervals are apart).
        sample = (hi + nxt[2]) / 2 if nxt is not None else hi + 1
        if f is None:
            point_ok = feasible_at(x)
        else:
            # Exact sign at an algebraic root: zero where its factor divides the polynomial,
            # else the sign on the open piece to its right (no root in between).
            point_ok = not divides(f, alpha) and all(
                divides(f, p) or p.eval(sample) > 0 for p in ps
            )
        pieces.append(("point", x, x, point_ok))
        pieces.append(("open", x, None if nxt is None else nxt[0], feasible_at(sample)))
    # Merge runs of feasible pieces into intervals; a sentinel closes the last run.
    intervals: list[tuple[sp.Expr, sp.Expr | None]] = []
    first_kind: str | None = None
    start: tuple[str, sp.Expr] | None = None
    last_hi: sp.Expr | None = None
    for kind, lo, hi, ok in [*pieces, ("end", None, None, False)]:
        if ok:
            if start is None:
                start = (kind, lo)
            last_hi = hi
        elif start is not None:
            intervals.append((start[1], last_hi))
            first_kind = first_kind or start[0]
            start = None
    # r* is attained unless the first interval opens at an infeasible point.
    attained = first_kind != "open"
    r_star = intervals[0][0] if intervals else None
    binding = None
    if r_star is not None and attained:
        fac = next((f for x, f, _, _ in crit if f is not None and x == r_star), None)
        for k, p in enumerate(ps):
            zero = divides(fac, p) if fac is not None else p.eval(r_star) == 0
            if zero:
                binding = k
                break
    return SteeringResult(s_q, tau_q, intervals, r_star, binding, attained, ps)


def steering_ratios(
    beta_a: object,
    beta_i: object,
    tau: object,
    K: int,
    labels: tuple[str, str, str] = ("beta_a", "beta_i", "tau"),
) -> tuple[sp.Rational, sp.Rational]:
    """Validate user-typed ``beta_A``, ``beta_I`` and ``tau``; return ``(s, tau)`` exactly.

    Numbers given as text are parsed exactly (:func:`nashalign.instance.parse_exact_number`:
    ``"0.05"`` is 1/20); floats are converted exactly. ``labels`` name the inputs in
    error messages (the CLI passes its flags).

    Examples
    --------
    >>> steering_ratios("2", "4", "0.05", 5)
    (1/2, 1/20)
    >>> steering_ratios("1", "1", "0.3", 5, labels=("--beta-a", "--beta-i", "--tau"))
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: --tau must lie in (0, 1/K) = (0, 0.2) for K = 5, got 0.3
    """
    la, li, lt = labels
    ba, bi, t = (
        parse_exact_number(label, value) if isinstance(value, str) else to_rational(value)
        for label, value in ((la, beta_a), (li, beta_i), (lt, tau))
    )
    if bi <= 0:
        raise InputError(f"{li} must be > 0, got {float(bi):g}")
    if ba < 0:
        raise InputError(f"{la} must be >= 0, got {float(ba):g}")
    if ba / bi > MAX_RATIO:
        raise InputError(
            f"{la}/{li} = {sp.N(ba / bi, 3)} is beyond {MAX_RATIO:.0e}; rescale (only the ratio matters)"
        )
    return ba / bi, validate_tau(t, K, what=lt)


def _threshold_parts(
    a: ArrayLike, C: ArrayLike, r_values: ArrayLike, tau: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Validate, then ``(r, num, den, alpha)`` with ``num = (A 1)_k - tau alpha`` and
    ``den = -(Pi a)_k`` (shapes ``(len(r), K)``) and ``alpha`` (shape ``(len(r),)``).

    The crossing of ``w_k = tau`` in s is ``num / den`` wherever ``alpha != 0``.
    """
    a_f, _ = validate_a_C(np.asarray(a, dtype=float), np.asarray(C, dtype=float))
    try:
        rv = np.atleast_1d(np.asarray(r_values, dtype=float)).ravel()
    except (TypeError, ValueError):
        raise InputError("r values must be numbers") from None
    if not np.all(np.isfinite(rv)):
        raise InputError("r values must be finite")
    try:
        tau = float(tau)
    except (TypeError, ValueError):
        raise InputError(f"tau must be a number, got {tau!r}") from None
    if not 0 <= tau < 1:
        raise InputError(f"tau must be in [0, 1), got {tau}")
    polys = instance_polynomials(a, C)
    coeffs = lambda p: np.array([float(c) for c in p.all_coeffs()])
    alpha = np.polyval(coeffs(polys.alpha), rv)
    num = np.empty((rv.size, len(a_f)))
    den = np.empty_like(num)
    for k, (A1, Pa) in enumerate(zip(polys.A1, polys.Pia, strict=True)):
        num[:, k] = np.polyval(coeffs(A1), rv) - tau * alpha
        den[:, k] = -np.polyval(coeffs(Pa), rv)
    return rv, num, den, alpha


def exclusion_threshold(
    a: ArrayLike, C: ArrayLike, r_values: ArrayLike, tau: float = 0.05
) -> NDArray[np.float64]:
    """For each r, the s above which subpopulation k falls below tau (inf where v_k >= 0).

    These are the exact boundary curves ``s_k(r, tau) = ((A 1)_k - tau alpha) / (-(Pi a)_k)``
    of SPEC 2.7, evaluated from Theorem 1's polynomials. ``tau = 0`` gives the
    boundary of the interior-NE region. Both branches, with degenerate ratios
    handled, are :func:`threshold_crossings`.

    Examples
    --------
    >>> exclusion_threshold([1.0, 0.0], [[1, 0], [0, 1]], [0.0], tau=0.0).round(6).tolist()
    [[inf, 2.0]]
    """
    _, num, den, _ = _threshold_parts(a, C, r_values, tau)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, num / den, np.inf)
    return out if np.ndim(r_values) else out[0]


def threshold_crossings(
    a: ArrayLike, C: ArrayLike, r: ArrayLike, tau: float, positive_only: bool = True
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Both crossings of tau in s at fixed r (SPEC 2.7): ``(falling, rising)``, ``(len(r), K)``.

    With :math:`w_k(s) = w_{0k}(r) + s\,v_k(r)` (Theorem 1), the weight crosses tau at

    .. math:: s_k(r) = \frac{w_{0k}(r) - \tau}{-v_k(r)}
              = \frac{(A\mathbf 1)_k - \tau\alpha}{-(\Pi a)_k},

    the root in s of :math:`(A\mathbf 1)_k + s(\Pi a)_k - \tau\alpha`.

    * ``falling[j, k]``: where :math:`v_k(r_j) < 0`, the s *above* which w_k < tau;
    * ``rising[j, k]``: where :math:`v_k(r_j) > 0` (and, for a root at s > 0,
      :math:`w_{0k}(r_j) < \tau`), the s *below* which w_k < tau.

    NaN where a branch does not exist (:math:`v_k = 0` or the other sign), at
    degenerate ratios (:math:`\alpha(r_j) = 0`: no interior solution, so no
    crossing) and, with ``positive_only``, where the root lies at s <= 0. The branch
    follows the sign of :math:`v_k = (\Pi a)_k/\alpha`, so it is right for
    :math:`\alpha < 0` (possible at r < 0) too. ``tau = 0`` gives the ends of the
    interior s-range. This is the one implementation of both branches; the
    figures draw it.

    Parameters
    ----------
    a, C : array-like
        The instance (C symmetric PSD).
    r : array-like
        Values of ``r = beta_D / beta_I`` (finite).
    tau : float
        Threshold in [0, 1).
    positive_only : bool
        Drop roots at s <= 0 (s = beta_A / beta_I >= 0 in the model).

    Returns
    -------
    falling, rising : ndarray, shape (len(r), K)

    Examples
    --------
    >>> fall, rise = threshold_crossings([1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], [1.0], 0.05)
    >>> fall.round(6).tolist(), rise.tolist()
    ([[nan, 2.7]], [[nan, nan]])
    >>> fall, rise = threshold_crossings([0.0, 1.0], [[1.0, 0.0], [0.0, 100.0]], [1.0], 0.05)
    >>> fall.round(4).tolist(), rise.round(4).tolist()
    ([[190.8, nan]], [[nan, 7.2]])
    """
    _, num, den, alpha = _threshold_parts(a, C, r, tau)
    v_sign = -np.sign(den) * np.sign(alpha)[:, None]  # sign of v_k = (Pi a)_k / alpha
    with np.errstate(divide="ignore", invalid="ignore"):
        root = num / den
        ok = np.isfinite(root) & (alpha != 0)[:, None]
        if positive_only:
            ok &= root > 0
    falling = np.where(ok & (v_sign < 0), root, np.nan)
    rising = np.where(ok & (v_sign > 0), root, np.nan)
    return falling, rising
