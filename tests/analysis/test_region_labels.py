"""(region, sector) labels: split and joined, through a wide CSV, without repeating warnings."""

import warnings

import numpy as np
import pandas as pd
import pytest
from builders import mr_table

from linkage import IOTable, regional_linkages
from linkage.analysis.region_labels import join_region_labels, split_region_labels
from linkage.errors import InvalidTableError, UnbalancedTableWarning


def test_region_labels_round_trip_through_a_wide_csv(tmp_path):
    t = mr_table(2, 3, 9, employment=True)
    flat = join_region_labels(t)
    assert flat.sectors.tolist()[:2] == ["r0|s0", "r0|s1"]
    back = split_region_labels(flat)
    assert back.sectors.equals(t.sectors)
    np.testing.assert_allclose(back.Z, t.Z)
    np.testing.assert_allclose(back.x, t.x)
    np.testing.assert_allclose(back.employment, t.employment)
    pd.testing.assert_frame_equal(
        back.final_demand, t.final_demand, check_names=False, check_index_type=False
    )
    readers = pytest.importorskip("linkage.io.tables")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        readers.write_table(flat, tmp_path / "mr.csv")
        read = split_region_labels(readers.read_table(tmp_path / "mr.csv"))
    np.testing.assert_allclose(
        regional_linkages(read).to_numpy(), regional_linkages(t).to_numpy(), rtol=1e-9
    )
    with pytest.raises(InvalidTableError, match="no region separator"):
        split_region_labels(IOTable.from_arrays([[1.0]], final_demand=[1.0], sectors=["a"]))


def test_relabelling_does_not_repeat_the_tables_warnings(recwarn):
    with pytest.warns(UnbalancedTableWarning):
        t = IOTable.from_arrays(
            [[1.0, 2.0], [3.0, 4.0]],
            final_demand=[5.0, 6.0],
            value_added=[1.0, 1.0],
            sectors=["a|x", "b|x"],
        )
    recwarn.clear()
    split = split_region_labels(t)
    assert split.sectors.names == ["region", "sector"] or split.sectors.nlevels == 2
    assert not [w for w in recwarn if issubclass(w.category, UnbalancedTableWarning)]
