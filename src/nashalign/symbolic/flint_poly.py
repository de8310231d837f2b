r"""Exact polynomial matrices over ``QQ[gens]`` with python-flint (``fmpq_mpoly``).

SymPy's :class:`~sympy.polys.matrices.DomainMatrix` over ``QQ[a, c, r, s]``
(:mod:`nashalign.symbolic.polyalg`) is exact but slow beyond K = 5: the
adjugates of Theorem 1, Lemma 2 and Theorem 2 at K = 6 take minutes. This
module does the same exact arithmetic with FLINT's multivariate polynomials.
It is only an arithmetic backend for the *checks*: the statements, the
matrices ``M(r)``, ``b0``, ``b1`` and the gradients are still derived by SymPy
and converted here exactly (rational coefficient by coefficient).

:class:`FlintRing` mimics the part of a SymPy polynomial domain the
derivations use (``zero``, ``one``, ``is_zero``, ``from_sympy``, ``to_sympy``,
``convert``, ``exquo``), and :class:`FlintMatrix` the part of DomainMatrix
(``+``, ``-``, ``*``, ``transpose``, ``extract``, ``hstack``/``vstack``,
``is_zero_matrix``, ``M[i, j].element``, ``adj_det``, ``adjugate``, ``det``), so a
derivation can run one code path over either backend
(:mod:`nashalign.symbolic.matrix_backend` chooses and converts; this module imports
no other nashalign module).

Determinants and adjugates are division-free: the characteristic polynomial
by Berkowitz's algorithm (Berkowitz 1984), then Cayley–Hamilton for the
adjugate (the same method as SymPy's ``DomainMatrix.adj_det``). At K = 7,
``adj(2C + rI)`` over ``QQ[c, r]`` takes ~0.1 s. :meth:`FlintMatrix.det_bareiss`
(fraction-free elimination, exact divisions) is an independent algorithm used
to cross-check determinants in the tests.

Examples
--------
>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> F = FlintRing([x, y])
>>> M = FlintMatrix.from_sympy(sp.Matrix([[x, 1], [1, y]]), F)
>>> adj, det = M.adj_det()
>>> F.to_sympy(det)
x*y - 1
>>> (M * adj - FlintMatrix.eye(2, F) * det).is_zero_matrix
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import flint
import sympy as sp
from sympy.polys.polyerrors import BasePolynomialError

__all__ = [
    "FlintMatrix",
    "FlintRing",
    "flint_ring_for",
    "from_domain_matrix",
]


class FlintRing:
    """``QQ[gens]`` as a FLINT ``fmpq_mpoly`` context, with a SymPy-domain-like API.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> F = FlintRing([x])
    >>> p = F.from_sympy(x**2 / 3 + 1)
    >>> F.to_sympy(p * 3)
    x**2 + 3
    >>> F.is_zero(p - p), F.exquo(p * p, p) == p
    (True, True)
    """

    def __init__(self, gens: Sequence[sp.Symbol]):
        self.gens = tuple(gens)
        self._index = {g: i for i, g in enumerate(self.gens)}
        self.ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{i}" for i in range(len(self.gens))), "lex")
        self.zero = self.ctx.from_dict({})
        self.one = self.ctx.constant(1)

    def __repr__(self) -> str:
        return "flint QQ[" + ",".join(map(str, self.gens)) + "]"

    def is_zero(self, p: Any) -> bool:
        """Exact zero test."""
        return bool(p.is_zero())

    def convert(self, value: Any) -> Any:
        """An integer or rational constant as a ring element."""
        q = sp.Rational(value)
        return self.ctx.constant(flint.fmpq(int(q.p), int(q.q)))

    def exquo(self, p: Any, q: Any) -> Any:
        """Exact quotient ``p / q`` (FLINT raises when it is not exact)."""
        return p / q

    def from_dict(self, terms: dict) -> Any:
        """Element from ``{exponent tuple: rational}``."""
        return self.ctx.from_dict(
            {m: flint.fmpq(int(c.numerator), int(c.denominator)) for m, c in terms.items()}
        )

    def from_sympy(self, expr: Any) -> Any:
        """Exact conversion of a polynomial SymPy expression in ``gens``.

        Raises ValueError when ``expr`` is not a polynomial with rational
        coefficients in the ring's generators.
        """
        expr = sp.sympify(expr)
        if expr.is_Rational:
            return self.convert(expr)
        extra = expr.free_symbols - set(self.gens)
        if extra:
            raise ValueError(f"{sorted(map(str, extra))} are not generators of {self!r}")
        try:
            poly = sp.Poly(expr, *self.gens, domain=sp.QQ)
        except BasePolynomialError as err:
            raise ValueError(f"not a polynomial over QQ in {self!r}: {err}") from None
        return self.from_dict({m: sp.Rational(c) for m, c in poly.terms()})

    def to_sympy(self, p: Any) -> sp.Expr:
        """The element as an expanded SymPy expression."""
        terms = []
        for monom, c in p.to_dict().items():
            coeff = sp.Rational(int(c.p), int(c.q))
            terms.append(sp.Mul(coeff, *(g**e for g, e in zip(self.gens, monom, strict=True) if e)))
        return sp.Add(*terms)

    def to_sympy_ring(self, p: Any, R: Any) -> Any:
        """The element of the SymPy polynomial ring ``R`` (same generators, same order)."""
        return R.ring.from_dict(
            {m: R.domain.convert(sp.Rational(int(c.p), int(c.q))) for m, c in p.to_dict().items()}
        )

    def inject(self, *gens: sp.Symbol) -> FlintRing:
        """The ring with more generators appended (as SymPy's ``PolyRing.inject``)."""
        return FlintRing([*self.gens, *gens])

    def convert_from(self, p: Any, other: FlintRing) -> Any:
        """An element of ``other`` (whose generators are all generators here) in this ring."""
        where = [self._index[g] for g in other.gens]
        n = len(self.gens)
        terms = {}
        for monom, c in p.to_dict().items():
            m = [0] * n
            for i, e in zip(where, monom, strict=True):
                m[i] = e
            terms[tuple(m)] = c
        return self.ctx.from_dict(terms)

    def diff(self, p: Any, gen: sp.Symbol) -> Any:
        """Partial derivative in one generator."""
        return p.derivative(self._index[gen])

    def subs(self, p: Any, gen: sp.Symbol, value: int) -> Any:
        """``p`` with one generator replaced by an integer."""
        return p.subs({self._index[gen]: value})

    def degree_in(self, p: Any, gen: sp.Symbol) -> int:
        """Degree of ``p`` in one generator (-1 for the zero polynomial)."""
        if p.is_zero():
            return -1
        return int(p.degrees()[self._index[gen]])

    def coeff_in(self, p: Any, gen: sp.Symbol, k: int) -> Any:
        """Coefficient of ``gen**k`` in ``p`` (an element of the same ring)."""
        i = self._index[gen]
        return self.ctx.from_dict(
            {m[:i] + (0,) + m[i + 1 :]: c for m, c in p.to_dict().items() if m[i] == k}
        )


def flint_ring_for(domain: Any) -> FlintRing:
    """The FLINT ring with the same generators (same order) as a SymPy ``QQ[...]`` ring."""
    return FlintRing(domain.symbols)


class _Entry:
    """An entry of a :class:`FlintMatrix`, with ``.element`` like a DomainScalar."""

    __slots__ = ("element",)

    def __init__(self, element: Any):
        self.element = element


class FlintMatrix:
    """A dense matrix of ``fmpq_mpoly`` over a :class:`FlintRing` (rows of lists).

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> F = FlintRing([x])
    >>> M = FlintMatrix.from_sympy(sp.Matrix([[x, 2], [2, x]]), F)
    >>> F.to_sympy(M.det())
    x**2 - 4
    >>> (M * M.adjugate()).to_sympy()
    Matrix([
    [x**2 - 4,        0],
    [       0, x**2 - 4]])
    """

    def __init__(self, rows: list[list[Any]], domain: FlintRing):
        self.rows = rows
        self.domain = domain
        self.shape = (len(rows), len(rows[0]) if rows else 0)

    # -- construction ----------------------------------------------------------------
    @classmethod
    def from_sympy(cls, M: sp.MatrixBase, domain: FlintRing) -> FlintMatrix:
        """Exact conversion of a SymPy matrix of polynomials in ``domain.gens``."""
        M = sp.Matrix(M)
        return cls(
            [[domain.from_sympy(M[i, j]) for j in range(M.cols)] for i in range(M.rows)], domain
        )

    @classmethod
    def eye(cls, n: int, domain: FlintRing) -> FlintMatrix:
        """Identity matrix."""
        return cls(
            [[domain.one if i == j else domain.zero for j in range(n)] for i in range(n)], domain
        )

    @classmethod
    def zeros(cls, shape: tuple[int, int], domain: FlintRing) -> FlintMatrix:
        """Zero matrix."""
        return cls([[domain.zero] * shape[1] for _ in range(shape[0])], domain)

    @classmethod
    def ones(cls, shape: tuple[int, int], domain: FlintRing) -> FlintMatrix:
        """All-ones matrix."""
        return cls([[domain.one] * shape[1] for _ in range(shape[0])], domain)

    # -- conversion --------------------------------------------------------------------
    def to_sympy(self) -> sp.Matrix:
        """The matrix as a SymPy Matrix (expanded entries)."""
        return sp.Matrix([[self.domain.to_sympy(e) for e in row] for row in self.rows])

    def to_Matrix(self) -> sp.Matrix:  # noqa: N802 (DomainMatrix's name)
        """Alias of :meth:`to_sympy` (DomainMatrix's name)."""
        return self.to_sympy()

    # -- access ------------------------------------------------------------------------
    def __getitem__(self, ij: tuple[int, int]) -> _Entry:
        i, j = ij
        return _Entry(self.rows[i][j])

    def extract(self, rows: Sequence[int], cols: Sequence[int]) -> FlintMatrix:
        """Submatrix with the given rows and columns."""
        return FlintMatrix([[self.rows[i][j] for j in cols] for i in rows], self.domain)

    def transpose(self) -> FlintMatrix:
        """Transpose."""
        n, m = self.shape
        return FlintMatrix([[self.rows[i][j] for i in range(n)] for j in range(m)], self.domain)

    @property
    def T(self) -> FlintMatrix:  # noqa: N802
        """Transpose."""
        return self.transpose()

    def hstack(self, *others: FlintMatrix) -> FlintMatrix:
        """Horizontal concatenation."""
        rows = [list(r) for r in self.rows]
        for o in others:
            for i, r in enumerate(o.rows):
                rows[i] += r
        return FlintMatrix(rows, self.domain)

    def vstack(self, *others: FlintMatrix) -> FlintMatrix:
        """Vertical concatenation."""
        rows = [list(r) for r in self.rows]
        for o in others:
            rows += [list(r) for r in o.rows]
        return FlintMatrix(rows, self.domain)

    @property
    def is_zero_matrix(self) -> bool:
        """Exact test that every entry is the zero polynomial."""
        return all(e.is_zero() for row in self.rows for e in row)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FlintMatrix) or other.shape != self.shape:
            return NotImplemented
        return (self - other).is_zero_matrix

    __hash__ = None  # type: ignore[assignment]

    # -- arithmetic --------------------------------------------------------------------
    def _check_shape(self, other: FlintMatrix) -> None:
        if self.shape != other.shape:
            raise ValueError(f"shape mismatch: {self.shape} vs {other.shape}")

    def __add__(self, other: FlintMatrix) -> FlintMatrix:
        self._check_shape(other)
        return FlintMatrix(
            [
                [a + b for a, b in zip(ra, rb, strict=True)]
                for ra, rb in zip(self.rows, other.rows, strict=True)
            ],
            self.domain,
        )

    def __sub__(self, other: FlintMatrix) -> FlintMatrix:
        self._check_shape(other)
        return FlintMatrix(
            [
                [a - b for a, b in zip(ra, rb, strict=True)]
                for ra, rb in zip(self.rows, other.rows, strict=True)
            ],
            self.domain,
        )

    def __neg__(self) -> FlintMatrix:
        return FlintMatrix([[-a for a in row] for row in self.rows], self.domain)

    def __mul__(self, other: Any) -> FlintMatrix:
        if isinstance(other, FlintMatrix):
            n, k = self.shape
            k2, m = other.shape
            if k != k2:
                raise ValueError(f"shape mismatch for a product: {self.shape} * {other.shape}")
            cols = other.transpose().rows
            zero = self.domain.zero
            out = []
            for row in self.rows:
                out_row = []
                for col in cols:
                    acc = zero
                    for a, b in zip(row, col, strict=True):
                        if not a.is_zero() and not b.is_zero():
                            acc = acc + a * b
                    out_row.append(acc)
                out.append(out_row)
            return FlintMatrix(out, self.domain)
        return FlintMatrix([[a * other for a in row] for row in self.rows], self.domain)

    __rmul__ = __mul__

    def __pow__(self, k: int) -> FlintMatrix:
        out = FlintMatrix.eye(self.shape[0], self.domain)
        for _ in range(k):
            out = out * self
        return out

    # -- determinants and adjugates -----------------------------------------------------
    def det(self) -> Any:
        """Determinant (division-free Berkowitz, as :meth:`adj_det`)."""
        n = self.shape[0]
        if n != self.shape[1]:
            raise ValueError("det of a non-square matrix")
        c = self.charpoly()
        return c[n] if n % 2 == 0 else -c[n]

    def det_bareiss(self) -> Any:
        """Determinant by fraction-free Gaussian elimination (Bareiss 1968) with row pivoting:
        an independent algorithm (exact divisions), slower than Berkowitz on large symbolic
        matrices; used to cross-check :meth:`det`."""
        n = self.shape[0]
        if n != self.shape[1]:
            raise ValueError("det of a non-square matrix")
        if n == 0:
            return self.domain.one
        a = [list(r) for r in self.rows]
        sign, prev = 1, self.domain.one
        for k in range(n - 1):
            piv = next((i for i in range(k, n) if not a[i][k].is_zero()), None)
            if piv is None:
                return self.domain.zero
            if piv != k:
                a[k], a[piv] = a[piv], a[k]
                sign = -sign
            p = a[k][k]
            for i in range(k + 1, n):
                aik = a[i][k]
                row_i, row_k = a[i], a[k]
                for j in range(k + 1, n):
                    row_i[j] = (p * row_i[j] - aik * row_k[j]) / prev
            prev = p
        return a[n - 1][n - 1] if sign > 0 else -a[n - 1][n - 1]

    def adj_det(self) -> tuple[FlintMatrix, Any]:
        """``(adj M, det M)`` division-free: Berkowitz characteristic polynomial, then
        ``adj M = (-1)^(n-1) (M^(n-1) + c_1 M^(n-2) + ... + c_(n-1) I)`` (Cayley–Hamilton)."""
        n = self.shape[0]
        if n != self.shape[1]:
            raise ValueError("adjugate of a non-square matrix")
        dom = self.domain
        if n == 1:
            return FlintMatrix([[dom.one]], dom), self.rows[0][0]
        c = self.charpoly()  # det(xI - M) = x^n + c[1] x^(n-1) + ... + c[n]
        acc = FlintMatrix.eye(n, dom)
        for k in range(1, n):
            acc = self * acc + FlintMatrix.eye(n, dom) * c[k]
        adj = acc if (n - 1) % 2 == 0 else -acc
        det = c[n] if n % 2 == 0 else -c[n]
        return adj, det

    def adjugate(self) -> FlintMatrix:
        """The adjugate (transpose of the cofactor matrix)."""
        return self.adj_det()[0]

    def charpoly(self) -> list[Any]:
        """Coefficients ``[1, c_1, ..., c_n]`` of ``det(xI - M)``, division-free (Berkowitz)."""
        n = self.shape[0]
        dom = self.domain
        a = self.rows
        # Berkowitz: the charpoly of the leading (k+1) x (k+1) block from the k x k one via the
        # Toeplitz matrix of (1, -a_kk, -R C, -R A C, ...), R / C the new row / column.
        poly = [dom.one]
        for k in range(n):
            R = a[k][:k]
            Ccol = [a[i][k] for i in range(k)]
            Ablock = [row[:k] for row in a[:k]]
            t = [dom.one, -a[k][k]]
            v = Ccol
            for _ in range(k):
                t.append(-sum((x * y for x, y in zip(R, v, strict=True)), dom.zero))
                v = [sum((x * y for x, y in zip(row, v, strict=True)), dom.zero) for row in Ablock]
            # new poly = T * poly with T the (k+2) x (k+1) lower-triangular Toeplitz matrix of t
            poly = [
                sum((t[i - j] * poly[j] for j in range(min(i, k) + 1) if i - j < len(t)), dom.zero)
                for i in range(k + 2)
            ]
        return poly


def from_domain_matrix(M: Any, F: FlintRing | None = None) -> FlintMatrix:
    """Exact conversion of a DomainMatrix over a SymPy ``QQ[...]`` ring (same generators)."""
    F = F or flint_ring_for(M.domain)
    rows = M.to_list()
    return FlintMatrix([[F.from_dict(dict(e)) for e in row] for row in rows], F)
