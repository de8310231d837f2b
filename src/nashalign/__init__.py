"""nashalign: a symbolic-mathematics companion to the game of LLM active alignment.

Populations of LLM agents each choose a mixture ``w_m`` over ``K`` human
subpopulations, trading attractiveness ``a``, inconsistency ``C`` and a
diversity incentive. nashalign derives the model's theorems with SymPy
(:mod:`nashalign.derivations`), verifies them as exact identities, cross-checks
them against float solvers, estimates real instances with a transformer scorer
(:mod:`nashalign.scoring`) and publishes everything as a Jupyter Book.

Examples
--------
>>> import nashalign
>>> nashalign.__version__
'0.1.0'
"""

from nashalign.errors import DegenerateError, InputError, NashalignError
from nashalign.instance import Instance

__version__ = "0.1.0"

__all__ = [
    "DegenerateError",
    "InputError",
    "Instance",
    "NashalignError",
    "__version__",
]
