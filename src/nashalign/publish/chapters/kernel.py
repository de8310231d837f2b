"""The kernel-checked proofs in the book: each Coq statement verbatim, beside its theorem.

The statements are cut out of the ``.v`` files by
:func:`nashalign.derivations.coq_kernel.coq_statement` at build time (never retyped);
the kernel status shown is that of the build stamp: "compiled" only when a compile of
exactly these sources succeeded (``nashalign verify --coq`` writes the stamp; CI runs it
before the book).

Examples
--------
>>> md = coq_statements("claim1")
>>> "Theorem claim1_psd" in md and "```coq" in md
True
"""

from __future__ import annotations

from nashalign.derivations import coq_kernel
from nashalign.tables import markdown_table

#: The reading guide: mathcomp notation -> the mathematics of the book.
READING_GUIDE: tuple[tuple[str, str], ...] = (
    ("'M[F]_n, 'M[F]_(m, n)", "n x n (m x n) matrices with entries in the field F"),
    ("'cV[F]_n, 'rV[F]_n", "column and row vectors of length n"),
    ("fieldType, rcfType", "any field; a real closed field (the reals, or real algebraics)"),
    ("A *m B, A^T", "the matrix product AB, the transpose"),
    ("a *: A, a%:M", "scalar times matrix aA; the scalar matrix aI"),
    ("\\adj A, \\det A, \\tr A", "adjugate adj A, determinant det A, trace tr A"),
    ("ones F n", "the all-ones column 1 (const_mx 1)"),
    ("X 0 0", "the entry of a 1 x 1 matrix, e.g. (1^T adj(M) 1) 0 0 = alpha(M)"),
    ("alpha M", "1^T adj(M) 1"),
    ("bordered M u v d, Bmat M", "the block matrix [[M, u], [v, d]]; B = [[M, 1], [1^T, 0]]"),
    ("Mr C r", "M(r) = 2C + rI (written C *+ 2 + r%:M)"),
    ("block_mx, ulsubmx", "a 2 x 2 block matrix; its upper-left block"),
    ("{poly F}, p.[x], size p, lead_coef p", "polynomials; p(x); degree + 1; leading coefficient"),
    ("x ^+ 2, x^-1, n%:R", "x squared; the inverse (0^-1 = 0 in mathcomp); the integer n in F"),
    ("psd C", "v^T C v >= 0 for every column v (our definition; mathcomp has none)"),
    ("(0 < n)%N", "a condition on natural numbers (K >= 1)"),
)


def reading_guide() -> str:
    """The reading guide as a Markdown table."""
    rows = [(f"`{c}`", m) for c, m in READING_GUIDE]
    return markdown_table(("mathcomp", "reads as"), rows)


def kernel_status() -> str:
    """One sentence: were the proofs compiled for exactly these sources (build stamp)?"""
    stamp = coq_kernel.COQ_DIR / ".kernel-stamp.json"
    digest = coq_kernel.source_digest()[:12]
    if coq_kernel.check_stamp(stamp):
        return (
            f"Kernel status: the Coq project (sources sha256 `{digest}`) was compiled by "
            "`nashalign verify --coq` for exactly these sources, with every theorem below "
            f"*{coq_kernel.CLOSED}* (no axiom, no `Admitted`)."
        )
    return (
        f"Kernel status: **not compiled for these sources** (sha256 `{digest}`) in this "
        "build; run `nashalign verify --coq` (needs "
        f"`{coq_kernel.INSTALL_HINT}`) to check them."
    )


def coq_statements(result: str) -> str:
    """Markdown: every main Coq theorem of ``result``, verbatim from its ``.v`` file."""
    if result in coq_kernel.OPEN:
        return f"Not yet proved in Coq (open): {coq_kernel.OPEN[result]}."
    parts = []
    for fname, thm in coq_kernel.THEOREMS[result]:
        text = coq_kernel.coq_statement(thm)
        parts.append(f"`{thm}` in `derivations/coq/{fname}.v`:\n\n```coq\n{text}\n```")
    return "\n\n".join(parts)


def kernel_overview() -> str:
    """Markdown: which results the kernel proves, which are open, and the status."""
    rows = []
    for result, pairs in coq_kernel.THEOREMS.items():
        files = sorted({f"{f}.v" for f, _ in pairs})
        rows.append((result, ", ".join(t for _, t in pairs), ", ".join(files), "proof"))
    for result, why in coq_kernel.OPEN.items():
        rows.append((result, "-", "-", f"open: {why}"))
    table = markdown_table(("result", "Coq theorems", "files", "status"), rows)
    return kernel_status() + "\n\n" + table
