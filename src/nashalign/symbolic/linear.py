"""Shared machinery of the derivations: the linear structure of the first-order conditions.

For a utility that is quadratic in the strategies, the engine differentiates
agent 1's utility, normalises by ``beta_I`` (``s = beta_A/beta_I``,
``r = beta_D/beta_I``) and reads off

    grad_m / beta_I = b0 + s b1 - P w_m - Q sum_{j != m} w_j ,

so that the symmetric system has matrix ``M_sym = P + (N-1) Q`` and the
deviations from the mean have matrix ``M_dev = P - Q``. For the canonical
"overlap" utility, P = 2C, Q = r/(N-1) I, M_sym = 2C + rI and
M_dev = 2C - r/(N-1) I.

Examples
--------
>>> from nashalign.symbolic.game import Game
>>> ls = linear_structure(Game.from_variant("overlap", K=2, N=3))
>>> ls.M_sym
Matrix([
[2*c11 + r,     2*c12],
[    2*c12, 2*c22 + r]])
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass

import sympy as sp

from nashalign.errors import InputError
from nashalign.symbolic.game import Game
from nashalign.symbolic.polyalg import linear_parts
from nashalign.symbolic.records import DerivationRecord
from nashalign.symbolic.symbols import beta_I, s


@dataclass
class LinearStructure:
    """First-order structure ``grad_m/beta_I = b0 + s b1 - P w_m - Q sum_{j!=m} w_j``."""

    b0: sp.Matrix
    b1: sp.Matrix
    P: sp.Matrix
    Q: sp.Matrix
    N: int

    @property
    def M_sym(self) -> sp.Matrix:
        """Matrix of the symmetric interior system."""
        return (self.P + (self.N - 1) * self.Q).applyfunc(sp.expand)

    @property
    def M_dev(self) -> sp.Matrix:
        """Matrix of the deviation system (Theorem 2)."""
        return (self.P - self.Q).applyfunc(sp.expand)


def linear_structure(game: Game, m: int = 1) -> LinearStructure:
    """Read ``b0, b1, P, Q`` off agent ``m``'s normalised gradient.

    Raises InputError when the utility is not quadratic in the strategies or
    does not treat the other agents symmetrically.
    """
    K, N = game.K, game.N
    g = game.normalised(game.gradient(m))
    if any(x.has(beta_I) for x in g):
        raise InputError(
            "the normalised gradient still depends on beta_I: equilibria would not depend on (s, r) only"
        )
    try:
        J, c = linear_parts(list(g), game.strategy_symbols())
    except ValueError:
        raise InputError(
            "the utility is not quadratic in the strategies; the closed forms need a quadratic utility"
        ) from None
    blocks = [-J[:, K * j : K * (j + 1)] for j in range(N)]
    P = blocks[m - 1]
    others = [blocks[j] for j in range(N) if j != m - 1]
    Q = others[0]
    if any((B - Q).applyfunc(sp.expand) != sp.zeros(K, K) for B in others[1:]):
        raise InputError("the utility does not treat the other agents symmetrically")
    c = c.applyfunc(sp.expand)
    b1 = c.applyfunc(lambda e: sp.expand(sp.diff(e, s)))
    if any(sp.diff(e, s) != 0 for e in b1):
        raise InputError("the normalised gradient is not affine in s = beta_A / beta_I")
    b0 = c.applyfunc(lambda e: sp.expand(e.subs(s, 0)))
    return LinearStructure(b0, b1, P, Q, N)


def scaled_c_plus_ri(Mx: sp.Matrix, C: sp.Matrix) -> tuple[sp.Expr, sp.Expr] | None:
    """``(kappa, rho)`` with ``Mx = kappa C + rho r I`` for constants ``kappa``, ``rho``, or None.

    Examples
    --------
    >>> from nashalign.symbolic.symbols import c_matrix, r
    >>> C = c_matrix(2)
    >>> scaled_c_plus_ri(2 * C + r * sp.eye(2), C)
    (2, 1)
    >>> scaled_c_plus_ri(2 * C + r * sp.ones(2, 2), C) is None
    True
    """
    from nashalign.symbolic.symbols import r

    K = Mx.shape[0]
    rho = sp.expand(sp.diff(Mx[0, 0], r))
    X = Mx.subs(r, 0)
    if C[0, 0] not in X[0, 0].free_symbols:
        return None
    kappa = sp.cancel(X[0, 0] / C[0, 0])
    if kappa.free_symbols or rho.free_symbols:
        return None
    if not (Mx - kappa * C - rho * r * sp.eye(K)).applyfunc(sp.expand).is_zero_matrix:
        return None
    return kappa, rho


@contextmanager
def timed(record: DerivationRecord):
    """Context manager that stores the elapsed wall time in ``record.seconds``."""
    t0 = time.perf_counter()
    try:
        yield record
    finally:
        record.seconds = time.perf_counter() - t0


def concavity_failure(game: Game, record: DerivationRecord, generality: str = "") -> bool:
    """Record Lemma 0's concavity hypothesis in ``record``; True when the derivation must stop.

    The hypothesis is decided on the simplex's tangent space (see
    :meth:`~nashalign.symbolic.game.Game.concavity`): ``"holds"`` lets the
    derivation go on; ``"fails"`` (a re-checked counterexample) and ``"unknown"``
    (undecided, which is not a failure) stop it with ``record.failure`` saying which.

    Examples
    --------
    >>> rec = DerivationRecord("x", "X", "")
    >>> concavity_failure(Game.from_variant("distance", K=2, N=2), rec)
    True
    >>> rec.finish().status
    'fails (counterexample)'
    """
    conc = game.concavity()
    outcome = {"concave": "holds", "fails": "fails"}.get(conc.status, "unknown")
    record.add_hypothesis(
        "concavity of u_m in w_m on the simplex (hypothesis of Lemma 0)",
        outcome,
        conc.reason
        + (
            "; for every K: the Hessian is -2 beta_I C for symbolic K (Lemma 0's MatrixSymbol check)"
            if generality and outcome == "holds"
            else ""
        ),
        generality=generality,
    )
    if conc.witness:
        record.expressions["concavity_witness"] = conc.witness
    if outcome == "fails":
        record.failure = (
            f"the concavity hypothesis fails for the {game.variant!r} utility: {conc.reason}; "
            "first-order conditions do not characterise best responses, so the result is not claimed"
        )
    elif outcome == "unknown":
        record.failure = (
            f"the concavity hypothesis is undecided for the {game.variant!r} utility: {conc.reason}; "
            "the result is not claimed (this is not a counterexample)"
        )
    if outcome != "holds":
        record.finish()
        return True
    return False
