"""Worked examples of solvers for ``nashalign check-solver``: one right, two wrong.

* :func:`reference_solver` is right: Theorem 1's closed form where it gives an
  interior point, else symmetric support enumeration, and best-response dynamics
  for a heterogeneous population;
* :func:`no_diversity_solver` is wrong: it drops the diversity term (solves as if
  ``beta_D = 0``);
* :func:`uniform_solver` is wrong: every agent spreads evenly.

Each takes one ``nashalign.solve-request`` (a dict) and returns one answer; run as a
program, ``python -m nashalign.testing.examples reference|no-diversity|uniform``
speaks the JSON Lines protocol (one request per line on stdin, one answer per line on
stdout), so both forms of the command can be tried::

    nashalign check-solver --python nashalign.testing.examples:reference_solver
    nashalign check-solver --cmd "python -m nashalign.testing.examples no-diversity"

Examples
--------
>>> from nashalign.testing.cases import load_cases
>>> req = load_cases()[0].request()
>>> [round(w, 12) for w in reference_solver(req)["weights"]]
[0.666666666667, 0.333333333333]
>>> [round(w, 12) for w in no_diversity_solver(req)["weights"]]
[0.75, 0.25]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from nashalign.errors import DegenerateError, InputError
from nashalign.model import Incentives, Population
from nashalign.testing.cases import request_model

__all__ = ["SOLVERS", "main", "no_diversity_solver", "reference_solver", "uniform_solver"]


def _solve(pop: Population, inc: Incentives) -> list[Any]:
    from nashalign.solvers.closed_form import symmetric_ne
    from nashalign.solvers.iterative import solve_arrays
    from nashalign.solvers.support import symmetric_equilibria

    if not pop.homogeneous:
        return solve_arrays(pop, inc).profile.tolist()
    try:
        res = symmetric_ne(pop, inc)
        if bool(res.interior):
            return res.weights.tolist()
    except DegenerateError:
        pass
    return symmetric_equilibria(pop, inc)[0].weights.tolist()


def reference_solver(request: dict[str, Any]) -> dict[str, Any]:
    """A right solver: one Nash equilibrium, from nashalign's float solvers.

    Examples
    --------
    >>> from nashalign.testing.cases import load_cases
    >>> reference_solver(load_cases()[2].request())["weights"]
    [1.0, 0.0]
    """
    pop, inc = request_model(request)
    return {"id": request["id"], "weights": _solve(pop, inc)}


def no_diversity_solver(request: dict[str, Any]) -> dict[str, Any]:
    """A wrong solver: it drops the diversity term (solves with ``beta_D = 0``).

    Examples
    --------
    >>> from nashalign.testing.cases import load_cases
    >>> [round(w, 12) for w in no_diversity_solver(load_cases()[0].request())["weights"]]
    [0.75, 0.25]
    """
    pop, inc = request_model(request)
    return {"id": request["id"], "weights": _solve(pop, Incentives(inc.s, 0.0))}


def uniform_solver(request: dict[str, Any]) -> dict[str, Any]:
    """A wrong solver: every agent plays the uniform mixture.

    Examples
    --------
    >>> uniform_solver({"id": "x", "K": 4})["weights"]
    [0.25, 0.25, 0.25, 0.25]
    """
    K = int(request["K"])
    return {"id": request["id"], "weights": [1.0 / K] * K}


#: The example solvers by their command-line name.
SOLVERS = {
    "reference": reference_solver,
    "no-diversity": no_diversity_solver,
    "uniform": uniform_solver,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Serve one example solver over JSON Lines on stdin/stdout until stdin closes.

    Examples
    --------
    >>> main(["nope"])
    usage: python -m nashalign.testing.examples reference|no-diversity|uniform
    2
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or args[0] not in SOLVERS:
        print("usage: python -m nashalign.testing.examples " + "|".join(SOLVERS))
        return 2
    solver = SOLVERS[args[0]]
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            answer = solver(request)
        except InputError as exc:
            answer = {"id": request.get("id"), "error": str(exc)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
