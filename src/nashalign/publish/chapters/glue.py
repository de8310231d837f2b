"""Glue helpers: put rendered records, Markdown, text and images into a chapter's page.

Each is one call in a cell; the ``{glue:md}`` / ``{glue:figure}`` directives
of the chapter pick the values up by key. Outside a notebook kernel they do
nothing visible (``myst_nb.glue`` with ``display=False``).

Examples
--------
>>> from nashalign.derivations import derive
>>> glue_record("claim1", derive("claim1", K=2))
>>> glue_markdown("note", "**bold**")
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from nashalign.publish.render import statement_markdown, steps_markdown, verification_markdown

__all__ = ["glue_images", "glue_markdown", "glue_record", "glue_records", "glue_text"]


def glue_markdown(key: str, markdown: str) -> None:
    """Glue ``markdown`` (MyST) under ``key`` for a ``{glue:md}`` directive."""
    from IPython.display import Markdown
    from myst_nb import glue

    glue(key, Markdown(markdown), display=False)


def glue_text(key: str, text: str) -> None:
    """Glue plain ``text`` under ``key`` for a ``{glue:text}`` role."""
    from myst_nb import glue

    glue(key, text, display=False)


def glue_record(key: str, record: Any, *, verification: bool = False) -> None:
    """Glue a derivation record's statement and steps as ``<key>_statement``, ``<key>_steps``.

    Also the statement for general K as ``<key>_general``
    (:func:`~nashalign.publish.chapters.statements.general_statement`) and what
    backs it as ``<key>_scope``
    (:func:`~nashalign.publish.chapters.statements.scope_markdown`): the theorem
    boxes show these two.

    Where a build stamp vouches for a compile of exactly the current Coq sources,
    the record first gets its kernel checks
    (:func:`~nashalign.publish.chapters.records.with_kernel`).

    With ``verification``, also its hypotheses, status and checks as
    ``<key>_verification`` (:func:`nashalign.publish.render.verification_markdown`).
    """
    from nashalign.publish.chapters.records import with_kernel
    from nashalign.publish.chapters.statements import general_statement, scope_markdown

    (record,) = with_kernel([record])  # kernel checks only where a build stamp vouches
    glue_markdown(f"{key}_statement", statement_markdown(record))
    glue_markdown(f"{key}_general", general_statement(record))
    glue_markdown(f"{key}_scope", scope_markdown(record))
    glue_markdown(f"{key}_steps", steps_markdown(record))
    if verification:
        glue_markdown(f"{key}_verification", verification_markdown(record))


def glue_records(records: Mapping[str, Any], *, verification: bool = False) -> None:
    """:func:`glue_record` for each ``key: record``."""
    for key, record in records.items():
        glue_record(key, record, verification=verification)


def glue_images(paths: Mapping[str, str | os.PathLike[str]]) -> None:
    """Glue each image file under its key (for ``{glue:figure}``)."""
    from IPython.display import Image
    from myst_nb import glue

    for key, path in paths.items():
        glue(key, Image(filename=os.fspath(path)), display=False)
