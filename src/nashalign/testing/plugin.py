"""An opt-in pytest plugin: every test that takes ``nashalign_case`` runs once per case.

Load it explicitly (it has no entry point, so it never loads by itself)::

    pytest -p nashalign.testing.plugin --nashalign-random 20 --nashalign-seed 1

and write::

    def test_my_solver(nashalign_case):
        nashalign_case.check(my_solver)   # my_solver(request) -> answer

Options: ``--nashalign-seed`` (default 0), ``--nashalign-random`` (random cases
besides the frozen ones, default 10), ``--nashalign-atol``/``--nashalign-rtol``
(available to tests as the ``nashalign_tolerance`` fixture, ``(atol, rtol)``).
"""

from __future__ import annotations

from typing import Any

import pytest

from nashalign.testing.cases import load_cases, random_cases
from nashalign.testing.oracles import DEFAULT_ATOL, DEFAULT_RTOL

__all__ = ["nashalign_tolerance", "pytest_addoption", "pytest_generate_tests"]


def pytest_addoption(parser: Any) -> None:
    """Add the ``--nashalign-*`` options."""
    group = parser.getgroup("nashalign", "nashalign solver cases")
    group.addoption("--nashalign-seed", type=int, default=0, help="seed of the random cases")
    group.addoption("--nashalign-random", type=int, default=10, help="number of random cases")
    group.addoption("--nashalign-atol", type=float, default=DEFAULT_ATOL, help="absolute tolerance")
    group.addoption(
        "--nashalign-rtol", type=float, default=DEFAULT_RTOL, help="relative backward error"
    )


def pytest_generate_tests(metafunc: Any) -> None:
    """Parametrize ``nashalign_case`` over the frozen and random cases."""
    if "nashalign_case" in metafunc.fixturenames:
        opt = metafunc.config.getoption
        cases = load_cases() + random_cases(opt("nashalign_seed"), opt("nashalign_random"))
        metafunc.parametrize("nashalign_case", cases, ids=[c.id for c in cases])


@pytest.fixture
def nashalign_tolerance(request: Any) -> tuple[float, float]:
    """``(atol, rtol)`` from the command line."""
    return request.config.getoption("nashalign_atol"), request.config.getoption("nashalign_rtol")
