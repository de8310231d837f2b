r"""The checks behind the exercises' worked solutions (every theorem chapter).

Each exercise of the book is a hand-solvable instance (mostly ``K = 2``,
``C = I``). Its worked solution ends with a cell that calls one helper here:
the helper holds the answer the solution derives by hand, computes the same
quantity with the library (the derivation records, the exact evaluator,
steering), raises :class:`~nashalign.publish.chapters.common.ChapterCheckError`
when the two differ (so the book does not build) and returns the one line the
cell prints.

Examples
--------
>>> exercise_theorem1_symmetric_ne()
'w* = [2/3, 1/3]: the hand computation, checked'
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from nashalign.publish.chapters.common import check

__all__ = [
    "exercise_claim1_two_contexts",
    "exercise_exclusion_r_star",
    "exercise_exclusion_threshold",
    "exercise_lemma0_best_response",
    "exercise_lemma2_degree",
    "exercise_theorem1_alpha",
    "exercise_theorem1_symmetric_ne",
    "exercise_theorem2_root",
    "exercise_theorem3_bound",
]

#: The identity as the 2 x 2 inconsistency matrix of the exercises.
IDENTITY_2 = [[1, 0], [0, 1]]


def _by_name(expr: sp.Expr | sp.MatrixBase) -> dict[str, sp.Symbol]:
    """The engine's symbols of ``expr`` by name (they carry assumptions)."""
    return {s.name: s for s in expr.free_symbols}


def exercise_claim1_two_contexts() -> str:
    """Scores (1, 0) and (0, 1): a = (1/2, 1/2), C = [[1/2, -1/2], [-1/2, 1/2]], 1^T C 1 = 0.

    Estimated with :meth:`nashalign.instance.Instance.from_scores` (what the
    scoring module does with a score matrix).

    Examples
    --------
    >>> exercise_claim1_two_contexts()
    'a = [0.5, 0.5], C = [[0.5, -0.5], [-0.5, 0.5]], 1^T C 1 = 0: checked'
    """
    from nashalign.instance import Instance

    inst = Instance.from_scores(np.array([[1.0, 0.0], [0.0, 1.0]]), "xy")
    check(np.allclose(inst.a, [0.5, 0.5]), f"a = {inst.a}, not (1/2, 1/2)")
    check(np.allclose(inst.C, [[0.5, -0.5], [-0.5, 0.5]]), f"C = {inst.C}")
    check(abs(np.ones(2) @ inst.C @ np.ones(2)) < 1e-15, "1^T C 1 is not 0")
    return f"a = {inst.a.tolist()}, C = {inst.C.tolist()}, 1^T C 1 = 0: checked"


def exercise_lemma0_best_response() -> str:
    """Agent 1's interior best response at K = N = 2, C = I: x = 1/2 + (s(a1 - a2) - r(2y - 1))/4.

    Solves Lemma 0's condition (the two gradient entries equal) with the
    engine's own gradient from the Lemma 0 record, beta_I = 1, beta_A = s,
    beta_D = r, w_1 = (x, 1 - x), w_2 = (y, 1 - y).

    Examples
    --------
    >>> exercise_lemma0_best_response()
    'x = a1*s/4 - a2*s/4 - r*y/2 + r/4 + 1/2: the hand computation, checked'
    """
    from nashalign.derivations import derive

    g = derive("lemma0", K=2).expressions["gradient"]
    sym = _by_name(g)
    x, y, s, r = sp.symbols("x y s r")
    values = {
        "c11": 1,
        "c12": 0,
        "c22": 1,
        "beta_I": 1,
        "beta_A": s,
        "beta_D": r,
        "w1_1": x,
        "w1_2": 1 - x,
        "w2_1": y,
        "w2_2": 1 - y,
    }
    cond = (g[0] - g[1]).subs({sym[k]: v for k, v in values.items()})
    (solved,) = sp.solve(cond, x)
    hand = sp.Rational(1, 2) + (s * (sym["a1"] - sym["a2"]) - r * (2 * y - 1)) / 4
    check(sp.simplify(solved - hand) == 0, f"best response {solved}, by hand {hand}")
    return f"x = {sp.expand(solved)}: the hand computation, checked"


def exercise_theorem1_symmetric_ne() -> str:
    """The symmetric interior NE at K = 2, C = I, a = (1, 0), s = r = 1 is (2/3, 1/3).

    Evaluated exactly with :func:`nashalign.exact.evaluate.exact_symmetric_ne`
    (the derived closed form at rational inputs).
    """
    from nashalign.exact.evaluate import exact_symmetric_ne

    ne = exact_symmetric_ne([1, 0], IDENTITY_2, s=1, r=1)
    hand = [sp.Rational(2, 3), sp.Rational(1, 3)]
    check(list(ne.weights) == hand, f"w* = {ne.weights}, by hand {hand}")
    return f"w* = {list(ne.weights)}: the hand computation, checked"


def exercise_theorem1_alpha() -> str:
    """At K = 2, alpha(r) = 2 (c11 - 2 c12 + c22 + r), against the Theorem 1 record.

    Examples
    --------
    >>> exercise_theorem1_alpha()
    'alpha(r) = 2*(c11 - 2*c12 + c22 + r): the hand computation, checked'
    """
    from nashalign.derivations import derive

    alpha = derive("theorem1", K=2).expressions["alpha"]
    sym = _by_name(alpha)
    hand = 2 * (sym["c11"] - 2 * sym["c12"] + sym["c22"] + sym["r"])
    check(sp.expand(alpha - hand) == 0, f"alpha = {alpha}, by hand {hand}")
    return f"alpha(r) = {sp.factor(alpha)}: the hand computation, checked"


def exercise_lemma2_degree() -> str:
    """At K = 2, alpha has degree 1 = K - 1 and leading coefficient 2 = K (the Lemma 2 record).

    Examples
    --------
    >>> exercise_lemma2_degree()
    'degree 1 and leading coefficient 2: checked'
    """
    from nashalign.derivations import derive

    ex = derive("lemma2", K=2).expressions
    got = (ex["degree"], ex["leading_coefficient"])
    check(got == (1, 2), f"degree and leading coefficient {got}, by hand (1, 2)")
    return f"degree {got[0]} and leading coefficient {got[1]}: checked"


def exercise_theorem2_root() -> str:
    """At K = 2, C = I, N = 3, Theorem 2's alpha~(r) = 4 - r vanishes at r = 4 only.

    Examples
    --------
    >>> exercise_theorem2_root()
    'alpha~(r) = 4 - r vanishes at r = 4: checked'
    """
    from nashalign.derivations import derive

    at = derive("theorem2", K=2, N=3).expressions["alpha_tilde"]
    sym = _by_name(at)
    at_i = sp.expand(at.subs({sym["c11"]: 1, sym["c12"]: 0, sym["c22"]: 1}))
    roots = sp.solve(at_i, sym["r"])
    check(roots == [4], f"alpha~ = {at_i} vanishes at {roots}, by hand at r = 4")
    return f"alpha~(r) = {at_i} vanishes at r = 4: checked"


def exercise_theorem3_bound() -> str:
    """At K = N = 2, C = I, the potential is concave exactly for r <= 2.

    The bound of the Theorem 3 record at N = 2 is its constant times
    lambda_min(C restricted to 1-perp), and that eigenvalue is 1.

    Examples
    --------
    >>> exercise_theorem3_bound()
    'Phi concave for r <= 2 * 1 = 2: checked'
    """
    from nashalign.derivations import derive

    factor = derive("theorem3", K=2, N=2).expressions["r_bound_factor"]
    V = np.array([[1.0], [-1.0]]) / np.sqrt(2)  # an orthonormal basis of 1-perp
    lam_min = float(np.linalg.eigvalsh(V.T @ np.eye(2) @ V).min())
    check(factor == 2 and abs(lam_min - 1) < 1e-12, f"bound {factor} * {lam_min}, by hand 2")
    return f"Phi concave for r <= {factor} * {lam_min:.12g} = 2: checked"


def exercise_exclusion_threshold() -> str:
    """At K = 2, C = I, a = (1, 0), r = 1, tau = 0.05: subpopulation 2 is excluded for s > 2.7.

    Evaluated with :func:`nashalign.exact.steering.exclusion_threshold` (the
    exact threshold curve).

    Examples
    --------
    >>> exercise_exclusion_threshold()
    's_2(1, 0.05) = 2.7: checked'
    """
    from nashalign.exact.steering import exclusion_threshold

    thr = float(exclusion_threshold([1.0, 0.0], IDENTITY_2, [1.0], tau=0.05)[0][1])
    check(abs(thr - 2.7) < 1e-12, f"threshold {thr}, by hand 2.7")
    return f"s_2(1, 0.05) = {round(thr, 12)}: checked"


def exercise_exclusion_r_star() -> str:
    """Same instance at s = 3, tau = 1/20: the minimal diversity incentive is r* = 4/3.

    Computed exactly by :func:`nashalign.exact.steering.steer` (real-root isolation).

    Examples
    --------
    >>> exercise_exclusion_r_star()
    'r* = 4/3: checked'
    """
    from nashalign.exact.steering import steer

    res = steer([1, 0], IDENTITY_2, s=3, tau="1/20")
    check(res.r_star == sp.Rational(4, 3), f"r* = {res.r_star}, by hand 4/3")
    return f"r* = {res.r_star}: checked"
