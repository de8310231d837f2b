"""An independent exact oracle of the whole NE set (helper of tests/solvers, issue 17).

Deliberately simple, and sharing no code with ``nashalign.solvers.equilibria``:
every support profile (no symmetry reduction, no float pre-filter), its KKT equalities
solved over Q with ``flint.fmpq_mat`` (a library, not code under test), the KKT
inequalities checked exactly, and, where an agent's rational ``C`` is not PSD, its best
response computed by brute force over every face of its simplex.

Singular support profiles (continua) are decided by exact *vertex enumeration*: the
closed polytope ``P = {KKT equalities, w >= 0 on the support, g <= lam off it}`` is
bounded (its weights lie in simplices and determine the multipliers), so it is the
convex hull of its vertices, each the unique solution of the equalities plus some
active inequalities. An affine function that is ``>= 0`` on ``P`` is ``> 0``
somewhere on ``P`` iff it is ``> 0`` at the barycentre of the vertices; so the
profile carries NE (``w > 0`` on the support, exactly) iff that barycentre has every
support weight positive, and the barycentre is then one of them. (Only for exactly
PSD ``C``: there the KKT points are the NE.)

Usage::

    from equilibria_oracle import oracle, continua_oracle, in_affine_hull
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import flint

F = Fraction


def q(x: Any) -> flint.fmpq:
    if isinstance(x, flint.fmpq):
        return x
    f = F(x)
    return flint.fmpq(f.numerator, f.denominator)


def frac(x: flint.fmpq) -> Fraction:
    return F(int(x.p), int(x.q))


def solve_q(rows: list[list[flint.fmpq]], rhs: list[flint.fmpq]):
    """Unique solution over Q, or 'singular' / 'inconsistent'."""
    n = len(rows[0])
    m = len(rows)
    M = flint.fmpq_mat(m, n, [x for r in rows for x in r])
    aug = flint.fmpq_mat(m, n + 1, [x for r, b in zip(rows, rhs, strict=True) for x in r + [b]])
    if aug.rank() > M.rank():
        return "inconsistent"
    if M.rank() < n:
        return "singular"
    b = flint.fmpq_mat(m, 1, rhs)
    if m == n:
        x = M.solve(b)
    else:  # full column rank and consistent: the normal equations have the same solution
        Mt = M.transpose()
        x = (Mt * M).solve(Mt * b)
    return [x[i, 0] for i in range(n)]


def own_max(c, H):
    """max c'w - w'Hw over the simplex, by every face's stationary point (brute force)."""
    K = len(c)
    best = None
    for size in range(1, K + 1):
        for face in itertools.combinations(range(K), size):
            rows = [[2 * H[i][j] for j in face] + [q(1)] for i in face]
            rows.append([q(1)] * size + [q(0)])
            sol = solve_q(rows, [c[i] for i in face] + [q(1)])
            if isinstance(sol, str) or any(v < 0 for v in sol[:size]):
                continue
            w = dict(zip(face, sol[:size], strict=True))
            val = sum((c[i] * w[i] for i in face), q(0)) - sum(
                (w[i] * H[i][j] * w[j] for i in face for j in face), q(0)
            )
            best = val if best is None or val > best else best
    return best


def psd_q(H) -> bool:
    """Exact PSD test: every principal minor >= 0 (independent of the charpoly test)."""
    K = len(H)
    for size in range(1, K + 1):
        for S in itertools.combinations(range(K), size):
            if flint.fmpq_mat(size, size, [H[i][j] for i in S for j in S]).det() < 0:
                return False
    return True


def _systems(A, Cs, s, r, N):
    """Every support profile with its exact KKT equalities, weights and gradient rows.

    Yields ``(sup, var, rows, rhs, slack)``: ``var`` the ``(m, k)`` unknowns (then the N
    multipliers), ``rows``/``rhs`` the equalities, ``slack`` the off-support
    ``lam_m - g_mk >= 0`` as ``(coefficients, c)``: ``coefficients . x >= c``.
    """
    K = len(A[0])
    rho = q(r) / (N - 1) if N > 1 else q(0)
    g0 = [[q(s) * q(A[m][k]) for k in range(K)] for m in range(N)]
    Cq = [[[q(x) for x in row] for row in Cs[m]] for m in range(N)]
    subsets = [S for n in range(1, K + 1) for S in itertools.combinations(range(K), n)]
    for sup in itertools.product(subsets, repeat=N):
        var = [(m, k) for m in range(N) for k in sup[m]]
        pos = {v: i for i, v in enumerate(var)}
        n = len(var) + N

        def grad_row(m, k, var=var, pos=pos, n=n):  # coefficients of (Q W)_mk
            row = [q(0)] * n
            for mm, kk in var:
                if mm == m:
                    row[pos[(mm, kk)]] += 2 * Cq[m][k][kk]
                elif kk == k:
                    row[pos[(mm, kk)]] += rho
            return row

        rows, rhs = [], []
        for m, k in var:  # s a_mk - (Q W)_mk = lam_m
            row = grad_row(m, k)
            row[len(var) + m] = q(1)
            rows.append(row)
            rhs.append(g0[m][k])
        for m in range(N):
            rows.append([q(1) if mm == m else q(0) for mm, _ in var] + [q(0)] * N)
            rhs.append(q(1))
        slack = []  # lam_m + (Q W)_mk >= s a_mk
        for m in range(N):
            for k in range(K):
                if k not in sup[m]:
                    row = grad_row(m, k)
                    row[len(var) + m] += q(1)
                    slack.append((row, g0[m][k]))
        yield sup, var, rows, rhs, slack, g0, Cq, rho


def oracle(A, Cs, s, r, N):
    """(isolated NE as frozen exact profiles, singular consistent support profiles)."""
    K = len(A[0])
    psd = None
    found, singular = set(), []
    for sup, var, rows, rhs, slack, g0, Cq, rho in _systems(A, Cs, s, r, N):
        if psd is None:
            psd = [psd_q(Cq[m]) for m in range(N)]
        sol = solve_q(rows, rhs)
        if sol == "singular":
            singular.append(sup)
            continue
        if sol == "inconsistent" or any(v <= 0 for v in sol[: len(var)]):
            continue
        if any(sum((a * x for a, x in zip(row, sol, strict=True)), q(0)) < c for row, c in slack):
            continue
        W = [[q(0)] * K for _ in range(N)]
        for (m, k), v in zip(var, sol, strict=False):
            W[m][k] = v
        ok = True
        for m in range(N):
            if psd[m]:
                continue
            c = [
                g0[m][k] - sum((rho * W[j][k] for j in range(N) if j != m), q(0)) for k in range(K)
            ]
            val = sum((c[k] * W[m][k] for k in range(K)), q(0)) - sum(
                (W[m][k] * Cq[m][k][l] * W[m][l] for k in range(K) for l in range(K)), q(0)
            )
            if own_max(c, Cq[m]) > val:
                ok = False
                break
        if ok:
            found.add(tuple(tuple(frac(x) for x in row) for row in W))
    return found, singular


def continua_oracle(A, Cs, s, r, N):
    """The NE-bearing singular support profiles of an exactly PSD instance.

    Returns a list of ``(supports, barycentre profile, dimension, directions)``:
    ``dimension`` is the dimension of the affine solution set of the KKT equalities
    (unknowns minus rank) and ``directions`` its kernel's weight parts (``N K``
    rationals each).
    """
    K = len(A[0])
    out = []
    for sup, var, rows, rhs, slack, _g0, Cq, _rho in _systems(A, Cs, s, r, N):
        assert all(psd_q(Cq[m]) for m in range(N)), "the continua oracle is for PSD C"
        if solve_q(rows, rhs) != "singular":
            continue
        n = len(var) + N
        M = flint.fmpq_mat(len(rows), n, [x for row in rows for x in row])
        d = n - M.rank()
        ineq = [
            ([q(1) if j == p else q(0) for j in range(n)], q(0)) for p in range(len(var))
        ] + slack  # a.x >= c
        verts = set()
        for act in itertools.combinations(range(len(ineq)), d):
            sol = solve_q(rows + [ineq[i][0] for i in act], rhs + [ineq[i][1] for i in act])
            if isinstance(sol, str):
                continue
            if all(
                sum((a * x for a, x in zip(row, sol, strict=True)), q(0)) >= c for row, c in ineq
            ):
                verts.add(tuple(sol))
        if not verts:
            continue
        bar = [sum((v[i] for v in verts), q(0)) / len(verts) for i in range(n)]
        if any(bar[p] <= 0 for p in range(len(var))):
            continue
        W = [[F(0)] * K for _ in range(N)]
        for (m, k), v in zip(var, bar, strict=False):
            W[m][k] = frac(v)
        # kernel of the equalities, weight parts spread over N K
        R, rank = M.rref()
        piv = [next(j for j in range(n) if R[i, j] != 0) for i in range(rank)]
        dirs = []
        for f in (j for j in range(n) if j not in piv):
            v = [q(0)] * n
            v[f] = q(1)
            for i, j in enumerate(piv):
                v[j] = -R[i, f]
            full = [F(0)] * (N * K)
            for (m, k), x in zip(var, v, strict=False):
                full[m * K + k] = frac(x)
            dirs.append(full)
        out.append((sup, tuple(tuple(row) for row in W), d, dirs))
    return out


def in_affine_hull(point, base, directions) -> bool:
    """Is ``point`` (N x K rationals) in ``base + span(directions)`` (flat N K), exactly?"""
    p = [q(x) for row in point for x in row]
    b = [q(x) for row in base for x in row]
    return in_span([x - y for x, y in zip(p, b, strict=True)], directions)


def in_span(v, directions) -> bool:
    """Is the rational vector ``v`` a combination of ``directions``, exactly?"""
    if all(x == 0 for x in v):
        return True
    if not directions:
        return False
    n = len(v)
    D = flint.fmpq_mat(n, len(directions), [q(u[i]) for i in range(n) for u in directions])
    Dv = flint.fmpq_mat(
        n,
        len(directions) + 1,
        [q(x) for i in range(n) for x in [*(u[i] for u in directions), v[i]]],
    )
    return Dv.rank() == D.rank()
