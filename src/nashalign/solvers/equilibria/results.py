"""The results of :func:`~nashalign.solvers.equilibria.all_equilibria`: one equilibrium,
the whole set, Theorem 3's concavity verdict, and the symmetries between equilibria
(relabelling agents, folding points into the continua that contain them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import permutations
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.jsonformat import Streamed
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL, Tolerances

__all__ = ["Concavity", "Equilibrium", "EquilibriumSet", "fold", "orbit", "permute"]


@dataclass(frozen=True)
class Concavity:
    """Theorem 3's concavity test of the potential on the product of simplices.

    Attributes
    ----------
    concave, strictly_concave : bool
        ``Q = -Hessian(Phi)`` PSD (PD) on ``(1-perp)^N``, decided exactly for the
        rational data (or in float when ``exact`` is False).
    exact : bool
        Decided in exact rational arithmetic.
    mu_min : float or None
        Smallest eigenvalue of ``C`` compressed to ``1-perp`` (homogeneous only).
    r_interval : tuple of float or None
        ``[-2 mu_min, 2 (N-1) mu_min]``: the ``r`` where ``Phi`` is concave
        (homogeneous only).
    r_interval_exact : tuple of str or None
        The same endpoints as exact algebraic numbers (SymPy strings).
    condition : str
        The condition in words.
    """

    concave: bool
    strictly_concave: bool
    exact: bool
    mu_min: float | None = None
    r_interval: tuple[float, float] | None = None
    r_interval_exact: tuple[str, str] | None = None
    condition: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "concave": self.concave,
            "strictly_concave": self.strictly_concave,
            "exact": self.exact,
            "mu_min": self.mu_min,
            "r_interval": None if self.r_interval is None else list(self.r_interval),
            "r_interval_exact": None
            if self.r_interval_exact is None
            else list(self.r_interval_exact),
            "condition": self.condition,
        }


@dataclass(frozen=True)
class Equilibrium:
    """One Nash equilibrium (or a continuum of them) of an N-agent population.

    Attributes
    ----------
    profile : ndarray, shape (N, K)
        One mixture per agent (for a continuum: a representative with every
        support weight positive).
    supports : tuple of tuple of int
        Each agent's support.
    lam : ndarray, shape (N,)
        Multipliers (units of beta_I).
    symmetric, interior : bool
        Every agent plays the same mixture; every agent has full support.
    excluded : tuple of int
        Subpopulations with weight ``< tau`` in every agent.
    exact : bool
        Certified by the exact KKT check (else: float NashConv certificate).
    certificate : str
        What was checked.
    nashconv : float
        NashConv of ``profile`` (float, utility units of beta_I = 1).
    stability : str
        ``"strict local max"``, ``"degenerate"`` or ``"saddle"``
        (:mod:`nashalign.solvers.equilibria.stability`).
    local_max : bool or None
        Local maximum of the potential (None: the second-order test is
        inconclusive).
    strictly_complementary : bool
        ``g_mk < lam_m`` at every off-support index.
    continuum : bool
        Part of an affine family of NE (singular support system).
    dimension : int
        Dimension of the affine solution set of the support system (0 if isolated).
    exact_profile : tuple of tuple of Fraction or None
        The exact rational profile when ``exact``.
    directions : ndarray, shape (d, N*K)
        Orthonormal directions of the continuum.
    exact_directions : tuple or None
        The continuum's exact kernel directions (``d`` tuples of ``N K`` rationals).
    """

    profile: NDArray[np.float64]
    supports: tuple[tuple[int, ...], ...]
    lam: NDArray[np.float64]
    symmetric: bool
    interior: bool
    excluded: tuple[int, ...]
    exact: bool
    certificate: str
    nashconv: float
    stability: str
    local_max: bool | None
    strictly_complementary: bool
    continuum: bool = False
    dimension: int = 0
    exact_profile: tuple[tuple[Fraction, ...], ...] | None = None
    directions: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 0)))
    exact_directions: tuple[tuple[Any, ...], ...] | None = None

    @property
    def stable(self) -> bool:
        """A local maximum of the potential (strict, or flat under strict complementarity)."""
        return self.local_max is True

    def to_json(self, names: list[str] | None = None) -> dict[str, Any]:
        """JSON-ready dict (``names`` label the excluded subpopulations)."""
        lab = (lambda k: names[k]) if names is not None else (lambda k: k)
        return {
            "profile": self.profile.tolist(),
            "supports": [[lab(k) for k in S] for S in self.supports],
            "lam": self.lam.tolist(),
            "symmetric": self.symmetric,
            "interior": self.interior,
            "excluded": [lab(k) for k in self.excluded],
            "exact": self.exact,
            "certificate": self.certificate,
            "nashconv": None if math.isnan(self.nashconv) else self.nashconv,
            "stability": self.stability,
            "local_max": self.local_max,
            "strictly_complementary": self.strictly_complementary,
            "continuum": self.continuum,
            "dimension": self.dimension,
            "exact_profile": None
            if self.exact_profile is None
            else [[str(x) for x in row] for row in self.exact_profile],
        }


@dataclass
class EquilibriumSet:
    """Every Nash equilibrium of a small population (:func:`all_equilibria`).

    Attributes
    ----------
    equilibria : list of Equilibrium
        Symmetric first, then by number of excluded subpopulations, then profile.
    n_agents, K : int
        Population size and number of subpopulations.
    s, r, tau : float
        ``beta_A/beta_I``, ``beta_D/beta_I`` and the exclusion threshold.
    homogeneous : bool
        Every agent has the same ``(a, C)`` (exchangeability was used).
    complete : bool
        The enumeration covered every support tuple.
    exact : bool
        Every equilibrium was certified exactly.
    method : str
        How the set was computed.
    concavity : Concavity
        Theorem 3's test.
    symmetric_interior : Equilibrium or None
        Theorem 1's point when it is an NE (interior), else None.
    n_systems, n_candidates, n_rejected : int
        Support systems solved, float candidates, candidates failing the exact check.
    elapsed : float
        Seconds.
    notes : list of str
        Anything the caller should know (float certificates, continua).
    tol : Tolerances
        The float tolerances used.
    symmetric_interior_continuum : int or None
        Dimension of the continuum of symmetric interior NE where Theorem 1's system
        is singular (``alpha = 0``) and has interior solutions, else None.
    """

    equilibria: list[Equilibrium]
    n_agents: int
    K: int
    s: float
    r: float
    tau: float
    homogeneous: bool
    complete: bool
    exact: bool
    method: str
    concavity: Concavity
    symmetric_interior: Equilibrium | None
    n_systems: int
    n_candidates: int
    n_rejected: int
    elapsed: float
    notes: list[str] = field(default_factory=list)
    tol: Tolerances = field(default=DEFAULT_TOL, repr=False)
    symmetric_interior_continuum: int | None = None

    @property
    def counts(self) -> dict[str, int]:
        """Counts by kind: total, orbits (up to relabelling agents), symmetric,
        asymmetric, interior, boundary, with_exclusion, stable, saddle, degenerate,
        continua."""
        eqs = self.equilibria
        orbits = {
            tuple(sorted(map(tuple, np.round(e.profile, self.tol.orbit_decimals).tolist())))
            for e in eqs
        }
        return {
            "total": len(eqs),
            "orbits": len(orbits) if self.homogeneous else len(eqs),
            "symmetric": sum(e.symmetric for e in eqs),
            "asymmetric": sum(not e.symmetric for e in eqs),
            "interior": sum(e.interior for e in eqs),
            "boundary": sum(not e.interior for e in eqs),
            "with_exclusion": sum(bool(e.excluded) for e in eqs),
            "stable": sum(e.stable for e in eqs),
            "saddle": sum(e.stability == "saddle" for e in eqs),
            "degenerate": sum(e.stability == "degenerate" for e in eqs),
            "continua": sum(e.continuum for e in eqs),
        }

    @property
    def unique(self) -> bool:
        """Exactly one NE, isolated."""
        return len(self.equilibria) == 1 and not self.equilibria[0].continuum

    def summary(self) -> str:
        """One line: how many NE, of which kinds, the interior NE and concavity."""
        c = self.counts
        si = self.symmetric_interior
        if si is None and self.symmetric_interior_continuum:
            part = (
                "a continuum of symmetric interior NE (Theorem 1's system singular, "
                f"dimension {self.symmetric_interior_continuum})"
            )
        elif si is None:
            part = "no symmetric interior NE"
        else:
            part = (
                "the symmetric interior NE is "
                + ("the unique NE" if self.unique else "not unique")
                + f" and {'stable' if si.stable else si.stability}"
            )
        conc = "concave" if self.concavity.concave else "not concave"
        kind = "" if self.complete else " (incomplete: see notes)"
        return (
            f"{c['total']} NE{kind} ({c['symmetric']} symmetric, {c['asymmetric']} asymmetric; "
            f"{c['with_exclusion']} with an excluded subpopulation; {c['stable']} stable); "
            f"{part}; Phi {conc}: {self.concavity.condition}"
        )

    def to_json(self, names: list[str] | None = None, *, stream: bool = False) -> dict[str, Any]:
        """JSON-ready dict of the whole set.

        With ``stream``, ``equilibria`` is a :class:`~nashalign.jsonformat.Streamed`
        array that converts each equilibrium only as
        :func:`~nashalign.jsonformat.write_json` writes it (a set of tens of thousands
        of exact equilibria is never held as JSON all at once).
        """
        si = self.symmetric_interior
        return {
            "n_agents": self.n_agents,
            "K": self.K,
            "s": self.s,
            "r": self.r,
            "tau": self.tau,
            "homogeneous": self.homogeneous,
            "complete": self.complete,
            "exact": self.exact,
            "method": self.method,
            "counts": self.counts,
            "unique": self.unique,
            "concavity": self.concavity.to_json(),
            "symmetric_interior": None if si is None else si.to_json(names),
            "equilibria": Streamed(self.equilibria, lambda e: e.to_json(names))
            if stream
            else [e.to_json(names) for e in self.equilibria],
            "n_systems": self.n_systems,
            "n_candidates": self.n_candidates,
            "n_rejected": self.n_rejected,
            "elapsed_seconds": self.elapsed,
            "symmetric_interior_continuum": self.symmetric_interior_continuum,
            "summary": self.summary(),
            "notes": list(self.notes),
        }


def permute(e: Equilibrium, perm: tuple[int, ...]) -> Equilibrium:
    """The same equilibrium with the agents relabelled (agent ``i`` of the result is
    agent ``perm[i]`` of ``e``)."""
    p = list(perm)
    K = e.profile.shape[1]
    dirs = e.directions
    if dirs.shape[0]:
        dirs = dirs.reshape(dirs.shape[0], -1, K)[:, p].reshape(dirs.shape[0], -1)
    return Equilibrium(
        profile=e.profile[p],
        supports=tuple(e.supports[i] for i in p),
        lam=e.lam[p],
        symmetric=e.symmetric,
        interior=e.interior,
        excluded=e.excluded,
        exact=e.exact,
        certificate=e.certificate,
        nashconv=e.nashconv,
        stability=e.stability,
        local_max=e.local_max,
        strictly_complementary=e.strictly_complementary,
        continuum=e.continuum,
        dimension=e.dimension,
        exact_profile=None if e.exact_profile is None else tuple(e.exact_profile[i] for i in p),
        directions=dirs,
        exact_directions=None
        if e.exact_directions is None
        else tuple(tuple(u[i * K + k] for i in p for k in range(K)) for u in e.exact_directions),
    )


def orbit(e: Equilibrium) -> list[Equilibrium]:
    """Every distinct relabelling of ``e`` (by support tuple): its orbit when the agents
    are exchangeable."""
    N = e.profile.shape[0]
    seen: dict[tuple[tuple[int, ...], ...], Equilibrium] = {}
    for perm in permutations(range(N)):
        sup = tuple(e.supports[i] for i in perm)
        if sup not in seen:
            seen[sup] = permute(e, perm)
    return list(seen.values())


def fold(eqs: list[Equilibrium], tol: float = DEFAULT_TOL.same_point) -> list[Equilibrium]:
    """Drop points lying in the affine hull of a higher-dimensional continuum."""
    if not any(e.continuum for e in eqs):
        return eqs
    keep: list[Equilibrium] = []
    for e in sorted(eqs, key=lambda e: -e.dimension):
        absorbed = False
        for big in keep:
            if big.dimension <= e.dimension:
                continue
            diff = (e.profile - big.profile).reshape(-1)
            diff = diff - big.directions.T @ (big.directions @ diff)
            if np.max(np.abs(diff)) <= tol:
                absorbed = True
                break
        if not absorbed:
            keep.append(e)
    return keep
