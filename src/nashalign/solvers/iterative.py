r"""General N-agent solver: heterogeneous populations and asymmetric equilibria.

The game is a potential game (Theorem 3): with
:math:`\Phi(W) = \sum_m [\beta_A a_m^\top w_m - \beta_I w_m^\top C_m w_m]
- \frac{\beta_D}{N-1}\sum_{m<j} w_m^\top w_j`, :math:`\partial\Phi/\partial w_m =
\nabla_{w_m} u_m`, so the Nash equilibria are exactly the KKT points of
:math:`\Phi` over the product of simplices (each agent's own problem is concave).

**Method.**

1. *Best-response dynamics* (Gauss-Seidel): agents in turn play their exact best
   response (:func:`nashalign.solvers.metrics.simplex_qp`, warm-started). Each move raises
   :math:`\Phi`, which is bounded on the compact strategy set, so the dynamics
   settle; they identify the supports.
2. *Polish*: once the supports stop changing, the equalities of every agent's KKT
   system on its support,
   :math:`2 C_m w_m + \frac{r}{N-1} \sum_{j\ne m} w_j + \lambda_m 1 = s a_m` on
   :math:`S_m`, :math:`1^\top w_m = 1`, are one linear system of size
   :math:`\sum_m |S_m| + N`, solved directly (least squares if singular: a
   continuum). The result is accepted only if it is a profile and its NashConv,
   computed with exact best responses, is within tolerance.

The certificate is NashConv itself. The solver stops with ``converged = True``
when NashConv <= ``max(tol, floor)``, where ``floor = 1e3 eps N scale`` and
``scale = beta_A max|a_m| + 2 beta_I max||C_m|| + |beta_D|`` is the rounding level
of the utilities (below ``1e-10`` for incentive weights up to about 10); otherwise
it says why it stopped.

Examples
--------
>>> import numpy as np
>>> from nashalign.instance import Instance
>>> inst = Instance(["x", "y", "z"], [0.5, 0.3, 0.2], np.diag([1.0, 2.0, 3.0]), n=10)
>>> res = solve(inst, 1.0, 1.0, 1.0, n_agents=4)
>>> res.converged, res.nashconv <= 1e-10
(True, True)
>>> res.profile[0].round(4).tolist()
[0.5338, 0.2803, 0.1859]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError
from nashalign.instance import Instance
from nashalign.model import Incentives, Population, takes_population
from nashalign.solvers.linalg import single_blas_thread
from nashalign.solvers.metrics import (
    check_profile,
    normalized_regrets,
    stack_instances,
)
from nashalign.solvers.simplex_qp import simplex_qp
from nashalign.validation import validate_betas, validate_n_agents

__all__ = ["NResult", "potential", "solve", "solve_arrays"]


@dataclass(frozen=True)
class NResult:
    """Outcome of :func:`solve`.

    Attributes
    ----------
    profile : ndarray, shape (N, K)
        One mixture per agent.
    nashconv : float
        Sum of the agents' exact best-response gains (utility units).
    converged : bool
        ``nashconv <= tol_used``.
    iterations : int
        Best-response sweeps performed.
    regrets : ndarray, shape (N,)
        Each agent's best-response gain.
    supports : list of tuple of int
        Each agent's support.
    tol_used : float
        ``max(tol, rounding floor)`` (module docstring).
    polished : bool
        Whether the profile came from the support-wise linear solve.
    potential : float
        The potential Phi at the profile.
    message : str
        How the run ended.
    """

    profile: NDArray[np.float64]
    nashconv: float
    converged: bool
    iterations: int
    regrets: NDArray[np.float64]
    supports: list[tuple[int, ...]] = field(default_factory=list)
    tol_used: float = 0.0
    polished: bool = False
    potential: float = 0.0
    message: str = ""

    def is_symmetric(self, tol: float = 1e-8) -> bool:
        """Whether every agent plays the same mixture within ``tol``."""
        return bool(np.max(np.ptp(self.profile, axis=0)) <= tol)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready view."""
        return {
            "profile": self.profile.tolist(),
            "nashconv": self.nashconv,
            "converged": self.converged,
            "iterations": self.iterations,
            "regrets": self.regrets.tolist(),
            "supports": [list(s) for s in self.supports],
            "tol_used": self.tol_used,
            "polished": self.polished,
            "potential": self.potential,
            "message": self.message,
        }


def potential(
    profile: ArrayLike, a: ArrayLike, C: ArrayLike, beta_a: float, beta_i: float, beta_d: float
) -> float:
    """The potential Phi of Theorem 3 at a profile (a, C shared or per agent).

    Examples
    --------
    >>> potential([[1.0, 0.0], [0.0, 1.0]], [1.0, 1.0], np.eye(2), 1.0, 1.0, 1.0)
    0.0
    """
    W = check_profile(profile)
    A, Cs = stack_instances(a, C, W.shape[0])
    ba, bi, bd = (float(b) for b in validate_betas(beta_a, beta_i, beta_d))
    return _potential(W, A, Cs, ba, bi, bd)


def _potential(W: NDArray, A: NDArray, Cs: NDArray, ba: float, bi: float, bd: float) -> float:
    N = W.shape[0]
    own = ba * np.einsum("mk,mk->", A, W) - bi * np.einsum("mk,mkl,ml->", W, Cs, W)
    if N < 2:
        return float(own)
    total = W.sum(axis=0)
    pairs = 0.5 * (total @ total - np.einsum("mk,mk->", W, W))
    return float(own - bd / (N - 1) * pairs)


def _polish(A: NDArray, Cs: NDArray, s: float, rho: float, supp: NDArray) -> NDArray | None:
    """Solve every agent's KKT equalities on its support jointly (None if not a profile).

    Writing ``T = sum_j w_j``, agent m's equalities read
    ``(2 C_m - rho I) w_m + lam_m 1 = s a_m - rho T`` on ``S_m`` with ``1'w_m = 1``:
    ``w_m = c_m + L_m (s a_m - rho T)`` from one small bordered inverse per agent, and
    summing gives one K x K system for ``T`` (the reduction of SPEC 2.8). A singular
    or ill-conditioned bordered block falls back to the whole stacked system.
    """
    N, K = A.shape
    S = [np.flatnonzero(supp[m]) for m in range(N)]
    Ls, cs = [], []
    lhs = np.eye(K)
    rhs = np.zeros(K)
    for m in range(N):
        f = S[m].size
        B = np.zeros((f + 1, f + 1))
        B[:f, :f] = 2.0 * Cs[m][np.ix_(S[m], S[m])] - rho * np.eye(f)
        B[:f, f] = B[f, :f] = 1.0
        if np.linalg.cond(B) > 1e12:
            return _polish_stacked(A, Cs, s, rho, S)
        Binv = np.linalg.inv(B)
        L, c = Binv[:f, :f], Binv[:f, f]
        Ls.append(L)
        cs.append(c)
        lhs[np.ix_(S[m], S[m])] += rho * L
        rhs[S[m]] += c + s * (L @ A[m, S[m]])
    if rho != 0.0:
        if np.linalg.cond(lhs) > 1e12:
            return _polish_stacked(A, Cs, s, rho, S)
        T = np.linalg.solve(lhs, rhs)
    else:
        T = rhs
    W = np.zeros((N, K))
    for m in range(N):
        W[m, S[m]] = cs[m] + Ls[m] @ (s * A[m, S[m]] - rho * T[S[m]])
    return W if np.all(np.isfinite(W)) else None


def _pivot(
    A: NDArray, Cs: NDArray, s: float, rho: float, supp: NDArray, max_pivots: int
) -> NDArray | None:
    """Joint active set on the supports, starting from ``supp``.

    Solve the equalities on the current supports (:func:`_polish`); drop the most
    negative weight, or else add the most violated off-support KKT inequality, and
    repeat until the KKT conditions of every agent hold (then return the profile),
    a support set repeats, or ``max_pivots`` is reached (then None).
    """
    N, K = A.shape
    supp = supp.copy()
    seen: set[bytes] = set()
    scale = s * float(np.max(np.abs(A))) + 2.0 * float(np.max(np.abs(Cs))) + abs(rho) * N
    for _ in range(max_pivots):
        key = np.packbits(supp).tobytes()
        if key in seen:
            return None
        seen.add(key)
        W = _polish(A, Cs, s, rho, supp)
        if W is None:
            return None
        if np.min(W) < -1e-13:
            m, k = np.unravel_index(int(np.argmin(W)), W.shape)
            if supp[m].sum() == 1:
                return None
            supp[m, k] = False
            continue
        total = W.sum(axis=0)
        G = s * A - rho * (total[None, :] - W) - 2.0 * np.einsum("mkl,ml->mk", Cs, W)
        lam = np.where(supp, G, 0.0).sum(axis=1) / supp.sum(axis=1)
        viol = np.where(supp, -np.inf, G - lam[:, None])
        m, k = np.unravel_index(int(np.argmax(viol)), viol.shape)
        if viol[m, k] <= 1e-12 * scale:
            return _as_profile(W)
        supp[m, k] = True
    return None


def _as_profile(W: NDArray) -> NDArray | None:
    if not np.all(np.isfinite(W)) or np.min(W) < -1e-12:
        return None
    W = np.clip(W, 0.0, None)
    return W / W.sum(axis=1, keepdims=True)


def _polish_stacked(
    A: NDArray, Cs: NDArray, s: float, rho: float, S: list[NDArray]
) -> NDArray | None:
    """The whole stacked KKT system (least squares when singular: a continuum)."""
    N, K = A.shape
    off = np.concatenate([[0], np.cumsum([len(x) for x in S])])
    nv = int(off[-1])
    n = nv + N
    B = np.zeros((n, n))
    rhs = np.zeros(n)
    pos = np.full((N, K), -1)
    for m in range(N):
        pos[m, S[m]] = off[m] + np.arange(S[m].size)
    for m in range(N):
        rows = pos[m, S[m]]
        B[np.ix_(rows, rows)] = 2.0 * Cs[m][np.ix_(S[m], S[m])]
        B[rows, nv + m] = 1.0
        rhs[rows] = s * A[m, S[m]]
        B[nv + m, rows] = 1.0
        rhs[nv + m] = 1.0
        if rho != 0.0:
            for j in range(N):
                if j == m:
                    continue
                cols = pos[j, S[m]]
                ok = cols >= 0
                B[rows[ok], cols[ok]] += rho
    with single_blas_thread():
        x = np.linalg.lstsq(B, rhs, rcond=None)[0]
    W = np.zeros((N, K))
    for m in range(N):
        W[m, S[m]] = x[pos[m, S[m]]]
    return W if np.all(np.isfinite(W)) else None


def _initial(init: Any, N: int, K: int, seed: int | None) -> NDArray[np.float64]:
    if isinstance(init, str):
        if init == "uniform":
            return np.full((N, K), 1.0 / K)
        if init == "random":
            return np.random.default_rng(seed).dirichlet(np.ones(K), size=N)
        raise InputError(f"init must be 'uniform', 'random' or an (N, K) profile, got {init!r}")
    W = check_profile(init, K)
    if W.shape[0] != N:
        raise InputError(f"initial profile has {W.shape[0]} rows, expected N = {N}")
    return np.clip(W, 0.0, None) / np.clip(W, 0.0, None).sum(axis=1, keepdims=True)


@takes_population
def solve_arrays(
    population: Population,
    incentives: Incentives,
    *,
    tol: float = 1e-10,
    max_iter: int = 2000,
    init: Any = "uniform",
    seed: int | None = None,
    polish: bool = True,
) -> NResult:
    """Find a Nash equilibrium of the N-agent game given as arrays.

    Parameters
    ----------
    population : Population
        Homogeneous or heterogeneous. Convenience form
        (:func:`~nashalign.model.takes_population`):
        ``solve_arrays(a, C, beta_a, beta_i, beta_d, n_agents)`` with ``a``, ``C``
        shared ((K,), (K, K)) or per agent ((N, K), (N, K, K)).
    incentives : Incentives
        Scalar incentives (``unit`` = beta_I scales NashConv to utility units).
    tol : float
        Target NashConv (utility units).
    max_iter : int
        Maximum best-response sweeps.
    init : {"uniform", "random"} or array_like (N, K)
        Starting profile.
    seed : int, optional
        Seed of ``init="random"``.
    polish : bool
        Try the support-wise linear solve (module docstring).

    Returns
    -------
    NResult

    Examples
    --------
    >>> res = solve_arrays([[1.0, 0.0], [0.0, 1.0]], np.eye(2), 1.0, 1.0, 0.0, n_agents=2)
    >>> res.profile.round(6).tolist(), res.converged
    ([[0.75, 0.25], [0.25, 0.75]], True)
    """
    pop, inc = population, incentives
    if not inc.scalar:
        raise InputError("the iterative solver takes scalar beta_a, beta_i, beta_d")
    N, A, Cs = pop.N, pop.a_per_agent, pop.C_per_agent
    ba, bi, bd = (float(b) for b in inc.betas)
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise InputError(f"max_iter must be a positive integer, got {max_iter!r}")
    if not (np.isfinite(tol) and tol >= 0):
        raise InputError("tol must be a finite number >= 0")
    K = A.shape[1]
    W = _initial(init, N, K, seed)
    s, r = float(inc.s), float(inc.r)
    rho = r / (N - 1) if N > 1 else 0.0
    H = 2.0 * Cs
    norms = max(float(np.max(np.abs(np.linalg.eigvalsh(Cs[m])))) for m in range(N))
    scale = ba * float(np.max(np.abs(A))) + 2.0 * bi * norms + abs(bd)
    tol_used = max(float(tol), 1e3 * np.finfo(float).eps * N * scale)

    total = W.sum(axis=0)
    prev = None
    polished = False
    reg = np.full(N, np.inf)
    message = f"no convergence in {max_iter} sweeps"
    converged = False
    it = 0
    for it in range(1, int(max_iter) + 1):
        for m in range(N):
            g = s * A[m] - rho * (total - W[m])
            x, _ = simplex_qp(H[m], g, x0=W[m])
            total += x - W[m]
            W[m] = x
        supp = W > 0
        stable = prev is not None and np.array_equal(supp, prev)
        prev = supp
        if polish and stable:
            Wp = _pivot(A, Cs, s, rho, supp, max_pivots=2 * N * K)
            if Wp is not None:
                reg_p, _ = normalized_regrets(Wp, A, Cs, s, r)
                if bi * reg_p.sum() <= tol_used:
                    W, reg, polished, converged = Wp, reg_p, True, True
                    message = f"converged: supports stable after {it} sweeps, polished"
                    break
        if stable or it % 10 == 0:
            reg, _ = normalized_regrets(W, A, Cs, s, r)
            if bi * reg.sum() <= tol_used:
                converged = True
                message = f"converged after {it} best-response sweeps"
                break
    if not converged:
        reg, _ = normalized_regrets(W, A, Cs, s, r)
        converged = bool(bi * reg.sum() <= tol_used)
        if converged:
            message = f"converged after {it} best-response sweeps"
    return NResult(
        profile=W,
        nashconv=float(bi * reg.sum()),
        converged=converged,
        iterations=it,
        regrets=bi * reg,
        supports=[tuple(int(k) for k in np.flatnonzero(W[m] > 0)) for m in range(N)],
        tol_used=tol_used,
        polished=polished,
        potential=_potential(W, A, Cs, ba, bi, bd),
        message=message,
    )


def solve(
    instances: Instance | Sequence[Instance],
    beta_a: float,
    beta_i: float,
    beta_d: float,
    *,
    n_agents: int | None = None,
    **kwargs: Any,
) -> NResult:
    """Find a Nash equilibrium for a population given as instances.

    Parameters
    ----------
    instances : Instance or sequence of Instance
        One instance (a homogeneous population of ``n_agents``, default 2) or one
        per agent (heterogeneous; they must share the subpopulation names).
    beta_a, beta_i, beta_d : float
        Incentive weights.
    n_agents : int, optional
        Population size for a single instance; must equal the number of instances
        otherwise.
    **kwargs
        Passed to :func:`solve_arrays` (tol, max_iter, init, seed, polish).

    Returns
    -------
    NResult

    Examples
    --------
    >>> i1 = Instance(["x", "y"], [1.0, 0.0], np.eye(2), n=5)
    >>> i2 = Instance(["x", "y"], [0.0, 1.0], np.eye(2), n=5)
    >>> solve([i1, i2], 1.0, 1.0, 1.0).profile.round(6).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    inc = Incentives.from_betas(beta_a, beta_i, beta_d)
    if isinstance(instances, Instance):
        N = 2 if n_agents is None else n_agents
        return solve_arrays(Population.from_instance(instances, N), inc, **kwargs)
    insts = list(instances)
    if not insts or not all(isinstance(i, Instance) for i in insts):
        raise InputError("instances must be an Instance or a non-empty list of Instances")
    if n_agents is not None and validate_n_agents(n_agents) != len(insts):
        raise InputError(f"n_agents = {n_agents} but {len(insts)} instances were given")
    return solve_arrays(Population.from_instances(insts), inc, **kwargs)
