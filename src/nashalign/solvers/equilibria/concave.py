r"""Concavity of the potential on the product of simplices (Theorem 3).

``Phi`` is concave on the product of simplices iff ``Q`` is PSD on
:math:`(1^\perp)^N`. Homogeneous: ``Q = 2 I_N (x) C + rho (11' - I)_N (x) I_K``;
``11' - I`` has eigenvalue ``N - 1`` on ``1`` and ``-1`` on ``1-perp``, so with
``mu_j`` the eigenvalues of ``C`` compressed to ``1-perp`` (``Z'CZ``, ``Z``
orthonormal), ``Q`` restricted has eigenvalues ``2 mu_j + r`` (mean mode) and
``2 mu_j - r/(N-1)`` (``N - 1`` deviation modes):

.. math:: \Phi \text{ concave} \iff -2\mu_{\min} \le r \le 2(N-1)\mu_{\min},

strictly concave with strict inequalities. (``alpha(r) = K prod(2 mu_j + r)`` and
``alpha_tilde = K prod(2 mu_j - r/(N-1))``: the endpoints are the extreme roots
of Theorem 2's polynomials.) ``mu_min`` is computed exactly as the smallest root
of ``det(B'CB - mu B'B)`` (:func:`~nashalign.solvers.equilibria.mu_min_exact`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.model import Incentives, Population, takes_population
from nashalign.solvers.equilibria.game import Game, build_game, to_fmpq
from nashalign.solvers.equilibria.results import Concavity
from nashalign.solvers.equilibria.stability import (
    definiteness_exact,
    definiteness_float,
    face_matrix,
)
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL, Tolerances, check_tolerances

__all__ = [
    "HOMOGENEOUS_SPECTRAL_MIN",
    "concavity",
    "concavity_of",
    "homogeneous_concavity",
    "mu_min_exact",
]


def mu_min_exact(C: NDArray) -> tuple[Any, Any]:
    """Smallest eigenvalue of ``C`` compressed to 1-perp: ``(sympy exact, float)`` (cached).

    The entries of ``C`` are taken as the exact rationals they denote; the exact value
    is the smallest real root of ``det(B'CB - mu B'B)`` (``B`` the basis
    ``e_k - e_K`` of 1-perp), a SymPy algebraic number.

    Examples
    --------
    >>> mu, mu_f = mu_min_exact(np.array([[2.0, 1.0], [1.0, 2.0]]))
    >>> mu, mu_f
    (1, 1.0)
    """
    key = (C.shape[0], np.ascontiguousarray(C, dtype=np.float64).tobytes())
    if key not in _MU_CACHE:
        if len(_MU_CACHE) > 64:
            _MU_CACHE.clear()
        _MU_CACHE[key] = _mu_min_uncached(C)
    return _MU_CACHE[key]


_MU_CACHE: dict[tuple[int, bytes], tuple[Any, Any]] = {}


def _mu_min_uncached(C: NDArray) -> tuple[Any, Any]:
    import sympy as sp

    K = C.shape[0]
    Cq = sp.Matrix(K, K, lambda i, j: sp.Rational(float(C[i, j])))
    B = sp.zeros(K, K - 1)
    for i in range(K - 1):
        B[i, i] = 1
        B[K - 1, i] = -1
    x = sp.Symbol("x")
    poly = sp.Poly((B.T * Cq * B - x * (B.T * B)).det(method="berkowitz"), x)
    roots = sp.Poly(poly, x).real_roots()  # sorted ascending
    mu = roots[0]
    return mu, float(sp.N(mu, 30))


def _r_interval_exact(C: NDArray, N: int) -> tuple[float, str, str, float, float]:
    """``(mu_min, -2 mu_min and 2 (N-1) mu_min as SymPy strings and floats)`` (cached:
    printing and evaluating the algebraic numbers costs milliseconds)."""
    key = (C.shape[0], np.ascontiguousarray(C, dtype=np.float64).tobytes(), N)
    if key not in _INTERVAL_CACHE:
        import sympy as sp

        if len(_INTERVAL_CACHE) > 64:
            _INTERVAL_CACHE.clear()
        mu, mu_f = mu_min_exact(C)
        lo, hi = -2 * mu, 2 * (N - 1) * mu
        _INTERVAL_CACHE[key] = (mu_f, str(lo), str(hi), float(sp.N(lo, 30)), float(sp.N(hi, 30)))
    return _INTERVAL_CACHE[key]


_INTERVAL_CACHE: dict[tuple[int, bytes, int], tuple[float, str, str, float, float]] = {}


def negative_r_note(r: float) -> str:
    """The label a condition carries when ``beta_D < 0`` (Theorem 3 is stated for
    ``beta_D >= 0``).

    Examples
    --------
    >>> negative_r_note(1.0), negative_r_note(-1.0)[:24]
    ('', '; beta_D < 0 (r < 0): Th')
    """
    if r >= 0:
        return ""
    return (
        "; beta_D < 0 (r < 0): Theorem 3's 'iff' is stated for beta_D >= 0; this is the "
        "exact test on -Hessian(Phi) itself, and here the lower end -2 mu_min <= r binds"
    )


@takes_population
def concavity(
    population: Population,
    incentives: Incentives,
    *,
    exact: bool = True,
    tol: Tolerances = DEFAULT_TOL,
) -> Concavity:
    """Is the potential concave on the product of simplices (Theorem 3)?

    Parameters
    ----------
    population : Population
        N >= 1, homogeneous or heterogeneous. Convenience form
        (:func:`~nashalign.model.takes_population`):
        ``concavity(a, C, beta_a, beta_i, beta_d, n_agents)``.
    incentives : Incentives
        Only ``r`` matters.
    exact : bool
        Decide in exact rational arithmetic (else float eigenvalues, within
        ``tol.eig``).
    tol : Tolerances
        The float tolerances (used only when ``exact`` is False).

    Returns
    -------
    Concavity
        For a homogeneous population also the exact interval of ``r``:
        ``-2 mu_min <= r <= 2 (N-1) mu_min`` (:mod:`nashalign.solvers.equilibria.concave`).

    Examples
    --------
    >>> c = concavity([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], 1.0, 1.0, 1.0, n_agents=3)
    >>> c.concave, c.strictly_concave, c.r_interval
    (True, True, (-2.0, 4.0))
    """
    tol = check_tolerances(tol)
    pop, inc = population, incentives
    if pop.homogeneous and pop.N >= 2 and pop.N * pop.K > HOMOGENEOUS_SPECTRAL_MIN:
        return homogeneous_concavity(pop, inc, exact, tol)
    return concavity_of(build_game(pop, inc), exact, tol)


#: Size N K beyond which a homogeneous population's concavity is read off the
#: spectrum of C (:func:`homogeneous_concavity`) instead of the N K x N K Hessian.
HOMOGENEOUS_SPECTRAL_MIN = 64


def homogeneous_concavity(
    pop: Population, inc: Incentives, exact: bool = True, tol: Tolerances = DEFAULT_TOL
) -> Concavity:
    """Theorem 3's test for a homogeneous population, from the spectrum of ``C`` alone.

    ``Q = I_N (x) 2C + rho (J_N - I_N) (x) I_K`` with ``rho = r/(N-1)`` acts on the
    symmetric directions ``1_N (x) x`` (x in 1-perp) as ``2C + r`` and on the
    antisymmetric ones ``y (x) x`` (``y`` in 1_N-perp) as ``2C - r/(N-1)``, so on
    ``(1-perp)^N`` its eigenvalues are ``2 mu_j + r`` (once) and ``2 mu_j - r/(N-1)``
    (N - 1 times each), ``mu_j`` the eigenvalues of C compressed to 1-perp. Hence
    Phi is concave iff ``-2 mu_min <= r <= 2 (N-1) mu_min`` and strictly so iff both
    inequalities are strict: an N-independent amount of work (``--agents 10000``).
    Exact comparisons use the algebraic ``mu_min`` (:func:`mu_min_exact`).

    Examples
    --------
    >>> c = homogeneous_concavity(Population([0.0, 0.0], np.eye(2), n_agents=100), Incentives(1.0, 1.0))
    >>> c.concave, c.strictly_concave, c.r_interval
    (True, True, (-2.0, 198.0))
    """
    import sympy as sp

    N, K = pop.N, pop.K
    r = float(inc.r_for(pop))
    if exact:
        mu, mu_f = mu_min_exact(pop.C)
        rq = sp.Rational(*inc.exact_ratios()[1].as_integer_ratio()) if N > 1 else sp.Integer(0)
        lo, hi = -2 * mu, 2 * (N - 1) * mu
        lo_ok, hi_ok = sp.simplify(rq - lo), sp.simplify(hi - rq)
        psd = bool(lo_ok >= 0) and bool(hi_ok >= 0)
        strict = psd and bool(lo_ok > 0) and bool(hi_ok > 0)
        lo_s, hi_s = str(lo), str(hi)
        lo_f, hi_f = float(sp.N(lo, 30)), float(sp.N(hi, 30))
    else:
        from nashalign.solvers.linalg import perp_basis

        Z = perp_basis(K)
        mu_f = float(np.linalg.eigvalsh(Z.T @ pop.C @ Z)[0])
        lo_f, hi_f = -2 * mu_f, 2 * (N - 1) * mu_f
        slack = tol.eig * max(1.0, float(np.max(np.abs(pop.C))), abs(r))
        psd = lo_f - slack <= r <= hi_f + slack
        strict = lo_f + slack < r < hi_f - slack
        lo_s = hi_s = None
    cond = (
        f"2 mu_min + r >= 0 and 2 mu_min - r/(N-1) >= 0, i.e. {lo_f:.6g} <= r <= {hi_f:.6g} "
        f"(mu_min = {mu_f:.6g}); r = {r:.6g} is " + ("inside" if psd else "outside")
    ) + negative_r_note(r)
    return Concavity(
        psd,
        strict,
        exact,
        mu_min=mu_f,
        r_interval=(lo_f, hi_f),
        r_interval_exact=(lo_s, hi_s) if exact else None,
        condition=cond,
    )


def concavity_of(game: Game, exact: bool, tol: Tolerances = DEFAULT_TOL) -> Concavity:
    """:func:`concavity` of a built :class:`~nashalign.solvers.equilibria.game.Game`."""
    N, K = game.N, game.K
    faces = [list(range(m * K, (m + 1) * K)) for m in range(N)]
    if exact:
        Q, _ = game.exact()
        Y = face_matrix(Q, faces, to_fmpq(0))
        psd, zeros = definiteness_exact(Y)
    else:
        Y = np.array(face_matrix(game.Q.tolist(), faces, 0.0))
        psd, zeros = definiteness_float(Y, tol.eig)
    conc = Concavity(psd, psd and zeros == 0, exact)
    if not game.homogeneous:
        return Concavity(
            conc.concave,
            conc.strictly_concave,
            exact,
            condition="Q = -Hessian(Phi) restricted to (1-perp)^N is "
            + ("PSD" if psd else "not PSD"),
        )
    if exact:
        mu_f, lo_s, hi_s, lo_f, hi_f = _r_interval_exact(game.Cs[0], N)
    else:
        from nashalign.solvers.linalg import perp_basis

        Z = perp_basis(K)
        mu_f = float(np.linalg.eigvalsh(Z.T @ game.Cs[0] @ Z)[0])
        lo_f, hi_f = -2 * mu_f, 2 * (N - 1) * mu_f
        lo_s = hi_s = None
    cond = (
        f"2 mu_min + r >= 0 and 2 mu_min - r/(N-1) >= 0, i.e. {lo_f:.6g} <= r <= {hi_f:.6g} "
        f"(mu_min = {mu_f:.6g}); r = {game.r:.6g} is " + ("inside" if psd else "outside")
    ) + negative_r_note(game.r)
    if N == 1:
        cond = f"a single agent: Phi is its own concave utility (mu_min = {mu_f:.6g})"
    return Concavity(
        conc.concave,
        conc.strictly_concave,
        exact,
        mu_min=mu_f,
        r_interval=(lo_f, hi_f) if N > 1 else None,
        r_interval_exact=(lo_s, hi_s) if (exact and N > 1) else None,
        condition=cond,
    )
