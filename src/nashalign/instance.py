r"""Instances of the model: the attractiveness vector ``a`` and inconsistency matrix ``C``.

A score matrix ``S`` (n contexts x K subpopulations) gives

.. math::

    a = \frac{1}{n}\sum_i s_i, \qquad
    C = \frac{1}{n-1}\sum_i (s_i - a)(s_i - a)^\top ,

the row mean and the sample covariance (ddof = 1). The JSON file format is
``{"names": [...], "a": [...], "C": [[...]], "n": int, "provenance": {...}}``.

Examples
--------
>>> import numpy as np
>>> inst = Instance.from_scores(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), ["x", "y"])
>>> inst.K, inst.n
(2, 3)
>>> inst.a.round(4).tolist()
[0.6667, 0.6667]
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nashalign.errors import InputError
from nashalign.io import atomic_write_json

if TYPE_CHECKING:  # sympy is imported lazily
    from sympy import Rational

#: Relative tolerance for symmetry of C: max|C - C^T| <= SYM_TOL * max|C|.
SYM_TOL = 1e-9
#: Relative tolerance for PSD-ness: lambda_min(C) >= -PSD_TOL * ||C||_2.
#: Sample covariances are PSD exactly; rounding in float64 can push a zero
#: eigenvalue to about -1e-16 * ||C||, so 1e-10 leaves a wide margin while still
#: rejecting genuinely indefinite matrices at any scale (diag(1e-11, -1e-11) included).
PSD_TOL = 1e-10
#: Longest subpopulation name accepted (names become labels, file names and CSV headers).
MAX_NAME_LENGTH = 200
#: Largest instance file read (bytes) and deepest JSON nesting accepted.
MAX_FILE_BYTES = 50_000_000
MAX_JSON_DEPTH = 64
#: Largest |s| = |beta_A/beta_I| and |r| = |beta_D/beta_I| accepted (float64 solvers are
#: meaningless beyond: products with C's entries overflow or lose every digit).
MAX_RATIO = 1e100
#: Largest number of agents accepted by the float solvers.
MAX_AGENTS = 10_000


def finite_array(
    x: ArrayLike, what: str, ndim: int | None = None, shape: tuple[int, ...] | None = None
) -> NDArray[np.float64]:
    """``x`` as a float64 array of the given ``ndim`` or ``shape``, all finite.

    Examples
    --------
    >>> finite_array([1, 2], "a", ndim=1).tolist()
    [1.0, 2.0]
    >>> finite_array([1, float("nan")], "a", shape=(2,))
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: a contains NaN or inf
    """
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be numeric") from None
    if ndim is not None and arr.ndim != ndim:
        raise InputError(f"{what} must be {ndim}-dimensional, got shape {arr.shape}")
    if shape is not None and arr.shape != shape:
        raise InputError(f"{what} must have shape {shape}, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{what} contains NaN or inf")
    return arr


def _json_depth(text: str) -> int:
    """Deepest nesting of brackets outside strings (a bound checked before parsing).

    Examples
    --------
    >>> _json_depth('{"a": [[1], "]]]"]}')
    3
    >>> _json_depth("[" * 100 + "]" * 100)
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


def validate_names(names: Sequence[str], K: int) -> list[str]:
    """Check that there are K distinct, non-empty subpopulation names.

    Examples
    --------
    >>> validate_names(["a", "b"], 2)
    ['a', 'b']
    """
    names = [str(n) for n in names]
    if len(names) != K:
        raise InputError(f"expected {K} subpopulation names, got {len(names)}")
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
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise InputError(f"duplicate subpopulation name {n!r}")
        seen.add(n)
    return names


def validate_a_C(
    a: ArrayLike, C: ArrayLike, *, check_psd: bool = True
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate and return ``(a, C)`` as float arrays; C is symmetrised.

    Raises :class:`~nashalign.errors.InputError` on shape mismatch, NaN/inf,
    K < 2, a non-symmetric C or (with ``check_psd``) a C that is not PSD,
    each beyond the tolerances :data:`SYM_TOL` and :data:`PSD_TOL`.

    Examples
    --------
    >>> a, C = validate_a_C([1, 2], [[1, 0], [0, 1]])
    >>> C.shape
    (2, 2)
    """
    a = finite_array(a, "a", ndim=1)
    C = finite_array(C, "C", ndim=2)
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
    ``beta_d`` any real (diversity); all finite and mutually broadcastable.

    Examples
    --------
    >>> [b.tolist() for b in validate_betas(1, 2.0, [0.0, 1.0])]
    [1.0, 2.0, [0.0, 1.0]]
    """
    out = []
    for name, x in (("beta_a", beta_a), ("beta_i", beta_i), ("beta_d", beta_d)):
        try:
            arr = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError):
            raise InputError(f"{name} must be numeric") from None
        if not np.all(np.isfinite(arr)):
            raise InputError(f"{name} contains NaN or inf")
        out.append(arr)
    ba, bi, bd = out
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
        for what, num in (("beta_a", ba), ("beta_d", bd)):
            ratio = np.abs(num / bi)
            if ratio.size and not float(np.max(ratio)) <= MAX_RATIO:
                raise InputError(
                    f"{what}/beta_i = {float(np.max(ratio)):.3g} is beyond {MAX_RATIO:.0e}: "
                    "equilibria depend on the betas only through s = beta_a/beta_i and "
                    "r = beta_d/beta_i, and float64 solvers lose all accuracy there; rescale"
                )
    return ba, bi, bd


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


@dataclass(frozen=True)
class Instance:
    """One instance of the model: names, ``a``, ``C``, sample size and provenance.

    Parameters
    ----------
    names : list of str
        The K subpopulation names (distinct).
    a : ndarray, shape (K,)
        Attractiveness / prevalence vector.
    C : ndarray, shape (K, K)
        Inconsistency matrix, symmetric PSD.
    n : int
        Number of contexts behind the estimate (>= 2).
    provenance : dict
        Where the numbers came from (backend, model, device, versions, checksum).

    Examples
    --------
    >>> inst = Instance(["x", "y"], [0.5, 0.25], [[1.0, 0.0], [0.0, 2.0]], n=10)
    >>> inst.C.tolist()
    [[1.0, 0.0], [0.0, 2.0]]
    """

    names: list[str]
    a: NDArray[np.float64]
    C: NDArray[np.float64]
    n: int = 2
    provenance: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        a, C = validate_a_C(self.a, self.C)
        names = validate_names(self.names, a.shape[0])
        if isinstance(self.n, bool) or not isinstance(self.n, (int, np.integer)) or self.n < 2:
            raise InputError(f"n must be an integer >= 2, got {self.n!r}")
        if not isinstance(self.provenance, dict):
            raise InputError("provenance must be a JSON object")
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "C", C)
        object.__setattr__(self, "n", int(self.n))

    @property
    def K(self) -> int:
        """Number of subpopulations."""
        return int(self.a.shape[0])

    @classmethod
    def from_scores(
        cls,
        S: ArrayLike,
        names: Sequence[str],
        provenance: dict[str, Any] | None = None,
    ) -> Instance:
        """Build an instance from a score matrix S (n contexts x K subpopulations).

        Examples
        --------
        >>> Instance.from_scores([[0, 1], [1, 0]], ["p", "q"]).C.tolist()
        [[0.5, -0.5], [-0.5, 0.5]]
        """
        S = finite_array(S, "score matrix", ndim=2)
        if S.shape[0] < 2:
            raise InputError(f"need at least 2 contexts (rows) to estimate C, got {S.shape[0]}")
        a = S.mean(axis=0)
        C = np.cov(S, rowvar=False, ddof=1)
        C = np.atleast_2d(C)
        return cls(list(names), a, C, n=int(S.shape[0]), provenance=dict(provenance or {}))

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dictionary of the file format."""
        return {
            "names": list(self.names),
            "a": [float(x) for x in self.a],
            "C": [[float(x) for x in row] for row in self.C],
            "n": self.n,
            "provenance": self.provenance,
        }

    @classmethod
    def from_dict(cls, d: Any, source: str = "instance") -> Instance:
        """Validate and build from the dictionary of the file format."""
        if not isinstance(d, dict):
            raise InputError(f"{source}: expected a JSON object")
        missing = [k for k in ("names", "a", "C") if k not in d]
        if missing:
            raise InputError(f"{source}: missing field(s) {', '.join(missing)}")
        if not isinstance(d["names"], list):
            raise InputError(f"{source}: 'names' must be a list")
        try:
            return cls(
                d["names"], d["a"], d["C"], n=d.get("n", 2), provenance=d.get("provenance", {})
            )
        except InputError as exc:
            raise InputError(f"{source}: {exc}") from None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Instance:
        """Read and validate an instance JSON file.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "i.json"
        >>> _ = Instance(["x", "y"], [1, 0], [[1, 0], [0, 1]], n=3).save(p)
        >>> Instance.load(p).names
        ['x', 'y']
        """
        p = Path(path)
        if not p.is_file():
            raise InputError(f"instance file {p} not found")
        try:
            if p.stat().st_size > MAX_FILE_BYTES:
                raise InputError(
                    f"instance file {p} is larger than {MAX_FILE_BYTES // 1_000_000} MB"
                )
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read instance file {p}: {exc}") from None
        if _json_depth(text) > MAX_JSON_DEPTH:
            raise InputError(f"instance file {p} nests deeper than {MAX_JSON_DEPTH} levels")
        try:
            d = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"instance file {p} is not valid JSON ({exc.msg}, line {exc.lineno})"
            ) from None
        return cls.from_dict(d, source=str(p))

    @classmethod
    def resolve(cls, name_or_path: str | os.PathLike[str]) -> Instance:
        """Load a shipped instance by name (``bigfive``, ...) or an instance file by path.

        A path that exists wins over a shipped name.

        Examples
        --------
        >>> Instance.resolve("politics").names[:2]
        ['left', 'centre']
        >>> Instance.resolve("nope")
        Traceback (most recent call last):
        ...
        nashalign.errors.InputError: instance file nope not found (shipped instances: bigfive, politics, culture)
        """
        p = Path(name_or_path)
        shipped = shipped_instance_paths()
        if not p.exists() and str(name_or_path) in shipped:
            return cls.load(shipped[str(name_or_path)])
        if not p.is_file():
            raise InputError(
                f"instance file {p} not found (shipped instances: {', '.join(shipped)})"
            )
        return cls.load(p)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the instance atomically as JSON and return the path."""
        return atomic_write_json(path, self.to_dict())


#: The committed instances under ``src/nashalign/data/instances/``, in book order.
SHIPPED_INSTANCES = ("bigfive", "politics", "culture")


def shipped_instance_paths() -> dict[str, Path]:
    """Paths of the committed instance files, estimated with the embedding backend on CPU.

    Returns
    -------
    dict of str to Path
        ``{dataset name: path of src/nashalign/data/instances/<name>.json}``.

    Examples
    --------
    >>> paths = shipped_instance_paths()
    >>> list(paths)
    ['bigfive', 'politics', 'culture']
    >>> Instance.load(paths["bigfive"]).K
    5
    """
    base = resources.files("nashalign").joinpath("data").joinpath("instances")
    return {name: Path(str(base.joinpath(f"{name}.json"))) for name in SHIPPED_INSTANCES}


def load_instances(names_or_paths: Sequence[str | os.PathLike[str]] | None) -> dict[str, Instance]:
    """Load instances keyed by a unique label (shipped name or file stem); all shipped if none.

    Examples
    --------
    >>> list(load_instances(None))
    ['bigfive', 'politics', 'culture']
    >>> list(load_instances(["politics", "politics"]))
    ['politics', 'politics-2']
    >>> load_instances(["/nonexistent/x.json"])
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: instance file /nonexistent/x.json not found (shipped instances: bigfive, politics, culture)
    """
    if not names_or_paths:
        return {name: Instance.load(path) for name, path in shipped_instance_paths().items()}
    out: dict[str, Instance] = {}
    for item in names_or_paths:
        stem = Path(item).stem or "instance"
        label, i = stem, 2
        while label in out:
            label, i = f"{stem}-{i}", i + 1
        out[label] = Instance.resolve(item)
    return out


def parse_exact_number(flag: str, text: str) -> Rational:
    """The exact rational value of a decimal or ``p/q`` number typed by a user.

    Parsed with :class:`fractions.Fraction` (never evaluated): ``0.05`` is 1/20,
    not the binary float nearest to it.

    Examples
    --------
    >>> parse_exact_number("--tau", "0.05"), parse_exact_number("--beta-a", "1e-3")
    (1/20, 1/1000)
    >>> parse_exact_number("--beta-a", "nan")
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: --beta-a must be a finite number, got 'nan'
    """
    import sympy as sp

    text = str(text).strip()
    exponent = re.search(r"[eE]\s*([+-]?\d+)\s*$", text)
    if len(text) > 400 or (exponent and abs(int(exponent.group(1))) > 400):
        raise InputError(f"{flag} must be a finite number within float range, got {text[:40]!r}")
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        try:
            number = float(text)
        except ValueError:
            raise InputError(f"{flag} must be a number, got {text!r}") from None
        if not math.isfinite(number):
            raise InputError(f"{flag} must be a finite number, got {text!r}") from None
        raise InputError(f"{flag} must be a number, got {text!r}") from None
    if abs(value) > sys.float_info.max:
        raise InputError(f"{flag} must be a finite number within float range, got {text!r}")
    return sp.Rational(value.numerator, value.denominator)


# --------------------------------------------------------------------------- validators


def validate_instance(instance: Any) -> Instance:
    """Return ``instance`` if it is an :class:`~nashalign.instance.Instance`, else raise.

    Examples
    --------
    >>> validate_instance(Instance(["x", "y"], [1, 0], [[1, 0], [0, 1]], n=3)).K
    2
    """
    if not isinstance(instance, Instance):
        raise InputError(f"expected a nashalign Instance, got {type(instance).__name__}")
    return instance


def validate_tau(tau: float, K: int) -> float:
    """Validate the exclusion threshold: finite and in the open interval (0, 1/K).

    Examples
    --------
    >>> validate_tau(0.05, 5)
    0.05
    """
    t = finite_number(tau, "tau")
    if not 0.0 < t < 1.0 / K:
        raise InputError(f"tau must lie in (0, 1/K) = (0, {1.0 / K:.6g}) for K = {K}, got {t:g}")
    return t


def validate_focal(focal: int | str | None, names: Sequence[str]) -> int | None:
    """Index of the focal subpopulation, given by index or name (None stays None).

    Examples
    --------
    >>> validate_focal("b", ["a", "b"]), validate_focal(0, ["a", "b"])
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
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise InputError(f"{what} must be finite, got {v}")
    return v
