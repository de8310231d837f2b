r"""Exclusion thresholds and steering (SPEC 2.7), from Theorem 1.

Statement. With :math:`w^*_k(s, r) = \bigl((A\mathbf 1)_k + s(\Pi a)_k\bigr)/\alpha(r)`
and :math:`\alpha(r) > 0` for :math:`r > 0` (Lemma 2):

* for fixed :math:`r`, a subpopulation with :math:`v_k(r) < 0` falls below
  :math:`\tau` exactly when

  .. math:: s > s_k(r, \tau) = \frac{w_{0k}(r) - \tau}{-v_k(r)}
            = \frac{(A\mathbf 1)_k - \tau\alpha(r)}{-(\Pi a)_k(r)},

  and the interior NE stops existing at :math:`\tau = 0`;
* for fixed :math:`s`, :math:`w^*_k \ge \tau \iff p_k(r) \ge 0` with the
  polynomials :math:`p_k(r) = (A\mathbf 1)_k + s(\Pi a)_k - \tau\alpha(r)`, so the set of
  :math:`r \ge 0` where every weight is :math:`\ge \tau` is a finite union of
  intervals bounded by real roots of the :math:`p_k`; the minimal diversity
  incentive is :math:`r^*(s, \tau) = \inf` of that set. :mod:`nashalign.exact.steering`
  computes it exactly for a concrete instance by real-root isolation.

Verification: Theorem 1's numerator :math:`\alpha w^*_k` is checked to be affine
in :math:`s` with intercept :math:`(A\mathbf 1)_k` and slope :math:`(\Pi a)_k` (the
adjugate objects the stated threshold uses); the stated threshold substituted
into that numerator gives :math:`\alpha(w^*_k - \tau) = 0`, and
:math:`p_k = -(\Pi a)_k (s_k - s)` holds as polynomials over
:math:`\mathbb Q[a, c, r, s, \tau]`. The sign argument uses Lemma 2's
:math:`\alpha > 0` (cited from that record).

Examples
--------
>>> rec = derive(K=2)
>>> rec.status
'proved at explicit K = 2'
"""

from __future__ import annotations

import sympy as sp

from nashalign.symbolic.bordered import closed_form_parts
from nashalign.symbolic.game import Game
from nashalign.symbolic.linear import concavity_failure, scaled_c_plus_ri, timed
from nashalign.symbolic.matrix_backend import is_flint
from nashalign.symbolic.records import DerivationRecord
from nashalign.symbolic.symbols import r, s, tau

NAME = "exclusion"
TITLE = "Exclusion thresholds and the minimal diversity incentive"

# -- registry declarations: none, the defaults of nashalign.derivations.declarations apply


def stated_threshold(w0num, slope, alpha, t):
    """The stated threshold ``s_k = ((A 1)_k - tau alpha) / (-(Pi a)_k)`` as ``(num, den)``.

    ``w0num`` is ``(A 1 + Pi b0)_k`` (``= (A 1)_k`` for the shipped variants, ``b0 = 0``)
    and ``slope`` is ``(Pi a)_k``; a hook for mutation tests.
    """
    return w0num - t * alpha, -slope


def derive(
    K: int = 3,
    N: int = 2,
    variant: str = "overlap",
    game: Game | None = None,
    backend: str = "auto",
) -> DerivationRecord:
    """Derive and verify the exclusion thresholds at explicit ``K`` (or for a user ``game``).

    ``backend``: exact arithmetic of the polynomial identities, ``"sympy"``,
    ``"flint"`` or ``"auto"`` (FLINT from K = 5), as in Theorem 1.
    """
    custom = game is not None
    if game is None:
        game = Game.from_variant(variant, K=K, N=2)
    K, variant = game.K, game.variant
    rec = DerivationRecord(
        name=NAME,
        title=TITLE,
        statement_latex="",
        hypotheses=[
            r"Theorem 1 and Lemma 2 hold ($C \succeq 0$, $r > 0$ so $\alpha > 0$)",
            r"$0 < \tau < 1/K$",
        ],
        method="exact polynomial identities over QQ[a, c, r, s, tau] between the stated "
        "thresholds and Theorem 1's closed form; sign argument from Lemma 2's alpha > 0",
        params={"K": K, "variant": variant},
        depends_on=["theorem1", "lemma2"],
    )
    with timed(rec):
        if concavity_failure(game, rec):
            rec.statement_latex = (
                r"\text{not claimed: Lemma 0's concavity hypothesis does not hold}"
            )
            return rec.finish()
        parts = closed_form_parts(game if custom else K, variant, backend=backend)
        flint = is_flint(parts.domain)
        if flint:
            rec.method += "; exact arithmetic by python-flint (fmpq_mpoly)"
        form = scaled_c_plus_ri(parts.structure.M_sym, game.C)
        dom = parts.domain.inject(tau)
        conv = lambda x: dom.convert_from(x, parts.domain)
        t = dom.from_sympy(tau)
        sd = dom.from_sympy(s)
        alpha = conv(parts.alpha)
        if flint:
            d_ds = lambda p: dom.diff(p, s)
            at_s0 = lambda p: dom.subs(p, s, 0)
            deg_r = lambda p: dom.degree_in(p, r)
            to_expr = dom.to_sympy
            ratio = lambda n, d: sp.cancel(dom.to_sympy(n) / dom.to_sympy(d))
        else:
            field = dom.get_field()
            s_gen = dom.gens[dom.symbols.index(s)]
            r_gen = dom.gens[dom.symbols.index(r)]
            d_ds = lambda p: p.diff(s_gen)
            at_s0 = lambda p: p.subs(s_gen, 0)
            deg_r = lambda p: p.degree(r_gen)
            to_expr = dom.to_sympy
            ratio = lambda n, d: field.to_sympy(field.convert(n) / field.convert(d))
        ok_aff, ok_parts, ok_thr, ok_sign, ok_deg, ok_nd = True, True, True, True, True, True
        pk_list, thr_list = [], []
        for k in range(K):
            wnum = conv(parts.w_num[k, 0].element)  # alpha * w*_k from Theorem 1
            slope_actual = d_ds(wnum)
            w0_actual = at_s0(wnum)
            ok_aff = ok_aff and dom.is_zero(wnum - w0_actual - sd * slope_actual)
            w0_stated = conv(parts.A1[k, 0].element + parts.Pib0[k, 0].element)
            slope_stated = conv(parts.Pib1[k, 0].element)
            ok_parts = (
                ok_parts
                and dom.is_zero(w0_actual - w0_stated)
                and dom.is_zero(slope_actual - slope_stated)
            )
            num, den = stated_threshold(w0_stated, slope_stated, alpha, t)
            ok_nd = ok_nd and not dom.is_zero(den)
            pk = wnum - t * alpha
            # p_k(s) = -(Pi a)_k (s_k - s) = num - den s, for every s (linear in s: cheap):
            ok_pk = dom.is_zero(pk - (num - den * sd))
            ok_sign = ok_sign and ok_pk
            if K <= 4:
                # den * (alpha w*_k(s_k) - tau alpha), using the checked affinity in s:
                ok_thr = ok_thr and dom.is_zero(
                    den * w0_actual + num * slope_actual - den * t * alpha
                )
            else:
                # Substituting s = num/den into the identity p_k = num - den s gives 0 exactly;
                # the product form above is the same identity (and slow at K >= 5).
                ok_thr = ok_thr and ok_pk and ok_aff
            ok_deg = ok_deg and (dom.is_zero(pk) or deg_r(pk) <= K - 1)
            if K <= 3 and ok_nd:
                pk_list.append(to_expr(pk))
                thr_list.append(ratio(num, den))
        if variant in ("overlap", "spread"):
            rec.add_check(
                "b0 = 0 for this variant, so the stated intercept is (A 1)_k",
                all(x == 0 for x in parts.structure.b0),
                "the s-free part of the normalised gradient",
            )
        rec.add_check(
            "alpha w*_k is affine in s (Theorem 1's numerator)",
            ok_aff,
            "derivative and evaluation at s = 0 of Theorem 1's numerator, exact",
        )
        rec.add_check(
            "Theorem 1's numerator = (A 1 + Pi b0)_k + s (Pi a)_k, the objects the thresholds use",
            ok_parts,
            "exact comparison with the adjugate objects A 1, Pi b0, Pi b1",
        )
        rec.add_check(
            "non-degeneracy: (Pi a)_k is not the zero polynomial for any k",
            ok_nd,
            "exact zero test (else s_k is undefined)",
        )
        rec.add_check(
            "alpha (w*_k(s_k(r, tau), r) - tau) = 0 for every k",
            ok_thr,
            "stated threshold substituted into Theorem 1's numerator, denominator cleared, exact"
            + (
                "" if K <= 4 else "; at K >= 5 as s = s_k in the checked identity p_k = num - den s"
            ),
        )
        rec.add_check(
            "p_k(r) = alpha (w*_k - tau) = -(Pi a)_k (s_k - s) for every k, as polynomials",
            ok_sign,
            "exact, over QQ[a, c, r, s, tau]",
        )
        rec.add_check(
            f"deg_r p_k <= K - 1 = {K - 1} for every k", ok_deg, "degree in r of the polynomial"
        )
        if pk_list:
            rec.expressions["steering_polynomials"] = pk_list
            rec.expressions["s_threshold"] = thr_list
        rec.step(
            r"By Theorem 1, $w^*_k$ is affine in $s$ with slope $v_k = (\Pi a)_k/\alpha$; the "
            r"exclusion polynomial is",
            r"p_k(r) = \alpha(r)\,(w^*_k - \tau) = (A\mathbf 1)_k + s\,(\Pi a)_k - \tau\,\alpha(r) "
            r"= -(\Pi a)_k\,\bigl(s_k(r,\tau) - s\bigr).",
            kind="checked",
        )
        if form is None:
            rec.step(
                "not of the required form: the sign of alpha (Lemma 2) is established for "
                f"M(r) = kappa C + rho r I only; here M(r) = {sp.sstr(parts.structure.M_sym)}",
                kind="unchecked",
            )
        else:
            rec.cite(
                "Lemma 2 (record lemma2): alpha(r) > 0 for r > 0 when C is PSD",
                f"M(r) = {form[0]} C + {form[1]} r I is of Lemma 2's form",
            )
            rec.cite("sign", "alpha > 0 and -(Pi a)_k > 0 (v_k < 0)")
            rec.step(
                r"For $r > 0$ Lemma 2 gives $\alpha > 0$, so $w^*_k < \tau \iff p_k < 0$; for $v_k < 0$, "
                r"$-(\Pi a)_k > 0$ and $p_k < 0 \iff s > s_k(r, \tau)$, with",
                r"s_k(r, \tau) = \frac{(A\mathbf 1)_k - \tau\alpha(r)}{-(\Pi a)_k(r)}"
                + (
                    r",\qquad\text{e.g. } s_1 = " + sp.latex(sp.factor(thr_list[0]))
                    if K == 2 and thr_list
                    else ""
                ),
                cite="sign",
            )
        rec.step(
            r"At $\tau = 0$ the same threshold is where subpopulation $k$'s weight reaches 0: beyond "
            r"it the symmetric interior NE (unique by Theorem 1 when $\alpha \ne 0$) stops existing.",
            cite="Theorem 1 (record theorem1): w* is the only symmetric solution when alpha != 0",
        )
        rec.step(
            r"For fixed $s$ the exclusion-free set $\{r \ge 0: p_k(r) \ge 0\ \forall k\}$ is a finite "
            r"union of intervals between real roots of the $p_k$ (polynomials of degree $\le K-1$ in $r$, "
            r"checked); its infimum is the minimal diversity incentive $r^*(s, \tau)$ (computed for "
            r"instances by nashalign.exact.steering).",
            cite="roots",
        )
        rec.statement_latex = (
            r"w^*_k < \tau \iff s > s_k(r,\tau) = \frac{(A\mathbf 1)_k - \tau\alpha(r)}{-(\Pi a)_k}"
            r"\ (v_k < 0);\qquad \{r: w^* \ge \tau\} = \{r : p_k(r) = (A\mathbf 1)_k + s(\Pi a)_k "
            r"- \tau\alpha(r) \ge 0\ \forall k\}"
        )
    return rec.finish()
