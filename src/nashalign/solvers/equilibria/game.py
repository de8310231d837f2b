r"""The game of the equilibrium set: ``Q``, ``s a`` and the bordered support systems.

With :math:`s = \beta_A/\beta_I`, :math:`r = \beta_D/\beta_I` and
:math:`\rho = r/(N-1)`, agent ``m``'s gradient is
:math:`g_m = s a_m - 2 C_m w_m - \rho \sum_{j\ne m} w_j`, i.e. ``g = s a - Q W`` with
``Q = -Hessian(Phi)``. On a support tuple the KKT equalities are the bordered system

.. math::

    Q_{SS} w_S + E \lambda = s a_S, \qquad E^\top w_S = 1 ,

assembled here once, in float (``bordered_float``) and in exact rationals
(``bordered_exact``, ``python-flint``'s ``fmpq``). The data are converted to
rationals exactly (a float is a binary rational).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.errors import InputError
from nashalign.model import Incentives, Population, takes_population

__all__ = ["Game", "bordered_exact", "bordered_float", "build_game", "to_fmpq", "to_fraction"]


def to_fmpq(x: Any) -> Any:
    """``flint.fmpq`` of a float, int or Fraction, exactly.

    Examples
    --------
    >>> to_fmpq(0.375)
    3/8
    """
    import flint

    f = Fraction(x) if not isinstance(x, Fraction) else x
    return flint.fmpq(f.numerator, f.denominator)


def to_fraction(x: Any) -> Fraction:
    """``Fraction`` of an ``fmpq``.

    Examples
    --------
    >>> to_fraction(to_fmpq(0.375))
    Fraction(3, 8)
    """
    return _coprime(int(x.p), int(x.q))


def _fraction_from_coprime(p: int, q: int) -> Fraction:
    # fmpq keeps p/q reduced with q > 0: skip Fraction's gcd (costly on ~1000-bit
    # numbers); Python 3.12+ has a constructor for that, 3.11 a keyword.
    return Fraction(p, q, _normalize=False)  # type: ignore[call-arg]


_coprime = getattr(Fraction, "_from_coprime_ints", _fraction_from_coprime)


@dataclass
class Game:
    """The float and exact data of an N-agent population (units of ``beta_I``).

    Attributes
    ----------
    A, Cs : ndarray
        Per-agent ``a`` (N, K) and ``C`` (N, K, K).
    N, K : int
        Agents and subpopulations.
    s, r, rho : float
        ``beta_A/beta_I``, ``beta_D/beta_I`` and ``r/(N-1)``.
    Q : ndarray, shape (NK, NK)
        ``-Hessian(Phi)``.
    g0 : ndarray, shape (NK,)
        ``s a``.
    homogeneous : bool
        Every agent has the same ``(a, C)``.
    sq, rq : Fraction
        ``s`` and ``r`` exactly.
    population : Population
        The population (validated once, where it was built).
    incentives : Incentives
        Its incentives (``unit`` is ``beta_I``, the unit of NashConv).
    """

    A: NDArray  # (N, K)
    Cs: NDArray  # (N, K, K)
    N: int
    K: int
    s: float
    r: float
    rho: float
    Q: NDArray  # (NK, NK): -Hessian of Phi
    g0: NDArray  # (NK,): s a
    homogeneous: bool
    sq: Fraction
    rq: Fraction
    population: Population
    incentives: Incentives
    _exact: tuple[list[list[Any]], list[Any]] | None = None
    _psd: list[tuple[bool, float]] | None = None
    _int: tuple[int, list[list[int]], list[int], Any] | None = None

    def psd_exact(self) -> list[tuple[bool, float]]:
        """Per agent: ``(C_m exactly PSD as rationals, smallest float eigenvalue)`` (cached).

        Examples
        --------
        >>> g = build_game([0.0, 0.0], [[1.0, 1.0], [1.0, 1.0 - 2.0**-40]], 1.0, 1.0, 0.0, 2)
        >>> [p for p, _ in g.psd_exact()]
        [False, False]
        """
        if self._psd is None:
            from nashalign.solvers.equilibria.exact import psd_exact

            Q, _ = self.exact()
            K = self.K
            out: dict[bytes, tuple[bool, float]] = {}
            res = []
            for m in range(self.N):
                key = self.Cs[m].tobytes()
                if key not in out:
                    blk = [[Q[m * K + k][m * K + l] for l in range(K)] for k in range(K)]
                    out[key] = (
                        psd_exact(blk)[0],
                        float(np.linalg.eigvalsh(self.Cs[m])[0]),
                    )
                res.append(out[key])
            self._psd = res
        return self._psd

    @property
    def scale(self) -> float:
        """Data scale: ``max |s a| + max row 1-norm of Q`` (1 when zero)."""
        return float(np.max(np.abs(self.g0)) + np.max(np.sum(np.abs(self.Q), axis=1))) or 1.0

    def exact(self) -> tuple[list[list[Any]], list[Any]]:
        """Exact ``Q`` and ``s a`` as fmpq (cached)."""
        if self._exact is None:
            N, K = self.N, self.K
            rho = self.rq / (N - 1) if N > 1 else Fraction(0)
            Cq = [[[to_fmpq(float(x)) for x in row] for row in self.Cs[m]] for m in range(N)]
            rho_q, zero = to_fmpq(rho), to_fmpq(0)
            Q = [[zero] * (N * K) for _ in range(N * K)]
            for m in range(N):
                for k in range(K):
                    i = m * K + k
                    for l in range(K):
                        Q[i][m * K + l] = 2 * Cq[m][k][l]
                    for j in range(N):
                        if j != m:
                            Q[i][j * K + k] = rho_q
            sq = to_fmpq(self.sq)
            g0 = [sq * to_fmpq(float(self.A[m, k])) for m in range(N) for k in range(K)]
            self._exact = (Q, g0)
        return self._exact

    def exact_int(self) -> tuple[int, list[list[int]], list[int], Any]:
        """``(D, Qz, gz, Qz as fmpz_mat)``: ``Q = Qz / D`` and ``s a = gz / D`` exactly,
        ``D > 0`` the least common denominator of their entries (cached).

        Examples
        --------
        >>> D, Qz, gz, _ = build_game([0.5, 0.25], np.eye(2), 1.0, 1.0, 1.0, 2).exact_int()
        >>> D, Qz[0], gz
        (4, [8, 0, 4, 0], [2, 1, 2, 1])
        """
        if self._int is None:
            import math

            import flint

            Q, g0 = self.exact()
            D = 1
            for x in [*(x for row in Q for x in row), *g0]:
                q = int(x.q)
                D = D // math.gcd(D, q) * q
            Qz = [[int(x.p) * (D // int(x.q)) for x in row] for row in Q]
            gz = [int(x.p) * (D // int(x.q)) for x in g0]
            n = len(gz)
            self._int = (D, Qz, gz, flint.fmpz_mat(n, n, [x for row in Qz for x in row]))
        return self._int


@takes_population
def build_game(population: Population, incentives: Incentives) -> Game:
    """The :class:`Game` of a population and its (scalar) incentives.

    The convenience form ``build_game(a, C, beta_a, beta_i, beta_d, n_agents)``
    takes shared or per-agent arrays (validated here, once).

    Examples
    --------
    >>> g = build_game([1.0, 0.0], np.eye(2), 2.0, 1.0, 1.0, 2)
    >>> g.s, g.r, g.homogeneous, g.Q.shape
    (2.0, 1.0, True, (4, 4))
    >>> build_game(Population([1.0, 0.0], np.eye(2)), Incentives(2.0, 1.0)).rho
    1.0
    """
    pop, inc = population, incentives
    if not inc.scalar:
        raise InputError("the equilibrium set takes scalar beta_a, beta_i, beta_d")
    N, K = pop.N, pop.K
    A, Cs = np.array(pop.a_per_agent), np.array(pop.C_per_agent)
    homogeneous = pop.homogeneous or bool(np.all(A == A[0]) and np.all(Cs == Cs[0]))
    sq, rq = inc.exact_ratios()
    if N < 2:
        rq = Fraction(0)
    s, r = float(sq), float(rq)
    rho = r / (N - 1) if N > 1 else 0.0
    Q = np.zeros((N * K, N * K))
    for m in range(N):
        Q[m * K : (m + 1) * K, m * K : (m + 1) * K] = 2.0 * Cs[m]
        for j in range(N):
            if j != m:
                Q[m * K : (m + 1) * K, j * K : (j + 1) * K] = rho * np.eye(K)
    g0 = (s * A).reshape(-1)
    return Game(A, Cs, N, K, s, r, rho, Q, g0, homogeneous, sq, rq, pop, inc)


def support_index(game: Game, supports: tuple[tuple[int, ...], ...]) -> list[int]:
    """Global indices ``m K + k`` of every agent's support, agent by agent."""
    return [m * game.K + k for m in range(game.N) for k in supports[m]]


def bordered_float(
    game: Game, supports: tuple[tuple[int, ...], ...]
) -> tuple[NDArray, NDArray, list[int]]:
    """The float bordered system on a support tuple: ``(M, b, support indices)``."""
    N, K = game.N, game.K
    idx = support_index(game, supports)
    n = len(idx) + N
    M = np.zeros((n, n))
    M[: len(idx), : len(idx)] = game.Q[np.ix_(idx, idx)]
    for p, i in enumerate(idx):
        m = i // K
        M[p, len(idx) + m] = 1.0
        M[len(idx) + m, p] = 1.0
    b = np.concatenate([game.g0[idx], np.ones(N)])
    return M, b, idx


def bordered_exact(
    game: Game, supports: tuple[tuple[int, ...], ...]
) -> tuple[list[list[Any]], list[int]]:
    """The exact bordered system on a support tuple, augmented: ``(rows [M | b], indices)``.

    Each row is ``n + 1`` fmpq entries (``n`` = support size + N); the last is ``b``.
    """
    N, K = game.N, game.K
    Q, g0 = game.exact()
    idx = support_index(game, supports)
    nI = len(idx)
    zero, one = to_fmpq(0), to_fmpq(1)
    rows: list[list[Any]] = []
    for i in idx:
        m = i // K
        rows.append(
            [Q[i][j] for j in idx] + [one if mm == m else zero for mm in range(N)] + [g0[i]]
        )
    for m in range(N):
        rows.append([one if idx[p] // K == m else zero for p in range(nI)] + [zero] * N + [one])
    return rows, idx
