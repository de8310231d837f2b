"""The exact tools of the equilibrium set against independent exact decisions (issue 17).

* ``fm_witness`` (Fourier--Motzkin with strict and weak rows) against exact vertex
  enumeration: inside a box the closed polyhedron is the hull of its vertices, and the
  strict rows can all hold somewhere iff they hold at the vertices' barycentre.
* ``copositive`` against the closed form for 2 x 2 matrices (``s11, s22 >= 0`` and
  ``s12 >= -sqrt(s11 s22)``; strictly: ``> 0`` and ``>``), decided with squares.
* ``positive_definite_fflu`` against Sylvester's criterion from ``flint`` determinants
  of the leading principal minors.
* ``critical_cone_exact`` against exact quadratic-form values on critical-cone
  directions: a direction with ``d'Qd < 0`` means a saddle, ``d'Qd = 0`` no strict
  local maximum.
"""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import flint
from hypothesis import given, settings
from hypothesis import strategies as st

from nashalign.solvers.equilibria.exact import copositive, fm_witness, positive_definite_fflu
from nashalign.solvers.equilibria.stability import critical_cone_exact


def fq(x) -> flint.fmpq:
    x = F(x)
    return flint.fmpq(x.numerator, x.denominator)


def dot(a, z):
    return sum((F(x) * F(y) for x, y in zip(a, z, strict=True)), F(0))


def satisfies(rows, z) -> bool:
    return all((dot(a, z) < F(b)) if strict else (dot(a, z) <= F(b)) for a, b, strict in rows)


def nonempty_by_vertices(rows, d) -> bool:
    """Independent decision of ``{a.z < b (strict), a.z <= b}`` for a bounded system."""
    verts = []
    for act in itertools.combinations(rows, d):
        M = flint.fmpq_mat(d, d, [fq(x) for a, _, _ in act for x in a])
        if M.rank() < d:
            continue
        z = M.solve(flint.fmpq_mat(d, 1, [fq(b) for _, b, _ in act]))
        z = [F(int(z[i, 0].p), int(z[i, 0].q)) for i in range(d)]
        if all(dot(a, z) <= F(b) for a, b, _ in rows):
            verts.append(z)
    if not verts:
        return False
    bar = [sum((v[i] for v in verts), F(0)) / len(verts) for i in range(d)]
    return all(dot(a, bar) < F(b) for a, b, strict in rows if strict)


@st.composite
def systems(draw):
    d = draw(st.integers(1, 3))
    coef = st.integers(-3, 3)
    rows = [
        ([draw(coef) for _ in range(d)], draw(st.integers(-4, 4)), draw(st.booleans()))
        for _ in range(draw(st.integers(1, 5)))
    ]
    box = [([1 if j == i else 0 for j in range(d)], 5, False) for i in range(d)] + [
        ([-1 if j == i else 0 for j in range(d)], 5, False) for i in range(d)
    ]
    return rows + box, d


@settings(max_examples=300, deadline=None)
@given(systems())
def test_fourier_motzkin_decides_strict_systems_exactly(sys_d):
    rows, d = sys_d
    z = fm_witness([([fq(x) for x in a], fq(b), s) for a, b, s in rows], d)
    assert not isinstance(z, str)
    if z is None:
        assert not nonempty_by_vertices(rows, d)
    else:
        assert satisfies(rows, [F(int(x.p), int(x.q)) for x in z])


def test_fourier_motzkin_strict_and_weak_rows_that_meet_only_at_the_boundary():
    # z < 0 and z >= 0: empty (a weak combination would keep z = 0)
    assert fm_witness([([fq(1)], fq(0), True), ([fq(-1)], fq(0), False)], 1) is None
    # z0 + z1 < 1 with z0, z1 >= 1/2: empty; with <= 1 the single point (1/2, 1/2)
    half = fq(F(1, 2))
    rows = [([fq(-1), fq(0)], -half, False), ([fq(0), fq(-1)], -half, False)]
    assert fm_witness([([fq(1), fq(1)], fq(1), True), *rows], 2) is None
    assert fm_witness([([fq(1), fq(1)], fq(1), False), *rows], 2) == [half, half]


def copositive_2x2(s11, s12, s22, strict) -> bool:
    """Closed form: ``s_ii >= 0`` and ``s12 >= -sqrt(s11 s22)`` (strict: ``>``)."""
    if strict:
        return s11 > 0 and s22 > 0 and (s12 >= 0 or s12 * s12 < s11 * s22)
    return s11 >= 0 and s22 >= 0 and (s12 >= 0 or s12 * s12 <= s11 * s22)


@settings(max_examples=200, deadline=None)
@given(st.integers(-2, 4), st.integers(-4, 4), st.integers(-2, 4), st.booleans())
def test_copositivity_matches_the_2x2_closed_form(s11, s12, s22, strict):
    S = [[fq(s11), fq(s12)], [fq(s12), fq(s22)]]
    assert copositive(S, strict=strict) == copositive_2x2(s11, s12, s22, strict)


def test_copositive_but_not_strictly():
    # x'Sx = (x0 - x1)^2 vanishes at x = (1/2, 1/2) >= 0
    S = [[fq(1), fq(-1)], [fq(-1), fq(1)]]
    assert copositive(S) and not copositive(S, strict=True)
    # 3 x 3: x'Sx = (x0 - x1)^2 + x2^2 vanishes at (1/2, 1/2, 0)
    S3 = [[fq(1), fq(-1), fq(0)], [fq(-1), fq(1), fq(0)], [fq(0), fq(0), fq(1)]]
    assert copositive(S3) and not copositive(S3, strict=True)
    assert copositive([[fq(1), fq(0)], [fq(0), fq(1)]], strict=True)


def qform(Q, d):
    return sum(F(d[i]) * F(Q[i][j]) * F(d[j]) for i in range(len(d)) for j in range(len(d)))


def test_critical_cone_with_a_flat_face_direction_coupled_to_a_tie_is_a_saddle():
    # face {0, 1}: Y = Q00 - 2 Q01 + Q11 = 0 (a flat direction y), tie index 2 with
    # R = y'Q t != 0, P = t'Qt = 2 > 0: d = -2 (e0 - e1) + (e2 - e1) is in the cone
    # (t = 1 >= 0) and d'Qd = -2 < 0, so a saddle, not a flat local maximum
    Q = [[1, 1, 1], [1, 1, 0], [1, 0, 1]]
    d = [-2, 1, 1]
    assert sum(d) == 0 and qform(Q, d) < 0
    Qq = [[fq(x) for x in row] for row in Q]
    assert critical_cone_exact(Qq, [[0, 1]], [[2]]) == ("saddle", False)


def test_critical_cone_flat_along_a_tie_is_not_strict():
    # Q = 0 on a vertex with a tie: d = e1 - e0 is in the cone with d'Qd = 0
    Qq = [[fq(0)] * 2 for _ in range(2)]
    assert critical_cone_exact(Qq, [[0]], [[1]]) == ("degenerate", True)
    # positive curvature along the tie: strict
    Qq = [[fq(0), fq(0)], [fq(0), fq(1)]]
    assert critical_cone_exact(Qq, [[0]], [[1]]) == ("strict local max", True)


@st.composite
def cones(draw):
    """A symmetric integer ``Q`` (rank-deficient half the time), faces and ties."""
    n = draw(st.integers(2, 5))
    k = draw(st.integers(1, n))
    L = [[draw(st.integers(-2, 2)) for _ in range(k)] for _ in range(n)]
    sign = draw(st.lists(st.sampled_from([1, 1, -1]), min_size=k, max_size=k))
    Q = [[sum(sign[c] * L[i][c] * L[j][c] for c in range(k)) for j in range(n)] for i in range(n)]
    cut = draw(st.integers(1, n))
    face = list(range(cut))
    ties = [i for i in range(cut, n) if draw(st.booleans())]
    return Q, face, ties


def cone_directions(face, ties, n, rng):
    """Exact critical-cone directions ``B_f y + B_c t`` (``t >= 0``), incl. extreme ones."""
    last = face[-1]
    out = []
    for _ in range(200):
        d = [F(0)] * n
        for i in face[:-1]:
            y = F(rng.randint(-16, 16), 4)
            d[i] += y
            d[last] -= y
        for i in ties:
            t = F(rng.randint(0, 4), 4)
            d[i] += t
            d[last] -= t
        if any(d):
            out.append(d)
    return out


@settings(max_examples=150, deadline=None)
@given(cones(), st.randoms(use_true_random=False))
def test_critical_cone_verdict_is_consistent_with_exact_directions(cone, rng):
    Q, face, ties = cone
    n = len(Q)
    stab, lmax = critical_cone_exact([[fq(x) for x in row] for row in Q], [face], [ties])
    vals = [qform(Q, d) for d in cone_directions(face, ties, n, rng)]
    if any(v < 0 for v in vals):
        assert (stab, lmax) == ("saddle", False)
    if stab == "strict local max":
        assert all(v > 0 for v in vals)
    if lmax:
        assert all(v >= 0 for v in vals)


def leading_minors(S):
    return [flint.fmpz_mat([row[:k] for row in S[:k]]).det() for k in range(1, len(S) + 1)]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda n: st.lists(st.integers(-3, 3), min_size=n * n, max_size=n * n)
    )
)
def test_positive_definite_fflu_is_sylvesters_criterion(vals):
    n = int(round(len(vals) ** 0.5))
    S = [[vals[i * n + j] + vals[j * n + i] for j in range(n)] for i in range(n)]
    minors = leading_minors(S)
    pd = positive_definite_fflu(flint.fmpz_mat(S))
    if pd is True:
        assert all(m > 0 for m in minors)
    elif pd is False:
        assert any(m <= 0 for m in minors)
    else:  # undecided only where a leading minor vanishes (flint exchanged rows)
        assert any(m == 0 for m in minors)


def test_positive_definite_fflu_with_a_zero_leading_minor():
    # [[0, 1], [1, 1]] is indefinite: x = (1, -1) gives 0 - 2 + 1 = -1; with the rows
    # exchanged the pivots are 1 and 1, so they must not be read as leading minors
    S = [[0, 1], [1, 1]]
    assert qform(S, [1, -1]) < 0
    assert positive_definite_fflu(flint.fmpz_mat(S)) is not True
    assert positive_definite_fflu(flint.fmpz_mat([[2, -1], [-1, 2]])) is True
