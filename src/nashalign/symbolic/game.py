r"""The model as data: a game built from a SymPy utility expression.

The engine takes agent 1's utility as a SymPy expression of its own strategy
``w_1`` and the others' strategies ``w_2..w_N``; every other agent's utility is
the same expression with the strategies permuted (and, for heterogeneous
populations, with agent ``m``'s own ``a_m, C_m``). All derivations start from
:meth:`Game.gradient` and :meth:`Game.hessian_own`, i.e. from differentiating
the given utility, so the utility form is a parameter, not hard-wired.

Shipped diversity variants (``beta_I > 0``, ``beta_A, beta_D >= 0``,
:math:`\bar w_{-m} = \frac{1}{N-1}\sum_{j\ne m} w_j`):

* ``overlap`` (canonical): :math:`u_m = \beta_A a^\top w_m - \beta_I w_m^\top C w_m - \beta_D w_m^\top \bar w_{-m}`
* ``spread``: :math:`u_m = \beta_A a^\top w_m - \beta_I w_m^\top C w_m + \beta_D (1 - \lVert w_m\rVert^2)`
* ``distance``: :math:`u_m = \beta_A a^\top w_m - \beta_I w_m^\top C w_m + \beta_D \lVert w_m - \bar w_{-m}\rVert^2`

Examples
--------
>>> g = Game.from_variant("overlap", K=2, N=2)
>>> g.gradient(1)[0]
a1*beta_A - beta_D*w2_1 - 2*beta_I*c11*w1_1 - 2*beta_I*c12*w1_2
>>> g.concavity().status
'concave'
>>> Game.from_variant("distance", K=2, N=2).concavity().status
'fails'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import sympy as sp

from nashalign.errors import InputError
from nashalign.symbolic.symbols import a_vector, beta_A, beta_D, beta_I, c_matrix, r, s, strategy

VARIANTS = ("overlap", "spread", "distance")


def variant_utility(
    variant: str, own: sp.Matrix, others: list[sp.Matrix], a: sp.Matrix, C: sp.Matrix
) -> sp.Expr:
    """Agent utility of a shipped diversity variant (see module docstring).

    Examples
    --------
    >>> from nashalign.symbolic.symbols import strategy, a_vector, c_matrix
    >>> u = variant_utility("spread", strategy(1, 2), [strategy(2, 2)], a_vector(2), c_matrix(2))
    >>> sorted(str(x) for x in u.free_symbols)[:3]
    ['a1', 'a2', 'beta_A']
    """
    if variant not in VARIANTS:
        raise InputError(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    wbar = sum(others, sp.zeros(own.shape[0], 1)) / len(others)
    base = beta_A * (a.T * own)[0] - beta_I * (own.T * C * own)[0]
    if variant == "overlap":
        return base - beta_D * (own.T * wbar)[0]
    if variant == "spread":
        return base + beta_D * (1 - (own.T * own)[0])
    d = own - wbar
    return base + beta_D * (d.T * d)[0]


@dataclass
class Concavity:
    """Outcome of the concavity test of ``u_m`` in ``w_m``.

    ``status`` is ``"concave"`` (Hessian NSD for every PSD C and admissible
    betas), ``"fails"`` (an explicit counterexample: ``witness`` gives the
    parameter values, a PSD C and a direction ``q`` with ``q^T H q > 0``) or
    ``"unknown"``.
    """

    status: str
    hessian: sp.Matrix
    remainder: sp.Matrix
    reason: str
    witness: dict = field(default_factory=dict)


@dataclass
class Game:
    """A population game defined by a SymPy utility expression.

    Parameters
    ----------
    utility : sympy.Expr
        Agent 1's utility as an expression of ``own`` and ``others``.
    K, N : int
        Number of subpopulations (>= 2) and of agents (>= 2).
    a, C : sympy.Matrix
        The symbols of the attractiveness vector and inconsistency matrix in
        ``utility`` (agent 1's, for heterogeneous games).
    heterogeneous : bool
        When True agent ``m`` has its own ``a_m``, ``C_m`` (symbols
        ``a{m}_k``-style prefixes ``a``/``b``... see :meth:`agent_params`).
    variant : str
        A label (``"overlap"``, ``"spread"``, ``"distance"`` or ``"custom"``).

    Examples
    --------
    >>> g = Game.from_variant("overlap", K=3, N=2)
    >>> g.hessian_own(1) == -2 * sp.Symbol("beta_I", positive=True) * g.C
    True
    """

    utility: sp.Expr
    K: int
    N: int
    a: sp.Matrix
    C: sp.Matrix
    heterogeneous: bool = False
    variant: str = "custom"

    def __post_init__(self) -> None:
        if not isinstance(self.K, int) or self.K < 2:
            raise InputError(f"K must be an integer >= 2, got {self.K!r}")
        if not isinstance(self.N, int) or self.N < 2:
            raise InputError(
                f"N must be an integer >= 2 for a game of several agents, got {self.N!r}"
            )
        self.W = [strategy(m, self.K) for m in range(1, self.N + 1)]
        free = self.utility.free_symbols
        strat = {x for w in self.W for x in w}
        bad = {x for x in free if str(x).startswith("w") and x not in strat}
        if bad:
            raise InputError(f"utility uses unknown strategy symbols {sorted(map(str, bad))}")

    @classmethod
    def from_variant(
        cls, variant: str = "overlap", K: int = 3, N: int = 2, heterogeneous: bool = False
    ) -> Game:
        """Build the game of a shipped diversity variant."""
        if not isinstance(K, int) or K < 2:
            raise InputError(f"K must be an integer >= 2, got {K!r}")
        if not isinstance(N, int) or N < 2:
            raise InputError(f"N must be an integer >= 2, got {N!r}")
        a, C = (
            (a_vector(K, "a1_"), c_matrix(K, "c1_"))
            if heterogeneous
            else (a_vector(K), c_matrix(K))
        )
        W = [strategy(m, K) for m in range(1, N + 1)]
        u = variant_utility(variant, W[0], W[1:], a, C)
        return cls(u, K, N, a, C, heterogeneous=heterogeneous, variant=variant)

    # -- parameters ---------------------------------------------------------
    def agent_params(self, m: int) -> tuple[sp.Matrix, sp.Matrix]:
        """``(a_m, C_m)`` of agent ``m`` (1-based); shared ones when homogeneous."""
        if not self.heterogeneous:
            return self.a, self.C
        return a_vector(self.K, f"a{m}_"), c_matrix(self.K, f"c{m}_")

    def param_symbols(self) -> list[sp.Symbol]:
        """All parameter symbols (a's and c's of every agent), sorted by name."""
        syms: set[sp.Symbol] = set()
        for m in range(1, (self.N if self.heterogeneous else 1) + 1):
            a, C = self.agent_params(m)
            syms |= set(a) | set(C)
        return sorted(syms, key=str)

    def strategy_symbols(self) -> list[sp.Symbol]:
        """All strategy symbols ``w{m}_{k}``."""
        return [x for w in self.W for x in w]

    # -- utilities and derivatives -----------------------------------------
    def utility_of(self, m: int) -> sp.Expr:
        """Agent ``m``'s utility (1-based): the given expression with strategies permuted."""
        if not 1 <= m <= self.N:
            raise InputError(f"agent index must be in 1..{self.N}, got {m}")
        order = [m - 1] + [j for j in range(self.N) if j != m - 1]
        sub = {}
        for slot, j in enumerate(order):
            for k in range(self.K):
                sub[self.W[slot][k]] = self.W[j][k]
        if self.heterogeneous:
            am, Cm = self.agent_params(m)
            sub.update({x: y for x, y in zip(self.a, am, strict=True)})
            sub.update({x: y for x, y in zip(self.C, Cm, strict=True)})
        return self.utility.xreplace(sub)

    def gradient(self, m: int) -> sp.Matrix:
        """Gradient of ``u_m`` in ``w_m``, expanded."""
        u = self.utility_of(m)
        return sp.Matrix([sp.expand(sp.diff(u, x)) for x in self.W[m - 1]])

    def hessian_own(self, m: int) -> sp.Matrix:
        """Hessian of ``u_m`` in ``w_m``."""
        g = self.gradient(m)
        return sp.Matrix(self.K, self.K, lambda i, j: sp.expand(sp.diff(g[i], self.W[m - 1][j])))

    def cross_jacobian(self, m: int, j: int) -> sp.Matrix:
        """``d grad_m / d w_j`` (K x K)."""
        g = self.gradient(m)
        return sp.Matrix(self.K, self.K, lambda p, q: sp.expand(sp.diff(g[p], self.W[j - 1][q])))

    def normalised(self, expr):
        """Substitute ``beta_A = s beta_I``, ``beta_D = r beta_I`` and divide by ``beta_I``."""
        f = lambda e: sp.expand(
            sp.expand(e).xreplace({beta_A: s * beta_I, beta_D: r * beta_I}) / beta_I
        )
        return expr.applyfunc(f) if isinstance(expr, sp.MatrixBase) else f(expr)

    def is_quadratic(self) -> bool:
        """True when the utility has total degree <= 2 in the strategies."""
        return sp.Poly(sp.expand(self.utility), *self.strategy_symbols()).total_degree() <= 2

    # -- concavity (the hypothesis of Lemma 0) ------------------------------
    def concavity(self) -> Concavity:
        """Decide whether ``u_m`` is concave in ``w_m`` for every PSD C.

        Writes the Hessian as ``H = -2 beta_I C + R``. By Claim 1, ``-2 beta_I C``
        is NSD, so ``R`` NSD suffices; since ``C = 0`` is PSD, ``R`` NSD is also
        necessary. ``R`` NSD is established from the signs of its principal
        minors under the symbol assumptions; a violation is shown by an explicit
        witness (``C = 0``, betas = 1, a direction ``q`` with ``q^T R q > 0``).
        """
        H = self.hessian_own(1)
        a1, C1 = self.agent_params(1)
        R = (H + 2 * beta_I * C1).applyfunc(sp.expand)
        if any(x in R.free_symbols for x in set(C1) | set(self.strategy_symbols())):
            return Concavity(
                "unknown", H, R, "the Hessian is not of the form -2 beta_I C + R(beta)"
            )
        if R.is_zero_matrix:
            return Concavity(
                "concave", H, R, "H = -2 beta_I C, negative semidefinite since C is PSD (Claim 1)"
            )
        negR = -R
        minors_ok = True
        for k in range(1, self.K + 1):
            for idx in combinations(range(self.K), k):
                mnr = sp.factor(negR.extract(list(idx), list(idx)).det())
                if mnr.is_nonnegative is not True:
                    minors_ok = False
                    break
            if not minors_ok:
                break
        if minors_ok:
            return Concavity(
                "concave",
                H,
                R,
                "H = -2 beta_I C + R with R negative semidefinite (principal minors of -R >= 0)",
            )
        unit = {beta_A: 1, beta_I: 1, beta_D: 1}
        Rn = R.xreplace(unit)
        directions = [sp.eye(self.K)[:, k] for k in range(self.K)]
        directions += [
            sp.eye(self.K)[:, i] + sgn * sp.eye(self.K)[:, j]
            for i, j in combinations(range(self.K), 2)
            for sgn in (1, -1)
        ]
        for q in directions:
            val = sp.nsimplify((q.T * Rn * q)[0])
            if val.is_positive:
                return Concavity(
                    "fails",
                    H,
                    R,
                    "the Hessian is not negative semidefinite: with C = 0 (PSD) and "
                    f"beta_A = beta_I = beta_D = 1, q^T H q = {val} > 0 for q = {list(q)}",
                    witness={
                        "C": "0",
                        "betas": {"beta_A": 1, "beta_I": 1, "beta_D": 1},
                        "q": [int(x) for x in q],
                        "qHq": str(val),
                    },
                )
        return Concavity("unknown", H, R, "could not decide the sign of R")
