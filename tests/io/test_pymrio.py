"""Conversion to and from pymrio systems (linkage.io.pymrio)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from builders import mr_table

from linkage import IOTable
from linkage.analysis.aggregation import aggregate
from linkage.io.pymrio import from_pymrio, to_pymrio


def test_pymrio_round_trip():
    pymrio = pytest.importorskip("pymrio")
    io = pymrio.load_test()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = from_pymrio(io)
    assert t.n == 48 and t.is_multiregional
    assert t.sectors.names == ["region", "sector"]
    np.testing.assert_allclose(t.Z, io.Z.to_numpy())
    np.testing.assert_allclose(t.f, io.Y.to_numpy().sum(axis=1))
    np.testing.assert_allclose(t.v, io.factor_inputs.F.to_numpy().sum(axis=0))
    assert t.units == "Mill USD"
    assert io.x is None and io.A is None  # the system was not modified

    io2 = to_pymrio(t)
    pd.testing.assert_frame_equal(io2.Y, io.Y.astype(float), check_names=False)
    io2.calc_all()
    np.testing.assert_allclose(io2.x.to_numpy().ravel(), t.x)
    L = np.linalg.inv(np.eye(t.n) - np.asarray(t.A))
    np.testing.assert_allclose(io2.L.to_numpy(), L, rtol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t2 = from_pymrio(io2)
    np.testing.assert_allclose(t2.Z, t.Z)
    assert t2.final_demand.columns.tolist() == t.final_demand.columns.tolist()
    # regional analysis runs on it; aggregating regions sums the region|category columns
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        agg = aggregate(t, regions={r: "world" for r in io.get_regions()})
    assert agg.n == 8
    assert agg.final_demand.shape[1] == 7
    np.testing.assert_allclose(agg.f.sum(), t.f.sum())


def test_pymrio_from_A_only_and_single_region():
    pymrio = pytest.importorskip("pymrio")
    t = mr_table(2, 3, 4, employment=True)
    io = to_pymrio(t)
    assert hasattr(io, "employment")
    # categories without a region go to the producing row's region
    assert io.Y.shape == (6, 4)
    np.testing.assert_allclose(io.Y.to_numpy().sum(axis=1), t.f)
    io_a = pymrio.IOSystem(
        A=pd.DataFrame(np.asarray(t.A), index=io.Z.index, columns=io.Z.index), Y=io.Y
    )
    t2 = from_pymrio(io_a)
    np.testing.assert_allclose(t2.x, t.x)
    np.testing.assert_allclose(t2.Z, t.Z, atol=1e-9)
    io1 = to_pymrio(
        IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700]), region="ID"
    )
    assert io1.get_regions().tolist() == ["ID"]


def test_round_trip_through_pymrio_of_its_test_system():
    pymrio = pytest.importorskip("pymrio")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = from_pymrio(pymrio.load_test())
        back = from_pymrio(to_pymrio(t))
    assert t.n == 48 and back.sectors.equals(t.sectors)
    np.testing.assert_allclose(back.Z, t.Z)
    np.testing.assert_allclose(back.x, t.x)
