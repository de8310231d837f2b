"""Float equilibrium solvers, independent of the symbolic side.

- :mod:`nashalign.solvers.support`: every symmetric NE of a homogeneous population
  by support enumeration (:func:`symmetric_equilibria`).
- :mod:`nashalign.solvers.iterative`: a general N-agent solver for heterogeneous
  populations and asymmetric NE (:func:`solve`), certified by NashConv.

Examples
--------
>>> import numpy as np
>>> from nashalign.solvers import symmetric_equilibria
>>> symmetric_equilibria([0.5, 0.2], np.eye(2), 1.0, 1.0, 1.0)[0].support
(0, 1)
"""

from nashalign.solvers.iterative import NResult, solve, solve_arrays
from nashalign.solvers.support import SymmetricNE, symmetric_equilibria

__all__ = ["NResult", "SymmetricNE", "solve", "solve_arrays", "symmetric_equilibria"]
