"""Verification tables of derivation records (every theorem chapter, the model, reproducing).

Each helper derives, tabulates with :func:`nashalign.publish.render.verification_table`
and raises :class:`~nashalign.publish.chapters.common.ChapterCheckError` when a
record is not verified, so the book build fails with it.

Examples
--------
>>> md = verification_over([("claim1", {"K": 2})])
>>> md.splitlines()[0].startswith("| result |")
True
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from nashalign.publish.chapters.common import check
from nashalign.publish.render import verification_table

__all__ = [
    "LEMMA2_CHAPTER_SIZES",
    "all_results_at_k2",
    "lemma2_chapter_records",
    "lemma2_chapter_sizes",
    "verification_at",
    "verification_over",
    "verify_everything",
    "with_kernel",
]

#: The sizes at which the Lemma 2 / Theorems 2-3 chapter verifies its results.
LEMMA2_CHAPTER_SIZES: tuple[tuple[str, dict[str, int]], ...] = (
    *(("lemma2", {"K": k}) for k in (2, 3, 4, 5)),
    *(("theorem2", {"K": k, "N": 3}) for k in (2, 3, 4)),
    *(("theorem3", {"K": k, "N": 3}) for k in (2, 3, 4)),
    ("heterogeneous", {"K": 2, "N": 2}),
)


def with_kernel(records: list[Any]) -> list[Any]:
    """The records with their Coq kernel checks where a build stamp vouches for the proofs.

    Only a stamp of a successful compile of exactly the current sources counts
    (``nashalign verify --coq`` writes it; CI runs that before the book); without
    one the records keep the status their identities earn.
    """
    from nashalign.derivations import coq_kernel

    kernel = coq_kernel.kernel_from_stamp()
    return records if kernel is None else coq_kernel.apply_kernel(records, kernel)


def verification_over(specs: Iterable[tuple[str, dict[str, Any]]]) -> str:
    """Derive each ``(name, params)``, tabulate the records; raise if one is not verified.

    Examples
    --------
    >>> "Claim 1" in verification_over([("claim1", {"K": 2})])
    True
    """
    from nashalign.derivations import derive

    records = with_kernel([derive(name, **params) for name, params in specs])
    failed = [f"{r.name} {r.params}" for r in records if not r.verified]
    check(not failed, f"not verified: {', '.join(failed)}")
    return verification_table(records)


def verification_at(name: str, ks: Sequence[int], N: int | None = None) -> str:
    """:func:`verification_over` for one result at several explicit K.

    Examples
    --------
    >>> verification_at("claim1", (2, 3)).count("| proved")
    2
    """
    extra = {} if N is None else {"N": N}
    return verification_over((name, {"K": k, **extra}) for k in ks)


def lemma2_chapter_sizes() -> str:
    """:func:`verification_over` at :data:`LEMMA2_CHAPTER_SIZES`."""
    return verification_over(LEMMA2_CHAPTER_SIZES)


def lemma2_chapter_records() -> dict[str, Any]:
    """The records the Lemma 2 / Theorems 2-3 chapter states, keyed by registry name."""
    from nashalign.derivations import derive

    records = with_kernel(
        [
            derive("lemma2", K=3),
            derive("theorem2", K=3, N=3),
            derive("theorem3", K=3, N=3),
            derive("heterogeneous", K=2, N=2),
        ]
    )
    return {r.name: r for r in records}


def verify_everything(max_k: int = 4) -> str:
    """The whole verification plan (what ``nashalign verify`` runs), with its timing."""
    from nashalign.derivations import verify_all

    t0 = time.perf_counter()
    records = with_kernel(verify_all(max_k=max_k))
    seconds = time.perf_counter() - t0
    failed = [r.name for r in records if not r.verified]
    check(not failed, f"derivations failed: {failed}")
    return (
        verification_table(records)
        + f"\n\n{len(records)} derivations, {len(records) - len(failed)} verified, "
        f"{len(failed)} failed, in {seconds:.1f} s."
    )


def all_results_at_k2() -> str:
    """Every registered result at K = 2 (the overview table of the model chapter).

    Not asserted: the model chapter shows the registry as it stands; each
    result's own chapter fails the build when it does not verify.
    """
    from nashalign.derivations import NAMES, derive

    return verification_table([derive(name, K=2) for name in NAMES])
