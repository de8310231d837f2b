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
in :math:`s` (its :math:`s`-derivative is :math:`(\Pi a)_k`), and
:math:`(-(\Pi a)_k)\,\alpha\,(w^*_k - \tau)` at :math:`s = s_k(r, \tau)` reduces to
the zero polynomial over :math:`\mathbb Q[a, c, r, s, \tau]`.

Examples
--------
>>> rec = derive(K=2)
>>> rec.verified
True
"""

from __future__ import annotations

import sympy as sp

from nashalign.symbolic.bordered import closed_form_parts
from nashalign.symbolic.game import Game
from nashalign.symbolic.linear import concavity_failure, timed
from nashalign.symbolic.records import DerivationRecord, Step
from nashalign.symbolic.symbols import s, tau

NAME = "exclusion"
TITLE = "Exclusion thresholds and the minimal diversity incentive"


def derive(K: int = 3, N: int = 2, variant: str = "overlap") -> DerivationRecord:
    """Derive and verify the exclusion thresholds at explicit ``K``."""
    rec = DerivationRecord(
        name=NAME,
        title=TITLE,
        statement_latex="",
        hypotheses=[
            r"Theorem 1 and Lemma 2 hold ($C \succeq 0$, $r > 0$ so $\alpha > 0$)",
            r"$0 < \tau < 1/K$",
        ],
        method="exact polynomial identities over QQ[a, c, r, s, tau] from Theorem 1's closed form",
        params={"K": K, "variant": variant},
    )
    with timed(rec):
        game = Game.from_variant(variant, K=K, N=2)
        if concavity_failure(game, rec):
            return rec
        parts = closed_form_parts(K, variant)
        dom = parts.domain.inject(tau)
        conv = lambda x: dom.convert_from(x, parts.domain)
        t = dom.from_sympy(tau)
        sd = dom.from_sympy(s)
        alpha = conv(parts.alpha)
        field = dom.get_field()
        s_gen = dom.gens[dom.symbols.index(s)]
        ok_aff, ok_thr = True, True
        pk_list, thr_list = [], []
        for k in range(K):
            wnum = conv(parts.w_num[k, 0].element)  # alpha * w*_k from Theorem 1
            slope = wnum.diff(s_gen)  # (Pi a)_k
            w0num = wnum.subs(s_gen, 0)  # (A 1)_k
            ok_aff = ok_aff and dom.is_zero(wnum - w0num - sd * slope)
            pk = wnum - t * alpha
            # s_k = ((A1)_k - tau alpha) / (-(Pi a)_k); substitute into alpha w*_k - tau alpha.
            # s_k = num / den with num = (A1)_k - tau alpha, den = -(Pi a)_k; clear den:
            num, den = w0num - t * alpha, -slope
            ok_thr = ok_thr and dom.is_zero(den * w0num + num * slope - den * t * alpha)
            if K <= 3:
                pk_list.append(dom.to_sympy(pk))
                thr_list.append(field.to_sympy(field.convert(num) / field.convert(den)))
        rec.add_check(
            "alpha w*_k is affine in s: alpha w*_k = (A 1)_k + s (Pi a)_k",
            ok_aff,
            "derivative and evaluation at s = 0 of Theorem 1's numerator, exact",
        )
        rec.add_check(
            "w*_k(s_k(r, tau), r) = tau for every k",
            ok_thr,
            "substitution into Theorem 1's numerator, denominator -(Pi a)_k cleared, exact",
        )
        if pk_list:
            rec.expressions["steering_polynomials"] = pk_list
            rec.expressions["s_threshold"] = thr_list
        rec.steps += [
            Step(
                r"By Theorem 1, $w^*_k$ is affine in $s$ with slope $v_k = (\Pi a)_k/\alpha$; for $r > 0$ "
                r"Lemma 2 gives $\alpha > 0$, so $w^*_k - \tau$ has the sign of",
                r"p_k(r) = (A\mathbf 1)_k + s\,(\Pi a)_k - \tau\,\alpha(r).",
            ),
            Step(
                r"For fixed $r$ and $v_k < 0$, $w^*_k$ decreases in $s$ and crosses $\tau$ at",
                r"s_k(r, \tau) = \frac{(A\mathbf 1)_k - \tau\alpha(r)}{-(\Pi a)_k(r)}"
                + (
                    r",\qquad\text{e.g. } s_1 = " + sp.latex(sp.factor(thr_list[0]))
                    if K == 2
                    else ""
                ),
            ),
            Step(
                r"At $\tau = 0$ the same threshold is where subpopulation $k$'s weight reaches 0: the "
                r"interior NE stops existing. For fixed $s$ the exclusion-free set "
                r"$\{r \ge 0: p_k(r) \ge 0\ \forall k\}$ is a finite union of intervals between real roots "
                r"of the $p_k$ (polynomials of degree $\le K-1$ in $r$); its infimum is the minimal "
                r"diversity incentive $r^*(s, \tau)$ (computed exactly by nashalign.exact.steering)."
            ),
        ]
        rec.statement_latex = (
            r"w^*_k < \tau \iff s > s_k(r,\tau) = \frac{(A\mathbf 1)_k - \tau\alpha(r)}{-(\Pi a)_k}"
            r"\ (v_k < 0);\qquad \{r: w^* \ge \tau\} = \{r : p_k(r) = (A\mathbf 1)_k + s(\Pi a)_k "
            r"- \tau\alpha(r) \ge 0\ \forall k\}"
        )
    return rec.finish()
