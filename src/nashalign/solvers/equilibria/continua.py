"""Continua: the equilibria of a singular (consistent) support system, decided over Q.

A support tuple whose bordered system is singular over Q (rank decided exactly by
``affine_solutions``) has an affine solution
set ``x = x_p + N z``. Its Nash equilibria are the ``z`` with every support weight
``> 0`` and every off-support ``g_mk <= lam_m``: a polyhedron, whose emptiness is
decided exactly by Fourier--Motzkin elimination over Q
(``fm_witness``), which also returns a rational
point of it. That point, exactly KKT-checked, represents the continuum; it is
reported with the dimension ``d`` of the affine set (an upper bound of the
continuum's dimension where off-support inequalities bind on all of it) and the
exact kernel directions.

Examples
--------
>>> import numpy as np
>>> from nashalign.solvers.equilibria.game import build_game
>>> from nashalign.solvers.equilibria.certificates import certify_exact
>>> g = build_game([1.0, 1.0], np.zeros((2, 2)), 0.0, 1.0, 0.0, 2)
>>> pt = certify_exact(g, ((0, 1), (0, 1)))
>>> pt.continuum, pt.dirs.shape[0], pt.exact
(True, 2, True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nashalign.solvers.equilibria.exact import fm_witness
from nashalign.solvers.equilibria.game import Game, to_fmpq
from nashalign.solvers.equilibria.points import Point, check_exact

__all__ = ["continuum_exact"]


def continuum_exact(
    game: Game,
    supports: tuple[tuple[int, ...], ...],
    idx: list[int],
    x: list[Any],
    null: list[list[Any]],
) -> Point | None | str:
    """The NE of a singular consistent support system: a certified rational point
    (``Point`` with ``continuum`` set), None when there is none, or
    ``"undecided"`` when elimination grows beyond its bound."""
    N, K = game.N, game.K
    Q, g0 = game.exact()
    nI, d = len(idx), len(null)
    zero = to_fmpq(0)
    rows: list[tuple[list[Any], Any, bool]] = []
    for p in range(nI):  # w_p(z) > 0
        rows.append(([-v[p] for v in null], x[p], True))
    on = set(idx)
    for i in range(N * K):  # g_i(z) - lam_m(z) <= 0 off the support
        if i in on:
            continue
        m = i // K
        a = [-sum((Q[i][idx[p]] * v[p] for p in range(nI)), zero) - v[nI + m] for v in null]
        g = g0[i] - sum((Q[i][idx[p]] * x[p] for p in range(nI)), zero) - x[nI + m]
        rows.append((a, -g, False))
    z = fm_witness(rows, d)
    if z is None or isinstance(z, str):
        return z
    xs = [x[j] + sum((z[f] * null[f][j] for f in range(d)), zero) for j in range(len(x))]
    nullq = []
    dirs = np.zeros((d, N * K))
    for f, v in enumerate(null):
        full = [zero] * (N * K)
        for p in range(nI):
            full[idx[p]] = v[p]
            dirs[f, idx[p]] = float(v[p])
        nullq.append(full)
    if d:
        qq, _ = np.linalg.qr(dirs.T)
        dirs = qq.T
    pt = check_exact(game, idx, xs[:nI], xs[nI:], dirs, True)
    if pt is not None:
        pt.nullq = nullq
    return pt
