"""Plain-text renderings of derivation records for terminals (tables: :mod:`nashalign.tables`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nashalign.tables import text_table

__all__ = [
    "COUNT_COLUMNS",
    "check_counts",
    "count_cells",
    "kernel_json",
    "kernel_text",
    "record_text",
    "solve_text",
    "steer_report",
    "verification_text",
]


#: The columns of :func:`verification_text` that say what backs a record.
COUNT_COLUMNS = ("identities", "kernel", "hypotheses", "cited", "unchecked")


def count_cells(rec: Any) -> tuple[str, str, str, str, str]:
    """What backs a record, one cell per column of :data:`COUNT_COLUMNS`.

    Identities ``passed/total`` (with how many hold for symbolic K), Coq kernel theorems
    compiled in this run (``-`` when none), hypotheses ``holding/total``, citations and
    unchecked steps. Nothing cited is counted as a check.

    Examples
    --------
    >>> from nashalign.derivations import derive
    >>> count_cells(derive("claim1", K=2))
    ('3/3 (1 symbolic K)', '-', '0/0', '2', '0')
    """
    c = rec.counts()
    ids, ker, hyp = c["identities"], c["kernel"], c["hypotheses"]
    return (
        f"{ids['passed']}/{ids['total']} ({ids['general_k']} symbolic K)",
        f"{ker['passed']}/{ker['total']}" if ker["total"] else "-",
        f"{hyp['holds']}/{hyp['total']}",
        str(c["cited"]),
        str(c["unchecked"]),
    )


def check_counts(rec: Any) -> str:
    """``"3/3 identities (1 symbolic K), 0 kernel, 0/0 hypotheses, 2 cited, 0 unchecked"``.

    Examples
    --------
    >>> from nashalign.derivations import derive
    >>> check_counts(derive("claim1", K=2))
    '3/3 identities (1 symbolic K), 0 kernel, 0/0 hypotheses, 2 cited, 0 unchecked'
    """
    c = rec.counts()
    ids, ker, hyp = c["identities"], c["kernel"], c["hypotheses"]
    return (
        f"{ids['passed']}/{ids['total']} identities ({ids['general_k']} symbolic K), "
        f"{ker['passed']} kernel, {hyp['holds']}/{hyp['total']} hypotheses, "
        f"{c['cited']} cited, {c['unchecked']} unchecked"
    )


def verification_text(records: Iterable[Any]) -> str:
    """The table of ``nashalign verify``: result, parameters, status, then what backs it in
    separate columns (identities, kernel theorems, hypotheses, citations, unchecked steps).

    Examples
    --------
    >>> from nashalign.derivations import derive
    >>> text = verification_text([derive("claim1", K=2)])
    >>> text.splitlines()[0].split()
    ['result', 'params', 'status', 'identities', 'kernel', 'hypotheses', 'cited', 'unchecked', 'seconds']
    >>> row = text.splitlines()[2]
    >>> [c.strip() for c in row.split("  ") if c.strip()][:3]
    ['claim1', 'K=2', 'proved for general K']
    """
    rows = []
    for rec in records:
        params = ", ".join(f"{k}={v}" for k, v in rec.params.items() if k != "variant")
        rows.append((rec.name, params, rec.status, *count_cells(rec), f"{rec.seconds:.2f}"))
    return text_table(("result", "params", "status", *COUNT_COLUMNS, "seconds"), rows)


def record_text(rec: Any, max_expr: int = 400) -> str:
    """One record for the terminal: status, typed steps and checks, failure, expressions.

    Examples
    --------
    >>> from nashalign.derivations import derive
    >>> record_text(derive("claim1", K=2)).splitlines()[0].split(",")[0]
    'Claim 1 (C is positive semidefinite)  [proved for general K'
    """
    import sympy as sp

    lines = [f"{rec.title}  [{rec.status}, {rec.seconds:.2f} s]"]
    lines.append(f"params: {rec.params}")
    lines.append(f"backed by: {check_counts(rec)}")
    lines.append(f"method: {rec.method}")
    lines.append(f"statement: {rec.statement_latex}")
    for h in rec.hypotheses:
        lines.append(f"hypothesis: {h}")
    for s in rec.steps:
        ref = f" ({s.reference})" if s.reference else ""
        lines.append(f"  step [{s.kind}] {s.text}{ref}")
    for c in rec.checks:
        if c.kind == "cited":
            lines.append(f"  [cited] {c.description} -- {c.reference}")
            continue
        mark = "ok" if c.passed else (c.outcome or "FAIL").upper()
        scope = f" ({c.generality})" if c.generality else ""
        extra = ", supplementary" if c.supplementary else ""
        lines.append(f"  [{mark}] {c.kind}{scope}{extra}: {c.description}")
    if rec.failure:
        lines.append(f"failure: {rec.failure}")
    for key, val in rec.expressions.items():
        text = sp.sstr(val)
        lines.append(f"{key} = {text if len(text) < max_expr else text[:max_expr] + ' ...'}")
    return "\n".join(lines)


#: Equilibria listed one by one in :func:`solve_text`.
MAX_LISTED = 30


def _fmt_value(x: Any) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, bool):
        return "yes" if x else "no"
    return f"{x:.6g}"


def solve_text(out: dict[str, Any]) -> str:
    """Human-readable rendering of :func:`nashalign.studies.solve.solve_game`'s result."""
    W = out["weights"]
    symmetric = all(row == W[0] for row in W)
    names = out["names"]
    width = max(len("subpopulation"), *(len(n) for n in names))
    lines = [
        f"method {out['method']}, {out['n_agents']} agent(s); "
        f"s = beta_A/beta_I = {out['s']:.6g}, r = beta_D/beta_I = {out['r']:.6g}",
        "",
    ]
    if symmetric:
        lines.append(f"{'subpopulation':<{width}}  weight (every agent)")
        for k, n in enumerate(names):
            lines.append(f"{n:<{width}}  {W[0][k]:.6f}")
    else:
        head = "  ".join(f"{'agent ' + str(m + 1):>9}" for m in range(len(W)))
        lines.append(f"{'subpopulation':<{width}}  {head}")
        for k, n in enumerate(names):
            lines.append(f"{n:<{width}}  " + "  ".join(f"{row[k]:>9.6f}" for row in W))
    lines.append("")
    lines.append(
        f"alpha(r) = {_fmt_value(out['alpha'])}   alpha_tilde(r) = {_fmt_value(out['alpha_tilde'])}"
        + (f"   cond = {_fmt_value(out['cond_alpha'])}" if out.get("cond_alpha") else "")
    )
    lines.append(
        f"interior: {_fmt_value(out['interior'])}   NashConv: {_fmt_value(out['nashconv'])}   "
        f"converged: {_fmt_value(out['converged'])}"
    )
    if out.get("equilibria") and len(out["equilibria"]) > 1:
        lines.append("symmetric NE:")
        for e in out["equilibria"]:
            lines.append(
                "  support {"
                + ", ".join(e["support"])
                + "}: "
                + " ".join(f"{x:.4f}" for x in e["weights"])
                + (f"  (continuum of dimension {e['dimension']})" if e["continuum"] else "")
            )
    es = out.get("equilibrium_set")
    if es is not None:
        lines.append(f"equilibrium set ({es['method']}):")
        for i, e in enumerate(es["equilibria"][:MAX_LISTED]):
            kind = [
                "symmetric" if e["symmetric"] else "asymmetric",
                "interior" if e["interior"] else "boundary",
                e["stability"],
                "exact" if e["exact"] else "float",
            ]
            if e["continuum"]:
                kind.append(f"continuum of dimension {e['dimension']}")
            exc = ", ".join(map(str, e["excluded"])) or "none"
            lines.append(f"  NE {i + 1}: {', '.join(kind)}; excluded: {exc}")
            for m, row in enumerate(e["profile"]):
                lines.append(f"    agent {m + 1}: " + " ".join(f"{x:.4f}" for x in row))
        extra = len(es["equilibria"]) - MAX_LISTED
        if extra > 0:
            lines.append(f"  ... and {extra} more (see --json)")
    if out.get("equilibrium_summary"):
        lines.append(f"equilibria: {out['equilibrium_summary']['text']}")
    if out.get("note"):
        lines.append(f"note: {out['note'].strip().rstrip(';')}")
    return "\n".join(lines)


def _result_names(names: list[str]) -> list[str]:
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen


def kernel_text(kernel: Any, names: list[str]) -> str:
    """The kernel table of ``verify --coq``: one row per result, compiled in this run."""
    from nashalign.derivations import coq_kernel

    rows = []
    for name in _result_names(names):
        thms = ", ".join(t for _, t in coq_kernel.THEOREMS.get(name, ()))
        rows.append((name, kernel.label(name), thms or coq_kernel.OPEN.get(name, "-")))
    head = (
        f"Coq kernel ({kernel.coqc_version or 'coqc'}, mathcomp 1.15): derivations/coq compiled "
        f"in this run in {kernel.seconds:.1f} s, sources sha256 {kernel.digest[:12]}"
    )
    return head + "\n" + text_table(("result", "kernel", "Coq theorems"), rows)


def kernel_json(kernel: Any, names: list[str]) -> dict[str, Any]:
    """The ``coq_kernel`` member of ``verify --coq --json``."""
    doc = kernel.to_json()
    doc["results"] = {name: kernel.label(name) for name in _result_names(names)}
    return doc


#: Grid of the robust-steering part of ``nashalign steer`` (points, largest r).
ROBUST_GRID = (21, 10.0)


def steer_report(
    instance: Any,
    source: str,
    beta_a: str,
    beta_i: str,
    tau: str,
    *,
    n_agents: int = 2,
    as_json: bool = False,
) -> Any:
    """What ``nashalign steer`` prints: exact steering of the symmetric interior NE
    (:func:`nashalign.exact.steering.steer`), and beside r* where every *stable* NE is
    exclusion-free (:func:`nashalign.studies.robust_steering.robust_steer`, N agents):
    the lines of text, or with ``as_json`` the ``nashalign.steer`` record's body (the
    robust part under ``robust``; null with a ``robust_note`` where it is out of reach).

    Examples
    --------
    >>> from nashalign.instance import Instance
    >>> inst = Instance(["x", "y", "z"], [1, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], n=3)
    >>> text = steer_report(inst, "toy", "4", "1", "1/20")
    >>> [ln for ln in text.splitlines() if ln.startswith(("s =", "every stable"))]
    ['s = beta_A/beta_I = 4;  tau = 1/20 = 0.05', 'every stable NE (N = 2 agents), exclusion-free r: [2.4, 10] on the grid']
    >>> d = steer_report(inst, "toy", "4", "1", "1/20", as_json=True)
    >>> d["binding"], d["binding_index"], d["exact"]["binding"], d["robust"]["n_agents"]
    ('y', 1, 1, 2)
    """
    from nashalign.errors import InputError
    from nashalign.exact.steering import steer, steering_ratios
    from nashalign.instance import parse_exact_number
    from nashalign.studies.robust_steering import robust_steer

    s, t = steering_ratios(
        beta_a, beta_i, tau, instance.K, labels=("--beta-a", "--beta-i", "--tau")
    )
    res = steer(instance.a, instance.C, s, t)
    n_grid, r_max = ROBUST_GRID
    try:
        rob = robust_steer(instance.a, instance.C, s, t, n_agents, r_max=r_max, n_grid=n_grid)
        why = None
    except InputError as exc:
        rob, why = None, str(exc)
    if as_json:
        out = res.to_json(instance.names)
        out["robust"] = None if rob is None else rob.to_json()
        if why:
            out["robust_note"] = why
        return out
    lines = res.report_lines(instance.names, source, parse_exact_number("--beta-i", beta_i))
    if rob is not None:
        lines += rob.report_lines()
    else:
        lines.append(f"every stable NE: not computed ({why})")
    return "\n".join(lines)
