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


def record_text(rec: Any, max_expr: int | None = 400) -> str:
    """One record for the terminal: status, typed steps and checks, failure, expressions.

    Examples
    --------
    >>> from nashalign.derivations import derive
    >>> record_text(derive("claim1", K=2)).splitlines()[0].split(",")[0]
    'Claim 1 (C is positive semidefinite)  [proved for general K'
    """

    lines = [f"{rec.title}  [{rec.status}, {rec.seconds:.2f} s]"]
    lines.append(f"params: {rec.params}")
    lines.append(f"backed by: {check_counts(rec)}")
    lines.append(f"method: {rec.method}")
    lines.append(f"statement: {latex_text(rec.statement_latex)}")
    for h in rec.hypotheses:
        lines.append(f"hypothesis: {latex_text(h)}")
    for s in rec.steps:
        ref = f" ({s.reference})" if s.reference else ""
        lines.append(f"  step [{s.kind}] {latex_text(s.text)}{ref}")
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
    cut = 0
    for key, val in rec.expressions.items():
        text = _unicode_expr(val)
        if max_expr is not None and len(text) > max_expr:
            text = text[:max_expr] + " …"
            cut += 1
        lines.append(f"{key} = {text}")
    if cut:
        lines.append(
            f"({cut} expression(s) cut at {max_expr} characters: --full prints them whole, "
            "--json has every one as a SymPy string and LaTeX)"
        )
    return "\n".join(lines)


#: LaTeX commands and their Unicode (longest first where one is a prefix of another).
_LATEX = (
    (r"\operatorname{adj}", "adj"),
    (r"\operatorname{tr}", "tr"),
    (r"\mathbf 1", "𝟏"),
    (r"\mathbf{1}", "𝟏"),
    (r"\implies", " ⇒ "),
    (r"\iff", " ⇔ "),
    (r"\Leftrightarrow", " ⇔ "),
    (r"\ne", "≠"),
    (r"\neq", "≠"),
    (r"\le", "≤"),
    (r"\leq", "≤"),
    (r"\ge", "≥"),
    (r"\geq", "≥"),
    (r"\top", "ᵀ"),
    (r"\cdot", "·"),
    (r"\times", "×"),
    (r"\infty", "∞"),
    (r"\in", "∈"),
    (r"\sum", "Σ"),
    (r"\prod", "Π"),
    (r"\partial", "∂"),
    (r"\nabla", "∇"),
    (r"\Delta", "Δ"),
    (r"\Pi", "Π"),
    (r"\Phi", "Φ"),
    (r"\alpha", "α"),
    (r"\beta", "β"),
    (r"\gamma", "γ"),
    (r"\delta", "δ"),
    (r"\lambda", "λ"),
    (r"\mu", "μ"),
    (r"\tau", "τ"),
    (r"\sigma", "σ"),
    (r"\tilde", "~"),
    (r"\bar", ""),
    (r"\left", ""),
    (r"\right", ""),
    (r"\quad", "  "),
    (r"\qquad", "   "),
    (r"\,", " "),
    (r"\;", " "),
    (r"\ ", " "),
)


def latex_text(text: str) -> str:
    """Inline LaTeX (``$...$`` or a bare statement) as readable Unicode maths.

    Greek letters, relations, ``\\frac{a}{b}`` as ``(a)/(b)``, ``^\\top`` as ``ᵀ``,
    sub- and superscripts of digits, and matrices as ``[a, b; c, d]``.

    Examples
    --------
    >>> latex_text(r"$\\alpha(r) \\ne 0 \\implies w^* = \\frac{A\\mathbf 1}{\\alpha}$")
    'α(r) ≠ 0 ⇒ w* = (A𝟏)/(α)'
    >>> latex_text(r"\\left[\\begin{matrix}2 c_{11} + r & 1\\\\1 & 0\\end{matrix}\\right]")
    '[2 c₁₁ + r, 1; 1, 0]'
    """
    import re

    s = text.replace("$", "")
    s = re.sub(
        r"\\begin\{[pb]?matrix\}(.*?)\\end\{[pb]?matrix\}",
        lambda m: (
            "["
            + "; ".join(
                ", ".join(c.strip() for c in row.split("&")) for row in m.group(1).split("\\\\")
            )
            + "]"
        ),
        s,
        flags=re.S,
    )
    s = re.sub(r"\\operatorname\{([^{}]*)\}", r"\1 ", s)
    s = re.sub(r"\\(?:text|mathrm|mathit)\{([^{}]*)\}", r"\1", s)
    for _ in range(3):  # nested fractions
        s = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", s)
    s = s.replace("^\\top", "ᵀ").replace("^{\\top}", "ᵀ")
    for cmd, uni in _LATEX:
        tail = r"(?![A-Za-z])" if cmd[-1].isalpha() else ""
        s = re.sub(re.escape(cmd) + tail, lambda m, u=uni: u, s)
    sup = str.maketrans("0123456789*", "⁰¹²³⁴⁵⁶⁷⁸⁹*")
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    s = re.sub(r"\^\{?([0-9*])\}?", lambda m: m.group(1).translate(sup), s)
    s = re.sub(r"_\{([0-9]+)\}", lambda m: m.group(1).translate(sub), s)
    s = re.sub(r"_([0-9])", lambda m: m.group(1).translate(sub), s)
    s = re.sub(r"\[\s*\[", "[", s)
    s = s.replace("[[", "[").replace("]]", "]")
    s = s.replace("{", "").replace("}", "")
    s = re.sub(r"\\([A-Za-z]+)", r"\1", s)
    return re.sub(r"[ ]{2,}", " ", s).strip()


def _unicode_expr(val: Any) -> str:
    """An expression in one line of Unicode maths (``c₁₁``, ``r²``, ``·``); matrices as
    rows ``[a, b; c, d]``.

    Examples
    --------
    >>> import sympy as sp
    >>> a, r = sp.symbols("c11 r")
    >>> _unicode_expr(2*a*r**2 + 3)
    '2·c₁₁·r² + 3'
    """
    import re

    import sympy as sp

    if isinstance(val, sp.MatrixBase):
        rows = [
            "[" + ", ".join(_unicode_expr(x) for x in val.row(i)) + "]" for i in range(val.rows)
        ]
        return "[" + "; ".join(r.strip("[]") for r in rows) + "]" if val.rows > 1 else rows[0]
    if isinstance(val, (list, tuple)):
        return "[" + ", ".join(_unicode_expr(x) for x in val) + "]"
    text = sp.sstr(val) if isinstance(val, sp.Basic) else str(val)
    sup = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    text = re.sub(r"\b([a-z])(\d+)\b", lambda m: m.group(1) + m.group(2).translate(sub), text)
    text = re.sub(r"\*\*(\d+)", lambda m: m.group(1).translate(sup), text)
    return text.replace("*", "·")


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
        lines += _summary_lines(out["equilibrium_summary"], out.get("r"))
    if out.get("note"):
        lines.append(f"note: {out['note'].strip().rstrip(';')}")
    return "\n".join(lines)


def _summary_lines(summary: dict[str, Any], r: Any) -> list[str]:
    """The equilibrium summary, with Theorem 3's concavity on a line of its own that says
    whether Phi is concave *here* and then the condition under which it is.

    Examples
    --------
    >>> _summary_lines({"text": "3 NE (...); Phi not concave: -1 <= r <= 1; r = 2 is outside",
    ...                 "concave": False, "concavity": "-1 <= r <= 1; r = 2 is outside"}, 2.0)
    ['equilibria: 3 NE (...)', 'potential Phi (Theorem 3): not concave at r = 2, so the NE need not be unique; it is concave only where -1 <= r <= 1']
    """
    text = str(summary.get("text", ""))
    cond = summary.get("concavity")
    concave = summary.get("concave")
    tail = None
    if cond and concave is not None:
        for word in ("concave", "not concave"):
            piece = f"; Phi {word}: {cond}"
            if text.endswith(piece):
                text, tail = text[: -len(piece)], cond
    out = [f"equilibria: {text}"]
    if tail is not None:
        where = tail.split("; r = ")[0].strip()
        at = "" if r is None else f" at r = {r:.6g}"
        out.append(
            f"potential Phi (Theorem 3): concave{at}, so the NE is unique; concave where {where}"
            if concave
            else f"potential Phi (Theorem 3): not concave{at}, so the NE need not be unique; "
            f"it is concave only where {where}"
        )
    return out


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
