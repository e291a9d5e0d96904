"""The layout search's fast key of number-like text is :func:`label_key`'s."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.io.labels import label_key
from linkage.io.wide_layout import _keys

_CELLS = st.one_of(
    st.from_regex(r"\A[+\-]?[0-9]{1,6}[.,][0-9.,]{0,8}\Z"),
    st.from_regex(r"\A\s?[+\-(]?[0-9 .,eE]{1,8}\)?\s?\Z"),
    st.text(alphabet="0123456789.,+-() eE\u00a0\u0663x", max_size=8),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-5, 5000),
    st.none(),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_CELLS, max_size=12))
def test_keys_are_label_keys(line):
    expect = ["" if type(x) is float and not x.is_integer() else label_key(x) for x in line]
    assert _keys(np.array(line + [None], dtype=object)[:-1]) == expect
