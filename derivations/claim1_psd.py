r"""Claim 1: the inconsistency matrix C is positive semidefinite.

Statement. For a score matrix with rows :math:`s_1,\dots,s_n \in \mathbb R^K`
(:math:`n \ge 2`), mean :math:`a` and sample covariance
:math:`C = \frac{1}{n-1}\sum_i (s_i-a)(s_i-a)^\top`, every :math:`v` satisfies the
sum-of-squares identity

.. math:: v^\top C v = \frac{1}{n-1}\sum_{i=1}^n \bigl(v^\top (s_i - a)\bigr)^2 \ \ge 0 .

Hypotheses: :math:`n \ge 2` (so :math:`n-1 > 0`).

Verification: the identity is reduced to 0 exactly (i) for general K with
SymPy matrix expressions (MatrixSymbol) at explicit n = 3, and (ii) with fully
symbolic entries for the explicit K and n = 3, 4 by polynomial expansion.

Examples
--------
>>> rec = derive(K=2)
>>> rec.verified
True
"""

from __future__ import annotations

import sympy as sp

from nashalign.symbolic.linear import timed
from nashalign.symbolic.records import DerivationRecord, Step

NAME = "claim1"
TITLE = "Claim 1 (C is positive semidefinite)"


def _general_k_identity(n: int = 3) -> bool:
    """The SOS identity with MatrixSymbol rows of symbolic length K."""
    K = sp.Symbol("K", integer=True, positive=True)
    rows = [sp.MatrixSymbol(f"s{i + 1}", K, 1) for i in range(n)]
    mean = sp.MatAdd(*rows) / n
    v = sp.MatrixSymbol("v", K, 1)
    C = sp.MatAdd(*[(x - mean) * (x - mean).T for x in rows]) / (n - 1)
    lhs = v.T * C * v
    rhs = sp.MatAdd(*[(v.T * (x - mean)) * ((x - mean).T * v) for x in rows]) / (n - 1)
    diff = (lhs - rhs).expand().doit()
    return bool(diff == 0 or diff == sp.ZeroMatrix(1, 1) or getattr(diff, "is_ZeroMatrix", False))


def _explicit_identity(K: int, n: int) -> tuple[bool, sp.Expr, sp.Expr]:
    S = sp.Matrix(n, K, lambda i, k: sp.Symbol(f"S{i + 1}_{k + 1}"))
    a = sp.Matrix([sum(S[:, k]) / n for k in range(K)])
    C = sp.zeros(K, K)
    for i in range(n):
        d = S[i, :].T - a
        C += d * d.T
    C /= n - 1
    v = sp.Matrix([sp.Symbol(f"v{k + 1}") for k in range(K)])
    quad = (v.T * C * v)[0]
    sos = sum(((v.T * (S[i, :].T - a))[0]) ** 2 for i in range(n)) / (n - 1)
    gens = list(S) + list(v)
    ok = sp.Poly(sp.expand(quad - sos), *gens).is_zero
    return ok, quad, sos


def derive(K: int = 3, N: int = 2, variant: str = "overlap") -> DerivationRecord:
    """Derive and verify Claim 1 for ``K`` subpopulations (``N``, ``variant`` unused)."""
    rec = DerivationRecord(
        name=NAME,
        title=TITLE,
        statement_latex=(
            r"v^\top C v \;=\; \frac{1}{n-1}\sum_{i=1}^{n}\bigl(v^\top (s_i - a)\bigr)^2 \;\ge\; 0"
            r"\quad\text{for all } v \in \mathbb{R}^K,\ \text{so } C \succeq 0."
        ),
        hypotheses=[r"$n \ge 2$ contexts, so that $n - 1 > 0$"],
        method="exact sum-of-squares identity: MatrixSymbol (general K, n = 3) "
        f"and polynomial expansion (K = {K}, n = 3, 4)",
        params={"K": K},
    )
    with timed(rec):
        rec.steps.append(
            Step(
                "Write C as an average of rank-one outer products of the centred rows:",
                r"C = \frac{1}{n-1}\sum_{i=1}^n (s_i - a)(s_i - a)^\top .",
            )
        )
        rec.steps.append(
            Step(
                "Then the quadratic form of each outer product is a square, "
                r"$v^\top (s_i-a)(s_i-a)^\top v = \bigl(v^\top(s_i-a)\bigr)^2$, which gives the identity; "
                "it is checked below as an exact reduction to 0.",
                rec.statement_latex.split(r"\quad")[0],
            )
        )
        ok_general = _general_k_identity(3)
        rec.add_check(
            "SOS identity, general K (MatrixSymbol rows, n = 3)",
            ok_general,
            "(v^T C v - SOS).expand().doit() == ZeroMatrix(1, 1)",
        )
        for n in (3, 4):
            ok, quad, sos = _explicit_identity(K, n)
            rec.add_check(
                f"SOS identity, K = {K}, n = {n}, fully symbolic scores",
                ok,
                "Poly(expand(v^T C v - SOS)) is the zero polynomial",
            )
            if n == 3:
                rec.expressions["quadratic_form"] = quad
                rec.expressions["sum_of_squares"] = sos
        rec.steps.append(
            Step(
                r"Each term is a square and $n-1>0$, so $v^\top C v \ge 0$: $C$ is PSD. "
                "Consequently the Hessian $-2\\beta_I C$ of the canonical utility is negative "
                "semidefinite (Lemma 0)."
            )
        )
    return rec.finish()
