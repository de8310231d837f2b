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
    def extra_symbols(self) -> list[sp.Symbol]:
        """Parameters of the utility beyond strategies, ``a``, ``C`` and the betas, sorted."""
        known = set(self.strategy_symbols()) | set(self.param_symbols()) | {beta_A, beta_I, beta_D}
        if self.heterogeneous:
            known |= set(self.a) | set(self.C)
        return sorted(self.utility.free_symbols - known, key=str)

    def concavity(self) -> Concavity:
        """Decide whether ``u_m`` is concave in ``w_m`` on the simplex, for every PSD C.

        The simplex's tangent space is ``1-perp``; with the basis ``V`` of
        columns ``e_i - e_K`` the test is on ``V^T H V``. Writes the Hessian as
        ``H = -2 beta_I C + R``. By Claim 1, ``-2 beta_I C`` is NSD, so ``R`` NSD on
        ``1-perp`` suffices; since ``C = 0`` is PSD, it is also necessary.
        ``V^T R V`` NSD is established from the signs of all principal minors of
        ``-V^T R V`` under the symbol assumptions; a violation is shown by an
        explicit, re-checked witness: ``C = 0``, admissible betas (and values of
        any extra parameters), a feasible direction ``q`` (``1^T q = 0``) with
        ``q^T H q > 0``. Otherwise the status is ``"unknown"`` (never ``"fails"``).

        Examples
        --------
        >>> w = Game.from_variant("distance", K=3, N=2).concavity().witness
        >>> sum(w["q"]), w["qHq"]
        (0, '4')
        """
        K = self.K
        H = self.hessian_own(1)
        a1, C1 = self.agent_params(1)
        R = (H + 2 * beta_I * C1).applyfunc(sp.expand)
        if any(x in R.free_symbols for x in set(C1) | set(self.strategy_symbols())):
            return Concavity(
                "unknown",
                H,
                R,
                "the Hessian is not of the form -2 beta_I C + R(beta) (it depends on C "
                "or on the strategies otherwise); concavity is not decided",
            )
        V = sp.Matrix(K, K - 1, lambda i, j: 1 if i == j else (-1 if i == K - 1 else 0))
        RT = (V.T * R * V).applyfunc(sp.expand)
        if RT.is_zero_matrix:
            why = "H = -2 beta_I C" if R.is_zero_matrix else "H = -2 beta_I C + R with V^T R V = 0"
            return Concavity(
                "concave", H, R, why + ", NSD on the tangent space 1-perp since C is PSD (Claim 1)"
            )
        negR = -RT
        minors_ok = True
        for k in range(1, K):
            for idx in combinations(range(K - 1), k):
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
                "H = -2 beta_I C + R with R NSD on the tangent space 1-perp "
                "(every principal minor of -V^T R V >= 0 under the symbol assumptions)",
            )
        witness = self._concavity_witness(H, V)
        if witness:
            vals = ", ".join(f"{k} = {v}" for k, v in witness["values"].items())
            return Concavity(
                "fails",
                H,
                R,
                "the Hessian is not negative semidefinite on the simplex's tangent space: "
                f"with C = 0 (PSD) and {vals}, q^T H q = {witness['qHq']} > 0 for the feasible "
                f"direction q = {witness['q']} (1^T q = 0)",
                witness=witness,
            )
        return Concavity(
            "unknown",
            H,
            R,
            "could not decide the sign of R on the tangent space 1-perp and found no witness",
        )

    def _concavity_witness(self, H: sp.Matrix, V: sp.Matrix) -> dict:
        """A re-checked counterexample to concavity on 1-perp, or ``{}``."""
        K = self.K
        C1 = self.agent_params(1)[1]
        extra = self.extra_symbols()
        beta_sets = [(1, 1, 1), (0, 1, 1), (1, 1, 0), (0, 1, 2), (2, 1, 0)]
        extra_sets = [dict.fromkeys(extra, v) for v in (1, -1, 2, -2, 0)] if extra else [{}]
        eye = sp.eye(K - 1)
        dirs = [eye[:, i] for i in range(K - 1)]
        dirs += [
            eye[:, i] + g * eye[:, j] for i, j in combinations(range(K - 1), 2) for g in (1, -1)
        ]
        for bA, bI, bD in beta_sets:
            for ex in extra_sets:
                sub = {beta_A: bA, beta_I: bI, beta_D: bD, **ex}
                sub.update({x: 0 for x in C1})
                HT = (V.T * H * V).xreplace(sub).applyfunc(sp.nsimplify)
                if HT.free_symbols:
                    continue
                cands = list(dirs)
                try:
                    vals, vecs = zip(*[(ev, vs) for ev, _, vs in HT.eigenvects()], strict=True)
                    for ev, vs in zip(vals, vecs, strict=True):
                        if ev.is_positive:
                            cands += [
                                vv.applyfunc(lambda x: sp.nsimplify(sp.N(x, 12))) for vv in vs
                            ]
                except Exception:  # noqa: BLE001 - eigenvectors are only candidates
                    pass
                for y in cands:
                    q = V * y
                    val = sp.nsimplify((q.T * H.xreplace(sub) * q)[0])
                    if sum(q) == 0 and val.is_positive and not q.free_symbols:
                        return {
                            "C": "0",
                            "values": {str(k): v for k, v in sub.items() if k not in set(C1)},
                            "betas": {"beta_A": bA, "beta_I": bI, "beta_D": bD},
                            "q": [int(x) if x.is_integer else str(x) for x in q],
                            "qHq": str(val),
                        }
        return {}
