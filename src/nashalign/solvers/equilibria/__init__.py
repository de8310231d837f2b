r"""The whole equilibrium set of a small population, certified exactly.

Agent ``m`` plays :math:`w_m \in \Delta_K`; in units of :math:`\beta_I`, with
:math:`s = \beta_A/\beta_I`, :math:`r = \beta_D/\beta_I` and :math:`\rho = r/(N-1)`,

.. math::

    g_m = s a_m - 2 C_m w_m - \rho \sum_{j\ne m} w_j ,

and (each agent's problem being concave) ``W`` is a Nash equilibrium iff for every
``m`` there is :math:`\lambda_m` with :math:`g_{mk} = \lambda_m` on the support
:math:`S_m` and :math:`g_{mk} \le \lambda_m` off it. With ``Q`` the matrix of the
linear map :math:`W \mapsto 2 C_m w_m + \rho\sum_{j\ne m} w_j` (``Q = -\nabla^2\Phi``,
the negated Hessian of the potential of Theorem 3), the equalities on a support tuple
:math:`(S_1, \dots, S_N)` are the square linear system

.. math::

    Q_{SS} w_S + E \lambda = s a_S, \qquad E^\top w_S = 1 .

The package holds one concept per module:

* :mod:`~nashalign.solvers.equilibria.results`: the result types
  (:class:`Equilibrium`, :class:`EquilibriumSet`, :class:`Concavity`) and the
  symmetries between equilibria;
* :mod:`~nashalign.solvers.equilibria.game`: the game (``Q``, ``s a``), exactly and
  in float, and the bordered support systems, assembled once;
* :mod:`~nashalign.solvers.equilibria.support_systems`: how many support systems
  there are (:func:`enumeration_size`, :func:`in_reach`) and their batched float
  pre-filter;
* :mod:`~nashalign.solvers.equilibria.enumeration`: :func:`all_equilibria`;
* :mod:`~nashalign.solvers.equilibria.certificates`: exact and float certificates,
  :func:`certify_profile`;
* :mod:`~nashalign.solvers.equilibria.continua`: singular support systems;
* :mod:`~nashalign.solvers.equilibria.stability`: local maxima of the potential;
* :mod:`~nashalign.solvers.equilibria.concave`: Theorem 3's concavity test,
  :func:`concavity` and :func:`mu_min_exact`;
* :mod:`~nashalign.solvers.equilibria.grid`: :func:`grid_counts`;
* :mod:`~nashalign.solvers.equilibria.tolerances`: the named float tolerances
  (:class:`Tolerances`, :data:`DEFAULT_TOL`), passed to every public function
  that uses one as ``tol``;
* :mod:`~nashalign.solvers.equilibria.multistart`: :func:`multi_start` (not
  exhaustive).

Examples
--------
>>> import numpy as np
>>> es = all_equilibria([1.0, 1.0], np.zeros((2, 2)), 0.0, 1.0, 1.0)
>>> es.counts["total"], es.unique, es.exact
(3, False, True)
>>> sorted(e.profile.tolist() for e in es.equilibria)
[[[0.0, 1.0], [1.0, 0.0]], [[0.5, 0.5], [0.5, 0.5]], [[1.0, 0.0], [0.0, 1.0]]]
>>> [e.stability for e in es.equilibria if e.symmetric]
['saddle']
"""

from nashalign.solvers.equilibria.certificates import certify_profile
from nashalign.solvers.equilibria.concave import concavity, mu_min_exact
from nashalign.solvers.equilibria.enumeration import all_equilibria
from nashalign.solvers.equilibria.grid import grid_counts
from nashalign.solvers.equilibria.multistart import multi_start
from nashalign.solvers.equilibria.results import Concavity, Equilibrium, EquilibriumSet
from nashalign.solvers.equilibria.support_systems import MAX_SYSTEMS as _MAX_SYSTEMS
from nashalign.solvers.equilibria.support_systems import enumeration_size, in_reach
from nashalign.solvers.equilibria.tolerances import DEFAULT_TOL as _DEFAULT_TOL
from nashalign.solvers.equilibria.tolerances import Tolerances

__all__ = [
    "DEFAULT_TOL",
    "MAX_SYSTEMS",
    "Concavity",
    "Equilibrium",
    "EquilibriumSet",
    "Tolerances",
    "all_equilibria",
    "certify_profile",
    "concavity",
    "enumeration_size",
    "grid_counts",
    "in_reach",
    "mu_min_exact",
    "multi_start",
]

# Re-bound here so that the API page documents them with their doc comments.
#: Largest number of support systems :func:`all_equilibria` solves (N = 4, K = 6
#: homogeneous is 720,720; about 30 s on 2 cores).
MAX_SYSTEMS = _MAX_SYSTEMS
#: The default float tolerances (:class:`Tolerances`) of every public function.
DEFAULT_TOL = _DEFAULT_TOL
