r"""The theorem boxes' statements for general K (and N), and their scope from the record.

A derivation record states its result at the explicit ``K`` (and ``N``) it was
derived for: where the statement shows a derived matrix or vector, it is
written out entry by entry (``M(r)`` at K = 3 is a 3 x 3 matrix). The theorem
boxes state each result **for general K**: :func:`general_statement` replaces
every written-out matrix of the record's statement by the same object in matrix
notation, ``M(r) = 2C + rI`` rather than its K^2 entries, after checking with
SymPy that the two are *equal* at the record's K and N. Nothing is retyped: the
general form is read off the record's own expression (its coefficients are
solved for, then the identity is checked exactly), and a matrix that fits no
form stays written out.

Whether the general statement is *proved* for every K is the record's business:
:func:`scope_markdown` renders its status (``"proved for general K"`` when every
essential identity was checked for symbolic K, ``"proved at explicit K = 3, N =
3"`` otherwise) with the identities that back it.

Examples
--------
>>> import sympy as sp
>>> c11, c12, c22, r = sp.symbols("c11 c12 c22 r")
>>> matrix_form(sp.Matrix([[2 * c11 + r, 2 * c12], [2 * c12, 2 * c22 + r]]))
'2 C + r I'
>>> from nashalign.derivations import derive
>>> print(general_statement(derive("theorem1", K=3)))  # doctest: +ELLIPSIS
$$
...M(r) = 2 C + r I,...
$$
"""

from __future__ import annotations

import re
from typing import Any

import sympy as sp

from nashalign.publish.render import math_block
from nashalign.symbolic.records import GENERAL_K, PROVED_GENERAL
from nashalign.tables import markdown_table

__all__ = ["general_statement", "general_statement_latex", "matrix_form", "scope_markdown"]

_MATRIX = re.compile(r"\\left\[\\begin\{matrix\}.*?\\end\{matrix\}\\right\]")
_N = sp.Symbol("N")


def _coef_term(coef: sp.Expr, name: str, first: bool) -> str:
    """``coef name`` with its sign, ``coef`` 1 or -1 left out ("- r I", "+ 2 C")."""
    coef = sp.nsimplify(coef)
    neg = coef.could_extract_minus_sign()
    mag = -coef if neg else coef
    body = name if mag == 1 else f"{sp.latex(mag)} {name}"
    if first:
        return f"- {body}" if neg else body
    return f"- {body}" if neg else f"+ {body}"


def _join(terms: list[tuple[sp.Expr, str]]) -> str:
    parts = [(c, n) for c, n in terms if c != 0]
    if not parts:
        return "0"
    return " ".join(_coef_term(c, n, i == 0) for i, (c, n) in enumerate(parts))


def _in_n(coef: sp.Expr, N: int | None, coef_next: sp.Expr | None) -> sp.Expr | None:
    r"""Write a coefficient known at ``N`` and ``N + 1`` in terms of ``N``, or None.

    Equal at both: it does not depend on N. Otherwise it must be ``q r / (N - 1)``
    with the same rational ``q`` at both sizes. Without ``N`` the coefficient is
    returned as it is.
    """
    if N is None:
        return coef
    if coef_next is None:
        return None
    if sp.simplify(coef - coef_next) == 0:
        return coef
    r = sp.Symbol("r")
    q = sp.nsimplify(sp.simplify(coef / (r / (N - 1))))
    q_next = sp.nsimplify(sp.simplify(coef_next / (r / N)))
    if q.is_Rational and q == q_next:
        return q * r / (_N - 1)
    return None


def _coefficients(X: Any) -> tuple[sp.Expr, sp.Expr] | None:
    """``(x, y)`` with ``X = x C + y I`` (checked exactly), or None."""
    if not isinstance(X, sp.MatrixBase) or X.rows != X.cols or X.rows < 2:
        return None
    K = X.rows
    c = {(i, j): sp.Symbol(f"c{min(i, j) + 1}{max(i, j) + 1}") for i in range(K) for j in range(K)}
    C = sp.Matrix(K, K, lambda i, j: c[(i, j)])
    csyms = set(c.values())
    x = sp.cancel(sp.expand(X[0, 1]) / c[(0, 1)])
    if x.free_symbols & csyms:
        return None
    y = sp.expand(X[0, 0] - x * c[(0, 0)])
    if y.free_symbols & csyms or sp.expand(X - x * C - y * sp.eye(K)) != sp.zeros(K, K):
        return None
    return x, y


def matrix_form(X: Any, N: int | None = None, X_next: Any = None) -> str | None:
    r"""The K x K matrix ``X`` as ``x C + y I`` (scalars x, y), or None when it is not.

    ``C`` is the matrix of the symbols ``c11, c12, ...`` (symmetric). The
    coefficients are solved from two entries and the identity ``X = x C + y I``
    is then checked exactly at every entry. For a record with ``N`` agents,
    ``X_next`` is the same object derived at ``N + 1``: a coefficient that
    changes with N is written ``q r / (N - 1)`` when that fits both sizes (and
    the matrix is left written out otherwise).

    Examples
    --------
    >>> c11, c12, c22, r = sp.symbols("c11 c12 c22 r")
    >>> at = lambda n: sp.Matrix([[2 * c11 - r / (n - 1), 2 * c12], [2 * c12, 2 * c22 - r / (n - 1)]])
    >>> matrix_form(at(3), N=3, X_next=at(4))
    '2 C - \\frac{r}{N - 1} I'
    >>> matrix_form(sp.Matrix([[c11, 1], [1, c22]])) is None
    True
    """
    xy = _coefficients(X)
    if xy is None:
        return None
    x, y = xy
    nxt = _coefficients(X_next) if X_next is not None else None
    x_n = _in_n(x, N, nxt[0] if nxt else None)
    y_n = _in_n(y, N, nxt[1] if nxt else None)
    if x_n is None or y_n is None:
        return None
    return _join([(x_n, "C"), (y_n, "I")])


def vector_form(X: Any, agent: int = 1) -> str | None:
    r"""An agent's gradient ``X`` (K x 1) as ``p a + q \bar w_{-m} + t C w_m``, or None.

    The symbols are the engine's ``a1, ...``, ``c11, ...`` and ``w<m>_<k>``. The
    coefficients are solved from the first entry; the other agents must enter
    with equal coefficients (their mean ``\bar w_{-m}``), and the identity is
    checked exactly at every entry.

    Examples
    --------
    >>> a1, a2, c11, c12, c22 = sp.symbols("a1 a2 c11 c12 c22")
    >>> w11, w12, w21, w22 = sp.symbols("w1_1 w1_2 w2_1 w2_2")
    >>> g = sp.Matrix([a1 - w21 - 2 * (c11 * w11 + c12 * w12), a2 - w22 - 2 * (c12 * w11 + c22 * w12)])
    >>> vector_form(g)
    'a - 2 C w_1 - \\bar w_{-1}'
    """
    if not isinstance(X, sp.MatrixBase) or X.cols != 1 or X.rows < 2:
        return None
    K = X.rows
    agents = sorted(
        {int(m.group(1)) for s in X.free_symbols if (m := re.fullmatch(r"w(\d+)_\d+", s.name))}
    )
    if agent not in agents:
        return None
    others = [m for m in agents if m != agent]
    a = sp.Matrix([sp.Symbol(f"a{k + 1}") for k in range(K)])
    w = {m: sp.Matrix([sp.Symbol(f"w{m}_{k + 1}") for k in range(K)]) for m in agents}
    C = sp.Matrix(K, K, lambda i, j: sp.Symbol(f"c{min(i, j) + 1}{max(i, j) + 1}"))
    e0 = sp.expand(X[0])
    p = e0.coeff(a[0])
    t = e0.coeff(C[0, 0]).coeff(w[agent][0])
    q = [e0.coeff(w[m][0]) for m in others]
    if len(set(q)) > 1:
        return None
    n_others = len(others)
    qbar = q[0] * n_others if q else sp.Integer(0)  # sum_j q w_j = (q (N-1)) wbar
    expect = p * a + t * C * w[agent]
    for m in others:
        expect += q[0] * w[m]
    if sp.expand(X - expect) != sp.zeros(K, 1):
        return None
    return _join([(p, "a"), (t, f"C w_{agent}"), (qbar, rf"\bar w_{{-{agent}}}")])


def general_statement_latex(record: Any) -> tuple[str, list[str]]:
    """The record's statement with each written-out matrix in matrix notation.

    Returns the LaTeX and the written-out pieces that fit no form (empty when
    the statement holds no explicit matrix or every one was rewritten). For a
    record with ``N`` agents the result is derived once more at ``N + 1`` (same
    K) to tell the coefficients that depend on N from those that do not.
    """
    latex = record.statement_latex or ""
    N = record.params.get("N")
    by_latex: dict[str, str] = {}
    for key, expr in record.expressions.items():
        if isinstance(expr, sp.MatrixBase):
            by_latex.setdefault(sp.latex(expr), key)
    left: list[str] = []
    nxt: dict[str, Any] = {}
    if N is not None and _MATRIX.search(latex):
        from nashalign.derivations import derive

        nxt = derive(record.name, K=record.params["K"], N=N + 1).expressions

    def repl(m: re.Match[str]) -> str:
        key = by_latex.get(m.group(0))
        form = None
        if key is not None:
            expr = record.expressions[key]
            if expr.cols > 1:
                form = matrix_form(expr, N, nxt.get(key))
            else:
                form = vector_form(expr)
        if form is None:
            left.append(m.group(0))
            return m.group(0)
        return form

    return _MATRIX.sub(repl, latex), left


def general_statement(record: Any) -> str:
    """:func:`general_statement_latex` as a display (MyST Markdown), for a ``{glue:md}``."""
    latex, _ = general_statement_latex(record)
    if "$" in latex.strip("$") or not latex.strip():
        return latex
    return math_block(latex)


def _sizes_text(params: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {params[k]}" for k in ("K", "N") if k in params)


def scope_markdown(record: Any) -> str:
    """What backs the general statement: the record's status and its identities.

    A sentence with the status (proved for general K, or at the explicit sizes
    the record was derived at) and the identities checked for symbolic K;
    identities checked only at explicit K are counted. Raises nothing: a record
    that is not proved says so (the chapters' verification sections fail the
    build).

    Examples
    --------
    >>> from nashalign.derivations import derive
    >>> print(scope_markdown(derive("claim1", K=2)).splitlines()[0])  # doctest: +ELLIPSIS
    **Scope (from the derivation record): proved for general K.** ...
    """
    identities = [c for c in record.checks if c.kind == "identity"]
    general = [c for c in identities if c.generality == GENERAL_K]
    explicit = [c for c in identities if c.generality != GENERAL_K]
    sizes = _sizes_text(record.params)
    if record.status == PROVED_GENERAL:
        head = (
            "**Scope (from the derivation record): proved for general K.** Every "
            "identity the proof rests on was checked for symbolic $K$"
        )
        if explicit:
            head += (
                f"; {len(explicit)} further identities, checked at {sizes}, confirm it at that size"
            )
        head += "."
    elif record.verified:
        head = (
            f"**Scope (from the derivation record): {record.status}.** The statement "
            f"is written for general $K${' and $N$' if 'N' in record.params else ''}; "
            f"the engine proves it at {sizes} "
            "(and at the other sizes in the verification table below), "
            f"with {len(general)} of its {len(identities)} identities checked for "
            "symbolic $K$."
        )
    else:
        head = f"**Scope (from the derivation record): {record.status}.** " + (record.failure or "")
    parts = [head]
    if general:
        rows = [[c.description, "holds" if c.passed else "**fails**"] for c in general]
        table = markdown_table(["identity checked for symbolic K", "result"], rows)
        parts.append(
            f":::{{dropdown}} The {len(general)} identities checked for symbolic K\n{table}\n:::"
        )
    return "\n\n".join(parts)
