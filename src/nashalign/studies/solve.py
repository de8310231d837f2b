r"""Solve one population from Python: the dispatch behind ``nashalign solve``.

:func:`solve_population` takes instance files (or shipped names), the three
coefficients and a method, and returns a JSON-ready dict; :func:`render_table`
renders it for people. One instance with ``agents = N`` (default 2) is a
homogeneous population; one instance per agent is a heterogeneous one.

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

from nashalign.errors import InputError

__all__ = ["METHODS", "render_table", "solve_population"]


METHODS = ("auto", "closed-form", "support", "iterative", "all")

#: Support systems up to which ``auto`` enumerates the whole set (N = 4, K = 5
#: homogeneous is 46,376: about a second); ``all`` goes to ``MAX_SYSTEMS``.
AUTO_SYSTEMS = 50_000

#: Equilibria listed one by one in :func:`render_table`.
MAX_LISTED = 30


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
) -> dict[str, Any]:
    """Load the instances, solve, and return the JSON-ready result (see module docstring).

    Raises :class:`~nashalign.errors.InputError` on any bad input.

    Examples
    --------
    >>> out = solve_population(["politics"], 1.0, 1.0, 1.0, method="all")
    >>> out["equilibrium_summary"]["counts"]["total"], out["equilibrium_summary"]["exact"]
    (23, True)
    """
    out, instances, N = _solve(paths, beta_a, beta_i, beta_d, agents, method)
    if method in ("auto", "all"):
        _add_set(out, instances, N, beta_a, beta_i, beta_d, full=(method == "all"))
    return out


def _add_set(
    out: dict[str, Any],
    instances: list[Any],
    N: int,
    beta_a: float,
    beta_i: float,
    beta_d: float,
    full: bool,
) -> None:
    """Add ``equilibrium_summary`` (and with ``full`` the whole set and its headline NE)."""
    import numpy as np

    from nashalign.solvers.equilibria import (
        MAX_SYSTEMS,
        all_equilibria,
        concavity,
        in_reach,
        multi_start,
    )

    hetero = len(instances) > 1
    a = np.stack([i.a for i in instances]) if hetero else instances[0].a
    C = np.stack([i.C for i in instances]) if hetero else instances[0].C
    K = instances[0].K
    names = list(instances[0].names)
    limit = MAX_SYSTEMS if full else AUTO_SYSTEMS
    if in_reach(K, N, homogeneous=not hetero, limit=limit):
        es = all_equilibria(a, C, beta_a, beta_i, beta_d, n_agents=N)
        si = es.symmetric_interior
        summary = {
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
        out["equilibrium_summary"] = summary
        if full:
            js = es.to_json(names)
            js.pop("elapsed_seconds", None)
            out["equilibrium_set"] = js
            pick = si or next((e for e in es.equilibria if e.stable), es.equilibria[0])
            _headline(out, pick.profile, pick.nashconv, "all", names)
        return
    eqs = multi_start(a, C, beta_a, beta_i, beta_d, n_agents=N)
    conc = concavity(a, C, beta_a, beta_i, beta_d, n_agents=N)
    where = (
        "beyond joint support enumeration"
        if full or not in_reach(K, N, homogeneous=not hetero)
        else "enumeration skipped by auto (use --method all)"
    )
    text = (
        f"N = {N}, K = {K}: {where}; multi-start, not exhaustive: "
        f"{len(eqs)} distinct NE from 16 starts; Phi "
        f"{'concave' if conc.concave else 'not concave'}: {conc.condition}"
    )
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
        "method": "multi-start, not exhaustive",
    }
    if full:
        out["equilibrium_set"] = {
            "method": "multi-start, not exhaustive",
            "complete": False,
            "equilibria": [e.to_json(names) for e in eqs],
            "concavity": conc.to_json(),
            "summary": text,
        }
        if eqs:
            _headline(out, eqs[0].profile, eqs[0].nashconv, "all", names)


def _headline(out: dict[str, Any], W: Any, nc: float, method: str, names: list[str]) -> None:
    import numpy as np

    W = np.asarray(W, dtype=float)
    out.update(
        method=method,
        weights=W.tolist(),
        interior=bool(np.all(W > 0)),
        nashconv=_num(nc),
        converged=True,
    )


def _solve(
    paths: list[str | PathLike[str]],
    beta_a: float,
    beta_i: float,
    beta_d: float,
    agents: int | None,
    method: str,
) -> tuple[dict[str, Any], list[Any], int]:
    import numpy as np

    from nashalign.errors import DegenerateError
    from nashalign.instance import Instance
    from nashalign.solvers.closed_form import (
        alpha,
        alpha_tilde,
        symmetric_ne,
        validate_betas,
        validate_n_agents,
    )
    from nashalign.solvers.iterative import solve
    from nashalign.solvers.metrics import nash_conv
    from nashalign.solvers.support import symmetric_equilibria

    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    ba, bi, bd = (float(b) for b in validate_betas(beta_a, beta_i, beta_d))
    instances = [Instance.resolve(p) for p in paths]
    hetero = len(instances) > 1
    if hetero:
        if agents is not None and validate_n_agents(agents) != len(instances):
            raise InputError(
                f"--agents {agents} does not match the {len(instances)} instances given"
            )
        N = len(instances)
        for p, inst in zip(paths[1:], instances[1:], strict=True):
            if inst.names != instances[0].names:
                raise InputError(
                    f"{p}: subpopulation names {inst.names} differ from {instances[0].names}"
                )
        if method in ("closed-form", "support"):
            raise InputError(
                f"--method {method} needs a homogeneous population (one --instance); "
                "use --method iterative"
            )
    else:
        N = 2 if agents is None else validate_n_agents(agents)
    inst0 = instances[0]
    s, r = ba / bi, (bd / bi if N >= 2 else 0.0)
    out: dict[str, Any] = {
        "names": list(inst0.names),
        "n_agents": N,
        "s": s,
        "r": r,
        "alpha": None,
        "alpha_tilde": None,
        "cond_alpha": None,
        "equilibria": None,
        "note": "",
    }
    if not hetero:
        out["alpha"] = _num(alpha(inst0.C, r))
        out["alpha_tilde"] = _num(alpha_tilde(inst0.C, r, N)) if N >= 2 else None

    def certify(profile: Any) -> float:
        a = np.stack([i.a for i in instances]) if hetero else inst0.a
        C = np.stack([i.C for i in instances]) if hetero else inst0.C
        return nash_conv(profile, a, C, ba, bi, bd)

    chosen = "iterative" if (hetero and method in ("auto", "all")) else method
    if chosen == "all":
        chosen = "auto"
    if chosen in ("auto", "closed-form"):
        try:
            cf = symmetric_ne(inst0.a, inst0.C, ba, bi, bd, n_agents=N)
        except DegenerateError as exc:
            if chosen == "closed-form":
                raise
            cf = None
            out["note"] = f"closed form not applicable ({exc}); "
        if cf is not None:
            out["cond_alpha"] = _num(cf.cond_alpha)
        if cf is not None and (cf.interior or chosen == "closed-form"):
            w = np.asarray(cf.weights, dtype=float)
            profile = np.tile(w, (N, 1))
            out.update(method="closed-form", weights=profile.tolist(), interior=bool(cf.interior))
            if cf.interior:
                out["nashconv"] = certify(profile)
                out["converged"] = True
            else:
                out["nashconv"] = None
                out["converged"] = False
                out["note"] += (
                    "no interior NE: the interior conditions give a point outside the "
                    "simplex (use --method support for the boundary NE)"
                )
            return out, instances, N
        if cf is not None:
            out["note"] += "no interior NE, so support enumeration; "
        chosen = "support"
    if chosen == "support":
        eqs = symmetric_equilibria(inst0.a, inst0.C, ba, bi, bd, n_agents=N)
        first = eqs[0]
        profile = np.tile(first.weights, (N, 1))
        out.update(
            method="support",
            weights=profile.tolist(),
            interior=bool(first.interior),
            nashconv=certify(profile),
            converged=True,
        )
        out["equilibria"] = [
            {
                "weights": e.weights.tolist(),
                "support": [inst0.names[k] for k in e.support],
                "continuum": e.continuum,
                "dimension": e.dimension,
            }
            for e in eqs
        ]
        if len(eqs) > 1 or first.continuum:
            out["note"] += f"{len(eqs)} symmetric NE found" + (
                " (a continuum)" if first.continuum else ""
            )
        return out, instances, N
    res = solve(instances if hetero else inst0, ba, bi, bd, n_agents=N)
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
    return out, instances, N


def _fmt(x: Any) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, bool):
        return "yes" if x else "no"
    return f"{x:.6g}"


def render_table(out: dict[str, Any]) -> str:
    """Human-readable rendering of :func:`solve_population`'s result."""
    W = out["weights"]
    symmetric = all(row == W[0] for row in W)
    names = out["names"]
    width = max(len("subpopulation"), *(len(n) for n in names))
    lines = [
        f"method {out['method']}, {out['n_agents']} agent(s); "
        f"s = beta_A/beta_I = {out['s']:.6g}, r = beta_D/beta_I = {out['r']:.6g}",
        "",
    ]
    if symmetric:
        lines.append(f"{'subpopulation':<{width}}  weight (every agent)")
        for k, n in enumerate(names):
            lines.append(f"{n:<{width}}  {W[0][k]:.6f}")
    else:
        head = "  ".join(f"{'agent ' + str(m + 1):>9}" for m in range(len(W)))
        lines.append(f"{'subpopulation':<{width}}  {head}")
        for k, n in enumerate(names):
            lines.append(f"{n:<{width}}  " + "  ".join(f"{row[k]:>9.6f}" for row in W))
    lines.append("")
    lines.append(
        f"alpha(r) = {_fmt(out['alpha'])}   alpha_tilde(r) = {_fmt(out['alpha_tilde'])}"
        + (f"   cond = {_fmt(out['cond_alpha'])}" if out.get("cond_alpha") else "")
    )
    lines.append(
        f"interior: {_fmt(out['interior'])}   NashConv: {_fmt(out['nashconv'])}   "
        f"converged: {_fmt(out['converged'])}"
    )
    if out.get("equilibria") and len(out["equilibria"]) > 1:
        lines.append("symmetric NE:")
        for e in out["equilibria"]:
            lines.append(
                "  support {"
                + ", ".join(e["support"])
                + "}: "
                + " ".join(f"{x:.4f}" for x in e["weights"])
                + (f"  (continuum of dimension {e['dimension']})" if e["continuum"] else "")
            )
    es = out.get("equilibrium_set")
    if es is not None:
        lines.append(f"equilibrium set ({es['method']}):")
        for i, e in enumerate(es["equilibria"][:MAX_LISTED]):
            kind = [
                "symmetric" if e["symmetric"] else "asymmetric",
                "interior" if e["interior"] else "boundary",
                e["stability"],
                "exact" if e["exact"] else "float",
            ]
            if e["continuum"]:
                kind.append(f"continuum of dimension {e['dimension']}")
            exc = ", ".join(map(str, e["excluded"])) or "none"
            lines.append(f"  NE {i + 1}: {', '.join(kind)}; excluded: {exc}")
            for m, row in enumerate(e["profile"]):
                lines.append(f"    agent {m + 1}: " + " ".join(f"{x:.4f}" for x in row))
        extra = len(es["equilibria"]) - MAX_LISTED
        if extra > 0:
            lines.append(f"  ... and {extra} more (see --json)")
    if out.get("equilibrium_summary"):
        lines.append(f"equilibria: {out['equilibrium_summary']['text']}")
    if out.get("note"):
        lines.append(f"note: {out['note'].strip().rstrip(';')}")
    return "\n".join(lines)
