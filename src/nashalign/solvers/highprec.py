r"""High-precision (mpmath, >= 50 digits) evaluation of Theorem 1's closed form.

The formulas are Theorem 1's, evaluated literally:

.. math::

    A = \operatorname{adj} M,\ M = 2C + rI, \quad \alpha = 1^\top A 1, \quad
    w_0 = \frac{A 1}{\alpha}, \quad v = \frac{\Pi a}{\alpha}, \quad
    \Pi = \frac{\alpha A - A 1 1^\top A}{\det M}, \quad
    \lambda = \frac{s\, 1^\top A a - \det M}{\alpha},

with ``w* = w0 + s v`` and ``s a - M w* = lambda 1``. The adjugate is built from
cofactors (determinants by LU with pivoting at the working precision), so a
singular ``M`` (``r = 0`` with a singular ``C``) is no obstacle. Where
``det M`` vanishes, the polynomial matrix ``Pi`` is taken instead from the
bordered matrix ``B = [[M, 1], [1', 0]]``: ``Pi = -adj(B)[:K, :K]`` (the same
polynomial: ``adj B = det B * B^-1`` and ``det B = -alpha``).

Float inputs are converted exactly (an IEEE double is a dyadic rational), the
work runs at ``dps + 10`` digits, and the results are rounded to ``dps`` digits;
with exact inputs the relative error is about ``10^-dps`` times the condition
number of the bordered system.

Examples
--------
>>> res = symmetric_ne_mp([0.5, 0.25], [[1.0, 0.0], [0.0, 1.0]], 1, 1)
>>> [mpmath.nstr(w, 30) for w in res.weights]
['0.541666666666666666666666666667', '0.458333333333333333333333333333']
>>> mpmath.nstr(res.alpha, 10), mpmath.nstr(res.lam, 10)
('6.0', '-1.125')
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import DegenerateError, InputError
from nashalign.instance import validate_a_C

__all__ = ["MPResult", "adjugate", "symmetric_ne_mp", "to_mpf"]


def to_mpf(x: Any) -> mpmath.mpf:
    """Convert a number exactly where possible (floats, ints, Fractions, SymPy Rationals).

    Examples
    --------
    >>> to_mpf(0.1) == mpmath.mpf(0.1)
    True
    >>> mpmath.nstr(to_mpf(Fraction(1, 3)), 5)
    '0.33333'
    """
    if isinstance(x, mpmath.mpf):
        return x
    if isinstance(x, (bool, np.bool_)):
        raise InputError("expected a number, got a bool")
    if isinstance(x, (int, np.integer)):
        return mpmath.mpf(int(x))
    if isinstance(x, (float, np.floating)):
        if not np.isfinite(x):
            raise InputError("value is NaN or inf")
        return mpmath.mpf(float(x))
    if isinstance(x, Fraction):
        return mpmath.mpf(x.numerator) / x.denominator
    p, q = getattr(x, "p", None), getattr(x, "q", None)  # sympy.Rational
    if isinstance(p, int) and isinstance(q, int):
        return mpmath.mpf(p) / q
    try:
        val = mpmath.mpf(x)
    except (TypeError, ValueError):
        raise InputError(f"cannot convert {x!r} to a number") from None
    if not mpmath.isfinite(val):
        raise InputError("value is NaN or inf")
    return val


def adjugate(M: mpmath.matrix, det: Any = None, tiny: Any = None) -> mpmath.matrix:
    """The adjugate (transposed cofactor matrix) of a square mpmath matrix.

    With ``det`` (= det M) and ``tiny`` given and ``|det| > tiny``, it is computed as
    ``det * M^-1`` (O(n^3)); otherwise from cofactors (O(n^5), any M).

    Examples
    --------
    >>> adjugate(mpmath.matrix([[2, 0], [0, 3]])).tolist() == [[3, 0], [0, 2]]
    True
    """
    n = M.rows
    if det is not None and tiny is not None and abs(det) > tiny:
        return det * mpmath.inverse(M)
    adj = mpmath.matrix(n, n)
    if n == 1:
        adj[0, 0] = mpmath.mpf(1)
        return adj
    for i in range(n):
        for j in range(n):
            minor = mpmath.matrix(n - 1, n - 1)
            rows = [k for k in range(n) if k != j]
            cols = [k for k in range(n) if k != i]
            for p, rr in enumerate(rows):
                for q, cc in enumerate(cols):
                    minor[p, q] = M[rr, cc]
            adj[i, j] = (-1) ** (i + j) * mpmath.det(minor)
    return adj


@dataclass(frozen=True)
class MPResult:
    """Theorem 1 at high precision (every field an mpmath number or list of them).

    Attributes
    ----------
    weights, w0, v : list of mpf
        ``w* = w0 + s v``.
    alpha, det_m, lam : mpf
        ``alpha(r)``, ``det M(r)`` and the multiplier (``s a - M w* = lam 1``).
    alpha_tilde : mpf or None
        ``alpha_tilde(r)`` when ``n_agents`` was given.
    dps : int
        Decimal digits of the results.
    """

    weights: list[Any]
    w0: list[Any]
    v: list[Any]
    alpha: Any
    det_m: Any
    lam: Any
    alpha_tilde: Any
    dps: int

    def to_float(self) -> NDArray[np.float64]:
        """The weights rounded to float64."""
        return np.array([float(w) for w in self.weights])


def _mp_matrix(C: NDArray, r: mpmath.mpf, coef: mpmath.mpf) -> mpmath.matrix:
    K = C.shape[0]
    M = mpmath.matrix(K, K)
    for i in range(K):
        for j in range(K):
            M[i, j] = 2 * mpmath.mpf(float(C[i, j]))
        M[i, i] += coef * r
    return M


def symmetric_ne_mp(
    a: ArrayLike, C: ArrayLike, s: Any, r: Any, dps: int = 50, n_agents: int | None = None
) -> MPResult:
    """Evaluate Theorem 1's closed form ``w0(r) + s v(r)`` at ``dps`` digits.

    Parameters
    ----------
    a, C : array_like
        The instance (validated; float entries are taken exactly).
    s, r : number
        ``beta_A/beta_I`` and ``beta_D/beta_I`` (float, int, str, Fraction,
        SymPy Rational or mpf).
    dps : int
        Decimal digits, at least 50.
    n_agents : int, optional
        Also compute ``alpha_tilde`` for N agents.

    Returns
    -------
    MPResult

    Raises
    ------
    DegenerateError
        ``alpha(r) = 0`` (relative to ``K (2||C|| + |r|)^(K-1)``, at ``10^-(dps-5)``).

    Examples
    --------
    >>> try:
    ...     symmetric_ne_mp([1.0, 1.0], [[1.0, 1.0], [1.0, 1.0]], 1, 0)
    ... except DegenerateError as exc:
    ...     print(exc.which, exc.root)
    alpha 0.0
    """
    a_, C_ = validate_a_C(a, C)
    if isinstance(dps, bool) or not isinstance(dps, (int, np.integer)) or dps < 50:
        raise InputError(f"dps must be an integer >= 50, got {dps!r}")
    K = a_.shape[0]
    with mpmath.workdps(int(dps) + 10):
        s_ = to_mpf(s)
        r_ = to_mpf(r)
        M = _mp_matrix(C_, r_, mpmath.mpf(1))
        norm = 2 * mpmath.mpf(float(np.max(np.abs(np.linalg.eigvalsh(C_))))) + abs(r_)
        tiny = mpmath.mpf(10) ** (-(int(dps) - 5))
        det_m = mpmath.det(M)
        A = adjugate(M, det_m, tiny * norm**K)
        a_mp = [mpmath.mpf(float(x)) for x in a_]
        A1 = [mpmath.fsum(A[i, j] for j in range(K)) for i in range(K)]
        Aa = [mpmath.fsum(A[i, j] * a_mp[j] for j in range(K)) for i in range(K)]
        alpha = mpmath.fsum(A1)
        scale = K * norm ** (K - 1) if norm > 0 else mpmath.mpf(1)
        if abs(alpha) <= tiny * scale:
            raise DegenerateError(
                f"degenerate ratio: alpha(r) = 0 at r = {mpmath.nstr(r_, 15)} "
                "(the bordered system of M(r) = 2C + rI is singular)",
                root=float(r_),
                which="alpha",
            )
        if abs(det_m) > tiny * norm**K:
            # Pi a = (alpha A a - A1 (1'A a)) / det M
            oneAa = mpmath.fsum(Aa)
            Pia = [(alpha * Aa[i] - A1[i] * oneAa) / det_m for i in range(K)]
        else:
            B = mpmath.matrix(K + 1, K + 1)
            for i in range(K):
                for j in range(K):
                    B[i, j] = M[i, j]
                B[i, K] = B[K, i] = mpmath.mpf(1)
            adjB = adjugate(B)
            Pia = [-mpmath.fsum(adjB[i, j] * a_mp[j] for j in range(K)) for i in range(K)]
        w0 = [x / alpha for x in A1]
        v = [x / alpha for x in Pia]
        w = [w0[i] + s_ * v[i] for i in range(K)]
        lam = (s_ * mpmath.fsum(Aa) - det_m) / alpha
        alpha_t = None
        if n_agents is not None:
            if isinstance(n_agents, bool) or not isinstance(n_agents, (int, np.integer)):
                raise InputError(f"n_agents must be an integer, got {n_agents!r}")
            if n_agents < 2:
                raise InputError("alpha_tilde needs at least 2 agents")
            Mt = _mp_matrix(C_, r_, -mpmath.mpf(1) / (int(n_agents) - 1))
            normt = 2 * mpmath.mpf(float(np.max(np.abs(np.linalg.eigvalsh(C_))))) + abs(
                r_ / (int(n_agents) - 1)
            )
            At = adjugate(Mt, mpmath.det(Mt), tiny * normt**K)
            alpha_t = mpmath.fsum(At[i, j] for i in range(K) for j in range(K))
    with mpmath.workdps(int(dps)):
        rd = [+x for x in w], [+x for x in w0], [+x for x in v]
        return MPResult(
            weights=rd[0],
            w0=rd[1],
            v=rd[2],
            alpha=+alpha,
            det_m=+det_m,
            lam=+lam,
            alpha_tilde=None if alpha_t is None else +alpha_t,
            dps=int(dps),
        )
