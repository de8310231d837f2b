"""Write the frozen cases (``nashalign/testing/data/cases.json``) from the exact oracles.

Run ``python -m nashalign.testing.generate`` after changing :data:`INPUTS` (the games,
never the answers), and ``python -m nashalign.testing.generate --check`` to confirm
that the shipped file is what the oracles give (the test suite does the same).

Each case's inputs are floats with exact binary values (dyadic rationals), so the
float game is the exact game. Its answers come from
:func:`~nashalign.solvers.equilibria.all_equilibria` (the whole equilibrium set,
each one certified in rational arithmetic; continua with their exact directions),
re-checked with :func:`~nashalign.solvers.equilibria.certify_profile`, and from
:func:`~nashalign.exact.evaluate.exact_symmetric_ne` (Theorem 1's point).

Examples
--------
>>> rec = build_record(INPUTS[:1])
>>> rec["format"], rec["cases"][0]["name"], rec["cases"][0]["equilibria"][0]["profile"]
('nashalign.solver-cases', 'interior-k2', [['2/3', '1/3'], ['2/3', '1/3']])
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from nashalign.errors import DegenerateError
from nashalign.jsonformat import envelope
from nashalign.model import Incentives, Population

__all__ = ["INPUTS", "build_record", "main", "render"]

_I2 = [[1.0, 0.0], [0.0, 1.0]]
_I3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]

#: The frozen games: name, description, tags, n_agents, a, C, (beta_a, beta_i, beta_d).
INPUTS: tuple[dict[str, Any], ...] = (
    dict(
        name="interior-k2",
        description="two subpopulations, a unique interior NE",
        tags=["interior"],
        n_agents=2,
        a=[1.0, 0.0],
        C=_I2,
        betas=[1.0, 1.0, 1.0],
    ),
    dict(
        name="interior-k3-n3",
        description="three agents, an interior NE that the diversity term moves",
        tags=["interior"],
        n_agents=3,
        a=[0.5, 0.25, 0.125],
        C=[[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]],
        betas=[1.0, 1.0, 2.0],
    ),
    dict(
        name="boundary-large-s",
        description="attractiveness dominates: every agent plays one subpopulation",
        tags=["boundary"],
        n_agents=2,
        a=[0.5, 0.25],
        C=_I2,
        betas=[20.0, 1.0, 1.0],
    ),
    dict(
        name="no-diversity-n3",
        description="beta_D = 0: the agents ignore each other",
        tags=["interior", "no-diversity"],
        n_agents=3,
        a=[0.75, 0.5, 0.0],
        C=_I3,
        betas=[1.0, 2.0, 0.0],
    ),
    dict(
        name="single-agent-k3",
        description="one agent: no diversity term whatever beta_D",
        tags=["single-agent", "boundary"],
        n_agents=1,
        a=[1.0, 0.5, -0.5],
        C=_I3,
        betas=[2.0, 1.0, 5.0],
    ),
    dict(
        name="tied-k3-large-r",
        description="exchangeable subpopulations and a strong diversity incentive: asymmetric NE",
        tags=["tied", "asymmetric"],
        n_agents=2,
        a=[1.0, 1.0, 1.0],
        C=_I3,
        betas=[1.0, 1.0, 8.0],
    ),
    dict(
        name="zero-c-k2",
        description="C = 0 and a diversity incentive: two specialised NE and a symmetric one",
        tags=["tied", "singular", "asymmetric"],
        n_agents=2,
        a=[1.0, 1.0],
        C=[[0.0, 0.0], [0.0, 0.0]],
        betas=[0.0, 1.0, 1.0],
    ),
    dict(
        name="continuum-k2",
        description="a rank-one C with beta_D = 0: a continuum of NE",
        tags=["continuum", "singular"],
        n_agents=2,
        a=[1.0, 1.0],
        C=[[1.0, 1.0], [1.0, 1.0]],
        betas=[1.0, 1.0, 0.0],
    ),
    dict(
        name="singular-c-k3",
        description="a rank-one C over three subpopulations",
        tags=["singular"],
        n_agents=2,
        a=[0.5, 0.0, 0.25],
        C=[[0.25, 0.5, 0.0], [0.5, 1.0, 0.0], [0.0, 0.0, 0.0]],
        betas=[1.0, 1.0, 0.5],
    ),
    dict(
        name="near-singular-k3",
        description="C nearly singular along 1-perp: an interior NE with a condition number about 3e7",
        tags=["near-singular", "interior", "asymmetric"],
        n_agents=2,
        a=[0.25, 0.75, 0.5],
        C=[[4.0 + 2.0**-26, 0.0, 2.0], [0.0, 4.0, 2.0], [2.0, 2.0, 2.0]],
        betas=[1.0, 1.0, 2.0**-20],
    ),
    dict(
        name="wide-betas",
        description="betas ten orders of magnitude apart",
        tags=["wide-betas"],
        n_agents=2,
        a=[1.0, 0.5, 0.0],
        C=_I3,
        betas=[2.0**-20, 2.0**-12, 2.0**-10],
    ),
    dict(
        name="conformity-k3",
        description="a negative beta_D (agents like to overlap)",
        tags=["negative-r"],
        n_agents=2,
        a=[1.0, 0.5, 0.0],
        C=_I3,
        betas=[1.0, 1.0, -0.5],
    ),
    dict(
        name="heterogeneous-k2",
        description="two agents with their own (a, C): they specialise",
        tags=["heterogeneous", "asymmetric"],
        n_agents=2,
        a=[[1.0, 0.0], [0.0, 1.0]],
        C=[_I2, [[2.0, 0.0], [0.0, 2.0]]],
        betas=[1.0, 1.0, 1.0],
    ),
    dict(
        name="heterogeneous-k3",
        description="two base models over three subpopulations",
        tags=["heterogeneous"],
        n_agents=2,
        a=[[0.5, 0.25, 0.0], [0.0, 0.25, 0.5]],
        C=[_I3, [[1.0, 0.5, 0.0], [0.5, 1.0, 0.0], [0.0, 0.0, 0.5]]],
        betas=[2.0, 1.0, 0.5],
    ),
)


def _population(item: dict[str, Any]) -> Population:
    a = item["a"]
    if isinstance(a[0], list):
        import numpy as np

        return Population(np.array(a), np.array(item["C"]))
    return Population(a, item["C"], n_agents=item["n_agents"])


def _case(item: dict[str, Any]) -> dict[str, Any]:
    from nashalign.solvers.equilibria import all_equilibria, certify_profile
    from nashalign.testing.oracles import exact_closed_form

    pop = _population(item)
    inc = Incentives.from_betas(*item["betas"])
    es = all_equilibria(pop, inc)
    if not (es.complete and es.exact):
        raise RuntimeError(f"{item['name']}: the exact set is not available: {es.notes}")
    eqs = []
    for e in es.equilibria:
        if not certify_profile(e.exact_profile, pop, inc):
            raise RuntimeError(f"{item['name']}: an equilibrium failed the exact re-check")
        eqs.append(
            {
                "profile": [[str(x) for x in row] for row in e.exact_profile],
                "supports": [list(S) for S in e.supports],
                "symmetric": e.symmetric,
                "interior": e.interior,
                "continuum": e.continuum,
                "dimension": e.dimension,
                "directions": [[str(x) for x in u] for u in (e.exact_directions or ())],
                "stability": e.stability,
            }
        )
    closed = None
    if pop.homogeneous:
        try:
            w = exact_closed_form(pop, inc)
            closed = {"weights": [str(x) for x in w], "interior": all(x > 0 for x in w)}
        except DegenerateError:
            closed = None
    s, r = inc.exact_ratios()
    return {
        "name": item["name"],
        "description": item["description"],
        "tags": list(item["tags"]),
        "n_agents": pop.N,
        "K": pop.K,
        "names": list(pop.names),
        "a": item["a"],
        "C": item["C"],
        "beta_a": item["betas"][0],
        "beta_i": item["betas"][1],
        "beta_d": item["betas"][2],
        "s": str(s),
        "r": str(r if pop.N >= 2 else 0),
        "closed_form": closed,
        "equilibria": eqs,
    }


def build_record(inputs: Sequence[dict[str, Any]] = INPUTS) -> dict[str, Any]:
    """The ``nashalign.solver-cases`` record of ``inputs``, answers from the exact oracles."""
    return envelope(
        "solver-cases",
        {
            "generator": "python -m nashalign.testing.generate",
            "description": (
                "Frozen games with their exact Nash equilibrium sets (exact rationals as "
                "strings; inputs are floats with exact binary values)."
            ),
            "cases": [_case(item) for item in inputs],
        },
    )


def render(record: dict[str, Any]) -> str:
    """The file's text: one key per line, each case's values on one line each.

    Examples
    --------
    >>> json.loads(render({"format": "x", "cases": [{"a": [1.0, 2.0]}]}))
    {'format': 'x', 'cases': [{'a': [1.0, 2.0]}]}
    """
    head = [f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in record.items() if k != "cases"]
    cases = []
    for case in record.get("cases", []):
        body = ",\n".join(f"      {json.dumps(k)}: {json.dumps(v)}" for k, v in case.items())
        cases.append("    {\n" + body + "\n    }")
    tail = '  "cases": [\n' + ",\n".join(cases) + "\n  ]"
    return "{\n" + ",\n".join([*head, tail]) + "\n}\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or ``--check``) the shipped frozen cases; returns the exit code."""
    from nashalign.io import atomic_write_text
    from nashalign.testing.cases import frozen_cases_path

    p = argparse.ArgumentParser(prog="python -m nashalign.testing.generate", description=__doc__)
    p.add_argument("--check", action="store_true", help="report drift instead of writing")
    args = p.parse_args(argv)
    text = render(build_record())
    path = frozen_cases_path()
    if args.check:
        same = path.is_file() and path.read_text(encoding="utf-8") == text
        print(f"{path}: {'up to date' if same else 'differs from the oracles: regenerate'}")
        return 0 if same else 1
    atomic_write_text(path, text)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
