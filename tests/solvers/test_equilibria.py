"""The whole equilibrium set: brute force, random instances, exactness, stability, concavity."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import instances, log_uniform

from nashalign.errors import InputError
from nashalign.instance import Instance
from nashalign.solvers.closed_form import symmetric_ne
from nashalign.solvers.equilibria import (
    all_equilibria,
    certify_profile,
    concavity,
    enumeration_size,
    grid_counts,
    in_reach,
    multi_start,
)
from nashalign.solvers.iterative import potential, solve_arrays
from nashalign.solvers.linalg import perp_basis
from nashalign.solvers.metrics import nash_conv

#: NashConv tolerance for returned profiles (utility units), relative to the data scale.
NC_RTOL = 1e-9


def scale(a, C, s, r):
    return 1.0 + s * float(np.max(np.abs(a))) + 2.0 * float(np.max(np.abs(C))) + abs(r)


# ------------------------------------------------------------------ independent sympy brute force


def sympy_equilibria(A, Cs, s, r, N):
    """Every isolated NE by solving every support tuple's KKT system with SymPy."""
    K = len(A[0])
    rho = sp.Rational(r) / (N - 1) if N > 1 else 0
    s = sp.Rational(s)
    Aq = [[sp.Rational(float(x)) for x in row] for row in A]
    Cq = [[[sp.Rational(float(x)) for x in row] for row in Cm] for Cm in Cs]
    w = [[sp.Symbol(f"w{m}_{k}") for k in range(K)] for m in range(N)]
    lam = [sp.Symbol(f"l{m}") for m in range(N)]
    subsets = [S for n in range(1, K + 1) for S in itertools.combinations(range(K), n)]
    out = set()
    for sup in itertools.product(subsets, repeat=N):
        sub = {w[m][k]: 0 for m in range(N) for k in range(K) if k not in sup[m]}
        g = [
            [
                s * Aq[m][k]
                - 2 * sum(Cq[m][k][j] * w[m][j] for j in range(K))
                - rho * sum(w[j][k] for j in range(N) if j != m)
                for k in range(K)
            ]
            for m in range(N)
        ]
        eqs = [g[m][k].subs(sub) - lam[m] for m in range(N) for k in sup[m]]
        eqs += [sum(w[m][k] for k in sup[m]) - 1 for m in range(N)]
        unknowns = [w[m][k] for m in range(N) for k in sup[m]] + lam
        sol = sp.solve(eqs, unknowns, dict=True)
        if len(sol) != 1 or len(sol[0]) != len(unknowns):
            continue  # no solution or a continuum (not in these instances)
        full = {**sub, **sol[0]}
        W = [[sp.nsimplify(w[m][k].subs(full)) for k in range(K)] for m in range(N)]
        if any(W[m][k] <= 0 for m in range(N) for k in sup[m]):
            continue
        if any(
            g[m][k].subs(full) > full[lam[m]] for m in range(N) for k in range(K) if k not in sup[m]
        ):
            continue
        out.add(tuple(tuple(Fraction(int(x.p), int(x.q)) for x in row) for row in W))
    return out


HAND = [
    # (a, C, s, r, N): exactly representable data
    ([0.5, 0.25], [[0.25, 0.0], [0.0, 0.125]], 1.0, 2.0, 2),
    ([0.5, 0.25, 0.125], [[0.125, 0.0, 0.0], [0.0, 0.0625, 0.0], [0.0, 0.0, 0.25]], 1.0, 3.0, 2),
    ([0.0, 0.0, 0.0], [[0.0625, 0.0, 0.0], [0.0, 0.0625, 0.0], [0.0, 0.0, 0.0625]], 0.0, 4.0, 2),
    ([0.5, 0.25, 0.125], [[0.5, 0.25, 0.0], [0.25, 0.5, 0.0], [0.0, 0.0, 0.25]], 2.0, 1.0, 2),
    ([0.5, 0.25], [[0.25, 0.0], [0.0, 0.125]], 1.0, 4.0, 3),
]


@pytest.mark.parametrize("case", range(len(HAND)))
def test_matches_independent_sympy_enumeration(case):
    a, C, s, r, N = HAND[case]
    es = all_equilibria(a, C, s, 1.0, r, N)
    assert es.exact and es.complete and not any(e.continuum for e in es.equilibria)
    mine = {e.exact_profile for e in es.equilibria}
    ref = sympy_equilibria([a] * N, [C] * N, s, r, N)
    assert mine == ref


def test_heterogeneous_matches_sympy():
    A = [[0.5, 0.25, 0.0], [0.0, 0.25, 0.5]]
    Cs = [np.diag([0.25, 0.125, 0.25]).tolist(), np.diag([0.125, 0.25, 0.0625]).tolist()]
    es = all_equilibria(A, Cs, 1.0, 1.0, 2.0, 2)
    assert not es.homogeneous and es.exact
    assert {e.exact_profile for e in es.equilibria} == sympy_equilibria(A, Cs, 1.0, 2.0, 2)


# ------------------------------------------------------------------ grid brute force (K = 2)


def _br_gain_k2(a, C, s, r, t_own, t_other):
    """Best-response gain of an agent at t_own = w_0 against t_other (K = 2, N = 2)."""
    # u(t) = s(a0 t + a1 (1-t)) - [c00 t^2 + 2 c01 t (1-t) + c11 (1-t)^2] - r (t o + (1-t)(1-o))
    c00, c01, c11 = C[0][0], C[0][1], C[1][1]
    q = c00 - 2 * c01 + c11  # u = -q t^2 + b t + const
    b = s * (a[0] - a[1]) - 2 * c01 + 2 * c11 - r * (2 * t_other - 1)
    u = lambda t: -q * t**2 + b * t  # noqa: E731
    cands = [np.zeros_like(t_own), np.ones_like(t_own)]
    if q > 0:
        cands.append(np.clip(b / (2 * q), 0.0, 1.0))
    best = np.max([u(c) for c in cands], axis=0)
    return best - u(t_own)


def test_k2_grid_search_finds_nothing_else():
    a, C, s, r = [0.5, 0.25], [[0.0625, 0.0], [0.0, 0.0625]], 0.5, 2.0
    es = all_equilibria(a, C, s, 1.0, r, 2)
    h = 1 / 400
    t = np.arange(0, 1 + h / 2, h)
    T1, T2 = np.meshgrid(t, t, indexing="ij")
    nc = _br_gain_k2(a, C, s, r, T1, T2) + _br_gain_k2(a, C, s, r, T2, T1)
    found = np.array([[e.profile[0, 0], e.profile[1, 0]] for e in es.equilibria])
    assert len(found) >= 3  # specialisations and the symmetric point
    # every returned NE is (near) a zero of the grid NashConv ...
    for p in found:
        i, j = np.round(p / h).astype(int)
        assert nc[i, j] <= 10 * h * scale(a, C, s, r)
    # ... and every grid point with a tiny NashConv is next to a returned NE
    near = np.argwhere(nc <= 1e-3 * h)
    for i, j in near:
        assert np.min(np.max(np.abs(found - [t[i], t[j]]), axis=1)) <= 3 * h


# ------------------------------------------------------------------ random instances


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    inst=instances(k_min=2, k_max=4),
    s=log_uniform(1e-2, 1e2),
    r=log_uniform(1e-2, 1e2),
    N=st.integers(2, 3),
)
def test_random_instances(inst, s, r, N):
    a, C = inst
    es = all_equilibria(a, C, s, 1.0, r, N)
    assert es.equilibria, "an NE always exists"
    tol = NC_RTOL * scale(a, C, s, r)
    for e in es.equilibria:
        # exact ones to rounding; float-certified continua (LP representative) to 1e-7
        assert nash_conv(e.profile, a, C, s, 1.0, r) <= (tol if e.exact else 1e2 * tol)
        if e.exact and not e.continuum:
            assert certify_profile(e.exact_profile, a, C, s, 1.0, r)
    # Theorem 1's point is in the set when it is interior (and well conditioned)
    try:
        cf = symmetric_ne(a, C, s, 1.0, r, n_agents=N)
    except InputError:
        cf = None
    # (only where C is exactly PSD: otherwise an interior KKT point may be exactly a
    # saddle of an agent's own problem, and the exact set rightly drops it)
    c_psd = not any("not exactly PSD" in n for n in es.notes)
    if c_psd and cf is not None and cf.interior and min(cf.weights) > 1e-6 and cf.cond_alpha < 1e6:
        assert es.symmetric_interior is not None
        np.testing.assert_allclose(es.symmetric_interior.profile[0], cf.weights, atol=1e-8)
    if es.concavity.strictly_concave:
        assert es.unique
    # the iterative solver's NE is one of them (or on a continuum)
    res = solve_arrays(a, C, s, 1.0, r, N)
    # (a float NE far from every exact one must fail the exact check: e.g. a = (1, 1e-167, 0))
    if res.converged and not any(e.continuum for e in es.equilibria):
        if min(np.max(np.abs(e.profile - res.profile)) for e in es.equilibria) > 1e-6:
            assert not certify_profile(res.profile, a, C, s, 1.0, r)


@settings(max_examples=25, deadline=None)
@given(inst=instances(k_min=2, k_max=5), r=st.floats(-2.0, 5.0), N=st.integers(2, 4))
def test_concavity_formula_matches_the_compressed_hessian(inst, r, N):
    a, C = inst
    K = len(a)
    Z = perp_basis(K)
    rho = r / (N - 1)
    Q = np.kron(np.eye(N), 2 * C) + rho * np.kron(np.ones((N, N)) - np.eye(N), np.eye(K))
    P = np.kron(np.eye(N), Z)
    ev = np.linalg.eigvalsh(P.T @ Q @ P)
    mu = np.linalg.eigvalsh(Z.T @ C @ Z)
    expected = np.sort(np.concatenate([2 * mu + r, np.repeat(2 * mu - rho, N - 1)]))
    np.testing.assert_allclose(np.sort(ev), expected, atol=1e-9 * (1 + abs(r) + np.abs(C).max()))
    c = concavity(a, C, 1.0, 1.0, r, N)
    lo, hi = c.r_interval
    assert lo == pytest.approx(-2 * mu[0], abs=1e-12) and hi == pytest.approx(
        2 * (N - 1) * mu[0], abs=1e-12
    )
    margin = 1e-9 * (1 + abs(r))
    if lo + margin < r < hi - margin:
        assert c.concave
    if r < lo - margin or r > hi + margin:
        assert not c.concave


def test_concavity_is_exact_at_the_boundary():
    C = np.eye(3) / 4  # mu = 1/4 on 1-perp: concave iff -1/2 <= r <= 1/2 (N = 2)
    assert concavity([0, 0, 0], C, 1.0, 1.0, 0.5, 2).concave
    assert not concavity([0, 0, 0], C, 1.0, 1.0, 0.5, 2).strictly_concave
    assert not concavity([0, 0, 0], C, 1.0, 1.0, 0.5 + 2**-40, 2).concave
    assert concavity([0, 0, 0], C, 1.0, 1.0, -0.5, 2).concave
    assert not concavity([0, 0, 0], C, 1.0, 1.0, -0.5 - 2**-40, 2).concave
    assert concavity([0, 0, 0], C, 1.0, 1.0, 1.0, 3).r_interval_exact == ("-1/2", "1")


# ------------------------------------------------------------------ multi-NE, continua, mutation


def test_near_zero_C_large_r_gives_every_specialisation():
    K, c = 3, 2.0**-10
    a, C = [0.0] * K, np.eye(K) * c
    es = all_equilibria(a, C, 0.0, 1.0, 8.0, 2)
    assert es.exact and not es.concavity.concave
    mine = {e.exact_profile for e in es.equilibria}
    assert mine == sympy_equilibria([a, a], [C, C], 0.0, 8.0, 2)
    one = Fraction(1)
    half = Fraction(1, 2)
    for i in range(K):  # agent 1 specialises in i, agent 2 spreads over the rest
        W1 = tuple(one if k == i else 0 for k in range(K))
        W2 = tuple(0 if k == i else half for k in range(K))
        assert (W1, W2) in mine and (W2, W1) in mine
    for e in es.equilibria:  # specialised pairs of vertices are the strict local maxima
        if all(len(S) == 1 for S in e.supports):
            assert e.stability == "strict local max"
    assert es.counts["asymmetric"] >= 2 * K


def test_continuum_is_reported_not_dropped():
    # C = 0, equal a: agent 2 is indifferent between the subpopulations agent 1 avoids
    es = all_equilibria([1.0, 1.0, 1.0], np.zeros((3, 3)), 1.0, 1.0, 1.0, 2)
    cont = [e for e in es.equilibria if e.continuum]
    assert cont and all(e.dimension >= 1 for e in cont)
    assert all(e.stability in ("degenerate", "saddle") for e in cont)
    for e in es.equilibria:
        assert nash_conv(e.profile, [1.0] * 3, np.zeros((3, 3)), 1.0, 1.0, 1.0) <= 1e-12
    assert any("continua" in n for n in es.notes)


def test_mutation_fails_the_exact_check():
    inst = Instance.resolve("bigfive")
    es = all_equilibria(inst.a, inst.C, 1.0, 1.0, 1.0, 2)
    eps = Fraction(1, 10**6)
    for e in es.equilibria[:6]:
        W = [list(row) for row in e.exact_profile]
        assert certify_profile(W, inst.a, inst.C, 1.0, 1.0, 1.0)
        k = max(range(inst.K), key=lambda j: W[0][j])
        j = (k + 1) % inst.K
        W[0][k] -= eps
        W[0][j] += eps
        assert not certify_profile(W, inst.a, inst.C, 1.0, 1.0, 1.0)
        assert nash_conv(np.array(W, dtype=float), inst.a, inst.C, 1.0, 1.0, 1.0) > 0


def test_stability_against_the_potential():
    """Strict local maxima decrease Phi under small feasible moves; saddles admit a rise."""
    a, C, s, r = [0.5, 0.25, 0.125], np.diag([0.0625, 0.125, 0.0625]), 1.0, 3.0
    es = all_equilibria(a, C, s, 1.0, r, 2)
    rng = np.random.default_rng(1)
    kinds = {e.stability for e in es.equilibria}
    assert "strict local max" in kinds and "saddle" in kinds
    for e in es.equilibria:
        phi0 = potential(e.profile, a, C, s, 1.0, r)
        rises = 0
        for _ in range(400):
            D = rng.normal(size=e.profile.shape)
            D -= D.mean(axis=1, keepdims=True)
            D[e.profile == 0] = np.abs(D[e.profile == 0])
            D -= np.where(e.profile > 0, 1, 0) * (
                D.sum(axis=1, keepdims=True)
                / np.maximum((e.profile > 0).sum(axis=1, keepdims=True), 1)
            )
            W = e.profile + 1e-4 * D / np.abs(D).max()
            if np.any(W < 0):
                continue
            rises += potential(W, a, C, s, 1.0, r) > phi0 + 1e-15
        if e.stability == "strict local max":
            assert rises == 0
        # a saddle's rising direction lies in its face: search it there
        if e.stability == "saddle":
            found = False
            for _ in range(2000):
                D = np.where(e.profile > 0, rng.normal(size=e.profile.shape), 0.0)
                D -= np.where(e.profile > 0, 1, 0) * (
                    D.sum(axis=1, keepdims=True) / (e.profile > 0).sum(axis=1, keepdims=True)
                )
                W = e.profile + 1e-3 * D / max(np.abs(D).max(), 1e-300)
                if np.all(W >= 0) and potential(W, a, C, s, 1.0, r) > phi0 + 1e-14:
                    found = True
                    break
            assert found


# ------------------------------------------------------------------ shipped instances, API


def test_bigfive_has_many_equilibria():
    inst = Instance.resolve("bigfive")
    es = all_equilibria(inst.a, inst.C, 1.0, 1.0, 1.0, 2)
    c = es.counts
    # bigfive speaks the IPIP-NEO-120 items (re-estimated; was 25 NE with the CC0 stand-ins)
    assert c["total"] == 9 and c["orbits"] == 5 and c["symmetric"] == 1
    assert es.exact and es.complete and not es.unique and not es.concavity.concave
    assert es.symmetric_interior is not None and es.symmetric_interior.stability == "saddle"
    assert c["with_exclusion"] == 8 and c["stable"] == 2
    js = es.to_json(list(inst.names))
    assert js["counts"]["total"] == 9 and js["equilibria"][0]["symmetric"]
    import json

    json.dumps(js, allow_nan=False)


def test_grid_counts_agree_with_the_exact_set():
    inst = Instance.resolve("politics")
    s_vals, r_vals = np.array([0.1, 1.0, 10.0]), np.array([0.05, 1.0, 20.0])
    g = grid_counts(inst.a, inst.C, s_vals, r_vals, 2)
    for i, r in enumerate(r_vals):
        for j, s in enumerate(s_vals):
            es = all_equilibria(inst.a, inst.C, s, 1.0, r, 2)
            assert g["total"][i, j] == es.counts["total"]
            assert g["symmetric"][i, j] == es.counts["symmetric"]
            assert g["with_exclusion"][i, j] == es.counts["with_exclusion"]


def test_multi_start_finds_certified_equilibria():
    inst = Instance.resolve("bigfive")
    eqs = multi_start(inst.a, inst.C, 1.0, 1.0, 1.0, 6, starts=4)
    assert eqs and all(e.nashconv <= 1e-10 for e in eqs)
    assert all("not exhaustive" in e.certificate for e in eqs)


def test_sizes_and_reach():
    assert enumeration_size(4, 3) == math.comb(17, 3)
    assert enumeration_size(4, 3, homogeneous=False) == 15**3
    assert in_reach(6, 4) and in_reach(5, 4, homogeneous=False) and not in_reach(6, 5)


def test_single_agent_is_its_own_optimum():
    es = all_equilibria([0.5, 0.2], np.eye(2), 1.0, 1.0, 3.0, 1)
    assert es.unique and es.r == 0.0
    np.testing.assert_allclose(es.equilibria[0].profile, [[0.575, 0.425]])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"beta_i": 0.0}, "beta_i must be > 0"),
        ({"beta_a": [1.0, 2.0]}, "scalar"),
        ({"tau": 1.5}, "tau must lie"),
        ({"tau": "x"}, "tau must be a number"),
        ({"n_agents": 0}, "number of agents"),
        ({"max_systems": 3}, "support systems"),
        ({"C": [[1.0, 2.0], [2.0, 1.0]]}, "not positive semidefinite"),
        ({"a": [1.0, float("nan")]}, "NaN"),
    ],
)
def test_bad_input(kwargs, message):
    args = {
        "a": [0.5, 0.2],
        "C": np.eye(2),
        "beta_a": 1.0,
        "beta_i": 1.0,
        "beta_d": 1.0,
        "n_agents": 2,
    }
    extra = {k: kwargs.pop(k) for k in ("tau", "max_systems") if k in kwargs}
    args.update(kwargs)
    with pytest.raises(InputError, match=message):
        all_equilibria(**args, **extra)


def test_certify_profile_rejects_bad_shapes():
    with pytest.raises(InputError):
        certify_profile([[0.5, 0.5, 0.0]], [0.5, 0.2], np.eye(2), 1.0, 1.0, 1.0)
    assert not certify_profile([[0.6, 0.6]], [0.5, 0.2], np.eye(2), 1.0, 1.0, 1.0)
