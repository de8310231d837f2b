"""Heterogeneous closed form: per-agent bordered solves and one system for S."""

from __future__ import annotations

import pytest
import sympy as sp
from nashalign.derivations import derive

from nashalign.symbolic.symbols import r


def test_two_agents_interaction_and_own_matrix():
    rec = derive("heterogeneous", K=2, N=2)
    assert rec.verified
    assert rec.expressions["Q"] == r * sp.eye(2)
    C1 = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"c1_{min(i, j) + 1}{max(i, j) + 1}"))
    assert (rec.expressions["G_1"] - (2 * C1 - r * sp.eye(2))).applyfunc(sp.expand).is_zero_matrix


@pytest.mark.slow
def test_heterogeneous_three_agents():
    rec = derive("heterogeneous", K=2, N=3)
    assert rec.verified
