"""``nashalign verify``: run every derivation and print a table; non-zero exit on failure."""

from __future__ import annotations

import argparse
import sys
import time

from nashalign.cli.progress_flags import add_progress_flags, wants_progress
from nashalign.jsonformat import help_text

#: One-line help of ``nashalign verify`` in the command list.
HELP = "derive and verify every result (exact identities); exit 1 if any is not proved"

#: What ``nashalign verify --help`` says first.
DESCRIPTION = (
    "Derive and check every result (Claim 1, Lemma 0, Theorem 1, Lemma 2, "
    "Theorems 2 and 3, the exclusion thresholds, the heterogeneous case) for explicit "
    "K = 2..--max-k "
    "(Theorem 1 and Lemma 2 also one K further: at K = max(5, --max-k + 1)) and print a "
    "table; from K = 5 the polynomial-matrix checks use exact python-flint arithmetic. "
    "Each status is one of "
    "'proved for general K', 'proved at explicit K = ...', 'fails (counterexample)', "
    "'hypothesis unknown', 'not established'; only the 'proved' ones count as verified."
)


def _add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``nashalign verify``."""
    p.add_argument(
        "--max-k",
        type=int,
        default=4,
        help="largest explicit K of every result (default 4, at most 6; Theorem 1 and "
        "Lemma 2 also run at max(5, K + 1))",
    )
    p.add_argument(
        "--coq",
        action="store_true",
        help="also compile the kernel-checked proofs in derivations/coq with coqc (Coq 8.16 + "
        "mathcomp 1.15; about 15 s, at most 3 minutes) and check that every main theorem is "
        "'Closed under the global context'; only then does the kernel table say 'proved for "
        "general K (Coq kernel)'. Needs: apt-get install -y --no-install-recommends coq "
        "libcoq-mathcomp-algebra",
    )
    p.add_argument("--json", action="store_true", help=help_text("verify"))
    add_progress_flags(p)


def run(args: argparse.Namespace) -> int:
    """Run the verification plan."""
    from nashalign.derivations import verification_plan, verify_all
    from nashalign.jsonformat import dumps, verify_record
    from nashalign.publish.plain import kernel_json, kernel_text, verification_text

    verification_plan(args.max_k)  # validates --max-k before any work
    kernel = None
    if getattr(args, "coq", False):
        from nashalign.derivations import coq_kernel

        if coq_kernel.coqc_version() == "":
            print(f"error: --coq needs coqc: {coq_kernel.INSTALL_HINT}", file=sys.stderr)
            return 2
        kernel = coq_kernel.compile_project()
        if kernel.ok:
            try:
                coq_kernel.write_stamp(kernel, coq_kernel.COQ_DIR / ".kernel-stamp.json")
            except OSError:
                pass  # a read-only install: the stamp is an optimisation for the book only
    t0 = time.perf_counter()
    records = verify_all(args.max_k, progress=wants_progress(args) and not args.json, kernel=kernel)
    total = time.perf_counter() - t0
    failed = [r for r in records if not r.verified]
    doc = verify_record(records, total, args.max_k)
    if kernel is not None:
        doc["coq_kernel"] = kernel_json(kernel, [r.name for r in records])
    if args.json:
        print(dumps(doc))
    else:
        print(verification_text(records))
        if kernel is not None:
            print()
            print(kernel_text(kernel, [r.name for r in records]))
        summary = ", ".join(f"{n} {k}" for k, n in doc["statuses"].items())
        print(f"\n{len(records) - len(failed)}/{len(records)} proved ({summary}) in {total:.1f} s")
        for r in failed:
            bad = [c.description for c in r.checks if not c.passed]
            print(
                f"NOT PROVED {r.name} {r.params} [{r.status}]: {r.failure or '; '.join(bad)}",
                file=sys.stderr,
            )
    if kernel is not None and not kernel.ok:
        print(f"NOT PROVED by the Coq kernel: {kernel.error}", file=sys.stderr)
        return 1
    return 1 if failed else 0
