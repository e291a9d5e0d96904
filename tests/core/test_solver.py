"""Tests of linkage.core.solver: every backend against a dense ``np.linalg.inv`` reference."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.core.solver import LeontiefSolver, SolveInfo, choose_method, explain_method
from linkage.errors import (
    ConvergenceWarning,
    InvalidTableError,
    MemoryLimitError,
    SingularSystemError,
)

METHODS = ["dense", "splu", "iterative"]


def random_A(n, density, rho, seed, zero_output=0):
    """Nonnegative A scaled to spectral radius ``rho``, with ``zero_output`` zero columns.

    Spectral radius is computed exactly (eigvals) for n <= 400, else bounded by the max
    column sum (then rho is the max column sum).
    """
    rng = np.random.default_rng(seed)
    A = rng.random((n, n)) * (rng.random((n, n)) < density)
    if zero_output:
        A[:, rng.choice(n, zero_output, replace=False)] = 0.0
    if n <= 400:
        r = np.abs(np.linalg.eigvals(A)).max()
    else:
        r = A.sum(axis=0).max()
    return A * (rho / r) if r > 0 else A


def rel_err(got, want):
    return np.abs(got - want).max() / np.abs(want).max()


# ----------------------------------------------------------------------- textbook
def test_miller_blair_table_2_3(mb_table):
    # Miller & Blair (2009) eq. 2.16: L = [[1.2541, 0.3300], [0.2640, 1.1221]]
    for method in METHODS:
        s = LeontiefSolver(mb_table.A, method=method, labels=mb_table.sectors)
        assert s.method == method
        np.testing.assert_allclose(s.to_dense(), [[1.2541, 0.3300], [0.2640, 1.1221]], atol=5e-5)
        np.testing.assert_allclose(s.solve(mb_table.f), mb_table.x, rtol=1e-10)
        # output multipliers, M&B section 6.2.1: 1.5182 and 1.4521
        np.testing.assert_allclose(s.solve(np.ones(2), transpose=True), [1.5182, 1.4521], atol=5e-5)
        assert isinstance(s.last_info, SolveInfo)
        assert s.last_info.method == method
        assert s.last_info.residual < 1e-12


# ----------------------------------------------------------------------- references
CASES = [
    # n, density, spectral radius, zero-output sectors
    (30, 1.0, 0.6, 2),
    (200, 0.05, 0.8, 5),
    (400, 0.3, 0.9, 0),
    (1000, 0.01, 0.8, 10),
    (1000, 0.6, 0.7, 3),
]


@pytest.mark.parametrize("n, density, rho, zero", CASES)
@pytest.mark.parametrize("sparse_input", [False, True])
def test_every_method_matches_dense_inverse(n, density, rho, zero, sparse_input):
    A = random_A(n, density, rho, seed=n + zero, zero_output=zero)
    L = np.linalg.inv(np.eye(n) - A)
    rng = np.random.default_rng(1)
    b = rng.random((n, 2))
    inp = sp.csc_array(A) if sparse_input else A
    for method in METHODS:
        s = LeontiefSolver(inp, method=method)
        assert rel_err(s.solve(b), L @ b) < 1e-9, method
        assert s.last_info.residual < 1e-10
        assert rel_err(s.solve(b[:, 0], transpose=True), L.T @ b[:, 0]) < 1e-9, method
        idx = [0, n // 2, n - 1]
        assert rel_err(s.columns(idx), L[:, idx]) < 1e-9
        assert rel_err(s.rows(idx), L[idx, :]) < 1e-9
        # all of L: n right-hand sides (the iterative method is meant for few of them)
        if n <= (400 if method != "iterative" else 30):
            assert rel_err(s.diagonal(), np.diag(L)) < 1e-9
            assert rel_err(s.to_dense(), L) < 1e-9


def test_not_certified_but_productive():
    # a column summing to more than 1 (negative value added) in a productive economy:
    # L exists and is nonnegative, so nothing is raised
    A = np.array([[0.9, 0.1], [0.2, 0.1]])  # spectral radius 0.924, column 1 sums to 1.1
    L = np.linalg.inv(np.eye(2) - A)
    assert (L >= 0).all()
    for method in METHODS:
        s = LeontiefSolver(A, method=method)
        np.testing.assert_allclose(s.to_dense(), L, rtol=1e-9)


def test_column_blocks_stream_all_of_L():
    A = random_A(120, 0.2, 0.8, seed=3)
    L = np.linalg.inv(np.eye(120) - A)
    for method in METHODS:
        s = LeontiefSolver(sp.csr_array(A), method=method)
        seen = []
        for start, stop, block in s.column_blocks(block_size=50):
            assert block.shape == (120, stop - start)
            np.testing.assert_allclose(block, L[:, start:stop], rtol=1e-9, atol=1e-12)
            seen.append((start, stop))
        assert seen == [(0, 50), (50, 100), (100, 120)]
        assert 1 <= s.default_block_size(max_bytes=8 * 120 * 7) <= 120


def test_to_dense_refuses_when_too_big():
    s = LeontiefSolver(np.eye(100) * 0.1)
    with pytest.raises(MemoryLimitError, match="needs"):
        s.to_dense(max_bytes=1000)


def test_auto_choice():
    # small tables: one dense LU (milliseconds, exact), whatever the norms
    assert choose_method(np.zeros((10, 10))) == "dense"
    assert choose_method(sp.eye_array(100, format="csc") * 0.1) == "dense"
    c = explain_method(random_A(1000, 0.5, 0.5, seed=1))
    assert (c.method, c.block_method) == ("dense", "dense")
    assert c.reason.startswith("small, n = 1000 <= 1000")
    # large and certified (every column of |A| sums to < 1): GMRES for few right-hand
    # sides; a dense table keeps a dense LU in reserve for blocks of L
    c = explain_method(random_A(1200, 0.5, 0.9, seed=1))
    assert (c.method, c.block_method) == ("iterative", "dense")
    assert c.reason.startswith("certified ‖A‖") and "< 1 bounds the convergence" in c.reason
    # certified through the row sums only
    A = random_A(1200, 0.5, 0.5, seed=2).T.copy()  # every row sums to <= 0.5
    A[:, 0] = 0.4  # column 0 sums to 480, every row still to < 1
    assert explain_method(A).method == "iterative"
    assert "‖A‖∞" in explain_method(A).reason
    # sparse: iterative at any size above 1000 when certified, never a sparse LU for blocks
    c = explain_method(sp.eye_array(5000, format="csc") * 0.1)
    assert (c.method, c.block_method) == ("iterative", "iterative")
    assert choose_method(sp.eye_array(30_000, format="csc") * 0.1) == "iterative"
    # not certified: the factorization rule, as before
    c = explain_method(sp.eye_array(5000, format="csc") * 1.5)
    assert (c.method, c.block_method) == ("splu", "splu")
    assert "not certified" in c.reason
    big = np.full((1200, 1200), 1.5 / 1200)  # every column and row sums to 1.5
    assert explain_method(big).method == "dense"
    s = LeontiefSolver(sp.eye_array(5000, format="csc") * 0.5)
    assert s.method == "iterative" and s.method_reason.startswith("certified")
    np.testing.assert_allclose(s.solve(np.ones(5000)), 2.0)
    assert LeontiefSolver(np.eye(3) * 0.5, method="splu").method_reason == "method 'splu' requested"


def test_auto_dense_iterative_hands_blocks_to_the_lu():
    n = 1200
    A = random_A(n, 0.6, 0.7, seed=5)
    L = np.linalg.inv(np.eye(n) - A)
    s = LeontiefSolver(A)
    assert (s.method, s.block_method) == ("iterative", "dense")
    b = np.random.default_rng(2).random((n, 2))
    assert rel_err(s.solve(b), L @ b) < 1e-9
    assert s.last_info.method == "iterative" and s.last_info.residual < 1e-10
    assert rel_err(s.solve(b[:, 0], transpose=True), L.T @ b[:, 0]) < 1e-9
    assert s._block_solver is None  # no factorization for few right-hand sides
    # many right-hand sides at once: the dense LU, built once and kept
    assert s.block_threshold() == 24
    assert rel_err(s.columns(np.arange(30)), L[:, :30]) < 1e-9
    assert s.last_info.method == "dense"
    assert rel_err(s.solve(b[:, 1]), L @ b[:, 1]) < 1e-9
    assert s.last_info.method == "dense"  # from then on
    t = LeontiefSolver(A)
    assert rel_err(t.diagonal(), np.diag(L)) < 1e-9 and t.last_info.method == "dense"
    assert rel_err(LeontiefSolver(A).to_dense(), L) < 1e-9
    # right-hand sides add up: after block_threshold of them the LU takes over
    u = LeontiefSolver(A)
    for _ in range(12):
        u.solve(np.ones((n, 2)))
    assert u.last_info.method == "iterative"
    u.solve(np.ones(n))
    assert u.last_info.method == "dense"


def test_auto_falls_back_to_the_lu_when_gmres_is_slow():
    # certified (‖A‖₁ = 0.99) but every eigenvalue has modulus 0.99: GMRES would need
    # about n products, so auto gives up after AUTO_MAX_PRODUCTS and factorizes
    n = 1100
    A = np.roll(np.eye(n), 1, axis=0) * 0.99
    s = LeontiefSolver(A)
    assert s.method == "iterative"
    b = np.random.default_rng(0).random(n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning: the LU answers
        u = s.solve(b)
    np.testing.assert_allclose(u - A @ u, b, atol=1e-10)
    assert s.last_info.method == "dense"
    assert "so 'dense' solves from then on" in s.method_reason
    assert s.matvecs <= 100


def test_dense_iterative_uses_A_itself():
    # the iterative method multiplies by the ndarray (BLAS gemv/gemm): no CSR copy, no
    # |A| copy for the norm certificate when A >= 0
    import tracemalloc

    n = 1500
    A = random_A(n, 1.0, 0.6, seed=9)
    tracemalloc.start()
    try:
        s = LeontiefSolver(A, method="iterative")
        x = s.solve(np.ones((n, 2)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert s._iteration.op is A and s._iteration.op_T.base is A
    assert peak < 0.05 * 8 * n * n
    L = np.linalg.inv(np.eye(n) - A)
    assert rel_err(x[:, 0], L.sum(axis=1)) < 1e-9
    assert s.last_info.iterations <= 30  # dominant eigenvalue apart from the rest


def test_sparse_input_is_not_copied():
    A = sp.csc_array(random_A(300, 0.05, 0.8, seed=4))
    s = LeontiefSolver(A, method="iterative")
    assert s._iteration.op is s._A and np.shares_memory(s._A.data, A.data)
    assert s._iteration.op_T.format == "csr" and np.shares_memory(s._iteration.op_T.data, A.data)


def test_neumann_iteration_and_convergence_warning():
    A = random_A(200, 0.1, 0.8, seed=7)
    L = np.linalg.inv(np.eye(200) - A)
    s = LeontiefSolver(A, method="iterative", iteration="neumann")
    assert rel_err(s.solve(np.ones(200)), L.sum(axis=1)) < 1e-9
    # plain Neumann needs about log(1e-12)/log(0.8) = 124 products
    assert 100 < s.last_info.iterations < 200
    few = LeontiefSolver(A, method="iterative", max_iter=3)
    with pytest.warns(ConvergenceWarning, match="stopped after"):
        u = few.solve(np.ones(200))
    assert np.all(np.isfinite(u))
    assert few.last_info.residual > 1e-10


def test_gmres_beats_neumann_on_products():
    A = random_A(400, 0.03, 0.8, seed=11)
    s = LeontiefSolver(sp.csr_array(A), method="iterative")
    s.solve(np.ones((400, 2)))
    assert s.last_info.iterations < 60  # a block of two right-hand sides in lock step
    assert s.last_info.residual <= 1e-10


# ----------------------------------------------------------------------- failures
@pytest.mark.parametrize("method", METHODS)
def test_non_productive_names_sectors(method):
    A = np.array([[0.5, 0.6, 0.0], [0.6, 0.5, 0.0], [0.0, 0.1, 0.2]])  # spectral radius 1.1
    with pytest.raises(SingularSystemError, match="not productive") as info:
        LeontiefSolver(A, method=method, labels=["rice", "fish", "batik"])
    assert info.value.sectors == ["fish", "rice"]  # worst column sum (1.2) first
    assert "rice" in str(info.value)


@pytest.mark.parametrize("method", METHODS)
def test_singular_names_sectors(method):
    A = np.array([[1.0, 0.0], [0.3, 0.2]])  # sector "kiln" uses all of its own output
    with pytest.raises(SingularSystemError, match="singular") as info:
        LeontiefSolver(A, method=method, labels=["kiln", "pottery"])
    assert info.value.sectors == ["kiln"]


@pytest.mark.parametrize("method", METHODS)
def test_spectral_radius_one_without_column_over_one(method):
    # column sums exactly 1 (a closed economy) -> singular, named
    A = np.array([[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(SingularSystemError) as info:
        LeontiefSolver(sp.csc_array(A), method=method, labels=["a", "b"])
    assert set(info.value.sectors) == {"a", "b"}


def test_bad_arguments():
    with pytest.raises(ValueError, match="must be one of"):
        LeontiefSolver(np.eye(2) * 0.1, method="lu2")
    with pytest.raises(InvalidTableError, match="square"):
        LeontiefSolver(np.zeros((2, 3)))
    with pytest.raises(InvalidTableError, match="non-finite"):
        LeontiefSolver(np.array([[np.nan, 0], [0, 0]]))
    s = LeontiefSolver(np.eye(2) * 0.1)
    with pytest.raises(ValueError, match="shape"):
        s.solve(np.ones(3))
    with pytest.raises(IndexError):
        s.columns([5])


def test_negative_coefficients_still_solve():
    # negative entries (e.g. negative intermediate flows in a real table): no certificate,
    # but a nonsingular system solves to the reference
    A = np.array([[0.2, -0.05], [0.3, 0.1]])
    L = np.linalg.inv(np.eye(2) - A)
    for method in METHODS:
        np.testing.assert_allclose(LeontiefSolver(A, method=method).to_dense(), L, rtol=1e-10)


# ----------------------------------------------------------------------- properties
@st.composite
def productive_systems(draw):
    n = draw(st.integers(2, 12))
    seed = draw(st.integers(0, 2**31))
    rho = draw(st.floats(0.05, 0.95))
    density = draw(st.floats(0.2, 1.0))
    return random_A(n, density, rho, seed), np.random.default_rng(seed).random(n) * 100


@settings(max_examples=40, deadline=None)
@given(productive_systems(), st.sampled_from(METHODS))
def test_property_x_equals_L_f(system, method):
    A, f = system
    s = LeontiefSolver(A, method=method)
    x = s.solve(f)
    np.testing.assert_allclose(x - A @ x, f, rtol=1e-9, atol=1e-9 * f.max())
    L = s.to_dense()
    assert (L >= -1e-12).all()
    np.testing.assert_allclose(L @ f, x, rtol=1e-9)
    assert np.all(np.diag(L) >= 1 - 1e-12)


def test_no_warning_for_well_posed_solve():
    A = random_A(50, 0.5, 0.5, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for method in METHODS:
            LeontiefSolver(A, method=method).solve(np.ones(50))


def network_A(n, per_firm, rho, seed):
    """A firm network: ``per_firm`` random suppliers per firm, lognormal values, column
    sums spread over (0.2, 1.3) times a common factor, scaled to spectral radius ``rho``
    (power iteration), so neither all row nor all column sums are below 1."""
    rng = np.random.default_rng(seed)
    nnz = per_firm * n
    A = sp.csc_array(
        (rng.lognormal(0, 1.5, nnz), (rng.integers(0, n, nnz), rng.integers(0, n, nnz))),
        shape=(n, n),
    )
    A.sum_duplicates()
    cs = A.sum(axis=0)
    A = sp.csc_array(A @ sp.diags_array(rng.uniform(0.2, 1.3, n) / np.where(cs > 0, cs, 1)))
    v = np.ones(n)
    for _ in range(300):
        w = A @ v
        lam = np.linalg.norm(w) / np.linalg.norm(v)
        v = w / np.linalg.norm(w)
    return sp.csc_array(A * (rho / lam))


def test_power_certificate_avoids_a_solve():
    A = network_A(1500, 10, 0.8, seed=4)
    assert A.sum(axis=0).max() > 1 and A.sum(axis=1).max() > 1  # no cheap norm bound
    s = LeontiefSolver(A, method="iterative")
    assert s.certified and getattr(s, "_row_sums", None) is None
    assert s.matvecs <= 40  # max(A^k 1) < 1 for a small k proves rho(A) < 1
    # the direct methods certify with one solve and keep L 1 for the linkages
    d = LeontiefSolver(A, method="dense")
    np.testing.assert_allclose(d.row_sums(), s.row_sums(), rtol=1e-9)


def test_iterative_linkage_solves_within_budget():
    # all linkage indices need 1'L, L 1 and L x: three right-hand sides at tol 1e-12.
    # With rho = 0.8 GMRES needs about 40 products each (Neumann: 124 each).
    from linkage.analysis.linkages import linkage_arrays

    A = network_A(2000, 10, 0.8, seed=0)
    x = np.random.default_rng(0).lognormal(5, 1, 2000)
    s = LeontiefSolver(A, method="iterative")
    before = s.matvecs
    r = linkage_arrays(s, A, x)
    assert s.matvecs - before <= 160  # measured 148 (power basis), 132 with Arnoldi GMRES(20)
    assert r["residual"] <= 1e-10
    L_x = np.linalg.solve(np.eye(2000) - A.toarray(), x)
    np.testing.assert_allclose(r["row_sums_G"], L_x / x, rtol=1e-9)


def test_dense_factorization_needs_one_n_by_n_workspace():
    import tracemalloc

    n = 600
    A = np.random.default_rng(8).random((n, n))
    A *= 0.9 / A.sum(axis=0).max()
    tracemalloc.start()
    try:
        LeontiefSolver(A, method="dense")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1.25 * 8 * n * n  # the in-place LU of I - A, nothing else of size n^2
