r"""Vectorised float64 evaluator of the symmetric interior NE (Theorem 1).

With :math:`s = \beta_A/\beta_I`, :math:`r = \beta_D/\beta_I`, :math:`M(r) = 2C + rI`
and :math:`\alpha(r) = 1^\top \operatorname{adj} M(r)\, 1`, Theorem 1 gives the
symmetric interior equilibrium :math:`w^*(s, r) = w_0(r) + s\, v(r)`, the solution
of the bordered system

.. math::

    M(r)\, w + \lambda 1 = s\, a, \qquad 1^\top w = 1 .

**Structure used.** Let :math:`U` (:math:`K \times (K-1)`) be an orthonormal basis
of :math:`1^\perp` that diagonalises the compressed matrix,
:math:`U^\top C U = \operatorname{diag}(\mu)` (one symmetric eigendecomposition,
done once per instance). Every compressed :math:`U^\top M(r) U =
\operatorname{diag}(2\mu + r)` is then diagonal, and

.. math::

    \alpha(r) = K \det(U^\top M(r) U) = K \prod_{j=1}^{K-1} (2\mu_j + r), \qquad
    \tilde\alpha(r) = K \prod_{j=1}^{K-1} \Big(2\mu_j - \frac{r}{N-1}\Big),

(the first because :math:`\det B = -\alpha` for the bordered matrix ``B`` and an
orthogonal change of basis that sends :math:`1/\sqrt K` to a coordinate vector),
so both are products, computed without any division, and their roots are explicit:
:math:`\alpha(r_0) = 0 \iff r_0 = -2\mu_j` and :math:`\tilde\alpha(r_0) = 0 \iff r_0
= 2(N-1)\mu_j`. This agrees with the eigen-sum form
:math:`\sum_k b_k^2 \prod_{j\ne k}(2\lambda_j + r)`, :math:`b = Q^\top 1`, of the full
eigendecomposition :math:`C = Q\Lambda Q^\top` (see :func:`~nashalign.solvers.spectral.alpha_eig_sum`, checked in
the tests), but a zero eigenvalue of ``C`` (a singular ``C``, common for score
matrices with few contexts) does not enter as a zero divisor. Writing
:math:`w = 1/K + U z`, the compressed system is diagonal:

.. math::

    z_j(s, r) = \frac{s f_j - h_j}{2\mu_j + r}, \qquad f = U^\top a,\quad
    h = \tfrac{2}{K} U^\top C 1,

so :math:`w_0 = 1/K - U \operatorname{diag}(2\mu + r)^{-1} h` and
:math:`v = U \operatorname{diag}(2\mu + r)^{-1} f` (affine in ``s``, as Theorem 1
says). Per point the work is ``K - 1`` divisions by factors of :math:`\alpha` and one
small matrix product, done in cache-sized chunks: no Python loop over points and no
per-point matrix inverse.

**Degeneracy and conditioning.** The factor nearest to zero measures how far
:math:`M(r)` is from a degenerate one:
:math:`\delta_\alpha(r) = \min_j |2\mu_j + r| / (2\lVert C\rVert_2 + |r|)`, the
relative distance of :math:`U^\top M(r) U` to a singular matrix. The computed
:math:`\mu_j` carry an absolute error of a few ``eps * ||C||``, so a point is
reported *degenerate* when :math:`\delta_\alpha \le` ``rtol_degenerate`` (default
``1e-12``, about 4500 ulps), and likewise for :math:`\tilde\alpha` with
:math:`\delta_{\tilde\alpha} = \min_j |2\mu_j - r/(N-1)| / (2\lVert C\rVert_2 +
|r|/(N-1))`. ``cond_alpha = 1/delta_alpha`` is the condition number of the
weights: their relative error is about ``eps * cond_alpha``. Degenerate-alpha points
get NaN weights (never silent garbage); a scalar call raises
:class:`~nashalign.errors.DegenerateError` naming the root.

Examples
--------
>>> import numpy as np
>>> res = symmetric_ne([0.3, 0.5, 0.2], np.diag([1.0, 2.0, 3.0]), 1.0, 1.0, 1.0)
>>> res.weights.round(4).tolist()
[0.4803, 0.3282, 0.1915]
>>> bool(res.interior), round(res.alpha, 6)
(True, 71.0)
>>> grid = symmetric_ne([0.3, 0.5, 0.2], np.eye(3), np.logspace(-2, 2, 4)[:, None], 1.0,
...                     np.logspace(-2, 2, 5))
>>> grid.weights.shape, grid.interior.shape
((4, 5, 3), (4, 5))
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.errors import DegenerateError, InputError
from nashalign.model import Incentives, Population, takes_population
from nashalign.solvers.linalg import RTOL_DEGENERATE, single_blas_thread
from nashalign.solvers.spectral import Spectrum, alpha_roots, spectrum

_TINY = float(np.finfo(float).tiny)
#: Points per chunk of the vectorised evaluation (keeps the work arrays in cache).
CHUNK = 8192

__all__ = ["RTOL_DEGENERATE", "ClosedFormResult", "symmetric_ne"]


@dataclass(frozen=True)
class ClosedFormResult:
    """Theorem 1 evaluated over broadcast arrays of the incentive weights.

    Attributes
    ----------
    weights : ndarray, shape ``betas.shape + (K,)``
        ``w0(r) + s v(r)``; NaN where alpha is degenerate.
    alpha, alpha_tilde : ndarray or float
        ``alpha(r)`` and ``alpha_tilde(r)`` (NaN for a single agent).
    lam : ndarray or float
        The multiplier of Lemma 0 divided by beta_I: ``s a - M(r) w* = lam 1``.
    interior : ndarray of bool or bool
        Alpha not degenerate and every weight ``> interior_tol``.
    degenerate : ndarray of bool or bool
        ``degenerate_alpha | degenerate_alpha_tilde``.
    degenerate_alpha, degenerate_alpha_tilde : ndarray of bool or bool
        The two tests separately (see the module docstring).
    cond_alpha, cond_alpha_tilde : ndarray or float
        ``1/delta``: condition numbers; the weights' relative error is about
        ``eps * cond_alpha``.
    s, r : ndarray or float
        ``beta_a / beta_i`` and ``beta_d / beta_i``.
    """

    weights: Any
    alpha: Any
    alpha_tilde: Any
    lam: Any
    interior: Any
    degenerate: Any
    degenerate_alpha: Any
    degenerate_alpha_tilde: Any
    cond_alpha: Any
    cond_alpha_tilde: Any
    s: Any
    r: Any


@dataclass(frozen=True)
class _Coef:
    """Per-instance constants of the evaluation (all from one eigendecomposition)."""

    K: int
    mu2: NDArray  # (K-1, 1): 2 mu_j
    U: NDArray  # (K, K-1)
    f: NDArray  # (K-1, 1): U'a
    h: NDArray  # (K-1, 1): (2/K) U'C1
    g_lam: NDArray  # (K-1,): U'C1
    c11: float  # 1'C1
    sum_a: float  # 1'a
    scale_c: float  # 2 ||C||_2


def _coef(a: NDArray, C: NDArray, sp: Spectrum) -> _Coef:
    K = a.shape[0]
    U = sp.U
    c1 = C.sum(axis=1)
    return _Coef(
        K=K,
        mu2=(2.0 * sp.mu)[:, None],
        U=U,
        f=(U.T @ a)[:, None],
        h=((2.0 / K) * (U.T @ c1))[:, None],
        g_lam=U.T @ c1,
        c11=float(C.sum()),
        sum_a=float(a.sum()),
        scale_c=2.0 * sp.norm,
    )


def _rows_min(X: NDArray, out: NDArray) -> None:
    """Column-wise minimum of a short, wide array (faster than a reduction here)."""
    out[:] = X[0]
    for j in range(1, X.shape[0]):
        np.minimum(out, X[j], out=out)


def _rows_prod(X: NDArray, out: NDArray, factor: float) -> None:
    """``factor`` times the column-wise product of a short, wide array."""
    np.multiply(X[0], factor, out=out)
    for j in range(1, X.shape[0]):
        out *= X[j]


_R_FLOATS = ("alpha", "alpha_tilde", "cond_alpha", "cond_alpha_tilde")
_R_BOOLS = ("degenerate_alpha", "degenerate_alpha_tilde", "degenerate")


def _new_out(n: int, n_agents: int, extra: tuple[str, ...]) -> dict[str, NDArray]:
    out = {k: np.empty(n) for k in _R_FLOATS + extra}
    out.update({k: np.empty(n, dtype=bool) for k in _R_BOOLS})
    if n_agents < 2:
        out["alpha_tilde"][:] = np.nan
        out["cond_alpha_tilde"][:] = np.nan
        out["degenerate_alpha_tilde"][:] = False
    return out


def _alphas(
    co: _Coef,
    D: NDArray,
    rs: NDArray,
    inv_nm1: float | None,
    row: NDArray,
    out: dict[str, NDArray],
    sl: slice,
    big: float,
) -> None:
    """alpha, alpha_tilde, their condition numbers and degeneracy flags for one chunk.

    ``cond = (2||C|| + |r|) / min_j |2 mu_j + r|`` (inf at a root); a point is
    degenerate when ``cond >= big = 1/rtol``. ``D``
    (the factors ``2 mu_j + r`` of alpha) is overwritten.
    """
    _rows_prod(D, out["alpha"][sl], co.K)
    scale = row
    np.abs(rs, out=scale)
    scale += co.scale_c + _TINY  # C = 0 with r = 0: 0/0 becomes inf, a degenerate point
    ca = out["cond_alpha"][sl]
    # D_j is ascending in j: for r >= -2 mu_0 (every r >= 0 when C is PSD) the factor
    # nearest to zero is D_0.
    if D[0].min() >= 0.0:
        np.divide(scale, D[0], out=ca)
    else:
        np.abs(D, out=D)
        _rows_min(D, ca)
        np.divide(scale, ca, out=ca)
    da = np.greater_equal(ca, big, out=out["degenerate_alpha"][sl])
    if inv_nm1 is None:
        out["degenerate"][sl] = da
        return
    np.multiply(rs, -inv_nm1, out=scale)
    Dt = np.add(co.mu2, scale, out=D)  # the factors of alpha_tilde
    _rows_prod(Dt, out["alpha_tilde"][sl], co.K)
    np.abs(Dt, out=Dt)
    ct = out["cond_alpha_tilde"][sl]
    _rows_min(Dt, ct)
    np.abs(scale, out=scale)
    scale += co.scale_c + _TINY
    np.divide(scale, ct, out=ct)
    dt = np.greater_equal(ct, big, out=out["degenerate_alpha_tilde"][sl])
    np.logical_or(da, dt, out=out["degenerate"][sl])


def _chunks(
    s_b: NDArray, r_b: NDArray, shape: tuple[int, ...]
) -> Iterator[tuple[slice, NDArray, NDArray]]:
    """Flat slices of the broadcast grid with their ``s`` and ``r`` values.

    Blocks of whole rows of the first axis are copied one at a time (never the whole
    broadcast grid), so each block stays in cache.
    """
    n = int(np.prod(shape))
    if len(shape) <= 1:
        s_f, r_f = s_b.reshape(-1), r_b.reshape(-1)
        for lo in range(0, n, CHUNK):
            hi = min(lo + CHUNK, n)
            yield slice(lo, hi), s_f[lo:hi], r_f[lo:hi]
        return
    inner = n // shape[0] if shape[0] else 0
    rows = max(1, CHUNK // max(inner, 1))
    for i0 in range(0, shape[0], rows):
        i1 = min(i0 + rows, shape[0])
        s_blk, r_blk = s_b[i0:i1].ravel(), r_b[i0:i1].ravel()
        base = i0 * inner
        for lo in range(0, s_blk.size, CHUNK):
            hi = min(lo + CHUNK, s_blk.size)
            yield slice(base + lo, base + hi), s_blk[lo:hi], r_blk[lo:hi]


def _fused(
    co: _Coef,
    s_b: NDArray,
    r_b: NDArray,
    shape: tuple[int, ...],
    n_agents: int,
    big: float,
    interior_tol: float,
) -> dict[str, NDArray]:
    """Everything per point, in cache-sized chunks (for ``r`` that varies per point).

    With ``z_j = (s f_j - h_j) / (2 mu_j + r)`` (``K - 1`` divisions), the weights are
    one small matrix product ``w = 1/K + U z`` and the multiplier is
    ``lam = (s 1'a - r)/K - 2 (1'C1/K^2 + (C1)'U z / K)``.
    """
    K, n = co.K, int(np.prod(shape))
    k1 = K - 1
    inv_nm1 = 1.0 / (n_agents - 1) if n_agents >= 2 else None
    out = _new_out(n, n_agents, ("lam",))
    out["interior"] = np.empty(n, dtype=bool)
    WT = np.empty((K, n))
    g_z = (-2.0 / K) * co.g_lam  # lam's coefficients of z
    lam0 = -2.0 * co.c11 / K**2
    width = min(CHUNK, n)
    Zbuf = np.empty((k1, width))
    Dbuf = np.empty((k1, width))
    row = np.empty(width)
    wmin = np.empty(width)
    threads = single_blas_thread() if n > CHUNK else nullcontext()
    with threads, np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for sl, ss, rs in _chunks(s_b, r_b, shape):
            m = ss.shape[0]
            D = np.add(co.mu2, rs, out=Dbuf[:, :m])  # the factors of alpha
            Z = np.multiply(co.f, ss, out=Zbuf[:, :m])
            Z -= co.h
            Z /= D
            wt = np.matmul(co.U, Z, out=WT[:, sl])
            wt += 1.0 / K
            lam = np.matmul(g_z, Z, out=out["lam"][sl])
            t = np.multiply(ss, co.sum_a / K, out=row[:m])
            lam += t
            np.multiply(rs, 1.0 / K, out=t)
            lam -= t
            lam += lam0
            _rows_min(wt, wmin[:m])
            _alphas(co, D, rs, inv_nm1, row[:m], out, sl, big)
            ip = out["interior"][sl]
            np.greater(wmin[:m], interior_tol, out=ip)
            ip &= ~out["degenerate_alpha"][sl]
    out["WT"] = WT
    return out


def _per_ratio(co: _Coef, r: NDArray, n_agents: int, big: float) -> dict[str, NDArray]:
    """w0(r), v(r), lam0(r), lam1(r) and the alphas on a flat array of ratios."""
    K, n = co.K, r.shape[0]
    inv_nm1 = 1.0 / (n_agents - 1) if n_agents >= 2 else None
    out = _new_out(n, n_agents, ("lam0", "lam1"))
    w0 = np.empty((K, n))
    v = np.empty((K, n))
    width = min(CHUNK, n)
    Dbuf = np.empty((K - 1, width))
    row = np.empty(width)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for lo in range(0, n, CHUNK):
            hi = min(lo + CHUNK, n)
            m, sl = hi - lo, slice(lo, hi)
            rs = r[sl]
            D = np.add(co.mu2, rs, out=Dbuf[:, :m])
            zf = co.f / D  # v = U diag(1/(2 mu + r)) f
            zh = co.h / D  # w0 = 1/K - U diag(1/(2 mu + r)) h
            np.matmul(co.U, zf, out=v[:, sl])
            np.matmul(co.U, -zh, out=w0[:, sl])
            w0[:, sl] += 1.0 / K
            out["lam0"][sl] = (-rs - 2.0 * (co.c11 / K - co.g_lam @ zh)) / K
            out["lam1"][sl] = (co.sum_a - 2.0 * (co.g_lam @ zf)) / K
            _alphas(co, D, rs, inv_nm1, row[:m], out, sl, big)
    out["w0"], out["v"] = w0, v
    return out


#: What a degenerate ratio means for each determinant, and which solver to use instead.
_DEGENERATE_WHY = {
    "alpha": "the symmetric interior conditions have no unique solution, use the "
    "support-enumeration solver",
    "alpha_tilde": "an interior NE, if any, is not unique (a continuum of asymmetric NE), "
    "use the iterative solver",
}


def _nearest(roots: NDArray, x: float) -> float:
    if roots.size == 0:
        return x
    return float(roots[np.argmin(np.abs(roots - x))])


@takes_population
def symmetric_ne(
    population: Population,
    incentives: Incentives,
    *,
    rtol_degenerate: float = RTOL_DEGENERATE,
    interior_tol: float = 0.0,
) -> ClosedFormResult:
    """Evaluate the symmetric interior NE of Theorem 1 over broadcast incentive weights.

    Parameters
    ----------
    population : Population
        A homogeneous :class:`~nashalign.model.Population` (N enters only
        alpha_tilde; N = 1 has no diversity term, so ``r`` is taken as 0 and
        alpha_tilde is NaN). Convenience form (:func:`~nashalign.model.takes_population`):
        ``symmetric_ne(a, C, beta_a, beta_i, beta_d, n_agents)`` with broadcast betas
        (``beta_i > 0``, ``beta_a >= 0``).
    incentives : Incentives
        Its :class:`~nashalign.model.Incentives`; ``s`` and ``r`` may be grids,
        broadcast against each other.
    rtol_degenerate : float
        Relative distance to a root of alpha / alpha_tilde below which a point is
        degenerate (module docstring).
    interior_tol : float
        A point is interior when every weight exceeds this.

    Returns
    -------
    ClosedFormResult
        Arrays of shape ``betas.shape`` (plus ``(K,)`` for weights); plain floats
        and bools for scalar betas. Fields that depend on ``r`` alone, and ``s``
        and ``r`` themselves, are read-only broadcast views; ``weights`` is a view
        in which each subpopulation's grid ``weights[..., k]`` is contiguous.

    Raises
    ------
    InputError
        Invalid a, C, betas or n_agents.
    DegenerateError
        Scalar betas at a degenerate ratio (the message names the root).

    Notes
    -----
    When ``r`` has fewer distinct grid entries than there are points (a heatmap over
    beta_A x beta_I or beta_A x beta_D), ``w0``, ``v`` and the alphas are computed once
    per ratio and combined as ``w0 + s v`` by broadcasting; otherwise every point is
    evaluated in one fused, chunked pass.

    Examples
    --------
    >>> res = symmetric_ne([0.5, 0.2], [[1.0, 0.0], [0.0, 1.0]], 1.0, 1.0, 1.0)
    >>> res.weights.round(12).tolist(), round(res.lam, 12), res.interior
    ([0.55, 0.45], -1.15, True)
    >>> symmetric_ne([0.5, 0.2], np.eye(2), 20.0, 1.0, 1.0).interior
    False
    >>> from nashalign.model import Incentives, Population
    >>> grid = Incentives(s=[[1.0], [20.0]], r=[0.5, 1.0])
    >>> symmetric_ne(Population([0.5, 0.2], np.eye(2)), grid).interior.tolist()
    [[True, True], [False, False]]
    >>> try:
    ...     symmetric_ne([0.5, 0.2], np.eye(2), 1.0, 1.0, 4.0, n_agents=3)
    ... except DegenerateError as exc:
    ...     print(exc.which, round(exc.root, 9))
    alpha_tilde 4.0
    """
    pop, inc = population, incentives
    if not pop.homogeneous:
        raise InputError("the closed form is for a homogeneous population (one a, C)")
    N = pop.N
    if not (np.isfinite(rtol_degenerate) and rtol_degenerate >= 0):
        raise InputError("rtol_degenerate must be a finite number >= 0")
    big = 1.0 / float(rtol_degenerate) if rtol_degenerate > 0 else np.inf
    s_small = np.asarray(inc.s, dtype=np.float64)
    r_small = np.asarray(inc.r_for(pop), dtype=np.float64)
    shape = np.broadcast_shapes(s_small.shape, r_small.shape)
    sp = spectrum(pop.C)
    co = _coef(pop.a, pop.C, sp)
    K = co.K
    r_small = r_small.reshape((1,) * (len(shape) - r_small.ndim) + r_small.shape)
    s_b = np.broadcast_to(s_small, shape)
    r_b = np.broadcast_to(r_small, shape)
    n = int(np.prod(shape))
    fields: dict[str, Any] = {"s": s_b, "r": r_b}
    if 2 * r_small.size <= n:
        res = _per_ratio(co, r_small.ravel(), N, big)
        rk = (K,) + r_small.shape
        WT = np.multiply(res["v"].reshape(rk), s_b)
        WT += res["w0"].reshape(rk)
        lam = np.multiply(res["lam1"].reshape(r_small.shape), s_b)
        lam += res["lam0"].reshape(r_small.shape)
        wmin = np.empty(shape)
        _rows_min(WT, wmin)
        for key in _R_FLOATS + _R_BOOLS:
            fields[key] = np.broadcast_to(res[key].reshape(r_small.shape), shape)
        interior = wmin > float(interior_tol)
        if np.any(res["degenerate_alpha"]):
            interior &= ~fields["degenerate_alpha"]
    else:
        res = _fused(co, s_b, r_b, shape, N, big, float(interior_tol))
        WT = res["WT"].reshape((K,) + shape)
        lam = res["lam"].reshape(shape)
        interior = res["interior"].reshape(shape)
        for key in _R_FLOATS + _R_BOOLS:
            fields[key] = res[key].reshape(shape)
    if np.any(res["degenerate_alpha"]):
        deg_a = fields["degenerate_alpha"]
        WT[:, deg_a] = np.nan
        lam[deg_a] = np.nan
    fields.update(weights=np.moveaxis(WT, 0, -1), lam=lam, interior=interior)
    if shape == ():
        for key, val in fields.items():
            if key != "weights":
                fields[key] = val.item()
        fields["weights"] = np.array(fields["weights"])
        rv = float(fields["r"])
        roots = alpha_roots(sp, N)
        for which, why in _DEGENERATE_WHY.items():
            if fields[f"degenerate_{which}"]:
                root = _nearest(roots[which], rv)
                raise DegenerateError(
                    f"degenerate ratio: {which}(r) = 0 at r = beta_D/beta_I = {rv:.6g} "
                    f"(root r = {root:.6g}); {why}",
                    root=root,
                    which=which,
                )
    return ClosedFormResult(**fields)
