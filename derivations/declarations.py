"""What a derivation module may declare for the registry, and the defaults it gets otherwise.

A module of :mod:`nashalign.derivations` declares only where it differs:

- ``MAX_K``, ``MAX_N``: the largest explicit K and N that ``derive`` accepts
  (default :data:`MAX_K`, :data:`MAX_N`);
- ``DEFAULT_N``: the agents when none is given (default :data:`DEFAULT_N`);
- ``POPULATION``: ``"homogeneous"`` (default) or ``"heterogeneous"``;
- ``plan(max_k)``: the parameter dicts that ``nashalign verify --max-k max_k`` runs
  (default :func:`explicit_k`);
- optionally ``check_params(K, N)`` and ``verify_options(params)``.

Examples
--------
>>> import types
>>> declared(types.SimpleNamespace(MAX_K=7), "MAX_K"), declared(types.SimpleNamespace(), "MAX_K")
(7, 6)
"""

from __future__ import annotations

from typing import Any

from nashalign.symbolic.matrix_backend import FLINT_MIN_K

__all__ = [
    "DEFAULT_N",
    "MAX_K",
    "MAX_N",
    "POPULATION",
    "declared",
    "explicit_k",
    "explicit_k_and_one_further",
    "explicit_k_for_n_2_and_3",
]

#: Largest explicit K that ``derive`` accepts unless a module says otherwise.
MAX_K = 6
#: Largest N that ``derive`` accepts (Theorem 3 at K = 3 takes ~20 s at N = 16).
MAX_N = 12
#: Agents when none is given.
DEFAULT_N = 2
#: The population a result is stated for.
POPULATION = "homogeneous"


def explicit_k(max_k: int) -> list[dict[str, int]]:
    """K = 2..max_k.

    Examples
    --------
    >>> explicit_k(3)
    [{'K': 2}, {'K': 3}]
    """
    return [{"K": K} for K in range(2, max_k + 1)]


def explicit_k_and_one_further(max_k: int) -> list[dict[str, int]]:
    """K = 2..max_k and one K further, at least the first FLINT size: max(5, max_k + 1).

    Examples
    --------
    >>> [p["K"] for p in explicit_k_and_one_further(3)], [p["K"] for p in explicit_k_and_one_further(6)]
    ([2, 3, 5], [2, 3, 4, 5, 6, 7])
    """
    return explicit_k(max_k) + [{"K": max(FLINT_MIN_K, max_k + 1)}]


def explicit_k_for_n_2_and_3(max_k: int) -> list[dict[str, int]]:
    """K = 2..max_k, each for N = 2 and 3.

    Examples
    --------
    >>> explicit_k_for_n_2_and_3(2)
    [{'K': 2, 'N': 2}, {'K': 2, 'N': 3}]
    """
    return [{"K": K, "N": N} for K in range(2, max_k + 1) for N in (2, 3)]


_DEFAULTS: dict[str, Any] = {
    "MAX_K": MAX_K,
    "MAX_N": MAX_N,
    "DEFAULT_N": DEFAULT_N,
    "POPULATION": POPULATION,
    "plan": explicit_k,
}


def declared(module: Any, name: str) -> Any:
    """The module's declaration ``name``, or its default (the constants above, :func:`explicit_k`)."""
    return getattr(module, name, _DEFAULTS[name])
