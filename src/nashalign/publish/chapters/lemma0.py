"""The Lemma 0 chapter (``book/lemma0.md``): the variants, and best responses in floats.

Examples
--------
>>> table, distance = lemma0_variants(K=2)
>>> table.splitlines()[0], distance.verified
('| variant | status | outcome |', False)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nashalign.publish.chapters.common import check, fmt
from nashalign.tables import markdown_table

__all__ = ["best_response_table", "lemma0_variants"]


def lemma0_variants(K: int = 3) -> tuple[str, Any]:
    """Lemma 0 for every variant: the table, and the distance variant's (failing) record
    at K = 2 (its statement shows the Hessian, which at K = 2 fits the page).

    Raises when overlap or spread does not verify, or when distance is *not*
    reported as failing (its utility is convex: the lemma must not be claimed).
    """
    from nashalign.derivations import derive
    from nashalign.symbolic.game import VARIANTS

    recs = {v: derive("lemma0", K=K, variant=v) for v in VARIANTS}
    rows = [
        [
            v,
            r.status,
            _math(r.failure)
            if r.failure
            else "hypotheses hold; the interior condition characterises best responses",
        ]
        for v, r in recs.items()
    ]
    check(recs["overlap"].verified and recs["spread"].verified, "Lemma 0 fails for overlap/spread")
    check(recs["distance"].verified is False, "the distance variant must be reported as failing")
    # the distance variant's statement shows its Hessian: at K = 2 it fits the page
    shown = recs["distance"] if K <= 2 else derive("lemma0", K=2, variant="distance")
    check(shown.verified is False, "the distance variant must be reported as failing at K = 2")
    return markdown_table(["variant", "status", "outcome"], rows), shown


def _math(text: str) -> str:
    """The record's plain-text maths (``q^T H q``, ``beta_A``) as inline LaTeX.

    Examples
    --------
    >>> print(_math("beta_A = 1, q^T H q = 4 > 0 for q = [1, 0, -1] (1^T q = 0)"))
    $\\beta_A$ = 1, $q^\\top H q$ = 4 > 0 for q = [1, 0, -1] ($\\mathbf 1^\\top q = 0$)
    """
    import re

    text = text.replace("q^T H q", "$q^\\top H q$").replace("1^T q = 0", "$\\mathbf 1^\\top q = 0$")
    return re.sub(r"\bbeta_([AID])\b", r"$\\beta_\1$", text)


def best_response_table(seed: int = 7, trials: int = 6) -> str:
    """Exact best responses on random instances: the gradient is constant on the support.

    The spread of the gradient over the support is the KKT residual of the exact
    simplex QP (rounding level in float64).

    Examples
    --------
    >>> best_response_table(trials=2).count("\\n")
    3
    """
    from nashalign.solvers.metrics import best_response

    rng = np.random.default_rng(seed)
    rows = []
    for trial in range(trials):
        K = 3 + trial % 3
        S = rng.normal(size=(40, K)) + rng.normal(size=K)
        a, C = S.mean(axis=0), np.cov(S, rowvar=False)
        beta_a, beta_i, beta_d = 10.0 ** rng.uniform(-1, 1, size=3)
        other = rng.dirichlet(np.ones(K))
        w = best_response(a, C, other, beta_a, beta_i, beta_d)
        g = beta_a * a - 2 * beta_i * C @ w - beta_d * other
        support = w > 1e-12
        rows.append(
            [
                K,
                f"{beta_a:.3g}",
                f"{beta_i:.3g}",
                f"{beta_d:.3g}",
                int(support.sum()),
                fmt(np.ptp(g[support])),
            ]
        )
    return markdown_table(
        [
            "K",
            "$\\beta_A$",
            "$\\beta_I$",
            "$\\beta_D$",
            "support size",
            "gradient spread on the support",
        ],
        rows,
    )
