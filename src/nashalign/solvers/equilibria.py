r"""The whole equilibrium set of a small population, certified exactly.

Agent ``m`` plays :math:`w_m \in \Delta_K`; in units of :math:`\beta_I`, with
:math:`s = \beta_A/\beta_I`, :math:`r = \beta_D/\beta_I` and :math:`\rho = r/(N-1)`,

.. math::

    g_m = s a_m - 2 C_m w_m - \rho \sum_{j\ne m} w_j ,

and (each agent's problem being concave) ``W`` is a Nash equilibrium iff for every
``m`` there is :math:`\lambda_m` with :math:`g_{mk} = \lambda_m` on the support
:math:`S_m` and :math:`g_{mk} \le \lambda_m` off it. With ``Q`` the matrix of the
linear map :math:`W \mapsto 2 C_m w_m + \rho\sum_{j\ne m} w_j` (``Q = -\nabla^2\Phi``,
the negated Hessian of the potential of Theorem 3), the equalities on a support tuple
:math:`(S_1, \dots, S_N)` are the square linear system

.. math::

    Q_{SS} w_S + E \lambda = s a_S, \qquad E^\top w_S = 1 .

**Enumeration** (:func:`all_equilibria`). Every tuple of nonempty supports is
solved: ``(2^K - 1)^N`` tuples for a heterogeneous population; for a homogeneous one
the game is symmetric under permuting agents, so only multisets of supports are
solved (``C(2^K - 2 + N, N)``) and each solution's orbit is expanded afterwards. The
float pre-filter is vectorised: every tuple's system is embedded in one
``N(K+1)``-square system (off-support rows and columns replaced by the identity),
solved in batches with :func:`numpy.linalg.solve`; the condition number of each is
computed from the batched inverse (1-norm) and the pre-filter tolerance grows with
it. Systems whose condition number is large get an SVD; numerically singular ones
are the candidates for continua.

**Certification.** ``a``, ``C`` and the betas are converted exactly to rationals
(a float is a binary rational), every candidate's system is re-solved on its support
in exact rational arithmetic (``python-flint``'s ``fmpq_mat``) and the KKT
conditions are checked exactly: weights ``> 0`` on the support, ``g_mk <= lam_m``
off it. Because each agent's problem is concave this is an exact best-response
check; a candidate that fails is dropped, so no returned equilibrium is spurious.
A singular (consistent) system is a **continuum**: its affine solution set is
intersected with the KKT inequalities by linear programming, and a representative
with every support weight positive is reported with the dimension of the affine
set (an upper bound where off-support inequalities bind); its exact certificate is
the exact KKT check of a rational point of the affine set. With ``exact=False`` (or
when there are more than ``max_exact`` candidates) the certificate is float:
NashConv (:func:`nashalign.solvers.metrics.nash_conv`) within a tolerance scaled by
the system's condition number, and the result says so.

**Stability** (local maxima of the potential). ``Phi`` is quadratic with Hessian
``-Q``. At an NE ``W`` with supports ``S_m``, let ``T`` be the tangent space of the
face: directions ``d`` with ``d_m`` supported on ``S_m`` and ``1'd_m = 0``; with a
rational basis ``B`` of ``T`` (differences ``e_k - e_last``) the test matrix is
``Y = B' Q B``. An off-support index is *strictly* complementary when
``g_mk < lam_m``. Then:

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

**Concavity** (Theorem 3). ``Phi`` is concave on the product of simplices iff
``Q`` is PSD on :math:`(1^\perp)^N`. Homogeneous: ``Q = 2 I_N (x) C +
rho (11' - I)_N (x) I_K``; ``11' - I`` has eigenvalue ``N - 1`` on ``1`` and ``-1``
on ``1-perp``, so with ``mu_j`` the eigenvalues of ``C`` compressed to ``1-perp``
(``Z'CZ``, ``Z`` orthonormal), ``Q`` restricted has eigenvalues ``2 mu_j + r`` (mean
mode) and ``2 mu_j - r/(N-1)`` (``N - 1`` deviation modes):

.. math:: \Phi \text{ concave} \iff -2\mu_{\min} \le r \le 2(N-1)\mu_{\min},

strictly concave with strict inequalities. (``alpha(r) = K prod(2 mu_j + r)`` and
``alpha_tilde = K prod(2 mu_j - r/(N-1))``: the endpoints are the extreme roots
of Theorem 2's polynomials.) ``mu_min`` is computed exactly as the smallest root
of ``det(B'CB - mu B'B)``.

Examples
--------
>>> import numpy as np
>>> es = all_equilibria([1.0, 1.0], np.zeros((2, 2)), 0.0, 1.0, 1.0)
>>> es.counts["total"], es.unique, es.exact
(3, False, True)
>>> sorted(e.profile.tolist() for e in es.equilibria)
[[[0.0, 1.0], [1.0, 0.0]], [[0.5, 0.5], [0.5, 0.5]], [[1.0, 0.0], [0.0, 1.0]]]
>>> [e.stability for e in es.equilibria if e.symmetric]
['saddle']
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from itertools import combinations_with_replacement, permutations, product
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError
from nashalign.instance import validate_betas, validate_n_agents
from nashalign.solvers.linalg import RTOL_DEGENERATE
from nashalign.solvers.metrics import nash_conv, stack_instances

__all__ = [
    "MAX_SYSTEMS",
    "Concavity",
    "Equilibrium",
    "EquilibriumSet",
    "all_equilibria",
    "certify_profile",
    "concavity",
    "enumeration_size",
    "grid_counts",
    "in_reach",
    "multi_start",
]

#: Largest number of support systems :func:`all_equilibria` solves (N = 4, K = 6
#: homogeneous is 720,720; about 30 s on 2 cores).
MAX_SYSTEMS = 1_000_000
#: Rows per batched float solve.
_CHUNK = 8192
#: Condition number above which a system gets an SVD.
_KAPPA_FLAG = 1e8
_EPS = float(np.finfo(float).eps)


# ----------------------------------------------------------------------------- exact helpers


def _q(x: Any) -> Any:
    """``flint.fmpq`` of a float, int or Fraction, exactly."""
    import flint

    f = Fraction(x) if not isinstance(x, Fraction) else x
    return flint.fmpq(f.numerator, f.denominator)


def _frac(x: Any) -> Fraction:
    """``Fraction`` of an ``fmpq``."""
    return Fraction(int(x.p), int(x.q))


def _psd_from_charpoly(coeffs: list[Any], n: int) -> tuple[bool, int]:
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


def _definiteness_exact(Y: list[list[Any]]) -> tuple[bool, int]:
    import flint

    n = len(Y)
    if n == 0:
        return True, 0
    M = flint.fmpq_mat(n, n, [x for row in Y for x in row])
    return _psd_from_charpoly(M.charpoly().coeffs(), n)


def _definiteness_float(Y: NDArray) -> tuple[bool, int]:
    n = Y.shape[0]
    if n == 0:
        return True, 0
    ev = np.linalg.eigvalsh(0.5 * (Y + Y.T))
    tol = 1e-9 * max(1.0, float(np.max(np.abs(ev))))
    return bool(ev[0] >= -tol), int(np.sum(np.abs(ev) <= tol))


def _face_matrix(Q: Any, faces: list[list[int]], zero: Any) -> list[list[Any]]:
    """``B'QB`` for the difference basis ``e_k - e_last`` of every face (global indices)."""
    cols: list[tuple[int, int]] = [(f[i], f[-1]) for f in faces for i in range(len(f) - 1)]
    out = []
    for a, a2 in cols:
        row = []
        for b, b2 in cols:
            row.append(Q[a][b] - Q[a][b2] - Q[a2][b] + Q[a2][b2] + zero)
        out.append(row)
    return out


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Concavity:
    """Theorem 3's concavity test of the potential on the product of simplices.

    Attributes
    ----------
    concave, strictly_concave : bool
        ``Q = -Hessian(Phi)`` PSD (PD) on ``(1-perp)^N``, decided exactly for the
        rational data (or in float when ``exact`` is False).
    exact : bool
        Decided in exact rational arithmetic.
    mu_min : float or None
        Smallest eigenvalue of ``C`` compressed to ``1-perp`` (homogeneous only).
    r_interval : tuple of float or None
        ``[-2 mu_min, 2 (N-1) mu_min]``: the ``r`` where ``Phi`` is concave
        (homogeneous only).
    r_interval_exact : tuple of str or None
        The same endpoints as exact algebraic numbers (SymPy strings).
    condition : str
        The condition in words.
    """

    concave: bool
    strictly_concave: bool
    exact: bool
    mu_min: float | None = None
    r_interval: tuple[float, float] | None = None
    r_interval_exact: tuple[str, str] | None = None
    condition: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "concave": self.concave,
            "strictly_concave": self.strictly_concave,
            "exact": self.exact,
            "mu_min": self.mu_min,
            "r_interval": None if self.r_interval is None else list(self.r_interval),
            "r_interval_exact": None
            if self.r_interval_exact is None
            else list(self.r_interval_exact),
            "condition": self.condition,
        }


@dataclass(frozen=True)
class Equilibrium:
    """One Nash equilibrium (or a continuum of them) of an N-agent population.

    Attributes
    ----------
    profile : ndarray, shape (N, K)
        One mixture per agent (for a continuum: a representative with every
        support weight positive).
    supports : tuple of tuple of int
        Each agent's support.
    lam : ndarray, shape (N,)
        Multipliers (units of beta_I).
    symmetric, interior : bool
        Every agent plays the same mixture; every agent has full support.
    excluded : tuple of int
        Subpopulations with weight ``< tau`` in every agent.
    exact : bool
        Certified by the exact KKT check (else: float NashConv certificate).
    certificate : str
        What was checked.
    nashconv : float
        NashConv of ``profile`` (float, utility units of beta_I = 1).
    stability : str
        ``"strict local max"``, ``"degenerate"`` or ``"saddle"`` (module docstring).
    local_max : bool or None
        Local maximum of the potential (None: the second-order test is
        inconclusive).
    strictly_complementary : bool
        ``g_mk < lam_m`` at every off-support index.
    continuum : bool
        Part of an affine family of NE (singular support system).
    dimension : int
        Dimension of the affine solution set of the support system (0 if isolated).
    exact_profile : tuple of tuple of Fraction or None
        The exact rational profile when ``exact``.
    directions : ndarray, shape (d, N*K)
        Orthonormal directions of the continuum.
    """

    profile: NDArray[np.float64]
    supports: tuple[tuple[int, ...], ...]
    lam: NDArray[np.float64]
    symmetric: bool
    interior: bool
    excluded: tuple[int, ...]
    exact: bool
    certificate: str
    nashconv: float
    stability: str
    local_max: bool | None
    strictly_complementary: bool
    continuum: bool = False
    dimension: int = 0
    exact_profile: tuple[tuple[Fraction, ...], ...] | None = None
    directions: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 0)))

    @property
    def stable(self) -> bool:
        """A local maximum of the potential (strict, or flat under strict complementarity)."""
        return self.local_max is True

    def to_json(self, names: list[str] | None = None) -> dict[str, Any]:
        """JSON-ready dict (``names`` label the excluded subpopulations)."""
        lab = (lambda k: names[k]) if names is not None else (lambda k: k)
        return {
            "profile": self.profile.tolist(),
            "supports": [[lab(k) for k in S] for S in self.supports],
            "lam": self.lam.tolist(),
            "symmetric": self.symmetric,
            "interior": self.interior,
            "excluded": [lab(k) for k in self.excluded],
            "exact": self.exact,
            "certificate": self.certificate,
            "nashconv": None if math.isnan(self.nashconv) else self.nashconv,
            "stability": self.stability,
            "local_max": self.local_max,
            "strictly_complementary": self.strictly_complementary,
            "continuum": self.continuum,
            "dimension": self.dimension,
            "exact_profile": None
            if self.exact_profile is None
            else [[str(x) for x in row] for row in self.exact_profile],
        }


@dataclass
class EquilibriumSet:
    """Every Nash equilibrium of a small population (:func:`all_equilibria`).

    Attributes
    ----------
    equilibria : list of Equilibrium
        Symmetric first, then by number of excluded subpopulations, then profile.
    n_agents, K : int
        Population size and number of subpopulations.
    s, r, tau : float
        ``beta_A/beta_I``, ``beta_D/beta_I`` and the exclusion threshold.
    homogeneous : bool
        Every agent has the same ``(a, C)`` (exchangeability was used).
    complete : bool
        The enumeration covered every support tuple.
    exact : bool
        Every equilibrium was certified exactly.
    method : str
        How the set was computed.
    concavity : Concavity
        Theorem 3's test.
    symmetric_interior : Equilibrium or None
        Theorem 1's point when it is an NE (interior), else None.
    n_systems, n_candidates, n_rejected : int
        Support systems solved, float candidates, candidates failing the exact check.
    elapsed : float
        Seconds.
    notes : list of str
        Anything the caller should know (float certificates, continua).
    """

    equilibria: list[Equilibrium]
    n_agents: int
    K: int
    s: float
    r: float
    tau: float
    homogeneous: bool
    complete: bool
    exact: bool
    method: str
    concavity: Concavity
    symmetric_interior: Equilibrium | None
    n_systems: int
    n_candidates: int
    n_rejected: int
    elapsed: float
    notes: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Counts by kind: total, orbits (up to relabelling agents), symmetric,
        asymmetric, interior, boundary, with_exclusion, stable, saddle, degenerate,
        continua."""
        eqs = self.equilibria
        orbits = {tuple(sorted(map(tuple, np.round(e.profile, 9).tolist()))) for e in eqs}
        return {
            "total": len(eqs),
            "orbits": len(orbits) if self.homogeneous else len(eqs),
            "symmetric": sum(e.symmetric for e in eqs),
            "asymmetric": sum(not e.symmetric for e in eqs),
            "interior": sum(e.interior for e in eqs),
            "boundary": sum(not e.interior for e in eqs),
            "with_exclusion": sum(bool(e.excluded) for e in eqs),
            "stable": sum(e.stable for e in eqs),
            "saddle": sum(e.stability == "saddle" for e in eqs),
            "degenerate": sum(e.stability == "degenerate" for e in eqs),
            "continua": sum(e.continuum for e in eqs),
        }

    @property
    def unique(self) -> bool:
        """Exactly one NE, isolated."""
        return len(self.equilibria) == 1 and not self.equilibria[0].continuum

    def summary(self) -> str:
        """One line: how many NE, of which kinds, the interior NE and concavity."""
        c = self.counts
        si = self.symmetric_interior
        if si is None:
            part = "no symmetric interior NE"
        else:
            part = (
                "the symmetric interior NE is "
                + ("the unique NE" if self.unique else "not unique")
                + f" and {'stable' if si.stable else si.stability}"
            )
        conc = "concave" if self.concavity.concave else "not concave"
        kind = "" if self.complete else " (not exhaustive)"
        return (
            f"{c['total']} NE{kind} ({c['symmetric']} symmetric, {c['asymmetric']} asymmetric; "
            f"{c['with_exclusion']} with an excluded subpopulation; {c['stable']} stable); "
            f"{part}; Phi {conc}: {self.concavity.condition}"
        )

    def to_json(self, names: list[str] | None = None) -> dict[str, Any]:
        """JSON-ready dict of the whole set."""
        si = self.symmetric_interior
        return {
            "n_agents": self.n_agents,
            "K": self.K,
            "s": self.s,
            "r": self.r,
            "tau": self.tau,
            "homogeneous": self.homogeneous,
            "complete": self.complete,
            "exact": self.exact,
            "method": self.method,
            "counts": self.counts,
            "unique": self.unique,
            "concavity": self.concavity.to_json(),
            "symmetric_interior": None if si is None else si.to_json(names),
            "equilibria": [e.to_json(names) for e in self.equilibria],
            "n_systems": self.n_systems,
            "n_candidates": self.n_candidates,
            "n_rejected": self.n_rejected,
            "elapsed_seconds": self.elapsed,
            "summary": self.summary(),
            "notes": list(self.notes),
        }


# ----------------------------------------------------------------------------- the game


@dataclass
class _Game:
    A: NDArray  # (N, K)
    Cs: NDArray  # (N, K, K)
    N: int
    K: int
    s: float
    r: float
    rho: float
    Q: NDArray  # (NK, NK): -Hessian of Phi
    g0: NDArray  # (NK,): s a
    homogeneous: bool
    sq: Fraction
    rq: Fraction
    ba: float
    bi: float
    bd: float
    _exact: tuple[list[list[Any]], list[Any]] | None = None

    @property
    def scale(self) -> float:
        return float(np.max(np.abs(self.g0)) + np.max(np.sum(np.abs(self.Q), axis=1))) or 1.0

    def exact(self) -> tuple[list[list[Any]], list[Any]]:
        """Exact ``Q`` and ``s a`` as fmpq."""
        if self._exact is None:
            N, K = self.N, self.K
            rho = self.rq / (N - 1) if N > 1 else Fraction(0)
            Cq = [[[_q(float(x)) for x in row] for row in self.Cs[m]] for m in range(N)]
            rho_q, zero = _q(rho), _q(0)
            Q = [[zero] * (N * K) for _ in range(N * K)]
            for m in range(N):
                for k in range(K):
                    i = m * K + k
                    for l in range(K):
                        Q[i][m * K + l] = 2 * Cq[m][k][l]
                    for j in range(N):
                        if j != m:
                            Q[i][j * K + k] = rho_q
            sq = _q(self.sq)
            g0 = [sq * _q(float(self.A[m, k])) for m in range(N) for k in range(K)]
            self._exact = (Q, g0)
        return self._exact


def _game(
    a: ArrayLike, C: ArrayLike, beta_a: Any, beta_i: Any, beta_d: Any, n_agents: int
) -> _Game:
    N = validate_n_agents(n_agents)
    ba_, bi_, bd_ = validate_betas(beta_a, beta_i, beta_d)
    if ba_.ndim or bi_.ndim or bd_.ndim:
        raise InputError("the equilibrium set takes scalar beta_a, beta_i, beta_d")
    ba, bi, bd = float(ba_), float(bi_), float(bd_)
    A, Cs = stack_instances(a, C, N)
    K = A.shape[1]
    homogeneous = bool(np.all(A == A[0]) and np.all(Cs == Cs[0]))
    sq = Fraction(ba) / Fraction(bi)
    rq = Fraction(bd) / Fraction(bi) if N > 1 else Fraction(0)
    s, r = float(sq), float(rq)
    rho = r / (N - 1) if N > 1 else 0.0
    Q = np.zeros((N * K, N * K))
    for m in range(N):
        Q[m * K : (m + 1) * K, m * K : (m + 1) * K] = 2.0 * Cs[m]
        for j in range(N):
            if j != m:
                Q[m * K : (m + 1) * K, j * K : (j + 1) * K] = rho * np.eye(K)
    g0 = (s * A).reshape(-1)
    return _Game(A, Cs, N, K, s, r, rho, Q, g0, homogeneous, sq, rq, ba, bi, bd)


# ----------------------------------------------------------------------------- concavity


def _mu_min_exact(C: NDArray) -> tuple[Any, Any]:
    """Smallest eigenvalue of C compressed to 1-perp: ``(sympy exact, float)`` (cached)."""
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


def concavity(
    a: ArrayLike,
    C: ArrayLike,
    beta_a: float,
    beta_i: float,
    beta_d: float,
    n_agents: int = 2,
    *,
    exact: bool = True,
) -> Concavity:
    """Is the potential concave on the product of simplices (Theorem 3)?

    Parameters
    ----------
    a, C : array_like
        Shared ((K,), (K, K)) or per agent ((N, K), (N, K, K)).
    beta_a, beta_i, beta_d : float
        Incentive weights (only ``r = beta_d/beta_i`` matters).
    n_agents : int
        N >= 1.
    exact : bool
        Decide in exact rational arithmetic (else float eigenvalues).

    Returns
    -------
    Concavity
        For a homogeneous population also the exact interval of ``r``:
        ``-2 mu_min <= r <= 2 (N-1) mu_min`` (module docstring).

    Examples
    --------
    >>> c = concavity([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], 1.0, 1.0, 1.0, n_agents=3)
    >>> c.concave, c.strictly_concave, c.r_interval
    (True, True, (-2.0, 4.0))
    """
    return _concavity(_game(a, C, beta_a, beta_i, beta_d, n_agents), exact)


def _concavity(game: _Game, exact: bool) -> Concavity:
    N, K = game.N, game.K
    faces = [list(range(m * K, (m + 1) * K)) for m in range(N)]
    if exact:
        Q, _ = game.exact()
        Y = _face_matrix(Q, faces, _q(0))
        psd, zeros = _definiteness_exact(Y)
    else:
        Y = np.array(_face_matrix(game.Q.tolist(), faces, 0.0))
        psd, zeros = _definiteness_float(Y)
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
        mu, mu_f = _mu_min_exact(game.Cs[0])
        lo, hi = -2 * mu, 2 * (N - 1) * mu
        lo_s, hi_s = str(lo), str(hi)
        import sympy as sp

        lo_f, hi_f = float(sp.N(lo, 30)), float(sp.N(hi, 30))
    else:
        from nashalign.solvers.linalg import perp_basis

        Z = perp_basis(K)
        mu_f = float(np.linalg.eigvalsh(Z.T @ game.Cs[0] @ Z)[0])
        lo_f, hi_f = -2 * mu_f, 2 * (N - 1) * mu_f
        lo_s = hi_s = None
    cond = (
        f"2 mu_min + r >= 0 and 2 mu_min - r/(N-1) >= 0, i.e. {lo_f:.6g} <= r <= {hi_f:.6g} "
        f"(mu_min = {mu_f:.6g}); r = {game.r:.6g} is " + ("inside" if psd else "outside")
    )
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


# ----------------------------------------------------------------------------- enumeration


def enumeration_size(K: int, n_agents: int, homogeneous: bool = True) -> int:
    """Number of support systems :func:`all_equilibria` solves.

    Examples
    --------
    >>> enumeration_size(5, 2), enumeration_size(5, 2, homogeneous=False)
    (496, 961)
    """
    n_sup = 2**K - 1
    if homogeneous:
        return math.comb(n_sup + n_agents - 1, n_agents)
    return n_sup**n_agents


def in_reach(K: int, n_agents: int, homogeneous: bool = True, limit: int = MAX_SYSTEMS) -> bool:
    """Whether joint support enumeration is within ``limit`` support systems.

    Examples
    --------
    >>> in_reach(6, 4), in_reach(10, 4)
    (True, False)
    """
    return enumeration_size(K, n_agents, homogeneous) <= limit


@lru_cache(maxsize=16)
def _plan(K: int, N: int, homogeneous: bool) -> tuple[NDArray, NDArray]:
    """``(tuples (T, N) of support ids, masks (n_sup, K))``, cached."""
    n_sup = 2**K - 1
    masks = ((np.arange(1, n_sup + 1)[:, None] >> np.arange(K)) & 1).astype(bool)
    # Order supports by size, then lexicographically.
    order = sorted(
        range(n_sup), key=lambda i: (int(masks[i].sum()), tuple(np.flatnonzero(masks[i])))
    )
    masks = masks[order]
    it = (
        combinations_with_replacement(range(n_sup), N)
        if homogeneous
        else product(range(n_sup), repeat=N)
    )
    count = enumeration_size(K, N, homogeneous)
    tuples = np.fromiter((x for t in it for x in t), dtype=np.int32, count=count * N).reshape(
        count, N
    )
    tuples.flags.writeable = False
    masks.flags.writeable = False
    return tuples, masks


def _batch(game: _Game, on: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """Solve every masked system of a batch: ``(x (B, n), log kappa bound (B,), ok (B,))``."""
    N, K = game.N, game.K
    nk = N * K
    n = nk + N
    Bn = on.shape[0]
    base = np.zeros((n, n))
    base[:nk, :nk] = game.Q
    for m in range(N):
        base[m * K : (m + 1) * K, nk + m] = 1.0
        base[nk + m, m * K : (m + 1) * K] = 1.0
    v = np.concatenate([on, np.ones((Bn, N), dtype=bool)], axis=1).astype(float)
    M = base[None] * v[:, :, None] * v[:, None, :]
    idx = np.arange(nk)
    M[:, idx, idx] += 1.0 - v[:, :nk]
    rhs = np.concatenate([np.broadcast_to(game.g0, (Bn, nk)) * v[:, :nk], np.ones((Bn, N))], axis=1)
    ok = np.ones(Bn, dtype=bool)
    try:
        Minv = np.linalg.inv(M)
    except np.linalg.LinAlgError:
        Minv = np.full_like(M, np.nan)
        for i in range(Bn):
            try:
                Minv[i] = np.linalg.inv(M[i])
            except np.linalg.LinAlgError:
                ok[i] = False
    x = np.einsum("bij,bj->bi", Minv, rhs)
    # 1-norm condition number (in float; exact singularity makes it inf)
    with np.errstate(invalid="ignore", over="ignore"):
        kap = np.abs(M).sum(axis=1).max(axis=1) * np.abs(Minv).sum(axis=1).max(axis=1)
    ok &= np.isfinite(kap)
    logk = np.where(ok, np.log(np.where(ok, kap, 1.0)), np.inf)
    return x, logk, ok


def _kkt_violation(game: _Game, W: NDArray, lam: NDArray, on: NDArray) -> tuple[NDArray, NDArray]:
    """``(min support weight, max off-support g - lam)`` per row (relative to scale)."""
    N, K = game.N, game.K
    G = game.g0[None] - W.reshape(-1, N * K) @ game.Q.T
    G = G.reshape(-1, N, K) - lam[:, :, None]
    wmin = np.where(on.reshape(-1, N, K), W, np.inf).min(axis=(1, 2))
    gmax = np.where(on.reshape(-1, N, K), -np.inf, G).max(axis=(1, 2))
    return wmin, gmax / game.scale


@dataclass
class _Cand:
    supports: tuple[tuple[int, ...], ...]
    singular: bool
    kappa: float


def _candidates(game: _Game) -> tuple[list[_Cand], int]:
    N, K = game.N, game.K
    tuples, masks = _plan(K, N, game.homogeneous)
    out: list[_Cand] = []
    for start in range(0, tuples.shape[0], _CHUNK):
        t = tuples[start : start + _CHUNK]
        on = masks[t].reshape(t.shape[0], N * K)
        x, logk, ok = _batch(game, on)
        W = x[:, : N * K].reshape(-1, N, K)
        W = np.where(on.reshape(-1, N, K), W, 0.0)
        lam = x[:, N * K :]
        wmin, gmax = _kkt_violation(game, W, lam, on)
        kappa = np.exp(np.minimum(logk, 700.0))
        tol = 1e-9 + 1e3 * _EPS * kappa
        flagged = (~ok) | (logk > math.log(_KAPPA_FLAG))
        good = ok & ~flagged & (wmin > -tol) & (gmax <= tol)
        for i in np.flatnonzero(good | flagged):
            sup = tuple(tuple(int(k) for k in np.flatnonzero(masks[j])) for j in t[i])
            if good[i]:
                out.append(_Cand(sup, False, float(kappa[i])))
                continue
            c = _flagged(game, on[i], x[i], bool(ok[i]))
            if c is not None:
                out.append(_Cand(sup, c[0], c[1]))
    return out, int(tuples.shape[0])


def _reduced_float(
    game: _Game, supports: tuple[tuple[int, ...], ...]
) -> tuple[NDArray, NDArray, list[int]]:
    N, K = game.N, game.K
    idx = [m * K + k for m in range(N) for k in supports[m]]
    n = len(idx) + N
    M = np.zeros((n, n))
    M[: len(idx), : len(idx)] = game.Q[np.ix_(idx, idx)]
    for p, i in enumerate(idx):
        m = i // K
        M[p, len(idx) + m] = 1.0
        M[len(idx) + m, p] = 1.0
    b = np.concatenate([game.g0[idx], np.ones(N)])
    return M, b, idx


def _flagged(game: _Game, on: NDArray, x: NDArray, ok: bool) -> tuple[bool, float] | None:
    """SVD test of an ill-conditioned system: ``(singular, kappa)`` or None to drop."""
    N, K = game.N, game.K
    supports = tuple(
        tuple(int(k) for k in np.flatnonzero(on[m * K : (m + 1) * K])) for m in range(N)
    )
    M, b, idx = _reduced_float(game, supports)
    sv = np.linalg.svd(M, compute_uv=False)
    if sv[-1] <= RTOL_DEGENERATE * sv[0] * M.shape[0]:
        return True, math.inf
    kappa = float(sv[0] / sv[-1])
    tol = 1e-9 + 1e3 * _EPS * kappa
    if tol > 1e-2:
        return False, kappa  # too ill-conditioned for a float verdict: decide exactly
    xr = np.linalg.solve(M, b)
    W = np.zeros(N * K)
    W[idx] = xr[: len(idx)]
    wmin, gmax = _kkt_violation(game, W[None].reshape(1, N, K), xr[None, len(idx) :], on[None])
    if wmin[0] > -tol and gmax[0] <= tol:
        return False, kappa
    return None


# ----------------------------------------------------------------------------- certification


@dataclass
class _Point:
    W: NDArray
    lam: NDArray
    exact: bool
    Wq: list[list[Any]] | None
    lamq: list[Any] | None
    dirs: NDArray  # (d, NK)
    continuum: bool
    kappa: float


def _certify_exact(game: _Game, supports: tuple[tuple[int, ...], ...]) -> _Point | None | str:
    """Exact solve and KKT check; ``"singular"`` for a singular system."""
    import flint

    N, K = game.N, game.K
    Q, g0 = game.exact()
    idx = [m * K + k for m in range(N) for k in supports[m]]
    nI = len(idx)
    n = nI + N
    zero, one = _q(0), _q(1)
    rows: list[Any] = []
    for i in idx:
        m = i // K
        rows += [Q[i][j] for j in idx] + [one if mm == m else zero for mm in range(N)]
    for m in range(N):
        rows += [one if idx[p] // K == m else zero for p in range(nI)] + [zero] * N
    Mq = flint.fmpq_mat(n, n, rows)
    bq = flint.fmpq_mat(n, 1, [g0[i] for i in idx] + [one] * N)
    try:
        xq = Mq.solve(bq)
    except ZeroDivisionError:
        return "singular"
    xs = [xq[i, 0] for i in range(n)]
    return _check_exact(game, idx, xs[:nI], xs[nI:], np.zeros((0, N * K)), False)


def _check_exact(
    game: _Game, idx: list[int], wS: list[Any], lam: list[Any], dirs: NDArray, continuum: bool
) -> _Point | None:
    N, K = game.N, game.K
    Q, g0 = game.exact()
    zero = _q(0)
    if any(w <= 0 for w in wS):
        return None
    Wq = [[zero] * K for _ in range(N)]
    for p, i in enumerate(idx):
        Wq[i // K][i % K] = wS[p]
    flat = [Wq[m][k] for m in range(N) for k in range(K)]
    on = set(idx)
    for i in range(N * K):
        if i in on:
            continue
        gi = g0[i] - sum((Q[i][j] * flat[j] for j in idx), zero)
        if gi > lam[i // K]:
            return None
    W = np.array([[float(x) for x in row] for row in Wq])
    return _Point(W, np.array([float(x) for x in lam]), True, Wq, list(lam), dirs, continuum, 0.0)


def _continuum(game: _Game, supports: tuple[tuple[int, ...], ...], exact: bool) -> _Point | None:
    """A representative of the NE on a singular support system (LP), or None."""
    from scipy.optimize import linprog

    N, K = game.N, game.K
    M, b, idx = _reduced_float(game, supports)
    nI = len(idx)
    U, sv, Vt = np.linalg.svd(M)
    tol_sv = RTOL_DEGENERATE * sv[0] * M.shape[0]
    rank = int(np.sum(sv > tol_sv))
    xp = Vt[:rank].T @ ((U[:, :rank].T @ b) / sv[:rank])
    if np.linalg.norm(M @ xp - b) > 1e-9 * (np.linalg.norm(b) + sv[0] * np.linalg.norm(xp)):
        return None  # inconsistent
    Nul = Vt[rank:].T  # (n, d)
    d = Nul.shape[1]
    on = np.zeros(N * K, dtype=bool)
    on[idx] = True
    out = np.flatnonzero(~on)
    # weights w_S = xp[:nI] + Nul[:nI] z; off-support G_i - lam_m(i) <= 0
    Qo = game.Q[np.ix_(out, idx)]
    lam_rows = np.zeros((out.size, N))
    lam_rows[np.arange(out.size), out // K] = 1.0
    Gp = game.g0[out] - Qo @ xp[:nI] - lam_rows @ xp[nI:]
    GD = -Qo @ Nul[:nI] - lam_rows @ Nul[nI:]
    A_w = np.hstack([-Nul[:nI], np.ones((nI, 1))])
    A_o = np.hstack([GD, np.zeros((out.size, 1))])
    # Off-support rows with a margin first (HiGHS is feasible to ~1e-7 only), then without.
    for margin in (1e-6 * game.scale, 0.0):
        res = linprog(
            np.r_[np.zeros(d), -1.0],
            A_ub=np.vstack([A_w, A_o]),
            b_ub=np.concatenate([xp[:nI], -Gp - margin]),
            bounds=[(None, None)] * d + [(None, 1.0)],
            method="highs",
        )
        if res.status == 0 and -res.fun > 1e-9:
            break
    else:
        return None
    x = xp + Nul @ res.x[:d]
    dirs = np.zeros((d, N * K))
    dirs[:, idx] = Nul[:nI].T
    if d:
        qq, _ = np.linalg.qr(dirs.T)
        dirs = qq.T
    W = np.zeros(N * K)
    W[idx] = np.clip(x[:nI], 0.0, None)
    W = W.reshape(N, K)
    W /= W.sum(axis=1, keepdims=True)
    point = _Point(W, x[nI:], False, None, None, dirs, True, math.inf)
    if exact:
        ex = _continuum_exact(game, supports, x)
        if ex is not None:
            ex.dirs = dirs
            return ex
    return point


def _continuum_exact(
    game: _Game, supports: tuple[tuple[int, ...], ...], x: NDArray
) -> _Point | None:
    """Exact KKT check of a rational point of the exact affine set near ``x``."""
    import flint

    N, K = game.N, game.K
    Q, g0 = game.exact()
    idx = [m * K + k for m in range(N) for k in supports[m]]
    nI = len(idx)
    n = nI + N
    zero, one = _q(0), _q(1)
    rows: list[Any] = []
    for i in idx:
        m = i // K
        rows += [Q[i][j] for j in idx] + [one if mm == m else zero for mm in range(N)]
        rows.append(g0[i])
    for m in range(N):
        rows += [one if idx[p] // K == m else zero for p in range(nI)] + [zero] * N + [one]
    R, rank = flint.fmpq_mat(n, n + 1, rows).rref()
    pivots = []
    for i in range(rank):
        j = next(j for j in range(n + 1) if R[i, j] != 0)
        if j == n:
            return None  # inconsistent exactly
        pivots.append(j)
    free = [j for j in range(n) if j not in pivots]
    vals: dict[int, Any] = {j: _q(float(x[j])) for j in free}
    for i, j in enumerate(pivots):
        vals[j] = R[i, n] - sum((R[i, f] * vals[f] for f in free), zero)
    xs = [vals[j] for j in range(n)]
    pt = _check_exact(game, idx, xs[:nI], xs[nI:], np.zeros((0, N * K)), True)
    return pt


def _certify_float(
    game: _Game, supports: tuple[tuple[int, ...], ...], kappa: float
) -> _Point | None:
    N, K = game.N, game.K
    M, b, idx = _reduced_float(game, supports)
    try:
        x = np.linalg.solve(M, b)
    except np.linalg.LinAlgError:
        return None
    W = np.zeros(N * K)
    W[idx] = x[: len(idx)]
    if np.any(x[: len(idx)] < 0):
        W = np.clip(W, 0.0, None)
    W = W.reshape(N, K)
    W /= W.sum(axis=1, keepdims=True)
    return _Point(W, x[len(idx) :], False, None, None, np.zeros((0, N * K)), False, kappa)


def _float_ok(game: _Game, pt: _Point) -> tuple[bool, float, float]:
    nc = nash_conv(pt.W, game.A, game.Cs, game.ba, game.bi, game.bd) / game.bi
    kappa = pt.kappa if math.isfinite(pt.kappa) else 1e8
    tol = max(1e-12, 1e3 * _EPS * kappa) * game.scale * game.N
    return nc <= tol, nc, tol


# ----------------------------------------------------------------------------- classification


def _stability(
    game: _Game, pt: _Point, supports: tuple[tuple[int, ...], ...]
) -> tuple[str, bool | None, bool]:
    N, K = game.N, game.K
    if pt.exact:
        Q, g0 = game.exact()
        flat = [pt.Wq[m][k] for m in range(N) for k in range(K)]  # type: ignore[index]
        zero = _q(0)
        margin = [
            pt.lamq[i // K] - (g0[i] - sum((Q[i][j] * flat[j] for j in range(N * K)), zero))  # type: ignore[index]
            for i in range(N * K)
        ]
        weak_zero = lambda v: v == 0  # noqa: E731
        definite = lambda faces: _definiteness_exact(_face_matrix(Q, faces, zero))  # noqa: E731
    else:
        G = game.g0 - game.Q @ pt.W.reshape(-1)
        margin = [float(pt.lam[i // K] - G[i]) for i in range(N * K)]
        tolm = 1e-9 * game.scale
        weak_zero = lambda v: abs(v) <= tolm  # noqa: E731
        definite = lambda faces: _definiteness_float(  # noqa: E731
            np.array(_face_matrix(game.Q.tolist(), faces, 0.0))
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


def _make(
    game: _Game,
    pt: _Point,
    supports: tuple[tuple[int, ...], ...],
    tau: float,
    certificate: str,
    nc: float | None = None,
) -> Equilibrium:
    W = pt.W
    if pt.exact:
        symmetric = all(row == pt.Wq[0] for row in pt.Wq)  # type: ignore[union-attr,index]
        excluded = tuple(
            k
            for k in range(game.K)
            if all(pt.Wq[m][k] < _q(tau) for m in range(game.N))  # type: ignore[index]
        )
        exact_profile = tuple(tuple(_frac(x) for x in row) for row in pt.Wq)  # type: ignore[union-attr]
    else:
        symmetric = bool(np.all(np.abs(W - W[0]) <= 1e-9))
        excluded = tuple(int(k) for k in np.flatnonzero(np.all(W < tau, axis=0)))
        exact_profile = None
    if nc is None:
        nc = nash_conv(W, game.A, game.Cs, game.ba, game.bi, game.bd) / game.bi
    stability, local_max, strict_c = _stability(game, pt, supports)
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


def _permute(e: Equilibrium, perm: tuple[int, ...]) -> Equilibrium:
    p = list(perm)
    K = e.profile.shape[1]
    dirs = e.directions
    if dirs.shape[0]:
        dirs = dirs.reshape(dirs.shape[0], -1, K)[:, p].reshape(dirs.shape[0], -1)
    return Equilibrium(
        profile=e.profile[p],
        supports=tuple(e.supports[i] for i in p),
        lam=e.lam[p],
        symmetric=e.symmetric,
        interior=e.interior,
        excluded=e.excluded,
        exact=e.exact,
        certificate=e.certificate,
        nashconv=e.nashconv,
        stability=e.stability,
        local_max=e.local_max,
        strictly_complementary=e.strictly_complementary,
        continuum=e.continuum,
        dimension=e.dimension,
        exact_profile=None if e.exact_profile is None else tuple(e.exact_profile[i] for i in p),
        directions=dirs,
    )


def _orbit(e: Equilibrium) -> list[Equilibrium]:
    N = e.profile.shape[0]
    seen: dict[tuple[tuple[int, ...], ...], Equilibrium] = {}
    for perm in permutations(range(N)):
        sup = tuple(e.supports[i] for i in perm)
        if sup not in seen:
            seen[sup] = _permute(e, perm)
    return list(seen.values())


def _fold(eqs: list[Equilibrium], tol: float = 1e-7) -> list[Equilibrium]:
    """Drop points lying in the affine hull of a higher-dimensional continuum."""
    if not any(e.continuum for e in eqs):
        return eqs
    keep: list[Equilibrium] = []
    for e in sorted(eqs, key=lambda e: -e.dimension):
        absorbed = False
        for big in keep:
            if big.dimension <= e.dimension:
                continue
            diff = (e.profile - big.profile).reshape(-1)
            diff = diff - big.directions.T @ (big.directions @ diff)
            if np.max(np.abs(diff)) <= tol:
                absorbed = True
                break
        if not absorbed:
            keep.append(e)
    return keep


# ----------------------------------------------------------------------------- public API


def all_equilibria(
    a: ArrayLike,
    C: ArrayLike,
    beta_a: float,
    beta_i: float,
    beta_d: float,
    n_agents: int = 2,
    *,
    tau: float = 0.05,
    exact: bool | None = None,
    max_exact: int = 2000,
    max_systems: int = MAX_SYSTEMS,
    with_nashconv: bool = True,
) -> EquilibriumSet:
    """Every Nash equilibrium of a small population, by joint support enumeration.

    Parameters
    ----------
    a : array_like, shape (K,) or (N, K)
        Shared or per-agent attractiveness vectors.
    C : array_like, shape (K, K) or (N, K, K)
        Shared or per-agent inconsistency matrices (symmetric PSD).
    beta_a, beta_i, beta_d : float
        Incentive weights (scalars).
    n_agents : int
        N >= 1.
    tau : float
        Exclusion threshold (``0 < tau < 1``).
    exact : bool, optional
        Certify every equilibrium in exact rational arithmetic (default: yes unless
        there are more than ``max_exact`` candidates, then float NashConv).
    max_exact : int
        Candidate count above which the default falls back to float certificates.
    max_systems : int
        Refuse enumerations with more support systems (see :func:`in_reach`).
    with_nashconv : bool
        Report the float NashConv of exactly certified equilibria too (else NaN
        for them; float-certified ones always carry theirs).

    Returns
    -------
    EquilibriumSet

    Raises
    ------
    InputError
        Bad input, or an enumeration beyond ``max_systems``.

    Examples
    --------
    >>> es = all_equilibria([0.5, 0.3, 0.2], np.eye(3), 1.0, 1.0, 0.5, n_agents=3)
    >>> es.unique, es.concavity.strictly_concave, es.symmetric_interior.stability
    (True, True, 'strict local max')
    """
    t0 = time.perf_counter()
    game = _game(a, C, beta_a, beta_i, beta_d, n_agents)
    try:
        tau_f = float(tau)
    except (TypeError, ValueError):
        raise InputError(f"tau must be a number, got {tau!r}") from None
    if not (0.0 < tau_f < 1.0):
        raise InputError(f"tau must lie in (0, 1), got {tau!r}")
    if not isinstance(max_systems, int) or isinstance(max_systems, bool) or max_systems < 1:
        raise InputError(f"max_systems must be a positive integer, got {max_systems!r}")
    N, K = game.N, game.K
    size = enumeration_size(K, N, game.homogeneous)
    if size > max_systems:
        raise InputError(
            f"joint support enumeration needs {size} support systems at N = {N}, K = {K} "
            f"(limit {max_systems}); use nashalign.solvers.equilibria.multi_start "
            "(not exhaustive)"
        )
    cands, n_sys = _candidates(game)
    use_exact = (len(cands) <= max_exact) if exact is None else bool(exact)
    notes: list[str] = []
    found: list[Equilibrium] = []
    rejected = 0
    n_float = 0
    for c in cands:
        pt: _Point | None = None
        cert = ""
        nc = None
        singular = c.singular
        if use_exact and not singular:
            res = _certify_exact(game, c.supports)
            if res == "singular":
                singular = True
            elif res is None:
                rejected += 1
                continue
            else:
                pt = res  # type: ignore[assignment]
                cert = "exact KKT check (rational arithmetic)"
        if singular:
            pt = _continuum(game, c.supports, use_exact)
            if pt is None:
                continue
            if pt.exact:
                cert = "exact KKT check of a rational point of the continuum"
        elif pt is None:
            pt = _certify_float(game, c.supports, c.kappa)
        if pt is None:
            continue
        if not pt.exact:
            ok, nc, tol = _float_ok(game, pt)
            if not ok:
                rejected += 1
                continue
            n_float += 1
            cert = f"float: NashConv {nc:.2e} <= {tol:.2e} (eps x condition x scale)"
        if nc is None and not with_nashconv:
            nc = math.nan
        e = _make(game, pt, c.supports, tau_f, cert, nc)
        found.extend(_orbit(e) if game.homogeneous else [e])
    found = _fold(found)
    found.sort(
        key=lambda e: (
            not e.symmetric,
            len(e.excluded),
            [list(S) for S in e.supports],
            e.profile.tolist(),
        )
    )
    if n_float:
        notes.append(
            f"{n_float} equilibri{'um' if n_float == 1 else 'a'} certified in float only "
            "(NashConv within a tolerance scaled by the system's condition number)"
        )
    if any(e.continuum for e in found):
        notes.append(
            "continua: a representative point is reported with the dimension of its "
            "support system's affine solution set"
        )
    conc = _concavity(game, exact=True)
    si = None
    for e in found:
        if e.symmetric and e.interior and not e.continuum:
            si = e
            break
    method = "joint support enumeration" + (
        " (support multisets: exchangeable agents)" if game.homogeneous else ""
    )
    return EquilibriumSet(
        equilibria=found,
        n_agents=N,
        K=K,
        s=game.s,
        r=game.r,
        tau=tau_f,
        homogeneous=game.homogeneous,
        complete=True,
        exact=all(e.exact for e in found),
        method=method,
        concavity=conc,
        symmetric_interior=si,
        n_systems=n_sys,
        n_candidates=len(cands),
        n_rejected=rejected,
        elapsed=time.perf_counter() - t0,
        notes=notes,
    )


def multi_start(
    a: ArrayLike,
    C: ArrayLike,
    beta_a: float,
    beta_i: float,
    beta_d: float,
    n_agents: int = 2,
    *,
    starts: int = 16,
    seed: int = 0,
    tau: float = 0.05,
) -> list[Equilibrium]:
    """Distinct NE from best-response dynamics started at random profiles (not exhaustive).

    Each is certified in float by NashConv (:func:`nashalign.solvers.iterative.solve_arrays`).

    Examples
    --------
    >>> eqs = multi_start([0.5, 0.3, 0.2], np.eye(3), 1.0, 1.0, 0.5, starts=3)
    >>> len(eqs), eqs[0].certificate.startswith("float")
    (1, True)
    """
    from nashalign.solvers.iterative import solve_arrays

    game = _game(a, C, beta_a, beta_i, beta_d, n_agents)
    if isinstance(starts, bool) or not isinstance(starts, int) or starts < 1:
        raise InputError(f"starts must be a positive integer, got {starts!r}")
    out: list[Equilibrium] = []
    for i in range(starts):
        init = "uniform" if i == 0 else "random"
        res = solve_arrays(
            game.A, game.Cs, game.ba, game.bi, game.bd, game.N, init=init, seed=seed + i
        )
        if not res.converged:
            continue
        W = res.profile
        if any(np.max(np.abs(W - e.profile)) <= 1e-7 for e in out):
            continue
        G = game.g0 - game.Q @ W.reshape(-1)
        supports = tuple(tuple(int(k) for k in np.flatnonzero(W[m] > 0)) for m in range(game.N))
        lam = np.array(
            [float(np.mean(G[[m * game.K + k for k in S]])) for m, S in enumerate(supports)]
        )
        pt = _Point(W, lam, False, None, None, np.zeros((0, W.size)), False, 1.0)
        cert = f"float: NashConv {res.nashconv:.2e} <= {res.tol_used:.2e} (multi-start, not exhaustive)"
        out.append(_make(game, pt, supports, tau, cert, res.nashconv / game.bi))
    return out


def grid_counts(
    a: ArrayLike,
    C: ArrayLike,
    s_values: ArrayLike,
    r_values: ArrayLike,
    n_agents: int = 2,
    *,
    tau: float = 0.05,
    tol: float = 1e-9,
) -> dict[str, Any]:
    """Float-certified NE counts of a homogeneous population over a grid of ``(s, r)``.

    The support systems depend on ``s`` only through the right-hand side
    ``[s a; 1]``, so for each ``r`` one batched inverse per support multiset
    serves every ``s``: ``x(s) = s x_a + x_1``. A profile is counted when its KKT
    conditions hold within ``tol + 1e3 eps kappa`` (relative to the data scale,
    ``kappa`` the system's 1-norm condition number); each multiset counts with its
    orbit size (distinct assignments of its supports to agents). Systems with
    ``kappa > 1e8`` are counted in ``n_ill_conditioned`` (their verdict is a float
    one); exactly certified sets come from :func:`all_equilibria`.

    Returns
    -------
    dict
        ``total``, ``symmetric``, ``with_exclusion`` (arrays of shape
        ``(len(r_values), len(s_values))``), ``n_ill_conditioned``, ``n_systems``.

    Examples
    --------
    >>> out = grid_counts([1.0, 1.0], np.zeros((2, 2)), [0.0], [1.0, 2.0])
    >>> out["total"].tolist(), out["symmetric"].tolist()
    ([[3], [3]], [[1], [1]])
    """
    from nashalign.instance import finite_array, validate_a_C

    a_, C_ = validate_a_C(a, C)
    N = validate_n_agents(n_agents)
    if N < 2:
        raise InputError("grid_counts needs n_agents >= 2")
    sv = finite_array(s_values, "s_values", ndim=1)
    rv = finite_array(r_values, "r_values", ndim=1)
    if np.any(sv < 0):
        raise InputError("s_values must be >= 0")
    K = a_.shape[0]
    tuples, masks = _plan(K, N, True)
    sizes = np.array([math.factorial(N) for _ in range(tuples.shape[0])], dtype=np.int64)
    for i, t in enumerate(tuples):
        _, c = np.unique(t, return_counts=True)
        sizes[i] //= int(np.prod([math.factorial(int(x)) for x in c]))
    sym = np.all(tuples == tuples[:, :1], axis=1)
    shape = (rv.size, sv.size)
    total = np.zeros(shape, dtype=np.int64)
    n_sym = np.zeros(shape, dtype=np.int64)
    n_exc = np.zeros(shape, dtype=np.int64)
    ill = 0
    nk, n = N * K, N * K + N
    for ir, r in enumerate(rv):
        game = _game(a_, C_, 1.0, 1.0, float(r), N)
        scale = (
            float(np.max(np.sum(np.abs(game.Q), axis=1)))
            + float(np.max(sv)) * float(np.max(np.abs(a_)))
            or 1.0
        )
        for start in range(0, tuples.shape[0], _CHUNK):
            t = tuples[start : start + _CHUNK]
            on = masks[t].reshape(t.shape[0], nk)
            game.g0 = np.tile(a_, N)
            xa, logk, ok = _batch(game, on)  # rhs [a; 1]
            game.g0 = np.zeros(nk)
            x1, _, _ = _batch(game, on)  # rhs [0; 1]
            xa = xa - x1
            kappa = np.exp(np.minimum(logk, 700.0))
            ill += int(np.sum(~ok | (kappa > _KAPPA_FLAG)))
            tolr = (tol + 1e3 * _EPS * kappa)[None, :]
            X = sv[:, None, None] * xa[None] + x1[None]  # (S, B, n)
            W = np.where(on[None], X[..., :nk], 0.0)
            lam = X[..., nk:]
            G = sv[:, None, None] * np.tile(a_, N)[None, None] - W @ game.Q.T
            G = G.reshape(sv.size, -1, N, K) - lam[..., None]
            onr = on.reshape(1, -1, N, K)
            wmin = np.where(onr, W.reshape(sv.size, -1, N, K), np.inf).min(axis=(2, 3))
            gmax = np.where(onr, -np.inf, G).max(axis=(2, 3)) / scale
            good = ok[None] & (wmin > 0) & (gmax <= tolr)
            Wr = W.reshape(sv.size, -1, N, K)
            exc = np.any(np.all(Wr < tau, axis=2), axis=2)
            total[ir] += (good * sizes[start : start + _CHUNK][None]).sum(axis=1)
            n_sym[ir] += (good & sym[start : start + _CHUNK][None]).sum(axis=1)
            n_exc[ir] += ((good & exc) * sizes[start : start + _CHUNK][None]).sum(axis=1)
    del n
    return {
        "total": total,
        "symmetric": n_sym,
        "with_exclusion": n_exc,
        "n_ill_conditioned": ill,
        "n_systems": int(tuples.shape[0]) * rv.size,
    }


def certify_profile(
    profile: Any,
    a: ArrayLike,
    C: ArrayLike,
    beta_a: float,
    beta_i: float,
    beta_d: float,
) -> bool:
    """Exact check that a profile is a Nash equilibrium of the (rationalised) game.

    Every entry of ``profile`` (floats, ints or Fractions; shape (N, K)) is taken as
    the exact rational it denotes; each row must lie exactly on the simplex. The
    KKT conditions (``g_mk`` equal on the support, ``<=`` off it) are checked in
    rational arithmetic, which for concave own problems is an exact best-response
    check.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> certify_profile([[1, 0], [0, 1]], [1.0, 1.0], np.zeros((2, 2)), 0.0, 1.0, 1.0)
    True
    >>> certify_profile([[F(1, 2), F(1, 2)], [0, 1]], [1.0, 1.0], np.zeros((2, 2)), 0.0, 1.0, 1.0)
    False
    """
    try:
        rows = [[Fraction(x) for x in row] for row in profile]
    except (TypeError, ValueError):
        raise InputError("profile must be a numeric (N, K) array") from None
    N = len(rows)
    if N < 1 or any(len(row) != len(rows[0]) for row in rows):
        raise InputError("profile must have shape (N, K) with N >= 1")
    game = _game(a, C, beta_a, beta_i, beta_d, N)
    K = game.K
    if len(rows[0]) != K:
        raise InputError(f"profile has {len(rows[0])} columns, the instance has K = {K}")
    if any(x < 0 for row in rows for x in row) or any(sum(row) != 1 for row in rows):
        return False
    Q, g0 = game.exact()
    flat = [_q(x) for row in rows for x in row]
    zero = _q(0)
    for m in range(N):
        G = [
            g0[m * K + k] - sum((Q[m * K + k][j] * flat[j] for j in range(N * K)), zero)
            for k in range(K)
        ]
        on = [G[k] for k in range(K) if rows[m][k] > 0]
        if any(x != on[0] for x in on) or any(G[k] > on[0] for k in range(K)):
            return False
    return True
