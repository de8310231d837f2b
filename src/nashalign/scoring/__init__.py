"""Scoring module: estimate instances (a, C) of the model with a small transformer.

A :class:`~nashalign.scoring.base.Scorer` turns n contexts and K
subpopulations into the n x K score matrix S; an instance is S's row mean
``a`` and sample covariance ``C`` (:class:`nashalign.instance.Instance`).

- :mod:`~nashalign.scoring.base`: the ``Scorer`` protocol, devices, progress, provenance;
- :mod:`~nashalign.scoring.embedding`: cosine to statement centroids (default backend);
- :mod:`~nashalign.scoring.causal_lm`: mean token log-probability under a causal LM;
- :mod:`~nashalign.scoring.datasets`: the dataset type, shipped datasets, file loader;
- :mod:`~nashalign.scoring.cache`: the score cache keyed by (model, dataset, backend);
- :mod:`~nashalign.scoring.estimate`: :func:`estimate_instance`.

torch, transformers and sentence-transformers are imported only when a model
is loaded, so importing this package is cheap.

Examples
--------
>>> from nashalign.scoring import list_datasets, load_dataset
>>> list_datasets()
['bigfive', 'politics', 'culture']
>>> load_dataset("bigfive").names
['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism']
"""

from nashalign.scoring.base import Scorer, resolve_device
from nashalign.scoring.cache import ScoreCache, default_cache_dir
from nashalign.scoring.datasets import (
    Dataset,
    list_datasets,
    load_dataset,
    read_dataset_file,
    shipped_instance_paths,
)
from nashalign.scoring.estimate import BACKENDS, estimate_instance, make_scorer

__all__ = [
    "BACKENDS",
    "Dataset",
    "ScoreCache",
    "Scorer",
    "default_cache_dir",
    "estimate_instance",
    "list_datasets",
    "load_dataset",
    "make_scorer",
    "read_dataset_file",
    "resolve_device",
    "shipped_instance_paths",
]
