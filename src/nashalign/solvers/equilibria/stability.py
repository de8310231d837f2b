r"""Stability: is an equilibrium a local maximum of the potential?

``Phi`` is quadratic with Hessian ``-Q``. At an NE ``W`` with supports ``S_m``, the
off-support indices with ``g_mk = lam_m`` (decided exactly) are the *ties* ``T_m``.
The critical cone is ``{d : d_m supported on S_m + T_m, 1'd_m = 0, d_mk >= 0 on
T_m}``; with the rational bases ``B_f`` (differences ``e_k - e_last`` inside ``S_m``)
and ``B_c`` (``e_k - e_last`` for ``k`` in ``T_m``) a direction is ``B_f y + B_c t``,
``t >= 0``. For a quadratic program the second-order test on the critical cone is
exact: ``W`` is a local max of ``Phi`` iff ``d'Qd >= 0`` on the cone, a strict one iff
``d'Qd > 0`` on it minus 0. With ``Y = B_f'QB_f``, ``R = B_f'QB_c``, ``P = B_c'QB_c``:

* ``Y`` not PSD: **saddle** (``Phi`` increases along a face direction);
* ``Y`` PSD with kernel ``Z`` and ``Z'R != 0``: **saddle** (unbounded below in ``y``);
* else, minimising over ``y`` leaves ``S = P - R'GR`` (``G`` a generalised inverse
  of ``Y``): **strict local max** iff ``Y`` is positive definite and ``S`` is
  strictly copositive; **degenerate** (a local max that is not strict: flat
  directions) iff ``S`` is copositive; else **saddle**.

Everything is decided over Q (characteristic polynomials, exact copositivity by
``copositive``), so an exactly certified NE
is never "inconclusive"; a float-certified one uses the same tests in float with
``tol.eig`` and ``tol.complementarity`` and may be (``local_max`` None).
``make_equilibrium`` classifies a certified point into an
:class:`~nashalign.solvers.equilibria.Equilibrium`.

Examples
--------
>>> from flint import fmpq
>>> definiteness_exact([[fmpq(2), fmpq(0)], [fmpq(0), fmpq(0)]])
(True, 1)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.solvers.equilibria.exact import affine_solutions, copositive, psd_exact
from nashalign.solvers.equilibria.game import Game, to_fmpq, to_fraction
from nashalign.solvers.equilibria.points import Point
from nashalign.solvers.equilibria.results import Equilibrium
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL, Tolerances
from nashalign.solvers.metrics import nash_conv

__all__ = [
    "MAX_TIES",
    "classify",
    "critical_cone_exact",
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
    return psd_exact(Y)


#: Largest number of ties whose copositivity test is run (2^n faces).
MAX_TIES = 12


def critical_cone_exact(
    Q: Any,
    faces: list[list[int]],
    ties: list[list[int]],
    Y: list[list[Any]] | None = None,
    definite: tuple[bool, int] | None = None,
) -> tuple[str, bool | None]:
    """``(stability, local_max)`` from the exact second-order test on the critical cone
    (``Y``: the face matrix ``face_matrix(Q, faces)`` and ``definite`` its exact
    ``(PSD, zero eigenvalues)``, when already computed)."""
    import flint

    zero = flint.fmpq(0)
    if Y is None:
        Y = face_matrix(Q, faces, zero)
    psd, zeros = psd_exact(Y) if definite is None else definite
    if not psd:
        return "saddle", False
    cone = [(i, f[-1]) for f, t in zip(faces, ties, strict=True) for i in t]
    if not cone:
        return ("strict local max", True) if zeros == 0 else ("degenerate", True)
    if len(cone) > MAX_TIES:
        return "degenerate", None
    free = [(f[i], f[-1]) for f in faces for i in range(len(f) - 1)]

    def qf(u: tuple[int, int], v: tuple[int, int]) -> Any:
        return Q[u[0]][v[0]] - Q[u[0]][v[1]] - Q[u[1]][v[0]] + Q[u[1]][v[1]] + zero

    P = [[qf(u, v) for v in cone] for u in cone]
    R = [[qf(u, v) for v in cone] for u in free]
    nf = len(free)
    if nf:
        # A generalised inverse of the PSD Y: invert it on its pivot columns.
        _, _, null = affine_solutions([row + [zero] for row in Y])
        for z in null:
            if any(sum((z[p] * R[p][c] for p in range(nf)), zero) != 0 for c in range(len(cone))):
                return "saddle", False
        R_, rank = flint.fmpq_mat(nf, nf, [x for row in Y for x in row]).rref()
        piv = [next(j for j in range(nf) if R_[i, j] != 0) for i in range(rank)]
        Yi = flint.fmpq_mat(rank, rank, [Y[i][j] for i in piv for j in piv]).inv() if piv else None
        for c1 in range(len(cone)):
            for c2 in range(len(cone)):
                if Yi is not None:
                    P[c1][c2] -= sum(
                        (
                            R[piv[a]][c1] * Yi[a, b] * R[piv[b]][c2]
                            for a in range(rank)
                            for b in range(rank)
                        ),
                        zero,
                    )
    if zeros == 0 and copositive(P, strict=True):
        return "strict local max", True
    if copositive(P):
        return "degenerate", True
    return "saddle", False


def definiteness_float(Y: NDArray, eig: float = DEFAULT_TOL.eig) -> tuple[bool, int]:
    """``(PSD, number of zero eigenvalues)`` of a symmetric float matrix."""
    n = Y.shape[0]
    if n == 0:
        return True, 0
    ev = np.linalg.eigvalsh(0.5 * (Y + Y.T))
    tol = eig * max(1.0, float(np.max(np.abs(ev))))
    return bool(ev[0] >= -tol), int(np.sum(np.abs(ev) <= tol))


def face_matrix(Q: Any, faces: list[list[int]], zero: Any) -> list[list[Any]]:
    """``B'QB`` for the difference basis ``e_k - e_last`` of every face (global indices).

    With the row differences ``D_a = Q_a - Q_a2`` (``a2`` the last index of ``a``'s
    face) each entry is ``D_a[b] - D_a[b2]``: two subtractions per entry.
    """
    cols: list[tuple[int, int]] = [(f[i], f[-1]) for f in faces for i in range(len(f) - 1)]
    used = sorted({i for f in faces for i in f})
    out = []
    for a, a2 in cols:
        qa, qa2 = Q[a], Q[a2]
        d = {j: qa[j] - qa2[j] for j in used}
        out.append([d[b] - d[b2] + zero for b, b2 in cols])
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
        # Q = Qz / D with D > 0: every test below is positively homogeneous in Q
        _, Qz, _, _ = game.exact_int()
        margin = pt.gaps  # lam_m - g_mk (scaled by a positive integer), exact
        weak_zero = lambda v: v == 0  # noqa: E731
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
    if pt.exact:
        ties = [[i for i in weak if i // K == m] for m in range(N)]
        stab, lmax = critical_cone_exact(Qz, faces, ties, pt.face, pt.face_definite)
        return stab, lmax, strict_c
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
        tau_q = to_fmpq(tau)
        excluded = tuple(
            k
            for k in range(game.K)
            if all(pt.Wq[m][k] < tau_q for m in range(game.N))  # type: ignore[index]
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
        exact_directions=None if pt.nullq is None else tuple(tuple(u) for u in pt.nullq),
    )
