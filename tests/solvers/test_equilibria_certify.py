"""certify_profile: the exact check of a given profile, concave or not (issue 17)."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np

from nashalign.solvers.equilibria import certify_profile

C0 = np.zeros((2, 2))


def test_unequal_gradients_on_a_support_are_not_an_equilibrium():
    assert certify_profile([[1, 0], [0, 1]], [1.0, 1.0], C0, 0.0, 1.0, 1.0)
    assert not certify_profile([[F(1, 2), F(1, 2)], [0, 1]], [1.0, 1.0], C0, 0.0, 1.0, 1.0)


def test_profiles_off_the_simplex_are_rejected():
    assert not certify_profile([[F(1, 2), F(1, 4)], [0, 1]], [1.0, 1.0], C0, 0.0, 1.0, 1.0)
    assert not certify_profile([[F(3, 2), F(-1, 2)], [0, 1]], [1.0, 1.0], C0, 0.0, 1.0, 1.0)


def test_kkt_points_off_the_simplex_are_rejected():
    # C = 0, r = 0, equal a: every gradient is s a = 1, so every mixture profile is an
    # NE and the KKT conditions hold for *any* nonnegative matrix; only the simplex
    # check tells the rows summing to 3/4 or 2 apart
    a = [1.0, 1.0]
    assert certify_profile([[F(1, 2), F(1, 2)], [0, 1]], a, C0, 1.0, 1.0, 0.0)
    assert not certify_profile([[F(1, 2), F(1, 4)], [0, 1]], a, C0, 1.0, 1.0, 0.0)
    assert not certify_profile([[1, 1], [0, 1]], a, C0, 1.0, 1.0, 0.0)


def test_kkt_point_of_an_indefinite_C_is_checked_as_a_best_response():
    # C = [[1, 1], [1, 1 - 2^-40]] is exactly indefinite. At r = 0 the vertex
    # w = C^-1 1 / 1'C^-1 1 = e_0 satisfies the KKT conditions (with a tie), but e_1 is
    # strictly better for each agent by 2^-40: not a best response, exactly.
    C = np.array([[1.0, 1.0], [1.0, 1.0 - 2.0**-40]])
    a = [0.0, 0.0]
    w = [F(1), F(0)]
    assert not certify_profile([w, w], a, C, 1.0, 1.0, 0.0)


def test_continua_are_exact_and_fold_their_boundary_points():
    from nashalign.solvers.equilibria import all_equilibria

    # no interaction, two tied best subpopulations: one 2-dimensional continuum whose
    # closure holds every pure and one-sided NE
    es = all_equilibria([1.0, 1.0, 0.0], np.zeros((3, 3)), 1.0, 1.0, 0.0, 2)
    assert es.complete and es.exact
    [e] = es.equilibria
    assert e.continuum and e.dimension == 2 and e.supports == ((0, 1), (0, 1))
    assert all(x > 0 for row in e.exact_profile for x in row[:2])
    # every point of the continuum near the representative is an NE, exactly
    for u in e.exact_directions:
        step = [F(int(x.p), int(x.q)) / 64 for x in u]
        moved = [[e.exact_profile[m][k] + step[m * 3 + k] for k in range(3)] for m in range(2)]
        assert certify_profile(moved, [1.0, 1.0, 0.0], np.zeros((3, 3)), 1.0, 1.0, 0.0)
    # alpha = 0 (C = 0, r = 0): a continuum of symmetric interior NE, summarised as such
    es = all_equilibria([1.0, 1.0, 1.0], np.zeros((3, 3)), 1.0, 1.0, 0.0, 2)
    assert es.symmetric_interior_continuum == 2
    [e] = es.equilibria
    assert e.continuum and e.dimension == 4


def test_a_negative_diversity_weight_says_where_theorem_3_is_stated():
    # Theorem 3's "iff" is stated for beta_D >= 0; below it the exact test still decides
    # concavity, and the condition says which end of the interval binds.
    from nashalign.solvers.equilibria import all_equilibria

    C = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 1.5]])
    note = "Theorem 3's 'iff' is stated for beta_D >= 0"
    below = all_equilibria([0.3, 0.1, 0.2], C, 1.0, 1.0, -0.05, 2).concavity
    above = all_equilibria([0.3, 0.1, 0.2], C, 1.0, 1.0, 0.05, 2).concavity
    assert note in below.condition and "-2 mu_min <= r binds" in below.condition
    assert note not in above.condition
    assert below.exact and above.exact
