"""Kernel-checked proofs: compile the Coq/mathcomp project in ``derivations/coq``.

The ``.v`` files next to this module prove the general-K results of SPEC section 2
over any field (real closed where order matters) with Coq 8.16 and mathcomp 1.15
(Debian packages ``coq`` and ``libcoq-mathcomp-algebra``). :func:`compile_project`
compiles them with ``coqc`` under a timeout, in a scratch directory, and then asks the
kernel ``Print Assumptions`` for every main theorem listed in :data:`THEOREMS`: a
theorem counts as kernel-checked only when the answer is "Closed under the global
context" (no axiom, no admitted lemma). The sources are also scanned for ``Admitted``,
``admit``, ``Axiom``, ``Parameter`` and ``Conjecture``.

Only a run that compiled the proofs (or that found a build stamp written by such a run
for exactly these sources, :func:`check_stamp`) may call a result "proved for general K
(Coq kernel)": :data:`KERNEL_LABEL`.

Examples
--------
>>> sorted(THEOREMS)[:2]
['claim1', 'lemma2']
>>> coq_statement("det_B_alpha").split()[:2]
['Theorem', 'det_B_alpha']
>>> len(source_digest()) == 64
True
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

#: Where the Coq project lives (installed as package data next to this module).
COQ_DIR = Path(__file__).resolve().parent / "coq"
#: The one line that installs the proof checker (Debian / Ubuntu).
INSTALL_HINT = "apt-get install -y --no-install-recommends coq libcoq-mathcomp-algebra"
#: The label a result earns from a compiled, axiom-free proof.
KERNEL_LABEL = "proved for general K (Coq kernel)"
#: Default wall-clock limit of a whole compile (SPEC: under 3 minutes on 2 cores).
DEFAULT_TIMEOUT = 180.0
#: The kernel's answer for a theorem that depends on no axiom.
CLOSED = "Closed under the global context"

#: Result name (as in ``nashalign.derivations.NAMES``) -> (file, theorem) pairs.
#: Every listed theorem must compile and be closed under the global context.
THEOREMS: dict[str, tuple[tuple[str, str], ...]] = {
    "claim1": (("Claim1", "claim1_quadratic_form"), ("Claim1", "claim1_psd")),
    "theorem1": (
        ("Bordered", "det_B_alpha"),
        ("Bordered", "det_rank1_update"),
        ("Theorem1", "Pi_poly"),
        ("Theorem1", "theorem1_w0"),
        ("Theorem1", "theorem1_sum_v"),
        ("Theorem1", "theorem1_solution"),
        ("Theorem1", "theorem1_unique"),
        ("Theorem1", "theorem1_betas"),
    ),
    "lemma2": (
        ("Lemma2", "alpha_poly_eval"),
        ("Lemma2", "lemma2_degree"),
        ("Lemma2", "lemma2_degree_char0"),
        ("Positivity", "alpha_pos"),
    ),
    "theorem2": (
        ("Theorem2", "det_Gmx"),
        ("Theorem2", "theorem2_det"),
        ("Theorem2", "theorem2_factorisation"),
        ("Theorem2", "theorem2_unit"),
    ),
    "theorem3": (
        ("Theorem3", "pair_sum"),
        ("Theorem3", "lin_step"),
        ("Theorem3", "quad_step"),
        ("Theorem3", "bil_step_l"),
        ("Theorem3", "bil_step_r"),
        ("Theorem3", "potential_gradient"),
    ),
}

#: Results whose kernel theorems prove one part of the statement only: result -> that part.
#: Their records keep their explicit-K status; the kernel check is listed as partial.
PARTIAL: dict[str, str] = {
    "theorem2": "the factorisation det = (-1)^N alpha * alpha~^(N-1) of the full-support "
    "N-agent system and its invertibility iff alpha != 0 and alpha~ != 0 (every N, K, any "
    "field; not the uniqueness, symmetry or continuum of interior NE)",
    "theorem3": "the potential identity dPhi/dw_m = grad_{w_m} u_m (every N, K, any field)",
}

#: Results of SPEC section 2 whose kernel proof is not (yet) written: listed, never claimed.
OPEN: dict[str, str] = {
    "exclusion": "the threshold polynomials (A1)_k + s(Pi a)_k - tau*alpha as the exact "
    "condition w*_k = tau (stretch goal, not yet in Coq)",
    "heterogeneous": "the reduction of the stacked heterogeneous system (stretch goal, not "
    "yet in Coq)",
}

_FORBIDDEN = re.compile(r"\b(Admitted|admit|Axiom|Axioms|Parameter|Parameters|Conjecture)\b")
_COMMENT = re.compile(r"\(\*.*?\*\)", re.S)


@dataclasses.dataclass
class TheoremStatus:
    """One main theorem: where it lives, whether the kernel closed it, the raw answer."""

    result: str
    file: str
    name: str
    closed: bool
    assumptions: str

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class KernelResult:
    """The outcome of :func:`compile_project`.

    ``ok`` is True only when ``coqc`` exists, every file compiled within the timeout,
    no forbidden keyword occurs in the sources and every theorem of :data:`THEOREMS`
    is closed under the global context.
    """

    available: bool
    ok: bool
    seconds: float
    digest: str
    coqc_version: str = ""
    theorems: list[TheoremStatus] = dataclasses.field(default_factory=list)
    forbidden: list[str] = dataclasses.field(default_factory=list)
    error: str = ""
    file_seconds: dict[str, float] = dataclasses.field(default_factory=dict)
    #: How the kernel's verdict was obtained: a compile in this run, or a build stamp
    #: of a successful compile of exactly these sources (:func:`kernel_from_stamp`).
    origin: str = "compiled in this run"

    def proved(self, result: str) -> bool:
        """True when every kernel theorem of ``result`` compiled and is axiom-free."""
        mine = [t for t in self.theorems if t.result == result]
        return self.ok and bool(mine) and all(t.closed for t in mine)

    def label(self, result: str) -> str:
        """The kernel column of the verify table for ``result``."""
        if not self.available:
            return "coqc not installed"
        if result not in THEOREMS:
            return "open (no Coq proof yet)" if result in OPEN else "-"
        if self.proved(result):
            return KERNEL_LABEL + (f": {PARTIAL[result]} only" if result in PARTIAL else "")
        return "kernel check failed"

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["theorems"] = [t.to_json() for t in self.theorems]
        return d


def project_files(coq_dir: Path = COQ_DIR) -> list[str]:
    """The ``.v`` files of ``_CoqProject``, in compile order."""
    lines = (coq_dir / "_CoqProject").read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip().endswith(".v")]


def source_digest(coq_dir: Path = COQ_DIR) -> str:
    """sha256 over ``_CoqProject`` and every ``.v`` file it lists (names and bytes)."""
    h = hashlib.sha256()
    for name in ["_CoqProject", *project_files(coq_dir)]:
        data = (coq_dir / name).read_bytes()
        h.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return h.hexdigest()


def forbidden_keywords(coq_dir: Path = COQ_DIR) -> list[str]:
    """``file:keyword`` for every Admitted/admit/Axiom/Parameter/Conjecture outside comments."""
    found = []
    for name in project_files(coq_dir):
        text = _COMMENT.sub(" ", (coq_dir / name).read_text())
        found += [f"{name}:{m.group(1)}" for m in _FORBIDDEN.finditer(text)]
    return found


def coq_statement(name: str, coq_dir: Path = COQ_DIR) -> str:
    """The source text of theorem/lemma ``name``: from its keyword to just before ``Proof.``.

    This is what the book shows verbatim, and what the tests tie to the compiled file.
    """
    pat = re.compile(
        r"^(?:Theorem|Lemma|Corollary)\s+" + re.escape(name) + r"\b(.*?)^Proof\.",
        re.S | re.M,
    )
    for fname in project_files(coq_dir):
        text = (coq_dir / fname).read_text()
        m = pat.search(text)
        if m:
            return m.group(0)[: -len("Proof.")].rstrip()
    raise KeyError(f"no Coq theorem named {name!r} in {coq_dir}")


def _coqc() -> str | None:
    return shutil.which("coqc")


def coqc_version() -> str:
    """``coqc --version``'s first line, or "" when coqc is missing."""
    exe = _coqc()
    if exe is None:
        return ""
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
    return out.stdout.strip().splitlines()[0] if out.stdout.strip() else ""


def _assumptions_script() -> str:
    mods = sorted({f for pairs in THEOREMS.values() for f, _ in pairs})
    lines = ["From NashAlign Require Import " + " ".join(mods) + "."]
    for result, pairs in THEOREMS.items():
        for fname, thm in pairs:
            lines.append(f'Goal True. idtac "@@NASHALIGN {result} {fname} {thm}". Abort.')
            lines.append(f"Print Assumptions {fname}.{thm}.")
    lines.append('Goal True. idtac "@@NASHALIGN END". Abort.')
    return "\n".join(lines) + "\n"


def _parse_assumptions(out: str) -> list[TheoremStatus]:
    statuses = []
    chunks = re.split(r"^@@NASHALIGN ", out, flags=re.M)
    for chunk in chunks[1:]:
        head, _, body = chunk.partition("\n")
        parts = head.split()
        if parts == ["END"] or len(parts) != 3:
            continue
        result, fname, thm = parts
        body = body.strip()
        statuses.append(TheoremStatus(result, fname, thm, body == CLOSED, body))
    return statuses


def compile_project(
    timeout: float = DEFAULT_TIMEOUT, coq_dir: Path = COQ_DIR, keep: Path | None = None
) -> KernelResult:
    """Compile the Coq project and check every main theorem's assumptions.

    Parameters
    ----------
    timeout : float
        Wall-clock seconds for the whole compile (all files and the assumption check).
    coq_dir : Path
        The project (default: the shipped ``derivations/coq``).
    keep : Path, optional
        Build here instead of a temporary directory (kept afterwards).

    Returns
    -------
    KernelResult
        ``available`` is False (and nothing is run) when ``coqc`` is not on PATH.
    """
    digest = source_digest(coq_dir)
    exe = _coqc()
    if exe is None:
        return KernelResult(False, False, 0.0, digest, error=f"coqc not found; {INSTALL_HINT}")
    version = coqc_version()
    forbidden = forbidden_keywords(coq_dir)
    t0 = time.perf_counter()
    file_seconds: dict[str, float] = {}

    def failed(error: str) -> KernelResult:
        return KernelResult(
            True,
            False,
            time.perf_counter() - t0,
            digest,
            version,
            forbidden=forbidden,
            file_seconds=file_seconds,
            error=error,
        )

    with tempfile.TemporaryDirectory(prefix="nashalign-coq-") as tmp:
        build = Path(keep) if keep is not None else Path(tmp)
        build.mkdir(parents=True, exist_ok=True)
        for name in ["_CoqProject", *project_files(coq_dir)]:
            shutil.copyfile(coq_dir / name, build / name)
        (build / "NashAlignAssumptions.v").write_text(_assumptions_script())
        args = [exe, "-q", "-w", "-notation-overridden,-ambiguous-paths", "-R", ".", "NashAlign"]
        # Every file in order, then the Print Assumptions script, within one time budget.
        for name in [*project_files(coq_dir), "NashAlignAssumptions.v"]:
            left = timeout - (time.perf_counter() - t0)
            t1 = time.perf_counter()
            try:
                proc = subprocess.run(
                    [*args, name],
                    cwd=build,
                    capture_output=True,
                    text=True,
                    timeout=max(left, 1.0),
                    env=dict(os.environ),
                )
            except subprocess.TimeoutExpired:
                if name == "NashAlignAssumptions.v":
                    return failed("Print Assumptions timed out")
                return failed(f"{name}: timed out (whole compile limited to {timeout:.0f} s)")
            if name == "NashAlignAssumptions.v":
                break
            file_seconds[name] = round(time.perf_counter() - t1, 2)
            if proc.returncode != 0:
                msg = (proc.stderr or proc.stdout).strip()
                return failed(f"{name}: coqc failed: {msg[-2000:]}")
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        return failed("Print Assumptions failed: " + (proc.stderr or proc.stdout)[-2000:])
    theorems = _parse_assumptions(proc.stdout)
    expected = {(r, f, t) for r, pairs in THEOREMS.items() for f, t in pairs}
    got = {(t.result, t.file, t.name) for t in theorems}
    error = ""
    if got != expected:
        error = f"Print Assumptions answered for {sorted(got)}, expected {sorted(expected)}"
    ok = not error and not forbidden and all(t.closed for t in theorems)
    if not ok and not error:
        bad = [f"{t.file}.{t.name}" for t in theorems if not t.closed]
        error = "; ".join(
            ([f"not closed: {', '.join(bad)}"] if bad else [])
            + ([f"forbidden keywords: {', '.join(forbidden)}"] if forbidden else [])
        )
    return KernelResult(
        True, ok, seconds, digest, version, theorems, forbidden, error, file_seconds
    )


def write_stamp(result: KernelResult, path: Path) -> Path:
    """Record a successful compile: the sources' sha256, coqc's version and the theorems."""
    if not result.ok:
        raise ValueError("only a successful kernel check can be stamped")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "sha256": result.digest,
        "coqc_version": result.coqc_version,
        "seconds": round(result.seconds, 2),
        "theorems": [f"{t.file}.{t.name}" for t in result.theorems if t.closed],
    }
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    tmp.replace(path)
    return path


def check_stamp(path: Path, coq_dir: Path = COQ_DIR) -> bool:
    """True when ``path`` is a stamp of a successful compile of exactly the current sources."""
    try:
        doc = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return False
    if not isinstance(doc, dict) or doc.get("sha256") != source_digest(coq_dir):
        return False
    wanted = {f"{f}.{t}" for pairs in THEOREMS.values() for f, t in pairs}
    return wanted <= set(doc.get("theorems", []))


def kernel_from_stamp(path: Path | None = None, coq_dir: Path = COQ_DIR) -> KernelResult | None:
    """The verdict of a stamped compile of exactly the current sources, or None.

    A stamp is written only after a successful :func:`compile_project` (``nashalign
    verify --coq``); it names the sources' sha256 and every closed theorem, and is
    accepted only when the digest is that of the sources now on disk
    (:func:`check_stamp`). The book uses it so that it never compiles, and never
    claims a kernel proof without one.

    Examples
    --------
    >>> kernel_from_stamp(Path("/nonexistent/stamp.json")) is None
    True
    """
    path = Path(path) if path is not None else coq_dir / ".kernel-stamp.json"
    if not check_stamp(path, coq_dir):
        return None
    doc = json.loads(path.read_text())
    closed = set(doc.get("theorems", []))
    theorems = [
        TheoremStatus(result, fname, thm, f"{fname}.{thm}" in closed, "stamped")
        for result, pairs in THEOREMS.items()
        for fname, thm in pairs
    ]
    return KernelResult(
        True,
        True,
        float(doc.get("seconds", 0.0)),
        doc["sha256"],
        str(doc.get("coqc_version", "")),
        theorems,
        origin="compiled for exactly these sources (build stamp)",
    )


def apply_kernel(records: list[Any], kernel: KernelResult) -> list[Any]:
    """Add a kernel check to every canonical record whose Coq theorems compiled in this run.

    ``kernel`` must come from :func:`compile_project` in the same run, or from
    :func:`kernel_from_stamp` (a stamped compile of exactly these sources). Only records of the
    canonical ("overlap") utility are concerned (the Coq statements are about it); a
    record of a result in :data:`PARTIAL` gets a partial kernel check and keeps its
    status, a record whose identities failed stays failed. Each record is finished again.
    """
    for rec in records:
        name = rec.name
        if name not in THEOREMS or rec.params.get("variant", "overlap") != "overlap":
            continue
        if not kernel.proved(name) or any(c.kind == "kernel" for c in rec.checks):
            continue
        part = PARTIAL.get(name)
        for fname, thm in THEOREMS[name]:
            rec.add_kernel(
                f"Coq {fname}.{thm}: {kernel.origin}, closed under the global context"
                + (f" (proves {part})" if part else ""),
                True,
                f"{kernel.coqc_version or 'coqc'}, mathcomp 1.15; derivations/coq/{fname}.v; "
                f"sources sha256 {kernel.digest[:12]}",
                partial=part is not None,
            )
        rec.proof_status = ""
        rec.finish()
    return records
