r"""A small, safe parser for user utility expressions (``nashalign derive --utility``).

User text is never given to ``eval``, ``sympify`` or ``parse_expr``: this module
tokenises it and builds SymPy objects by recursive descent over a fixed grammar::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := ("+" | "-") unary | power
    power  := atom (("^" | "**") unary)?
    atom   := NUMBER | NAME | FUNC "(" expr ("," expr)* ")" | "(" expr ")"

Documented names (for K subpopulations and N agents; agent 1 is the agent whose
utility this is, the others are ``2..N``):

* scalars ``w{m}_{k}`` (agent m's weight on subpopulation k), ``a1..aK``,
  ``c{i}{j}`` (entries of the symmetric C, any order of i, j), ``beta_A``,
  ``beta_I``, ``beta_D``;
* vectors ``w1..wN``, ``wbar`` (the mean of the others' strategies), ``a``,
  ``one`` (all ones) and the matrix ``C``;
* functions ``dot(x, y)``, ``quad(x, X)`` (``x^T X x``), ``norm2(x)``
  (``x^T x``) and ``sum(x)``;
* any other name of letters and digits (``kappa``, ``g1``) is an extra real
  parameter: it joins the polynomial ring of the derivations (names SymPy
  itself defines, such as ``gamma`` or ``beta``, are rejected so that the
  records' expressions parse back with ``sympify``).

Attribute access, subscripts, strings, keywords, underscores outside the
documented names and calls of anything but the four functions are rejected with
one clear :class:`~nashalign.errors.InputError`.

Examples
--------
>>> g = parse_utility("beta_A*dot(a, w1) - beta_I*quad(w1, C) - beta_D*dot(w1, wbar)", K=2, N=2)
>>> g.variant, g.gradient(1)[0]
('custom', a1*beta_A - beta_D*w2_1 - 2*beta_I*c11*w1_1 - 2*beta_I*c12*w1_2)
>>> parse_utility("__import__('os').system('true')", K=2, N=2)
Traceback (most recent call last):
...
nashalign.errors.InputError: utility: unexpected character '_' at position 0 (names start with a letter)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from nashalign.errors import InputError
from nashalign.symbolic.game import Game
from nashalign.symbolic.symbols import a_vector, beta_A, beta_D, beta_I, c_matrix, strategy

__all__ = ["FUNCTIONS", "MAX_LENGTH", "parse_utility", "utility_namespace"]

#: Longest accepted expression (characters).
MAX_LENGTH = 4000
#: Largest accepted integer exponent.
MAX_EXPONENT = 8
#: Deepest accepted nesting of parentheses / unary operators.
MAX_DEPTH = 60
#: The only callable names.
FUNCTIONS = ("dot", "quad", "norm2", "sum")
#: Names reserved for the derivations' own symbols.
RESERVED = ("r", "s", "tau", "K", "N", "lambda")


def _sympy_names() -> frozenset[str]:
    ns: dict = {}
    exec("from sympy import *", ns)  # noqa: S102 - our own constant import, never user text
    return frozenset(ns)


_SYMPY_NAMES = _sympy_names()

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/^(),]))"
)


@dataclass
class _Tok:
    kind: str
    text: str
    pos: int


def _tokenise(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            ch = text[pos]
            hint = " (names start with a letter)" if ch == "_" else ""
            if ch == ".":
                hint = " (attribute access is not allowed)"
            raise InputError(f"utility: unexpected character {ch!r} at position {pos}{hint}")
        kind = m.lastgroup or "op"
        toks.append(_Tok(kind, m.group(kind), m.start(kind)))
        pos = m.end()
    toks.append(_Tok("end", "", len(text)))
    return toks


def utility_namespace(K: int, N: int) -> dict[str, sp.Basic]:
    """The documented names for ``K`` subpopulations and ``N`` agents.

    Examples
    --------
    >>> ns = utility_namespace(2, 2)
    >>> ns["c21"], ns["wbar"].T
    (c12, Matrix([[w2_1, w2_2]]))
    """
    W = [strategy(m, K) for m in range(1, N + 1)]
    a, C = a_vector(K), c_matrix(K)
    ns: dict[str, sp.Basic] = {"beta_A": beta_A, "beta_I": beta_I, "beta_D": beta_D}
    ns.update({str(x): x for w in W for x in w})
    ns.update({str(x): x for x in a})
    for i in range(K):
        for j in range(K):
            if K <= 9:
                ns[f"c{i + 1}{j + 1}"] = C[i, j]
            else:
                ns[f"c{i + 1}_{j + 1}"] = C[i, j]
    ns.update({f"w{m}": W[m - 1] for m in range(1, N + 1)})
    others = sp.zeros(K, 1)
    for w in W[1:]:
        others += w
    ns["wbar"] = others / (N - 1)
    ns["a"], ns["C"], ns["one"] = a, C, sp.ones(K, 1)
    return ns


class _Parser:
    def __init__(self, text: str, K: int, N: int) -> None:
        self.toks = _tokenise(text)
        self.i = 0
        self.K, self.N = K, N
        self.ns = utility_namespace(K, N)
        self.depth = 0

    # -- helpers -------------------------------------------------------------
    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self, text: str | None = None) -> _Tok:
        tok = self.toks[self.i]
        if text is not None and tok.text != text:
            found = tok.text or "end of input"
            raise InputError(f"utility: expected {text!r} at position {tok.pos}, found {found!r}")
        self.i += 1
        return tok

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise InputError(f"utility: nesting deeper than {MAX_DEPTH}")

    # -- grammar -------------------------------------------------------------
    def parse(self) -> sp.Expr:
        val = self.expr()
        tok = self.peek()
        if tok.kind != "end":
            raise InputError(f"utility: unexpected {tok.text!r} at position {tok.pos}")
        if isinstance(val, sp.MatrixBase):
            if val.shape != (1, 1):
                raise InputError(f"utility: the expression is a {val.shape} matrix, not a scalar")
            val = val[0, 0]
        return sp.expand(val)

    def expr(self):
        val = self.term()
        while self.peek().text in ("+", "-"):
            op = self.take().text
            rhs = self.term()
            val = self._add(val, rhs, op)
        return val

    def term(self):
        val = self.unary()
        while self.peek().text in ("*", "/"):
            tok = self.take()
            rhs = self.unary()
            if tok.text == "*":
                val = self._mul(val, rhs, tok.pos)
            else:
                if isinstance(rhs, sp.MatrixBase):
                    raise InputError(f"utility: division by a vector at position {tok.pos}")
                if rhs == 0:
                    raise InputError(f"utility: division by zero at position {tok.pos}")
                val = val / rhs
        return val

    def unary(self):
        if self.peek().text in ("+", "-"):
            op = self.take().text
            self._enter()
            val = self.unary()
            self.depth -= 1
            return -val if op == "-" else val
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek().text in ("^", "**"):
            tok = self.take()
            self._enter()
            exp = self.unary()
            self.depth -= 1
            if isinstance(base, sp.MatrixBase) or isinstance(exp, sp.MatrixBase):
                raise InputError(f"utility: powers of vectors at position {tok.pos}; use dot()")
            if not (exp.is_Integer and 0 <= int(exp) <= MAX_EXPONENT):
                raise InputError(
                    f"utility: exponents must be integers 0..{MAX_EXPONENT} (position {tok.pos})"
                )
            return base ** int(exp)
        return base

    def atom(self):
        tok = self.take()
        if tok.kind == "num":
            return sp.Rational(tok.text)
        if tok.text == "(":
            self._enter()
            val = self.expr()
            self.depth -= 1
            self.take(")")
            return val
        if tok.kind == "name":
            if self.peek().text == "(":
                return self.call(tok)
            return self.name(tok)
        found = tok.text or "end of input"
        raise InputError(f"utility: unexpected {found!r} at position {tok.pos}")

    def call(self, tok: _Tok):
        if tok.text not in FUNCTIONS:
            raise InputError(
                f"utility: {tok.text!r} is not a function; the functions are {', '.join(FUNCTIONS)}"
            )
        self.take("(")
        self._enter()
        args = [self.expr()]
        while self.peek().text == ",":
            self.take(",")
            args.append(self.expr())
        self.depth -= 1
        self.take(")")
        f, n = tok.text, len(args)
        want = {"dot": 2, "quad": 2, "norm2": 1, "sum": 1}[f]
        if n != want:
            raise InputError(f"utility: {f}() takes {want} argument(s), got {n}")
        vecs = [x for x in args if isinstance(x, sp.MatrixBase)]
        K = self.K
        if f == "quad":
            x, X = args
            if not (isinstance(x, sp.MatrixBase) and x.shape == (K, 1)):
                raise InputError("utility: quad(x, X) needs a vector x")
            if not (isinstance(X, sp.MatrixBase) and X.shape == (K, K)):
                raise InputError("utility: quad(x, X) needs a K x K matrix X (e.g. C)")
            return (x.T * X * x)[0]
        if len(vecs) != n or any(v.shape != (K, 1) for v in vecs):
            raise InputError(f"utility: {f}() needs vector arguments of length K = {K}")
        if f == "dot":
            return (args[0].T * args[1])[0]
        if f == "norm2":
            return (args[0].T * args[0])[0]
        return sum(args[0], sp.Integer(0))

    def name(self, tok: _Tok):
        name = tok.text
        if name in self.ns:
            return self.ns[name]
        if name in RESERVED:
            raise InputError(f"utility: {name!r} is reserved by the derivations")
        if re.fullmatch(r"w\d+(_\d+)?|[ac]\d+(_\d+)?", name):
            raise InputError(
                f"utility: unknown model symbol {name!r} for K = {self.K}, N = {self.N}"
            )
        if "_" in name:
            raise InputError(
                f"utility: unknown name {name!r} (K = {self.K}, N = {self.N}; documented names "
                "with underscores are w<m>_<k> and beta_A, beta_I, beta_D)"
            )
        if name in _SYMPY_NAMES:
            raise InputError(
                f"utility: {name!r} is a SymPy name (the records' expressions must parse back "
                "with sympify); choose another parameter name, e.g. kappa or g1"
            )
        return sp.Symbol(name)

    # -- arithmetic with shape checks -----------------------------------------
    def _add(self, x, y, op: str):
        xm, ym = isinstance(x, sp.MatrixBase), isinstance(y, sp.MatrixBase)
        if xm != ym or (xm and x.shape != y.shape):
            raise InputError("utility: adding a scalar and a vector (or vectors of other sizes)")
        return x + y if op == "+" else x - y

    def _mul(self, x, y, pos: int):
        xm, ym = isinstance(x, sp.MatrixBase), isinstance(y, sp.MatrixBase)
        if xm and ym:
            raise InputError(
                f"utility: product of two vectors/matrices at position {pos}; use dot() or quad()"
            )
        return x * y


def parse_utility(text: str, K: int, N: int = 2) -> Game:
    """Parse agent 1's utility ``text`` into a :class:`~nashalign.symbolic.game.Game`.

    Parameters
    ----------
    text : str
        The expression (grammar and names in the module docstring).
    K, N : int
        Subpopulations and agents.

    Raises
    ------
    InputError
        One clear line for anything outside the grammar.

    Examples
    --------
    >>> parse_utility("beta_A*dot(a, w1) - beta_I*quad(w1, C) + kappa*norm2(w1 - wbar)", 2, 2).extra_symbols()
    [kappa]
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("utility: empty expression")
    if len(text) > MAX_LENGTH:
        raise InputError(f"utility: expression longer than {MAX_LENGTH} characters")
    if isinstance(K, bool) or not isinstance(K, int) or K < 2:
        raise InputError(f"K must be an integer >= 2, got {K!r}")
    if isinstance(N, bool) or not isinstance(N, int) or N < 2:
        raise InputError(f"N must be an integer >= 2, got {N!r}")
    u = _Parser(text, K, N).parse()
    if not u.free_symbols & set(strategy(1, K)):
        raise InputError("utility: the expression does not depend on the own strategy w1")
    return Game(u, K, N, a_vector(K), c_matrix(K), variant="custom")
