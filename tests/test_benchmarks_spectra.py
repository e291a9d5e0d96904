"""benchmarks.spectra: the eigenvalues it reports are the dense ones, ``M``'s radius is at
most ``A``'s (Stein-Rosenberg), and the command prints them for a generated network."""

import doctest

import numpy as np
from sweeps import dense_gs

from benchmarks import spectra
from benchmarks.generators import firm_network
from linkage.core.table import input_coefficients


def _small_network(n=400, rho=0.6, seed=3):
    net = firm_network(n, spectral_radius=rho, seed=seed)
    return input_coefficients(net.Z, net.x), net


def _dense_moduli(M, k):
    return np.sort(np.abs(np.linalg.eigvals(M)))[::-1][:k]


def test_the_spectra_are_the_dense_ones():
    A, net = _small_network()
    k = 6
    got = spectra.spectra(A, k=k)
    D = A.toarray()
    M_rows, M_cols = dense_gs(D)[0], dense_gs(D.T)[0]
    np.testing.assert_allclose(got["A"], _dense_moduli(D, k), atol=1e-4)
    np.testing.assert_allclose(got["M_rows"], _dense_moduli(M_rows, k), atol=1e-4)
    np.testing.assert_allclose(got["M_columns"], _dense_moduli(M_cols, k), atol=1e-4)
    assert abs(got["A"][0] - net.meta["spectral_radius"]) < 1e-4
    # Stein-Rosenberg: for a nonnegative A with radius below 1, rho(M) <= rho(A)
    assert got["M_rows"][0] <= got["A"][0] and got["M_columns"][0] <= got["A"][0]
    for loc in got["M_rows_localization"]:
        assert 1.0 <= loc["participation"] <= A.shape[0] and 0 < loc["top2"] <= loc["top10"] <= 1


def test_the_command_prints_the_three_spectra(capsys):
    assert spectra.main(["--firms", "600", "--rho", "0.5", "-k", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "600 firms, spectral radius 0.5"
    assert out[1].startswith("A:") and float(out[1].split()[1].rstrip(",")) == 0.5
    assert out[2].startswith("M, rows of A:") and out[3].startswith("M, rows of Aᵀ:")
    assert len(out) == 5 + 3  # the input, three spectra, the header, one line a vector


def test_the_examples_run():
    failed, tried = doctest.testmod(spectra, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried >= 4 and failed == 0
