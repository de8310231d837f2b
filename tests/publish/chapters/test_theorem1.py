"""nashalign.publish.chapters.theorem1: the derived K = 2 objects and the solver table."""

from __future__ import annotations

from nashalign.publish.chapters.theorem1 import theorem1_k2_forms, theorem1_solver_table


def test_the_k2_objects_are_display_math():
    md = theorem1_k2_forms()
    for lhs in (r"\alpha(r) =", r"\det M(r) =", "w_0(r) =", "v(r) =", r"\lambda^*(s, r) ="):
        assert lhs in md


def test_every_solver_agrees_with_the_exact_weights_on_the_shipped_instances():
    rows = theorem1_solver_table().splitlines()[2:]
    assert [r.split(" | ")[0].lstrip("| ") for r in rows] == ["bigfive", "politics", "culture"]
    for row in rows:
        float_gap, mp_gap = (float(x) for x in row.split(" | ")[4:6])
        assert float_gap < 1e-10 and mp_gap < 1e-12
