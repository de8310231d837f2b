"""The equilibria chapter (``book/equilibria.md``): the whole NE set of the shipped data, checked.

Every number the chapter states is computed here, and every cross-check it states
raises :class:`~nashalign.publish.chapters.common.ChapterCheckError` when false
(the executed build fails with it).

Examples
--------
>>> facts = equilibrium_facts("culture")
>>> facts["total"] >= 1 and facts["all_certified"]
True
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nashalign.publish.chapters.common import TAU, check, reused_figures, shipped
from nashalign.tables import markdown_table

__all__ = [
    "equilibrium_facts",
    "equilibrium_figures",
    "equilibrium_set_table",
    "iterative_lands_on_some_ne",
    "orbit_table",
    "robust_steering_table",
    "stable_map_report",
]

#: The point of the chapter: beta_A = beta_I = beta_D = 1, two agents.
BETAS = (1.0, 1.0, 1.0)
N_AGENTS = 2


def _set(inst: Any, n_agents: int = N_AGENTS, betas: Sequence[float] = BETAS) -> Any:
    from nashalign.solvers.equilibria import all_equilibria

    return all_equilibria(inst.a, inst.C, *betas, n_agents, tau=TAU)


def equilibrium_facts(name: str = "bigfive", n_agents: int = N_AGENTS) -> dict[str, Any]:
    """The whole NE set of a shipped instance at beta_A = beta_I = beta_D = 1, checked.

    Checks (raising on failure): the enumeration is complete and exactly certified;
    every returned profile passes the exact best-response check
    (:func:`~nashalign.solvers.equilibria.certify_profile`, rational arithmetic);
    the counts add up; the symmetric interior NE exists, equals Theorem 1's closed
    form, and its stability agrees with the concavity test (a strict local max iff
    ``Phi`` is strictly concave there is not claimed; what is asserted is that it is
    a saddle whenever ``Phi`` is not concave and the compressed ``C`` has a direction
    with ``2 mu - r/(N-1) < 0``, which is the case for the shipped data).
    """
    from nashalign.solvers.closed_form import symmetric_ne
    from nashalign.solvers.equilibria import certify_profile

    inst = shipped()[name]
    es = _set(inst, n_agents)
    check(es.complete and es.exact, f"{name}: the equilibrium set is not exactly certified")
    certified = all(
        e.exact_profile is not None and certify_profile(e.exact_profile, inst.a, inst.C, *BETAS)
        for e in es.equilibria
    )
    check(certified, f"{name}: a returned profile fails the exact best-response check")
    c = es.counts
    check(c["symmetric"] + c["asymmetric"] == c["total"], f"{name}: counts do not add up")
    check(c["stable"] + c["saddle"] + c["degenerate"] >= c["stable"], f"{name}: stability counts")
    si = es.symmetric_interior
    check(si is not None, f"{name}: no symmetric interior NE at beta = 1")
    assert si is not None
    closed = np.asarray(symmetric_ne(inst.a, inst.C, *BETAS, n_agents=n_agents).weights)
    dev = float(np.max(np.abs(si.profile - closed[None, :])))
    check(dev < 1e-9, f"{name}: symmetric interior NE differs from Theorem 1 by {dev:.1e}")
    conc = es.concavity
    r = BETAS[2] / BETAS[1]
    saddle_expected = conc.r_interval is not None and r > conc.r_interval[1]
    if saddle_expected:
        check(
            si.stability == "saddle",
            f"{name}: Phi is not concave at r = {r:g} but the symmetric interior NE is "
            f"{si.stability}",
        )
    return {
        "name": name,
        "K": inst.K,
        "n_agents": n_agents,
        **c,
        "all_certified": certified,
        "symmetric_interior_stability": si.stability,
        "symmetric_interior_excluded": [inst.names[k] for k in si.excluded],
        "theorem1_deviation": dev,
        "concave": conc.concave,
        "r_concave": None if conc.r_interval is None else conc.r_interval[1],
        "mu_min": conc.mu_min,
        "set": es,
        "names": list(inst.names),
    }


def glue_overview(
    names: Sequence[str] = ("bigfive", "politics", "culture"),
) -> list[dict[str, Any]]:
    """Compute :func:`equilibrium_facts` for ``names`` and glue the first one's numbers.

    The glued keys are ``bf_total``, ``bf_excl``, ``bf_stable``, ``bf_orbits``,
    ``bf_rc``, ``bf_mu`` and ``bf_si`` (the chapter's overview quotes them).

    Returns
    -------
    list of dict
        The facts, in the order of ``names``.
    """
    from nashalign.publish import chapters

    facts = [equilibrium_facts(name) for name in names]
    bf = facts[0]
    chapters.glue_text("bf_total", str(bf["total"]))
    chapters.glue_text("bf_excl", str(bf["with_exclusion"]))
    chapters.glue_text("bf_stable", str(bf["stable"]))
    chapters.glue_text("bf_orbits", str(bf["orbits"]))
    chapters.glue_text("bf_rc", f"{bf['r_concave']:.3g}")
    chapters.glue_text("bf_mu", f"{bf['mu_min']:.3g}")
    chapters.glue_text("bf_si", bf["symmetric_interior_stability"])
    return facts


def _fmt_r(x: float | None) -> str:
    return "-" if x is None else f"{x:.4g}"


EQUILIBRIUM_SET_ROWS = [
    ("K", lambda f: f["K"]),
    ("NE", lambda f: f["total"]),
    ("up to relabelling the agents", lambda f: f["orbits"]),
    ("symmetric", lambda f: f["symmetric"]),
    ("with an excluded subpopulation", lambda f: f["with_exclusion"]),
    ("stable (strict local max of $\\Phi$)", lambda f: f["stable"]),
    ("saddles", lambda f: f["saddle"]),
    ("symmetric interior NE", lambda f: f["symmetric_interior_stability"]),
    ("$\\Phi$ concave at $r = 1$", lambda f: "yes" if f["concave"] else "no"),
    ("concave for $r \\le 2(N-1)\\mu_{\\min} =$", lambda f: _fmt_r(f["r_concave"])),
]


def equilibrium_set_table(facts: Sequence[dict[str, Any]]) -> str:
    """One column per shipped instance, one row per fact about its NE set.

    Instances go across (there are a few) and facts down (there are ten), so the table
    keeps to the page's width.
    """
    return markdown_table(
        ["", *(f["name"] for f in facts)],
        [[label, *(value(f) for f in facts)] for label, value in EQUILIBRIUM_SET_ROWS],
    )


def orbit_table(facts: dict[str, Any] | Sequence[dict[str, Any]], name: str = "bigfive") -> str:
    """The NE of one instance up to relabelling the agents: supports, exclusion, stability.

    ``facts`` is one :func:`equilibrium_facts` dict, or a sequence of them of which
    the one for ``name`` is shown.
    """
    if isinstance(facts, dict):
        f = facts
    else:
        f = next((x for x in facts if x["name"] == name), None)
        if f is None:
            raise ValueError(f"no equilibrium facts for {name!r}")
    es, names = f["set"], f["names"]
    seen: dict[Any, Any] = {}
    for e in es.equilibria:
        key = tuple(sorted(map(tuple, np.round(e.profile, 9).tolist())))
        seen.setdefault(key, [e, 0])
        seen[key][1] += 1
    rows = []
    for e, n in seen.values():
        sup = " / ".join("{" + ", ".join(names[k][:5] for k in S) + "}" for S in e.supports)
        rows.append(
            [
                sup,
                n,
                ", ".join(names[k] for k in e.excluded) or "none",
                e.stability,
                f"{float(np.min(e.profile)):.3f}",
            ]
        )
    return markdown_table(
        ["supports (agent 1 / agent 2)", "copies", "excluded", "stability", "smallest weight"],
        rows,
    )


def robust_steering_table(
    s_values: Sequence[float] = (0.05, 0.5), r_max: float = 4.0, n_grid: int = 9
) -> str:
    """Robust steering on the shipped data, checked against Theorem 1's steering.

    Check: at every grid r where every NE is exclusion-free, the symmetric interior
    NE is too, so r lies in :func:`~nashalign.exact.steering.steer`'s intervals; and
    "every NE" implies "every stable NE".
    """
    from nashalign.exact.steering import steer
    from nashalign.studies.robust_steering import robust_steer

    rows = []
    for name, inst in shipped().items():
        for s in s_values:
            rs = robust_steer(inst.a, inst.C, s=s, tau=TAU, r_max=r_max, n_grid=n_grid)
            st = steer(inst.a, inst.C, s, TAU)
            for r, ok, ok_st in zip(rs.grid, rs.grid_all_ok, rs.grid_stable_ok, strict=True):
                check(not ok or ok_st, f"{name}, s = {s}: every NE ok but not every stable one")
                if ok:
                    inside = any(
                        lo - 1e-12 <= r and (hi is None or r <= hi + 1e-12)
                        for lo, hi in st.intervals_float
                    )
                    check(inside, f"{name}, s = {s}, r = {r:g}: robust but not in steer's set")

            def runs(iv: list[tuple[float, float]]) -> str:
                return "; ".join(f"[{a:.3g}, {b:.3g}]" for a, b in iv) or "none"

            rows.append(
                [
                    name,
                    s,
                    f"{float(rs.r_concave):.3g}",
                    "; ".join(f"[{float(a):.3g}, {float(b):.3g})" for a, b in rs.exact_intervals)
                    or "none",
                    runs(rs.grid_intervals_all),
                    runs(rs.grid_intervals_stable),
                    "; ".join(
                        f"[{lo:.3g}, {'inf' if hi is None else format(hi, '.3g')})"
                        for lo, hi in st.intervals_float
                    )
                    or "none",
                ]
            )
    return markdown_table(
        [
            "instance",
            "s",
            "r_c",
            "exact, r < r_c (unique NE)",
            f"grid on [r_c, {r_max:g}]: every NE exclusion-free",
            "every stable NE exclusion-free",
            "Theorem 1's point exclusion-free (steer)",
        ],
        rows,
    )


def iterative_lands_on_some_ne(seed: int = 3, n_agents: int = 3) -> str:
    """The iterative solver lands on *some* NE; which one depends on the start.

    For each shipped instance and two coefficient points, the N-agent solver
    (random asymmetric start) must converge, and its profile must match, within
    1e-6, one of the equilibria that joint support enumeration lists; the table
    says whether that one is Theorem 1's symmetric interior point.
    """
    from nashalign.solvers.equilibria import all_equilibria
    from nashalign.solvers.iterative import solve

    rng = np.random.default_rng(seed)
    rows = []
    for name, inst in shipped().items():
        for beta_a, beta_d in [(1.0, 1.0), (0.2, 5.0)]:
            es = all_equilibria(
                inst.a, inst.C, beta_a, 1.0, beta_d, n_agents, exact=False, with_nashconv=False
            )
            res = solve([inst] * n_agents, beta_a, 1.0, beta_d, seed=int(rng.integers(2**31)))
            check(res.converged, f"{name}: the iterative solver did not converge")
            W = np.asarray(res.profile)
            dists = [float(np.max(np.abs(W - e.profile))) for e in es.equilibria]
            i = int(np.argmin(dists))
            check(dists[i] < 1e-6, f"{name}: the solver's point is no listed NE ({dists[i]:.1e})")
            e = es.equilibria[i]
            which = (
                "Theorem 1's symmetric interior NE"
                if e.symmetric and e.interior
                else ("an asymmetric NE" if not e.symmetric else "a symmetric boundary NE")
            )
            rows.append(
                [
                    name,
                    beta_a,
                    beta_d,
                    len(es.equilibria),
                    f"{res.nashconv:.1e}",
                    f"{dists[i]:.1e}",
                    which,
                    e.stability,
                ]
            )
    return markdown_table(
        [
            "instance",
            "beta_A",
            "beta_D",
            f"NE (N = {n_agents})",
            "NashConv",
            "distance to the nearest listed NE",
            "which NE",
            "its stability",
        ],
        rows,
    )


def equilibrium_figures(
    out: str | os.PathLike[str] | None = None, stable_resolution: int = 12
) -> tuple[dict[str, Path], dict[str, Any]]:
    """The chapter's figures: the stable-NE maps and the bigfive heatmap grid.

    Returns the PNG per glue key (``<dataset>_stable``, ``bigfive_grid_eq``) and the
    stable-map data per dataset. With figures to reuse (``$NASHALIGN_BOOK_FIGURES``:
    the demo's) their stable maps and heatmap grid are shown and checked; else they
    are drawn here. Checks: where Phi is concave (r below r_c) there is exactly one
    NE on the grid, and the category counts cover the grid.
    """
    import warnings

    from nashalign.figures.equilibrium_maps import StableMapData, stable_exclusion_map
    from nashalign.figures.heatmaps import heatmap_grid

    warnings.filterwarnings("ignore", message="IProgress not found")
    if out is None:
        out = Path(os.environ.get("NASHALIGN_BOOK_GENERATED", "generated")) / "equilibria"
    reused = reused_figures()
    pngs: dict[str, Path] = {}
    maps: dict[str, Any] = {}
    for name, inst in shipped().items():
        files = (reused.files if reused is not None else {}).get(f"{name}/stable-map")
        if files:
            csv_path = next(p for p in files if p.suffix == ".csv")
            d = StableMapData.from_csv(csv_path, inst, name=name)
            d.paths = list(files)
        else:
            d = stable_exclusion_map(
                inst, out, resolution=stable_resolution, progress=False, name=name
            )
        below = d.y < d.r_interval[1]
        check(bool(np.all(d.total[below] == 1)), f"{name}: several NE where Phi is concave")
        check(bool(np.all(d.total >= d.stable)), f"{name}: more stable NE than NE")
        pngs[f"{name}_stable"] = next(p for p in d.paths if p.suffix == ".png")
        maps[name] = d
    grid = (reused.files if reused is not None else {}).get("bigfive/heatmap-grid beta_a-beta_d")
    if not grid:
        grid = heatmap_grid(
            shipped()["bigfive"], out, resolution=100, progress=False, name="bigfive"
        ).paths
    pngs["bigfive_grid_eq"] = next(p for p in grid if p.suffix == ".png")
    return pngs, maps


def stable_map_report(maps: dict[str, Any]) -> str:
    """One Markdown sentence per stable map: its grid, the share of each category, and
    what it says at the largest beta_D
    (:meth:`nashalign.figures.equilibrium_maps.StableMapData.finding`).

    Examples
    --------
    >>> class D:
    ...     total = np.zeros((2, 2))
    ...     def share(self, c):
    ...         return 1.0 if c == 0 else 0.0
    ...     def finding(self):
    ...         return "at beta_D = 100 (the largest here), no stable NE excludes a subpopulation"
    >>> print(stable_map_report({"x": D()}))
    - **x** (2 × 2 grid): no stable NE excludes: 100%; at $\\beta_D$ = 100 (the largest here), no stable NE excludes a subpopulation.
    """
    from nashalign.figures.equilibrium_maps import CATEGORIES

    lines = []
    for name, d in maps.items():
        ny, nx = d.total.shape
        parts = [f"{lab}: {100 * d.share(c):.0f}%" for c, lab in CATEGORIES.items() if d.share(c)]
        finding = d.finding().split("; ")[0].replace("beta_D", "$\\beta_D$")
        finding = finding.replace("beta_A", "$\\beta_A$")
        lines.append(f"- **{name}** ({ny} × {nx} grid): " + ", ".join(parts) + f"; {finding}.")
    return "\n".join(lines)
