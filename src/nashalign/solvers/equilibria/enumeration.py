"""Joint support enumeration: every Nash equilibrium of a small population.

:func:`~nashalign.solvers.equilibria.all_equilibria` solves every support tuple
(:mod:`nashalign.solvers.equilibria.support_systems`), certifies each candidate
exactly or in float (:mod:`nashalign.solvers.equilibria.certificates`), turns the
singular ones into continua (:mod:`nashalign.solvers.equilibria.continua`),
classifies every equilibrium (:mod:`nashalign.solvers.equilibria.stability`) and
adds Theorem 3's concavity test (:mod:`nashalign.solvers.equilibria.concave`).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np  # noqa: F401  (the docstring examples use np)

from nashalign.errors import InputError
from nashalign.model import Incentives, Population, takes_population
from nashalign.solvers.equilibria.certificates import certify_exact, certify_float, float_ok
from nashalign.solvers.equilibria.concave import concavity_of
from nashalign.solvers.equilibria.game import Game, build_game, to_fmpq
from nashalign.solvers.equilibria.points import Point
from nashalign.solvers.equilibria.results import Equilibrium, EquilibriumSet, fold, orbit
from nashalign.solvers.equilibria.stability import make_equilibrium
from nashalign.solvers.equilibria.support_systems import (
    MAX_SYSTEMS,
    candidates,
    enumeration_size,
)
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL, Tolerances, check_tolerances
from nashalign.validation import validate_tau

__all__ = ["all_equilibria"]


@takes_population
def all_equilibria(
    population: Population,
    incentives: Incentives,
    *,
    tau: float = 0.05,
    exact: bool | None = None,
    max_exact: int = 10_000,
    max_systems: int = MAX_SYSTEMS,
    with_nashconv: bool | None = None,
    tol: Tolerances = DEFAULT_TOL,
) -> EquilibriumSet:
    """Every Nash equilibrium of a small population, by joint support enumeration.

    Parameters
    ----------
    population : Population
        Homogeneous or heterogeneous, N >= 1. Convenience form
        (:func:`~nashalign.model.takes_population`):
        ``all_equilibria(a, C, beta_a, beta_i, beta_d, n_agents)`` with ``a``, ``C``
        shared ((K,), (K, K)) or per agent ((N, K), (N, K, K)).
    incentives : Incentives
        Scalar incentives.
    tau : float
        Exclusion threshold (``0 < tau < 1``).
    exact : bool, optional
        Certify every equilibrium in exact rational arithmetic (default: yes unless
        there are more than ``max_exact`` candidates, then float NashConv for the
        well-conditioned ones). The structure (rank, continua, ties, supports) of
        every ill-conditioned or singular system is decided over Q either way, and
        ``complete`` is False (with the reason in ``notes``) only when some singular
        system could not be decided.
    max_exact : int
        Candidate count above which the default falls back to float certificates
        (an exact certificate costs about 0.1-0.3 ms per candidate at K <= 7: integer
        solve with ``flint.fmpz_mat``, KKT and critical-cone tests).
    max_systems : int
        Refuse enumerations with more support systems (see :func:`in_reach`).
    with_nashconv : bool, optional
        ``True``: report the float NashConv of exactly certified equilibria too;
        ``False``: NaN for them; default: 0 for them (an exactly certified NE of the
        rational game has NashConv exactly 0). Float-certified ones always carry theirs.
    tol : Tolerances
        The float tolerances (pre-filter, float certificates, continua,
        classification); the exact certificates use none.

    Returns
    -------
    EquilibriumSet

    Raises
    ------
    InputError
        Bad input, or an enumeration beyond ``max_systems``.

    Examples
    --------
    >>> es = all_equilibria([0.5, 0.3, 0.2], np.eye(3), 1.0, 1.0, 0.5, n_agents=3)
    >>> es.unique, es.concavity.strictly_concave, es.symmetric_interior.stability
    (True, True, 'strict local max')
    """
    t0 = time.perf_counter()
    game = build_game(population, incentives)
    tol = check_tolerances(tol)
    tau_f = float(validate_tau(tau, game.K))
    if not isinstance(max_systems, int) or isinstance(max_systems, bool) or max_systems < 1:
        raise InputError(f"max_systems must be a positive integer, got {max_systems!r}")
    N, K = game.N, game.K
    size = enumeration_size(K, N, game.homogeneous)
    if size > max_systems:
        raise InputError(
            f"joint support enumeration needs {size} support systems at N = {N}, K = {K} "
            f"(limit {max_systems}); use nashalign.solvers.equilibria.multi_start "
            "(not exhaustive)"
        )
    cands, n_sys = candidates(game, tol)
    use_exact = (len(cands) <= max_exact) if exact is None else bool(exact)
    notes: list[str] = []
    found: list[Equilibrium] = []
    undecided: list[tuple[tuple[int, ...], ...]] = []
    rejected = 0
    n_float = 0
    non_psd = [m for m, (p, _) in enumerate(game.psd_exact()) if not p]
    br = " and exact best responses (face enumeration)" if non_psd else ""
    for c in cands:
        pt: Point | None = None
        nc = None
        to_exact = use_exact or c.undecided or not (c.kappa <= tol.kappa_flag)
        if to_exact:
            res = certify_exact(game, c.supports)
            if isinstance(res, str):
                undecided.append(c.supports)
                continue
            if res is None:
                rejected += 1
                continue
            pt = res
            cert = (
                "exact KKT check of a rational point of the continuum"
                if pt.continuum
                else "exact KKT check (rational arithmetic)"
            ) + br
            if with_nashconv is None:
                nc = 0.0
        else:
            pt = certify_float(game, c.supports, c.kappa)
            if pt is None:
                rejected += 1
                continue
            ok, nc, bound = float_ok(game, pt, tol)
            if not ok:
                rejected += 1
                continue
            n_float += 1
            cert = f"float: NashConv {nc:.2e} <= {bound:.2e} (eps x condition x scale)"
        if nc is None and with_nashconv is False:
            nc = math.nan
        e = make_equilibrium(game, pt, c.supports, tau_f, cert, nc, tol)
        found.extend(orbit(e) if game.homogeneous else [e])
    found = fold_exact(game, found, tol)
    found.sort(
        key=lambda e: (
            not e.symmetric,
            len(e.excluded),
            [list(S) for S in e.supports],
            e.profile.tolist(),
        )
    )
    if n_float:
        notes.append(
            f"{n_float} equilibri{'um' if n_float == 1 else 'a'} certified in float only "
            "(NashConv within a tolerance scaled by the system's condition number)"
        )
    if non_psd:
        lam_min = min(game.psd_exact()[m][1] for m in non_psd)
        notes.append(
            f"C is not exactly PSD as rationals for agent(s) {non_psd} (smallest eigenvalue "
            f"{lam_min:.3g}): each exactly certified NE was checked to be an exact best "
            "response by face enumeration, without assuming concavity"
        )
    if any(e.continuum for e in found):
        notes.append(
            "continua: a representative point is reported with the dimension of its "
            "support system's affine solution set (decided over Q)"
        )
    if undecided:
        notes.append(
            f"incomplete: {len(undecided)} singular support system(s) could not be "
            f"decided exactly (e.g. supports {undecided[0]}): their equilibria may be missing"
        )
    conc = concavity_of(game, exact=True, tol=tol)
    si = None
    for e in found:
        if e.symmetric and e.interior and not e.continuum:
            si = e
            break
    si_cont = symmetric_interior_continuum(game) if si is None and game.homogeneous else None
    method = "joint support enumeration" + (
        " (support multisets: exchangeable agents)" if game.homogeneous else ""
    )
    return EquilibriumSet(
        equilibria=found,
        n_agents=N,
        K=K,
        s=game.s,
        r=game.r,
        tau=tau_f,
        homogeneous=game.homogeneous,
        complete=not undecided,
        exact=all(e.exact for e in found),
        method=method,
        concavity=conc,
        symmetric_interior=si,
        n_systems=n_sys,
        n_candidates=len(cands),
        n_rejected=rejected,
        elapsed=time.perf_counter() - t0,
        notes=notes,
        tol=tol,
        symmetric_interior_continuum=si_cont,
    )


def fold_exact(
    game: Game, eqs: list[Equilibrium], tol: Tolerances = DEFAULT_TOL
) -> list[Equilibrium]:
    """Drop points that lie in the closure of a higher-dimensional continuum, decided
    over Q: an NE ``p`` (exact, supports inside the continuum's ``S``) is in it iff every
    agent's gradient at ``p`` is constant on ``S_m`` (``p`` solves the continuum's
    system), and a lower-dimensional continuum iff its kernel directions keep that so.
    Float points fall back to :func:`~nashalign.solvers.equilibria.results.fold`."""
    if not any(e.continuum for e in eqs):
        return eqs
    if not all(e.exact for e in eqs):
        return fold(eqs, tol.same_point)
    N, K = game.N, game.K
    Q, g0 = game.exact()
    zero = to_fmpq(0)

    def grad(v: list[Any], lin: bool) -> list[Any]:
        return [
            (zero if lin else g0[i])
            - sum((Q[i][j] * v[j] for j in range(N * K) if v[j] != 0), zero)
            for i in range(N * K)
        ]

    def inside(e: Equilibrium, big: Equilibrium) -> bool:
        if any(not set(a) <= set(b) for a, b in zip(e.supports, big.supports, strict=True)):
            return False
        flat = [to_fmpq(x) for row in e.exact_profile for x in row]  # type: ignore[union-attr]
        vecs = [grad(flat, False)] + [grad(list(u), True) for u in (e.exact_directions or ())]
        for G in vecs:
            for m, S in enumerate(big.supports):
                if any(G[m * K + k] != G[m * K + S[0]] for k in S):
                    return False
        return True

    keep: list[Equilibrium] = []
    for e in sorted(eqs, key=lambda e: -e.dimension):
        if not any(big.dimension > e.dimension and inside(e, big) for big in keep):
            keep.append(e)
    return keep


def symmetric_interior_continuum(game: Game) -> int | None:
    """Dimension of the continuum of symmetric interior NE (Theorem 1's system singular,
    e.g. ``alpha = 0``), or None when there is none; decided over Q."""
    from nashalign.solvers.equilibria.exact import affine_solutions, fm_witness

    K = game.K
    Q, g0 = game.exact()
    one = to_fmpq(1)
    r = to_fmpq(game.rq) if game.N > 1 else to_fmpq(0)
    rows = [[Q[k][l] + (r if k == l else 0) for l in range(K)] + [one, g0[k]] for k in range(K)]
    rows.append([one] * K + [to_fmpq(0), one])
    st, x, null = affine_solutions(rows)
    if st != "affine":
        return None
    z = fm_witness([([-v[k] for v in null], x[k], True) for k in range(K)], len(null))  # type: ignore[index]
    return None if z is None or isinstance(z, str) else len(null)
