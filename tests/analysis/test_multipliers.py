"""Multipliers (output, income type I/II, employment, value added): by hand, closed-model
reference, the row and column finders, every solver."""

import warnings

import numpy as np
import pandas as pd
import pytest

from linkage import IOTable
from linkage.analysis.multipliers import multipliers
from linkage.errors import InvalidTableError

METHODS = ["dense", "splu", "iterative"]


def _income_table(household=(40.0, 320.0)):
    """M&B Table 2.3 split into wages (300, 500) and other value added (350, 900), and
    final demand into households and the rest."""
    sectors = ["agriculture", "manufacturing"]
    fd = pd.DataFrame(
        {
            "Konsumsi Rumah Tangga": list(household),
            "Ekspor": [350 - household[0], 1700 - household[1]],
        },
        index=sectors,
    )
    va = pd.DataFrame(
        {"agriculture": [300.0, 350.0], "manufacturing": [500.0, 900.0]},
        index=["Upah dan gaji", "Surplus usaha"],
    )
    return IOTable.from_arrays(
        [[150, 500], [200, 100]],
        final_demand=fd,
        value_added=va,
        employment=[50.0, 20.0],
        sectors=sectors,
    )


def test_income_multipliers_type_i_and_ii_by_hand():
    m = multipliers(_income_table())
    # L = [[1.254125, 0.330033], [0.264026, 1.122112]] (M&B 2.3); w = (300/1000, 500/2000)
    # simple income: w'L = (0.3*1.254125 + 0.25*0.264026, 0.3*0.330033 + 0.25*1.122112)
    #                    = (0.442244, 0.379538)          (M&B section 6.3: 0.4422, 0.3795)
    np.testing.assert_allclose(m["income"], [0.442244, 0.379538], atol=1e-6)
    # type I = simple / w_j = (1.474148, 1.518152)
    np.testing.assert_allclose(m["income_type_i"], [0.442244 / 0.3, 0.379538 / 0.25], rtol=1e-5)
    # closed model: h = c / W = (40, 320) / 800 = (0.05, 0.4); Schur complement
    # s = 1 - w'L h = 1 - (0.442244*0.05 + 0.379538*0.4) = 0.826073
    # bottom row of L-bar = w'L / s = (0.535357, 0.459448); type II = that / w_j
    s = 1 - (0.442244 * 0.05 + 0.379538 * 0.4)
    np.testing.assert_allclose(m["income_total"], [0.442244 / s, 0.379538 / s], rtol=1e-5)
    np.testing.assert_allclose(
        m["income_type_ii"], [0.442244 / s / 0.3, 0.379538 / s / 0.25], rtol=1e-5
    )
    # type II output: 1'L + (1'L h)(w'L)/s with 1'L h = 1.518152*0.05 + 1.452145*0.4
    lh = 1.518152 * 0.05 + 1.452145 * 0.4
    np.testing.assert_allclose(
        m["output_total"], [1.518152 + lh * 0.442244 / s, 1.452145 + lh * 0.379538 / s], rtol=1e-5
    )
    # employment: e = (50/1000, 20/2000) = (0.05, 0.01); e'L
    e_l = np.array([0.05 * 1.254125 + 0.01 * 0.264026, 0.05 * 0.330033 + 0.01 * 1.122112])
    np.testing.assert_allclose(m["employment"], e_l, rtol=1e-5)
    np.testing.assert_allclose(m["employment_type_i"], e_l / [0.05, 0.01], rtol=1e-5)
    # balanced table: value added per unit of final demand is 1 in every sector
    np.testing.assert_allclose(m["value_added"], [1.0, 1.0], rtol=1e-12)
    assert m.attrs["wages"] == "Upah dan gaji"
    assert m.attrs["household"] == "Konsumsi Rumah Tangga"
    assert list(m.columns) == [
        "output", "output_total", "income", "income_type_i", "income_total",
        "income_type_ii", "employment", "employment_type_i", "employment_type_ii",
        "value_added",
    ]  # fmt: skip


def test_type_ii_exceeds_type_i_and_closed_model_reference():
    t = _income_table()
    m = multipliers(t)
    assert (m["income_type_ii"] > m["income_type_i"]).all()
    # reference: the (n+1) inverse formed densely
    w = np.array([0.3, 0.25])
    h = np.array([40.0, 320.0]) / 800
    Abar = np.block([[t.A, h[:, None]], [w[None, :], np.zeros((1, 1))]])
    Lbar = np.linalg.inv(np.eye(3) - Abar)
    np.testing.assert_allclose(m["income_total"], Lbar[2, :2], rtol=1e-12)
    np.testing.assert_allclose(m["output_total"], Lbar[:2, :2].sum(axis=0), rtol=1e-12)


@pytest.mark.parametrize(
    "wage_label, hh_label",
    [
        ("201 Upah dan gaji", "3011 Konsumsi Rumah Tangga"),
        ("201", "3011"),
        ("Compensation of employees", "Household final consumption expenditure"),
        ("WAGES AND SALARIES", "households"),
        ("Compensation of employees", "Households Final Consumption Expenditure"),  # ABS
        ("Palkansaajakorvaukset", "P3/S14 Kotitalouksien kulutusmenot"),  # Statistics Finland
    ],
)
def test_default_finders(wage_label, hh_label):
    sectors = ["a", "b"]
    fd = pd.DataFrame({hh_label: [40.0, 320.0], "3020 Government": [310.0, 1380.0]}, index=sectors)
    va = pd.DataFrame({"a": [300.0, 350.0], "b": [500.0, 900.0]}, index=[wage_label, "other"])
    t = IOTable.from_arrays(
        [[150, 500], [200, 100]], final_demand=fd, value_added=va, sectors=sectors
    )
    m = multipliers(t)
    assert m.attrs["wages"] == wage_label and m.attrs["household"] == hh_label
    np.testing.assert_allclose(m["income"], [0.442244, 0.379538], atol=1e-6)
    assert "income_type_ii" in m


def test_value_added_leaves_out_imports_and_people():
    sectors = ["a", "b"]
    va = pd.DataFrame(
        {"a": [300.0, 350.0, 100.0, 7.0], "b": [500.0, 900.0, 0.0, 3.0]},
        index=["Compensation of employees", "Operating surplus", "Imports", "Total Employment"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unbalanced on purpose
        t = IOTable.from_arrays(
            [[150, 500], [200, 100]], final_demand=[350, 1700], value_added=va, sectors=sectors
        )
    m = multipliers(t)
    assert m.attrs["value_added"] == "Compensation of employees + Operating surplus"
    L = np.linalg.inv(np.eye(2) - t.A)
    np.testing.assert_allclose(m["value_added"], np.array([0.65, 0.7]) @ L, rtol=1e-12)


def test_missing_rows_omit_columns_with_notes(mb_table):
    m = multipliers(mb_table)
    assert list(m.columns) == ["output", "value_added"]
    notes = " ".join(m.attrs["notes"])
    assert "wages" in notes and "employment" in notes
    np.testing.assert_allclose(m["output"], [1.5182, 1.4521], atol=5e-5)


def test_explicit_arguments_and_errors():
    t = _income_table()
    with pytest.raises(InvalidTableError, match="not found.*Upah dan gaji"):
        multipliers(t, wages="gaji pokok")
    with pytest.raises(InvalidTableError, match="household consumption"):
        multipliers(t, household="Rumah tangga X")
    m = multipliers(t, wages="upah dan gaji", household=False, employment=False)
    assert "income_type_i" in m and "income_type_ii" not in m and "employment" not in m
    m2 = multipliers(
        t,
        wages=[300.0, 500.0],
        employment=pd.Series([20.0, 50.0], index=["manufacturing", "agriculture"]),
    )
    np.testing.assert_allclose(m2["employment"], multipliers(t)["employment"], rtol=1e-12)
    with pytest.raises(InvalidTableError, match="shape"):
        multipliers(t, wages=[1.0, 2.0, 3.0])


def test_zero_wage_sector_is_nan_with_note():
    sectors = ["a", "b"]
    va = pd.DataFrame({"a": [0.0, 650.0], "b": [500.0, 900.0]}, index=["wages", "surplus"])
    t = IOTable.from_arrays(
        [[150, 500], [200, 100]], final_demand=[350, 1700], value_added=va, sectors=sectors
    )
    m = multipliers(t)
    assert np.isnan(m.loc["a", "income_type_i"]) and np.isfinite(m.loc["b", "income_type_i"])
    assert any("NaN" in note for note in m.attrs["notes"])


@pytest.mark.parametrize("method", METHODS)
def test_multipliers_every_method(method):
    t = _income_table()
    ref = multipliers(t, solver="dense")
    got = multipliers(t, solver=method)
    pd.testing.assert_frame_equal(got, ref, rtol=1e-9, check_exact=False)


def test_type_ii_omitted_with_note_when_closed_model_is_not_productive():
    # households spend 2050 out of wages of 1000: w'L h >= 1, the closed model has no
    # meaningful inverse; the open-model multipliers must still come out
    sectors = ["a", "b"]
    fd = pd.DataFrame({"household consumption": [350.0, 1700.0]}, index=sectors)
    va = pd.DataFrame({"a": [300.0, 350.0], "b": [700.0, 700.0]}, index=["wages", "surplus"])
    t = IOTable.from_arrays(
        [[150, 500], [200, 100]], final_demand=fd, value_added=va, sectors=sectors
    )
    m = multipliers(t)
    assert "income_type_ii" not in m and "output_total" not in m
    np.testing.assert_allclose(m["output"], [1.518152, 1.452145], atol=1e-6)
    assert "income_type_i" in m
    note = next(n for n in m.attrs["notes"] if n.startswith("type II"))
    assert "not productive" in note and "2.05" in note and "household_income" in note
    # a larger household income (e.g. all value added) makes it productive again
    m2 = multipliers(t, household_income=2050.0)
    assert "income_type_ii" in m2


@pytest.mark.parametrize(
    "wage_label, hh_label",
    [("Upah", "Konsumsi RT"), ("Upah/Gaji", "Konsumsi R.T."), ("Gaji dan Upah", "Konsumsi RT")],
)
def test_default_finders_short_indonesian_names(wage_label, hh_label):
    # common abbreviations in kabupaten tables; the LNPRT column ("... Melayani Rumah
    # Tangga") must not be taken for households
    sectors = ["a", "b"]
    fd = pd.DataFrame(
        {
            "Konsumsi LNPRT (Lembaga Nonprofit yang Melayani Rumah Tangga)": [1.0, 2.0],
            hh_label: [40.0, 320.0],
            "Konsumsi Pemerintah": [309.0, 1378.0],
        },
        index=sectors,
    )
    va = pd.DataFrame({"a": [300.0, 350.0], "b": [500.0, 900.0]}, index=[wage_label, "Surplus"])
    t = IOTable.from_arrays(
        [[150, 500], [200, 100]], final_demand=fd, value_added=va, sectors=sectors
    )
    m = multipliers(t)
    assert m.attrs["wages"] == wage_label and m.attrs["household"] == hh_label
