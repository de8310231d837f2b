"""Shared plumbing of the figure modules: validation, grids, evaluation, atomic output.

The three coefficients are named ``"beta_a"``, ``"beta_i"`` and ``"beta_d"``.
A *plane* is an ordered pair of two of them (the x and y axes of a heatmap);
the third is held at a fixed value. Grids are log-spaced on both axes.

Every figure is rendered to bytes in memory (PNG and PDF) and then written with
:func:`nashalign.io.atomic_write_bytes`, so a failure never leaves a partial file.

Examples
--------
>>> import numpy as np
>>> log_axis((1e-2, 1e2), 5).round(3).tolist()
[0.01, 0.1, 1.0, 10.0, 100.0]
>>> plane_betas(("beta_a", "beta_d"), np.array([2.0]), np.array([3.0]), 1.0)
(array([2.]), array([1.]), array([3.]))
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.errors import InputError
from nashalign.instance import Instance
from nashalign.io import atomic_write_bytes, atomic_write_text

BETAS = ("beta_a", "beta_i", "beta_d")
#: LaTeX axis labels of the three coefficients.
LABELS = {"beta_a": r"$\beta_A$", "beta_i": r"$\beta_I$", "beta_d": r"$\beta_D$"}
#: Default exclusion threshold (SPEC section 1).
TAU = 0.05
#: Default axis range of every log-scaled sweep.
LIM = (1e-2, 1e2)
#: Rows of a grid evaluated per progress-bar step.
_CHUNK_ROWS = 16


# --------------------------------------------------------------------------- validation


def check_instance(instance: Any) -> Instance:
    """Return ``instance`` if it is an :class:`~nashalign.instance.Instance`, else raise.

    Examples
    --------
    >>> check_instance(Instance(["x", "y"], [1, 0], [[1, 0], [0, 1]], n=3)).K
    2
    """
    if not isinstance(instance, Instance):
        raise InputError(f"expected a nashalign Instance, got {type(instance).__name__}")
    return instance


def check_tau(tau: float, K: int) -> float:
    """Validate the exclusion threshold: finite and in the open interval (0, 1/K).

    Examples
    --------
    >>> check_tau(0.05, 5)
    0.05
    """
    t = _finite(tau, "tau")
    if not 0.0 < t < 1.0 / K:
        raise InputError(f"tau must lie in (0, 1/K) = (0, {1.0 / K:.6g}) for K = {K}, got {t:g}")
    return t


def check_resolution(n: int, what: str = "resolution", lo: int = 2, hi: int = 4000) -> int:
    """Validate a grid resolution (an integer in ``[lo, hi]``).

    Examples
    --------
    >>> check_resolution(200)
    200
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not lo <= n <= hi:
        raise InputError(f"{what} must be an integer in [{lo}, {hi}], got {n!r}")
    return int(n)


def check_lim(lim: Sequence[float], what: str = "axis range") -> tuple[float, float]:
    """Validate a log-axis range ``(lo, hi)`` with ``0 < lo < hi < inf``.

    Examples
    --------
    >>> check_lim((0.01, 100))
    (0.01, 100.0)
    """
    try:
        lo, hi = (float(v) for v in lim)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a pair (lo, hi) of numbers") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and 0.0 < lo < hi):
        raise InputError(f"{what} must satisfy 0 < lo < hi < inf, got ({lo:g}, {hi:g})")
    return lo, hi


def check_plane(axes: Sequence[str]) -> tuple[str, str, str]:
    """Validate a plane and return ``(x, y, fixed)`` coefficient names.

    Examples
    --------
    >>> check_plane(("beta_i", "beta_d"))
    ('beta_i', 'beta_d', 'beta_a')
    """
    try:
        x, y = (str(v) for v in axes)
    except (TypeError, ValueError):
        raise InputError(f"axes must be two of {', '.join(BETAS)}") from None
    if x not in BETAS or y not in BETAS or x == y:
        raise InputError(f"axes must be two different names of {', '.join(BETAS)}, got ({x}, {y})")
    (fixed,) = (b for b in BETAS if b not in (x, y))
    return x, y, fixed


def check_fixed(name: str, value: float) -> float:
    """Validate the value at which the third coefficient is held.

    beta_I must be > 0, beta_A >= 0; beta_D may be any finite number.

    Examples
    --------
    >>> check_fixed("beta_d", 0.0)
    0.0
    """
    v = _finite(value, name)
    if name == "beta_i" and v <= 0:
        raise InputError(f"beta_I must be > 0, got {v:g}")
    if name == "beta_a" and v < 0:
        raise InputError(f"beta_A must be >= 0, got {v:g}")
    return v


def resolve_focal(focal: int | str | None, names: Sequence[str]) -> int | None:
    """Index of the focal subpopulation, given by index or name (None stays None).

    Examples
    --------
    >>> resolve_focal("b", ["a", "b"]), resolve_focal(0, ["a", "b"])
    (1, 0)
    """
    if focal is None:
        return None
    if isinstance(focal, str):
        if focal in names:
            return list(names).index(focal)
        raise InputError(f"unknown subpopulation {focal!r}; known: {', '.join(names)}")
    if isinstance(focal, bool) or not isinstance(focal, (int, np.integer)):
        raise InputError(f"focal must be a subpopulation name or index, got {focal!r}")
    if not 0 <= int(focal) < len(names):
        raise InputError(f"focal index {focal} out of range for K = {len(names)}")
    return int(focal)


def _finite(value: Any, what: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise InputError(f"{what} must be finite, got {v}")
    return v


# --------------------------------------------------------------------------- grids


def log_axis(lim: tuple[float, float], n: int) -> NDArray[np.float64]:
    """``n`` log-spaced points from ``lim[0]`` to ``lim[1]`` (both included)."""
    return np.logspace(math.log10(lim[0]), math.log10(lim[1]), n)


def plane_betas(
    axes: Sequence[str], X: NDArray[np.float64], Y: NDArray[np.float64], fixed: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Arrays ``(beta_a, beta_i, beta_d)`` for plane coordinates ``X, Y`` (same shape)."""
    x, y, third = check_plane(axes)
    vals = {x: np.asarray(X, float), y: np.asarray(Y, float)}
    vals[third] = np.full(np.shape(X), float(fixed))
    return vals["beta_a"], vals["beta_i"], vals["beta_d"]


@dataclass(frozen=True)
class GridEval:
    """Closed-form evaluation on a grid: weights ``(..., K)`` and the interior mask."""

    weights: NDArray[np.float64]
    interior: NDArray[np.bool_]


def evaluate(
    instance: Instance,
    beta_a: NDArray[np.float64],
    beta_i: NDArray[np.float64],
    beta_d: NDArray[np.float64],
    *,
    n_agents: int = 2,
    progress: bool = False,
    desc: str = "closed form",
) -> GridEval:
    """Evaluate the vectorised closed form (Theorem 1) on equally shaped beta arrays.

    The first axis is split into chunks for the progress bar. A point counts as
    interior when the evaluator says so and every weight is finite.
    """
    from tqdm.auto import tqdm

    from nashalign.solvers.closed_form import symmetric_ne

    shape = np.shape(beta_a)
    ba, bi, bd = (np.atleast_1d(np.asarray(b, float)) for b in (beta_a, beta_i, beta_d))
    n0 = ba.shape[0]
    W = np.empty(ba.shape + (instance.K,))
    interior = np.zeros(ba.shape, dtype=bool)
    step = max(1, _CHUNK_ROWS if ba.ndim > 1 else max(1, n0 // 10))
    for i in tqdm(range(0, n0, step), desc=desc, disable=not progress, leave=False, unit="chunk"):
        sl = slice(i, i + step)
        res = symmetric_ne(instance.a, instance.C, ba[sl], bi[sl], bd[sl], n_agents=n_agents)
        w = np.asarray(res.weights, float)
        W[sl] = w
        interior[sl] = np.asarray(res.interior, bool) & np.all(np.isfinite(w), axis=-1)
    return GridEval(W.reshape(shape + (instance.K,)), interior.reshape(shape))


def thresholds(
    a: NDArray[np.float64], C: NDArray[np.float64], r: NDArray[np.float64], tau: float
) -> NDArray[np.float64]:
    """SPEC 2.7 thresholds ``s_k(r)`` (shape ``(len(r), K)``), NaN where undefined.

    Calls :func:`nashalign.exact.steering.exclusion_threshold`; ``inf`` (no crossing:
    v_k(r) >= 0) and points where it reports a degenerate ratio become NaN.
    """
    from nashalign.errors import DegenerateError
    from nashalign.exact.steering import exclusion_threshold

    r = np.atleast_1d(np.asarray(r, float))
    K = np.shape(a)[0]
    out = np.full((r.shape[0], K), np.nan)
    if r.size == 0:
        return out
    try:
        out[:] = np.asarray(exclusion_threshold(a, C, r, tau), float).reshape(r.shape[0], K)
    except DegenerateError:
        # point by point, so only the degenerate ratios drop out
        for j, rj in enumerate(r):
            try:
                out[j] = np.asarray(exclusion_threshold(a, C, np.array([rj]), tau), float)
            except DegenerateError:
                pass
    out[~np.isfinite(out)] = np.nan
    return out


def crossings(
    instance: Instance, r: NDArray[np.float64], tau: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Both crossings of tau in s for each r: ``(falling, rising)``, shapes ``(len(r), K)``.

    ``falling[j, k]`` is the s above which w_k < tau (v_k(r_j) < 0), the threshold of
    SPEC 2.7; ``rising[j, k]`` is the s *below* which w_k < tau (v_k(r_j) > 0 and
    w0_k(r_j) < tau). Both are the root in s of the same polynomial
    :math:`(A1)_k + s(\Pi a)_k - \tau\alpha`; since v is linear in a and w0 does not
    depend on a, the rising one is ``-exclusion_threshold(-a, C, r, tau)``. NaN where
    a branch does not exist or lies at s <= 0.

    Examples
    --------
    >>> inst = Instance(["x", "y"], [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n=3)
    >>> fall, rise = crossings(inst, np.array([1.0]), 0.05)
    >>> fall.round(6).tolist(), rise.tolist()
    ([[nan, 2.7]], [[nan, nan]])
    """
    fall = thresholds(instance.a, instance.C, r, tau)
    rise = -thresholds(-instance.a, instance.C, r, tau)
    with np.errstate(invalid="ignore"):
        rise[~(rise > 0)] = np.nan
        fall[~(fall > 0)] = np.nan
    return fall, rise


# --------------------------------------------------------------------------- naming, output


def dataset_name(instance: Instance, name: str | None = None) -> str:
    """Label of an instance: ``name``, else its provenance's dataset, else ``instance``."""
    if name:
        return str(name)
    prov = instance.provenance or {}
    for key in ("dataset", "name"):
        val = prov.get(key)
        if isinstance(val, str) and val.strip():
            return val
        if isinstance(val, dict) and isinstance(val.get("name"), str):
            return val["name"]
    return "instance"


def scorer_name(instance: Instance) -> str:
    """``backend:model`` from the provenance (``unknown`` where absent).

    Examples
    --------
    >>> scorer_name(Instance(["x", "y"], [1, 0], [[1, 0], [0, 1]], n=3,
    ...                      provenance={"backend": "embedding", "model": "m"}))
    'embedding:m'
    """
    prov = instance.provenance or {}
    backend = prov.get("backend") or prov.get("scorer")
    model = prov.get("model")
    parts = [str(p) for p in (backend, model) if p]
    return ":".join(parts) if parts else "unknown"


def slug(*parts: str) -> str:
    """A filesystem-safe file stem: ``parts`` joined by ``_``, other characters as ``-``.

    Examples
    --------
    >>> slug("heatmap", "Big Five", "beta_a")
    'heatmap_Big-Five_beta-a'
    """
    cleaned = [re.sub(r"[^A-Za-z0-9.+-]+", "-", str(p)).strip("-") or "x" for p in parts]
    return "_".join(cleaned)


def render(fig: Any) -> dict[str, bytes]:
    """Render a matplotlib figure to ``{"png": bytes, "pdf": bytes}`` (deterministic)."""
    out = {}
    for fmt, meta in (("png", {"Software": None}), ("pdf", {"CreationDate": None})):
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=150, metadata=meta)
        out[fmt] = buf.getvalue()
        # the layout is settled by the first draw: freeze it (same positions, faster)
        fig.set_layout_engine("none")
    return out


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text (``\\n`` line ends) with floats written to round-trip precision.

    Examples
    --------
    >>> print(csv_text(["x", "ok"], [[0.1, True], [None, False]]), end="")
    x,ok
    0.1,1
    ,0
    """
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\n")
    wr.writerow(list(header))
    for row in rows:
        wr.writerow([_cell(v) for v in row])
    return buf.getvalue()


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (float, np.floating)):
        return "" if math.isnan(v) else repr(float(v))
    return str(v)


#: Number format of the (large) grid CSVs: 8 significant digits keeps a
#: 200 x 200 grid at a few MB while resolving weights to ~1e-8.
GRID_FMT = "%.8g"


def grid_csv(columns: dict[str, NDArray[Any]], fmt: str = GRID_FMT) -> str:
    """Fast CSV of equally long 1-D numeric columns (booleans as 0/1, NaN as ``nan``).

    Examples
    --------
    >>> import numpy as np
    >>> print(grid_csv({"x": np.array([0.5, 2.0]), "ok": np.array([True, False])}), end="")
    x,ok
    0.5,1
    2,0
    """
    names = list(columns)
    data = np.column_stack([np.asarray(columns[n], dtype=float).ravel() for n in names])
    buf = io.StringIO()
    buf.write(",".join(names) + "\n")
    np.savetxt(buf, data, fmt=fmt, delimiter=",")
    return buf.getvalue()


def write_outputs(
    out_dir: Path, stem: str, images: dict[str, bytes], texts: dict[str, str]
) -> list[Path]:
    """Write ``stem.png``, ``stem.pdf`` and each ``texts`` entry (name -> content) atomically."""
    paths = [atomic_write_bytes(out_dir / f"{stem}.{fmt}", data) for fmt, data in images.items()]
    paths += [atomic_write_text(out_dir / fname, text) for fname, text in texts.items()]
    return paths


def log_axes(ax: Any, x: bool = True, y: bool = True) -> None:
    """Log-scale the axes with decade ticks only (minor ticks cost most of the render time)."""
    from matplotlib.ticker import NullLocator

    for on, axis, setter in ((x, ax.xaxis, ax.set_xscale), (y, ax.yaxis, ax.set_yscale)):
        if on:
            setter("log")
            axis.set_minor_locator(NullLocator())


def legend(target: Any, axes: Iterable[Any], **kwargs: Any) -> None:
    """Legend on ``target`` (an axes) of the labelled artists of ``axes``, deduplicated.

    Nothing is drawn when no artist has a label (matplotlib would warn).
    """
    seen: dict[str, Any] = {}
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(lab, h)
    if seen:
        target.legend(list(seen.values()), list(seen), **kwargs)


def new_figure(width: float, height: float) -> Any:
    """A pyplot-free :class:`matplotlib.figure.Figure` (no global state, Agg output)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")
