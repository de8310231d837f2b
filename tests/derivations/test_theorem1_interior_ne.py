"""Theorem 1: the closed-form interior NE, its derived objects and its agent checks."""

from __future__ import annotations

import pytest
import sympy as sp
from nashalign.derivations import derive, theorem1_interior_ne
from sympy.polys.matrices import DomainMatrix

from nashalign.symbolic.bordered import closed_form_parts


def test_theorem1_spread_matrix_differs_from_overlap():
    over = derive("theorem1", K=2)
    spread = derive("theorem1", K=2, variant="spread")
    r = sp.Symbol("r")
    assert sp.expand(over.expressions["M"][0, 0] - spread.expressions["M"][0, 0]) == -r


def test_theorem1_k5_verifies_without_expressions():
    rec = theorem1_interior_ne.derive(K=5, expressions=False)
    assert rec.verified is True


def test_k2_closed_form_solves_the_bordered_system_by_lusolve():
    rec = derive("theorem1", K=2)
    a1, a2, s = sp.symbols("a1 a2 s")
    M = rec.expressions["M"]
    B = M.row_join(sp.ones(2, 1)).col_join(sp.Matrix([[1, 1, 0]]))
    ref = B.LUsolve(sp.Matrix([s * a1, s * a2, 1]))
    ws = rec.expressions["w_star"]
    assert all(sp.cancel(ws[k] - ref[k]) == 0 for k in range(2))
    assert sp.cancel(rec.expressions["lambda_star"] - ref[2]) == 0
    assert sp.expand(rec.expressions["det_M"] - M.det()) == 0


@pytest.mark.parametrize("K", [2, 3])
def test_w_star_splits_as_w0_plus_s_v(K):
    rec = derive("theorem1", K=K)
    s = sp.Symbol("s")
    ex = rec.expressions
    assert all(sp.cancel(ex["w_star"][k] - ex["w0"][k] - s * ex["v"][k]) == 0 for k in range(K))
    assert sp.cancel(sum(ex["v"])) == 0


def test_agent_check_rejects_a_perturbed_solution():
    parts = closed_form_parts(2)
    from nashalign.symbolic.game import Game

    g2 = Game.from_variant("overlap", K=2, N=2)
    assert theorem1_interior_ne._verify_agents(parts, g2)
    bumped = DomainMatrix.ones((2, 1), parts.domain)
    wrong = type(parts)(**{**vars(parts), "w_num": parts.w_num + bumped})
    assert not theorem1_interior_ne._verify_agents(wrong, g2)
