"""Exact arithmetic at concrete instances: the derived closed form and steering.

- :mod:`~nashalign.exact.evaluate`: Theorem 1's derived polynomials at a rational
  instance, the exact symmetric interior solution.
- :mod:`~nashalign.exact.steering`: both branches of the exclusion thresholds
  (SPEC 2.7): the threshold in ``s`` at fixed ``r`` and the exact exclusion-free
  intervals of ``r`` at fixed ``s`` with the minimal diversity incentive ``r*``.

Examples
--------
>>> from nashalign.exact import exact_symmetric_ne
>>> exact_symmetric_ne([1, 0], [[1, 0], [0, 1]], s=2, r=1).weights
[5/6, 1/6]
"""

from nashalign.exact.evaluate import ExactNE, exact_symmetric_ne, instance_polynomials, to_rational
from nashalign.exact.steering import SteeringResult, exclusion_threshold, steer, threshold_crossings

__all__ = [
    "ExactNE",
    "SteeringResult",
    "exact_symmetric_ne",
    "exclusion_threshold",
    "instance_polynomials",
    "steer",
    "threshold_crossings",
    "to_rational",
]
