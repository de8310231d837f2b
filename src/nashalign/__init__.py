"""nashalign: a symbolic-mathematics companion to the game of LLM active alignment.

Populations of LLM agents each choose a mixture ``w_m`` over ``K`` human
subpopulations, trading attractiveness ``a``, inconsistency ``C`` and a
diversity incentive. nashalign derives the model's theorems with SymPy
(:mod:`nashalign.derivations`), verifies them as exact identities, cross-checks
them against float solvers (:mod:`nashalign.solvers.closed_form`,
:mod:`nashalign.solvers`), estimates real instances with a transformer scorer
(:mod:`nashalign.scoring`) and publishes everything as a Jupyter Book.

The public names below are imported lazily, so ``import nashalign`` stays fast.

Examples
--------
>>> import nashalign
>>> nashalign.__version__
'0.1.0'
>>> nashalign.derive("theorem1", K=2).verified
True
>>> ne = nashalign.exact_symmetric_ne([1, 0], [[1, 0], [0, 1]], s=2, r=1)
>>> ne.weights
[5/6, 1/6]
"""

from __future__ import annotations

import importlib
from typing import Any

from nashalign.errors import DegenerateError, InputError, NashalignError
from nashalign.instance import Instance
from nashalign.version import __version__

_LAZY = {
    "Game": "nashalign.symbolic.game",
    "DerivationRecord": "nashalign.symbolic.records",
    "NAMES": "nashalign.derivations",
    "derive": "nashalign.derivations",
    "verify_all": "nashalign.derivations",
    "exact_symmetric_ne": "nashalign.exact.evaluate",
    "steer": "nashalign.exact.steering",
    "exclusion_threshold": "nashalign.exact.steering",
    "symmetric_ne": "nashalign.solvers.closed_form",
    "symmetric_equilibria": "nashalign.solvers.support",
    "solve": "nashalign.solvers.iterative",
    "best_response": "nashalign.solvers.metrics",
    "nash_conv": "nashalign.solvers.metrics",
    "symmetric_ne_mp": "nashalign.solvers.highprec",
    "run_crosscheck": "nashalign.studies.crosscheck",
}

__all__ = [
    "DegenerateError",
    "InputError",
    "Instance",
    "NashalignError",
    "__version__",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'nashalign' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
