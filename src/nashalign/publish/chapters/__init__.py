"""What the book's chapters show, computed here so that every cell is one call.

One module per chapter (``book/<chapter>.md`` calls ``chapters/<chapter>.py``),
plus what they share: :mod:`~.records` (verification tables of derivation
records), :mod:`~.glue` (gluing rendered records, Markdown and figures into a
page) and :mod:`~.common` (the shipped instances, :class:`ChapterCheckError`).

Each helper returns the Markdown (or the records, or the figures summary) of
one cell and raises :class:`ChapterCheckError` when a check the chapter states
fails, so the executed build fails with it. Tables go through the one Markdown
writer, :func:`nashalign.publish.render.markdown_table`; derived formulas come
from the derivation records, never retyped. Every helper is re-exported here,
so a cell reads ``chapters.theorem1_solver_table()``.

Examples
--------
>>> from nashalign.publish import chapters
>>> chapters.verification_at("claim1", (2,)).splitlines()[0].startswith("| result |")
True
"""

from nashalign.publish.chapters import exercises
from nashalign.publish.chapters.claim1 import claim1_numeric_table
from nashalign.publish.chapters.common import POINT, TAU, ChapterCheckError
from nashalign.publish.chapters.crosscheck import CrossCheckResult, crosscheck_summary
from nashalign.publish.chapters.equilibria import (
    equilibrium_facts,
    equilibrium_figures,
    equilibrium_set_table,
    iterative_lands_on_some_ne,
    orbit_table,
    robust_steering_table,
    stable_map_report,
)
from nashalign.publish.chapters.exclusion import steering_tables
from nashalign.publish.chapters.exercises import *  # noqa: F403  (the exercises' checks, by name)
from nashalign.publish.chapters.experiments import (
    FIGURE_KEYS,
    exclusion_fraction_table,
    experiment_figures,
    figures_report,
)
from nashalign.publish.chapters.glue import (
    glue_images,
    glue_markdown,
    glue_record,
    glue_records,
    glue_text,
)
from nashalign.publish.chapters.kernel import (
    coq_statements,
    kernel_overview,
    kernel_status,
    reading_guide,
)
from nashalign.publish.chapters.lemma0 import best_response_table, lemma0_variants
from nashalign.publish.chapters.lemma2_theorems23 import (
    degenerate_ratio_table,
    iterative_vs_closed_form_table,
)
from nashalign.publish.chapters.model import utility_variants
from nashalign.publish.chapters.records import (
    LEMMA2_CHAPTER_SIZES,
    all_results_at_k2,
    lemma2_chapter_records,
    lemma2_chapter_sizes,
    verification_at,
    verification_over,
    verify_everything,
)
from nashalign.publish.chapters.reproducing import cli_table, readme_commands, versions_table
from nashalign.publish.chapters.scoring import (
    dataset_sample,
    dataset_table,
    equilibrium_comparison,
    exclusion_comparison,
    exclusion_contrast,
    exclusion_shares,
    instance_tables,
    provenance_table,
    reestimate_check,
)
from nashalign.publish.chapters.statements import general_statement, scope_markdown
from nashalign.publish.chapters.theorem1 import theorem1_k2_forms, theorem1_solver_table

__all__ = [
    "coq_statements",
    "kernel_overview",
    "kernel_status",
    "reading_guide",
    "FIGURE_KEYS",
    "LEMMA2_CHAPTER_SIZES",
    "POINT",
    "TAU",
    "ChapterCheckError",
    "CrossCheckResult",
    "all_results_at_k2",
    "best_response_table",
    "claim1_numeric_table",
    "cli_table",
    "crosscheck_summary",
    "dataset_sample",
    "dataset_table",
    "equilibrium_comparison",
    "exclusion_comparison",
    "exclusion_contrast",
    "exclusion_shares",
    "equilibrium_facts",
    "equilibrium_figures",
    "equilibrium_set_table",
    "degenerate_ratio_table",
    "exclusion_fraction_table",
    "experiment_figures",
    "figures_report",
    "glue_images",
    "glue_markdown",
    "glue_record",
    "glue_records",
    "glue_text",
    "instance_tables",
    "iterative_lands_on_some_ne",
    "iterative_vs_closed_form_table",
    "lemma0_variants",
    "lemma2_chapter_records",
    "lemma2_chapter_sizes",
    "orbit_table",
    "provenance_table",
    "readme_commands",
    "reestimate_check",
    "robust_steering_table",
    "stable_map_report",
    "steering_tables",
    "general_statement",
    "scope_markdown",
    "theorem1_k2_forms",
    "theorem1_solver_table",
    "utility_variants",
    "verification_at",
    "verification_over",
    "versions_table",
    "verify_everything",
]
__all__ += exercises.__all__
