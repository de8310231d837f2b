r"""Theorem 3: the game is a potential game.

Statement (canonical utility).

.. math::

    \Phi(W) = \sum_m \bigl[\beta_A a^\top w_m - \beta_I w_m^\top C w_m\bigr]
              - \frac{\beta_D}{N-1}\sum_{m<j} w_m^\top w_j

satisfies :math:`\partial\Phi/\partial w_m = \nabla_{w_m} u_m` for every agent,
so Nash equilibria are the KKT points of :math:`\Phi` on
:math:`\Delta_K^N`. The Hessian of :math:`\Phi/\beta_I` acts as
:math:`-M(r) = -(2C + rI)` on profiles :math:`\mathbf 1_N \otimes x` and as
:math:`-\tilde M(r) = -(2C - \frac{r}{N-1}I)` on :math:`u \otimes x` with
:math:`u \perp \mathbf 1_N`. Hence :math:`\Phi` is concave on the product of
simplices iff :math:`M` and :math:`\tilde M` are PSD on
:math:`\mathbf 1^\perp`, i.e. iff :math:`r \le 2(N-1)\,\lambda_{\min}(C|_{\mathbf 1^\perp})`;
then the NE set is convex (the maximisers of a concave function), and when the
inequality is strict :math:`\Phi` is strictly concave and the NE is unique.

Construction for any quadratic utility: the engine builds
:math:`\Phi = \sum_m u_m|_{w_{-m} = 0} + \sum_{m<j} w_m^\top H_{mj} w_j` with
:math:`H_{mj} = \partial^2 u_m/\partial w_m\partial w_j`, checks
:math:`H_{mj} = H_{jm}^\top` (an exact potential exists) and verifies
:math:`\partial\Phi/\partial w_m = \nabla_{w_m}u_m` exactly.

Examples
--------
>>> derive(K=2, N=2).verified
True
"""

from __future__ import annotations

import sympy as sp

from nashalign.symbolic.game import Game
from nashalign.symbolic.linear import linear_structure, timed
from nashalign.symbolic.records import DerivationRecord, Step
from nashalign.symbolic.symbols import beta_A, beta_D, beta_I, r

NAME = "theorem3"
TITLE = "Theorem 3 (potential game)"


def build_potential(game: Game) -> tuple[sp.Expr, bool]:
    """The engine's candidate potential and whether the cross-Hessians are symmetric."""
    N = game.N
    zero_others = lambda m: {x: 0 for j, w in enumerate(game.W) if j != m - 1 for x in w}
    phi = sum((game.utility_of(m).xreplace(zero_others(m)) for m in range(1, N + 1)), sp.Integer(0))
    symmetric = True
    for m in range(1, N + 1):
        for j in range(m + 1, N + 1):
            Hmj = game.cross_jacobian(m, j)
            Hjm = game.cross_jacobian(j, m)
            symmetric = symmetric and (Hmj - Hjm.T).applyfunc(sp.expand).is_zero_matrix
            phi += (game.W[m - 1].T * Hmj * game.W[j - 1])[0]
    # Constant terms of u_m|_{w_-m = 0} that do not involve w_m do not affect the gradients.
    # is_zero_matrix is None when undecided (e.g. -beta_D (D - D^T)): not shown symmetric.
    return sp.expand(phi), bool(symmetric)


def derive(K: int = 3, N: int = 2, variant: str = "overlap") -> DerivationRecord:
    """Derive and verify Theorem 3 at explicit ``K`` and ``N``."""
    rec = DerivationRecord(
        name=NAME,
        title=TITLE,
        statement_latex="",
        hypotheses=[r"homogeneous population, $N \ge 2$", r"$\beta_I > 0$, $\beta_D \ge 0$"],
        method="engine-built potential; exact gradient identities for every agent; exact "
        "eigen-relations of the potential's Hessian on 1_N (x) x and (e_1 - e_j) (x) x",
        params={"K": K, "N": N, "variant": variant},
    )
    with timed(rec):
        game = Game.from_variant(variant, K=K, N=N)
        phi, sym = build_potential(game)
        rec.add_check(
            "cross-Hessians symmetric: H_mj = H_jm^T (an exact potential exists)", sym, "expansion"
        )
        grads_ok = all(
            (sp.Matrix([sp.diff(phi, x) for x in game.W[m - 1]]) - game.gradient(m))
            .applyfunc(sp.expand)
            .is_zero_matrix
            for m in range(1, N + 1)
        )
        rec.add_check("dPhi/dw_m = grad_{w_m} u_m for every agent m", grads_ok, "expansion")
        if variant == "overlap":
            a, C = game.a, game.C
            spec_phi = sum(
                (beta_A * (a.T * w)[0] - beta_I * (w.T * C * w)[0] for w in game.W), sp.Integer(0)
            ) - beta_D / (N - 1) * sum(
                ((game.W[m].T * game.W[j])[0] for m in range(N) for j in range(m + 1, N)),
                sp.Integer(0),
            )
            rec.add_check(
                "engine potential = the stated Phi",
                sp.expand(phi - spec_phi) == 0,
                "expansion",
            )
        ls = linear_structure(game)
        M, Mt = ls.M_sym, ls.M_dev
        allw = game.strategy_symbols()
        phin = game.normalised(phi)
        H = sp.hessian(phin, allw)
        x = sp.Matrix([sp.Symbol(f"x{k + 1}") for k in range(K)])
        ones_N = sp.ones(N, 1)
        kron = lambda u, y: sp.Matrix([u[i] * y[k] for i in range(N) for k in range(K)])
        ok_sym = (H * kron(ones_N, x) + kron(ones_N, M * x)).applyfunc(sp.expand).is_zero_matrix
        rec.add_check(
            "Hess(Phi/beta_I) (1_N (x) x) = -1_N (x) M(r) x", ok_sym, "expansion, symbolic x"
        )
        ok_dev = True
        for j in range(1, N):
            u = sp.zeros(N, 1)
            u[0], u[j] = 1, -1
            ok_dev = (
                ok_dev and (H * kron(u, x) + kron(u, Mt * x)).applyfunc(sp.expand).is_zero_matrix
            )
        rec.add_check(
            "Hess(Phi/beta_I) (u (x) x) = -u (x) M_tilde(r) x for u = e_1 - e_j (span of 1_N-perp)",
            ok_dev,
            "expansion, symbolic x",
        )
        # Concavity threshold, derived on the direction (1, -1, 0, ...) of 1-perp:
        q = sp.zeros(K, 1)
        q[0], q[1] = 1, -1
        quad = sp.expand((q.T * Mt * q)[0])
        r_bound = sp.solve(sp.Eq(quad, 0), r)
        rec.expressions.update(
            {"Phi": phi, "M": M, "M_tilde": Mt, "quadratic_form_e1_minus_e2": quad}
        )
        if r_bound:
            rec.expressions["r_bound_e1_minus_e2"] = sp.factor(r_bound[0])
        rec.steps += [
            Step(
                "The potential built by the engine from the utility:",
                r"\Phi = " + sp.latex(phi) if K * N <= 6 else "",
            ),
            Step(
                r"Its partial gradients equal the agents' own gradients (checked for every $m$), so every "
                r"unilateral deviation changes $u_m$ and $\Phi$ alike: NE are the KKT points of $\Phi$ on "
                r"$\Delta_K^N$."
            ),
            Step(
                r"Its Hessian (divided by $\beta_I$) acts blockwise: on $\mathbf 1_N\otimes x$ as $-M(r)$ and on "
                r"$u\otimes x$, $u \perp \mathbf 1_N$, as $-\tilde M(r)$, with",
                r"M(r) = " + sp.latex(M) + r",\qquad \tilde M(r) = " + sp.latex(Mt),
            ),
            Step(
                r"Tangent directions of $\Delta_K^N$ decompose along an orthonormal basis of $\mathbb R^N$ "
                r"with components in $\mathbf 1^\perp \subset \mathbb R^K$, so $\Phi$ is concave on the product "
                r"of simplices iff $M$ and $\tilde M$ are PSD on $\mathbf 1^\perp$ (strictly concave, hence a "
                r"unique NE, iff both are PD there). For $r \ge 0$, $M \succeq 0$; along "
                r"$q = e_1 - e_2$ the condition on $\tilde M$ reads",
                sp.latex(quad)
                + r"\ge 0"
                + (r"\iff r \le " + sp.latex(sp.factor(r_bound[0])) if r_bound else ""),
            ),
        ]
        rec.statement_latex = (
            r"\frac{\partial \Phi}{\partial w_m} = \nabla_{w_m} u_m\ \forall m,\quad "
            r"\Phi \text{ concave on } \Delta_K^N \iff M(r) = "
            + sp.latex(M)
            + r",\ \tilde M(r) = "
            + sp.latex(Mt)
            + r" \succeq 0 \text{ on } \mathbf 1^\perp"
        )
        rec.add_check(
            "Phi / beta_I depends on the betas only through (s, r)",
            not phin.has(beta_I),
            "expansion",
        )
        rec.expressions["rho"] = sp.diff(Mt[0, 0], r)
    return rec.finish()
