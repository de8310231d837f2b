"""A kit to regression-test your own Nash-equilibrium solver against the exact forms.

Install with the ``testing`` extra (``pip install "nashalign[testing]"``; it adds
only ``hypothesis``, for :mod:`nashalign.testing.strategies`).

* :mod:`nashalign.testing.strategies`: public hypothesis strategies (score
  matrices hence PSD ``C``, instances, populations, betas over many orders of
  magnitude, near-singular and tied cases);
* :mod:`nashalign.testing.oracles`: the exact equilibrium set, Theorem 1's closed
  form, and :func:`assert_ne_close` (tolerance ``atol + rtol * cond``, stated in
  every failure);
* :mod:`nashalign.testing.cases`: frozen exact cases (JSON with a schema, shipped,
  written by :mod:`nashalign.testing.generate`), seeded random cases, the
  ``nashalign.solve-request`` protocol and the judge;
* :mod:`nashalign.testing.check`: :func:`check_solver`, :func:`parametrize` and the
  runner behind ``nashalign check-solver --python MOD:FN | --cmd "EXE ARGS"``;
* :mod:`nashalign.testing.examples`: a right solver and two wrong ones;
* :mod:`nashalign.testing.plugin`: an opt-in pytest plugin
  (``pytest -p nashalign.testing.plugin``; never loaded automatically).

Examples
--------
>>> from nashalign.testing import check_solver
>>> from nashalign.testing.examples import reference_solver, uniform_solver
>>> check_solver(reference_solver, n_random=2).ok
True
>>> check_solver(uniform_solver, n_random=2, raise_on_failure=False).ok
False
"""

from nashalign.testing.cases import (
    Case,
    CaseResult,
    load_cases,
    random_cases,
    request_model,
)
from nashalign.testing.check import CheckReport, check_solver, parametrize, run_check_solver
from nashalign.testing.oracles import (
    assert_ne_close,
    exact_closed_form,
    exact_equilibria,
    targets,
)

__all__ = [
    "Case",
    "CaseResult",
    "CheckReport",
    "assert_ne_close",
    "check_solver",
    "exact_closed_form",
    "exact_equilibria",
    "load_cases",
    "parametrize",
    "random_cases",
    "request_model",
    "run_check_solver",
    "targets",
]
