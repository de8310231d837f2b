r"""Solve one population from Python: the dispatch behind ``nashalign solve``.

:func:`solve_game` takes a :class:`~nashalign.model.Population` and its
:class:`~nashalign.model.Incentives` and a method, and returns a JSON-ready dict;
:func:`solve_population` is its adapter for instance files (or shipped names) and
the three coefficients (one instance with ``agents = N``, default 2, is a
homogeneous population; one instance per agent is a heterogeneous one).
:func:`nashalign.publish.plain.solve_text` renders the result for people.

Methods:


``closed-form``
    Theorem 1's symmetric interior NE (:func:`nashalign.solvers.closed_form.symmetric_ne`);
    a degenerate ratio (alpha or alpha_tilde = 0) is an error naming the root; when
    the formula's point leaves the simplex it is printed with ``interior: false``
    and no NashConv.
``support``
    Every symmetric NE by support enumeration (boundary ones and continua
    included); the first is reported, all are listed.
``iterative``
    Best-response dynamics polished to an exact NE (asymmetric and heterogeneous
    populations), certified by NashConv.
``all``
    The whole equilibrium set (:func:`nashalign.solvers.equilibria.all_equilibria`):
    joint support enumeration, each NE certified exactly, with its kind, excluded
    subpopulations and stability, plus Theorem 3's concavity test. The reported
    profile is the symmetric interior NE when there is one, else the first stable
    NE, else the first. In reach for N <= 4, K <= 6 (at most
    :data:`~nashalign.solvers.equilibria.MAX_SYSTEMS` support systems); beyond,
    best-response dynamics from several starts, labelled "multi-start, not
    exhaustive".
``auto`` (default)
    ``closed-form`` where it gives an interior NE, else ``support``; ``iterative``
    for heterogeneous populations. It adds ``equilibrium_summary``: how many NE
    there are, whether the symmetric interior NE is unique and stable, and the
    concavity condition (from ``all`` where enumeration is in reach, else
    multi-start, not exhaustive).

``--json`` prints ``{"names", "weights" (one list of K per agent), "interior",
"alpha", "alpha_tilde", "nashconv", "method", "converged"}`` plus ``s``, ``r``,
``n_agents``, ``cond_alpha``, ``equilibria`` and ``note``; quantities that do not
apply are ``null``. Nothing is written to disk.

The result holds ``names``, ``weights`` (one list of K per agent), ``interior``,
``alpha``, ``alpha_tilde``, ``nashconv``, ``method``, ``converged``, ``s``, ``r``,
``n_agents``, ``cond_alpha``, ``equilibria`` and ``note``; quantities that do not
apply are ``None``. ``auto`` and ``all`` add ``equilibrium_summary`` (a dict: ``text``,
``counts``, ``unique``, ``symmetric_interior_unique``, ``symmetric_interior_stable``,
``concave``, ``concavity``, ``complete``, ``exact``, ``method``); ``all`` also adds
``equilibrium_set`` (every NE, :meth:`~nashalign.solvers.equilibria.EquilibriumSet.to_json`
without timings).

Examples
--------
>>> from nashalign.instance import shipped_instance_paths
>>> out = solve_population([shipped_instance_paths()["politics"]], 1.0, 1.0, 1.0)
>>> out["method"], out["n_agents"], round(sum(out["weights"][0]), 12)
('closed-form', 2, 1.0)
"""

from __future__ import annotations

import math
from os import PathLike
from typing import Any

import numpy as np

from nashalign.errors import DegenerateError, InputError
from nashalign.instance import Instance
from nashalign.model import Incentives, Population
from nashalign.solvers.closed_form import symmetric_ne
from nashalign.solvers.equilibria import (
    MAX_SYSTEMS,
    all_equilibria,
    concavity,
    in_reach,
    multi_start,
)
from nashalign.solvers.iterative import solve_arrays
from nashalign.solvers.metrics import regrets
from nashalign.solvers.support import symmetric_equilibria
from nashalign.validation import validate_n_agents

__all__ = ["METHODS", "MULTI_START_MAX_AGENTS", "solve_game", "solve_population"]


METHODS = ("auto", "closed-form", "support", "iterative", "all")

#: Support systems up to which ``auto`` enumerates the whole set (N = 4, K = 5
#: homogeneous is 46,376: about a second); ``all`` goes to ``MAX_SYSTEMS``.
AUTO_SYSTEMS = 50_000

#: Largest N for which ``auto`` and ``all`` run multi-start best-response dynamics
#: beyond enumeration (16 starts, each sweep N simplex QPs): larger populations get
#: the symmetric NE and its certificate only, in seconds.
MULTI_START_MAX_AGENTS = 64


def _num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def solve_population(
    paths: list[str | PathLike[str]],
    beta_a: float,
    beta_i: float,
    beta_d: float,
    agents: int | None = None,
    method: str = "auto",
    *,
    stream: bool = False,
) -> dict[str, Any]:
    """Load the instances, build the population, and :func:`solve_game` it.

    Raises :class:`~nashalign.errors.InputError` on any bad input, before any work.
    ``stream`` is passed to :func:`solve_game`.

    Examples
    --------
    >>> out = solve_population(["politics"], 1.0, 1.0, 1.0, method="all")
    >>> out["equilibrium_summary"]["counts"]["total"], out["equilibrium_summary"]["exact"]
    (23, True)
    """
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    incentives = Incentives.from_betas(beta_a, beta_i, beta_d)
    if not incentives.scalar:
        raise InputError("solve takes one value each of beta_a, beta_i and beta_d")
    instances = [Instance.resolve(p) for p in paths]
    if len(instances) > 1:
        if agents is not None and validate_n_agents(agents) != len(instances):
            raise InputError(
                f"--agents {agents} does not match the {len(instances)} instances given"
            )
        population = Population.from_instances(instances)
    else:
        population = Population.from_instance(instances[0], 2 if agents is None else agents)
    return solve_game(population, incentives, method, stream=stream)


def solve_game(
    population: Population, incentives: Incentives, method: str = "auto", *, stream: bool = False
) -> dict[str, Any]:
    """Solve one population with one method; the JSON-ready result (module docstring).

    With ``stream``, the whole set's ``equilibria`` (``method="all"``) is a
    :class:`~nashalign.jsonformat.Streamed` array, for
    :func:`~nashalign.jsonformat.write_json` (``solve --json`` of tens of thousands
    of exact equilibria stays small in memory).

    Examples
    --------
    >>> pop = Population([0.5, 0.3, 0.2], np.eye(3), n_agents=3, names=("x", "y", "z"))
    >>> out = solve_game(pop, Incentives(1.0, 1.0), "closed-form")
    >>> out["method"], out["interior"], out["nashconv"] < 1e-12
    ('closed-form', True, True)
    """
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if not incentives.scalar:
        raise InputError("solve takes scalar incentives s and r")
    if not population.homogeneous and method in ("closed-form", "support"):
        raise InputError(
            f"--method {method} needs a homogeneous population (one --instance); "
            "use --method iterative"
        )
    out = _solve(population, incentives, method)
    if method in ("auto", "all"):
        _add_set(out, population, incentives, full=(method == "all"), stream=stream)
    return out


def _add_set(
    out: dict[str, Any], pop: Population, inc: Incentives, full: bool, stream: bool = False
) -> None:
    """Add ``equilibrium_summary`` (and with ``full`` the whole set and its headline NE)."""
    N, K, names = pop.N, pop.K, list(pop.names)
    limit = MAX_SYSTEMS if full else AUTO_SYSTEMS
    if in_reach(K, N, homogeneous=pop.homogeneous, limit=limit):
        es = all_equilibria(pop, inc)
        si = es.symmetric_interior
        out["equilibrium_summary"] = {
            "text": es.summary(),
            "counts": es.counts,
            "unique": es.unique,
            "symmetric_interior_unique": si is not None and es.unique,
            "symmetric_interior_stable": None if si is None else si.stable,
            "concave": es.concavity.concave,
            "concavity": es.concavity.condition,
            "complete": True,
            "exact": es.exact,
            "method": es.method,
        }
        if full:
            js = es.to_json(names, stream=stream)
            js.pop("elapsed_seconds", None)
            out["equilibrium_set"] = js
            pick = si or next((e for e in es.equilibria if e.stable), es.equilibria[0])
            _headline(out, pick.profile, pick.nashconv, "all")
        return
    conc = concavity(pop, inc)
    where = (
        "beyond joint support enumeration"
        if full or not in_reach(K, N, homogeneous=pop.homogeneous)
        else "enumeration skipped by auto (use --method all)"
    )
    if N > MULTI_START_MAX_AGENTS:
        eqs: list[Any] = []
        text = (
            f"N = {N}, K = {K}: {where}; multi-start skipped beyond N = "
            f"{MULTI_START_MAX_AGENTS} agents (only the NE above is known); Phi "
            f"{'concave' if conc.concave else 'not concave'}: {conc.condition}"
        )
        how = "none beyond the reported NE (population too large for multi-start)"
    else:
        eqs = multi_start(pop, inc)
        text = (
            f"N = {N}, K = {K}: {where}; multi-start, not exhaustive: "
            f"{len(eqs)} distinct NE from 16 starts; Phi "
            f"{'concave' if conc.concave else 'not concave'}: {conc.condition}"
        )
        how = "multi-start, not exhaustive"
    out["equilibrium_summary"] = {
        "text": text,
        "counts": {"total": len(eqs), "symmetric": sum(e.symmetric for e in eqs)},
        "unique": None,
        "symmetric_interior_unique": None,
        "symmetric_interior_stable": None,
        "concave": conc.concave,
        "concavity": conc.condition,
        "complete": False,
        "exact": False,
        "method": how,
    }
    if full:
        out["equilibrium_set"] = {
            "method": how,
            "complete": False,
            "equilibria": [e.to_json(names) for e in eqs],
            "concavity": conc.to_json(),
            "summary": text,
        }
        if eqs:
            _headline(out, eqs[0].profile, eqs[0].nashconv, "all")


def _headline(out: dict[str, Any], W: Any, nc: float, method: str) -> None:
    W = np.asarray(W, dtype=float)
    out.update(
        method=method,
        weights=W.tolist(),
        interior=bool(np.all(W > 0)),
        nashconv=_num(nc),
        converged=True,
    )


def _symmetric_nashconv(pop: Population, inc: Incentives, w: Any) -> float:
    """NashConv of the symmetric profile (w, ..., w) of a homogeneous population.

    Every agent faces the same best-response problem there (the mean of the others
    is ``w`` itself), so NashConv is N times one agent's regret: that of the first
    agent of the two-agent profile ``(w, w)`` at the same ``s`` and ``r``. One
    simplex QP instead of N, so ``--agents 10000`` answers at once.
    """
    two = pop.with_agents(2)
    scaled = Incentives(inc.s, inc.r_for(pop), unit=inc.unit)
    reg = regrets(np.tile(np.asarray(w, dtype=float), (2, 1)), two, scaled)
    return float(pop.N * reg[0])


def _solve(pop: Population, inc: Incentives, method: str) -> dict[str, Any]:
    from nashalign.solvers.spectral import alpha, alpha_tilde

    N, names = pop.N, list(pop.names)
    r = float(inc.r_for(pop))
    out: dict[str, Any] = {
        "names": names,
        "n_agents": N,
        "s": float(inc.s),
        "r": r,
        "alpha": None,
        "alpha_tilde": None,
        "cond_alpha": None,
        "equilibria": None,
        "note": "",
    }
    if pop.homogeneous:
        out["alpha"] = _num(alpha(pop, r))
        out["alpha_tilde"] = _num(alpha_tilde(pop, r, N)) if N >= 2 else None

    chosen = "iterative" if (not pop.homogeneous and method in ("auto", "all")) else method
    if chosen == "all":
        chosen = "auto"
    if chosen in ("auto", "closed-form"):
        try:
            cf = symmetric_ne(pop, inc)
        except DegenerateError as exc:
            if chosen == "closed-form":
                raise
            cf = None
            out["note"] = f"closed form not applicable ({exc}); "
        if cf is not None:
            out["cond_alpha"] = _num(cf.cond_alpha)
        if cf is not None and (cf.interior or chosen == "closed-form"):
            w = np.asarray(cf.weights, dtype=float)
            out.update(method="closed-form", weights=np.tile(w, (N, 1)).tolist())
            out["interior"] = bool(cf.interior)
            if cf.interior:
                out["nashconv"] = _symmetric_nashconv(pop, inc, w)
                out["converged"] = True
            else:
                out["nashconv"] = None
                out["converged"] = False
                out["note"] += (
                    "no interior NE: the interior conditions give a point outside the "
                    "simplex (use --method support for the boundary NE)"
                )
            return out
        if cf is not None:
            out["note"] += "no interior NE, so support enumeration; "
        chosen = "support"
    if chosen == "support":
        eqs = symmetric_equilibria(pop, inc)
        first = eqs[0]
        out.update(
            method="support",
            weights=np.tile(first.weights, (N, 1)).tolist(),
            interior=bool(first.interior),
            nashconv=_symmetric_nashconv(pop, inc, first.weights),
            converged=True,
        )
        out["equilibria"] = [
            {
                "weights": e.weights.tolist(),
                "support": [names[k] for k in e.support],
                "continuum": e.continuum,
                "dimension": e.dimension,
            }
            for e in eqs
        ]
        if len(eqs) > 1 or first.continuum:
            out["note"] += f"{len(eqs)} symmetric NE found" + (
                " (a continuum)" if first.continuum else ""
            )
        return out
    res = solve_arrays(pop, inc)
    out.update(
        method="iterative",
        weights=res.profile.tolist(),
        interior=bool(np.all(res.profile > 0)),
        nashconv=res.nashconv,
        converged=res.converged,
    )
    out["note"] += res.message
    if not res.converged:
        out["note"] += f" (NashConv {res.nashconv:.3g} > tolerance {res.tol_used:.3g})"
    return out
