"""A solved support system (``Point``) and its exact KKT check (``check_exact``).

The bottom of the certificate layer: :mod:`~nashalign.solvers.equilibria.certificates`
and :mod:`~nashalign.solvers.equilibria.continua` both build points here, so neither
imports the other at module level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.solvers.equilibria.game import Game

__all__ = ["Point", "check_exact", "check_exact_int"]


@dataclass
class Point:
    """A solved support system: the profile, multipliers and how it was certified.

    Attributes
    ----------
    W, lam : ndarray
        Profile (N, K) and multipliers (N,).
    exact : bool
        Certified in rational arithmetic (then ``Wq`` and ``lamq`` hold the fmpq values).
    Wq, lamq : list or None
        The exact profile and multipliers.
    dirs : ndarray, shape (d, NK)
        Directions of a continuum (``d = 0`` if isolated).
    continuum : bool
        The support system is singular.
    kappa : float
        Condition number of the system (``inf`` for a continuum).
    nullq : list or None
        A continuum's exact kernel directions (``d`` lists of ``N K`` fmpq).
    gaps : list or None
        Exactly certified points: ``lam_m - g_mk`` for every index, as integers of the
        sign and zero pattern of the rational values (scaled by one positive
        denominator); 0 on the support, 0 off it at a tie.
    face : list or None
        The face matrix ``B'QB`` (scaled by ``D``) of the support when the certificate
        computed it (:func:`~nashalign.solvers.equilibria.certificates.solve_nonsingular`).
    face_definite : tuple or None
        ``(PSD, number of zero eigenvalues)`` of ``face``, decided exactly, when known.
    """

    W: NDArray
    lam: NDArray
    exact: bool
    Wq: list[list[Any]] | None
    lamq: list[Any] | None
    dirs: NDArray  # (d, NK)
    continuum: bool
    kappa: float
    nullq: list[list[Any]] | None = None
    gaps: list[int] | None = None
    face: list[list[int]] | None = None
    face_definite: tuple[bool, int] | None = None


def check_exact(
    game: Game, idx: list[int], wS: list[Any], lam: list[Any], dirs: NDArray, continuum: bool
) -> Point | None:
    """Exact KKT check of rational support weights ``wS`` (on ``idx``) and multipliers
    ``lam`` (fmpq): :func:`check_exact_int` over their common denominator."""
    D = game.exact_int()[0]
    den = 1
    for v in (*wS, *lam):
        q = int(v.q)
        den = den // math.gcd(den, q) * q
    num = [int(w.p) * (den // int(w.q)) for w in wS]
    lamz = [int(v.p) * (D * den // int(v.q)) for v in lam]
    return check_exact_int(game, idx, num, lamz, den, dirs, continuum)


def check_exact_int(
    game: Game,
    idx: list[int],
    wS: list[int],
    lamz: list[int] | None,
    den: int,
    dirs: NDArray,
    continuum: bool,
) -> Point | None:
    """Exact KKT check in integers: support weights ``wS / den`` (on ``idx``) and
    multipliers ``lamz / (D den)`` (``den > 0``). ``lamz`` None: the weights solve the
    support system (gradient constant on each support), and ``lam_m`` is read off
    agent ``m``'s first support index.

    With ``Q = Qz / D`` and ``s a = gz / D`` (:meth:`Game.exact_int`) and ``w = num /
    den``, ``D den (g_i - lam_m) = gz_i den - (Qz num)_i - lamz_m`` exactly; one integer
    matrix-vector product (``flint.fmpz_mat``) serves every index.
    """
    import flint

    N, K = game.N, game.K
    if any(w <= 0 for w in wS):
        return None
    D, _, gz, Qzm = game.exact_int()
    num = [0] * (N * K)
    for p, i in enumerate(idx):
        num[i] = wS[p]
    QN = Qzm * flint.fmpz_mat(N * K, 1, num)
    if lamz is None:
        first = {}
        for i in idx:
            first.setdefault(i // K, i)
        lamz = [gz[first[m]] * den - int(QN[first[m], 0]) for m in range(N)]
    on = set(idx)
    gaps = [0] * (N * K)
    for i in range(N * K):
        if i in on:
            continue
        gi = gz[i] * den - int(QN[i, 0])
        if gi > lamz[i // K]:
            return None
        gaps[i] = lamz[i // K] - gi
    Wq = [[flint.fmpq(num[m * K + k], den) for k in range(K)] for m in range(N)]
    W = np.array([[float(x) for x in row] for row in Wq])
    lam = [flint.fmpq(v, D * den) for v in lamz]
    pt = Point(W, np.array([float(x) for x in lam]), True, Wq, lam, dirs, continuum, 0.0)
    pt.gaps = gaps
    return pt
