"""The derivations of the model, one module per result (SPEC section 2).

Every module exposes ``NAME``, ``TITLE`` and ``derive(K, N, variant)``
returning a :class:`~nashalign.symbolic.records.DerivationRecord`. The registry below is
the single list that ``nashalign verify``, the tests and the book iterate.

The registry is generic: each module declares only where its limits and plan
differ from the defaults of :mod:`nashalign.derivations.declarations` (``MAX_K``,
``MAX_N``, ``DEFAULT_N``, ``POPULATION``, ``plan(max_k)``, optionally
``check_params(K, N)`` and ``verify_options(params)``), which :func:`derive`,
:func:`k_limit` and :func:`verification_plan` read; a user game of the other
population gets a "not of the required form" record.

Every record is honest about what backs it (:mod:`nashalign.symbolic.records`):
its steps are typed (checked / cited / definition / unchecked), its checks are
exact identities (with their generality: ``"symbolic K"`` or the explicit K),
hypotheses decided by the engine, or cited standard results with a reference;
its ``status`` is ``"proved for general K"``, ``"proved at explicit K = ..."``,
``"fails (counterexample)"``, ``"hypothesis unknown"`` or ``"not established"``,
and ``verified`` is True only for the two "proved" statuses. ``derive(name,
game=Game(...))`` runs a result for a user utility
(:func:`nashalign.symbolic.utility_parser.parse_utility` parses one safely).

Examples
--------
>>> NAMES[:3]
('claim1', 'lemma0', 'theorem1')
>>> derive("claim1", K=2).status
'proved for general K'
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from nashalign.derivations import (
    claim1_psd,
    exclusion_thresholds,
    heterogeneous_closed_form,
    lemma0_best_response,
    lemma2_degenerate_ratios,
    theorem1_interior_ne,
    theorem2_uniqueness,
    theorem3_potential,
)
from nashalign.derivations.declarations import declared
from sympy.polys.polyerrors import BasePolynomialError

from nashalign.errors import InputError
from nashalign.symbolic.game import VARIANTS, Game
from nashalign.symbolic.records import DerivationRecord

MODULES: dict[str, ModuleType] = {
    m.NAME: m
    for m in (
        claim1_psd,
        lemma0_best_response,
        theorem1_interior_ne,
        lemma2_degenerate_ratios,
        theorem2_uniqueness,
        theorem3_potential,
        exclusion_thresholds,
        heterogeneous_closed_form,
    )
}
NAMES: tuple[str, ...] = tuple(MODULES)

#: Largest K accepted by ``derive`` for every result, and the bound of ``verify --max-k``
#: (explicit symbolic matrices grow fast; from K = 5 the polynomial-matrix checks use
#: python-flint, :mod:`nashalign.symbolic.matrix_backend`). The least of the modules' ``MAX_K``.
MAX_K = min(declared(m, "MAX_K") for m in MODULES.values())
#: Results accepted further (``verify --max-k K`` also runs them at K + 1).
MAX_K_EXTRA = {
    name: declared(m, "MAX_K") for name, m in MODULES.items() if declared(m, "MAX_K") > MAX_K
}
#: Largest N accepted by ``derive`` (Theorem 3 at K = 3 takes ~20 s at N = 16).
MAX_N = max(declared(m, "MAX_N") for m in MODULES.values())
#: Default agent count per result.
DEFAULT_N = {name: declared(m, "DEFAULT_N") for name, m in MODULES.items()}
#: Why a user game of the other population is not of the form a result needs.
WRONG_POPULATION = {
    "homogeneous": "{name} is stated for a homogeneous population",
    "heterogeneous": "the heterogeneous reduction needs a heterogeneous game",
}


def title(name: str) -> str:
    """Human title of a registered derivation."""
    return _module(name).TITLE


def _module(name: str) -> ModuleType:
    if name not in MODULES:
        raise InputError(f"unknown result {name!r}; choose one of {', '.join(NAMES)}")
    return MODULES[name]


def k_limit(name: str) -> int:
    """Largest explicit K accepted for one result (the module's ``MAX_K``).

    Examples
    --------
    >>> k_limit("theorem2"), k_limit("theorem1")
    (6, 7)
    """
    return declared(_module(name), "MAX_K")


def validate_params(
    K: int,
    N: int | None = None,
    variant: str = "overlap",
    k_max: int = MAX_K,
    n_max: int = MAX_N,
) -> None:
    """Validate K, N and variant; raise InputError with one clear line.

    Examples
    --------
    >>> validate_params(8, k_max=7)
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: K = 8 is beyond the explicit symbolic range (K <= 7)
    """
    if isinstance(K, bool) or not isinstance(K, int) or K < 2:
        raise InputError(f"K must be an integer >= 2, got {K!r}")
    if K > k_max:
        raise InputError(f"K = {K} is beyond the explicit symbolic range (K <= {k_max})")
    if N is not None and (isinstance(N, bool) or not isinstance(N, int) or N < 2):
        raise InputError(f"N must be an integer >= 2, got {N!r}")
    if N is not None and N > n_max:
        raise InputError(
            f"N = {N} is beyond the explicit symbolic range (N <= {n_max}); every agent is "
            "a block of the expressions, so they grow with N"
        )
    if variant not in VARIANTS:
        raise InputError(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")


def not_of_form(name: str, game: Game, why: str) -> DerivationRecord:
    """A finished record saying the game is not of the form the result needs (status
    ``"not established"``), instead of a traceback.

    Examples
    --------
    >>> g = Game.from_variant("overlap", K=2, N=2)
    >>> rec = not_of_form("theorem1", g, "the utility is not quadratic")
    >>> rec.status, rec.failure
    ('not established', 'not of the required form: the utility is not quadratic')
    """
    rec = DerivationRecord(
        name=name,
        title=title(name),
        statement_latex=r"\text{not claimed: the utility is not of the required form}",
        params={"K": game.K, "N": game.N, "variant": game.variant},
        failure=f"not of the required form: {why}",
    )
    rec.step(rec.failure, kind="unchecked")
    rec.verified = False
    return rec.finish()


def derive(
    name: str,
    K: int = 3,
    N: int | None = None,
    variant: str = "overlap",
    game: Game | None = None,
) -> DerivationRecord:
    """Run one derivation and return its record.

    Parameters
    ----------
    name : str
        One of :data:`NAMES`.
    K : int
        Number of subpopulations (explicit, 2..MAX_K; Theorem 1 and Lemma 2 up to
        MAX_K + 1, see :func:`k_limit`).
    N : int, optional
        Number of agents (default per result: the module's ``DEFAULT_N``, see
        :data:`DEFAULT_N`).
    variant : str
        Diversity variant of the utility: ``overlap``, ``spread`` or ``distance``.
    game : Game, optional
        A user game (:class:`~nashalign.symbolic.game.Game` from any utility
        expression); overrides ``K``, ``N`` and ``variant``. A game that is not of
        the form a result needs gives a ``"not of the required form: ..."`` record.

    Examples
    --------
    >>> from nashalign.symbolic.symbols import beta_D, beta_I, strategy
    >>> g0 = Game.from_variant("overlap", K=2, N=3)
    >>> w1, w2 = strategy(1, 2), strategy(2, 2)
    >>> u = -beta_I * (w1.T * g0.C * w1)[0] - beta_D * (w1.T * w2)[0]  # ignores agent 3
    >>> rec = derive("theorem1", game=Game(u, 2, 3, g0.a, g0.C))
    >>> rec.status, rec.failure
    ('not established', 'not of the required form: the utility does not treat the other agents symmetrically')
    """
    module = _module(name)
    if game is None:
        return _derive(module, K, N, variant)
    if not isinstance(game, Game):
        raise InputError(f"game must be a nashalign Game, got {type(game).__name__}")
    validate_params(
        game.K, game.N, "overlap", k_max=declared(module, "MAX_K"), n_max=declared(module, "MAX_N")
    )
    population = declared(module, "POPULATION")
    if game.heterogeneous != (population == "heterogeneous"):
        return not_of_form(name, game, WRONG_POPULATION[population].format(name=name))
    try:
        return module.derive(game=game)
    except (InputError, BasePolynomialError, ValueError, TypeError) as err:
        return not_of_form(name, game, str(err).splitlines()[0] if str(err) else repr(err))


def _derive(
    module: ModuleType, K: int, N: int | None = None, variant: str = "overlap", **options: Any
) -> DerivationRecord:
    """``module.derive`` at explicit parameters, checked against the module's declarations."""
    validate_params(K, N, variant, k_max=declared(module, "MAX_K"), n_max=declared(module, "MAX_N"))
    N = declared(module, "DEFAULT_N") if N is None else N
    check = getattr(module, "check_params", None)
    if check is not None:
        check(K, N)
    return module.derive(K=K, N=N, variant=variant, **options)


def verification_plan(max_k: int = 4) -> list[tuple[str, dict]]:
    """The (name, params) pairs that ``verify`` runs: every result at K = 2..max_k,
    Theorem 1 and Lemma 2 also at K = max(5, max_k + 1), Theorems 2-3 for N = 2 and 3,
    the heterogeneous reduction at (K, N) = (2, 2) (the test suite adds (2, 3)).

    Examples
    --------
    >>> [p["K"] for n, p in verification_plan(6) if n == "theorem1"]
    [2, 3, 4, 5, 6, 7]
    >>> [p["K"] for n, p in verification_plan(3) if n == "lemma2"]
    [2, 3, 5]
    """
    if isinstance(max_k, bool) or not isinstance(max_k, int) or max_k < 2:
        raise InputError(f"--max-k must be an integer >= 2, got {max_k!r}")
    if max_k > MAX_K:
        raise InputError(f"--max-k must be at most {MAX_K}")
    return [(name, params) for name, m in MODULES.items() for params in declared(m, "plan")(max_k)]


def verify_all(
    max_k: int = 4,
    progress: bool = False,
    on_record: Callable[[DerivationRecord], None] | None = None,
    kernel: Any = None,
) -> list[DerivationRecord]:
    """Run the whole verification plan and return the records.

    ``kernel``: a :class:`~nashalign.derivations.coq_kernel.KernelResult` compiled in this
    run; the records its theorems prove get a kernel check
    (:func:`~nashalign.derivations.coq_kernel.apply_kernel`) before ``on_record`` sees them.
    """
    plan = verification_plan(max_k)
    records = []
    iterator = plan
    if progress:
        from tqdm import tqdm

        iterator = tqdm(plan, desc="verify", unit="derivation")
    for name, params in iterator:
        module = MODULES[name]
        options = getattr(module, "verify_options", lambda params: {})(params)
        rec = _derive(module, **params, **options)
        if kernel is not None:
            from nashalign.derivations.coq_kernel import apply_kernel

            apply_kernel([rec], kernel)
        records.append(rec)
        if on_record is not None:
            on_record(rec)
    return records


__all__ = [
    "MAX_K",
    "MAX_K_EXTRA",
    "MODULES",
    "NAMES",
    "derive",
    "k_limit",
    "not_of_form",
    "title",
    "verification_plan",
    "verify_all",
]
