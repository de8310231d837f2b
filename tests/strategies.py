"""Shared hypothesis strategies, from the public kit :mod:`nashalign.testing.strategies`.

Usage::

    from strategies import instances, beta_triples

    @given(instances(), beta_triples())
    def test_something(inst, betas): ...
"""

from __future__ import annotations

from nashalign.testing.strategies import (  # noqa: F401
    KINDS,
    beta_triples,
    incentives,
    instances,
    log_uniform,
    near_singular_instances,
    populations,
    rational_instances,
    rationals,
    score_matrices,
    simplex_points,
    tied_instances,
)
