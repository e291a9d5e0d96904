"""key_sector built from Arrow buffers is the array ``take`` gives (pandas 3 with pyarrow)."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

lk_module = importlib.import_module("linkage.analysis.linkages")

needs_arrow = pytest.mark.skipif(
    not lk_module._KEYS_FROM_BUFFERS, reason="key_sector is not an Arrow string array here"
)


@needs_arrow
@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=0, max_size=300))
def test_arrow_keys_equal_take(codes):
    codes = np.array(codes, dtype=np.int64)
    made = lk_module._arrow_keys(codes)
    taken = lk_module._CLASS_ARRAY.take(codes)
    assert made.dtype == taken.dtype
    assert type(made) is type(taken)
    assert made.equals(taken)
    assert list(made) == [lk_module._CLASS_BY_CODE[c] for c in codes]


@needs_arrow
def test_frame_key_sector_is_the_class_of_the_codes():
    r = {
        "column_sums_L": np.array([2.0, 1.0, 1.0, 2.0]),
        "row_sums_G": np.array([2.0, 2.0, 1.0, 1.0]),
        "column_sums_A": np.ones(4),
        "row_sums_B": np.ones(4),
        "row_sums_L": np.ones(4),
    }
    index = pd.Index(list("abcd"), name="sector")
    frame = lk_module._frame(r, np.zeros(4), np.zeros(4), 1.0, True, index, {"x": 1})
    # BL = [4, 2, 2, 4] / 3, FL = [4, 4, 2, 2] / 3 against 1
    assert frame["key_sector"].tolist() == ["key", "forward", "weak", "backward"]
    assert frame["key_sector"].dtype == pd.Series(["key"]).dtype
    assert frame.attrs == {"x": 1}
