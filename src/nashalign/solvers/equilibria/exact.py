r"""Exact rational tools of the equilibrium set (``python-flint``'s ``fmpq``).

* ``affine_solutions``: the solution set of ``M x = b`` over Q by reduced row
  echelon form: inconsistent, a unique point, or a point plus a rational null basis
  (rank and singularity decided exactly);
* ``psd_exact``: ``(PSD, number of zero eigenvalues)`` of a symmetric rational
  matrix from the sign pattern of its characteristic polynomial;
* ``fm_witness``: Fourier--Motzkin elimination over Q with strict and weak
  inequalities: a rational point of ``{z : A z < b, G z <= h}`` or None when it is
  empty (decided exactly);
* ``qp_max_simplex``: the exact maximum of ``c'x - x'Hx`` over the simplex for
  any symmetric ``H`` (not only PSD), by enumerating the faces of the simplex;
* ``copositive``: exact (strict) copositivity of a small symmetric matrix,
  through ``qp_max_simplex``.

Examples
--------
>>> from flint import fmpq
>>> st, x, null = affine_solutions([[fmpq(1), fmpq(1), fmpq(2)], [fmpq(2), fmpq(2), fmpq(4)]])
>>> st, x, null
('affine', [2, 0], [[-1, 1]])
>>> fm_witness([([fmpq(1)], fmpq(1), True), ([fmpq(-1)], fmpq(0), True)], 1)
[1/2]
>>> copositive([[fmpq(1), fmpq(-1)], [fmpq(-1), fmpq(1)]]), copositive([[fmpq(1), fmpq(-1)], [fmpq(-1), fmpq(1)]], strict=True)
(True, False)
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

__all__ = [
    "FM_MAX_ROWS",
    "affine_solutions",
    "copositive",
    "fm_witness",
    "positive_definite_fflu",
    "psd_exact",
    "qp_max_simplex",
]

#: Largest number of inequalities Fourier--Motzkin elimination may generate before it
#: gives up (the caller then labels the result incomplete).
FM_MAX_ROWS = 20_000


def _q(x: Any) -> Any:
    import flint

    return x if isinstance(x, flint.fmpq) else flint.fmpq(x)


def affine_solutions(aug: list[list[Any]]) -> tuple[str, list[Any] | None, list[list[Any]]]:
    """Solutions of ``[M | b]`` (rows of ``n + 1`` fmpq): ``(status, point, null basis)``.

    ``status`` is ``"none"`` (inconsistent), ``"unique"`` or ``"affine"``; ``point`` is
    the solution with every free variable 0 and ``null`` a rational basis of the
    kernel of ``M`` (empty when unique).
    """
    import flint

    m = len(aug)
    n = len(aug[0]) - 1
    R, rank = flint.fmpq_mat(m, n + 1, [v for row in aug for v in row]).rref()
    pivots: list[int] = []
    for i in range(rank):
        j = next(j for j in range(n + 1) if R[i, j] != 0)
        if j == n:
            return "none", None, []
        pivots.append(j)
    zero = flint.fmpq(0)
    x = [zero] * n
    for i, j in enumerate(pivots):
        x[j] = R[i, n]
    free = [j for j in range(n) if j not in set(pivots)]
    null = []
    for f in free:
        v = [zero] * n
        v[f] = flint.fmpq(1)
        for i, j in enumerate(pivots):
            v[j] = -R[i, f]
        null.append(v)
    return ("unique" if not free else "affine"), x, null


def psd_exact(Y: list[list[Any]]) -> tuple[bool, int]:
    """``(PSD, number of zero eigenvalues)`` of a symmetric rational matrix, exactly.

    All roots of ``det(xI - Y) = sum c_i x^i`` are real, so ``Y`` is PSD iff
    ``(-1)^(n-i) c_i >= 0`` for every ``i``; the number of zero eigenvalues is the
    number of vanishing low-order coefficients.

    Examples
    --------
    >>> from flint import fmpq
    >>> psd_exact([[fmpq(1), fmpq(1)], [fmpq(1), fmpq(1)]])
    (True, 1)
    """
    import flint

    n = len(Y)
    if n == 0:
        return True, 0
    cs = list(flint.fmpq_mat(n, n, [x for row in Y for x in row]).charpoly().coeffs())
    cs += [0] * (n + 1 - len(cs))
    psd = all((cs[i] >= 0) if (n - i) % 2 == 0 else (cs[i] <= 0) for i in range(n + 1))
    zeros = next(i for i in range(n + 1) if cs[i] != 0)
    return psd, zeros


def positive_definite_fflu(M: Any) -> bool | None:
    """Is the symmetric ``flint.fmpz_mat`` ``M`` positive definite? Sylvester's
    criterion on its fraction-free LU: without row exchanges the diagonal of ``U`` is
    the sequence of leading principal minors, so ``M`` is PD iff all are ``> 0``.
    None when flint exchanged rows (a zero leading minor, so not PD; the caller
    decides the rest by :func:`psd_exact`).

    Examples
    --------
    >>> import flint
    >>> positive_definite_fflu(flint.fmpz_mat([[2, 1], [1, 2]]))
    True
    >>> positive_definite_fflu(flint.fmpz_mat([[1, 2], [2, 1]]))
    False
    """
    n = M.nrows()
    if n == 0:
        return True
    P, _, _, U = M.fflu()
    if not P.is_one():
        return None
    return all(U[i, i] > 0 for i in range(n))


def fm_witness(rows: list[tuple[list[Any], Any, bool]], d: int) -> list[Any] | None | str:
    """A rational point of ``{z in Q^d : a.z < b (strict), a.z <= b (weak)}``.

    ``rows`` are ``(a, b, strict)``. Fourier--Motzkin elimination decides emptiness
    exactly; back-substitution picks a rational point in the open/closed interval
    each variable is left with. Returns None when the set is empty, and ``"undecided"``
    when elimination would exceed :data:`FM_MAX_ROWS` inequalities.
    """
    import flint

    zero = flint.fmpq(0)
    levels: list[list[tuple[list[Any], Any, bool]]] = []
    cur = [([_q(c) for c in a], _q(b), bool(s)) for a, b, s in rows]
    for j in range(d - 1, -1, -1):
        levels.append(cur)
        keep, lo, hi = [], [], []
        for a, b, s in cur:
            (keep if a[j] == 0 else hi if a[j] > 0 else lo).append((a, b, s))
        if len(keep) + len(lo) * len(hi) > FM_MAX_ROWS:
            return "undecided"
        seen = {(tuple(a), b, s) for a, b, s in keep}
        nxt = list(keep)
        for al, bl, sl in lo:
            for ah, bh, sh in hi:
                cl, ch = -al[j], ah[j]  # both > 0
                a = [ch * x + cl * y for x, y in zip(al, ah, strict=True)]
                a[j] = zero
                row = (a, ch * bl + cl * bh, sl or sh)
                key = (tuple(row[0]), row[1], row[2])
                if key not in seen:
                    seen.add(key)
                    nxt.append(row)
        cur = nxt
    for _a, b, s in cur:
        if (s and not b > 0) or (not s and b < 0):
            return None
    z = [zero] * d
    for j in range(d):
        lev = levels[d - 1 - j]
        lo_v, lo_s, hi_v, hi_s = None, False, None, False
        for a, b, s in lev:
            if a[j] == 0 or any(a[i] != 0 for i in range(j + 1, d)):
                continue
            v = (b - sum((a[i] * z[i] for i in range(j)), zero)) / a[j]
            if a[j] > 0 and (hi_v is None or v < hi_v or (v == hi_v and s)):
                hi_v, hi_s = v, s
            if a[j] < 0 and (lo_v is None or v > lo_v or (v == lo_v and s)):
                lo_v, lo_s = v, s
        if lo_v is not None and hi_v is not None:
            z[j] = lo_v if lo_v == hi_v else (lo_v + hi_v) / 2
        elif lo_v is not None:
            z[j] = lo_v + (1 if lo_s else 0)
        elif hi_v is not None:
            z[j] = hi_v - (1 if hi_s else 0)
    return z


def qp_max_simplex(c: list[Any], H: list[list[Any]]) -> Any:
    """``max { c'x - x'Hx : x in the simplex }`` exactly, for any symmetric rational ``H``.

    A maximiser ``x*`` lies in the relative interior of some face ``F``; there the
    restriction to ``aff F`` is concave (second-order necessary condition) and ``x*``
    stationary, so every stationary point of ``aff F`` has the same value. If the
    stationary set is not a single point it meets the boundary of ``F`` in a point
    with the same value on a smaller face, so the maximum is attained at the unique
    stationary point (inside ``F``) of some face whose bordered system
    ``[[2 H_FF, 1], [1', 0]]`` is nonsingular: every face is tried.

    Examples
    --------
    >>> from flint import fmpq
    >>> qp_max_simplex([fmpq(0), fmpq(0)], [[fmpq(-1), fmpq(0)], [fmpq(0), fmpq(-1)]])
    1
    """
    import flint

    K = len(c)
    one, zero = flint.fmpq(1), flint.fmpq(0)
    best = None
    for size in range(1, K + 1):
        for F in combinations(range(K), size):
            n = size + 1
            aug = [[2 * H[i][j] for j in F] + [one, c[i]] for i in F]
            aug.append([one] * size + [zero, one])
            st, x, _ = affine_solutions(aug)
            if st != "unique" or any(v < 0 for v in x[:size]):  # type: ignore[index]
                continue
            xs = x[:size]  # type: ignore[index]
            val = sum((c[i] * v for i, v in zip(F, xs, strict=True)), zero) - sum(
                (xs[p] * H[F[p]][F[q]] * xs[q] for p in range(size) for q in range(size)), zero
            )
            if best is None or val > best:
                best = val
            del n
    return best


def copositive(S: list[list[Any]], strict: bool = False) -> bool:
    """Exact (strict) copositivity of a symmetric rational matrix: ``x'Sx >= 0``
    (``> 0``) for every nonzero ``x >= 0``, i.e. ``min`` of ``x'Sx`` over the simplex
    ``>= 0`` (``> 0``), by ``qp_max_simplex`` (exponential in the size: meant for
    the few weakly active indices of a critical cone)."""
    import flint

    n = len(S)
    if n == 0:
        return True
    m = qp_max_simplex([flint.fmpq(0)] * n, S)  # max of -x'Sx
    return bool(m < 0) if strict else bool(m <= 0)
