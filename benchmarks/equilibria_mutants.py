"""Mutation harness of the whole equilibrium set (issue 17).

Each mutant is one textual change to ``src/nashalign/solvers/equilibria`` (what it
breaks, file, original, replacement). :func:`run_mutants` applies each in turn, runs
the equilibrium tests (:data:`MUTANT_TESTS`), restores the file (also on error or
time-out), and records killed (tests red) or survived; a mutant whose text is not
found exactly once counts as not killed. Run through
``benchmarks/bench_equilibria.py --mutants``; results go to
``benchmarks/results/equilibria_mutants.{json,md}``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_closed_form import machine_info  # noqa: E402

E = "src/nashalign/solvers/equilibria/"
MUTANTS = [
    (
        "zero weights accepted on a support",
        E + "points.py",
        "if any(w <= 0 for w in wS):",
        "if any(w < 0 for w in wS):",
    ),
    (
        "off-support tie rejected",
        E + "points.py",
        "if gi > lamz[i // K]:",
        "if gi >= lam[i // K]:",
    ),
    ("off-support inequality dropped", E + "points.py", "if gi > lamz[i // K]:", "if False:"),
    (
        "C assumed PSD (no best-response check)",
        E + "certificates.py",
        "bad = [m for m in range(N) if not game.psd_exact()[m][0]]",
        "bad = []",
    ),
    (
        "best response always accepted",
        E + "certificates.py",
        "return not qp_max_simplex(c, H) > own",
        "return True",
    ),
    (
        "certify_profile: support equalities unchecked",
        E + "certificates.py",
        "if any(x != on[0] for x in on) or any(G[k] > on[0] for k in range(K)):",
        "if any(G[k] > on[0] for k in range(K)):",
    ),
    (
        "certify_profile: simplex unchecked",
        E + "certificates.py",
        "any(sum(row) != 1 for row in rows)",
        "False",
    ),
    ("rref: wrong kernel basis", E + "exact.py", "v[j] = -R[i, f]", "v[j] = R[i, f]"),
    (
        "rref: singular called unique",
        E + "exact.py",
        'return ("unique" if not free else "affine"), x, null',
        'return "unique", x, null',
    ),
    (
        "charpoly PSD test: > instead of >=",
        E + "exact.py",
        "psd = all((cs[i] >= 0) if (n - i) % 2 == 0 else (cs[i] <= 0) for i in range(n + 1))",
        "psd = all((cs[i] > 0) if (n - i) % 2 == 0 else (cs[i] < 0) for i in range(n + 1))",
    ),
    # (">= instead of >" in the same test is equivalent: the matrix is nonsingular and
    # flint exchanges rows exactly at a zero pivot, so no U[i, i] is 0 without an
    # exchange.)
    (
        "Sylvester PD test: row exchanges ignored",
        E + "exact.py",
        "    if not P.is_one():\n        return None\n",
        "",
    ),
    (
        "face-reduced solve: last weight of a face not completed",
        E + "certificates.py",
        "            rest -= y[p]\n",
        "",
    ),
    (
        "face-reduced solve: w0 dropped from the right-hand side",
        E + "certificates.py",
        "(gz[a] - gz[a2]) - sum(d[l] for l in lasts)",
        "(gz[a] - gz[a2])",
    ),
    (
        "Fourier-Motzkin: strictness lost in combination",
        E + "exact.py",
        "row = (a, ch * bl + cl * bh, sl or sh)",
        "row = (a, ch * bl + cl * bh, sl and sh)",
    ),
    (
        "Fourier-Motzkin: strict final rows unchecked",
        E + "exact.py",
        "if (s and not b > 0) or (not s and b < 0):",
        "if not s and b < 0:",
    ),
    (
        "face enumeration: infeasible stationary points kept",
        E + "exact.py",
        'if st != "unique" or any(v < 0 for v in x[:size]):',
        'if st != "unique":',
    ),
    (
        "face enumeration: min instead of max",
        E + "exact.py",
        "if best is None or val > best:",
        "if best is None or val < best:",
    ),
    (
        "copositivity: strict test not strict",
        E + "exact.py",
        "return bool(m < 0) if strict else bool(m <= 0)",
        "return bool(m <= 0)",
    ),
    (
        "pre-filter without margin",
        E + "support_systems.py",
        "keep = undecided | ((wmin > -margin) & (gmax <= margin))",
        "keep = undecided | ((wmin > 0) & (gmax <= 0))",
    ),
    (
        "pre-filter margin ignores conditioning",
        E + "support_systems.py",
        "margin = tol.kkt + tol.kappa_eps * EPS * kappa * (1.0 + xmax)",
        "margin = tol.kkt + 0.0 * kappa",
    ),
    (
        "ill-conditioned systems not sent to exact",
        E + "support_systems.py",
        "undecided = ~(ok & np.isfinite(margin) & (margin <= tol.float_verdict_max))",
        "undecided = ~ok",
    ),
    (
        "pre-filter: equilibration inconsistent",
        E + "support_systems.py",
        "Qs = game.Q / sig",
        "Qs = game.Q",
    ),
    (
        "pre-filter: multipliers forgotten",
        E + "support_systems.py",
        "G = G.reshape(Bn, N, K) - lam[:, :, None]",
        "G = G.reshape(Bn, N, K)",
    ),
    # Replaces "continua: zero weights accepted" (the positivity rows made weak), an
    # equivalent mutant: the continuum's weights lie in simplices, so its polyhedron is
    # bounded, every variable gets a lower and an upper bound in back-substitution and
    # the witness (midpoints) is the same point; where the strict set is empty the weak
    # witness has a zero weight and the exact KKT check (``w > 0``) rejects it as the
    # strict elimination would. Only the row count near FM_MAX_ROWS could differ.
    (
        "continua: positivity rows dropped",
        E + "continua.py",
        "rows.append(([-v[p] for v in null], x[p], True))",
        "pass",
    ),
    (
        "continua: off-support inequalities dropped",
        E + "continua.py",
        "rows.append((a, -g, False))",
        "pass",
    ),
    (
        "fold: gradient ties unchecked",
        E + "enumeration.py",
        "if any(G[m * K + k] != G[m * K + S[0]] for k in S):",
        "if False:",
    ),
    # Replaces "fold: same-dimension continua folded" (``>`` -> ``>=``), an equivalent
    # mutant: ``inside(e, big)`` puts e's affine solution set inside big's; of equal
    # dimension they are equal, so big's representative (positive on all of big's
    # supports) has e's supports, and two equilibria never share a support tuple
    # (each tuple is certified once, orbits are distinct by support tuple).
    (
        "fold: support containment unchecked",
        E + "enumeration.py",
        "if any(not set(a) <= set(b) for a, b in zip(e.supports, big.supports, strict=True)):",
        "if False:",
    ),
    (
        "orbit not expanded",
        E + "enumeration.py",
        "found.extend(orbit(e) if game.homogeneous else [e])",
        "found.append(e)",
    ),
    (
        "alpha = 0 symmetric continuum never found",
        E + "enumeration.py",
        "return None if z is None or isinstance(z, str) else len(null)",
        "return None",
    ),
    (
        "stability: face Hessian sign ignored",
        E + "stability.py",
        '    if not psd:\n        return "saddle", False\n    cone',
        '    if False:\n        return "saddle", False\n    cone',
    ),
    (
        "stability: strict without definiteness",
        E + "stability.py",
        "if zeros == 0 and copositive(P, strict=True):",
        "if copositive(P, strict=True):",
    ),
    (
        "stability: copositivity unchecked",
        E + "stability.py",
        '    if copositive(P):\n        return "degenerate", True',
        '    if True:\n        return "degenerate", True',
    ),
    (
        "stability: flat directions called strict",
        E + "stability.py",
        'return ("strict local max", True) if zeros == 0 else ("degenerate", True)',
        'return ("strict local max", True)',
    ),
    (
        "stability: Schur complement sign",
        E + "stability.py",
        "P[c1][c2] -= sum(",
        "P[c1][c2] += sum(",
    ),
    (
        "stability: kernel condition unchecked",
        E + "stability.py",
        "if any(sum((z[p] * R[p][c] for p in range(nf)), zero) != 0 for c in range(len(cone))):",
        "if False:",
    ),
    (
        "stability: ties never detected",
        E + "stability.py",
        "weak_zero = lambda v: v == 0",
        "weak_zero = lambda v: False",
    ),
    (
        "game: diversity sign flipped",
        E + "game.py",
        "Q[i][j * K + k] = rho_q",
        "Q[i][j * K + k] = -rho_q",
    ),
    ("game: C assumed PSD", E + "game.py", "psd_exact(blk)[0],", "True,"),
    (
        "summary: alpha = 0 continuum unsaid",
        E + "results.py",
        "if si is None and self.symmetric_interior_continuum:",
        "if False:",
    ),
]

MUTANT_TESTS = [
    "tests/solvers/test_equilibria.py",
    "tests/solvers/test_equilibria_oracle.py",
    "tests/solvers/test_equilibria_continua.py",
    "tests/solvers/test_equilibria_exact_tools.py",
    "tests/solvers/test_equilibria_stability.py",
    "tests/solvers/test_equilibria_certify.py",
]


def run_mutants(root: Path, timeout: float = 300.0) -> dict[str, Any]:
    """Apply every mutant, run :data:`MUTANT_TESTS`, restore; ``{score, mutants}``."""
    import subprocess

    out = []
    for desc, rel, old, new in MUTANTS:
        path = root / rel
        src = path.read_text()
        if src.count(old) != 1:
            out.append({"mutant": desc, "file": rel, "status": "not applicable"})
            continue
        t0 = time.perf_counter()
        try:
            path.write_text(src.replace(old, new))
            try:
                rc = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "pytest",
                        "-x",
                        "-q",
                        "-p",
                        "no:cacheprovider",
                        "--hypothesis-seed=0",
                        *MUTANT_TESTS,
                    ],
                    cwd=root,
                    capture_output=True,
                    timeout=timeout,
                ).returncode
            except subprocess.TimeoutExpired:
                rc = -1
        finally:
            path.write_text(src)
        status = "survived" if rc == 0 else "killed"
        out.append(
            {
                "mutant": desc,
                "file": rel,
                "status": status,
                "seconds": round(time.perf_counter() - t0, 1),
            }
        )
        print(f"{status:8s} {desc}", flush=True)
    # A mutant whose text is not found exactly once counts as not killed: the harness
    # must say so rather than shrink the denominator.
    killed = sum(m["status"] == "killed" for m in out)
    return {
        "killed": killed,
        "total": len(out),
        "not_applicable": sum(m["status"] == "not applicable" for m in out),
        "score": killed / len(out) if out else 0.0,
        "mutants": out,
    }


def record_mutants(out_dir: Path) -> int:
    """Run the harness and write ``equilibria_mutants.{json,md}`` to ``out_dir``."""
    from nashalign.io import atomic_write_json, atomic_write_text

    res = run_mutants(Path(__file__).resolve().parent.parent)
    res["machine"] = machine_info()
    atomic_write_json(out_dir / "equilibria_mutants.json", res)
    lines = [
        "# Mutation score of the equilibrium set",
        "",
        f"{res['killed']} of {res['total']} mutants of src/nashalign/solvers/equilibria "
        f"killed ({100 * res['score']:.0f}%) by {', '.join(MUTANT_TESTS)} "
        f"({res['not_applicable']} not applicable, counted as not killed).",
        "",
        "Equivalent mutants (no observable change possible) are replaced by "
        "non-equivalent ones of the same code, with the reasons next to them in MUTANTS "
        "(benchmarks/equilibria_mutants.py): 'continua: zero weights accepted' by "
        "'continua: positivity rows dropped', 'fold: same-dimension continua folded' by "
        "'fold: support containment unchecked', and '>= instead of >' in Sylvester's "
        "test by 'Sylvester PD test: row exchanges ignored'.",
        "",
        "| mutant | file | status |",
        "|---|---|---|",
    ] + [f"| {m['mutant']} | {m['file']} | {m['status']} |" for m in res["mutants"]]
    atomic_write_text(out_dir / "equilibria_mutants.md", "\n".join(lines) + "\n")
    print(f"mutation score {res['killed']}/{res['total']}")
    return 0 if res["score"] >= 0.9 else 1
