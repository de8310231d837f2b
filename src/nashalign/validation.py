r"""Input validation shared by every entry point: arrays, names, ratios, counts, JSON.

Every check raises :class:`~nashalign.errors.InputError` with one sentence; the
CLI prints it on one line and exits 2. The model's types
(:class:`~nashalign.model.Population`, :class:`~nashalign.model.Incentives`,
:class:`~nashalign.instance.Instance`) call these once, at construction, so the
solvers behind them never validate again.

Tolerances and limits are named here (and only here):

* :data:`SYM_TOL`, :data:`PSD_TOL`: relative symmetry and PSD tolerances of ``C``.
* :data:`MAX_ENTRY`: the largest magnitude of an entry of ``a`` or ``C``.
* :data:`MAX_RATIO`: the largest ``|s| = |beta_A/beta_I|`` and ``|r| = |beta_D/beta_I|``.
* :data:`MAX_AGENTS`, :data:`MAX_NAME_LENGTH`, :data:`MAX_JSON_DEPTH`, :data:`MAX_FILE_BYTES`.

Examples
--------
>>> validate_names(["x", "y"], 2)
['x', 'y']
>>> validate_names(["X", "x "], 2)
Traceback (most recent call last):
...
nashalign.errors.InputError: subpopulation names 'X' and 'x ' are the same up to case and blanks
>>> finite_array([10**400, 1], "a")
Traceback (most recent call last):
...
nashalign.errors.InputError: a holds a number beyond float range (|x| > 1.8e+308)
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError

__all__ = [
    "MAX_AGENTS",
    "MAX_ENTRY",
    "MAX_FILE_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_NAME_LENGTH",
    "MAX_RATIO",
    "PSD_TOL",
    "SYM_TOL",
    "finite_array",
    "finite_number",
    "json_depth",
    "loads_bounded",
    "positive_int",
    "validate_a_C",
    "validate_betas",
    "validated_ratios",
    "validate_n_agents",
    "validate_names",
    "validate_tau",
]

#: Relative tolerance for symmetry of C: max|C - C^T| <= SYM_TOL * max|C|.
SYM_TOL = 1e-9
#: Relative tolerance for PSD-ness: lambda_min(C) >= -PSD_TOL * ||C||_2.
#: Sample covariances are PSD exactly; rounding in float64 can push a zero
#: eigenvalue to about -1e-16 * ||C||, so 1e-10 leaves a wide margin while still
#: rejecting genuinely indefinite matrices at any scale (diag(1e-11, -1e-11) included).
PSD_TOL = 1e-10
#: Largest magnitude of an entry of ``a`` or ``C``: symmetrising ``C`` and its
#: eigen-decomposition stay finite below it (1e308 + 1e308 overflows float64; two entries below 1e306 add up safely), and
#: every tolerance is relative to ``||C||``, so any scale below it is handled alike.
MAX_ENTRY = 1e306
#: Longest subpopulation name accepted (names become labels, file names and CSV headers).
MAX_NAME_LENGTH = 200
#: Largest JSON file read (bytes).
MAX_FILE_BYTES = 50_000_000
#: Deepest JSON nesting accepted (checked before parsing, so no RecursionError).
MAX_JSON_DEPTH = 64
#: Largest |s| = |beta_A/beta_I| and |r| = |beta_D/beta_I| accepted (float64 solvers are
#: meaningless beyond: products with C's entries overflow or lose every digit).
MAX_RATIO = 1e100
#: Largest number of agents accepted by the float solvers.
MAX_AGENTS = 10_000


def finite_array(
    x: ArrayLike,
    what: str,
    ndim: int | None = None,
    shape: tuple[int, ...] | None = None,
    max_abs: float | None = None,
) -> NDArray[np.float64]:
    """``x`` as a float64 array of the given ``ndim`` or ``shape``, all finite.

    Numbers beyond float range (``10**400``) and, with ``max_abs``, beyond that
    magnitude are refused in one line.

    Examples
    --------
    >>> finite_array([1, 2], "a", ndim=1).tolist()
    [1.0, 2.0]
    >>> finite_array([1, float("nan")], "a", shape=(2,))
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: a contains NaN or inf
    >>> finite_array([1e120], "C", max_abs=1e100)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: C has an entry of magnitude 1e+120, beyond 1e+100 (rescale the scores)
    """
    try:
        arr = np.asarray(x, dtype=np.float64)
    except OverflowError:
        raise InputError(f"{what} holds a number beyond float range (|x| > 1.8e+308)") from None
    except (TypeError, ValueError):
        raise InputError(f"{what} must be numeric") from None
    if ndim is not None and arr.ndim != ndim:
        raise InputError(f"{what} must be {ndim}-dimensional, got shape {arr.shape}")
    if shape is not None and arr.shape != shape:
        raise InputError(f"{what} must have shape {shape}, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{what} contains NaN or inf")
    if max_abs is not None and arr.size:
        biggest = float(np.max(np.abs(arr)))
        if biggest > max_abs:
            raise InputError(
                f"{what} has an entry of magnitude {biggest:.3g}, beyond {max_abs:.3g} "
                "(rescale the scores)"
            )
    return arr


def finite_number(value: Any, what: str) -> float:
    """``value`` as a finite float; ``what`` names it in the one-line InputError.

    Examples
    --------
    >>> finite_number("2.5", "beta_d")
    2.5
    >>> finite_number(float("inf"), "beta_d")
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: beta_d must be finite, got inf
    >>> finite_number(10**400, "beta_d")
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: beta_d is beyond float range (|x| > 1.8e+308)
    """
    if isinstance(value, bool):
        raise InputError(f"{what} must be a number, got {value!r}")
    try:
        v = float(value)
    except OverflowError:
        raise InputError(f"{what} is beyond float range (|x| > 1.8e+308)") from None
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a number, got {str(value)[:40]!r}") from None
    if not math.isfinite(v):
        raise InputError(f"{what} must be finite, got {v}")
    return v


def json_depth(text: str) -> int:
    """Deepest nesting of brackets outside strings (a bound checked before parsing).

    Examples
    --------
    >>> json_depth('{"a": [[1], "]]]"]}')
    3
    >>> json_depth("[" * 100 + "]" * 100)
    100
    """
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return text.count("[") + text.count("{")  # an upper bound, cheap
    depth = best = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best


def loads_bounded(text: str, source: str, **kwargs: Any) -> Any:
    """``json.loads(text)`` after refusing nesting deeper than :data:`MAX_JSON_DEPTH`.

    Examples
    --------
    >>> loads_bounded('{"a": [1]}', "x.json")
    {'a': [1]}
    >>> loads_bounded("[" * 100_000 + "]" * 100_000, "x.json")
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: x.json nests deeper than 64 levels
    >>> loads_bounded("{", "x.json")
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: x.json is not valid JSON (Expecting property name enclosed in double quotes, line 1)
    """
    if json_depth(text) > MAX_JSON_DEPTH:
        raise InputError(f"{source} nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text, **kwargs)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except RecursionError:  # a hook recursing on a shallow document; never expected
        raise InputError(f"{source} nests too deeply to read") from None


def _name_key(name: str) -> str:
    """Names that differ only in case or surrounding/inner blanks are one name."""
    return " ".join(name.split()).casefold()


def validate_names(names: Any, K: int) -> list[str]:
    """Check that there are K distinct, non-empty string subpopulation names.

    Names must be strings (not null, numbers or lists), printable, at most
    :data:`MAX_NAME_LENGTH` characters, and distinct up to case and blanks.

    Examples
    --------
    >>> validate_names(["a", "b"], 2)
    ['a', 'b']
    >>> validate_names([None, "y"], 2)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: subpopulation names must be strings, got None
    """
    if isinstance(names, (str, bytes)) or not isinstance(names, Sequence):
        raise InputError(
            f"subpopulation names must be a list of strings, got {type(names).__name__}"
        )
    names = list(names)
    if len(names) != K:
        raise InputError(f"expected {K} subpopulation names, got {len(names)}")
    for n in names:
        if not isinstance(n, str):
            raise InputError(f"subpopulation names must be strings, got {str(n)[:40]}")
    if any(not n.strip() for n in names):
        raise InputError("subpopulation names must be non-empty")
    for n in names:
        if len(n) > MAX_NAME_LENGTH:
            raise InputError(
                f"subpopulation name {n[:20]!r}... is {len(n)} characters long "
                f"(at most {MAX_NAME_LENGTH})"
            )
        if not n.isprintable():
            raise InputError(f"subpopulation name {n[:40]!r} contains control characters")
    seen: dict[str, str] = {}
    for n in names:
        key = _name_key(n)
        if key in seen:
            if seen[key] == n:
                raise InputError(f"duplicate subpopulation name {n!r}")
            raise InputError(
                f"subpopulation names {seen[key]!r} and {n!r} are the same up to case and blanks"
            )
        seen[key] = n
    return names


def validate_a_C(
    a: ArrayLike, C: ArrayLike, *, check_psd: bool = True
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate and return ``(a, C)`` as float arrays; C is symmetrised.

    Raises :class:`~nashalign.errors.InputError` on shape mismatch, NaN/inf,
    numbers beyond :data:`MAX_ENTRY`, K < 2, a non-symmetric C or (with
    ``check_psd``) a C that is not PSD, each beyond the tolerances
    :data:`SYM_TOL` and :data:`PSD_TOL`.

    Examples
    --------
    >>> a, C = validate_a_C([1, 2], [[1, 0], [0, 1]])
    >>> C.shape
    (2, 2)
    >>> validate_a_C([1, 2], [[1e308, 0], [0, 1e308]])
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: C has an entry of magnitude 1e+308, beyond 1e+306 (rescale the scores)
    """
    a = finite_array(a, "a", ndim=1, max_abs=MAX_ENTRY)
    C = finite_array(C, "C", ndim=2, max_abs=MAX_ENTRY)
    K = a.shape[0]
    if K < 2:
        raise InputError(f"K must be at least 2, got {K}")
    if C.shape != (K, K):
        raise InputError(f"C must have shape ({K}, {K}) to match a, got {C.shape}")
    scale = float(np.max(np.abs(C)))
    asym = float(np.max(np.abs(C - C.T)))
    if asym > SYM_TOL * scale:
        raise InputError(
            f"C is not symmetric (max |C - C^T| = {asym:.3g}, relative {asym / scale:.3g})"
        )
    C = 0.5 * (C + C.T)
    if check_psd:
        eig = np.linalg.eigvalsh(C)
        norm = float(np.max(np.abs(eig)))
        if eig[0] < -PSD_TOL * norm:
            raise InputError(
                f"C is not positive semidefinite (smallest eigenvalue {eig[0]:.3g}, "
                f"{-eig[0] / norm:.3g} of ||C||)"
            )
    return a, C


def validate_betas(
    beta_a: ArrayLike, beta_i: ArrayLike, beta_d: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Validate the incentive weights and return them as float arrays.

    ``beta_a >= 0`` (attractiveness), ``beta_i > 0`` (inconsistency aversion),
    ``beta_d`` any real (diversity); all finite and mutually broadcastable, with
    ``|beta_a/beta_i|`` and ``|beta_d/beta_i|`` at most :data:`MAX_RATIO`.

    Examples
    --------
    >>> [b.tolist() for b in validate_betas(1, 2.0, [0.0, 1.0])]
    [1.0, 2.0, [0.0, 1.0]]
    """
    return validated_ratios(beta_a, beta_i, beta_d)[:3]


def validated_ratios(
    beta_a: ArrayLike, beta_i: ArrayLike, beta_d: ArrayLike
) -> tuple[NDArray[np.float64], ...]:
    """The checks of :func:`validate_betas`, returning ``(ba, bi, bd, s, r)``.

    ``s = beta_a/beta_i`` and ``r = beta_d/beta_i`` are computed once and checked
    against :data:`MAX_RATIO` in place (on a 10^6-point grid a second division pass
    costs as much as a fifth of the closed form).

    Examples
    --------
    >>> [x.tolist() for x in validated_ratios(1, 2.0, [0.0, 1.0])[3:]]
    [0.5, [0.0, 0.5]]
    """
    ba, bi, bd = (
        finite_array(x, name)
        for name, x in (("beta_a", beta_a), ("beta_i", beta_i), ("beta_d", beta_d))
    )
    if np.any(bi <= 0):
        raise InputError(f"beta_i must be > 0, got {float(np.min(bi)):.6g}")
    if np.any(ba < 0):
        raise InputError(f"beta_a must be >= 0, got {float(np.min(ba)):.6g}")
    try:
        np.broadcast_shapes(ba.shape, bi.shape, bd.shape)
    except ValueError:
        raise InputError(
            f"beta shapes {ba.shape}, {bi.shape}, {bd.shape} do not broadcast"
        ) from None
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        s, r = ba / bi, bd / bi
        for what, ratio in (("beta_a", s), ("beta_d", r)):
            if not ratio.size:
                continue
            # max |x| as max(max x, -min x): two reductions, no temporary array
            # (a NaN, from an overflow to inf/inf, fails the comparison too).
            biggest = max(float(np.max(ratio)), -float(np.min(ratio)))
            if not biggest <= MAX_RATIO:
                raise InputError(
                    f"{what}/beta_i = {biggest:.3g} is beyond {MAX_RATIO:.0e}: "
                    "equilibria depend on the betas only through s = beta_a/beta_i and "
                    "r = beta_d/beta_i, and float64 solvers lose all accuracy there; rescale"
                )
    return ba, bi, bd, s, r


def positive_int(value: Any, what: str) -> int:
    """``value`` as an int >= 1 (bools and floats refused), or one InputError naming ``what``.

    Examples
    --------
    >>> positive_int(8, "batch size")
    8
    >>> positive_int(0, "batch size")
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: batch size must be a positive integer, got 0
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InputError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def validate_n_agents(n_agents: Any) -> int:
    """Return ``n_agents`` as an int >= 1 or raise InputError.

    Examples
    --------
    >>> validate_n_agents(3)
    3
    """
    if isinstance(n_agents, bool) or not isinstance(n_agents, (int, np.integer)):
        raise InputError(f"the number of agents must be an integer, got {n_agents!r}")
    if n_agents < 1:
        raise InputError(f"the number of agents must be >= 1, got {n_agents}")
    if n_agents > MAX_AGENTS:
        raise InputError(
            f"{n_agents} agents is beyond the float solvers' range (N <= {MAX_AGENTS}); "
            "a homogeneous population's symmetric NE depends on N only through r/(N-1)"
        )
    return int(n_agents)


def validate_tau(tau: Any, K: int | None = None, what: str = "tau") -> Any:
    """Validate the exclusion threshold: in (0, 1/K), or (0, 1/2) when K is not known.

    A weight below ``tau`` in every agent excludes a subpopulation; the weights of
    one agent sum to 1, so ``tau >= 1/K`` would exclude someone always, and K >= 2
    bounds every ``tau`` by 1/2. Exact rationals (``fractions.Fraction``, SymPy
    ``Rational``) are compared exactly and returned as they are; anything else is
    returned as a float. The one range check of the project.

    Examples
    --------
    >>> validate_tau(0.05, 5)
    0.05
    >>> validate_tau(0.3, 5)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: tau must lie in (0, 1/K) = (0, 0.2) for K = 5, got 0.3
    >>> from fractions import Fraction
    >>> validate_tau(Fraction(1, 5), 5)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: tau must lie in (0, 1/K) = (0, 0.2) for K = 5, got 0.2
    >>> validate_tau(0.6)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: tau must lie in (0, 1/K), hence in (0, 0.5) as K >= 2; got 0.6
    """
    if isinstance(tau, numbers.Rational) and not isinstance(tau, bool):
        t = tau
        shown = float(tau)
    else:
        t = shown = finite_number(tau, what)
    if K is None:
        if not 0 < t < Fraction(1, 2):
            raise InputError(
                f"{what} must lie in (0, 1/K), hence in (0, 0.5) as K >= 2; got {shown:g}"
            )
    elif not 0 < t < Fraction(1, K):
        raise InputError(
            f"{what} must lie in (0, 1/K) = (0, {1.0 / K:.6g}) for K = {K}, got {shown:g}"
        )
    return t
