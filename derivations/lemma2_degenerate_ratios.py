r"""Lemma 2: only finitely many ratios beta_D/beta_I are degenerate.

Statement. For the canonical utility, :math:`\alpha(r) = \mathbf 1^\top
\operatorname{adj}(2C + rI)\,\mathbf 1` is a polynomial in :math:`r` of degree
:math:`K-1` with leading coefficient :math:`K`; hence at most :math:`K-1` values of
:math:`r = \beta_D/\beta_I` make :math:`\alpha = 0`. If :math:`C \succeq 0` then
:math:`\alpha(r) > 0` for every :math:`r > 0`.

General K. Write :math:`M(r) = X + \rho r I` (:math:`X = 2C`, :math:`\rho = 1`).
The Faddeev–LeVerrier expansion gives
:math:`\operatorname{adj}(X + tI) = \sum_{k=0}^{K-1} t^{K-1-k} B_k` with
:math:`B_0 = I`, :math:`e_k = \operatorname{tr}(X B_{k-1})/k`,
:math:`B_k = e_k I - X B_{k-1}`, for every K. So the leading coefficient of
:math:`\alpha` is :math:`\rho^{K-1}\mathbf 1^\top I_K \mathbf 1 = \rho^{K-1} K`, computed
with SymPy matrix expressions for symbolic K; the expansion itself is verified
for the explicit K with fully symbolic C. That leading term is cited, not checked, for
general K: without a kernel run the record is "proved at explicit K"; the general-K
proof is Coq's (``derivations/coq/Lemma2.v``, ``Positivity.v``), and only ``nashalign
verify --coq`` (which compiles it) labels the record "proved for general K (Coq kernel)".
The statement's degree and leading coefficient are rendered from
:func:`stated_degree` and :func:`stated_leading_coefficient`, each checked against the
derived polynomial.

Positivity. Expanding :math:`\det(tI + X + \epsilon \mathbf 1\mathbf 1^\top)` in
principal minors gives the exact identity
:math:`\alpha = \sum_{m=1}^{K} (\rho r)^{K-m} \sum_{|S| = m} \mathbf 1^\top
\operatorname{adj}(X_S)\,\mathbf 1`; for :math:`X \succeq 0` each
:math:`\operatorname{adj}(X_S) \succeq 0`, so :math:`\alpha(r) \ge K(\rho r)^{K-1} > 0`.

Examples
--------
>>> rec = derive(K=3)
>>> rec.status, rec.expressions["leading_coefficient"]
('proved at explicit K = 3', 3)
>>> derive(K=3, variant="spread").status
'proved at explicit K = 3'
"""

from __future__ import annotations

from itertools import combinations

import sympy as sp
from nashalign.derivations.declarations import explicit_k_and_one_further
from sympy.polys.matrices import DomainMatrix

from nashalign.symbolic.bordered import closed_form_parts
from nashalign.symbolic.game import Game
from nashalign.symbolic.linear import concavity_failure, timed
from nashalign.symbolic.matrix_backend import is_flint, matrix_type, to_matrix
from nashalign.symbolic.polyalg import is_zero_dm
from nashalign.symbolic.records import GENERAL_K, DerivationRecord
from nashalign.symbolic.symbols import r

NAME = "lemma2"
TITLE = "Lemma 2 (finitely many degenerate ratios)"
#: Largest K at which alpha(r) is converted to a SymPy expression (and stored in the record);
#: beyond, its degree and leading coefficient are read off the ring element directly.
EXPRESSIONS_MAX_K = 4

# -- registry declarations (read by nashalign.derivations; the rest are the defaults) --
#: Largest explicit K that ``derive`` accepts (one K beyond the other results).
MAX_K = 7
#: What ``nashalign verify --max-k max_k`` runs: K = 2..max_k and max(5, max_k + 1).
plan = explicit_k_and_one_further


def general_k_leading_coefficient() -> sp.Expr:
    """``1^T I_K 1`` for symbolic K, with SymPy matrix expressions (= K)."""
    K = sp.Symbol("K", integer=True, positive=True)
    expr = (sp.OneMatrix(1, K) * sp.Identity(K) * sp.OneMatrix(K, 1)).doit()
    return sp.simplify(expr.as_explicit()[0, 0])


def stated_degree(K: sp.Expr) -> sp.Expr:
    """The statement's degree of alpha(r) in r, ``K - 1`` (a hook for mutation tests)."""
    return K - 1


def stated_leading_coefficient(K: sp.Expr, rho: sp.Expr) -> sp.Expr:
    """The statement's leading coefficient of alpha(r): ``rho^(K-1) K`` (``K`` for rho = 1)."""
    return rho ** (K - 1) * K


def faddeev_leverrier(X: DomainMatrix) -> tuple[list[DomainMatrix], list]:
    """Matrices ``B_k`` and coefficients ``e_k`` of adj(X + tI) = sum t^(K-1-k) B_k
    (``X`` a DomainMatrix or a :class:`~nashalign.symbolic.flint_poly.FlintMatrix`)."""
    K = X.shape[0]
    dom = X.domain
    eye = matrix_type(dom).eye(K, dom)
    Bs = [eye]
    es = [dom.one]
    for k in range(1, K):
        XB = X * Bs[-1]
        trace = sum((XB[i, i].element for i in range(K)), dom.zero)
        e_k = dom.exquo(trace, dom.convert(k))
        es.append(e_k)
        Bs.append(eye * e_k - XB)
    return Bs, es


def derive(
    K: int = 3,
    N: int = 2,
    variant: str = "overlap",
    game: Game | None = None,
    backend: str = "auto",
) -> DerivationRecord:
    """Derive and verify Lemma 2 at explicit ``K`` for ``variant`` or a user ``game``.

    ``backend`` chooses the exact arithmetic (``"sympy"``, ``"flint"``, or ``"auto"``:
    FLINT from K = 5), as in Theorem 1.
    """
    custom = game is not None
    if game is None:
        game = Game.from_variant(variant, K=K, N=max(N, 2))
    K, variant = game.K, game.variant
    rec = DerivationRecord(
        name=NAME,
        title=TITLE,
        statement_latex="",
        hypotheses=[r"$K \ge 2$", r"$C$ symmetric; for positivity $C \succeq 0$ and $r > 0$"],
        method="Faddeev-LeVerrier expansion (general K leading term via MatrixSymbol and the "
        "cited recursion; expansion verified exactly at explicit K); principal-minor identity "
        "over QQ[c, r]",
        params={"K": K, "variant": variant},
        depends_on=["lemma0", "theorem1", "claim1"],
    )
    general = variant == "overlap" and not custom
    with timed(rec):
        # alpha is Theorem 1's object: it is only defined when Lemma 0's concavity holds.
        if concavity_failure(game, rec, generality=GENERAL_K if general else ""):
            rec.statement_latex = (
                r"\text{not claimed: Lemma 0's concavity hypothesis does not hold}"
            )
            return rec.finish()
        parts = closed_form_parts(game if custom else K, variant, backend=backend)
        dom = parts.domain
        how = "FlintMatrix (python-flint fmpq_mpoly)" if is_flint(dom) else "DomainMatrix"
        if is_flint(dom):
            rec.method += "; exact arithmetic by python-flint (fmpq_mpoly)"
        M_sym = parts.structure.M_sym
        dM = M_sym.applyfunc(lambda e: sp.diff(e, r))
        rho = dM[0, 0]
        X_sym = M_sym.subs(r, 0)
        C = game.agent_params(1)[1]
        kappa = sp.cancel(X_sym[0, 0] / C[0, 0]) if C[0, 0] in X_sym[0, 0].free_symbols else None
        form_ok = dM == rho * sp.eye(K) and not rho.free_symbols and rho.is_positive
        psd_ok = (
            kappa is not None
            and not kappa.free_symbols
            and kappa.is_positive
            and (X_sym - kappa * C).applyfunc(sp.expand).is_zero_matrix
        )
        if not (form_ok and psd_ok):
            rec.failure = (
                "not of the required form: Lemma 2 needs M(r) = kappa C + rho r I with constants "
                f"kappa, rho > 0; the engine derived M(r) = {sp.sstr(M_sym)}"
            )
            rec.step(rec.failure, kind="unchecked")
            rec.verified = False
            return rec.finish()
        rec.add_hypothesis(
            "form: M(r) = kappa C + rho r I with constants kappa > 0, rho > 0",
            "holds",
            f"kappa = {kappa}, rho = {rho}, read off the derived M(r) and re-checked by expansion"
            + ("; for every K by the general-K check below" if general else ""),
            generality=GENERAL_K if general else "",
        )
        if general:
            from nashalign.derivations.theorem1_interior_ne import _general_k_symmetric_gradient

            rec.add_check(
                "symbolic K: M(r) = 2C + rI (the symmetric gradient is s a - (2C + rI) w)",
                _general_k_symmetric_gradient(),
                "MatrixSymbol a, C, w of symbolic size",
                generality=GENERAL_K,
            )
        poly = None
        if K <= EXPRESSIONS_MAX_K or not is_flint(dom):
            alpha = sp.expand(parts.sym(parts.alpha))
            poly = sp.Poly(alpha, r)
            degree, lc = poly.degree(), sp.expand(poly.LC())
            rec.expressions["alpha"] = alpha
            deg_how = "Poly in r"
        else:
            degree = dom.degree_in(parts.alpha, r)
            lc = sp.expand(dom.to_sympy(dom.coeff_in(parts.alpha, r, degree)))
            deg_how = "degree in r and its coefficient read off the fmpq_mpoly"
        rec.expressions.update(
            {
                "degree": sp.sympify(degree),
                "leading_coefficient": lc,
                "X": X_sym,
                "rho": rho,
            }
        )
        Ks = sp.Symbol("K", integer=True, positive=True)
        # The statement's degree and leading coefficient, checked against the derived ones.
        rec.stated("degree of alpha in r", stated_degree(Ks).subs(Ks, K), degree, deg_how)
        rec.stated(
            "leading coefficient of alpha",
            stated_leading_coefficient(Ks, rho).subs(Ks, K),
            lc,
            deg_how + ", coefficient expanded",
        )
        gen_lc = general_k_leading_coefficient()
        rec.cite("faddeev", "leading matrix coefficient B_0 = I of adj(X + t I), every K")
        rec.expressions["general_K_leading_term"] = gen_lc
        X = to_matrix(X_sym, dom)
        T = matrix_type(dom)
        Bs, es = faddeev_leverrier(X)
        t = dom.from_sympy(rho * r)
        expansion = T.zeros((K, K), dom)
        for k, B in enumerate(Bs):
            expansion = expansion + B * (t ** (K - 1 - k))
        rec.add_check(
            "Faddeev-LeVerrier: adj(X + rho r I) = sum_k (rho r)^(K-1-k) B_k, B_0 = I",
            is_zero_dm(expansion - parts.A),
            how + " over QQ[c, r]",
        )
        minors_sum = dom.zero
        for m in range(1, K + 1):
            inner = dom.zero
            for S in combinations(range(K), m):
                XS = X.extract(list(S), list(S))
                adjS = XS.adjugate() if m > 1 else T.eye(1, dom)
                o = T.ones((m, 1), dom)
                inner += (o.transpose() * adjS * o)[0, 0].element
            minors_sum += inner * t ** (K - m)
        rec.add_check(
            "alpha = sum_m (rho r)^(K-m) sum_{|S|=m} 1^T adj(X_S) 1 (principal-minor expansion)",
            dom.is_zero(minors_sum - parts.alpha),
            "exact polynomial identity",
        )
        rec.cite("principal_minors", "the expansion for every K; confirmed exactly at this K")
        rec.step(
            r"The Faddeev–LeVerrier recursion expands the adjugate in powers of $t = \rho r$; its "
            r"first matrix is $B_0 = I$ for every $K$, so the leading term of "
            r"$\alpha(r) = \mathbf 1^\top \operatorname{adj}(X + \rho r I)\mathbf 1$ is "
            r"$(\rho r)^{K-1}\,\mathbf 1^\top I_K \mathbf 1$ (cited, not a general-K check: "
            r"the general-K proof is the Coq kernel's, derivations/coq/Lemma2.v):",
            r"\mathbf 1^\top I_K \mathbf 1 = " + sp.latex(gen_lc),
            cite="faddeev",
        )
        rec.step(
            f"At K = {K} the expansion is verified exactly, and the derived polynomial has degree "
            f"{degree} with leading coefficient",
            sp.latex(lc),
            kind="checked",
        )
        if K <= 3 and poly is not None:
            rec.step(
                "The derived polynomial:",
                r"\alpha(r) = " + sp.latex(poly.as_expr()),
                kind="checked",
            )
        rec.cite("roots", "alpha is nonzero of degree K - 1 (checked)")
        rec.step(
            r"A nonzero polynomial of degree $K-1$ has at most $K-1$ roots, so only finitely many "
            r"$\beta_D/\beta_I$ are degenerate.",
            cite="roots",
        )
        rec.cite(
            "psd_minors", "X = kappa C with kappa > 0 is PSD for C PSD (Claim 1); so is each X_S"
        )
        rec.step(
            r"For positivity, the principal-minor expansion (verified exactly) writes $\alpha$ as a "
            r"polynomial in $\rho r$ whose coefficients are sums of "
            r"$\mathbf 1^\top \operatorname{adj}(X_S)\mathbf 1 \ge 0$ (the adjugate of a PSD matrix "
            r"is PSD, and $X = \kappa C$ with $\kappa > 0$ is PSD) and whose top coefficient is $K$; "
            r"so $\alpha(r) \ge K(\rho r)^{K-1} > 0$ for $r > 0$ since $\rho > 0$ (checked).",
            cite="psd_minors",
        )
        rec.statement_latex = (
            r"\alpha(r) = \mathbf 1^\top \operatorname{adj}\bigl(M(r)\bigr)\mathbf 1 \text{ has degree } "
            + sp.latex(stated_degree(Ks))
            + r" \text{ and leading coefficient } "
            + sp.latex(stated_leading_coefficient(Ks, rho))
            + r";\quad C \succeq 0,\ r > 0 \implies \alpha(r) > 0 ."
        )
    return rec.finish()
