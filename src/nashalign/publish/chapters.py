r"""What the book's chapters show, computed here so that every cell is one call.

Each function returns the Markdown (or the records, or the figures summary) of
one cell of one chapter and raises :class:`ChapterCheckError` when a check the
chapter states fails, so the executed build fails with it. Tables go through
the one Markdown writer, :func:`nashalign.publish.render.markdown_table`;
derived formulas come from the derivation records, never retyped.

Examples
--------
>>> md = verification_over([("claim1", {"K": 2})])
>>> md.splitlines()[0].startswith("| result |")
True
"""

from __future__ import annotations

import os
import platform
import re
import time
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from nashalign.errors import NashalignError
from nashalign.publish.render import markdown_table, math_block, verification_table

#: The (s, r) point of the per-instance comparisons (beta_A = beta_I = beta_D = 1).
POINT = (1.0, 1.0)
#: Exclusion threshold of the steering tables.
TAU = 0.05


class ChapterCheckError(NashalignError):
    """A check that a chapter states did not hold (the book build fails)."""


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ChapterCheckError(message)


def _shipped() -> dict[str, Any]:
    from nashalign.instance import load_instances

    return load_instances(None)


def _fmt(x: float, spec: str = ".1e") -> str:
    return format(float(x), spec)


# --------------------------------------------------------------------------- records


def verification_over(specs: Iterable[tuple[str, dict[str, Any]]]) -> str:
    """Derive each ``(name, params)``, tabulate the records; raise if one is not verified.

    Examples
    --------
    >>> "Claim 1" in verification_over([("claim1", {"K": 2})])
    True
    """
    from nashalign.derivations import derive

    records = [derive(name, **params) for name, params in specs]
    failed = [f"{r.name} {r.params}" for r in records if not r.verified]
    _check(not failed, f"not verified: {', '.join(failed)}")
    return verification_table(records)


def verification_at(name: str, ks: Sequence[int], N: int | None = None) -> str:
    """:func:`verification_over` for one result at several explicit K."""
    extra = {} if N is None else {"N": N}
    return verification_over((name, {"K": k, **extra}) for k in ks)


def verify_everything(max_k: int = 4) -> str:
    """The whole verification plan (what ``nashalign verify`` runs), with its timing."""
    from nashalign.derivations import verify_all

    t0 = time.perf_counter()
    records = verify_all(max_k=max_k)
    seconds = time.perf_counter() - t0
    failed = [r.name for r in records if not r.verified]
    _check(not failed, f"derivations failed: {failed}")
    return (
        verification_table(records)
        + f"\n\n{len(records)} derivations, {len(records) - len(failed)} verified, "
        f"{len(failed)} failed, in {seconds:.1f} s."
    )


# --------------------------------------------------------------------------- the model


def utility_variants() -> str:
    """Each shipped utility variant at K = 2: its formula, own Hessian and concavity verdict."""
    import sympy as sp

    from nashalign.symbolic.game import VARIANTS, Game

    parts = []
    for variant in VARIANTS:
        game = Game.from_variant(variant, K=2, N=2)
        conc = game.concavity()
        parts.append(
            f"**{variant}** (concavity in the own strategy: *{conc.status}*; {conc.reason})\n\n"
            + math_block(
                r"u_1 = "
                + sp.latex(game.utility_of(1))
                + r",\qquad \nabla^2_{w_1} u_1 = "
                + sp.latex(game.hessian_own(1))
            )
        )
    return "\n\n".join(parts)


def all_results_at_k2() -> str:
    """Every registered result at K = 2 (the overview table of the model chapter)."""
    from nashalign.derivations import NAMES, derive

    return verification_table([derive(name, K=2) for name in NAMES])


# --------------------------------------------------------------------------- Claim 1


def claim1_numeric_table(seed: int = 20240501) -> str:
    """Claim 1 on random score matrices (float spot check of the identity) and shipped C.

    The exact identity is the derivation; this table only shows it numerically:
    the relative gap of ``v'Cv`` against the sum of squares is at rounding level
    (float64), and the smallest eigenvalue of each C is >= -1e-12 ||C||.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for n, K in [(3, 5), (10, 3), (50, 5), (200, 8)]:
        S = rng.normal(size=(n, K)) * rng.lognormal(size=K)
        a, C = S.mean(axis=0), np.cov(S, rowvar=False, ddof=1)
        v = rng.normal(size=(K, 100))
        lhs = np.einsum("ki,kl,li->i", v, C, v)
        rhs = (((S - a) @ v) ** 2).sum(axis=0) / (n - 1)
        eig = np.linalg.eigvalsh(C)
        _check(eig[0] >= -1e-12 * max(1.0, eig[-1]), "a sample covariance with eigenvalue < 0")
        gap = np.max(np.abs(lhs - rhs) / np.maximum(1, np.abs(rhs)))
        rows.append([f"random, n = {n}, K = {K}", f"{eig[0]:.3e}", _fmt(gap)])
    for name, inst in _shipped().items():
        rows.append(
            [f"shipped: {name} (K = {inst.K})", f"{np.linalg.eigvalsh(inst.C)[0]:.3e}", "n/a"]
        )
    return markdown_table(
        ["score matrix", "smallest eigenvalue of C", "max rel. gap, identity at 100 random v"], rows
    )


# --------------------------------------------------------------------------- Lemma 0


def lemma0_variants(K: int = 3) -> tuple[str, Any]:
    """Lemma 0 for every variant: the table, and the distance variant's (failing) record."""
    from nashalign.derivations import derive
    from nashalign.symbolic.game import VARIANTS

    recs = {v: derive("lemma0", K=K, variant=v) for v in VARIANTS}
    rows = [
        [
            v,
            r.status,
            r.failure or "hypotheses hold; the interior condition characterises best responses",
        ]
        for v, r in recs.items()
    ]
    _check(recs["overlap"].verified and recs["spread"].verified, "Lemma 0 fails for overlap/spread")
    _check(recs["distance"].verified is False, "the distance variant must be reported as failing")
    return markdown_table(["variant", "status", "outcome"], rows), recs["distance"]


def best_response_table(seed: int = 7, trials: int = 6) -> str:
    """Exact best responses on random instances: the gradient is constant on the support.

    The spread of the gradient over the support is the KKT residual of the exact
    simplex QP (rounding level in float64).
    """
    from nashalign.solvers.metrics import best_response

    rng = np.random.default_rng(seed)
    rows = []
    for trial in range(trials):
        K = 3 + trial % 3
        S = rng.normal(size=(40, K)) + rng.normal(size=K)
        a, C = S.mean(axis=0), np.cov(S, rowvar=False)
        beta_a, beta_i, beta_d = 10.0 ** rng.uniform(-1, 1, size=3)
        other = rng.dirichlet(np.ones(K))
        w = best_response(a, C, other, beta_a, beta_i, beta_d)
        g = beta_a * a - 2 * beta_i * C @ w - beta_d * other
        support = w > 1e-12
        rows.append(
            [
                K,
                f"{beta_a:.3g}",
                f"{beta_i:.3g}",
                f"{beta_d:.3g}",
                int(support.sum()),
                _fmt(np.ptp(g[support])),
            ]
        )
    return markdown_table(
        ["K", "beta_A", "beta_I", "beta_D", "support size", "gradient spread on the support"], rows
    )


# --------------------------------------------------------------------------- Theorem 1


def theorem1_k2_forms() -> str:
    """The derived K = 2 objects of Theorem 1 (factored), as display math."""
    import sympy as sp

    from nashalign.derivations import derive

    ex = derive("theorem1", K=2).expressions
    row = lambda xs: sp.latex(sp.Matrix([sp.factor(x) for x in xs]).T) + r"^\top"
    lines = [
        r"\alpha(r) = " + sp.latex(sp.factor(ex["alpha"])),
        r"\det M(r) = " + sp.latex(sp.factor(ex["det_M"])),
        r"w_0(r) = " + row(ex["w0"]),
        r"v(r) = " + row(ex["v"]),
        r"\lambda^*(s, r) = " + sp.latex(sp.factor(ex["lambda_star"])),
    ]
    return "\n\n".join(math_block(x) for x in lines)


def theorem1_solver_table() -> str:
    """Every solver against the exact closed form on the shipped instances at s = r = 1."""
    from nashalign.exact.evaluate import exact_symmetric_ne
    from nashalign.solvers.closed_form import symmetric_ne
    from nashalign.solvers.highprec import symmetric_ne_mp
    from nashalign.solvers.iterative import solve
    from nashalign.solvers.support import symmetric_equilibria

    s_val, r_val = POINT
    rows = []
    for name, inst in _shipped().items():
        exact = exact_symmetric_ne(inst.a, inst.C, s_val, r_val)
        w_exact = np.array([float(x) for x in exact.weights])
        w_float = np.asarray(symmetric_ne(inst.a, inst.C, s_val, 1.0, r_val).weights, dtype=float)
        w_mp = np.array(
            [float(x) for x in symmetric_ne_mp(inst.a, inst.C, s_val, r_val, dps=50).weights]
        )
        support_ne = symmetric_equilibria(inst.a, inst.C, s_val, 1.0, r_val)
        w_iter = np.asarray(solve(inst, s_val, 1.0, r_val, n_agents=2).profile, dtype=float)
        gaps = [np.max(np.abs(w - w_exact)) for w in (w_float, w_mp, w_iter)]
        best = min(
            (np.max(np.abs(np.asarray(e.weights, dtype=float) - w_exact)) for e in support_ne),
            default=float("nan"),
        )
        rows.append(
            [
                name,
                inst.K,
                "yes" if all(x > 0 for x in exact.weights) else "no",
                ", ".join(f"{x:.4f}" for x in w_exact),
                _fmt(gaps[0]),
                _fmt(gaps[1]),
                _fmt(best),
                _fmt(gaps[2]),
            ]
        )
    return markdown_table(
        [
            "instance",
            "K",
            "interior",
            "exact w* (rounded)",
            "float closed form",
            "mpmath (50 digits)",
            "support enumeration",
            "iterative (N = 2)",
        ],
        rows,
    )


def crosscheck_summary(n_instances: int, seed: int) -> tuple[str, Any, float]:
    """Run the cross-check; return its summary Markdown, the table and the seconds.

    Raises when any comparison exceeds its stated tolerance.
    """
    from nashalign.crosscheck import run_crosscheck
    from nashalign.publish.render import crosscheck_summary_markdown

    t0 = time.perf_counter()
    table = run_crosscheck(n_instances=n_instances, seed=seed)
    seconds = time.perf_counter() - t0
    _check(table.passed, "the cross-check found a disagreement")
    return crosscheck_summary_markdown(table), table, seconds


# --------------------------------------------------------------------------- Lemma 2, Theorems 2-3


def degenerate_ratio_table() -> str:
    """Roots of alpha and alpha~ for the shipped instances, and alpha > 0 for r > 0."""
    from nashalign.solvers.closed_form import alpha, degenerate_ratios

    rows = []
    r_grid = np.logspace(-6, 4, 1001)
    for name, inst in _shipped().items():
        roots2 = degenerate_ratios(inst.C, n_agents=2)
        roots3 = degenerate_ratios(inst.C, n_agents=3)
        positive = np.all(roots2["alpha"] <= 0) and np.all(alpha(inst.C, r_grid) > 0)
        rows.append(
            [
                name,
                inst.K,
                ", ".join(f"{x:.3g}" for x in roots2["alpha"]),
                "yes" if positive else "**no**",
                ", ".join(f"{x:.3g}" for x in roots2["alpha_tilde"]),
                ", ".join(f"{x:.3g}" for x in roots3["alpha_tilde"]),
            ]
        )
    return markdown_table(
        [
            "instance",
            "K",
            "roots of alpha(r)",
            "alpha(r) > 0 for all r > 0",
            "roots of alpha~(r), N = 2",
            "roots of alpha~(r), N = 3",
        ],
        rows,
    )


def iterative_vs_closed_form_table(seed: int = 3) -> str:
    """The N = 3 iterative solver from random starts against Theorem 1's symmetric point.

    The deviation column is reported, not asserted: where Phi is not concave the
    game can have other (asymmetric) equilibria that the dynamics reach instead.
    """
    from nashalign.solvers.closed_form import symmetric_ne
    from nashalign.solvers.iterative import solve

    rng = np.random.default_rng(seed)
    rows = []
    for name, inst in _shipped().items():
        for beta_a, beta_d in [(1.0, 1.0), (0.2, 5.0)]:
            closed = np.asarray(
                symmetric_ne(inst.a, inst.C, beta_a, 1.0, beta_d, n_agents=3).weights
            )
            res = solve([inst] * 3, beta_a, 1.0, beta_d, seed=int(rng.integers(2**31)))
            dev = np.max(np.abs(np.asarray(res.profile) - closed[None, :]))
            rows.append(
                [
                    name,
                    beta_a,
                    beta_d,
                    "yes" if res.converged else "no",
                    _fmt(res.nashconv),
                    _fmt(dev),
                ]
            )
    return markdown_table(
        ["instance", "beta_A", "beta_D", "converged", "NashConv", "max |w_m - w*| over agents"],
        rows,
    )


# --------------------------------------------------------------------------- exclusion, steering


def steering_tables(
    s_values: Sequence[float] = (0.5, 2.0, 8.0), tau: float = TAU
) -> tuple[str, str]:
    """Exact exclusion-free r-intervals and r* on the shipped instances, and their check.

    The check evaluates the float closed form at r*: the binding weight must sit
    at tau within 1e-8 (the float64 closed form at a 16-digit root; its error is
    ~ eps * cond(alpha), far below 1e-8 for these instances).
    """
    from nashalign.exact.steering import steer
    from nashalign.solvers.closed_form import symmetric_ne

    interval = lambda lo, hi: f"[{lo:.4g}, {'inf' if hi is None else format(hi, '.4g')})"
    rows, checks = [], []
    for name, inst in _shipped().items():
        for s_val in s_values:
            res = steer(inst.a, inst.C, s_val, tau=tau)
            intervals = "; ".join(interval(lo, hi) for lo, hi in res.intervals_float) or "none"
            r_star = "none" if res.r_star_float is None else f"{res.r_star_float:.6g}"
            binding = "n/a" if res.binding is None else inst.names[res.binding]
            rows.append([name, s_val, intervals, r_star, binding])
            if res.r_star_float is not None and res.binding is not None and res.r_star_float > 0:
                w = np.asarray(symmetric_ne(inst.a, inst.C, s_val, 1.0, res.r_star_float).weights)
                gap = w[res.binding] - tau
                _check(abs(gap) < 1e-8, f"{name}, s = {s_val}: binding weight - tau = {gap:.1e}")
                checks.append(
                    [name, s_val, inst.names[res.binding], f"{gap:+.1e}", f"{w.min():.6f}"]
                )
    table = markdown_table(
        ["instance", "s", "exclusion-free r-intervals", "r*(s, 0.05)", "binding subpopulation"],
        rows,
    )
    check = markdown_table(
        ["instance", "s", "binding", "its weight minus tau at r*", "smallest weight at r*"], checks
    )
    return table, check


# --------------------------------------------------------------------------- scoring


def dataset_table() -> str:
    """The shipped datasets: K, subpopulations, statements, contexts, topics."""
    from nashalign.scoring import list_datasets, load_dataset

    rows = []
    for name in list_datasets():
        ds = load_dataset(name)
        rows.append(
            [name, ds.K, ", ".join(ds.names), min(ds.n_statements.values()), ds.n, len(ds.topics)]
        )
    return markdown_table(
        [
            "dataset",
            "K",
            "subpopulations",
            "statements per subpopulation (min)",
            "contexts",
            "topics",
        ],
        rows,
    )


def dataset_sample(name: str = "politics", n_contexts: int = 3) -> str:
    """One statement per subpopulation and the first contexts of a shipped dataset."""
    from nashalign.scoring import load_dataset

    ds = load_dataset(name)
    first = [[k, statements[0]] for k, statements in ds.subpopulations.items()]
    return (
        markdown_table(["subpopulation", "first statement"], first)
        + "\n\n"
        + markdown_table(["topic", "context"], [list(c) for c in ds.contexts[:n_contexts]])
    )


def instance_tables() -> str:
    """Each shipped instance: a and C (scaled to a readable power of ten), C's spectrum."""
    parts = []
    for name, inst in _shipped().items():
        eig = np.linalg.eigvalsh(inst.C)
        scale = 10.0 ** -np.floor(np.log10(np.max(np.abs(inst.C))))
        rows = [
            [f"{i + 1}. {k}", f"{inst.a[i]:.4f}"] + [f"{scale * x:.3f}" for x in inst.C[i]]
            for i, k in enumerate(inst.names)
        ]
        head = ["subpopulation", "$a_k$"] + [
            f"$10^{{{np.log10(scale):.0f}}} C_{{k{j + 1}}}$" for j in range(inst.K)
        ]
        parts.append(
            f"**{name}** ($K = {inst.K}$, $n = {inst.n}$ contexts; eigenvalues of $C$ from "
            f"{eig[0]:.2e} to {eig[-1]:.2e})\n\n" + markdown_table(head, rows)
        )
    return "\n\n".join(parts)


def provenance_table() -> str:
    """Backend, model, device and dataset checksum of each shipped instance."""
    keys = ["backend", "model", "device", "dataset_checksum"]
    rows = []
    for name, inst in _shipped().items():
        prov = inst.provenance
        model = prov.get("model")
        if isinstance(model, dict):
            model = model.get("name") or model.get("path") or str(model)
        rows.append(
            [
                name,
                prov.get("backend", "?"),
                model or "?",
                prov.get("device", "?"),
                str(prov.get("dataset_checksum", "?"))[:19] + "...",
            ]
        )
    return markdown_table(["instance", *keys], rows)


def reestimate_check(tol: float = 1e-5) -> str:
    """Re-score the smallest shipped dataset on CPU and compare with the committed instance.

    Tolerance 1e-5 absolute on a and C: the committed instance was scored on CPU
    with the same model; float32 embeddings reproduce to ~1e-7.
    """
    import importlib.util
    import warnings

    if importlib.util.find_spec("sentence_transformers") is None:
        return "_The scoring extra is not installed in this build; skipped._"
    from nashalign.scoring import estimate_instance, list_datasets, load_dataset

    warnings.filterwarnings("ignore", message="IProgress not found")
    sizes = {name: load_dataset(name) for name in list_datasets()}
    name = min(sizes, key=lambda k: sizes[k].n * sizes[k].K)
    t0 = time.perf_counter()
    fresh = estimate_instance(name, device="cpu", use_cache=False, progress=False)
    seconds = time.perf_counter() - t0
    ref = _shipped()[name]
    da, dC = np.max(np.abs(fresh.a - ref.a)), np.max(np.abs(fresh.C - ref.C))
    _check(da < tol and dC < tol, "re-estimation does not match the committed instance")
    return markdown_table(
        ["instance", "scored in", "max abs diff of a", "max abs diff of C"],
        [[name, f"{seconds:.1f} s", _fmt(da), _fmt(dC)]],
    )


# --------------------------------------------------------------------------- experiments


#: The figure keys the experiments chapter glues, per dataset: glue suffix -> summary key.
FIGURE_KEYS = {
    "grid": "heatmap-grid beta_a-beta_d",
    "grid_ai": "heatmap-grid beta_a-beta_i",
    "grid_id": "heatmap-grid beta_i-beta_d",
    "focal": "heatmap",
    "slices": "slices",
    "governance": "governance",
    "rstar": "rstar",
}


def experiment_figures(out: str | os.PathLike[str] | None = None) -> tuple[Any, dict[str, Path]]:
    """Draw every figure for the shipped instances; return the summary and the PNG to glue
    under each name ``<dataset>_<suffix>`` (see :data:`FIGURE_KEYS`)."""
    import warnings

    from nashalign.figures import make_all_figures

    warnings.filterwarnings("ignore", message="IProgress not found")
    if out is None:
        out = Path(os.environ.get("NASHALIGN_BOOK_GENERATED", "generated")) / "figures"
    instances = _shipped()
    summary = make_all_figures(instances, out, progress=False, resolution=120, n_s=16, n_slice=200)
    pngs = {
        f"{ds}_{suffix}": next(p for p in summary.files[f"{ds}/{key}"] if p.suffix == ".png")
        for ds in instances
        for suffix, key in FIGURE_KEYS.items()
    }
    return summary, pngs


def exclusion_fraction_table(summary: Any) -> str:
    """The exclusion-area and no-interior-NE fractions per dataset (from the figures' table)."""
    pct = lambda x: "-" if x is None or x != x else f"{100 * x:.1f}%"
    rows = [
        [
            row["dataset"],
            f"{row['beta_d']:g}",
            pct(row["no_interior_fraction"]),
            pct(row["exclusion_fraction"]),
            f"{row['most_excluded']} ({pct(row['most_excluded_fraction'])})"
            if row["most_excluded"]
            else "none",
        ]
        for row in summary.table.rows
    ]
    scorers = sorted({row["scorer"] for row in summary.table.rows})
    return (
        markdown_table(
            [
                "dataset",
                "$\\beta_D$",
                "no interior NE",
                "some subpopulation excluded (share of interior NE)",
                "most often excluded",
            ],
            rows,
        )
        + "\n\nScorer: "
        + ", ".join(f"`{x}`" for x in scorers)
        + "."
    )


# --------------------------------------------------------------------------- reproducing


def readme_commands(readme: str | os.PathLike[str] = Path("..") / "README.md") -> str:
    """The README's two commands (demo and tests), read from the README itself."""
    p = Path(readme)
    text = p.read_text(encoding="utf-8") if p.is_file() else ""

    def command(marker: str) -> str:
        m = re.search(rf"<!-- {marker} -->\s*```bash\n(.*?)```", text, flags=re.S)
        return m.group(1).strip() if m else "(see the README)"

    return (
        "Set up and run the main job:\n\n```bash\n" + command("demo-command") + "\n```\n\n"
        "Run the tests:\n\n```bash\n" + command("test-command") + "\n```"
    )


def cli_table() -> str:
    """Every ``nashalign`` subcommand with its one-line help."""
    import argparse

    from nashalign.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return markdown_table(
        ["command", "what it does"],
        [[f"`nashalign {a.dest}`", a.help or ""] for a in sub._choices_actions],
    )


def versions_table(
    dists: Sequence[str] = (
        "sympy",
        "numpy",
        "scipy",
        "mpmath",
        "matplotlib",
        "torch",
        "sentence-transformers",
        "jupyter-book",
        "myst-nb",
        "sphinx-proof",
    ),
) -> str:
    """Python, platform, nashalign and the versions of the libraries behind this build."""
    import nashalign

    rows = [
        ["python", platform.python_version()],
        ["platform", platform.platform()],
        ["nashalign", nashalign.__version__],
    ]
    for dist in dists:
        try:
            rows.append([dist, metadata.version(dist)])
        except metadata.PackageNotFoundError:
            rows.append([dist, "not installed"])
    return markdown_table(["component", "version"], rows)
