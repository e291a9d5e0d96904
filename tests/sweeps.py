"""Shared by the tests of the Gauss-Seidel sweeps (linkage.core.krylov_gs and
krylov_anderson): the sweeps switched on at any size, and random nonnegative A."""

import numpy as np
import pytest
import scipy.sparse as sp

from linkage.core import krylov_gs

needs_numba = pytest.mark.skipif(krylov_gs.numba is None, reason="numba does not import here")


@pytest.fixture(autouse=True)
def sweeps_on(monkeypatch):
    """At any size (the default is from MIN_NNZ nonzeros: test_the_default_by_size)."""
    monkeypatch.delenv("LINKAGE_NO_NUMBA", raising=False)
    monkeypatch.setenv("LINKAGE_GAUSS_SEIDEL", "1")


def random_A(n, density, rho, seed, diagonal=True):
    """Nonnegative sparse A (CSC) with spectral radius ``rho``, diagonal entries kept
    unless ``diagonal`` is False."""
    rng = np.random.default_rng(seed)
    M = rng.random((n, n)) * (rng.random((n, n)) < density)
    M[np.arange(n), (np.arange(n) + 1) % n] += 0.5  # a cycle: the spectral radius is > 0
    if not diagonal:
        np.fill_diagonal(M, 0.0)
    return sp.csc_array(M * (rho / np.abs(np.linalg.eigvals(M)).max()))
