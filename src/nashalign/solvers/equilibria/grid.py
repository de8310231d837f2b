"""Float-certified equilibrium counts of a homogeneous population over a grid of ``(s, r)``.

The support systems depend on ``s`` only through the right-hand side ``[s a; 1]``,
so for each ``r`` one batched inverse per support multiset serves every ``s``
(:func:`~nashalign.solvers.equilibria.grid_counts`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nashalign.errors import InputError
from nashalign.model import Incentives, Population
from nashalign.solvers.equilibria.game import build_game
from nashalign.solvers.equilibria.support_systems import CHUNK, batch, plan
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL, Tolerances, check_tolerances
from nashalign.validation import finite_array, validate_tau

__all__ = ["grid_counts"]


def grid_counts(
    a: ArrayLike | Population,
    C: ArrayLike | None,
    s_values: ArrayLike,
    r_values: ArrayLike,
    n_agents: int = 2,
    *,
    tau: float = 0.05,
    tol: Tolerances | float = DEFAULT_TOL,
) -> dict[str, Any]:
    """Float-certified NE counts of a homogeneous population over a grid of ``(s, r)``.

    The support systems depend on ``s`` only through the right-hand side
    ``[s a; 1]``, so for each ``r`` one batched inverse per support multiset
    serves every ``s``: ``x(s) = s x_a + x_1``. A profile is counted when its KKT
    conditions hold within ``tol.kkt + tol.kappa_eps eps kappa`` (relative to the data scale,
    ``kappa`` the system's 1-norm condition number); each multiset counts with its
    orbit size (distinct assignments of its supports to agents). Systems with
    ``kappa > tol.kappa_flag`` are counted in ``n_ill_conditioned`` (their verdict is a float
    one); exactly certified sets come from :func:`all_equilibria`.

    ``a`` is a homogeneous :class:`~nashalign.model.Population` (then ``C`` is None and
    N is its own) or, in the convenience form, the shared ``a`` with ``C`` and
    ``n_agents``. ``tol`` is a :class:`Tolerances` (a number is taken as its ``kkt``,
    as before).

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
    >>> from nashalign.model import Population
    >>> grid_counts(Population([1.0, 1.0], np.zeros((2, 2))), None, [0.0], [1.0])["total"].tolist()
    [[3]]
    """
    if isinstance(tol, (int, float)) and not isinstance(tol, bool):
        tol = DEFAULT_TOL.replace(kkt=float(tol))
    tol = check_tolerances(tol)
    if isinstance(a, Population):
        if C is not None:
            raise InputError("grid_counts(population, None, s_values, r_values): C comes with it")
        pop = a
    else:
        pop = Population(a, C, n_agents=n_agents)
    if not pop.homogeneous:
        raise InputError("grid_counts is for a homogeneous population (one a, C)")
    a_, N = pop.a, pop.N
    tau = float(validate_tau(tau, pop.K))
    if N < 2:
        raise InputError("grid_counts needs n_agents >= 2")
    sv = finite_array(s_values, "s_values", ndim=1)
    rv = finite_array(r_values, "r_values", ndim=1)
    if np.any(sv < 0):
        raise InputError("s_values must be >= 0")
    K = a_.shape[0]
    tuples, masks = plan(K, N, True)
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
        game = build_game(pop, Incentives(0.0, float(r)))  # s enters only the right-hand side
        scale = (
            float(np.max(np.sum(np.abs(game.Q), axis=1)))
            + float(np.max(sv)) * float(np.max(np.abs(a_)))
            or 1.0
        )
        for start in range(0, tuples.shape[0], CHUNK):
            t = tuples[start : start + CHUNK]
            on = masks[t].reshape(t.shape[0], nk)
            xa, logk, ok = batch(game, on, np.tile(a_, N))  # rhs [a; 1]
            x1, _, _ = batch(game, on, np.zeros(nk))  # rhs [0; 1]
            xa = xa - x1
            kappa = np.exp(np.minimum(logk, 700.0))
            ill += int(np.sum(~ok | (kappa > tol.kappa_flag)))
            tolr = tol.slack(kappa)[None, :]
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
            total[ir] += (good * sizes[start : start + CHUNK][None]).sum(axis=1)
            n_sym[ir] += (good & sym[start : start + CHUNK][None]).sum(axis=1)
            n_exc[ir] += ((good & exc) * sizes[start : start + CHUNK][None]).sum(axis=1)
    del n
    return {
        "total": total,
        "symmetric": n_sym,
        "with_exclusion": n_exc,
        "n_ill_conditioned": ill,
        "n_systems": int(tuples.shape[0]) * rv.size,
    }
