"""Test cases for a user's solver: the shipped frozen cases, seeded random cases,
the ``nashalign.solve-request`` each one sends, and the judge of an answer.

A :class:`Case` is one game (a :class:`~nashalign.model.Population`, its incentive
weights) together with its exact Nash equilibrium set
(:class:`~nashalign.testing.oracles.Target` objects). The **frozen cases** ship with the package as
``nashalign/testing/data/cases.json``, one ``nashalign.solver-cases`` record
(schema ``nashalign/schemas/solver-cases.schema.json``) written by
``python -m nashalign.testing.generate`` from the exact oracles: their inputs are
floats with exact binary values, their answers exact rationals (strings).
**Random cases** (:func:`random_cases`) are drawn from a seed and solved exactly
on the spot.

The protocol (also ``nashalign check-solver``'s JSON Lines): the solver receives
one request (:meth:`Case.request`)::

    {"format": "nashalign.solve-request", "format_version": 1, "nashalign_version": "...",
     "id": "frozen/interior-k2", "n_agents": 2, "K": 2, "names": ["k1", "k2"],
     "homogeneous": true, "a": [1.0, 0.0], "C": [[1.0, 0.0], [0.0, 1.0]],
     "beta_a": 1.0, "beta_i": 1.0, "beta_d": 1.0, "s": 1.0, "r": 1.0}

(``a`` is ``[K]`` or ``[N][K]``, ``C`` is ``[K][K]`` or ``[N][K][K]``; ``s`` and
``r`` are the floats nearest ``beta_a/beta_i`` and ``beta_d/beta_i``) and answers one
object: ``{"id": ..., "weights": W}`` with ``W`` one Nash equilibrium (``[K]``: every
agent plays it, or ``[N][K]``), or ``{"id": ..., "equilibria": [W, ...]}`` claiming
the whole set, or ``{"id": ..., "unsupported": "why"}`` to decline, or
``{"id": ..., "error": "why"}``.

Examples
--------
>>> cases = load_cases()
>>> len(cases) >= 10, cases[0].id
(True, 'frozen/interior-k2')
>>> req = cases[0].request()
>>> req["format"], req["n_agents"], req["a"]
('nashalign.solve-request', 2, [1.0, 0.0])
>>> cases[0].judge({"weights": [0.5, 0.5]}).status
'fail'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from typing import Any

import numpy as np

from nashalign.errors import InputError
from nashalign.jsonformat import envelope, kind_of
from nashalign.model import Incentives, Population
from nashalign.testing.oracles import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    Target,
    as_profile,
    explain,
    off_simplex,
    q_matrix,
    target,
    targets,
)

__all__ = [
    "STATUSES",
    "Case",
    "CaseResult",
    "case_from_json",
    "frozen_cases_path",
    "load_cases",
    "random_cases",
    "request_model",
]

#: What can become of a case: ``pass``, ``fail`` (a wrong answer), ``error`` (the solver
#: raised, crashed or answered malformed JSON), ``timeout``, ``unsupported`` (declined).
STATUSES = ("pass", "fail", "error", "timeout", "unsupported")


@dataclass(frozen=True)
class CaseResult:
    """The verdict on one answer.

    Attributes
    ----------
    status : str
        One of :data:`STATUSES`.
    answer : str or None
        ``"weights"`` or ``"equilibria"`` (None when there was no usable answer).
    distance : float or None
        Largest entrywise distance to the matched equilibrium (the worst one for a set).
    tolerance : float or None
        ``atol + rtol * cond`` of that equilibrium.
    cond : float or None
        Its bordered support system's condition number.
    detail : str
        One sentence: what was wrong, or what matched.
    """

    status: str
    answer: str | None = None
    distance: float | None = None
    tolerance: float | None = None
    cond: float | None = None
    detail: str = ""

    @property
    def passed(self) -> bool:
        """``status == "pass"``."""
        return self.status == "pass"


def _match(
    W: np.ndarray, found: list[Target], atol: float, rtol: float, relabel: bool
) -> tuple[Target, float, bool]:
    """The target with the smallest distance/tolerance ratio, its distance, within it."""
    from itertools import permutations

    perms = list(permutations(range(W.shape[0]))) if relabel else [tuple(range(W.shape[0]))]
    best: tuple[float, Target, float] | None = None
    for t in found:
        d = min(t.distance(W[list(p)]) for p in perms)
        ratio = d / t.tolerance(atol, rtol) if t.tolerance(atol, rtol) > 0 else math.inf * d
        if best is None or ratio < best[0]:
            best = (ratio, t, d)
    if best is None:
        raise InputError("no equilibria to compare with")
    return best[1], best[2], best[0] <= 1.0


@dataclass(frozen=True, eq=False)
class Case:
    """One game and its exact equilibrium set.

    Attributes
    ----------
    id : str
        ``frozen/<name>`` or ``random/<seed>/<i>``.
    source : str
        ``"frozen"`` or ``"random"``.
    tags : tuple of str
        What the case exercises (``interior``, ``boundary``, ``asymmetric``,
        ``continuum``, ``singular``, ``near-singular``, ``tied``, ``heterogeneous``,
        ``single-agent``, ``wide-betas``, ...).
    description : str
        One sentence.
    population : Population
    betas : tuple of float
        ``(beta_a, beta_i, beta_d)``.
    equilibria : list of Target
        The exact equilibrium set.
    closed_form : list of Fraction or None
        Theorem 1's symmetric point when ``alpha != 0`` (homogeneous only).
    """

    id: str
    source: str
    tags: tuple[str, ...]
    description: str
    population: Population
    betas: tuple[float, float, float]
    equilibria: list[Target] = field(repr=False)
    closed_form: list[Fraction] | None = field(default=None, repr=False)

    @property
    def incentives(self) -> Incentives:
        """The case's :class:`~nashalign.model.Incentives` (exact ratios kept)."""
        return Incentives.from_betas(*self.betas)

    def request(self) -> dict[str, Any]:
        """The ``nashalign.solve-request`` record sent to the solver (module docstring).

        Examples
        --------
        >>> sorted(load_cases()[0].request())[:4]
        ['C', 'K', 'a', 'beta_a']
        """
        pop, inc = self.population, self.incentives
        return envelope(
            "solve-request",
            {
                "id": self.id,
                "n_agents": pop.N,
                "K": pop.K,
                "names": list(pop.names),
                "homogeneous": pop.homogeneous,
                "a": pop.a.tolist(),
                "C": pop.C.tolist(),
                "beta_a": self.betas[0],
                "beta_i": self.betas[1],
                "beta_d": self.betas[2],
                "s": float(inc.s),
                "r": float(inc.r),
            },
        )

    def judge(
        self, response: Any, *, atol: float = DEFAULT_ATOL, rtol: float = DEFAULT_RTOL
    ) -> CaseResult:
        """Judge one answer (a response object, or an array of weights).

        ``weights`` pass when on the simplex and within ``atol + rtol * cond`` of
        some equilibrium (:func:`~nashalign.testing.oracles.assert_ne_close`);
        ``equilibria`` pass when every claimed profile does and every equilibrium
        of the exact set is within its tolerance of a claimed one (up to relabelling
        the agents of a homogeneous population).

        Examples
        --------
        >>> case = load_cases()[0]
        >>> case.judge({"id": case.id, "weights": [0.75, 0.25]}).status
        'fail'
        >>> case.judge([2 / 3, 1 / 3]).status
        'pass'
        >>> case.judge({"unsupported": "K > 1"}).status
        'unsupported'
        """
        if not isinstance(response, dict):
            response = {"weights": response}
        rid = response.get("id", self.id)
        if rid != self.id:
            return CaseResult(
                "error", detail=f"answered id {str(rid)[:80]!r}, expected {self.id!r}"
            )
        if "unsupported" in response:
            return CaseResult("unsupported", detail=str(response["unsupported"])[:300])
        if "error" in response:
            return CaseResult(
                "error", detail="the solver reported: " + str(response["error"])[:300]
            )
        N, K = self.population.N, self.population.K
        try:
            if "weights" in response:
                return self._judge_weights(as_profile(response["weights"], N, K), atol, rtol)
            if "equilibria" in response:
                claimed = response["equilibria"]
                if not isinstance(claimed, list) or not claimed:
                    raise InputError("equilibria must be a non-empty list of profiles")
                profiles = [as_profile(W, N, K) for W in claimed]
                return self._judge_set(profiles, atol, rtol)
        except (InputError, TypeError, ValueError) as exc:
            return CaseResult("error", detail=f"malformed answer: {exc}")
        return CaseResult("error", detail="the answer has neither 'weights' nor 'equilibria'")

    def _judge_weights(self, W: np.ndarray, atol: float, rtol: float) -> CaseResult:
        why = off_simplex(W, atol)
        if why:
            return CaseResult("fail", "weights", detail=f"not on the simplex: {why}")
        t, d, ok = _match(W, self.equilibria, atol, rtol, relabel=False)
        tol = t.tolerance(atol, rtol)
        if not ok:
            return CaseResult("fail", "weights", d, tol, t.cond, explain(t, d, atol, rtol))
        return CaseResult("pass", "weights", d, tol, t.cond, "within tolerance of an equilibrium")

    def _judge_set(self, profiles: list[np.ndarray], atol: float, rtol: float) -> CaseResult:
        worst = CaseResult("pass", "equilibria", 0.0, None, None, "")
        for i, W in enumerate(profiles, start=1):
            res = self._judge_weights(W, atol, rtol)
            if not res.passed:
                return CaseResult(
                    "fail",
                    "equilibria",
                    res.distance,
                    res.tolerance,
                    res.cond,
                    f"claimed equilibrium {i}: {res.detail}",
                )
            if (res.distance or 0.0) >= (worst.distance or 0.0):
                worst = CaseResult("pass", "equilibria", res.distance, res.tolerance, res.cond)
        relabel = self.population.homogeneous
        for t in self.equilibria:
            _, d, ok = _match(t.profile, _as_targets(profiles), atol, rtol, relabel)
            tol = t.tolerance(atol, rtol)
            if d > tol:
                shown = np.round(t.profile, 6).tolist()
                return CaseResult(
                    "fail",
                    "equilibria",
                    d,
                    tol,
                    t.cond,
                    f"missing the equilibrium {shown} (nearest claimed profile {d:.3g} away, "
                    f"tolerance {tol:.1e}); the exact set has {len(self.equilibria)}",
                )
        n = len(self.equilibria)
        return CaseResult(
            "pass",
            "equilibria",
            worst.distance,
            worst.tolerance,
            worst.cond,
            f"the whole set ({n} equilibri{'um' if n == 1 else 'a'})",
        )

    def check(self, fn: Any, *, atol: float = DEFAULT_ATOL, rtol: float = DEFAULT_RTOL) -> None:
        """Call ``fn(request)`` and assert that its answer passes (for pytest).

        Examples
        --------
        >>> load_cases()[0].check(lambda req: [2 / 3, 1 / 3])
        """
        res = self.judge(fn(self.request()), atol=atol, rtol=rtol)
        if not res.passed:
            raise AssertionError(f"{self.id}: {res.status}: {res.detail}")


def _as_targets(profiles: list[np.ndarray]) -> list[Target]:
    """Claimed profiles as zero-tolerance targets, to measure an equilibrium's distance."""
    return [
        Target(W, (), (), False, np.zeros((0, W.size)), 0.0, bool(np.all(W == W[0])))
        for W in profiles
    ]


def _population(a: Any, C: Any, n_agents: int, names: Any = None) -> Population:
    if np.ndim(a) == 2:
        return Population(np.asarray(a, dtype=float), np.asarray(C, dtype=float), names=names)
    return Population(a, C, n_agents=n_agents, names=names)


def case_from_json(item: dict[str, Any]) -> Case:
    """A frozen :class:`Case` from one item of a ``nashalign.solver-cases`` record.

    Examples
    --------
    >>> import json
    >>> rec = json.loads(frozen_cases_path().read_text())
    >>> case_from_json(rec["cases"][0]).id
    'frozen/interior-k2'
    """
    pop = _population(item["a"], item["C"], item["n_agents"], item.get("names"))
    betas = (float(item["beta_a"]), float(item["beta_i"]), float(item["beta_d"]))
    Q = q_matrix(pop, Incentives.from_betas(*betas))
    found = [
        target(e["profile"], e["supports"], Q, e.get("directions") or None)
        for e in item["equilibria"]
    ]
    cf = item.get("closed_form")
    return Case(
        id="frozen/" + item["name"],
        source="frozen",
        tags=tuple(item["tags"]),
        description=item["description"],
        population=pop,
        betas=betas,
        equilibria=found,
        closed_form=None if cf is None else [Fraction(x) for x in cf["weights"]],
    )


def frozen_cases_path() -> Any:
    """Path of the shipped frozen cases (``nashalign/testing/data/cases.json``)."""
    from pathlib import Path

    return Path(str(resources.files("nashalign.testing") / "data" / "cases.json"))


def load_cases(path: Any = None) -> list[Case]:
    """The frozen cases (default: the shipped file), answers included.

    Examples
    --------
    >>> sorted({t for c in load_cases() for t in c.tags})[:3]
    ['asymmetric', 'boundary', 'continuum']
    """
    from nashalign.validation import loads_bounded

    p = frozen_cases_path() if path is None else path
    rec = loads_bounded(open(p, encoding="utf-8").read(), str(p))
    if not isinstance(rec, dict) or kind_of(rec) != "solver-cases":
        raise InputError(f"{p} is not a nashalign.solver-cases record")
    return [case_from_json(item) for item in rec["cases"]]


#: Kinds of random case, drawn in turn.
RANDOM_KINDS = (
    "generic",
    "singular",
    "near-singular",
    "tied",
    "heterogeneous",
    "single-agent",
    "wide-betas",
)


def _gram(rng: np.random.Generator, n: int, K: int, near_singular: bool = False) -> np.ndarray:
    """``B^T B / 16`` for an integer ``n x K`` matrix ``B``: exactly PSD in float."""
    B = rng.integers(-3, 4, size=(n, K)).astype(float)
    if near_singular and K >= 3:
        B[:, -1] = B[:, 0] + B[:, 1]
        B[int(rng.integers(0, n)), -1] += 2.0**-12
    return B.T @ B / 16.0


def _beta(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(10.0 ** rng.uniform(lo, hi))


def random_case(seed: int, i: int) -> Case:
    """Random case ``i`` of ``seed`` (one of :data:`RANDOM_KINDS` in turn), solved exactly.

    Data are dyadic (``a`` in multiples of 1/8, ``C = B^T B / 16`` with an integer
    ``B``), so the floats are the exact game; the betas are log-uniform over
    ``[1e-3, 1e3]`` (``beta_I`` over ``[1e-2, 1e2]``; ``wide-betas``: ``[1e-6, 1e6]``).

    Examples
    --------
    >>> c = random_case(0, 4)
    >>> c.id, c.tags[0], c.population.homogeneous
    ('random/0/4', 'heterogeneous', False)
    """
    rng = np.random.default_rng([int(seed), int(i)])
    kind = RANDOM_KINDS[i % len(RANDOM_KINDS)]
    K = int(rng.integers(2, 5))
    N = 1 if kind == "single-agent" else int(rng.integers(2, 4 if K <= 3 else 3))
    if kind == "tied":
        a = np.full(K, float(rng.integers(0, 5)) / 4)
        d, e = (float(x) / 4 for x in rng.integers(0, 3, size=2))
        C = d * np.eye(K) + e * np.ones((K, K))
    elif kind == "heterogeneous":
        N = 2
        a = rng.integers(-8, 9, size=(N, K)) / 8.0
        C = np.stack([_gram(rng, K + 1, K) for _ in range(N)])
    else:
        a = rng.integers(-8, 9, size=K) / 8.0
        if kind == "singular":
            C = _gram(rng, int(rng.integers(1, K)), K)
        else:
            C = _gram(rng, K + 2, K, near_singular=kind == "near-singular")
    lo, hi = (-6.0, 6.0) if kind == "wide-betas" else (-3.0, 3.0)
    bi = _beta(rng, lo / 1.5, hi / 1.5)
    bd = 0.0 if rng.uniform() < 0.15 else _beta(rng, lo, hi)
    betas = (_beta(rng, lo, hi), bi, bd)
    pop = _population(a, C, N)
    inc = Incentives.from_betas(*betas)
    found = targets(pop, inc)
    tags = [kind] + sorted({_shape(t) for t in found})
    return Case(
        id=f"random/{seed}/{i}",
        source="random",
        tags=tuple(tags),
        description=f"a random {kind} game, K = {K}, N = {N}",
        population=pop,
        betas=betas,
        equilibria=found,
    )


def _shape(t: Target) -> str:
    if t.continuum:
        return "continuum"
    if not t.symmetric:
        return "asymmetric"
    return "interior" if all(len(S) == len(t.profile[0]) for S in t.supports) else "boundary"


def random_cases(seed: int = 0, n: int = 20) -> list[Case]:
    """``n`` random cases from ``seed`` (``random_case``), each solved exactly.

    Examples
    --------
    >>> [c.id for c in random_cases(7, 2)]
    ['random/7/0', 'random/7/1']
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"seed must be an integer >= 0, got {seed!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 0 <= n <= 10_000:
        raise InputError(f"the number of random cases must be an integer in [0, 10000], got {n!r}")
    return [random_case(int(seed), i) for i in range(int(n))]


def request_model(request: Any) -> tuple[Population, Incentives]:
    """The ``(Population, Incentives)`` of a ``nashalign.solve-request`` (validated).

    Examples
    --------
    >>> pop, inc = request_model(load_cases()[0].request())
    >>> pop.N, pop.K, inc.s, inc.r
    (2, 2, 1.0, 1.0)
    """
    if not isinstance(request, dict) or request.get("format") != "nashalign.solve-request":
        raise InputError("expected a nashalign.solve-request object")
    try:
        pop = _population(request["a"], request["C"], request["n_agents"], request.get("names"))
        inc = Incentives.from_betas(request["beta_a"], request["beta_i"], request["beta_d"])
    except KeyError as exc:
        raise InputError(f"the request lacks {exc.args[0]!r}") from None
    return pop, inc
