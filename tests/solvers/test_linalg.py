"""The orthonormal basis of the complement of 1 shared by the float solvers."""

from __future__ import annotations

import numpy as np
import pytest

from nashalign.solvers.linalg import perp_basis


@pytest.mark.parametrize("K", [2, 3, 5, 10, 40])
def test_perp_basis_is_an_orthonormal_basis_of_the_complement_of_ones(K):
    Z = perp_basis(K)
    assert Z.shape == (K, K - 1)
    np.testing.assert_allclose(Z.T @ Z, np.eye(K - 1), atol=1e-13)
    np.testing.assert_allclose(Z.sum(axis=0), 0.0, atol=1e-13)
    # With 1/sqrt(K) it completes an orthonormal basis of R^K.
    Q = np.column_stack([np.full(K, 1 / np.sqrt(K)), Z])
    np.testing.assert_allclose(Q @ Q.T, np.eye(K), atol=1e-13)


def test_perp_basis_is_cached_and_read_only():
    Z = perp_basis(4)
    assert perp_basis(4) is Z
    with pytest.raises(ValueError):
        Z[0, 0] = 1.0
