r"""Where the potential is concave, and the symmetric NE where there is no interior one.

* :func:`concavity_region`: Theorem 3's interval
  :math:`-2\mu_{\min} \le r \le 2(N-1)\mu_{\min}` of a homogeneous instance, and
  :func:`not_concave`, the mask of grid points outside it.
* :func:`symmetric_boundary_ne`: for :math:`r > -2\mu_{\min}`, :math:`M(r) = 2C + rI`
  is positive definite, the symmetric conditions are the KKT conditions of a strictly
  concave QP on the simplex, so there is exactly one symmetric NE; where Theorem 1's
  interior point leaves the simplex it lies on a boundary face, found at many points
  at once by batched support enumeration (one :func:`numpy.linalg.solve` per support).

Examples
--------
>>> import numpy as np
>>> W, ok, sup = symmetric_boundary_ne([0.5, 0.2], np.eye(2), np.array([1.0, 20.0]),
...                                    np.array([1.0, 1.0]))
>>> W.round(6).tolist(), ok.tolist(), sup.tolist()
([[0.55, 0.45], [1.0, 0.0]], [True, True], [3, 1])
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError
from nashalign.instance import Instance, validate_n_agents

__all__ = ["concavity_region", "not_concave", "symmetric_boundary_ne"]


# --------------------------------------------------------------------------- concavity


def concavity_region(instance: Instance, n_agents: int = 2) -> tuple[float, float]:
    """The interval of ``r = beta_D/beta_I`` where the potential is concave (Theorem 3).

    ``(-2 mu_min, 2 (N-1) mu_min)`` as floats of the exact endpoints
    (:func:`nashalign.solvers.equilibria.concavity`).

    Examples
    --------
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> concavity_region(inst, 3)
    (-2.0, 4.0)
    """
    from nashalign.solvers.equilibria import concavity

    N = validate_n_agents(n_agents)
    if N < 2:
        return (-np.inf, np.inf)
    c = concavity(instance.a, instance.C, 1.0, 1.0, 1.0, N)
    assert c.r_interval is not None
    return c.r_interval


def not_concave(r: ArrayLike, interval: tuple[float, float]) -> NDArray[np.bool_]:
    """Mask of the ``r`` outside the concavity interval (Phi not concave there).

    Examples
    --------
    >>> not_concave([0.5, 1.0, 3.0], (-1.0, 2.0)).tolist()
    [False, False, True]
    """
    r = np.asarray(r, dtype=float)
    with np.errstate(invalid="ignore"):
        return ~((r >= interval[0]) & (r <= interval[1]))


# --------------------------------------------------------------------------- boundary NE


def _masks(K: int) -> NDArray[np.bool_]:
    n_sup = 2**K - 1
    m = ((np.arange(1, n_sup + 1)[:, None] >> np.arange(K)) & 1).astype(bool)
    return m[np.argsort(-m.sum(axis=1), kind="stable")]  # largest supports first


def symmetric_boundary_ne(
    a: ArrayLike,
    C: ArrayLike,
    s: ArrayLike,
    r: ArrayLike,
    *,
    tol: float = 1e-9,
    max_k: int = 12,
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.int64]]:
    """The symmetric NE at many ``(s, r)`` points at once, by batched support enumeration.

    For each support ``S`` (largest first) the bordered system
    ``[[M_SS, 1], [1', 0]] [w_S; lam] = [s a_S; 1]``, ``M = 2C + rI``, is solved at
    every point still unresolved, and the KKT conditions of
    :mod:`nashalign.solvers.support` are checked (weights on ``S`` above ``-tol``,
    off-support ``G_k <= lam`` within ``tol`` times the data scale). For
    ``r > -2 mu_min`` the symmetric NE is unique (``M`` positive definite on the
    simplex's tangent space), so the first support that passes is it.

    Parameters
    ----------
    a, C : array_like
        The instance (C symmetric PSD).
    s, r : array_like
        Equally shaped arrays of ``beta_A/beta_I >= 0`` and ``beta_D/beta_I``.
    tol : float
        KKT tolerance (relative).
    max_k : int
        Refuse K above this (``2^K - 1`` supports).

    Returns
    -------
    weights : ndarray, shape ``s.shape + (K,)``
        The symmetric NE (NaN where none passed: singular systems).
    found : ndarray of bool, shape ``s.shape``
    support_mask : ndarray of int, shape ``s.shape``
        The support as a bit mask (bit k set: k in the support; 0 where not found).
    """
    from nashalign.instance import validate_a_C

    a_, C_ = validate_a_C(a, C)
    K = a_.shape[0]
    if K > max_k:
        raise InputError(f"batched support enumeration is limited to K <= {max_k}, got K = {K}")
    s_ = np.asarray(s, dtype=float)
    r_ = np.asarray(r, dtype=float)
    if s_.shape != r_.shape:
        raise InputError(f"s and r must have the same shape, got {s_.shape} and {r_.shape}")
    shape = s_.shape
    sv, rv = s_.ravel(), r_.ravel()
    P = sv.size
    W = np.full((P, K), np.nan)
    found = np.zeros(P, dtype=bool)
    bits = np.zeros(P, dtype=np.int64)
    eye = np.eye(K)
    for mask in _masks(K):
        todo = np.flatnonzero(~found & np.isfinite(sv) & np.isfinite(rv))
        if todo.size == 0:
            break
        on = np.flatnonzero(mask)
        off = np.flatnonzero(~mask)
        n = on.size
        Mss = 2.0 * C_[np.ix_(on, on)][None] + rv[todo, None, None] * eye[:n, :n][None]
        B = np.zeros((todo.size, n + 1, n + 1))
        B[:, :n, :n] = Mss
        B[:, :n, n] = 1.0
        B[:, n, :n] = 1.0
        rhs = np.zeros((todo.size, n + 1))
        rhs[:, :n] = sv[todo, None] * a_[on][None]
        rhs[:, n] = 1.0
        try:
            x = np.linalg.solve(B, rhs[..., None])[..., 0]
        except np.linalg.LinAlgError:
            x = np.stack(
                [np.linalg.lstsq(b, y, rcond=None)[0] for b, y in zip(B, rhs, strict=True)]
            )
        w = np.zeros((todo.size, K))
        w[:, on] = x[:, :n]
        lam = x[:, n]
        M = 2.0 * C_[None] + rv[todo, None, None] * eye[None]
        G = sv[todo, None] * a_[None] - np.einsum("pkl,pl->pk", M, w)
        scale = (
            np.abs(rv[todo])
            + 2.0 * float(np.max(np.abs(C_)))
            + sv[todo] * float(np.max(np.abs(a_)))
        )
        scale = np.where(scale > 0, scale, 1.0)
        res = np.abs(B @ x[..., None] - rhs[..., None])[..., 0].max(axis=1)
        good = np.all(np.isfinite(x), axis=1) & (res <= 1e-8 * scale + 1e-12)
        good &= np.all(w[:, on] > -tol, axis=1)
        if off.size:
            good &= np.all(G[:, off] - lam[:, None] <= tol * scale[:, None], axis=1)
        idx = todo[good]
        W[idx] = np.clip(w[good], 0.0, None)
        W[idx] /= W[idx].sum(axis=1, keepdims=True)
        found[idx] = True
        bits[idx] = int(np.sum(2**on))
    return W.reshape(shape + (K,)), found.reshape(shape), bits.reshape(shape)


# --------------------------------------------------------------------------- stable-NE map
