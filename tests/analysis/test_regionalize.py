"""regionalize: invariants of the regional table, concordances, measures and diagnostics."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from linkage import IOTable, regionalize
from linkage.analysis.calibration import output_multipliers
from linkage.analysis.concordance import aggregate_table
from linkage.analysis.lq import lq_matrix
from linkage.analysis.regionalize import EXPORTS_REST_OF_COUNTRY, REST_OF_COUNTRY
from linkage.errors import DataQualityWarning, InvalidTableError


# --------------------------------------------------------------------------- regionalize
@pytest.fixture
def three():
    """A balanced 3-sector table with two final-demand categories and two primary inputs."""
    Z = np.array([[20.0, 40.0, 30.0], [40.0, 20.0, 40.0], [10.0, 60.0, 20.0]])
    x = np.array([200.0, 200.0, 200.0])
    fd = np.column_stack([0.6 * (x - Z.sum(axis=1)), 0.4 * (x - Z.sum(axis=1))])
    va_total = x - Z.sum(axis=0)
    va = np.vstack([0.25 * va_total, 0.75 * va_total])
    return IOTable.from_arrays(
        Z,
        final_demand=pd.DataFrame(fd, columns=["households", "exports"]),
        value_added=pd.DataFrame(va, index=["imports", "value added"]),
        sectors=["agri", "manu", "serv"],
        employment=[50.0, 20.0, 40.0],
    )


@pytest.mark.parametrize("method", ["slq", "cilq", "flq", "aflq"])
def test_regionalize_invariants(three, method):
    reg = regionalize(three, {"agri": 30, "manu": 60, "serv": 10}, method=method, delta=0.3)
    np.testing.assert_allclose(reg.x, [30, 60, 10])
    A = np.asarray(three.A)
    assert (reg.A <= A + 1e-15).all()
    # the table balances: row totals = column totals = x_r
    assert reg.balance()["rel_gap"].abs().max() < 1e-12
    # rest-of-country imports = (a_ij - r_ij) x_r,j summed over i
    rest = reg.primary_inputs[REST_OF_COUNTRY].to_numpy()
    np.testing.assert_allclose(rest, ((A - reg.A) * reg.x).sum(axis=0))
    # other primary inputs scaled by national coefficients
    np.testing.assert_allclose(
        reg.primary_inputs["value added"].to_numpy(),
        three.primary_inputs["value added"].to_numpy() / three.x * reg.x,
    )
    # final demand split 60/40 as nationally, totals = x_r - Z_r 1
    f = reg.final_demand
    np.testing.assert_allclose(f.sum(axis=1), reg.x - np.asarray(reg.Z).sum(axis=1))
    np.testing.assert_allclose(f["households"], 1.5 * f["exports"])
    np.testing.assert_allclose(reg.employment, [50 * 30 / 200, 20 * 60 / 200, 40 * 10 / 200])


def test_regionalize_matches_hand_coefficients(three):
    r = {"agri": 30, "manu": 60, "serv": 10}
    reg = regionalize(three, r, method="flq", delta=0.25)
    lq, _, _ = lq_matrix([30, 60, 10], three.x, method="flq", delta=0.25)
    np.testing.assert_allclose(reg.A, np.asarray(three.A) * np.minimum(1, lq), rtol=1e-14)
    # SLQ of manu = (60/100)/(200/600) = 1.8; lambda = log2(1 + 100/600)^0.25
    lam = math.log2(7 / 6) ** 0.25
    assert reg.A[1, 1] == pytest.approx(three.A[1, 1] * min(1, 1.8 * lam))


def test_regionalize_zero_activity(three):
    res = regionalize(three, {"agri": 30, "manu": 0, "serv": 10}, details=True)
    t = res.table
    assert t.x[1] == 0
    assert (np.asarray(t.Z)[1, :] == 0).all() and (np.asarray(t.Z)[:, 1] == 0).all()
    assert t.final_demand.loc["manu"].abs().sum() == 0
    assert "zero_regional_activity" in res.diagnostics.codes()
    assert t.balance()["rel_gap"].abs().max() < 1e-12


def test_regionalize_grdp_measure(three):
    """x_r,i = grdp_r,i * x_n,i / grdp_n,i; LQs from GRDP shares."""
    grdp_n = {"agri": 100.0, "manu": 50.0, "serv": 80.0}
    grdp_r = {"agri": 10.0, "manu": 25.0, "serv": 8.0}
    res = regionalize(three, grdp_r, grdp_n, measure="grdp", method="slq", details=True)
    np.testing.assert_allclose(res.table.x, [10 * 200 / 100, 25 * 200 / 50, 8 * 200 / 80])
    # SLQ_manu = (25/43) / (50/230)
    assert res.slq["manu"] == pytest.approx((25 / 43) / (50 / 230))
    assert "output_from_measure" in res.diagnostics.codes()
    with pytest.raises(InvalidTableError, match="needs the national grdp"):
        regionalize(three, grdp_r, measure="grdp")


def test_regionalize_concordance_split_and_aggregate(three):
    mapping = pd.DataFrame({"table": ["agri", "manu", "serv"], "grdp": ["P", "S", "S"]})
    r = {"P": 30.0, "S": 70.0}
    res = regionalize(three, r, mapping=mapping, method="cilq", details=True)
    # split in proportion to national output (200, 200): manu 35, serv 35
    np.testing.assert_allclose(res.table.x, [30, 35, 35])
    assert res.slq["manu"] == pytest.approx(res.slq["serv"])
    assert "concordance_split" in res.diagnostics.codes()

    agg = regionalize(three, r, mapping=mapping, concordance="aggregate", method="cilq")
    # a national measure by table sector is aggregated too
    agg2 = regionalize(
        three,
        r,
        {"agri": 200, "manu": 200, "serv": 200},
        mapping=mapping,
        concordance="aggregate",
        method="cilq",
    )
    np.testing.assert_allclose(agg2.A, agg.A)
    assert list(agg.sectors) == ["P", "S"]
    np.testing.assert_allclose(agg.x, [30, 70])
    national_agg = aggregate_table(three, mapping)
    np.testing.assert_allclose(national_agg.x, [200, 400])
    assert (agg.A <= np.asarray(national_agg.A) + 1e-15).all()
    assert agg.balance()["rel_gap"].abs().max() < 1e-12


def test_regionalize_accepts_arrays_in_table_order(three):
    a = regionalize(three, np.array([30.0, 60.0, 10.0]))
    b = regionalize(three, {"serv": 10.0, "agri": 30.0, "manu": 60.0})
    np.testing.assert_array_equal(a.Z, b.Z)
    with pytest.raises(InvalidTableError, match="array of 3 values"):
        regionalize(three, [1.0, 2.0])


def test_regionalize_finer_regional_data_is_summed(three):
    mapping = {"crops": "agri", "livestock": "agri", "manu": "manu", "serv": "serv"}
    r = {"crops": 10.0, "livestock": 20.0, "manu": 60.0, "serv": 10.0}
    res = regionalize(three, r, mapping=mapping, details=True)
    np.testing.assert_allclose(res.table.x, [30, 60, 10])
    assert "concordance_sum" in res.diagnostics.codes()
    with pytest.raises(
        InvalidTableError, match=r"no regional sector for 1 table sector\(s\): \['serv'\]"
    ):
        regionalize(three, {"crops": 1.0, "manu": 2.0}, mapping={"crops": "agri", "manu": "manu"})


MIXED = pd.DataFrame(
    {"table": ["agri", "agri", "manu", "serv"], "regional": ["P1", "P2", "S", "S"]}
)


@pytest.mark.parametrize("reverse", [False, True])
def test_regionalize_mixed_concordance(three, reverse):
    """Regional data finer in one place and coarser in another (GRDP D and E both in a
    table's 'electricity, gas and water', GRDP C split among its manufacturing sectors):
    pairs (table sector, regional sector), either column order. P1 + P2 sum to agri; S is
    split between manu and serv by national output (200, 200)."""
    mapping = MIXED[["regional", "table"]] if reverse else MIXED
    r = {"P1": 10.0, "P2": 20.0, "S": 70.0}
    res = regionalize(three, r, mapping=mapping, method="cilq", details=True)
    np.testing.assert_allclose(res.table.x, [30, 35, 35])
    assert {"concordance_sum", "concordance_split"} <= res.diagnostics.codes()
    # a national measure in the regional classification goes the same way
    n = {"P1": 100.0, "P2": 100.0, "S": 400.0}
    res_n = regionalize(three, r, n, mapping=mapping, method="cilq", details=True)
    np.testing.assert_allclose(res_n.measure["national"], [200, 200, 200])
    # aggregate: the table is summed by connected group ({agri}, {manu, serv} = 'S')
    agg = regionalize(three, r, mapping=mapping, concordance="aggregate", method="cilq")
    assert list(agg.sectors) == ["agri", "S"]
    np.testing.assert_allclose(agg.x, [30, 70])


def test_aggregate_one_to_one_renames_to_the_regional_classification(three):
    m = {"agri": "P", "manu": "Q", "serv": "R"}
    agg = regionalize(three, {"P": 30, "Q": 60, "R": 10}, mapping=m, concordance="aggregate")
    assert list(agg.sectors) == ["P", "Q", "R"]
    np.testing.assert_allclose(agg.x, [30, 60, 10])


@pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning")
@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    method=st.sampled_from(["slq", "cilq", "flq", "aflq"]),
    concordance=st.sampled_from(["split", "aggregate"]),
)
def test_any_concordance_balances_and_keeps_the_measure(seed, method, concordance):
    """Random tables (zero-output sectors, negative categories) and random many-to-many
    mappings: the regional table balances and the regional measure's total is kept."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 8))
    Z = rng.uniform(0, 10, (n, n)) * (rng.random((n, n)) < 0.6)
    fd = rng.uniform(-5, 30, (n, 2))
    fd[:, 0] = np.abs(fd[:, 0]) + 5
    zero = rng.random(n) < 0.15
    Z[zero, :], Z[:, zero], fd[zero] = 0, 0, 0
    labels = [f"s{i}" for i in range(n)]
    t = IOTable.from_arrays(Z, final_demand=pd.DataFrame(fd, columns=["c", "e"]), sectors=labels)
    G = int(rng.integers(1, n + 2))
    pairs = [(s, f"g{rng.integers(G)}") for s in labels]
    pairs += [(labels[rng.integers(n)], f"g{rng.integers(G)}") for _ in range(2)]
    pairs = pd.DataFrame(pairs, columns=["table", "regional"]).drop_duplicates()
    groups = pairs["regional"].unique()
    x_g = (
        pd.Series(t.x, index=labels).reindex(pairs["table"]).groupby(pairs["regional"].values).sum()
    )
    # at most half of each group's output: the region is part of the reference economy
    r = x_g.reindex(groups) * rng.uniform(0.01, 0.5, len(groups))
    if r.sum() <= 0:
        return
    res = regionalize(t, r, mapping=pairs, method=method, concordance=concordance, details=True)
    assert res.table.balance()["rel_gap"].abs().max() < 1e-9
    assert res.measure["regional"].sum() == pytest.approx(r.sum())


def test_regionalize_concordance_errors(three):
    with pytest.raises(InvalidTableError, match=r"neither column.*\['agro'\]"):
        regionalize(three, {"P": 1.0}, mapping={"agro": "P", "manu": "P", "serv": "P"})
    with pytest.raises(InvalidTableError, match=r"no value for regional sector\(s\) \['P2'\]"):
        regionalize(three, {"P1": 1.0, "S": 1.0}, mapping=MIXED)


def test_regionalize_errors(three):
    with pytest.raises(InvalidTableError, match=r"missing \['serv'\]"):
        regionalize(three, {"agri": 1, "manu": 1})
    with pytest.raises(InvalidTableError, match=r"no regional sector for 1 table sector"):
        regionalize(three, {"P": 1}, mapping={"agri": "P", "manu": "P"})
    with pytest.raises(InvalidTableError, match="does not use"):
        regionalize(three, {"P": 1, "Q": 5}, mapping={"agri": "P", "manu": "P", "serv": "P"})
    with pytest.raises(ValueError, match="'measure' parameter of regionalize"):
        regionalize(three, {"agri": 1, "manu": 1, "serv": 1}, measure="jobs")
    with pytest.raises(InvalidTableError, match="non-numeric"):
        regionalize(three, pd.Series({"agri": "x", "manu": 1, "serv": 1}))


@pytest.mark.parametrize(
    "regional, national, match",
    [
        (
            {"agri": 1, "manu": -5, "serv": 1},
            None,
            r"regional measure: sector 'manu' has a negative value \(-5\)",
        ),
        (
            {"agri": 1, "manu": np.inf, "serv": 1},
            None,
            r"regional measure: sector 'manu' has a non-finite value \(inf\)",
        ),
        (
            {"agri": 1, "manu": 1, "serv": 1},
            {"agri": 1, "manu": 0, "serv": 9},
            r"sector 'manu' has regional activity \(1\) but none in the reference economy",
        ),
    ],
)
def test_measure_errors_name_the_sector(three, regional, national, match):
    """Errors name the sector label and plain numbers, not positions or numpy reprs."""
    with pytest.raises(InvalidTableError, match=match) as info:
        regionalize(three, regional, national)
    assert "np.float64" not in str(info.value) and "position" not in str(info.value)


def test_extra_sectors_with_zero_measure_are_dropped(three):
    """A measure listing a sector the table lacks with value 0 is harmless: dropped, said;
    non-zero it is an error that names only what is wrong."""
    res = regionalize(three, {"agri": 30, "manu": 60, "serv": 10, "mining": 0}, details=True)
    np.testing.assert_allclose(res.table.x, [30, 60, 10])
    assert "zero_sectors_dropped" in res.diagnostics.codes()
    with pytest.raises(InvalidTableError) as info:
        regionalize(three, {"agri": 30, "manu": 60, "serv": 10, "mining": 5})
    assert str(info.value).startswith(
        "regional measure does not match the table's sectors: not in the table ['mining']"
    )
    assert "missing []" not in str(info.value)
    with pytest.raises(InvalidTableError, match=r"got R=0, N=600$"):
        regionalize(three, {"agri": 0, "manu": 0, "serv": 0})


def test_unbalanced_reference_table_is_reported_once_where_called(three):
    """The regional table inherits the reference's column gaps (v_kj / x_n,j * x_r,j): one
    warning, pointing at the caller, saying so (not the constructor's, from regional.py)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Z = np.asarray(three.Z)
        t = IOTable.from_arrays(
            Z, final_demand=three.f, value_added=three.v * [1.0, 0.9, 1.0], sectors=three.sectors
        )
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        res = regionalize(t, {"agri": 30, "manu": 60, "serv": 10}, details=True)
    assert len(w) == 1, [str(x.message) for x in w]
    assert w[0].filename == __file__
    assert "inherits" in str(w[0].message) and "'manu'" in str(w[0].message)
    assert "reference_unbalanced" in res.diagnostics.codes()
    gap = res.table.balance()["rel_gap"]
    assert gap["manu"] == pytest.approx(t.balance()["rel_gap"]["manu"])


def test_regionalize_employment_measure(three):
    """National employment defaults to the table's; x_r = jobs_r * x_n / jobs_n."""
    res = regionalize(
        three, {"agri": 5, "manu": 10, "serv": 4}, measure="employment", method="cilq", details=True
    )
    np.testing.assert_allclose(res.table.x, [5 * 200 / 50, 10 * 200 / 20, 4 * 200 / 40])
    np.testing.assert_allclose(res.table.employment, [5, 10, 4])
    # SLQ_manu = (10 / 19) / (20 / 110)
    assert res.slq["manu"] == pytest.approx((10 / 19) / (20 / 110))


def test_negative_final_demand_is_reported():
    # a region that makes little of sector 0 but a lot of its heavy user, sector 1
    t = IOTable.from_arrays(
        [[10.0, 80.0], [10.0, 10.0]], final_demand=[10.0, 80.0], sectors=["a", "b"]
    )
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        res = regionalize(t, {"a": 9.0, "b": 90.0}, method="slq", details=True)
    assert "negative_residual_final_demand" in res.diagnostics.codes()
    assert any("negative" in str(x.message) for x in w)
    assert res.table.balance()["rel_gap"].abs().max() < 1e-12


def _mostly_intermediate():
    """Sector a sells 90% of its output to b; the region makes half of a, 1% of b."""
    return IOTable.from_arrays(
        [[10.0, 170.0], [50.0, 100.0]],
        final_demand=pd.DataFrame([[15.0, 5.0], [600.0, 250.0]], columns=["households", "exports"]),
        sectors=["a", "b"],
    )


@pytest.mark.parametrize("method", ["slq", "cilq", "flq", "aflq"])
def test_final_demand_categories_scale_with_regional_output(method):
    """Each national category is scaled by the region's share of the sector's output; what
    the region's producers sell beyond that goes to 'exports to rest of country'.

    Region: a = 100 of 200, b = 10 of 1000. The region's a sells little to the region's b,
    so x_r,a - Z_r,a 1 is about 93, far more than the nation's final demand for a (20).
    Split in national proportions (the old rule) it gave the region's households 70 of a,
    more than the whole nation's households buy (15).
    """
    t = _mostly_intermediate()
    reg = regionalize(t, {"a": 100.0, "b": 10.0}, method=method)
    f = reg.final_demand
    s = reg.x / t.x  # 0.5, 0.01
    for cat in ("households", "exports"):
        np.testing.assert_allclose(f[cat], t.final_demand[cat] * s, rtol=1e-14)
        assert (f[cat].abs() <= t.final_demand[cat].abs() + 1e-12).all()
    residual = reg.x - np.asarray(reg.Z).sum(axis=1)
    np.testing.assert_allclose(f.sum(axis=1), residual, rtol=1e-14)
    np.testing.assert_allclose(
        f[EXPORTS_REST_OF_COUNTRY], residual - s * t.final_demand.sum(axis=1).to_numpy()
    )
    assert f.loc["a", EXPORTS_REST_OF_COUNTRY] > 80  # 100 - 10 - Z_r[a, :] 1
    assert reg.balance()["rel_gap"].abs().max() < 1e-12


def test_cancelling_national_final_demand_is_not_amplified():
    """National final demand of a that nearly cancels (+1000 exports, -999 inventories):
    in proportion to it (the old rule) the region's categories were about 1,000 times its
    output; scaled by the output share they stay below the nation's."""
    t = IOTable.from_arrays(
        [[10.0, 188.0], [50.0, 100.0]],
        final_demand=pd.DataFrame([[-999.0, 1001.0], [600.0, 250.0]], columns=["inv", "exp"]),
        sectors=["a", "b"],
    )
    reg = regionalize(t, {"a": 100.0, "b": 10.0}, method="flq")
    f = reg.final_demand
    assert f.loc["a", "inv"] == pytest.approx(-999.0 * 0.5)
    assert f.loc["a", "exp"] == pytest.approx(1001.0 * 0.5)
    assert f.abs().to_numpy().max() <= 1001.0


def test_regionalize_a_regionalized_table():
    """Province from a nation, then a district from the province: the district's purchases
    from outside it add to the province's row of purchases from the rest of the country."""
    t = _mostly_intermediate()
    prov = regionalize(t, {"a": 100.0, "b": 500.0}, method="cilq")
    dist = regionalize(prov, {"a": 20.0, "b": 50.0}, method="cilq")
    assert list(dist.primary_inputs.columns).count(REST_OF_COUNTRY) == 1
    assert list(dist.final_demand.columns).count(EXPORTS_REST_OF_COUNTRY) == 1
    A_p = np.asarray(prov.A)
    rest_p = prov.primary_inputs[REST_OF_COUNTRY].to_numpy() / prov.x
    expected = ((A_p - dist.A) * dist.x).sum(axis=0) + rest_p * dist.x
    np.testing.assert_allclose(dist.primary_inputs[REST_OF_COUNTRY], expected)
    assert dist.balance()["rel_gap"].abs().max() < 1e-12


@pytest.mark.filterwarnings("ignore:1 sector.s. with zero total output")
def test_regional_output_where_the_table_has_none():
    """A national measure may name activity the table's sector lacks (zero output, no input
    structure): that sector gets zero regional output, with a warning; the table balances."""
    t = IOTable.from_arrays(
        [[10.0, 5.0, 0.0], [4.0, 20.0, 0.0], [0.0, 0.0, 0.0]],
        final_demand=[85.0, 76.0, 0.0],
        sectors=["a", "b", "c"],
    )
    for measure in ("output", "grdp"):
        with pytest.warns(DataQualityWarning, match=r"zero output there.*\['c'\]"):
            res = regionalize(
                t,
                {"a": 50, "b": 30, "c": 5},
                {"a": 100, "b": 100, "c": 10},
                measure=measure,
                details=True,
            )
        assert res.table.x[2] == 0
        assert res.table.balance()["rel_gap"].abs().max() < 1e-12


@pytest.mark.filterwarnings("ignore:residual final demand:linkage.errors.DataQualityWarning")
@settings(max_examples=40, deadline=None)
@given(
    Zs=arrays(float, (4, 4), elements=st.floats(0, 10, allow_subnormal=False)),
    f=arrays(float, 4, elements=st.floats(1, 50)),
    share=arrays(float, 4, elements=st.one_of(st.just(0.0), st.floats(1e-6, 1))),
    method=st.sampled_from(["slq", "cilq", "flq", "aflq"]),
    delta=st.floats(0, 0.9),
)
def test_regionalize_properties(Zs, f, share, method, delta):
    t = IOTable.from_arrays(Zs, final_demand=f)
    r = t.x * share
    if r.sum() <= 0:
        return
    reg = regionalize(t, pd.Series(r, index=t.sectors), method=method, delta=delta)
    assert (reg.A <= np.asarray(t.A) + 1e-12).all()
    assert reg.balance()["gap"].abs().max() <= 1e-9 * max(1.0, t.x.max())
    np.testing.assert_allclose(reg.x, r)
    A = np.asarray(t.A)
    if np.abs(np.linalg.eigvals(A)).max() < 0.95:
        # R <= A elementwise, so the regional Leontief inverse (and multipliers) is smaller
        assert (output_multipliers(reg.A) <= output_multipliers(A) + 1e-9).all()
