r"""Stability: is an equilibrium a local maximum of the potential?

``Phi`` is quadratic with Hessian ``-Q``. At an NE ``W`` with supports ``S_m``, let
``T`` be the tangent space of the face: directions ``d`` with ``d_m`` supported on
``S_m`` and ``1'd_m = 0``; with a rational basis ``B`` of ``T`` (differences
``e_k - e_last``) the test matrix is ``Y = B' Q B``. An off-support index is
*strictly* complementary when ``g_mk < lam_m``. Then:

* ``Y`` positive definite and strict complementarity: **strict local max** (the
  linear term decreases ``Phi`` strictly off the face, the quadratic term on it);
* ``Y`` positive definite, some ``g_mk = lam_m``: strict local max if ``Y`` stays
  positive definite on the face enlarged by those indices, else ``degenerate``
  (second-order test inconclusive on the critical cone);
* ``Y`` positive semidefinite and singular: ``degenerate`` (flat directions: a
  non-strict local max under strict complementarity, ``local_max = True``);
* otherwise a **saddle** (``Phi`` increases along a face direction).

Exactly, ``Y`` is PSD iff the coefficients of ``det(x I - Y)`` alternate in sign
(all its roots are real), positive definite iff moreover ``det Y != 0``.
``make_equilibrium`` classifies a certified point into an
:class:`~nashalign.solvers.equilibria.Equilibrium`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.solvers.equilibria.certificates import Point
from nashalign.solvers.equilibria.game import Game, to_fmpq, to_fraction
from nashalign.solvers.equilibria.results import Equilibrium
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL, Tolerances
from nashalign.solvers.metrics import nash_conv

__all__ = [
    "classify",
    "definiteness_exact",
    "definiteness_float",
    "face_matrix",
    "make_equilibrium",
    "psd_from_charpoly",
]


def psd_from_charpoly(coeffs: list[Any], n: int) -> tuple[bool, int]:
    """``(PSD, number of zero eigenvalues)`` of a symmetric ``n x n`` matrix from its
    characteristic polynomial ``det(xI - Y) = sum c_i x^i`` (coefficients low to high).

    All roots are real, so ``Y`` is PSD iff ``(-1)^(n-i) c_i >= 0`` for every ``i``.
    """
    if n == 0:
        return True, 0
    cs = list(coeffs) + [0] * (n + 1 - len(coeffs))
    psd = all((cs[i] * (-1) ** (n - i)) >= 0 for i in range(n + 1))
    zeros = next(i for i in range(n + 1) if cs[i] != 0)
    return psd, zeros


def definiteness_exact(Y: list[list[Any]]) -> tuple[bool, int]:
    """``(PSD, number of zero eigenvalues)`` of a symmetric rational matrix, exactly."""
    import flint

    n = len(Y)
    if n == 0:
        return True, 0
    M = flint.fmpq_mat(n, n, [x for row in Y for x in row])
    return psd_from_charpoly(M.charpoly().coeffs(), n)


def definiteness_float(Y: NDArray, eig: float = DEFAULT_TOL.eig) -> tuple[bool, int]:
    """``(PSD, number of zero eigenvalues)`` of a symmetric float matrix."""
    n = Y.shape[0]
    if n == 0:
        return True, 0
    ev = np.linalg.eigvalsh(0.5 * (Y + Y.T))
    tol = eig * max(1.0, float(np.max(np.abs(ev))))
    return bool(ev[0] >= -tol), int(np.sum(np.abs(ev) <= tol))


def face_matrix(Q: Any, faces: list[list[int]], zero: Any) -> list[list[Any]]:
    """``B'QB`` for the difference basis ``e_k - e_last`` of every face (global indices)."""
    cols: list[tuple[int, int]] = [(f[i], f[-1]) for f in faces for i in range(len(f) - 1)]
    out = []
    for a, a2 in cols:
        row = []
        for b, b2 in cols:
            row.append(Q[a][b] - Q[a][b2] - Q[a2][b] + Q[a2][b2] + zero)
        out.append(row)
    return out


def classify(
    game: Game,
    pt: Point,
    supports: tuple[tuple[int, ...], ...],
    tol: Tolerances = DEFAULT_TOL,
) -> tuple[str, bool | None, bool]:
    """``(stability, local_max, strictly_complementary)`` of a certified point."""
    N, K = game.N, game.K
    if pt.exact:
        Q, g0 = game.exact()
        flat = [pt.Wq[m][k] for m in range(N) for k in range(K)]  # type: ignore[index]
        zero = to_fmpq(0)
        margin = [
            pt.lamq[i // K] - (g0[i] - sum((Q[i][j] * flat[j] for j in range(N * K)), zero))  # type: ignore[index]
            for i in range(N * K)
        ]
        weak_zero = lambda v: v == 0  # noqa: E731
        definite = lambda faces: definiteness_exact(face_matrix(Q, faces, zero))  # noqa: E731
    else:
        G = game.g0 - game.Q @ pt.W.reshape(-1)
        margin = [float(pt.lam[i // K] - G[i]) for i in range(N * K)]
        tolm = tol.complementarity * game.scale
        weak_zero = lambda v: abs(v) <= tolm  # noqa: E731
        definite = lambda faces: definiteness_float(  # noqa: E731
            np.array(face_matrix(game.Q.tolist(), faces, 0.0)), tol.eig
        )
    faces = [[m * K + k for k in supports[m]] for m in range(N)]
    on = {i for f in faces for i in f}
    weak = [i for i in range(N * K) if i not in on and weak_zero(margin[i])]
    strict_c = not weak
    psd, zeros = definite(faces)
    if not psd:
        return "saddle", False, strict_c
    if zeros == 0:
        if strict_c:
            return "strict local max", True, True
        big = [sorted(set(f) | {i for i in weak if i // K == m}) for m, f in enumerate(faces)]
        psd2, zeros2 = definite(big)
        if psd2 and zeros2 == 0:
            return "strict local max", True, False
        return "degenerate", None, False
    return "degenerate", (True if strict_c else None), strict_c


def make_equilibrium(
    game: Game,
    pt: Point,
    supports: tuple[tuple[int, ...], ...],
    tau: float,
    certificate: str,
    nc: float | None = None,
    tol: Tolerances = DEFAULT_TOL,
) -> Equilibrium:
    """The :class:`~nashalign.solvers.equilibria.Equilibrium` of a certified point."""
    W = pt.W
    if pt.exact:
        symmetric = all(row == pt.Wq[0] for row in pt.Wq)  # type: ignore[union-attr,index]
        excluded = tuple(
            k
            for k in range(game.K)
            if all(pt.Wq[m][k] < to_fmpq(tau) for m in range(game.N))  # type: ignore[index]
        )
        exact_profile = tuple(tuple(to_fraction(x) for x in row) for row in pt.Wq)  # type: ignore[union-attr]
    else:
        symmetric = bool(np.all(np.abs(W - W[0]) <= tol.symmetric))
        excluded = tuple(int(k) for k in np.flatnonzero(np.all(W < tau, axis=0)))
        exact_profile = None
    if nc is None:
        nc = nash_conv(W, game.population, game.incentives) / game.incentives.unit
    stability, local_max, strict_c = classify(game, pt, supports, tol)
    return Equilibrium(
        profile=W,
        supports=supports,
        lam=pt.lam,
        symmetric=symmetric,
        interior=all(len(S) == game.K for S in supports),
        excluded=excluded,
        exact=pt.exact,
        certificate=certificate,
        nashconv=float(nc),
        stability=stability,
        local_max=local_max,
        strictly_complementary=strict_c,
        continuum=pt.continuum,
        dimension=int(pt.dirs.shape[0]),
        exact_profile=exact_profile,
        directions=pt.dirs,
    )
