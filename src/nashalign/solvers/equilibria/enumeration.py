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

import numpy as np  # noqa: F401  (the docstring examples use np)
from numpy.typing import ArrayLike

from nashalign.errors import InputError
from nashalign.model import Incentives, Population
from nashalign.solvers.equilibria.certificates import (
    Point,
    certify_exact,
    certify_float,
    float_ok,
)
from nashalign.solvers.equilibria.concave import concavity_of
from nashalign.solvers.equilibria.continua import continuum
from nashalign.solvers.equilibria.game import build_game
from nashalign.solvers.equilibria.results import Equilibrium, EquilibriumSet, fold, orbit
from nashalign.solvers.equilibria.stability import make_equilibrium
from nashalign.solvers.equilibria.support_systems import (
    MAX_SYSTEMS,
    candidates,
    enumeration_size,
)
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL, Tolerances, check_tolerances

__all__ = ["all_equilibria"]


def all_equilibria(
    a: ArrayLike | Population,
    C: ArrayLike | Incentives,
    beta_a: float | None = None,
    beta_i: float | None = None,
    beta_d: float | None = None,
    n_agents: int | None = None,
    *,
    tau: float = 0.05,
    exact: bool | None = None,
    max_exact: int = 2000,
    max_systems: int = MAX_SYSTEMS,
    with_nashconv: bool = True,
    tol: Tolerances = DEFAULT_TOL,
) -> EquilibriumSet:
    """Every Nash equilibrium of a small population, by joint support enumeration.

    Parameters
    ----------
    a : Population or array_like, shape (K,) or (N, K)
        The population (:class:`~nashalign.model.Population`), or (convenience form)
        shared or per-agent attractiveness vectors.
    C : Incentives or array_like, shape (K, K) or (N, K, K)
        Its scalar :class:`~nashalign.model.Incentives`, or shared or per-agent
        inconsistency matrices (symmetric PSD).
    beta_a, beta_i, beta_d : float, optional
        Convenience form: incentive weights (scalars).
    n_agents : int
        N >= 1.
    tau : float
        Exclusion threshold (``0 < tau < 1``).
    exact : bool, optional
        Certify every equilibrium in exact rational arithmetic (default: yes unless
        there are more than ``max_exact`` candidates, then float NashConv).
    max_exact : int
        Candidate count above which the default falls back to float certificates.
    max_systems : int
        Refuse enumerations with more support systems (see :func:`in_reach`).
    with_nashconv : bool
        Report the float NashConv of exactly certified equilibria too (else NaN
        for them; float-certified ones always carry theirs).
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
    game = build_game(a, C, beta_a, beta_i, beta_d, n_agents)
    tol = check_tolerances(tol)
    try:
        tau_f = float(tau)
    except (TypeError, ValueError):
        raise InputError(f"tau must be a number, got {tau!r}") from None
    if not (0.0 < tau_f < 1.0):
        raise InputError(f"tau must lie in (0, 1), got {tau!r}")
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
    rejected = 0
    n_float = 0
    for c in cands:
        pt: Point | None = None
        cert = ""
        nc = None
        singular = c.singular
        if use_exact and not singular:
            res = certify_exact(game, c.supports)
            if res == "singular":
                singular = True
            elif res is None:
                rejected += 1
                continue
            else:
                pt = res  # type: ignore[assignment]
                cert = "exact KKT check (rational arithmetic)"
        if singular:
            pt = continuum(game, c.supports, use_exact, tol)
            if pt is None:
                continue
            if pt.exact:
                cert = "exact KKT check of a rational point of the continuum"
        elif pt is None:
            pt = certify_float(game, c.supports, c.kappa)
        if pt is None:
            continue
        if not pt.exact:
            ok, nc, bound = float_ok(game, pt, tol)
            if not ok:
                rejected += 1
                continue
            n_float += 1
            cert = f"float: NashConv {nc:.2e} <= {bound:.2e} (eps x condition x scale)"
        if nc is None and not with_nashconv:
            nc = math.nan
        e = make_equilibrium(game, pt, c.supports, tau_f, cert, nc, tol)
        found.extend(orbit(e) if game.homogeneous else [e])
    found = fold(found, tol.same_point)
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
    if any(e.continuum for e in found):
        notes.append(
            "continua: a representative point is reported with the dimension of its "
            "support system's affine solution set"
        )
    conc = concavity_of(game, exact=True, tol=tol)
    si = None
    for e in found:
        if e.symmetric and e.interior and not e.continuum:
            si = e
            break
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
        complete=True,
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
    )
