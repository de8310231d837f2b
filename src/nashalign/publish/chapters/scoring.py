"""The scoring chapter (``book/scoring.md``): the shipped datasets and instances.

Examples
--------
>>> dataset_table().splitlines()[0].split(" | ")[:2]
['| dataset', 'K']
>>> "politics" in provenance_table()
True
"""

from __future__ import annotations

import time

import numpy as np

from nashalign.publish.chapters.common import check, fmt, shipped
from nashalign.tables import markdown_table

__all__ = [
    "dataset_sample",
    "dataset_table",
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
