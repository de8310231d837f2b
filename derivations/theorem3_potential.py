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
simplices iff :math:`M` and :math:`\tilde M` are PSD on the tangent space
:math:`\mathbf 1^\perp`, i.e. (Rayleigh–Ritz on the compression of C to
:math:`\mathbf 1^\perp`) iff :math:`r \le 2(N-1)\,\lambda_{\min}(C|_{\mathbf 1^\perp})`;
a single direction such as :math:`e_1 - e_2` gives only a necessary condition;
then the NE set is convex (the maximisers of a concave function), and when the
inequality is strict :math:`\Phi` is strictly concave and the NE is unique.

Construction for any quadratic utility: the engine builds
:math:`\Phi = \sum_m u_m|_{w_{-m} = 0} + \sum_{m<j} w_m^\top H_{mj} w_j` with
:math:`H_{mj} = \partial^2 u_m/\partial w_m\partial w_j`, checks
:math:`H_{mj} = H_{jm}^\top` (an exact potential exists) and verifies
:math:`\partial\Phi/\partial w_m = \nabla_{w_m}u_m` exactly.

Examples
--------
>>> derive(K=2, N=2).status
'proved at explicit K = 2, N = 2'
>>> derive(K=2, N=2, variant="distance").status
'fails (counterexample)'
"""

from __future__ import annotations

import sympy as sp
from nashalign.derivations.declarations import explicit_k_for_n_2_and_3

from nashalign.symbolic.game import Game
from nashalign.symbolic.linear import (
    concavity_failure,
    linear_structure,
    scaled_c_plus_ri,
    timed,
)
from nashalign.symbolic.records import DerivationRecord
from nashalign.symbolic.symbols import beta_A, beta_D, beta_I, r

NAME = "theorem3"
TITLE = "Theorem 3 (potential game)"

# -- registry declarations (read by nashalign.derivations; the rest are the defaults) --
#: What ``nashalign verify --max-k max_k`` runs: K = 2..max_k, each for N = 2 and 3.
plan = explicit_k_for_n_2_and_3


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


def stated_potential(game: Game) -> sp.Expr:
    """The stated potential of the canonical utility (a hook for mutation tests)."""
    a, C, N = game.a, game.C, game.N
    own = sum((beta_A * (a.T * w)[0] - beta_I * (w.T * C * w)[0] for w in game.W), sp.Integer(0))
    pairs = sum(
        ((game.W[m].T * game.W[j])[0] for m in range(N) for j in range(m + 1, N)), sp.Integer(0)
    )
    return own - beta_D / (N - 1) * pairs


def stated_concavity_factor(N: sp.Expr) -> sp.Expr:
    """The statement's concavity factor: Phi is concave iff r <= 2(N - 1) lambda_min(C|1-perp).

    A hook for mutation tests; the record checks it against ``kappa~/|rho~|`` of the
    derived ``M_tilde(r) = kappa~ C + rho~ r I``.
    """
    return 2 * (N - 1)


def derive(
    K: int = 3, N: int = 2, variant: str = "overlap", game: Game | None = None
) -> DerivationRecord:
    """Derive and verify Theorem 3 at explicit ``K`` and ``N`` (or for a user ``game``)."""
    if game is None:
        game = Game.from_variant(variant, K=K, N=N)
    K, N, variant = game.K, game.N, game.variant
    rec = DerivationRecord(
        name=NAME,
        title=TITLE,
        statement_latex="",
        hypotheses=[
            r"homogeneous population, $N \ge 2$",
            r"$\beta_I > 0$, $\beta_D \ge 0$",
            r"Lemma 0: each $u_m$ concave in $w_m$ on the simplex (checked below)",
        ],
        method="engine-built potential; exact gradient identities for every agent; exact "
        "block form of the potential's Hessian; concavity on the tangent space (1-perp)^N via "
        "the compression of C to 1-perp (Rayleigh-Ritz cited)",
        params={"K": K, "N": N, "variant": variant},
        depends_on=["lemma0", "claim1"],
    )
    with timed(rec):
        if concavity_failure(game, rec):
            rec.statement_latex = (
                r"\text{not claimed: Lemma 0's concavity hypothesis does not hold}"
            )
            return rec.finish()
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
            rec.add_check(
                "engine potential = the stated Phi",
                sp.expand(phi - stated_potential(game)) == 0,
                "expansion",
            )
        ls = linear_structure(game)
        M, Mt = ls.M_sym, ls.M_dev
        allw = game.strategy_symbols()
        phin = game.normalised(phi)
        H = sp.hessian(phin, allw)
        J = sp.ones(N, N) / N
        block = -(sp.kronecker_product(J, M) + sp.kronecker_product(sp.eye(N) - J, Mt))
        rec.add_check(
            "Hess(Phi/beta_I) = -(J/N (x) M(r) + (I - J/N) (x) M_tilde(r)), J = 1_N 1_N^T",
            (H - block).applyfunc(sp.expand).is_zero_matrix,
            "expansion of the full NK x NK Hessian",
        )
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
        y = sp.Matrix([sp.Symbol(f"y{k + 1}") for k in range(K)])
        ok_cross = True
        for j in range(1, N):
            u = sp.zeros(N, 1)
            u[0], u[j] = 1, -1
            ok_cross = ok_cross and sp.expand((kron(ones_N, x).T * H * kron(u, y))[0]) == 0
        rec.add_check(
            "cross terms vanish: (1_N (x) x)^T Hess(Phi/beta_I) (u (x) y) = 0 for u = e_1 - e_j",
            ok_cross,
            "expansion, symbolic x, y",
        )
        rec.add_check(
            "Phi / beta_I depends on the betas only through (s, r)",
            not phin.has(beta_I),
            "expansion",
        )
        # A necessary condition along the single direction (1, -1, 0, ...) of 1-perp:
        q = sp.zeros(K, 1)
        q[0], q[1] = 1, -1
        quad = sp.expand((q.T * Mt * q)[0])
        r_bound = sp.solve(sp.Eq(quad, 0), r)
        rec.expressions.update(
            {"Phi": phi, "M": M, "M_tilde": Mt, "quadratic_form_e1_minus_e2": quad}
        )
        if r_bound:
            rec.expressions["r_bound_e1_minus_e2"] = sp.factor(r_bound[0])
        rec.step(
            "The potential built by the engine from the utility:",
            r"\Phi = " + sp.latex(phi) if K * N <= 6 else "",
            kind="checked",
        )
        rec.cite("potential", "u_m concave in w_m (hypothesis checked above)")
        rec.step(
            r"Its partial gradients equal the agents' own gradients (checked for every $m$), so every "
            r"unilateral deviation changes $u_m$ and $\Phi$ alike; with each $u_m$ concave in $w_m$ "
            r"the NE are the KKT points of $\Phi$ on $\Delta_K^N$.",
            cite="potential",
        )
        rec.step(
            r"Its Hessian (divided by $\beta_I$) is the block matrix "
            r"$-(\tfrac1N J\otimes M + (I - \tfrac1N J)\otimes\tilde M)$ (checked): $-M(r)$ on "
            r"$\mathbf 1_N\otimes x$ and $-\tilde M(r)$ on $u\otimes x$, $u \perp \mathbf 1_N$, with",
            r"M(r) = " + sp.latex(M) + r",\qquad \tilde M(r) = " + sp.latex(Mt),
            kind="checked",
        )
        rec.cite(
            "quadratic_form",
            "(1-perp)^N = (1_N (x) 1-perp) + (1_N-perp (x) 1-perp); the Hessian's cross terms "
            "between the two summands vanish (checked)",
        )
        rec.step(
            r"The tangent space of $\Delta_K^N$ is $(\mathbf 1^\perp)^N = (\mathbf 1_N\otimes\mathbf 1^\perp)"
            r"\oplus(\mathbf 1_N^\perp\otimes\mathbf 1^\perp)$. These summands are not invariant under the "
            r"Hessian ($M x$ need not lie in $\mathbf 1^\perp$), but its cross terms between them vanish "
            r"(checked: $(\mathbf 1_N\otimes x)^\top H (u\otimes y) = -(\mathbf 1_N^\top u)\,x^\top\tilde M y = 0$), "
            r"so the quadratic form splits as the sum of its restrictions and "
            r"$\Phi$ is concave on the product of simplices iff $M$ and $\tilde M$ are PSD on "
            r"$\mathbf 1^\perp$ (strictly concave, hence a unique NE, iff both are PD there).",
            cite="quadratic_form",
        )
        C = game.C
        Ns = sp.Symbol("N", integer=True, positive=True)
        factor_latex = ""
        fm, ft = scaled_c_plus_ri(M, C), scaled_c_plus_ri(Mt, C)
        V = sp.Matrix(K, K - 1, lambda i, j: 1 if i == j else (-1 if i == K - 1 else 0))
        if fm is None or ft is None:
            rec.step(
                "not of the required form: the concavity condition is derived for "
                "M, M_tilde = kappa C + rho r I; here M(r) = "
                f"{sp.sstr(M)}, M_tilde(r) = {sp.sstr(Mt)}",
                kind="unchecked",
            )
        else:
            (km, rm), (kt, rt) = fm, ft
            rec.add_hypothesis(
                "form: M(r) = kappa C + rho r I and M_tilde(r) = kappa~ C + rho~ r I, constants",
                "holds",
                f"kappa = {km}, rho = {rm}; kappa~ = {kt}, rho~ = {rt}; re-checked by expansion, "
                "so V^T M_tilde V = kappa~ V^T C V + rho~ r V^T V on the basis V = (e_i - e_K)",
            )
            signs_ok = km.is_positive and rm.is_nonnegative and kt.is_positive
            rec.add_check(
                "signs: kappa, kappa~ > 0, rho >= 0",
                bool(signs_ok),
                f"kappa = {km}, rho = {rm}, kappa~ = {kt}, rho~ = {rt}",
            )
            # rho~ >= 0: M_tilde is PSD for every r >= 0 (no bound; factor = oo).
            factor = sp.nsimplify(-kt / rt) if rt.is_negative else sp.oo
            if variant == "overlap":
                # The statement shows the stated factor 2(N - 1), checked against the derived one.
                stated_factor = stated_concavity_factor(Ns)
                rec.stated(
                    "concavity factor kappa~/|rho~|",
                    stated_factor.subs(Ns, N),
                    factor,
                    "kappa~, rho~ read off the derived M_tilde(r)",
                )
                factor_latex = sp.latex(stated_factor)
                if isinstance(stated_factor, sp.Add):
                    factor_latex = r"\bigl(" + factor_latex + r"\bigr)"
            else:
                factor_latex = sp.latex(factor)
            rec.expressions["tangent_compression_VtCV"] = (V.T * C * V).applyfunc(sp.expand)
            rec.expressions["tangent_gram_VtV"] = V.T * V
            rec.expressions["r_bound_factor"] = factor
            rec.cite("psd_sum", "M = kappa C + rho r I with kappa > 0, rho r >= 0 is PSD")
            rec.cite("rayleigh", "for M_tilde on 1-perp: kappa~ q^T C q >= |rho~| r |q|^2")
            rec.step(
                r"$M(r) = \kappa C + \rho r I$ is PSD for $r \ge 0$ since $C \succeq 0$ (Claim 1). On "
                r"$\mathbf 1^\perp$, $q^\top\tilde M q = \tilde\kappa\, q^\top C q - |\tilde\rho|\, r\, |q|^2$, "
                r"so by Rayleigh–Ritz $\Phi$ is concave on $\Delta_K^N$ iff "
                r"$r \le (\tilde\kappa/|\tilde\rho|)\,\lambda_{\min}(C|_{\mathbf 1^\perp})$, "
                r"the least eigenvalue of the pencil $(V^\top C V, V^\top V)$; strictly (unique NE) iff "
                r"the inequality is strict.",
                r"r \le " + sp.latex(factor) + r"\,\lambda_{\min}\bigl(C|_{\mathbf 1^\perp}\bigr)",
                cite="rayleigh",
            )
        rec.step(
            r"Along the single direction $q = e_1 - e_2$ this gives the necessary (not sufficient "
            r"for $K \ge 3$) condition",
            sp.latex(quad)
            + r"\ge 0"
            + (r"\iff r \le " + sp.latex(sp.factor(r_bound[0])) if r_bound else ""),
            kind="checked",
        )
        rec.statement_latex = (
            r"\frac{\partial \Phi}{\partial w_m} = \nabla_{w_m} u_m\ \forall m,\quad "
            r"\Phi \text{ concave on } \Delta_K^N \iff M(r) = "
            + sp.latex(M)
            + r",\ \tilde M(r) = "
            + sp.latex(Mt)
            + r" \succeq 0 \text{ on } \mathbf 1^\perp"
            + (
                r" \iff r \le " + factor_latex + r"\,\lambda_{\min}(C|_{\mathbf 1^\perp})"
                if factor_latex
                else ""
            )
        )
        rec.expressions["rho"] = sp.diff(Mt[0, 0], r)
    return rec.finish()
