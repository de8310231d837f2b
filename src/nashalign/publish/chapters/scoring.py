"""The scoring chapter (``book/scoring.md``): the shipped datasets and instances.

It also compares one dataset scored by two models (does the scoring model change who
is excluded?): the committed instances of :data:`~nashalign.instance.MODEL_COMPARISON`,
over a grid of incentives and through the whole equilibrium set at beta = 1, with
checks (same dataset, same subpopulations, exactly certified sets) that raise
:class:`~nashalign.publish.chapters.common.ChapterCheckError`.

Examples
--------
>>> dataset_table().splitlines()[0].split(" | ")[:2]
['| dataset', 'K']
>>> "politics" in provenance_table()
True
>>> sorted(comparison_instances("bigfive"))
['causal-lm', 'embedding']
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from nashalign.publish.chapters.common import TAU, check, fmt, shipped
from nashalign.tables import markdown_table

__all__ = [
    "RESOLUTION",
    "comparison_instances",
    "dataset_sample",
    "dataset_table",
    "equilibrium_comparison",
    "exclusion_comparison",
    "exclusion_contrast",
    "exclusion_shares",
    "instance_tables",
    "provenance_table",
    "reestimate_check",
]


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
    """One statement per subpopulation and the first contexts of a shipped dataset.

    Examples
    --------
    >>> dataset_sample("politics", n_contexts=1).count("| topic | context |")
    1
    """
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
    for name, inst in shipped().items():
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
    for name, inst in shipped().items():
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
    with the same model; float32 embeddings reproduce to ~1e-7. Raises
    :class:`~nashalign.publish.chapters.common.ChapterCheckError` beyond it;
    without the scoring extra, says so and skips.
    """
    import importlib.util
    import warnings

    if importlib.util.find_spec("sentence_transformers") is None:
        return "_The scoring extra is not installed in this build; skipped._"
    from nashalign.scoring import estimate_instance, list_datasets, load_dataset

    # tqdm.auto warns, on import, that ipywidgets is missing; progress bars are off here.
    warnings.filterwarnings("ignore", message="IProgress not found")
    sizes = {name: load_dataset(name) for name in list_datasets()}
    name = min(sizes, key=lambda k: sizes[k].n * sizes[k].K)
    t0 = time.perf_counter()
    fresh = estimate_instance(name, device="cpu", use_cache=False, progress=False)
    seconds = time.perf_counter() - t0
    ref = shipped()[name]
    da, dC = np.max(np.abs(fresh.a - ref.a)), np.max(np.abs(fresh.C - ref.C))
    check(da < tol and dC < tol, "re-estimation does not match the committed instance")
    return markdown_table(
        ["instance", "scored in", "max abs diff of a", "max abs diff of C"],
        [[name, f"{seconds:.1f} s", fmt(da), fmt(dC)]],
    )


#: Points per axis of the (beta_A, beta_I) grid of the comparison (log-spaced on
#: [10^-2, 10^2], as the experiments' heatmaps).
RESOLUTION = 100


def comparison_instances(dataset: str = "bigfive") -> dict[str, Any]:
    """The committed instances of ``dataset`` by backend: embedding and causal LM.

    Checks that both were scored from the same dataset file (same checksum) and
    have the same subpopulations in the same order.
    """
    from nashalign.instance import Instance, model_comparison_paths

    paths = model_comparison_paths()[dataset]
    pair = {backend: Instance.load(path) for backend, path in paths.items()}
    prov = [inst.provenance or {} for inst in pair.values()]
    check(
        len({p.get("dataset_checksum") for p in prov}) == 1,
        f"{dataset}: the compared instances were scored from different dataset files",
    )
    check(
        len({tuple(inst.names) for inst in pair.values()}) == 1,
        f"{dataset}: the compared instances have different subpopulations",
    )
    return pair


def _label(inst: Any) -> str:
    prov = inst.provenance or {}
    return f"{prov.get('backend', '?')}: {prov.get('model', '?')} (n = {inst.n})"


def exclusion_shares(
    dataset: str = "bigfive",
    beta_d_values: tuple[float, ...] = (0.0, 1.0),
    resolution: int = RESOLUTION,
) -> list[dict[str, Any]]:
    """Per model and beta_D, the share of the grid where the symmetric NE excludes each k.

    Over the (beta_A, beta_I) grid, the symmetric NE (interior, else the boundary
    NE) excludes subpopulation k where its weight is below tau = 0.05. Shares are of
    the grid points that have a symmetric NE.

    Returns
    -------
    list of dict
        One per (model, beta_D): ``backend``, ``label``, ``beta_d``, ``names``,
        ``shares`` (per subpopulation) and ``anyone``.
    """
    from nashalign.figures.grid import GridSpec
    from nashalign.figures.heatmap_data import heatmap_on
    from nashalign.figures.tables import symmetric_exclusion_counts

    out = []
    for backend, inst in comparison_instances(dataset).items():
        for bd in beta_d_values:
            spec = GridSpec(("beta_a", "beta_i"), bd, resolution, tau=TAU).for_instance(inst)
            data = heatmap_on(inst, spec, progress=False)
            per_k, anyone = symmetric_exclusion_counts(data)
            n_sym = int((data.interior | data.boundary).sum())
            check(n_sym > 0, f"{dataset}: no symmetric NE anywhere on the grid")
            out.append(
                {
                    "backend": backend,
                    "label": _label(inst),
                    "beta_d": bd,
                    "names": list(inst.names),
                    "shares": [c / n_sym for c in per_k],
                    "anyone": anyone / n_sym,
                }
            )
    return out


def exclusion_comparison(shares: list[dict[str, Any]]) -> str:
    """The table of :func:`exclusion_shares`: one row per subpopulation (and "anyone"),
    one column per model and beta_D, then a line naming each model in full.

    Subpopulations go down the rows so that the table keeps to the page's width however
    many there are (the full model names would not fit in a header).

    Examples
    --------
    >>> row = {"label": "m: toy (n = 3)", "backend": "m", "beta_d": 0.0, "names": ["x", "y"],
    ...        "shares": [0.5, 0.0], "anyone": 0.5}
    >>> lines = exclusion_comparison([row]).splitlines()
    >>> print(lines[0])
    | subpopulation | m, $\\beta_D = 0$ |
    >>> lines[2], lines[4]
    ('| x | 50.0% |', '| anyone | 50.0% |')
    >>> lines[-1]
    'Models: m: toy (n = 3).'
    """
    names = shares[0]["names"]
    header = ["subpopulation"] + [f"{r['backend']}, $\\beta_D = {r['beta_d']:g}$" for r in shares]
    rows = [
        [name] + [f"{100 * r['shares'][k]:.1f}%" for r in shares] for k, name in enumerate(names)
    ]
    rows.append(["anyone"] + [f"{100 * r['anyone']:.1f}%" for r in shares])
    legend = "; ".join(dict.fromkeys(r["label"] for r in shares))  # "backend: model (n)"
    return markdown_table(header, rows) + f"\n\nModels: {legend}."


def exclusion_contrast(shares: list[dict[str, Any]]) -> str:
    """Where the two models disagree most: never excluded by one, excluded by the other.

    For each beta_D, every subpopulation that one model's symmetric NE never excludes
    on the grid while the other's excludes it somewhere, with both shares.

    Examples
    --------
    >>> rows = [{"backend": b, "beta_d": 0.0, "names": ["x"], "shares": [v], "anyone": v}
    ...         for b, v in (("embedding", 0.0), ("causal-lm", 0.25))]
    >>> text = exclusion_contrast(rows)
    >>> "**x** is never excluded with embedding" in text, "at 25.0% of the grid" in text
    (True, True)
    """
    lines = []
    for bd in dict.fromkeys(r["beta_d"] for r in shares):
        at = [r for r in shares if r["beta_d"] == bd]
        for mine, other in ((at[0], at[1]), (at[1], at[0])) if len(at) == 2 else ():
            for k, name in enumerate(mine["names"]):
                if mine["shares"][k] == 0.0 and other["shares"][k] > 0.0:
                    lines.append(
                        f"- $\\beta_D = {bd:g}$: **{name}** is never excluded with "
                        f"{mine['backend']} but is excluded at {100 * other['shares'][k]:.1f}% "
                        f"of the grid with {other['backend']}."
                    )
    return "\n".join(lines) or "- The two models never exclude different subpopulations."


def equilibrium_comparison(dataset: str = "bigfive", n_agents: int = 2) -> str:
    """The whole NE set of each model's instance at beta = 1: counts and who is excluded.

    Checks that each set is complete and exactly certified.
    """
    from nashalign.solvers.equilibria import all_equilibria

    rows = []
    for inst in comparison_instances(dataset).values():
        es = all_equilibria(inst.a, inst.C, 1.0, 1.0, 1.0, n_agents, tau=TAU)
        check(es.complete and es.exact, f"{dataset}: an equilibrium set is not exactly certified")
        c = es.counts
        excluded: dict[str, int] = {}
        for e in es.equilibria:
            for k in e.excluded:
                excluded[inst.names[k]] = excluded.get(inst.names[k], 0) + 1
        si = es.symmetric_interior
        rows.append(
            [
                _label(inst),
                c["total"],
                c["stable"],
                c["with_exclusion"],
                ", ".join(f"{k} ({v})" for k, v in sorted(excluded.items())) or "nobody",
                "none" if si is None else ", ".join(f"{w:.3f}" for w in np.asarray(si.profile)[0]),
            ]
        )
    return markdown_table(
        [
            "model",
            "NE",
            "stable",
            "with exclusion",
            "excluded in (number of NE)",
            "symmetric interior NE (weights)",
        ],
        rows,
    )
