r"""Theorem 1: the closed-form symmetric interior Nash equilibrium.

Statement (homogeneous population). Let :math:`M(r)` be the matrix of the
symmetric first-order system derived from the utility (for the canonical
"overlap" utility :math:`M(r) = 2C + rI`), :math:`A(r) = \operatorname{adj} M(r)`,
:math:`\alpha(r) = \mathbf 1^\top A(r)\mathbf 1` and
:math:`B = \begin{pmatrix} M & \mathbf 1\\ \mathbf 1^\top & 0\end{pmatrix}`, so that
:math:`\det B = -\alpha`. Whenever :math:`\alpha \ne 0` the symmetric interior
conditions have the unique solution

.. math::

    w^*(s, r) = w_0(r) + s\,v(r),\quad w_0 = \frac{A\mathbf 1}{\alpha},\quad
    v = \frac{\Pi a}{\alpha},\quad
    \Pi = -\operatorname{adj}(B)_{1:K,1:K},

where :math:`\Pi` is a polynomial matrix with
:math:`\det M\,\Pi = \alpha A - A\mathbf 1\mathbf 1^\top A` (so no :math:`\det M \ne 0`
is needed: at :math:`C = \operatorname{diag}(1, 2)`, :math:`r = -2`, the quotient form is
0/0 but the polynomial :math:`\Pi` still gives the solution, checked),
:math:`\mathbf 1^\top w_0 = 1`, :math:`\mathbf 1^\top v = 0`, and
:math:`\lambda^* = (s\,\mathbf 1^\top A a - \det M)/\alpha`. The equilibrium weights
are affine in :math:`s = \beta_A/\beta_I`. It is an interior NE when every weight
is positive.

Verification. All objects are computed over the polynomial ring
:math:`\mathbb Q[a, c, r, s]` with DomainMatrix (division-free adjugates), and
the following reduce to the zero polynomial exactly: :math:`MA = \det M\, I`,
:math:`\det B + \alpha`, :math:`M\Pi - (\alpha I - \mathbf 1\mathbf 1^\top A)`,
:math:`\det M\,\Pi - (\alpha A - A\mathbf 1\mathbf 1^\top A)`,
:math:`\mathbf 1^\top \Pi`, and, substituting :math:`w^*` for every agent of an
N-agent population (N = 2, 3) into the engine's gradients,
:math:`\alpha(\nabla_{w_m}u_m/\beta_I - \lambda^*\mathbf 1)` and
:math:`\mathbf 1^\top w^* - 1`.

Examples
--------
>>> rec = derive(K=2)
>>> rec.verified, rec.status
(True, 'proved for general K')
>>> derive(K=2, variant="spread").status
'proved at explicit K = 2'
>>> rec.expressions["alpha"]
2*c11 - 4*c12 + 2*c22 + 2*r
"""

from __future__ import annotations

import sympy as sp
from nashalign.derivations.declarations import explicit_k_and_one_further

from nashalign.symbolic.bordered import ClosedFormParts, closed_form_parts
from nashalign.symbolic.game import Game
from nashalign.symbolic.general_k import theorem1_general_k
from nashalign.symbolic.linear import concavity_failure, timed
from nashalign.symbolic.matrix_backend import is_flint, matrix_type, to_matrix
from nashalign.symbolic.polyalg import is_zero_dm, linear_parts
from nashalign.symbolic.records import GENERAL_K, DerivationRecord
from nashalign.symbolic.symbols import beta_A, beta_D, beta_I, c_matrix, r, s

NAME = "theorem1"
TITLE = "Theorem 1 (closed-form interior NE)"
#: Largest K at which the derived polynomials are converted to SymPy expressions by default
#: (``expressions=None``); beyond, w*, Pi, ... have tens of thousands of terms.
EXPRESSIONS_MAX_K = 5

# -- registry declarations (read by nashalign.derivations; the rest are the defaults) --
#: Largest explicit K that ``derive`` accepts (one K beyond the other results).
MAX_K = 7
#: What ``nashalign verify --max-k max_k`` runs: K = 2..max_k and max(5, max_k + 1).
plan = explicit_k_and_one_further


def verify_options(params: dict[str, int]) -> dict[str, bool]:
    """Extra ``derive`` options for ``nashalign verify``: from K = 5 the record skips the
    SymPy expressions (tens of thousands of terms); the checks are the same.

    Examples
    --------
    >>> verify_options({"K": 4}), verify_options({"K": 5})
    ({}, {'expressions': False})
    """
    return {"expressions": False} if params["K"] >= 5 else {}


def stated_M(K: int) -> sp.Matrix:
    """The stated ``M(r) = 2C + rI`` of the canonical utility (a hook for mutation tests)."""
    return 2 * c_matrix(K) + r * sp.eye(K)


def _general_k_symmetric_gradient() -> bool:
    """For symbolic K: grad_m/beta_I at a symmetric profile is s a - (2C + rI) w (any N)."""
    from nashalign.derivations.lemma0_best_response import stated_gradient

    Ks = sp.Symbol("K", integer=True, positive=True)
    w = sp.MatrixSymbol("w", Ks, 1)
    a = sp.MatrixSymbol("a", Ks, 1)
    C = sp.MatrixSymbol("C", Ks, Ks)
    g = stated_gradient(a, C, w, w).subs({beta_A: s * beta_I, beta_D: r * beta_I}) / beta_I
    diff = (g - (s * a - (2 * C + r * sp.Identity(Ks)) * w)).expand().doit()
    return bool(diff == 0 or getattr(diff, "is_ZeroMatrix", False))


def _verify_agents(parts: ClosedFormParts, game: Game) -> bool:
    """alpha * (grad_m(w*, ..., w*)/beta_I - lambda* 1) == 0 for every agent m of ``game``."""
    K, N = game.K, game.N
    dom = parts.domain
    ones = matrix_type(dom).ones((K, 1), dom)
    ok = True
    for m in range(1, N + 1):
        g = game.normalised(game.gradient(m))
        J, c = linear_parts(list(g), game.strategy_symbols())
        Jsum = sum((J[:, K * j : K * (j + 1)] for j in range(N)), sp.zeros(K, K))
        resid = (
            to_matrix(c, dom) * parts.alpha
            + to_matrix(Jsum, dom) * parts.w_num
            - ones * parts.lam_num
        )
        ok = ok and is_zero_dm(resid)
    return ok


def derive(
    K: int = 3,
    N: int = 2,
    variant: str = "overlap",
    expressions: bool | None = None,
    game: Game | None = None,
    backend: str = "auto",
) -> DerivationRecord:
    """Derive and verify Theorem 1 at explicit ``K`` for ``variant`` (or a user ``game``).

    ``expressions=False`` skips converting the (large, at K >= 5) derived
    polynomials back to SymPy expressions; the checks are the same. The default
    (None) converts them up to :data:`EXPRESSIONS_MAX_K`.
    ``backend`` chooses the exact arithmetic of the checks: ``"sympy"``
    (DomainMatrix), ``"flint"`` (:mod:`nashalign.symbolic.flint_poly`) or
    ``"auto"`` (FLINT from K = 5, :data:`~nashalign.symbolic.matrix_backend.FLINT_MIN_K`).
    M(r), b0, b1 and the gradients are derived by SymPy either way.
    """
    custom = game is not None
    if game is None:
        game = Game.from_variant(variant, K=K, N=max(N, 2))
    K, variant = game.K, game.variant
    if expressions is None:
        expressions = K <= EXPRESSIONS_MAX_K
    rec = DerivationRecord(
        name=NAME,
        title=TITLE,
        statement_latex="",
        hypotheses=[
            r"homogeneous population: every agent has the same $a$, $C$",
            r"$\beta_I > 0$; Lemma 0 (concavity) holds",
            r"$\alpha(r) \ne 0$",
        ],
        method="DomainMatrix over QQ[a, c, r, s]: division-free adjugates; exact zero tests "
        "of polynomial identities; substitution into every agent's gradient "
        + ("(the given N)" if custom else "(N = 2, 3)"),
        params={"K": K, "variant": variant} | ({"N": game.N} if custom else {}),
        depends_on=["lemma0"],
    )
    general = variant == "overlap" and not custom
    with timed(rec):
        if concavity_failure(game, rec, generality=GENERAL_K if general else ""):
            rec.statement_latex = (
                r"\text{not claimed: }" + r"\text{Lemma 0's concavity hypothesis does not hold}"
            )
            return rec.finish()
        parts = closed_form_parts(game if custom else K, variant, backend=backend)
        ls = parts.structure
        dom = parts.domain
        T = matrix_type(dom)
        eye = T.eye(K, dom)
        one = T.ones((K, 1), dom)
        how = "DomainMatrix"
        if is_flint(dom):
            how = "FlintMatrix (python-flint fmpq_mpoly)"
            rec.method = rec.method.replace(
                "DomainMatrix over", "python-flint fmpq_mpoly matrices (Berkowitz) over"
            )
        M_sym = ls.M_sym
        rec.step(
            "At a symmetric profile $w_m = w$ the engine's normalised gradient is affine in $w$; "
            r"Lemma 0's condition becomes $M w = b_0 + s\,b_1 - \lambda \mathbf 1$ with",
            r"M(r) = " + sp.latex(M_sym) + r",\quad b_0 = " + sp.latex(ls.b0.T) + r"^{\top},"
            r"\quad b_1 = " + sp.latex(ls.b1.T) + r"^{\top} .",
            cite="Lemma 0 (record lemma0): interior best responses are the solutions of "
            "grad u_m = lambda_m 1",
        )
        if variant == "overlap":
            rec.add_check(
                "derived M(r) = 2C + rI",
                (M_sym - stated_M(K)).applyfunc(sp.expand).is_zero_matrix,
                "componentwise expansion",
                supplementary=general,
            )
        if general:
            rec.add_check(
                "symbolic K: grad_m/beta_I at a symmetric profile = s a - (2C + rI) w, any N",
                _general_k_symmetric_gradient(),
                "MatrixSymbol a, C, w of symbolic size; Lemma 0's gradient with wbar = w",
                generality=GENERAL_K,
            )
            for desc, ok in theorem1_general_k().items():
                rec.add_check(
                    f"symbolic K: {desc}",
                    ok,
                    "free-algebra rewriting with M A = A M = det(M) I and 1^T A 1 = alpha "
                    "(nashalign.symbolic.general_k)",
                    generality=GENERAL_K,
                )
            rec.cite("adjugate", "the only relation between M and A = adj M the rewriting uses")
            rec.cite("schur", "det B = -alpha for every K")
            rec.cite("block_inverse", "Pi is a polynomial matrix for every K")
            rec.cite(
                "faddeev",
                "det M = r^K + ... and alpha = K r^(K-1) + ... are nonzero polynomials (Lemma 2)",
            )
            rec.step(
                "For every K (matrix symbols of symbolic size): the symmetric condition is "
                r"$M w = s a - \lambda\mathbf 1$ with $M = 2C + rI$; rewriting with "
                r"$MA = AM = \det M\,I$ and $\mathbf 1^\top A\mathbf 1 = \alpha$ gives "
                r"$\mathbf 1^\top\Pi = 0$, $M\Pi = \alpha I - \mathbf 1\mathbf 1^\top A$, "
                r"$M w^* = s a - \lambda^*\mathbf 1$ and $\mathbf 1^\top w^* = 1$.",
                kind="checked",
            )
            rec.step(
                r"For every K, the Schur complement gives $\det B = -\alpha$ and the partitioned "
                r"inverse gives $\Pi = -\operatorname{adj}(B)_{1:K,1:K}$, a polynomial matrix with "
                r"$\det M\,\Pi = \alpha A - A\mathbf 1\mathbf 1^\top A$ (cited here; checked at this K "
                r"below; kernel-checked for every K in derivations/coq: det_B_alpha, Pi_poly).",
                cite="schur",
            )
            rec.step(
                r"The partitioned inverse of $B$ (cited).",
                cite="block_inverse",
            )
        rec.add_check(
            "non-degeneracy: det M, adj M and alpha are not the zero polynomial",
            not dom.is_zero(parts.det)
            and not parts.A.is_zero_matrix
            and not dom.is_zero(parts.alpha),
            "exact zero tests over the polynomial ring (otherwise 'alpha != 0' would be vacuous)",
            supplementary=general,
        )
        rec.add_check(
            "M A = det(M) I",
            is_zero_dm(parts.M * parts.A - eye * parts.det),
            how,
            supplementary=general,
        )
        rec.add_check(
            "A M = det(M) I",
            is_zero_dm(parts.A * parts.M - eye * parts.det),
            how,
            supplementary=general,
        )
        rec.add_check(
            "det B = -alpha",
            dom.is_zero(parts.detB + parts.alpha),
            f"{how} determinant",
            supplementary=general,
        )
        rec.cite("cramer", "B is square and det B = -alpha != 0")
        rec.step(
            r"Together with $\mathbf 1^\top w = 1$ this is the bordered system "
            r"$B\,(w, \lambda) = (b_0 + s b_1, 1)$, whose determinant is "
            r"$\det B = -\alpha(r)$ with $\alpha = \mathbf 1^\top \operatorname{adj}(M)\,\mathbf 1$. "
            r"So the solution is unique whenever $\alpha \ne 0$.",
            r"\alpha(r) = " + sp.latex(sp.expand(parts.sym(parts.alpha))) if K <= 3 else "",
            cite="cramer",
        )
        PiM = parts.M * parts.Pi - (eye * parts.alpha - one * (one.transpose() * parts.A))
        ok_PiM = rec.add_check(
            "M Pi = alpha I - 1 1^T A", is_zero_dm(PiM), how, supplementary=general
        )
        if K <= 4 or (is_flint(dom) and K <= 5):
            divis = parts.Pi * parts.det - (
                parts.A * parts.alpha - parts.A1 * (one.transpose() * parts.A)
            )
            rec.add_check(
                "det(M) Pi = alpha A - A 1 1^T A (det M divides it; quotient Pi = -adj(B)[:K,:K])",
                is_zero_dm(divis),
                f"{how}, degree-2K-2 products expanded",
                supplementary=general,
            )
        else:
            ok_AM = is_zero_dm(parts.A * parts.M - eye * parts.det)
            rec.add_check(
                "det(M) Pi = alpha A - A 1 1^T A (det M divides it; quotient Pi = -adj(B)[:K,:K])",
                ok_PiM and ok_AM,
                "follows from the two checked identities: A (M Pi) = (A M) Pi = det(M) Pi and "
                "A (alpha I - 1 1^T A) = alpha A - A 1 1^T A (associativity)",
                supplementary=general,
            )
        rec.add_check(
            "1^T Pi = 0 (so 1^T v = 0)",
            is_zero_dm(one.transpose() * parts.Pi),
            how,
            supplementary=general,
        )
        rec.add_check(
            "1^T (alpha w*) = alpha (so 1^T w* = 1, 1^T w0 = 1)",
            dom.is_zero((one.transpose() * parts.w_num)[0, 0].element - parts.alpha),
            how,
            supplementary=general,
        )
        rec.step(
            r"Eliminating $\lambda$ gives $\lambda^* = (\mathbf 1^\top A (b_0 + s b_1) - \det M)/\alpha$ and "
            r"$w^* = (A\mathbf 1 + \Pi b_0 + s\,\Pi b_1)/\alpha$, where "
            r"$\Pi = -\operatorname{adj}(B)_{1:K,1:K}$ is a polynomial matrix (no $\det M \ne 0$ is "
            r"needed; where $\det M \ne 0$ it equals $(\alpha A - A\mathbf 1\mathbf 1^\top A)/\det M$, "
            r"since $\det M\,\Pi = \alpha A - A\mathbf 1\mathbf 1^\top A$ reduces to 0). "
            r"Since $\mathbf 1^\top\Pi = 0$, $\mathbf 1^\top v = 0$ and $\mathbf 1^\top w_0 = 1$.",
            kind="checked",
        )
        games = (
            [game]
            if custom
            else [Game.from_variant(variant, K=K, N=n_agents) for n_agents in (2, 3)]
        )
        for g in games:
            rec.add_check(
                f"Lemma 0's condition holds for every agent of N = {g.N} at w*",
                _verify_agents(parts, g),
                "alpha (grad_m / beta_I - lambda* 1) reduces to the zero polynomial vector",
                supplementary=general,
            )
        if variant == "overlap" and not custom and K <= 4:
            ok0, detail0 = _det_m_zero_example(parts, K)
            rec.add_check(
                "det M = 0, alpha != 0 (C = diag(1..K), r = -2): w* from the polynomial Pi "
                "solves M w* = s a - lambda* 1, 1^T w* = 1",
                ok0,
                detail0,
                supplementary=general,
            )
        rec.cite(
            "dense", "alpha (grad_m/beta_I - lambda* 1) = 0 in the ring, divided by alpha != 0"
        )
        rec.step(
            r"Substituting $w^*$ for every agent into the engine's gradients and multiplying by "
            r"$\alpha$ leaves the zero polynomial; dividing by $\alpha \ne 0$, $w^*$ satisfies "
            r"Lemma 0's condition for every agent, and is affine in $s = \beta_A/\beta_I$. By "
            r"Lemma 0 it is an interior NE exactly when every weight is positive.",
            cite="dense",
        )
        if not expressions:
            rec.expressions["M"] = M_sym
            rec.statement_latex = _statement(M_sym)
            return rec.finish()
        ws = parts.w_star()
        alpha_e = sp.expand(parts.sym(parts.alpha))
        w0 = [
            sp.expand(parts.sym(parts.A1[k, 0].element + parts.Pib0[k, 0].element)) / alpha_e
            for k in range(K)
        ]
        v = [sp.expand(parts.sym(parts.Pib1[k, 0].element)) / alpha_e for k in range(K)]
        rec.expressions.update(
            {
                "M": M_sym,
                "alpha": alpha_e,
                "det_M": sp.expand(parts.sym(parts.det)),
                "w0": w0,
                "v": v,
                "w_star": ws,
                "lambda_star": sp.expand(parts.sym(parts.lam_num)) / alpha_e,
                "Pi": parts.Pi.to_Matrix(),
            }
        )
        if K == 2:
            rec.step(
                "For K = 2 the derived closed form reads",
                r"w^*_1 = "
                + sp.latex(sp.factor(ws[0]))
                + r",\qquad \lambda^* = "
                + sp.latex(sp.factor(rec.expressions["lambda_star"])),
                kind="checked",
            )
        rec.statement_latex = _statement(M_sym)
    return rec.finish()


def _statement(M_sym: sp.Matrix) -> str:
    # Pi is the polynomial matrix -adj(B)[:K, :K] (no det M != 0 needed); the quotient form
    # (alpha A - A 1 1^T A)/det M is stated only as the identity det(M) Pi = ... it satisfies.
    return (
        r"\alpha(r) \ne 0 \implies w^*(s, r) = \frac{A\mathbf 1}{\alpha} + s\,\frac{\Pi a}{\alpha},"
        r"\quad M(r) = " + sp.latex(M_sym) + r",\ A = \operatorname{adj}M,\ "
        r"\alpha = \mathbf 1^\top A \mathbf 1,\ "
        r"\Pi = -\operatorname{adj}\begin{pmatrix} M & \mathbf 1\\ \mathbf 1^\top & 0\end{pmatrix}_{1:K,1:K},"
        r"\quad \det M\,\Pi = \alpha A - A\mathbf 1\mathbf 1^\top A"
    )


def det_m_zero_point(K: int) -> dict:
    """C = diag(1, ..., K), r = -2: M = diag(0, 2, ..., 2K - 2) has det M = 0, alpha != 0."""
    pt = {
        sp.Symbol(f"c{i + 1}{j + 1}"): (i + 1 if i == j else 0)
        for i in range(K)
        for j in range(i, K)
    }
    pt[r] = -2
    return pt


def _det_m_zero_example(parts: ClosedFormParts, K: int) -> tuple[bool, str]:
    """At :func:`det_m_zero_point` the quotient (alpha A - A 1 1^T A)/det M is 0/0, but the
    polynomial Pi = -adj(B)[:K, :K] still gives the solution: M w* = s a - lambda* 1, 1^T w* = 1."""
    pt = det_m_zero_point(K)
    at = lambda e: sp.expand(parts.sym(e).subs(pt))
    det0, alpha0 = at(parts.det), at(parts.alpha)
    w = sp.Matrix([at(parts.w_num[k, 0].element) for k in range(K)]) / alpha0 if alpha0 else None
    lam = at(parts.lam_num) / alpha0 if alpha0 else None
    if w is None:
        return False, f"alpha = 0 at the point (det M = {det0})"
    M0 = parts.structure.M_sym.subs(pt)
    a = sp.Matrix([sp.Symbol(f"a{k + 1}") for k in range(K)])
    res = (M0 * w - s * a + lam * sp.ones(K, 1)).applyfunc(sp.expand)
    ok = det0 == 0 and alpha0 != 0 and res.is_zero_matrix and sp.expand(sum(w) - 1) == 0
    return bool(ok), f"det M = {det0}, alpha = {alpha0}; residual and 1^T w* - 1 expanded"
