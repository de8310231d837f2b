r"""Exact evaluation of the derived Theorem 1 closed form at rational instances.

The polynomials of :func:`nashalign.symbolic.bordered.closed_form_parts`
(``alpha``, ``A 1``, ``Pi a`` over ``QQ[a, c, r, s]``) are evaluated at the
instance's values, converted from floats *exactly* (``sympy.Rational(float)``),
so the result is the exact equilibrium of the float instance. For
``K > EXPLICIT_MAX_K`` the same formulas (adjugates of ``M(r)`` and of the
bordered matrix) are evaluated directly over ``QQ``.

Examples
--------
>>> ne = exact_symmetric_ne([1, 0], [[1, 0], [0, 1]], s=1, r=0)
>>> ne.weights
[3/4, 1/4]
>>> ne.alpha
4
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike
from sympy.polys.matrices import DomainMatrix

from nashalign.errors import DegenerateError, InputError
from nashalign.instance import parse_exact_number, validate_a_C
from nashalign.symbolic.symbols import a_vector, c_matrix, r, s

#: Largest K for which the cached symbolic closed form is evaluated (above: same formula over QQ).
EXPLICIT_MAX_K = 5


def to_rational(x) -> sp.Rational:
    """Exact rational value of an int, float, decimal/``p/q`` string or SymPy rational.

    Strings are parsed as numbers (:func:`nashalign.instance.parse_exact_number`),
    never evaluated; floats are converted exactly.

    Examples
    --------
    >>> to_rational(0.5), to_rational("1/3"), to_rational("0.05")
    (1/2, 1/3, 1/20)
    """
    if isinstance(x, sp.Rational):
        return x
    if isinstance(x, (bool, np.bool_)):
        raise InputError(f"expected a number, got {x!r}")
    if isinstance(x, (int, np.integer)):
        return sp.Integer(int(x))
    if isinstance(x, (float, np.floating)):
        if not np.isfinite(x):
            raise InputError(f"value {x} is not finite")
        return sp.Rational(float(x))
    if isinstance(x, str):
        return parse_exact_number("value", x)
    if isinstance(x, sp.Float):
        return sp.Rational(x)
    if isinstance(x, Fraction):
        return sp.Rational(x.numerator, x.denominator)
    raise InputError(f"cannot convert {x!r} to an exact rational")


def rational_instance(
    a: ArrayLike, C: ArrayLike
) -> tuple[list[sp.Rational], list[list[sp.Rational]]]:
    """Validate ``(a, C)`` and convert them exactly to rationals (C symmetrised exactly).

    Ints, strings and SymPy rationals are taken as given; floats are converted
    exactly (``sympy.Rational(float)``). ``C`` must be symmetric PSD within
    :data:`~nashalign.validation.PSD_TOL` (the closed form is an equilibrium only
    where each agent's utility is concave), and every number within float range.

    Examples
    --------
    >>> rational_instance([1, 0], [[1, 2], [2, 1]])
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: C is not positive semidefinite (smallest eigenvalue -1, 0.333 of ||C||)
    """
    validate_a_C(_as_float_array(a, "a"), _as_float_array(C, "C"))
    a_q = _as_rationals(a)
    C_q = _as_rationals(C)
    K = len(a_q)
    C_q = [[(C_q[i][j] + C_q[j][i]) / 2 for j in range(K)] for i in range(K)]
    return a_q, C_q


def _as_float_array(x: ArrayLike, what: str) -> np.ndarray:
    """``x`` as floats for validation (strings and SymPy rationals included)."""
    try:
        with np.errstate(over="ignore"):
            out = np.vectorize(lambda v: float(to_rational(v)), otypes=[float])(
                np.asarray(x, dtype=object)
            )
    except OverflowError:
        out = np.array([np.inf])
    if np.any(np.isinf(out)):
        raise InputError(f"{what} holds a number beyond float range (|x| > 1.8e+308)")
    return out


def _as_rationals(x: ArrayLike) -> list:
    """Exact rationals of ``x`` (nested lists of the same shape)."""
    raw = np.asarray(x, dtype=object)
    exact = all(isinstance(v, (int, np.integer, sp.Rational, str)) for v in raw.ravel())
    values = raw if exact else np.asarray(x, dtype=float)
    return np.vectorize(to_rational, otypes=[object])(values).tolist()


@dataclass
class ExactNE:
    """The exact symmetric interior solution of Theorem 1 at one point."""

    weights: list[sp.Rational]
    lam: sp.Rational
    alpha: sp.Rational
    w0: list[sp.Rational]
    v: list[sp.Rational]

    @property
    def interior(self) -> bool:
        """True when every weight is strictly positive."""
        return all(w > 0 for w in self.weights)


@dataclass
class InstancePolynomials:
    """Theorem 1's polynomials for fixed ``(a, C)``, exact over QQ.

    ``A1[k]`` is ``(A 1)_k`` and ``Pia[k]`` is ``(Pi a)_k`` (polynomials in r),
    ``alpha`` and ``det`` are ``alpha(r)`` and ``det M(r)``, and ``lam_num`` is
    ``alpha * lambda*`` (a polynomial in r and s).
    """

    A1: list[sp.Poly]
    Pia: list[sp.Poly]
    alpha: sp.Poly
    det: sp.Poly
    lam_num: sp.Poly


def _values(K: int, a_q, C_q) -> dict[sp.Symbol, sp.Rational]:
    vals = dict(zip(a_vector(K), a_q, strict=True))
    Cs = c_matrix(K)
    for i in range(K):
        for j in range(i, K):
            vals[Cs[i, j]] = C_q[i][j]
    return vals


def _from_derived(K: int, a_q, C_q) -> InstancePolynomials:
    from nashalign.symbolic.bordered import closed_form_parts

    parts = closed_form_parts(K, backend="sympy")  # its entries are SymPy ring elements
    vals = _values(K, a_q, C_q)
    R = parts.domain
    fixed = [(g, vals[sym]) for g, sym in zip(R.gens, parts.gens, strict=True) if sym in vals]

    def ev(x, *gens) -> sp.Poly:
        return sp.Poly(x.evaluate(fixed).as_expr(), *gens, domain=sp.QQ)

    return InstancePolynomials(
        [ev(parts.A1[k, 0].element + parts.Pib0[k, 0].element, r) for k in range(K)],
        [ev(parts.Pib1[k, 0].element, r) for k in range(K)],
        ev(parts.alpha, r),
        ev(parts.det, r),
        ev(parts.lam_num, r, s),
    )


def _from_formula(K: int, a_q, C_q) -> InstancePolynomials:
    from nashalign.symbolic.bordered import bordered_solution

    dom = sp.QQ[r, s]
    M = DomainMatrix.from_Matrix(sp.Matrix(C_q) * 2 + r * sp.eye(K)).convert_to(dom)
    a_dm = DomainMatrix.from_Matrix(sp.Matrix(a_q)).convert_to(dom)
    sol = bordered_solution(M, DomainMatrix.zeros((K, 1), dom), a_dm, dom.from_sympy(s))

    def P(x, *gens) -> sp.Poly:
        return sp.Poly(dom.to_sympy(x), *gens, domain=sp.QQ)

    return InstancePolynomials(
        [P(sol.A1[k, 0].element, r) for k in range(K)],
        [P(sol.Pib1[k, 0].element, r) for k in range(K)],
        P(sol.alpha, r),
        P(sol.det, r),
        P(sol.lam_num, r, s),
    )


@lru_cache(maxsize=64)
def _instance_polys_cached(a_key: tuple, C_key: tuple, derived: bool) -> InstancePolynomials:
    a_q, C_q = list(a_key), [list(row) for row in C_key]
    K = len(a_q)
    return _from_derived(K, a_q, C_q) if derived else _from_formula(K, a_q, C_q)


def instance_polynomials(
    a: ArrayLike, C: ArrayLike, derived: bool | None = None
) -> InstancePolynomials:
    """Theorem 1's polynomials in r for a concrete instance (exact rationals).

    ``derived=None`` evaluates the cached symbolic closed form for
    ``K <= EXPLICIT_MAX_K`` and the same formula over ``QQ[r]`` beyond.

    Examples
    --------
    >>> p = instance_polynomials([1, 0], [[1, 0], [0, 1]])
    >>> p.alpha.as_expr()
    2*r + 4
    """
    a_q, C_q = rational_instance(a, C)
    if derived is None:
        derived = len(a_q) <= EXPLICIT_MAX_K
    return _instance_polys_cached(tuple(a_q), tuple(tuple(row) for row in C_q), bool(derived))


def exact_symmetric_ne(a: ArrayLike, C: ArrayLike, s: object, r: object) -> ExactNE:
    """Exact symmetric interior solution ``w*(s, r)`` of Theorem 1.

    Parameters
    ----------
    a, C : array-like
        Instance (floats are converted exactly; ints, strings and SymPy
        rationals are taken as given).
    s, r : number
        ``beta_A / beta_I`` and ``beta_D / beta_I``.

    Raises
    ------
    DegenerateError
        When ``alpha(r) = 0``.

    Examples
    --------
    >>> exact_symmetric_ne([1, 0], [[1, 0], [0, 1]], s=2, r=1).weights
    [5/6, 1/6]
    """
    polys = instance_polynomials(a, C)
    s_q, r_q = to_rational(s), to_rational(r)
    alpha = polys.alpha.eval(r_q)
    if alpha == 0:
        raise DegenerateError(
            f"alpha(r) = 0 at r = {r_q}: the symmetric interior system is degenerate",
            root=float(r_q),
        )
    w0 = [p.eval(r_q) / alpha for p in polys.A1]
    v = [p.eval(r_q) / alpha for p in polys.Pia]
    weights = [x + s_q * y for x, y in zip(w0, v, strict=True)]
    lam = polys.lam_num.eval({sp.Symbol("r"): r_q, sp.Symbol("s"): s_q}) / alpha
    return ExactNE(weights, sp.Rational(lam), alpha, w0, v)
