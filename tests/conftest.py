"""Shared fixtures: textbook tables and the location of the real data in ../shared."""

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

# CI runs the same examples every time (a failure there must be reproducible, not a draw);
# locally hypothesis keeps exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

#: Real tables for tests; not part of the project (never copy them in).
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"


@pytest.fixture
def shared_data():
    """Folder of the real tables; the test is skipped cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} not present")
    return SHARED_DATA


@pytest.fixture
def mb_table():
    """Miller & Blair (2009), Table 2.3: the two-sector example of chapter 2."""
    from linkage import IOTable

    return IOTable.from_arrays(
        np.array([[150.0, 500.0], [200.0, 100.0]]),
        final_demand=np.array([350.0, 1700.0]),
        value_added=np.array([650.0, 1400.0]),
        sectors=["agriculture", "manufacturing"],
    )
