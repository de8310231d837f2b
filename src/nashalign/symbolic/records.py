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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp


@dataclass
class Step:
    """One step of a derivation: a sentence and an optional LaTeX display."""

    text: str
    latex: str = ""


@dataclass
class Check:
    """One exact identity checked in a derivation.

    ``residual_is_zero`` is the outcome of reducing ``lhs - rhs`` to a canonical
    polynomial / rational form; ``detail`` says what was reduced and how.
    """

    description: str
    passed: bool
    detail: str = ""


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
        The derivation, in order.
    expressions : dict
        Derived SymPy objects by name.
    method : str
        How the result was verified.
    verified : bool or None
        True when every check reduced to 0; False when a check failed or a
        hypothesis was refuted; None when not checked.
    checks : list of Check
        The individual identities.
    seconds : float
        Wall time of the derivation.
    params : dict
        The parameters (K, N, variant, ...) the record was derived for.
    failure : str
        For ``verified=False``: why (e.g. the concavity hypothesis fails).
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

    def add_check(self, description: str, passed: bool, detail: str = "") -> bool:
        """Record one exact check and return ``passed``."""
        self.checks.append(Check(description, bool(passed), detail))
        return bool(passed)

    def finish(self) -> DerivationRecord:
        """Set ``verified`` from the checks (all passed and at least one)."""
        if self.verified is None:
            self.verified = bool(self.checks) and all(c.passed for c in self.checks)
        return self

    @property
    def status(self) -> str:
        """``"verified"``, ``"FAILED"`` or ``"unchecked"``."""
        if self.verified is None:
            return "unchecked"
        return "verified" if self.verified else "FAILED"

    def to_json(self) -> dict[str, Any]:
        """JSON view; expressions as ``sympy.sympify``-parseable strings."""
        return {
            "name": self.name,
            "title": self.title,
            "statement_latex": self.statement_latex,
            "hypotheses": list(self.hypotheses),
            "verified": self.verified,
            "method": self.method,
            "seconds": round(self.seconds, 4),
            "params": dict(self.params),
            "failure": self.failure,
            "checks": [
                {"description": c.description, "passed": c.passed, "detail": c.detail}
                for c in self.checks
            ],
            "expressions": {k: expr_to_json(v) for k, v in self.expressions.items()},
        }


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
