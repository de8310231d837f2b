r"""Theorem 2: uniqueness (and symmetry) of the interior NE for N agents.

Statement (canonical utility, :math:`N \ge 2`). Write :math:`w_m = \bar w + \delta_m`
with :math:`\bar w = \frac1N\sum_m w_m`, so :math:`\sum_m \delta_m = 0`,
:math:`\mathbf 1^\top \delta_m = 0`. Averaging the interior conditions of
Lemma 0 gives the symmetric system :math:`M(r)\bar w = s a - \bar\lambda \mathbf 1`
with :math:`M = 2C + rI`; subtracting the average gives
:math:`\tilde M(r)\,\delta_m = -(\lambda_m - \bar\lambda)\mathbf 1` with
:math:`\tilde M(r) = 2C - \frac{r}{N-1} I`. With
:math:`\tilde\alpha(r) = \mathbf 1^\top\operatorname{adj}\tilde M(r)\mathbf 1`
(degree :math:`K-1`, leading coefficient :math:`K(-1/(N-1))^{K-1}`) and
:math:`\det\tilde B = -\tilde\alpha` for the bordered :math:`\tilde B`, the
interior NE is unique, and symmetric, iff :math:`\alpha(r) \ne 0` and
:math:`\tilde\alpha(r) \ne 0`; otherwise, if one exists, there is a continuum
:math:`w_m = \bar w + t_m d` (:math:`\sum_m t_m = 0`, :math:`d \ne 0` in the kernel).

Verification. For explicit K and N the mean and deviation identities are
reduced to 0 from the engine's gradients; :math:`\det \tilde B + \tilde\alpha`
and the leading coefficient are checked exactly; and at a root of
:math:`\tilde\alpha` (K = 2, C = I, where :math:`\tilde\alpha(r) = 0` at
:math:`r = 2(N-1)`) a one-parameter family of asymmetric profiles is shown to
satisfy every agent's condition exactly.

Examples
--------
>>> derive(K=2, N=3).status
'proved at explicit K = 2, N = 3'
"""

from __future__ import annotations

import sympy as sp
from nashalign.derivations.declarations import explicit_k_for_n_2_and_3

from nashalign.symbolic.flint_poly import FlintMatrix, FlintRing
from nashalign.symbolic.game import Game
from nashalign.symbolic.linear import concavity_failure, linear_structure, timed
from nashalign.symbolic.matrix_backend import bordered_any, is_flint, to_matrix, use_flint
from nashalign.symbolic.polyalg import bordered, ones_dm, ring_of
from nashalign.symbolic.records import DerivationRecord
from nashalign.symbolic.symbols import c_matrix, r, s

NAME = "theorem2"
TITLE = "Theorem 2 (uniqueness for N agents)"
#: Largest K at which alpha_tilde(r) is converted to a SymPy expression (and stored); beyond,
#: with the FLINT backend, its degree and leading coefficient are read off the ring element.
EXPRESSIONS_MAX_K = 4

# -- registry declarations (read by nashalign.derivations; the rest are the defaults) --
#: Agents when none is given.
DEFAULT_N = 3
#: What ``nashalign verify --max-k max_k`` runs: K = 2..max_k, each for N = 2 and 3.
plan = explicit_k_for_n_2_and_3


def continuum_root(N: int) -> int:
    """The root ``r = 2(N-1)`` of alpha_tilde at K = 2, C = I (a hook for mutation tests)."""
    return 2 * (N - 1)


def _continuum_example(N: int) -> tuple[bool, str]:
    """At K = 2, C = I, r = 2(N-1): asymmetric interior profiles all satisfy Lemma 0."""
    game = Game.from_variant("overlap", K=2, N=N)
    sub = {sp.Symbol("c11"): 1, sp.Symbol("c22"): 1, sp.Symbol("c12"): 0, r: continuum_root(N)}
    ts = [sp.Symbol(f"t{m}") for m in range(1, N)]
    ts.append(-sum(ts))
    a1, a2 = sp.symbols("a1 a2")
    # The symmetric solution at these parameters: w_bar = (1/2 + s (a1 - a2)/(2 (2 + r)), ...).
    wb1 = sp.Rational(1, 2) + s * (a1 - a2) / (2 * (2 + 2 * (N - 1)))
    wbar = sp.Matrix([wb1, 1 - wb1])
    d = sp.Matrix([1, -1])
    profile = {}
    for m in range(N):
        wm = wbar + ts[m] * d
        for k in range(2):
            profile[game.W[m][k]] = wm[k]
    ok = True
    for m in range(1, N + 1):
        g = game.normalised(game.gradient(m)).subs(sub).subs(profile)
        ok = ok and sp.expand(g[0] - g[1]) == 0
    return ok, f"w_m = w_bar + t_m (1, -1), sum t_m = 0, at C = I, r = {2 * (N - 1)}"


def stated_existence_qualifier() -> bool:
    """Whether the statement says "if an interior NE exists" (a hook for mutation tests)."""
    return True


def stated_tilde_degree(K: sp.Expr) -> sp.Expr:
    """The statement's degree of alpha_tilde(r): ``K - 1``."""
    return K - 1


def stated_tilde_leading_coefficient(K: sp.Expr, N: sp.Expr) -> sp.Expr:
    """The statement's leading coefficient of alpha_tilde(r): ``K (-1/(N-1))^(K-1)``."""
    return K * (-1 / (N - 1)) ** (K - 1)


def no_interior_point(N: int) -> dict:
    """Parameters where alpha, alpha_tilde != 0 but no interior NE exists (K = 2, C = I)."""
    return {"c11": 1, "c22": 1, "c12": 0, "a1": 1, "a2": 0, "s": 10, "r": 0}


def _no_interior_example(N: int) -> tuple[bool, str]:
    """Whether the qualifier 'if an interior NE exists' is needed: at :func:`no_interior_point`
    alpha != 0 and alpha_tilde != 0, and the only solution of the symmetric conditions
    (every interior NE is symmetric and solves them) has a negative weight."""
    pt = {sp.Symbol(k): v for k, v in no_interior_point(N).items()}
    C = c_matrix(2).subs(pt)
    a = sp.Matrix([pt[sp.Symbol("a1")], pt[sp.Symbol("a2")]])
    rr, ss = pt[r], pt[s]
    M, Mt = 2 * C + rr * sp.eye(2), 2 * C - sp.Rational(rr, N - 1) * sp.eye(2)
    one = sp.ones(2, 1)
    alpha, alpha_t = (one.T * M.adjugate() * one)[0], (one.T * Mt.adjugate() * one)[0]
    w1, w2, lam = sp.symbols("w1 w2 lam")
    sol = sp.solve(
        [*(M * sp.Matrix([w1, w2]) - ss * a + lam * one), w1 + w2 - 1], [w1, w2, lam], dict=True
    )
    ws = [sol[0][w1], sol[0][w2]] if len(sol) == 1 else []
    needed = alpha != 0 and alpha_t != 0 and bool(ws) and min(ws) < 0
    return bool(needed), (
        f"at C = I, a = (1, 0), s = {ss}, r = {rr}: alpha = {alpha}, alpha_tilde = {alpha_t}, "
        f"the only solution of the conditions is w = ({ws[0] if ws else '?'}, "
        f"{ws[1] if ws else '?'}): no interior NE"
    )


def stated_M_tilde(K: int, N: int) -> sp.Matrix:
    """The stated ``M_tilde(r) = 2C - r/(N-1) I`` (a hook for mutation tests)."""
    return 2 * c_matrix(K) - r / (N - 1) * sp.eye(K)


def family_identities(game: Game, b: sp.Matrix, M: sp.Matrix, Mt: sp.Matrix) -> tuple[bool, bool]:
    """The two continuum identities, for symbolic ``w_bar``, ``d`` and ``t_m`` (``sum t_m = 0``).

    Asymmetric family ``w_m = w_bar + t_m d``: ``grad_m/beta_I = b - M w_bar - t_m M_tilde d``;
    symmetric family ``w_m = w_bar + t d``: ``grad_m/beta_I = b - M w_bar - t M d``. With
    ``M_tilde d = -mu 1`` (resp. ``M d = -mu 1``) and ``M w_bar = b - lambda 1`` every agent's
    gradient is a multiple of 1, i.e. Lemma 0's condition holds along the family.
    """
    K, N = game.K, game.N
    wb = sp.Matrix([sp.Symbol(f"wbar_{k + 1}") for k in range(K)])
    d = sp.Matrix([sp.Symbol(f"d_{k + 1}") for k in range(K)])
    ts = [sp.Symbol(f"t_{m + 1}") for m in range(N - 1)]
    ts.append(-sum(ts))
    t = sp.Symbol("t")
    ok_asym, ok_sym = True, True
    asym = {game.W[m][k]: wb[k] + ts[m] * d[k] for m in range(N) for k in range(K)}
    sym = {game.W[m][k]: wb[k] + t * d[k] for m in range(N) for k in range(K)}
    for m in range(N):
        g = game.normalised(game.gradient(m + 1))
        ra = g.xreplace(asym) - (b - M * wb) + ts[m] * (Mt * d)
        rs = g.xreplace(sym) - (b - M * wb) + t * (M * d)
        ok_asym = ok_asym and ra.applyfunc(sp.expand).is_zero_matrix
        ok_sym = ok_sym and rs.applyfunc(sp.expand).is_zero_matrix
    return bool(ok_asym), bool(ok_sym)


def derive(
    K: int = 3,
    N: int = 3,
    variant: str = "overlap",
    game: Game | None = None,
    backend: str = "auto",
) -> DerivationRecord:
    """Derive and verify Theorem 2 at explicit ``K`` and ``N`` (or for a user ``game``).

    ``backend``: exact arithmetic of the adjugate / bordered-determinant checks,
    ``"sympy"`` (DomainMatrix), ``"flint"`` or ``"auto"`` (FLINT from K = 5); the
    gradients and M_tilde(r) are derived by SymPy either way.
    """
    flint = use_flint(backend, K if game is None else game.K)
    if game is None:
        game = Game.from_variant(variant, K=K, N=max(N, 2))
    K, N, variant = game.K, game.N, game.variant
    rec = DerivationRecord(
        name=NAME,
        title=TITLE,
        statement_latex="",
        hypotheses=[r"homogeneous population of $N \ge 2$ agents", r"Lemma 0 holds (concavity)"],
        method="engine gradients of all N agents; exact mean/deviation identities; "
        "DomainMatrix bordered determinant; explicit continuum at a root of alpha_tilde",
        params={"K": K, "N": N, "variant": variant},
        depends_on=["lemma0", "theorem1"],
    )
    with timed(rec):
        if concavity_failure(game, rec):
            rec.statement_latex = (
                r"\text{not claimed: Lemma 0's concavity hypothesis does not hold}"
            )
            return rec.finish()
        ls = linear_structure(game)
        M, Mt = ls.M_sym, ls.M_dev
        grads = [game.normalised(game.gradient(m)) for m in range(1, N + 1)]
        wbar = sum(game.W, sp.zeros(K, 1)) / N
        mean_grad = sum(grads, sp.zeros(K, 1)) / N
        b = ls.b0 + s * ls.b1
        rec.add_check(
            "mean of the N gradients = b - M(r) w_bar",
            (mean_grad - (b - M * wbar)).applyfunc(sp.expand).is_zero_matrix,
            "componentwise expansion in the strategy symbols",
        )
        dev_ok = all(
            (grads[m] - mean_grad + Mt * (game.W[m] - wbar)).applyfunc(sp.expand).is_zero_matrix
            for m in range(N)
        )
        rec.add_check(
            "gradient_m - mean = -M_tilde(r) (w_m - w_bar) for every m", dev_ok, "expansion"
        )
        if variant == "overlap":
            rec.add_check(
                "derived M_tilde(r) = 2C - r/(N-1) I",
                (Mt - stated_M_tilde(K, N)).applyfunc(sp.expand).is_zero_matrix,
                "expansion",
            )
        gens = [*game.param_symbols(), *game.extra_symbols(), r]
        dom = FlintRing(gens) if flint else ring_of(gens)
        how = "FlintMatrix (python-flint fmpq_mpoly)" if flint else "DomainMatrix"
        if flint:
            rec.method += "; exact arithmetic by python-flint (fmpq_mpoly, Berkowitz)"
        dMt = to_matrix(Mt, dom)
        adj = dMt.adjugate()
        one = FlintMatrix.ones((K, 1), dom) if flint else ones_dm(K, 1, dom)
        at = (one.transpose() * adj * one)[0, 0].element
        # adj_det (Berkowitz charpoly), not det(): det() is ~10x slower on this bordered
        # matrix over the polynomial ring at K = 5 (1.6 s vs 0.16 s, SymPy 1.14); same determinant.
        _, detBt = (bordered_any(dMt) if flint else bordered(dMt)).adj_det()
        rec.add_check("det B_tilde = -alpha_tilde", dom.is_zero(detBt + at), how)
        rec.add_check(
            "non-degeneracy: alpha_tilde is not the zero polynomial",
            not dom.is_zero(at),
            "exact zero test (otherwise 'alpha_tilde != 0' would be vacuous)",
        )
        ok_asym, ok_sym = family_identities(game, b, M, Mt)
        rec.add_check(
            "asymmetric family w_m = w_bar + t_m d (sum t_m = 0): "
            "grad_m/beta_I = b - M w_bar - t_m M_tilde d for every m",
            ok_asym,
            "symbolic w_bar, d, t_m; expansion",
        )
        rec.add_check(
            "symmetric family w_m = w_bar + t d: grad_m/beta_I = b - M w_bar - t M d for every m",
            ok_sym,
            "symbolic w_bar, d, t; expansion",
        )
        poly = at_e = None
        if K <= EXPRESSIONS_MAX_K or not is_flint(dom):
            at_e = sp.expand(dom.to_sympy(at))
            poly = sp.Poly(at_e, r)
            degree, lc = poly.degree(), sp.expand(poly.LC())
            deg_how = "Poly in r"
        else:
            degree = dom.degree_in(at, r)
            lc = sp.expand(dom.to_sympy(dom.coeff_in(at, r, degree)))
            deg_how = "degree in r and its coefficient read off the fmpq_mpoly"
        rho = sp.expand(sp.diff(Mt[0, 0], r))
        form_ok = (
            Mt.applyfunc(lambda e: sp.diff(e, r)) == rho * sp.eye(K)
            and not rho.free_symbols
            and rho != 0
        )
        Ks, Ns = sp.Symbol("K", integer=True, positive=True), sp.Symbol("N", integer=True)
        deg_stated = lc_stated = None
        if form_ok:
            deg_stated = stated_tilde_degree(Ks)
            lc_stated = (
                stated_tilde_leading_coefficient(Ks, Ns)
                if variant == "overlap"
                else Ks * rho ** (Ks - 1)
            )
            rec.stated("degree of alpha_tilde in r", deg_stated.subs(Ks, K), degree, deg_how)
            rec.stated(
                "leading coefficient of alpha_tilde",
                lc_stated.subs({Ks: K, Ns: N}),
                lc,
                deg_how + f"; rho = d M_tilde / dr = {rho} read off the derived matrix, "
                f"K rho^(K-1) = {K * rho ** (K - 1)}",
            )
        else:
            rec.step(
                "not of the required form: the degree and leading coefficient of alpha_tilde are "
                f"stated for d M_tilde/dr = rho I with a constant rho != 0; here M_tilde(r) = {sp.sstr(Mt)}",
                kind="unchecked",
            )
        qualified = stated_existence_qualifier()
        if variant == "overlap":
            needed, qdetail = _no_interior_example(N)
            rec.stated(
                "existence qualifier ('if an interior NE exists')",
                qualified,
                needed,
                "needed: " + qdetail,
                generality=f"K = 2, N = {N}",
            )
            ok, detail = _continuum_example(N)
            rec.add_check(
                "example: continuum of interior NE at a root of alpha_tilde (K = 2, C = I)",
                ok,
                detail,
                generality=f"K = 2, N = {N}",
            )
        rec.expressions.update(
            {
                "M": M,
                "M_tilde": Mt,
                "leading_coefficient": lc,
                "degree": sp.sympify(degree),
            }
        )
        if at_e is not None:
            rec.expressions["alpha_tilde"] = at_e
        rec.step(
            "By Lemma 0 (concavity checked above) an interior profile is a NE iff every agent's "
            r"condition $\nabla_{w_m}u_m = \lambda_m\mathbf 1$ holds.",
            cite="Lemma 0 (record lemma0)",
        )
        rec.step(
            r"Write $w_m = \bar w + \delta_m$. Averaging the $N$ gradients derived by the engine gives "
            r"the symmetric system of Theorem 1 for $\bar w$:",
            r"\frac1N\sum_m \frac{\nabla_{w_m}u_m}{\beta_I} = s a - M(r)\bar w,\qquad M(r) = "
            + sp.latex(M),
            kind="checked",
        )
        rec.step(
            "Subtracting the average leaves, for every agent, the deviation system",
            r"\frac{\nabla_{w_m}u_m}{\beta_I} - \frac1N\sum_j \frac{\nabla_{w_j}u_j}{\beta_I} = "
            r"-\tilde M(r)\,\delta_m,\qquad \tilde M(r) = " + sp.latex(Mt),
            kind="checked",
        )
        rec.cite("cramer", "det B_tilde = -alpha_tilde != 0 forces (delta_m, mu_m) = 0")
        rec.step(
            r"With $\mathbf 1^\top\delta_m = 0$ this is a homogeneous bordered system "
            r"$\tilde B(\delta_m, \mu_m) = 0$ with $\det\tilde B = -\tilde\alpha(r)$ (checked). If "
            r"$\tilde\alpha \ne 0$ then $\delta_m = 0$: every interior NE is symmetric, and by "
            r"Theorem 1 it is unique when $\alpha \ne 0$.",
            cite="cramer",
        )
        rec.cite(
            "kernel",
            "alpha_tilde = 0 (resp. alpha = 0) gives a kernel vector (d, mu) of B_tilde (resp. B); "
            "d != 0 since B (0, mu) = (mu 1, 0)",
        )
        rec.cite("open_simplex", "1^T d = 0 is the last row of the bordered system")
        rec.step(
            r"Conversely, if $\tilde\alpha(r) = 0$ (or $\alpha(r) = 0$) a kernel vector $(d, \mu)$ of "
            r"$\tilde B$ (of $B$) has $d \ne 0$ and $\mathbf 1^\top d = 0$. Along "
            r"$w_m = \bar w + t_m d$ with $\sum_m t_m = 0$ (along $w_m = \bar w + t d$) every gradient "
            r"equals $b - M\bar w - t_m \tilde M d = (\lambda + t_m\mu)\mathbf 1$ (checked identity), so "
            r"starting from an interior NE every small $t$ gives another: a continuum. Hence the interior NE, "
            r"if one exists, is unique and symmetric iff $\alpha \ne 0$ and $\tilde\alpha \ne 0$. The "
            r"leading coefficient of $\tilde\alpha$ is",
            sp.latex(lc) + r"\;(= K\rho^{K-1},\ \rho = " + sp.latex(rho) + ")",
            cite="kernel",
        )
        if K <= 3 and poly is not None:
            rec.step(
                "The derived polynomial:",
                r"\tilde\alpha(r) = " + sp.latex(poly.as_expr()),
                kind="checked",
            )
        at_def = sp.latex(Mt) if K <= 2 or variant != "overlap" else r"2C - \tfrac{r}{N-1} I"
        head = r"\text{if an interior NE exists: }" if qualified else ""
        rec.statement_latex = (
            head + r"\text{it is unique and symmetric} \iff \alpha(r) \ne 0 \text{ and } "
            r"\tilde\alpha(r) \ne 0\text{, otherwise there is a continuum},\quad "
            r"\tilde\alpha(r) = \mathbf 1^\top \operatorname{adj}\Bigl("
            + at_def
            + r"\Bigr)\mathbf 1"
            + (
                r",\ \deg_r\tilde\alpha = "
                + sp.latex(deg_stated)
                + r",\ \operatorname{lc}\tilde\alpha = "
                + sp.latex(lc_stated)
                if deg_stated is not None
                else ""
            )
        )
    return rec.finish()
