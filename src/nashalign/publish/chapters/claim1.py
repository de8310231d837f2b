"""The Claim 1 chapter (``book/claim1.md``): the PSD identity, checked in floats.

Examples
--------
>>> md = claim1_numeric_table()
>>> md.splitlines()[0]
'| score matrix | smallest eigenvalue of C | max rel. gap, identity at 100 random v |'
"""

from __future__ import annotations

import numpy as np

from nashalign.publish.chapters.common import check, fmt, shipped
from nashalign.tables import markdown_table

__all__ = ["claim1_numeric_table"]


def claim1_numeric_table(seed: int = 20240501) -> str:
    """Claim 1 on random score matrices (float spot check of the identity) and shipped C.

    The exact identity is the derivation; this table only shows it numerically:
    the relative gap of ``v'Cv`` against the sum of squares is at rounding level
    (float64), and the smallest eigenvalue of each C is >= -1e-12 ||C|| (raises
    :class:`~nashalign.publish.chapters.common.ChapterCheckError` otherwise).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for n, K in [(3, 5), (10, 3), (50, 5), (200, 8)]:
        S = rng.normal(size=(n, K)) * rng.lognormal(size=K)
        a, C = S.mean(axis=0), np.cov(S, rowvar=False, ddof=1)
        v = rng.normal(size=(K, 100))
        lhs = np.einsum("ki,kl,li->i", v, C, v)
        rhs = (((S - a) @ v) ** 2).sum(axis=0) / (n - 1)
        eig = np.linalg.eigvalsh(C)
        check(eig[0] >= -1e-12 * max(1.0, eig[-1]), "a sample covariance with eigenvalue < 0")
        gap = np.max(np.abs(lhs - rhs) / np.maximum(1, np.abs(rhs)))
        rows.append([f"random, n = {n}, K = {K}", f"{eig[0]:.3e}", fmt(gap)])
    for name, inst in shipped().items():
        rows.append(
            [f"shipped: {name} (K = {inst.K})", f"{np.linalg.eigvalsh(inst.C)[0]:.3e}", "n/a"]
        )
    return markdown_table(
        ["score matrix", "smallest eigenvalue of C", "max rel. gap, identity at 100 random v"], rows
    )
