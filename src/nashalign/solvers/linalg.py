"""Small linear-algebra pieces shared by the float solvers.

Examples
--------
>>> Z = perp_basis(3)
>>> bool(np.allclose(Z.T @ Z, np.eye(2))), bool(np.allclose(Z.sum(axis=0), 0))
(True, True)
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

__all__ = ["RTOL_DEGENERATE", "perp_basis"]

#: Default relative tolerance for a degenerate ratio (see the module docstring).
RTOL_DEGENERATE = 1e-12


@lru_cache(maxsize=64)
def perp_basis(K: int) -> NDArray[np.float64]:
    """Orthonormal basis (K x K-1) of the complement of 1 (a Householder reflector), read-only."""
    u = np.full(K, 1.0 / np.sqrt(K))
    u[0] -= 1.0
    u /= np.linalg.norm(u)
    Z = (np.eye(K) - 2.0 * np.outer(u, u))[:, 1:]
    Z.flags.writeable = False
    return Z


def single_blas_thread() -> AbstractContextManager[object]:
    """A context that limits BLAS to one thread (threadpoolctl, a dependency).

    The solvers' matrix products are small (K x K, K x 8192): threads only add
    synchronisation, and under load OpenBLAS's spinning threads slow the sweep
    several-fold. Entering costs about a millisecond, so use it around whole
    sweeps, not single products.

    Examples
    --------
    >>> with single_blas_thread():
    ...     float(np.ones((2, 2)) @ np.ones(2) @ np.ones(2))
    4.0
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)
