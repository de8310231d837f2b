r"""Claim 1: the inconsistency matrix C is positive semidefinite.

Statement. For a score matrix with rows :math:`s_1,\dots,s_n \in \mathbb R^K`
(:math:`n \ge 2`), mean :math:`a` and sample covariance
:math:`C = \frac{1}{n-1}\sum_i (s_i-a)(s_i-a)^\top`, every :math:`v` satisfies the
sum-of-squares identity

.. math:: v^\top C v = \frac{1}{n-1}\sum_{i=1}^n \bigl(v^\top (s_i - a)\bigr)^2 \ \ge 0 .

Hypotheses: :math:`n \ge 2` (so :math:`n-1 > 0`).

Verification: for symbolic K (MatrixSymbol) each term of the sum is shown to be
a square, :math:`v^\top d d^\top v = (v^\top d)(d^\top v)` and
:math:`d^\top v = (v^\top d)^\top`; summing over any n rows (linearity, cited)
gives the identity for general K and n. The identity is also confirmed with
fully symbolic entries at the explicit K and n = 3, 4 (supplementary).

Examples
--------
>>> rec = derive(K=2)
>>> rec.verified, rec.status
(True, 'proved for general K')
"""

from __future__ import annotations

import sympy as sp

from nashalign.symbolic.game import Game
from nashalign.symbolic.linear import timed
from nashalign.symbolic.records import GENERAL_K, DerivationRecord

NAME = "claim1"
TITLE = "Claim 1 (C is positive semidefinite)"

# -- registry declarations: none, the defaults of nashalign.derivations.declarations apply


def outer(d: sp.MatrixBase) -> sp.MatrixBase:
    """The rank-one term ``d d^T`` of the sample covariance (a hook for mutation tests)."""
    return d * d.T


def _is_zero_matexpr(x: sp.Basic) -> bool:
    return bool(x == 0 or x == sp.ZeroMatrix(*x.shape) or getattr(x, "is_ZeroMatrix", False))


def general_k_termwise() -> bool:
    """For symbolic K (MatrixSymbol ``d``, ``v``): ``v^T (d d^T) v = (v^T d)(v^T d)^T``, i.e.
    each term of the sum is the square of the 1 x 1 matrix ``v^T d``.

    Examples
    --------
    >>> general_k_termwise()
    True
    """
    K = sp.Symbol("K", integer=True, positive=True)
    d = sp.MatrixSymbol("d", K, 1)
    v = sp.MatrixSymbol("v", K, 1)
    term = (v.T * outer(d) * v - (v.T * d) * (v.T * d).T).expand().doit()
    return _is_zero_matexpr(term)


def _explicit_identity(K: int, n: int) -> tuple[bool, sp.Expr, sp.Expr]:
    S = sp.Matrix(n, K, lambda i, k: sp.Symbol(f"S{i + 1}_{k + 1}"))
    a = sp.Matrix([sum(S[:, k]) / n for k in range(K)])
    C = sp.zeros(K, K)
    for i in range(n):
        d = S[i, :].T - a
        C += outer(d)
    C /= n - 1
    v = sp.Matrix([sp.Symbol(f"v{k + 1}") for k in range(K)])
    quad = sp.expand((v.T * C * v)[0])
    sos = sum(((v.T * (S[i, :].T - a))[0]) ** 2 for i in range(n)) / (n - 1)
    gens = list(S) + list(v)
    ok = quad != 0 and sp.Poly(sp.expand(quad - sos), *gens).is_zero
    return bool(ok), quad, sos


def derive(
    K: int = 3, N: int = 2, variant: str = "overlap", game: Game | None = None
) -> DerivationRecord:
    """Derive and verify Claim 1 (general K and n; explicit K confirmation).

    ``N``, ``variant`` are unused; a ``game`` only sets K (C is the sample covariance).
    """
    if game is not None:
        K = game.K
    rec = DerivationRecord(
        name=NAME,
        title=TITLE,
        statement_latex=(
            r"v^\top C v \;=\; \frac{1}{n-1}\sum_{i=1}^{n}\bigl(v^\top (s_i - a)\bigr)^2 \;\ge\; 0"
            r"\quad\text{for all } v \in \mathbb{R}^K,\ \text{so } C \succeq 0."
        ),
        hypotheses=[r"$n \ge 2$ contexts, so that $n - 1 > 0$"],
        method="termwise identity for symbolic K (MatrixSymbol), any n by linearity; "
        f"explicit confirmation by polynomial expansion (K = {K}, n = 3, 4)",
        params={"K": K},
    )
    with timed(rec):
        rec.step(
            "By definition (sample covariance, ddof = 1), C is an average of rank-one outer "
            "products of the centred rows:",
            r"C = \frac{1}{n-1}\sum_{i=1}^n (s_i - a)(s_i - a)^\top .",
            kind="definition",
        )
        rec.add_check(
            "termwise, symbolic K: v^T (d d^T) v = (v^T d)(v^T d)^T, the square of v^T d",
            general_k_termwise(),
            "MatrixSymbol d, v of symbolic length K; (lhs - rhs).expand().doit() == 0",
            generality=GENERAL_K,
        )
        rec.step(
            r"Each term is a square, $v^\top (s_i-a)(s_i-a)^\top v = \bigl(v^\top(s_i-a)\bigr)^2$, "
            "for every K (machine-checked with matrix symbols of symbolic size):",
            r"v^\top d\,d^\top v = (v^\top d)(v^\top d)^\top = (v^\top d)^2 .",
            kind="checked",
        )
        rec.cite("sum", "summing the termwise identity over i = 1..n (any n) and dividing by n - 1")
        rec.step(
            "Summing over the n rows and dividing by n - 1 gives the identity for every n and K:",
            rec.statement_latex.split(r"\quad")[0],
            cite="sum",
        )
        for n in (3, 4):
            ok, quad, sos = _explicit_identity(K, n)
            rec.add_check(
                f"SOS identity, K = {K}, n = {n}, fully symbolic scores (confirmation)",
                ok,
                "v^T C v is a nonzero polynomial and Poly(expand(v^T C v - SOS)) is zero",
                supplementary=True,
            )
            if n == 3:
                rec.expressions["quadratic_form"] = quad
                rec.expressions["sum_of_squares"] = sos
        rec.step(
            r"Each term is a square and $n-1>0$ (hypothesis), so $v^\top C v \ge 0$: $C$ is PSD. "
            "Consequently the Hessian $-2\\beta_I C$ of the canonical utility is negative "
            "semidefinite (Lemma 0).",
            cite="sign",
        )
    return rec.finish()
