r"""Heterogeneous closed form: agents with their own (a_m, C_m).

Statement. With :math:`\rho = r/(N-1)` and :math:`S = \sum_m w_m`, agent
:math:`m`'s interior condition :math:`s a_m - 2C_m w_m - \rho(S - w_m) = \lambda_m \mathbf 1`
reads :math:`G_m w_m = s a_m - \rho S - \lambda_m \mathbf 1` with
:math:`G_m = 2C_m - \rho I` (derived by the engine as :math:`P_m - Q`). Let
:math:`B_m = \begin{pmatrix} G_m & \mathbf 1\\ \mathbf 1^\top & 0\end{pmatrix}` and
:math:`B_m^{-1} = \begin{pmatrix} T_m & t_m\\ t_m^\top & \cdot\end{pmatrix}`. Then
:math:`w_m = T_m(s a_m - \rho S) + t_m`, and summing over agents reduces the
stacked :math:`N(K+1)` system to ONE K-dimensional solve

.. math:: \Bigl(I + \rho \sum_m T_m\Bigr) S = \sum_m \bigl(s\,T_m a_m + t_m\bigr),

followed by :math:`N` bordered solves for the :math:`w_m`, whenever
:math:`\det B_m \ne 0` and the K x K system is nonsingular.

Verification: for small N and K with fully symbolic :math:`a_m, C_m`, the
solution built this way is substituted into every agent's gradient derived
by the engine, with all denominators cleared (polynomial ring :math:`\mathbb Q[a, c, r, s]`);
:math:`\nabla_{w_m}u_m/\beta_I - \lambda_m\mathbf 1` and
:math:`\mathbf 1^\top w_m - 1` reduce to 0 exactly.

Examples
--------
>>> derive(K=2, N=2).status
'proved at explicit K = 2, N = 2'
"""

from __future__ import annotations

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from nashalign.errors import InputError
from nashalign.symbolic.game import Game
from nashalign.symbolic.linear import concavity_failure, linear_structure, timed
from nashalign.symbolic.polyalg import (
    bordered,
    is_zero_dm,
    linear_parts,
    ones_dm,
    ring_of,
    to_dm,
)
from nashalign.symbolic.records import DerivationRecord
from nashalign.symbolic.symbols import r, s

NAME = "heterogeneous"
TITLE = "Heterogeneous closed form"

# -- registry declarations (read by nashalign.derivations) --------------------------------
#: The population the result is stated for (the limits are the defaults of
#: nashalign.derivations.declarations; check_params narrows them).
POPULATION = "heterogeneous"


def plan(max_k: int) -> list[dict[str, int]]:
    """What ``nashalign verify`` runs, for every ``max_k``: (K, N) = (2, 2) (the test
    suite adds (2, 3)).

    Examples
    --------
    >>> plan(6)
    [{'K': 2, 'N': 2}]
    """
    return [{"K": 2, "N": 2}]


def check_params(K: int, N: int) -> None:
    """The registry's further limit for explicit parameters: K = 2, N <= 3.

    Examples
    --------
    >>> check_params(3, 2)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: the fully symbolic heterogeneous derivation is limited to K = 2, N <= 3 ...
    """
    if K > 2 or N > 3:
        raise InputError(
            "the fully symbolic heterogeneous derivation is limited to K = 2, N <= 3 "
            "(the polynomials grow too fast beyond); use the float solvers for larger populations"
        )


def reduced_system(L0, Us, us, bs, cof, Qd):
    """The one K-dimensional system ``D (I + sum_m T_m Q) S = sum_m D/d_m (U_m b_m + u_m)``.

    ``L0 = D I``; returns ``(L, rhs)``. A hook for mutation tests.
    """
    L = L0
    rhs = DomainMatrix.zeros((L0.shape[0], 1), L0.domain)
    for U, u, b, c in zip(Us, us, bs, cof, strict=True):
        L = L + U * Qd * c
        rhs = rhs + (U * b + u) * c
    return L, rhs


def derive(
    K: int = 2, N: int = 2, variant: str = "overlap", game: Game | None = None
) -> DerivationRecord:
    """Derive and verify the heterogeneous reduction for ``N`` agents and ``K`` subpopulations."""
    if game is not None:
        K, N, variant = game.K, game.N, game.variant
    rec = DerivationRecord(
        name=NAME,
        title=TITLE,
        statement_latex=(
            r"\Bigl(I + \rho\sum_m T_m\Bigr) S = \sum_m \bigl(s\,T_m a_m + t_m\bigr),\quad "
            r"w_m = T_m(s a_m - \rho S) + t_m,\quad \rho = \tfrac{r}{N-1}"
        ),
        hypotheses=[
            r"each agent's utility concave (Lemma 0 with its own $C_m \succeq 0$)",
            r"$\det B_m \ne 0$ for every $m$ and $\det\bigl(I + \rho\sum_m T_m\bigr) \ne 0$",
        ],
        method="engine gradients of a heterogeneous game; division-free DomainMatrix adjugates over "
        "QQ[a_m, C_m, r, s]; exact substitution into every agent's condition",
        params={"K": K, "N": N, "variant": variant},
        depends_on=["lemma0"],
    )
    with timed(rec):
        if game is None:
            game = Game.from_variant(variant, K=K, N=N, heterogeneous=True)
        if concavity_failure(game, rec):
            return rec.finish()
        gens = [*game.param_symbols(), *game.extra_symbols(), r, s]
        R = ring_of(gens)
        eye = DomainMatrix.eye(K, R)
        one = ones_dm(K, 1, R)
        structures = [linear_structure(game, m) for m in range(1, N + 1)]
        Q = structures[0].Q
        rec.add_check(
            "the interaction matrix Q is the same for every agent",
            all((ls.Q - Q).applyfunc(sp.expand).is_zero_matrix for ls in structures),
            "expansion",
        )
        Qd = to_dm(Q, R)
        # Division-free: B_m^{-1} = adj(B_m) / d_m, so T_m = U_m / d_m, t_m = u_m / d_m.
        Us, us, bs, ds = [], [], [], []
        for ls in structures:
            G = to_dm((ls.P - ls.Q).applyfunc(sp.expand), R)
            adjB, d = bordered(G).adj_det()
            Us.append(adjB.extract(list(range(K)), list(range(K))))
            us.append(adjB.extract(list(range(K)), [K]))
            bs.append(to_dm(ls.b0 + s * ls.b1, R))
            ds.append(d)
        D = R.one
        for d in ds:
            D = D * d
        if R.is_zero(D):
            rec.add_check(
                "non-degeneracy: prod_m det B_m and det(L) are not the zero polynomial",
                False,
                "some det B_m is the zero polynomial",
            )
            return rec.finish()
        cof = [R.exquo(D, d) for d in ds]  # D / d_m, exact
        # D (I + sum_m T_m Q) S = sum_m D/d_m (U_m b_m + u_m):  L S = rhs.
        L, rhs = reduced_system(eye * D, Us, us, bs, cof, Qd)
        adjL, detL = L.adj_det()
        S_num = adjL * rhs  # S = S_num / detL
        # d_m detL w_m = U_m (b_m detL - Q S_num) + u_m detL; common denominator Den = D detL.
        Den = D * detL
        rec.add_check(
            "non-degeneracy: prod_m det B_m and det(L) are not the zero polynomial",
            not R.is_zero(D) and not R.is_zero(detL),
            "exact zero tests (otherwise the hypotheses would be vacuous)",
        )
        ws = [
            (U * (b * detL - Qd * S_num) + u * detL) * c
            for U, u, b, c in zip(Us, us, bs, cof, strict=True)
        ]
        total = ws[0]
        for w in ws[1:]:
            total = total + w
        rec.add_check(
            "sum_m w_m = S (numerators over the common denominator)",
            is_zero_dm(total - S_num * D),
            "exact",
        )
        ok = True
        W = DomainMatrix.vstack(*ws)
        for m in range(1, N + 1):
            g = game.normalised(game.gradient(m))
            J, c = linear_parts(list(g), game.strategy_symbols())
            gm = to_dm(J, R) * W + to_dm(c, R) * Den  # Den * grad_m / beta_I
            lam = gm[0, 0].element
            ok = ok and is_zero_dm(gm - one * lam)
            ok = ok and R.is_zero((one.transpose() * ws[m - 1])[0, 0].element - Den)
        rec.add_check(
            f"every agent's Lemma 0 condition and 1^T w_m = 1 hold (N = {N}, K = {K})",
            ok,
            "denominators cleared: gradient components all equal (= lambda_m) and weights sum to 1, exactly",
        )
        rec.expressions["Q"] = Q
        rec.expressions["G_1"] = (structures[0].P - structures[0].Q).applyfunc(sp.expand)
        rec.step(
            "The engine reads each agent's normalised gradient as "
            r"$b_m - P_m w_m - Q\sum_{j\ne m} w_j$, with the same interaction matrix for all agents:",
            r"Q = " + sp.latex(Q) + r",\qquad G_1 = P_1 - Q = " + sp.latex(rec.expressions["G_1"]),
            kind="checked",
        )
        rec.step(
            r"Since $\sum_{j \ne m} w_j = S - w_m$, agent $m$'s interior condition is the bordered system "
            r"$B_m(w_m, \lambda_m) = (b_m - QS, 1)$, so $w_m = T_m(b_m - QS) + t_m$ is affine in $S$.",
            cite="Lemma 0 (record lemma0): interior best responses solve grad u_m = lambda_m 1",
        )
        rec.cite("dense", "identities with denominators prod_m det B_m * det L cleared, both != 0")
        rec.step(
            r"Summing over $m$ gives one $K$-dimensional linear system for $S$, after which each $w_m$ "
            r"follows from its own bordered solve. Substituting the result into every agent's gradient "
            r"leaves all components equal and the weights summing to one, exactly (denominators "
            r"cleared; valid wherever they are nonzero).",
            rec.statement_latex,
            cite="dense",
        )
    return rec.finish()
