r"""Cross-check: symbolic exact = mpmath = float closed form = support enumeration = iterative.

For each random instance (a score matrix, so ``C`` is PSD; some with fewer contexts
than subpopulations or nearly collinear columns, so ``C`` is singular or nearly so)
and incentive weights drawn log-uniformly over ``[1e-4, 1e4]``, the symmetric NE is
computed five ways:

``exact``
    :func:`nashalign.exact.evaluate.exact_symmetric_ne`: the *derived* closed form at the
    exact rationals of the float inputs (the reference when available).
``mp``
    :func:`nashalign.solvers.highprec.symmetric_ne_mp` at ``dps`` digits (the reference
    otherwise).
``float``
    :func:`nashalign.solvers.closed_form.symmetric_ne`.
``support``
    :func:`nashalign.solvers.support.symmetric_equilibria` (the NE nearest the
    reference).
``iter``
    :func:`nashalign.solvers.iterative.solve_arrays` with N agents.

All methods see the same float ``s = beta_A / beta_I`` and ``r = beta_D / beta_I``.
Where there is no interior NE, the three closed-form evaluations still agree on the
(outside-the-simplex) formula value, and support enumeration and the iterative
solver must agree on the boundary NE.

**Tolerances** (stated per row). ``cond = 1/delta_alpha`` is the condition number of
the closed form (:mod:`nashalign.solvers.closed_form`) and
``w_scale = max(1, ||w||_inf, (|s| max|a| + ||C||) / (2||C|| + |r|))`` the size of
the solution relative to the data of the bordered system. A backward-stable
evaluation (relative backward error ``O(K u)``, ``u = 2^-53``) has forward error
below ``K u cond w_scale`` to first order, so

- ``tol_float = 100 K u cond w_scale`` for the float closed form and support
  enumeration (the factor 100 covers the eigendecomposition's constants);
- ``tol_iter = 100 K N u max(cond, cond_tilde) w_scale`` for the iterative solver,
  whose final solve couples the N agents through both ``M`` and ``M_tilde``; it
  must also certify NashConv below its own tolerance;
- ``tol_mp = 10^-(dps - 10) cond w_scale`` between mpmath and the exact value.

A comparison of the iterative solver with the symmetric NE is made only where the
NE is unique (the potential strictly concave: ``2 mu_min + r > 0`` and
``2 mu_min - r/(N-1) > 0``); elsewhere it may legitimately find an asymmetric NE,
which NashConv certifies.

Examples
--------
>>> table = run_crosscheck(n_instances=3, seed=1, exact=False)
>>> table.passed, len(table.rows)
(True, 3)
>>> print(table.to_markdown().splitlines()[0][:48])
| # | K | n | s | r | cond | interior | unique |
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np
from numpy.typing import ArrayLike

from nashalign.errors import DegenerateError, InputError
from nashalign.instance import validate_a_C, validate_n_agents
from nashalign.solvers.closed_form import symmetric_ne
from nashalign.solvers.highprec import symmetric_ne_mp, to_mpf
from nashalign.solvers.iterative import solve_arrays
from nashalign.solvers.metrics import nash_conv
from nashalign.solvers.spectral import spectrum
from nashalign.solvers.support import symmetric_equilibria

__all__ = ["CrossCheckTable", "crosscheck_instance", "random_instance", "run_crosscheck"]

EPS = float(np.finfo(float).eps) / 2  # unit roundoff u = 2^-53


def random_instance(
    rng: np.random.Generator, K: int, kind: str = "generic"
) -> tuple[np.ndarray, np.ndarray, int]:
    """A random ``(a, C, n_contexts)`` from a score matrix.

    ``kind``: ``"generic"`` (``n = 3K`` contexts), ``"few-contexts"`` (``n <= K``:
    C singular) or ``"collinear"`` (one column a combination of two others plus
    1e-6 noise: C nearly singular).

    Examples
    --------
    >>> a, C, n = random_instance(np.random.default_rng(0), 3, "few-contexts")
    >>> a.shape, C.shape, n <= 3
    ((3,), (3, 3), True)
    """
    if kind == "few-contexts":
        n = int(rng.integers(2, K + 1))
    else:
        n = 3 * K
    S = rng.normal(size=(n, K)) + rng.normal(size=K)
    if kind == "collinear":
        w = rng.normal(size=2)
        S[:, -1] = w[0] * S[:, 0] + w[1] * S[:, 1] + 1e-6 * rng.normal(size=n)
    elif kind != "generic" and kind != "few-contexts":
        raise InputError(f"unknown instance kind {kind!r}")
    a = S.mean(axis=0)
    C = np.atleast_2d(np.cov(S, rowvar=False, ddof=1))
    return a, 0.5 * (C + C.T), n


def _inf(x: Any) -> float:
    return float(np.max(np.abs(np.asarray(x, dtype=float))))


def _exact_weights(a: np.ndarray, C: np.ndarray, s: float, r: float, dps: int) -> tuple[str, Any]:
    """The exact weights (as mpf at ``dps + 10`` digits), or why there are none."""
    try:
        from nashalign.exact.evaluate import exact_symmetric_ne
    except ImportError:
        return "unavailable", None
    try:
        res = exact_symmetric_ne(a, C, s, r)
    except DegenerateError as exc:
        return f"degenerate (root r = {exc.root})", None
    with mpmath.workdps(dps + 10):
        return "ok", [to_mpf(w) for w in res.weights]


def crosscheck_instance(
    a: ArrayLike,
    C: ArrayLike,
    beta_a: float,
    beta_i: float,
    beta_d: float,
    n_agents: int = 2,
    *,
    dps: int = 50,
    exact: bool = True,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Compare every method on one instance; return one table row.

    Parameters
    ----------
    a, C : array_like
        The instance.
    beta_a, beta_i, beta_d : float
        Incentive weights.
    n_agents : int
        N >= 2 for the iterative solver and alpha_tilde.
    dps : int
        Digits of the mpmath evaluation.
    exact : bool
        Include the symbolic exact evaluation (when :mod:`nashalign.exact.evaluate` exists).
    meta : dict, optional
        Extra columns (instance id, kind, number of contexts).

    Returns
    -------
    dict
        The row: errors, tolerances, flags and ``ok`` (module docstring).

    Examples
    --------
    >>> row = crosscheck_instance([0.5, 0.25], np.eye(2), 1.0, 1.0, 1.0, exact=False)
    >>> row["ok"], row["interior"], row["err_float"] <= row["tol_float"]
    (True, True, True)
    """
    a_, C_ = validate_a_C(a, C)
    N = validate_n_agents(n_agents)
    if N < 2:
        raise InputError("the cross-check needs at least 2 agents")
    K = a_.shape[0]
    ba, bi, bd = float(beta_a), float(beta_i), float(beta_d)
    s, r = ba / bi, bd / bi
    sp = spectrum(C_)
    mu0 = float(sp.mu[0])
    scale_m = 2.0 * sp.norm + abs(r)
    row: dict[str, Any] = dict(meta or {})
    row.update(K=K, N=N, beta_a=ba, beta_i=bi, beta_d=bd, s=s, r=r)
    row["unique"] = bool(min(2 * mu0 + r, 2 * mu0 - r / (N - 1)) > 1e-9 * max(scale_m, 1e-300))
    notes: list[str] = []
    checks: list[bool] = []

    # closed-form evaluations: float, mpmath, exact
    ref = None
    try:
        cf = symmetric_ne(a_, C_, ba, bi, bd, n_agents=N)
        row.update(
            interior=bool(cf.interior),
            degenerate="",
            cond=float(cf.cond_alpha),
            cond_tilde=float(cf.cond_alpha_tilde),
        )
        w_float = np.asarray(cf.weights)
    except DegenerateError as exc:
        row.update(
            interior=None, degenerate=f"{exc.which} = 0 at root r = {exc.root:.6g}", cond=math.inf
        )
        row["cond_tilde"] = math.inf
        w_float = None
    row["exact"] = "skipped"
    if w_float is not None and np.isfinite(row["cond"]):
        w_scale = max(1.0, _inf(w_float), (abs(s) * _inf(a_) + sp.norm) / max(scale_m, 1e-300))
        row["tol_float"] = 100 * K * EPS * row["cond"] * w_scale
        row["tol_mp"] = 10.0 ** (-(dps - 10)) * row["cond"] * w_scale
        row["tol_iter"] = 100 * K * N * EPS * max(row["cond"], row["cond_tilde"]) * w_scale
        try:
            mp = symmetric_ne_mp(a_, C_, s, r, dps=dps)
            w_mp = mp.weights
        except DegenerateError:
            w_mp = None
            notes.append("mpmath: degenerate")
        if exact:
            status, w_exact = _exact_weights(a_, C_, s, r, dps)
            row["exact"] = status
        else:
            w_exact = None
        if w_exact is not None and w_mp is not None:
            with mpmath.workdps(dps + 10):
                err = max(abs(x - y) for x, y in zip(w_mp, w_exact, strict=True))
            row["err_mp"] = float(err)
            checks.append(row["err_mp"] <= row["tol_mp"])
        reference = w_exact if w_exact is not None else w_mp
        if reference is not None:
            ref = np.array([float(x) for x in reference])
            row["err_float"] = float(
                max(abs(float(w) - x) for w, x in zip(w_float, reference, strict=True))
            )
            checks.append(row["err_float"] <= row["tol_float"])
    else:
        row.update(tol_float=math.nan, tol_mp=math.nan, tol_iter=math.nan)

    # support enumeration
    eqs = symmetric_equilibria(a_, C_, ba, bi, bd, n_agents=N)
    row["n_symmetric_ne"] = len(eqs)
    row["continuum"] = any(e.continuum for e in eqs)
    target = ref if (ref is not None and row["interior"]) else None
    if target is not None:
        best = min(eqs, key=lambda e: _inf(e.weights - target))
        row["err_support"] = _inf(best.weights - target)
        # a weight within tolerance of 0 may be an exact zero for support enumeration
        on_boundary = float(np.min(target)) <= row["tol_float"]
        checks.append(row["err_support"] <= row["tol_float"] and (best.interior or on_boundary))
    else:
        best = eqs[0]
    row["support"] = list(best.support)
    row["nashconv_support"] = nash_conv(np.tile(best.weights, (N, 1)), a_, C_, ba, bi, bd)

    # iterative solver
    it = solve_arrays(a_, C_, ba, bi, bd, n_agents=N)
    row["nashconv_iter"] = it.nashconv
    row["iter_converged"] = it.converged
    row["iter_symmetric"] = it.is_symmetric(1e-8)
    checks.append(it.converged)
    checks.append(row["nashconv_support"] <= it.tol_used)
    if row["unique"] and not best.continuum:
        wbar = it.profile.mean(axis=0)
        row["err_iter"] = _inf(it.profile - best.weights)
        tol_it = row["tol_iter"] if np.isfinite(row.get("tol_iter", math.nan)) else math.nan
        if not np.isfinite(tol_it):
            tol_it = 100 * K * N * EPS * max(1.0, _inf(wbar))
            row["tol_iter"] = tol_it
        checks.append(row["err_iter"] <= max(tol_it, row.get("tol_float", 0.0)))
    elif not row["iter_symmetric"]:
        notes.append("iterative found an asymmetric NE (certified by NashConv)")
    row["ok"] = bool(all(checks))
    row["note"] = "; ".join(notes)
    return row


#: Columns of the markdown table: (key, header, format).
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "#", "d"),
    ("K", "K", "d"),
    ("n_contexts", "n", "d"),
    ("s", "s", ".1e"),
    ("r", "r", ".1e"),
    ("cond", "cond", ".1e"),
    ("interior", "interior", ""),
    ("unique", "unique", ""),
    ("err_mp", "mp - exact", ".1e"),
    ("err_float", "float - ref", ".1e"),
    ("tol_float", "tol", ".1e"),
    ("err_support", "support - ref", ".1e"),
    ("err_iter", "iter - support", ".1e"),
    ("nashconv_iter", "NashConv", ".1e"),
    ("ok", "ok", ""),
)


def _fmt(value: Any, spec: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return format(value, spec or "g")
    if isinstance(value, int) and spec:
        return format(value, spec)
    return str(value)


@dataclass
class CrossCheckTable:
    """Rows of :func:`crosscheck_instance` plus the settings that produced them."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Every row within its tolerances."""
        return all(r["ok"] for r in self.rows)

    def summary(self) -> dict[str, Any]:
        """Counts and the largest error / tolerance ratio per comparison.

        Examples
        --------
        >>> CrossCheckTable().summary()["rows"]
        0
        """
        out: dict[str, Any] = {
            "rows": len(self.rows),
            "passed": sum(bool(r["ok"]) for r in self.rows),
            "interior": sum(r.get("interior") is True for r in self.rows),
            "boundary": sum(r.get("interior") is False for r in self.rows),
            "degenerate": sum(bool(r.get("degenerate")) for r in self.rows),
            "exact": sorted({str(r.get("exact")) for r in self.rows}),
        }
        for err, tol in (
            ("err_mp", "tol_mp"),
            ("err_float", "tol_float"),
            ("err_support", "tol_float"),
            ("err_iter", "tol_iter"),
        ):
            ratios = [
                r[err] / r[tol]
                for r in self.rows
                if err in r and np.isfinite(r.get(tol, math.nan)) and r[tol] > 0
            ]
            out[f"max_{err}_over_tol"] = max(ratios) if ratios else None
            out[f"max_{err}"] = max((r[err] for r in self.rows if err in r), default=None)
        out["max_nashconv_iter"] = max((r["nashconv_iter"] for r in self.rows), default=None)
        return out

    def to_markdown(self, columns: Sequence[tuple[str, str, str]] = COLUMNS) -> str:
        """The discrepancy table as GitHub markdown, followed by a summary line.

        The table is written by the one Markdown writer,
        :func:`nashalign.publish.render.markdown_table`.
        """
        from nashalign.tables import markdown_table

        table = markdown_table(
            [h for _, h, _ in columns],
            ([_fmt(r.get(k), f) for k, _, f in columns] for r in self.rows),
        )
        sm = self.summary()
        return (
            f"{table}\n\n{sm['passed']}/{sm['rows']} rows within tolerance "
            f"({sm['interior']} interior, {sm['boundary']} boundary, "
            f"{sm['degenerate']} degenerate); exact reference: {', '.join(sm['exact'])}."
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-ready view (infinities as strings)."""

        def clean(v: Any) -> Any:
            if isinstance(v, float) and not math.isfinite(v):
                return str(v)
            if isinstance(v, (np.bool_, np.integer, np.floating)):
                return clean(v.item())
            return v

        return {
            "settings": self.settings,
            "summary": {k: clean(v) for k, v in self.summary().items()},
            "rows": [{k: clean(v) for k, v in r.items()} for r in self.rows],
        }


def run_crosscheck(
    n_instances: int = 20,
    seed: int = 0,
    *,
    k_values: Sequence[int] = (2, 3, 4, 5),
    n_agents: int = 2,
    dps: int = 50,
    exact: bool = True,
    beta_range: tuple[float, float] = (1e-4, 1e4),
) -> CrossCheckTable:
    """Cross-check every method on seeded random instances.

    Parameters
    ----------
    n_instances : int
        Number of rows.
    seed : int
        Seed of the generator (instances, kinds and incentive weights).
    k_values : sequence of int
        K is drawn from these.
    n_agents : int
        N >= 2.
    dps : int
        Digits of the mpmath evaluation.
    exact : bool
        Include the symbolic exact evaluation when available.
    beta_range : (float, float)
        Incentive weights are log-uniform over this range.

    Returns
    -------
    CrossCheckTable

    Examples
    --------
    >>> run_crosscheck(n_instances=2, seed=3, exact=False).summary()["rows"]
    2
    """
    if isinstance(n_instances, bool) or not isinstance(n_instances, int) or n_instances < 1:
        raise InputError(f"n_instances must be a positive integer, got {n_instances!r}")
    lo, hi = (float(x) for x in beta_range)
    if not (0 < lo <= hi and math.isfinite(hi)):
        raise InputError("beta_range must be 0 < lo <= hi < inf")
    rng = np.random.default_rng(seed)
    kinds = ("generic", "generic", "few-contexts", "collinear")
    table = CrossCheckTable(
        settings=dict(
            n_instances=n_instances,
            seed=seed,
            k_values=list(k_values),
            n_agents=n_agents,
            dps=dps,
            beta_range=[lo, hi],
        )
    )
    for i in range(n_instances):
        K = int(rng.choice(list(k_values)))
        kind = str(kinds[int(rng.integers(len(kinds)))])
        if kind == "collinear" and K < 3:
            kind = "few-contexts"
        a, C, n = random_instance(rng, K, kind)
        ba, bi, bd = np.exp(rng.uniform(np.log(lo), np.log(hi), size=3))
        row = crosscheck_instance(
            a,
            C,
            float(ba),
            float(bi),
            float(bd),
            n_agents,
            dps=dps,
            exact=exact,
            meta={"id": i, "kind": kind, "n_contexts": n},
        )
        table.rows.append(row)
    return table
