"""The float tolerances of the equilibrium set, named in one place.

Floats only prune and classify: every tolerance here decides what a float
computation *suggests* (a candidate support system, a float certificate, a
classification); the exact path (rational arithmetic) uses none of them. Every
public function of :mod:`nashalign.solvers.equilibria` that uses one takes
``tol: Tolerances = DEFAULT_TOL``.

Examples
--------
>>> DEFAULT_TOL.kkt, DEFAULT_TOL.kappa_flag
(1e-09, 100000000.0)
>>> looser = DEFAULT_TOL.replace(kkt=1e-6)
>>> looser.kkt, looser.kappa_flag
(1e-06, 100000000.0)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from nashalign.errors import InputError
from nashalign.solvers.linalg import RTOL_DEGENERATE

__all__ = ["DEFAULT_TOL", "EPS", "Tolerances", "check_tolerances"]

#: Machine epsilon of float64.
EPS = float(np.finfo(float).eps)


@dataclass(frozen=True)
class Tolerances:
    """Named float tolerances of the equilibrium set (relative ones are relative to the
    data scale ``max |s a| + max row 1-norm of Q`` unless said otherwise).

    Attributes
    ----------
    kkt : float
        Absolute part of the KKT slack of a float-solved support system (pre-filter of
        :func:`all_equilibria`, verdict of :func:`grid_counts`), relative to the data
        scale: ``1e-9`` is far above the rounding of a well-conditioned solve and far
        below any margin that decides an equilibrium.
    kappa_eps : float
        The slack grows by ``kappa_eps * eps * kappa`` (``kappa`` the system's
        condition number): forward-error bound of a float solve with a safety
        factor of ``1e3``.
    kappa_flag : float
        Condition number above which :func:`grid_counts` reports a system as
        ill-conditioned (``1e8``: half of float64's digits lost).
    float_verdict_max : float
        Pre-filter margin above which a system is passed on to the exact path
        undecided (``1e-2``: a float verdict that loose says nothing).
    rank : float
        Relative singular value (times the system size) below which a support system
        is numerically singular (a continuum candidate); the solvers' shared
        :data:`~nashalign.solvers.linalg.RTOL_DEGENERATE`.
    consistency : float
        Relative residual below which a singular system is consistent (``1e-9``, as
        ``kkt``).
    lp_margin : float
        Margin (relative to the data scale) asked first of the off-support inequalities
        in a continuum's linear program: HiGHS is feasible to about ``1e-7`` only, so
        ``1e-6`` keeps its point strictly feasible; the LP is retried without it.
    lp_min_weight : float
        Smallest support weight a continuum's representative must reach (``1e-9``):
        every support weight positive.
    nashconv_floor : float
        Floor of a float certificate's NashConv tolerance (relative, times ``N``):
        ``1e-12`` keeps perfectly conditioned systems above rounding.
    eig : float
        Relative eigenvalue tolerance of a float definiteness test (``1e-9``).
    complementarity : float
        Off-support ``lam_m - g_mk`` (relative) at or below which an index counts as
        weakly complementary in a float stability test (``1e-9``).
    symmetric : float
        Largest entrywise difference between agents' float mixtures of a symmetric
        profile (``1e-9``).
    same_point : float
        Largest entrywise distance at which two float profiles are the same
        equilibrium (multi-start duplicates, points inside a continuum): ``1e-7``,
        the iterative solver's accuracy.
    orbit_decimals : int
        Decimals to which profiles are rounded when counting orbits (``9``, as
        ``symmetric``).
    exact_all_systems : int
        Enumerations of at most this many support systems skip the float pre-filter:
        every system is decided exactly (``64``: a few milliseconds).
    """

    kkt: float = 1e-9
    kappa_eps: float = 1e3
    kappa_flag: float = 1e8
    float_verdict_max: float = 1e-2
    rank: float = RTOL_DEGENERATE
    consistency: float = 1e-9
    lp_margin: float = 1e-6
    lp_min_weight: float = 1e-9
    nashconv_floor: float = 1e-12
    eig: float = 1e-9
    complementarity: float = 1e-9
    symmetric: float = 1e-9
    same_point: float = 1e-7
    orbit_decimals: int = 9
    exact_all_systems: int = 64

    def replace(self, **changes: Any) -> Tolerances:
        """A copy with some fields changed.

        Examples
        --------
        >>> Tolerances().replace(same_point=1e-6).same_point
        1e-06
        """
        return dataclasses.replace(self, **changes)

    def slack(self, kappa: Any) -> Any:
        """KKT slack of a float solve with condition number ``kappa``:
        ``kkt + kappa_eps * eps * kappa``.

        Examples
        --------
        >>> Tolerances().slack(1.0) == 1e-9 + 1e3 * EPS
        True
        """
        return self.kkt + self.kappa_eps * EPS * kappa


#: The defaults every public function uses.
DEFAULT_TOL = Tolerances()


def check_tolerances(tol: Any) -> Tolerances:
    """``tol`` if it is a :class:`Tolerances`, else :class:`~nashalign.errors.InputError`.

    Examples
    --------
    >>> check_tolerances(DEFAULT_TOL) is DEFAULT_TOL
    True
    """
    if not isinstance(tol, Tolerances):
        raise InputError(f"tol must be a Tolerances, got {tol!r}")
    return tol
