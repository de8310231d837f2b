"""The glossary: every term the command line prints, in plain words (one source).

Rendered into the CLI's help epilog (:func:`glossary_text`), the README's
"Glossary" section and the book's glossary page (:func:`glossary_markdown`);
``tests/publish/test_glossary.py`` checks that every term the CLI prints is here and
that the README shows the current rendering.

Examples
--------
>>> "NashConv" in GLOSSARY and "alpha_tilde" in GLOSSARY
True
>>> print(glossary_text(["s"]))
  s             beta_A / beta_I: how much attractiveness counts against inconsistency.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["COMMAND_TERMS", "GLOSSARY", "epilog", "glossary_markdown", "glossary_text"]

#: term -> plain explanation (terms as the CLI prints them).
GLOSSARY: dict[str, str] = {
    "subpopulation": "one of the K human groups an agent can align with (k = 1..K).",
    "weight": "the share w_k of an agent's mixture given to subpopulation k (weights sum to 1).",
    "beta_A": "attractiveness coefficient: how much an agent values the mean score a of "
    "the groups it aligns with.",
    "beta_I": "inconsistency aversion: how much an agent dislikes mixing groups whose "
    "scores disagree (the covariance C).",
    "beta_D": "diversity incentive: how much an agent is penalised for overlapping with "
    "the other agents.",
    "s": "beta_A / beta_I: how much attractiveness counts against inconsistency.",
    "r": "beta_D / beta_I: how strong the diversity incentive is against inconsistency. "
    "Equilibria depend on the three betas only through s and r.",
    "tau": "the exclusion threshold (default 0.05): a subpopulation whose weight is below "
    "tau in every agent is excluded.",
    "excluded": "a subpopulation with weight below tau in every agent (political exclusion).",
    "NE": "Nash equilibrium: no agent can gain by changing its own mixture alone.",
    "symmetric NE": "an NE in which every agent plays the same mixture.",
    "interior NE": "an NE in which every weight is positive; Theorem 1 gives the symmetric "
    "one in closed form.",
    "boundary NE": "an NE in which some weight is exactly 0 (on a face of the simplex).",
    "stable": "a stable NE is a local maximum of the potential Phi; small deviations "
    "bring the agents back. 'saddle': an NE that is not stable.",
    "Phi": "the potential of Theorem 3: one function whose maxima are NE. Where Phi is "
    "concave there is exactly one NE; where it is not, there can be several.",
    "mu_min": "the smallest eigenvalue of C restricted to mixtures that sum to 0; Phi is "
    "concave exactly for -2 mu_min <= r <= 2(N-1) mu_min.",
    "r_c": "2(N-1) mu_min: above this r the potential is not concave, and asymmetric NE "
    "appear beside the symmetric one.",
    "alpha": "alpha(r) = 1' adj(2C + rI) 1: Theorem 1's closed form divides by it, so "
    "it exists where alpha is not 0 (a degenerate ratio r otherwise).",
    "alpha_tilde": "alpha_tilde(r) = 1' adj(2C - r/(N-1) I) 1: the same quantity for an "
    "asymmetric deviation; where it is 0 the symmetric NE is degenerate.",
    "cond": "condition number of the closed form's weights (1/distance of 2C + rI from a "
    "singular matrix): their relative error is about 1e-16 times cond.",
    "NashConv": "the total gain the agents could make by each switching to a best "
    "response: 0 exactly at an NE.",
    "interior": "yes when the closed form's point has every weight positive (an interior "
    "NE), no when it leaves the simplex.",
    "converged": "whether the iterative solver reached its tolerance.",
    "r*": "the minimal diversity incentive: the least r >= 0 at which every weight of the "
    "symmetric interior NE is at least tau. It covers that NE only.",
    "binding": "the subpopulation whose weight equals tau exactly at r*.",
    "exclusion-free r": "the values of r at which no weight is below tau (for the "
    "symmetric interior NE, or, under 'every stable NE', for every stable NE).",
    "every stable NE": "robust steering: the r at which every stable NE is "
    "exclusion-free; exact below r_c, checked on a grid of r above it.",
    "CRootOf": "an exact real algebraic number: the i-th real root (counted from 0) of "
    "the integer polynomial shown.",
    "proved for general K": "checked as an identity for every number of subpopulations "
    "(symbolic matrices or a Coq proof), not only for the explicit K tried.",
    "identities": "exact symbolic identities that reduced to 0 (passed/total; how many "
    "hold for symbolic K).",
    "kernel": "theorems checked by the Coq proof kernel in this run ('-' when none).",
    "hypotheses": "the result's assumptions that were checked to hold (holding/total).",
    "cited": "steps taken from the literature with a reference; listed, never counted as checks.",
    "unchecked": "steps neither checked nor cited (should be 0).",
    "supplementary": "an extra check at the explicit K, beside the general proof.",
    "continuum": "a set of NE that is not isolated (a line or face of equilibria).",
}


def glossary_text(terms: Iterable[str] | None = None, width: int = 14) -> str:
    """The glossary as plain text lines (for ``--help``), every term or those given.

    Examples
    --------
    >>> glossary_text(["cited"]).split()[:3]
    ['cited', 'steps', 'taken']
    """
    keys = list(GLOSSARY) if terms is None else list(terms)
    return "\n".join(f"  {k:<{width - 1}} {GLOSSARY[k]}" for k in keys)


def glossary_markdown() -> str:
    """The glossary as a Markdown definition table (README and book).

    Examples
    --------
    >>> glossary_markdown().splitlines()[0]
    '| term | meaning |'
    """
    from nashalign.tables import markdown_table

    return markdown_table(["term", "meaning"], [[f"`{k}`", v] for k, v in GLOSSARY.items()])


#: The terms of a derivation record's status and check counts.
_RECORD_TERMS = ("proved for general K", "identities", "kernel", "hypotheses", "cited", "unchecked")

#: The glossary terms each subcommand prints, shown in its --help epilog.
COMMAND_TERMS: dict[str, tuple[str, ...]] = {
    "solve": (
        "s",
        "r",
        "alpha",
        "alpha_tilde",
        "cond",
        "interior",
        "NashConv",
        "converged",
        "symmetric NE",
        "boundary NE",
        "stable",
        "Phi",
        "mu_min",
        "excluded",
        "continuum",
    ),
    "steer": (
        "s",
        "r",
        "tau",
        "r*",
        "binding",
        "exclusion-free r",
        "every stable NE",
        "r_c",
        "mu_min",
        "Phi",
        "CRootOf",
    ),
    "verify": _RECORD_TERMS,
    "derive": (*_RECORD_TERMS, "supplementary", "alpha"),
}


def epilog(terms: Iterable[str] | None = None) -> str:
    """A ``--help`` epilog: the glossary (all of it, or the terms a subcommand prints).

    Examples
    --------
    >>> epilog(["s"]).splitlines()[0]
    'Terms (the whole glossary: nashalign --help; also the README and the book):'
    """
    head = (
        "Glossary:"
        if terms is None
        else "Terms (the whole glossary: nashalign --help; also the README and the book):"
    )
    return head + "\n" + glossary_text(terms)
