"""The derivation record: what every module under :mod:`nashalign.derivations` returns.

A record carries the statement (LaTeX), hypotheses, the derivation steps (text
plus LaTeX rendered from the derived SymPy objects), the derived expressions
themselves, the verification method and status, and the time it took. The CLI,
the tests and the book all consume records; none of them retype a formula.

Examples
--------
>>> import sympy as sp
>>> r = DerivationRecord(name="demo", title="Demo", statement_latex="x = x")
>>> r.expressions["x"] = sp.Symbol("x")
>>> r.to_json()["expressions"]
{'x': 'x'}
>>> _ = r.step("x equals itself", kind="checked")
>>> r.add_check("x - x = 0", True, generality=GENERAL_K)
True
>>> r.finish().status, r.verified
('proved for general K', True)

Statuses (:attr:`DerivationRecord.status`): ``"proved for general K (Coq kernel)"``
(a kernel proof of the whole statement compiled in this run,
:meth:`DerivationRecord.add_kernel`),
``"proved for general K"`` (a general-K proof: every essential identity holds for
symbolic K by free-algebra / matrix-symbol rewriting), ``"proved at explicit K = ..."``,
``"fails (counterexample)"``, ``"hypothesis unknown"`` and ``"not established"``
(an argument that is not machine-checked remains). ``verified`` is True only for
the "proved" statuses. An explicit-K identity marked ``supplementary`` confirms a
general-K proof; it never makes one: a record whose identities are all explicit
(supplementary or not) is "proved at explicit K", whatever it cites.

Cited standard results (:data:`CITED`) and hypotheses are listed, never counted as
checks (:meth:`DerivationRecord.counts`). Unchecked steps are never established.

A statement is the checked object: every derived formula, threshold, degree,
coefficient or qualifier it shows is rendered from a *stated* expression that an
identity check compares with the derived one (:meth:`DerivationRecord.stated`), so
editing the stated value turns that check red.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

#: Kinds of a derivation step.
STEP_KINDS = ("checked", "cited", "unchecked", "definition")
#: Kinds of a check.
CHECK_KINDS = ("identity", "kernel", "hypothesis", "cited")
#: Generality of a machine-checked identity that holds for every K.
GENERAL_K = "symbolic K"

#: Status values of a finished record (:attr:`DerivationRecord.status`).
PROVED_GENERAL = "proved for general K"
PROVED_KERNEL = "proved for general K (Coq kernel)"
PROVED_EXPLICIT = "proved at explicit"  # followed by "K = 3, N = 2" etc.
FAILS = "fails (counterexample)"
HYPOTHESIS_UNKNOWN = "hypothesis unknown"
NOT_ESTABLISHED = "not established"


@dataclass
class Step:
    """One step of a derivation: a sentence, an optional LaTeX display and its kind.

    ``kind`` says what backs the step: ``"checked"`` (machine-checked identities,
    listed in the record's checks), ``"cited"`` (a named standard result, with
    ``reference``), ``"definition"`` (introduces notation, claims nothing) or
    ``"unchecked"`` (an argument the machine did not check: the record is then
    not established). Steps are unchecked unless typed.
    """

    text: str
    latex: str = ""
    kind: str = "unchecked"
    reference: str = ""


@dataclass
class Check:
    """One check of a derivation.

    ``kind`` is ``"identity"`` (an exact identity reduced to 0: ``passed`` is its
    outcome, ``generality`` is ``"symbolic K"`` or the explicit parameters it
    was reduced at), ``"kernel"`` (Coq theorems compiled and closed under the
    global context in this run, :meth:`DerivationRecord.add_kernel`),
    ``"hypothesis"`` (a hypothesis of the result, decided by the engine:
    ``outcome`` is ``"holds"``, ``"fails"`` or ``"unknown"``) or ``"cited"`` (a
    standard result the proof applies, named with ``reference``; ``passed`` is
    True, and it is never counted as a check). ``supplementary`` identities
    confirm at explicit K what a general-K proof in the same record proves; they
    do not limit the record's generality, and never establish it. A
    ``supplementary`` kernel check proves one part of the statement only.
    """

    description: str
    passed: bool
    detail: str = ""
    kind: str = "identity"
    generality: str = ""
    reference: str = ""
    outcome: str = ""
    supplementary: bool = False

    def to_json(self) -> dict[str, Any]:
        """JSON view of the check."""
        d: dict[str, Any] = {
            "description": self.description,
            "passed": self.passed,
            "detail": self.detail,
            "kind": self.kind,
        }
        if self.generality:
            d["generality"] = self.generality
        if self.reference:
            d["reference"] = self.reference
        if self.outcome:
            d["outcome"] = self.outcome
        if self.supplementary:
            d["supplementary"] = True
        return d


@dataclass
class DerivationRecord:
    """Result of one derivation.

    Parameters
    ----------
    name : str
        Registry key (``"claim1"``, ``"theorem1"``, ...).
    title : str
        Human title (``"Claim 1 (C is PSD)"``).
    statement_latex : str
        The statement, LaTeX, built from derived objects where the statement
        contains a derived formula.
    hypotheses : list of str
        Hypotheses (LaTeX / prose).
    steps : list of Step
        The derivation, in order, each typed (see :class:`Step`).
    expressions : dict
        Derived SymPy objects by name.
    method : str
        How the result was verified.
    verified : bool or None
        After :meth:`finish`: True exactly when the status is "proved ..."
        (every identity passed, every hypothesis holds, no unchecked step);
        None when not finished.
    checks : list of Check
        The individual identities, hypotheses and cited results.
    seconds : float
        Wall time of the derivation.
    params : dict
        The parameters (K, N, variant, ...) the record was derived for.
    failure : str
        Why the result is not proved (a refuted or undecided hypothesis, a
        failing identity, an unchecked step).
    proof_status : str
        Set by :meth:`finish`; see :attr:`status`.
    depends_on : list of str
        Results this one uses (their hypotheses are checked here too).
    """

    name: str
    title: str
    statement_latex: str
    hypotheses: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    expressions: dict[str, Any] = field(default_factory=dict)
    method: str = ""
    verified: bool | None = None
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0
    params: dict[str, Any] = field(default_factory=dict)
    failure: str = ""
    proof_status: str = ""
    depends_on: list[str] = field(default_factory=list)

    # -- building ------------------------------------------------------------
    def stated(
        self,
        part: str,
        stated: Any,
        derived: Any,
        how: str = "expansion",
        generality: str = "",
        supplementary: bool = False,
    ) -> str:
        """Check one part of the statement against the derived object; return its LaTeX.

        ``stated`` is the expression the statement shows (the statement is rendered
        from the returned LaTeX, never retyped), ``derived`` the object the checks
        derived. The identity ``stated - derived = 0`` (componentwise, expanded) is
        recorded as ``"statement's <part> = the derived one"``; a ``bool`` ``stated``
        (a qualifier) must equal ``derived`` (whether the checks show it is needed).

        Examples
        --------
        >>> rec = DerivationRecord("demo", "Demo", "")
        >>> rec.stated("degree", sp.Integer(2), 2)
        '2'
        >>> rec.checks[-1].description, rec.checks[-1].passed
        ("statement's degree = the derived one", True)
        """
        if isinstance(stated, bool) or isinstance(derived, bool):
            ok = bool(stated) == bool(derived)
        else:
            diff = sp.Matrix(stated) - sp.Matrix(derived) if _is_matrix(stated) else None
            if diff is not None:
                ok = diff.applyfunc(sp.expand).is_zero_matrix
            else:
                ok = sp.expand(sp.sympify(stated) - sp.sympify(derived)) == 0
        self.add_check(
            f"statement's {part} = the derived one",
            bool(ok),
            f"stated {_sstr(stated)}; derived {_sstr(derived)}; {how}",
            generality=generality,
            supplementary=supplementary,
        )
        if isinstance(stated, bool):
            return ""
        return sp.latex(stated)

    def add_kernel(
        self, description: str, passed: bool, detail: str = "", partial: bool = False
    ) -> bool:
        """Record Coq theorems compiled and closed under the global context in this run.

        Only :func:`nashalign.derivations.coq_kernel.apply_kernel` calls this, after a
        compile in the same run. ``partial``: the theorems prove one part of the
        statement, which then keeps its explicit-K status.
        """
        self.checks.append(
            Check(
                description,
                bool(passed),
                detail,
                kind="kernel",
                generality=GENERAL_K,
                supplementary=partial,
            )
        )
        return bool(passed)

    def add_check(
        self,
        description: str,
        passed: bool,
        detail: str = "",
        generality: str = "",
        supplementary: bool = False,
    ) -> bool:
        """Record one exact identity check and return ``passed``.

        ``generality`` defaults to the record's explicit parameters.
        """
        self.checks.append(
            Check(
                description,
                bool(passed),
                detail,
                kind="identity",
                generality=generality or self.explicit_scope(),
                supplementary=supplementary,
            )
        )
        return bool(passed)

    def add_hypothesis(
        self, description: str, outcome: str, detail: str = "", generality: str = ""
    ) -> bool:
        """Record a hypothesis decided by the engine (``holds``/``fails``/``unknown``)."""
        if outcome not in ("holds", "fails", "unknown"):
            raise ValueError(f"hypothesis outcome must be holds, fails or unknown: {outcome!r}")
        self.checks.append(
            Check(
                description,
                outcome == "holds",
                detail,
                kind="hypothesis",
                generality=generality or self.explicit_scope(),
                outcome=outcome,
            )
        )
        return outcome == "holds"

    def cite(self, key_or_text: str, how: str = "") -> Check:
        """Record a cited standard result (a key of :data:`CITED`, or its own name).

        Citing the same result twice keeps one entry (the first ``how``).
        """
        name, ref = CITED.get(key_or_text, (key_or_text, ""))
        for c in self.checks:
            if c.kind == "cited" and c.description == name:
                return c
        chk = Check(name, True, how, kind="cited", generality=GENERAL_K, reference=ref)
        self.checks.append(chk)
        return chk

    def step(self, text: str, latex: str = "", kind: str = "checked", cite: str = "") -> Step:
        """Append a typed step; ``cite`` (a :data:`CITED` key) makes it a cited step."""
        if kind not in STEP_KINDS:
            raise ValueError(f"step kind must be one of {STEP_KINDS}: {kind!r}")
        ref = ""
        if cite:
            kind = "cited"
            name, ref = CITED.get(cite, (cite, ""))
            if not any(c.kind == "cited" and c.description == name for c in self.checks):
                self.cite(cite)
            ref = f"{name}: {ref}" if ref else name
        st = Step(text, latex, kind, ref)
        self.steps.append(st)
        return st

    def explicit_scope(self) -> str:
        """``"K = 3, N = 2"``: the explicit parameters of the record."""
        keys = [k for k in ("K", "N", "n") if k in self.params]
        return ", ".join(f"{k} = {self.params[k]}" for k in keys) or "parameters"

    # -- status --------------------------------------------------------------
    def finish(self) -> DerivationRecord:
        """Compute :attr:`proof_status` and ``verified`` from the typed checks and steps.

        An explicit ``verified = False`` set before (a refuted hypothesis) is kept.
        """
        forced_false = self.verified is False
        identities = [c for c in self.checks if c.kind == "identity"]
        kernel = [c for c in self.checks if c.kind == "kernel"]
        hyps = [c for c in self.checks if c.kind == "hypothesis"]
        unchecked = [s for s in self.steps if s.kind == "unchecked"]
        # A general-K proof: a passing general-K identity that is not supplementary.
        general_proof = [c for c in identities if c.generality == GENERAL_K and not c.supplementary]
        if (
            any(h.outcome == "fails" for h in hyps)
            or any(not c.passed for c in identities)
            or any(not c.passed for c in kernel)
        ):
            status = FAILS
        elif any(h.outcome == "unknown" for h in hyps):
            status = HYPOTHESIS_UNKNOWN
        elif forced_false or not identities or unchecked:
            status = NOT_ESTABLISHED
        elif any(not c.supplementary for c in kernel):
            status = PROVED_KERNEL
        elif (
            general_proof
            and all(c.generality == GENERAL_K or c.supplementary for c in identities)
            and all(h.generality == GENERAL_K for h in hyps)
        ):
            status = PROVED_GENERAL
        else:
            status = f"{PROVED_EXPLICIT} {self.explicit_scope()}"
        if status == NOT_ESTABLISHED and unchecked and not self.failure:
            self.failure = "argument not machine-checked: " + "; ".join(
                s.text[:120] for s in unchecked
            )
        if status == FAILS and not self.failure:
            bad = [c.description for c in identities if not c.passed]
            self.failure = "identity fails: " + "; ".join(bad)
        self.proof_status = status
        self.verified = status.startswith("proved")
        return self

    @property
    def status(self) -> str:
        """The honest status of the record.

        After :meth:`finish`: ``"proved for general K (Coq kernel)"``, ``"proved
        for general K"`` (a general-K identity proof), ``"proved at explicit
        K = 3, N = 2"`` (every identity passed at those parameters, nothing
        unchecked), ``"fails (counterexample)"`` (a refuted hypothesis or a
        failing identity), ``"hypothesis unknown"`` (the engine could not decide
        a hypothesis) or ``"not established"`` (an unchecked argument, or no
        identity at all). A record never finished reports the legacy
        ``"verified"``/``"FAILED"``/``"unchecked"`` from ``verified``.
        """
        if self.proof_status:
            return self.proof_status
        if self.verified is None:
            return "unchecked"
        return "verified" if self.verified else "FAILED"

    @property
    def unchecked_steps(self) -> list[Step]:
        """Steps whose argument is not machine-checked."""
        return [s for s in self.steps if s.kind == "unchecked"]

    @property
    def cited(self) -> list[Check]:
        """The cited standard results the proof applies."""
        return [c for c in self.checks if c.kind == "cited"]

    def counts(self) -> dict[str, Any]:
        """What backs the record, in separate columns; nothing cited counts as a check.

        ``identities`` (exact identities: passed, total, of which for symbolic K),
        ``kernel`` (Coq theorems compiled in this run: passed, total),
        ``hypotheses`` (decided by the engine: holding, total), ``cited`` (standard
        results applied, with a reference) and ``unchecked`` (steps).

        Examples
        --------
        >>> rec = DerivationRecord("demo", "Demo", "")
        >>> rec.add_check("x - x = 0", True, generality=GENERAL_K)
        True
        >>> _ = rec.cite("sum")
        >>> rec.counts()["identities"], rec.counts()["cited"]
        ({'passed': 1, 'total': 1, 'general_k': 1}, 1)
        """
        ids = [c for c in self.checks if c.kind == "identity"]
        ker = [c for c in self.checks if c.kind == "kernel"]
        hyps = [c for c in self.checks if c.kind == "hypothesis"]
        return {
            "identities": {
                "passed": sum(c.passed for c in ids),
                "total": len(ids),
                "general_k": sum(c.generality == GENERAL_K for c in ids),
            },
            "kernel": {"passed": sum(c.passed for c in ker), "total": len(ker)},
            "hypotheses": {"holds": sum(c.passed for c in hyps), "total": len(hyps)},
            "cited": sum(c.kind == "cited" for c in self.checks),
            "unchecked": sum(s.kind == "unchecked" for s in self.steps),
        }

    def to_json(self) -> dict[str, Any]:
        """JSON view; expressions as ``sympy.sympify``-parseable strings."""
        return {
            "name": self.name,
            "title": self.title,
            "statement_latex": self.statement_latex,
            "hypotheses": list(self.hypotheses),
            "status": self.status,
            "verified": self.verified,
            "method": self.method,
            "seconds": round(self.seconds, 4),
            "params": dict(self.params),
            "failure": self.failure,
            "depends_on": list(self.depends_on),
            "counts": self.counts(),
            "checks": [c.to_json() for c in self.checks],
            "steps": [
                {"text": s.text, "latex": s.latex, "kind": s.kind, "reference": s.reference}
                for s in self.steps
            ],
            "expressions": {k: expr_to_json(v) for k, v in self.expressions.items()},
        }


#: Standard results the derivations cite: key -> (name, reference).
CITED: dict[str, tuple[str, str]] = {
    "kkt": (
        "KKT conditions are necessary and sufficient for a concave objective on a polyhedron",
        "Boyd & Vandenberghe 2004, Convex Optimization, §5.5.3 (linear constraints: "
        "refined Slater / linearity constraint qualification, §5.2.3)",
    ),
    "dense": (
        "a polynomial identity p = 0 divided by a nonzero polynomial q gives a rational "
        "identity valid wherever q != 0 (a polynomial vanishing on a dense set vanishes)",
        "Cox, Little & O'Shea 2015, Ideals, Varieties, and Algorithms, ch. 1 §1",
    ),
    "cramer": (
        "a square linear system with nonzero determinant has exactly one solution",
        "Horn & Johnson 2013, Matrix Analysis, 2nd ed., §0.8 (Cramer's rule)",
    ),
    "kernel": (
        "a square matrix with zero determinant has a nonzero kernel vector; a singular "
        "consistent system has an affine family of solutions",
        "Horn & Johnson 2013, Matrix Analysis, 2nd ed., §0.4 (rank) and §0.5 (nonsingularity)",
    ),
    "roots": (
        "a nonzero univariate polynomial of degree d has at most d roots",
        "Lang 2002, Algebra, rev. 3rd ed., ch. IV §1",
    ),
    "psd_minors": (
        "principal submatrices of a PSD matrix are PSD, and the adjugate of a PSD matrix is PSD",
        "Horn & Johnson 2013, Matrix Analysis, 2nd ed., §7.1 (principal submatrices of a PSD "
        "matrix) and §0.8 (adj X = det(X) X^-1, with continuity for singular X)",
    ),
    "faddeev": (
        "Faddeev–LeVerrier: adj(X + tI) = sum_k t^(K-1-k) B_k with B_0 = I for every K",
        "Gantmacher 1959, The Theory of Matrices, vol. 1, ch. IV §4 (Faddeev's method for the "
        "characteristic polynomial and the adjoint matrix)",
    ),
    "rayleigh": (
        "Rayleigh–Ritz: q^T X q >= mu |q|^2 on a subspace iff mu <= lambda_min of the "
        "compression of X to it",
        "Horn & Johnson 2013, Matrix Analysis, 2nd ed., §4.2 (Rayleigh quotient theorem)",
    ),
    "sign": (
        "order of the reals: for c > 0, c x < 0 iff x < 0; an affine function of s "
        "with negative slope is below 0 exactly right of its root",
        "elementary (ordered fields)",
    ),
    "open_simplex": (
        "the open simplex is relatively open: w + t d stays interior for 1^T d = 0 and small |t|",
        "elementary (finite-dimensional topology)",
    ),
    "potential": (
        "in an exact potential game whose players' utilities are concave in their own "
        "strategies, the NE are the KKT points of the potential on the product of strategy sets; "
        "a concave potential's maximisers form a convex set, a strictly concave one has at most one",
        "Monderer & Shapley 1996, Potential games, Games Econ. Behav. 14:124-143; Neyman 1997, "
        "Correlated equilibrium and potential games, Int. J. Game Theory 26:223-227; "
        "Boyd & Vandenberghe 2004, Convex Optimization, §4.2",
    ),
    "quadratic_form": (
        "a quadratic form q(x) = x^T H x whose cross terms between two complementary "
        "subspaces U, V vanish (u^T H v = 0 for u in U, v in V) is NSD on U + V iff it is NSD "
        "on U and on V, since q(u + v) = q(u) + q(v); strictly (ND) likewise",
        "elementary (bilinearity); Horn & Johnson 2013, Matrix Analysis, 2nd ed., §4.1",
    ),
    "psd_sum": (
        "a nonnegative combination of PSD matrices is PSD (x^T (k X + t I) x = k x^T X x + "
        "t |x|^2 >= 0 for k, t >= 0)",
        "Horn & Johnson 2013, Matrix Analysis, 2nd ed., §7.1 (the PSD matrices form a convex cone)",
    ),
    "adjugate": (
        "M adj(M) = adj(M) M = det(M) I for every square matrix over a commutative ring",
        "Horn & Johnson 2013, Matrix Analysis, 2nd ed., §0.8 (the adjugate)",
    ),
    "schur": (
        "Schur complement: det [[M, 1], [1^T, 0]] = -det(M) 1^T M^-1 1 = -1^T adj(M) 1 "
        "(for det M != 0, hence as polynomials everywhere)",
        "Horn & Johnson 2013, Matrix Analysis, 2nd ed., §0.8 (Schur complements and determinants)",
    ),
    "block_inverse": (
        "block inverse of the bordered matrix: -adj(B)[:K,:K] = (alpha A - A 1 1^T A)/det M, a "
        "matrix of cofactors of B, hence polynomial",
        "Horn & Johnson 2013, Matrix Analysis, 2nd ed., §0.7 (inverse of a partitioned matrix) "
        "and §0.8 (the adjugate)",
    ),
    "principal_minors": (
        "det(tI + Y) = sum_m t^(K-m) E_m(Y) with E_m the sum of the m x m principal minors; with "
        "det(Y + e 1 1^T) = det Y + e 1^T adj(Y) 1, the coefficient of e gives alpha(t) = "
        "sum_m t^(K-m) sum_{|S|=m} 1^T adj(X_S) 1 for every K",
        "Horn & Johnson 2013, Matrix Analysis, 2nd ed., §1.2 (characteristic polynomial and "
        "principal minors) and §0.8 (Cauchy expansion of a bordered determinant)",
    ),
    "sum": (
        "a finite sum of termwise identities is an identity (linearity)",
        "elementary",
    ),
}


def _is_matrix(x: Any) -> bool:
    return isinstance(x, sp.MatrixBase)


def _sstr(x: Any) -> str:
    return str(x) if isinstance(x, bool) else sp.sstr(x)


def expr_to_json(value: Any) -> Any:
    """Convert SymPy objects (and lists / matrices of them) to strings.

    Examples
    --------
    >>> import sympy as sp
    >>> expr_to_json(sp.Matrix([sp.Symbol("a1"), 2]))
    ['a1', '2']
    """
    if isinstance(value, sp.MatrixBase):
        if value.shape[1] == 1:
            return [sp.sstr(x) for x in value]
        return [[sp.sstr(x) for x in row] for row in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [expr_to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): expr_to_json(v) for k, v in value.items()}
    if isinstance(value, sp.Basic):
        return sp.sstr(value)
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)
