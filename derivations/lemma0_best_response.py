r"""Lemma 0: best responses are characterised by the first-order conditions.

Statement (canonical "overlap" utility). The Hessian of :math:`u_m` in
:math:`w_m` is :math:`-2\beta_I C`, negative semidefinite by Claim 1, so
:math:`u_m(\cdot, w_{-m})` is concave on :math:`\Delta_K`. With the Lagrangian
:math:`L = u_m + \lambda_m(1 - \mathbf 1^\top w_m) + \mu^\top w_m` the KKT
conditions are necessary (linear constraints) and sufficient (concavity); an
interior :math:`w_m` has :math:`\mu = 0`, so it is a best response to
:math:`w_{-m}` iff

.. math:: \nabla_{w_m} u_m = \beta_A a - 2\beta_I C w_m - \beta_D \bar w_{-m} = \lambda_m \mathbf 1 .

Moreover :math:`u_m/\beta_I` depends on the betas only through
:math:`s = \beta_A/\beta_I` and :math:`r = \beta_D/\beta_I`, so equilibria do too.

For another utility the same derivation runs from the engine's gradient and
Hessian; for the "distance" variant the concavity hypothesis fails and the
lemma is reported as not holding.

Examples
--------
>>> derive(K=2).status
'proved for general K'
>>> derive(K=2, variant="spread").status
'proved at explicit K = 2, N = 2'
>>> rec = derive(K=2, variant="distance")
>>> rec.status, "concavity hypothesis fails" in rec.failure
('fails (counterexample)', True)
"""

from __future__ import annotations

import sympy as sp

from nashalign.symbolic.game import Game
from nashalign.symbolic.linear import concavity_failure, timed
from nashalign.symbolic.records import GENERAL_K, DerivationRecord
from nashalign.symbolic.symbols import beta_A, beta_D, beta_I, r, s

NAME = "lemma0"
TITLE = "Lemma 0 (best response)"

# -- registry declarations: none, the defaults of nashalign.derivations.declarations apply


def stated_gradient(a, C, w, wbar):
    """The stated gradient ``beta_A a - 2 beta_I C w - beta_D wbar`` (a hook for mutation tests)."""
    return beta_A * a - 2 * beta_I * C * w - beta_D * wbar


def stated_hessian(C):
    """The stated Hessian ``-2 beta_I C`` (a hook for mutation tests)."""
    return -2 * beta_I * C


def general_utility(a, C, w, wbar):
    """The canonical utility with matrix symbols (a hook for mutation tests)."""
    return beta_A * (a.T * w) - beta_I * (w.T * C * w) - beta_D * (w.T * wbar)


def _zero(x) -> bool:
    return bool(x == 0 or x == sp.ZeroMatrix(*x.shape) or getattr(x, "is_ZeroMatrix", False))


def _general_k_gradient() -> tuple[bool, sp.Basic, bool, bool]:
    """Gradient, Hessian and scale invariance of the overlap utility for symbolic K (MatrixSymbol)."""
    K = sp.Symbol("K", integer=True, positive=True)
    w = sp.MatrixSymbol("w", K, 1)
    wbar = sp.MatrixSymbol("wbar", K, 1)
    a = sp.MatrixSymbol("a", K, 1)
    C = sp.MatrixSymbol("C", K, K)
    u = general_utility(a, C, w, wbar)
    grad = u.diff(w).subs(C.T, C)
    ok_grad = (grad - stated_gradient(a, C, w, wbar)).expand().doit()
    hess = grad.diff(w).subs(C.T, C)
    ok_hess = (hess - stated_hessian(C)).expand().doit()
    un = (u.subs({beta_A: s * beta_I, beta_D: r * beta_I}) / beta_I).expand()
    scale = not (un.has(beta_I) or un.has(beta_A) or un.has(beta_D))
    return _zero(ok_grad), grad, _zero(ok_hess), scale


def derive(
    K: int = 3, N: int = 2, variant: str = "overlap", game: Game | None = None
) -> DerivationRecord:
    """Derive Lemma 0 from the utility of ``variant`` (or of a user ``game``) at explicit ``K``, ``N``."""
    if game is None:
        game = Game.from_variant(variant, K=K, N=N)
    K, N, variant = game.K, game.N, game.variant
    overlap = variant == "overlap"
    rec = DerivationRecord(
        name=NAME,
        title=TITLE,
        statement_latex="",
        hypotheses=[
            r"$\beta_I > 0$, $\beta_A, \beta_D \ge 0$",
            r"$C$ symmetric positive semidefinite (Claim 1)",
            r"$u_m$ concave in $w_m$ on the simplex (checked below from the Hessian)",
        ],
        method="symbolic differentiation of the given utility; exact identities "
        "(explicit K, and MatrixSymbol for general K for the canonical utility); concavity "
        "on the simplex's tangent space; KKT theorem cited",
        params={"K": K, "N": N, "variant": variant},
        depends_on=["claim1"],
    )
    with timed(rec):
        w = game.W[0]
        lam = sp.Symbol("lambda_1")
        mu = sp.Matrix([sp.Symbol(f"mu_{k + 1}") for k in range(K)])
        u = game.utility_of(1)
        H = game.hessian_own(1)
        grad = game.gradient(1)
        rec.expressions["utility"] = u
        rec.expressions["hessian"] = H
        rec.expressions["gradient"] = grad
        rec.step(
            "The utility of agent 1, as given to the engine:",
            "u_1 = " + sp.latex(u),
            kind="definition",
        )
        rec.step(
            "Its Hessian in the own strategy, by differentiation:",
            r"\nabla^2_{w_1} u_1 = " + sp.latex(H),
            kind="definition",
        )
        general = None
        if overlap:
            general = _general_k_gradient()
        conc_gen = GENERAL_K if overlap and general[2] else ""
        if concavity_failure(game, rec, generality=conc_gen):
            rec.statement_latex = (
                r"\text{Lemma 0 is not claimed for the " + variant + r" utility: } "
                r"\nabla^2_{w_m} u_m = " + sp.latex(H)
            )
            rec.step(
                "The concavity hypothesis does not hold (or is undecided), so stationarity does "
                "not imply a best response: " + rec.failure,
                kind="checked",
            )
            return rec.finish()
        rec.step(
            "The Hessian is negative semidefinite on the simplex's tangent space "
            r"$\mathbf 1^\perp$ for every PSD $C$ (checked above): $u_1$ is concave in $w_1$ on $\Delta_K$.",
            kind="checked",
        )
        L = u + lam * (1 - sum(w)) + (mu.T * w)[0]
        gradL = sp.Matrix([sp.expand(sp.diff(L, x)) for x in w])
        rec.step(
            r"Lagrangian with the simplex constraints ($\lambda_1$ for $\mathbf 1^\top w_1 = 1$, "
            r"$\mu \ge 0$ for $w_1 \ge 0$) and its stationarity condition:",
            r"\nabla_{w_1} L = \nabla_{w_1} u_1 - \lambda_1 \mathbf 1 + \mu = 0,\quad "
            r"\mu \ge 0,\ \mu_k w_{1k} = 0 .",
            kind="checked",
        )
        rec.add_check(
            "grad L = grad u - lambda 1 + mu",
            (gradL - (grad - lam * sp.ones(K, 1) + mu)).applyfunc(sp.expand).is_zero_matrix,
            "componentwise expansion",
            supplementary=overlap,
        )
        interior = gradL.subs({m_: 0 for m_ in mu})
        rec.cite("kkt", "the simplex is a polyhedron and u_1 is concave on it (checked above)")
        rec.step(
            r"At an interior point complementary slackness forces $\mu = 0$; the constraints are "
            "linear (so KKT is necessary) and the utility is concave (so KKT is sufficient). "
            "Hence an interior best response is exactly a solution of",
            r"\nabla_{w_1} u_1 = " + sp.latex(grad) + r" = \lambda_1 \mathbf 1 .",
            cite="kkt",
        )
        rec.expressions["interior_condition"] = interior
        if overlap:
            a, C = game.a, game.C
            wbar = sum(game.W[1:], sp.zeros(K, 1)) / (N - 1)
            rec.add_check(
                "grad u_1 = beta_A a - 2 beta_I C w_1 - beta_D wbar_{-1} (explicit K)",
                (grad - stated_gradient(a, C, w, wbar)).applyfunc(sp.expand).is_zero_matrix,
                "componentwise expansion",
                supplementary=True,
            )
            rec.add_check(
                "Hessian = -2 beta_I C (explicit K)",
                (H - stated_hessian(C)).applyfunc(sp.expand).is_zero_matrix,
                "componentwise expansion",
                supplementary=True,
            )
            ok_g, ggen, ok_h, ok_scale = general
            rec.add_check(
                "gradient and Hessian for general K (MatrixSymbol)",
                ok_g and ok_h,
                "u.diff(w) - (beta_A a - 2 beta_I C w - beta_D wbar) == ZeroMatrix, C = C^T",
                generality=GENERAL_K,
            )
            rec.add_check(
                "scale invariance for general K: u/beta_I depends on the betas only through s, r",
                ok_scale,
                "MatrixSymbol utility, beta_A = s beta_I, beta_D = r beta_I, divided by beta_I",
                generality=GENERAL_K,
            )
            rec.expressions["gradient_general_K"] = ggen
        un = game.normalised(u)
        rec.add_check(
            "scale invariance: u/beta_I depends on the betas only through s, r",
            not un.has(beta_I) and not un.has(beta_A) and not un.has(beta_D),
            "beta_A = s beta_I, beta_D = r beta_I substituted, then divided by beta_I",
            supplementary=overlap,
        )
        rec.expressions["normalised_utility"] = un
        rec.step(
            r"Dividing by $\beta_I > 0$ with $\beta_A = s\beta_I$, $\beta_D = r\beta_I$ leaves a "
            r"utility in $(s, r)$ only, with the same maximisers; equilibria depend on the betas "
            r"only through $(s, r)$:",
            r"\frac{u_1}{\beta_I} = " + sp.latex(un),
            kind="checked",
        )
        rec.statement_latex = (
            r"w_m \in \operatorname{int}\Delta_K \text{ is a best response to } w_{-m} \iff "
            r"\exists \lambda_m \in \mathbb R:\ \nabla_{w_m} u_m = \lambda_m \mathbf 1,\quad "
            r"\nabla_{w_1} u_1 = " + sp.latex(grad) + r",\quad \nabla^2_{w_1} u_1 = " + sp.latex(H)
        )
    return rec.finish()
