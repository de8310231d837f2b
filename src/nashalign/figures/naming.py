"""Labels and file stems of the figures: dataset, scorer, filesystem-safe slugs.

Examples
--------
>>> slug("heatmap", "Big Five")
'heatmap_Big-Five'
"""

from __future__ import annotations

import hashlib
import re

from nashalign.instance import Instance


def dataset_name(instance: Instance, name: str | None = None) -> str:
    """Label of an instance: ``name``, else its provenance's dataset, else ``instance``.

    Examples
    --------
    >>> inst = Instance(["x", "y"], [1, 0], [[1, 0], [0, 1]], n=3, provenance={"dataset": "toy"})
    >>> dataset_name(inst), dataset_name(inst, "mine")
    ('toy', 'mine')
    """
    if name:
        return str(name)
    prov = instance.provenance or {}
    for key in ("dataset", "name"):
        val = prov.get(key)
        if isinstance(val, str) and val.strip():
            return val
        if isinstance(val, dict) and isinstance(val.get("name"), str):
            return val["name"]
    return "instance"


def scorer_name(instance: Instance) -> str:
    """``backend:model`` from the provenance (``unknown`` where absent).

    Examples
    --------
    >>> scorer_name(Instance(["x", "y"], [1, 0], [[1, 0], [0, 1]], n=3,
    ...                      provenance={"backend": "embedding", "model": "m"}))
    'embedding:m'
    """
    prov = instance.provenance or {}
    backend = prov.get("backend") or prov.get("scorer")
    model = prov.get("model")
    parts = [str(p) for p in (backend, model) if p]
    return ":".join(parts) if parts else "unknown"


#: Longest file stem :func:`slug` returns: with an extension it stays far below the
#: 255 bytes a file name may have, whatever the lengths of the names behind it.
MAX_STEM = 120


def slug(*parts: str) -> str:
    """A filesystem-safe file stem: ``parts`` joined by ``_``, other characters as ``-``.

    Stems longer than :data:`MAX_STEM` (long subpopulation or instance names) are
    cut and end in a hash of the whole stem, so they stay distinct.

    Examples
    --------
    >>> slug("heatmap", "Big Five", "beta_a")
    'heatmap_Big-Five_beta-a'
    >>> len(slug("heatmap", "x" * 245, "y" * 200))
    120
    """
    cleaned = [re.sub(r"[^A-Za-z0-9.+-]+", "-", str(p)).strip("-") or "x" for p in parts]
    stem = "_".join(cleaned)
    if len(stem) <= MAX_STEM:
        return stem
    digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()[:12]
    return stem[: MAX_STEM - len(digest) - 1] + "-" + digest
