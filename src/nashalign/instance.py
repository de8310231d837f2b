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
from nashalign.validation import (  # noqa: F401  (re-exported: the validators' old home)
    MAX_AGENTS,
    MAX_FILE_BYTES,
    MAX_JSON_DEPTH,
    MAX_NAME_LENGTH,
    MAX_RATIO,
    PSD_TOL,
    SYM_TOL,
    finite_array,
    finite_number,
    loads_bounded,
    validate_a_C,
    validate_betas,
    validate_n_agents,
    validate_names,
    validate_tau,
)

if TYPE_CHECKING:  # sympy is imported lazily
    from sympy import Rational


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
        d = loads_bounded(text, f"instance file {p}")
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


#: Committed instances of one dataset scored by different models (the book's
#: comparison of scoring models): dataset -> backend -> file stem under data/instances/.
MODEL_COMPARISON: dict[str, dict[str, str]] = {
    "bigfive": {"embedding": "bigfive", "causal-lm": "bigfive_gemma3-270m"},
}


def model_comparison_paths() -> dict[str, dict[str, Path]]:
    """Paths of the committed instances in :data:`MODEL_COMPARISON`.

    Examples
    --------
    >>> paths = model_comparison_paths()["bigfive"]
    >>> sorted(paths), paths["causal-lm"].name
    (['causal-lm', 'embedding'], 'bigfive_gemma3-270m.json')
    """
    base = resources.files("nashalign").joinpath("data").joinpath("instances")
    return {
        dataset: {b: Path(str(base.joinpath(f"{stem}.json"))) for b, stem in by_backend.items()}
        for dataset, by_backend in MODEL_COMPARISON.items()
    }


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
