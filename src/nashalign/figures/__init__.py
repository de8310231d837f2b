"""Experiments and figures of SPEC section 5.

Every function goes through one pipeline (:func:`nashalign.figures.pipeline.produce`):
it validates its inputs (the grid as one :class:`~nashalign.figures.grid.GridSpec`),
then the output directory, computes the numbers with the vectorised closed-form
evaluator (:func:`nashalign.solvers.closed_form.symmetric_ne`) or exact steering
(:mod:`nashalign.exact.steering`), draws a matplotlib figure (Agg, no pyplot state)
and writes PNG, PDF and the CSV behind it atomically. Each returns a dataclass
holding the arrays and the paths written.

============================================  ==========================================
:mod:`~nashalign.figures.grid`                the grid spec and closed-form evaluation
:mod:`~nashalign.figures.pipeline`            validate, compute, draw, write
:mod:`~nashalign.figures.boundaries`          exact boundary curves in plane coordinates
:mod:`~nashalign.figures.equilibrium_maps`    concavity region, boundary NE, stable-NE map
:mod:`~nashalign.figures.output`              PNG/PDF bytes, CSV text, atomic writes
:mod:`~nashalign.figures.naming`              dataset and scorer labels, file stems
:mod:`~nashalign.figures.style`               axis labels, log axes, legends, figures
============================================  ==========================================

=====================================  ==========================================
:func:`exclusion_heatmap`              focal weight over two coefficients, black
                                       below tau, boundary NE where no interior,
                                       exact boundary curves overlaid
:func:`heatmap_grid`                   the same for every focal subpopulation
:func:`weight_slices`                  all weights vs beta_I and vs beta_A
:func:`governance`                     beta_D = 0 vs 1 side by side, and r*(s)
:func:`r_star_curve`                   minimal diversity incentive r*(s)
:func:`exclusion_table`                exclusion-area and no-interior fractions
:func:`stable_exclusion_map`           whether every / some / no stable NE excludes
:func:`make_all_figures`               all of the above for a set of instances
=====================================  ==========================================

Examples
--------
>>> import numpy as np
>>> from nashalign.instance import Instance
>>> inst = Instance.from_scores(np.random.default_rng(0).normal(size=(30, 3)), "abc")
>>> d = compute_heatmap(inst, resolution=5, progress=False)
>>> d.weights.shape, d.axes
((5, 5, 3), ('beta_a', 'beta_d'))
"""

from nashalign.figures.equilibrium_maps import (
    StableMapData,
    compute_stable_map,
    stable_exclusion_map,
)
from nashalign.figures.governance import (
    GovernanceData,
    RStarData,
    compute_r_star,
    governance,
    r_star_curve,
)
from nashalign.figures.heatmap_data import HeatmapData, compute_heatmap
from nashalign.figures.heatmaps import exclusion_heatmap, heatmap_grid
from nashalign.figures.make_all import FiguresSummary, make_all_figures
from nashalign.figures.slices import SliceData, compute_slices, weight_slices
from nashalign.figures.tables import TableData, exclusion_table

__all__ = [
    "FiguresSummary",
    "GovernanceData",
    "HeatmapData",
    "RStarData",
    "SliceData",
    "StableMapData",
    "TableData",
    "compute_heatmap",
    "compute_r_star",
    "compute_slices",
    "compute_stable_map",
    "exclusion_heatmap",
    "exclusion_table",
    "governance",
    "heatmap_grid",
    "make_all_figures",
    "r_star_curve",
    "stable_exclusion_map",
    "weight_slices",
]
