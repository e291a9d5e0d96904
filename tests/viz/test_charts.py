"""Static charts: the multiplier product matrix heat-map (the key-sector chart is in
test_pages.py)."""

import itertools
from pathlib import Path

import pytest
from builders import random_table

from linkage import multiplier_product_matrix
from linkage.viz.charts import plot_multiplier_product_matrix


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_mpm_heatmap(tmp_path, suffix):
    M = multiplier_product_matrix(random_table(15, 2))
    path = plot_multiplier_product_matrix(M, tmp_path / f"mpm{suffix}", max_sectors=10)
    assert path.exists() and path.stat().st_size > 1000
    with pytest.raises(ValueError, match="png or .svg"):
        plot_multiplier_product_matrix(M, tmp_path / "mpm.pdf")


def test_mpm_heatmap_draws_results_only(tmp_path):
    with pytest.raises(TypeError, match="multiplier_product_matrix"):
        plot_multiplier_product_matrix(random_table(4, 0), tmp_path / "mpm.png")


ICRAF_JATIM = Path("/work/shared/data/real/indonesia_34prov_icraf/JaTim")


@pytest.mark.skipif(not ICRAF_JATIM.exists(), reason="ICRAF province tables not present")
def test_key_sector_labels_never_overlap_on_110_sectors():
    from linkage import linkages
    from linkage.io.icraf import read_icraf_folder
    from linkage.viz.charts import _figure

    frame = linkages(read_icraf_folder(ICRAF_JATIM))
    assert len(frame) == 110
    fig = _figure(frame, 1.0, 25, None)
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    names = [t for t in ax.texts if hasattr(t, "xy") and t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in names]
    assert 10 <= len(boxes) <= 25
    frame_box = ax.get_window_extent(renderer)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    for box in boxes:
        assert frame_box.x0 <= box.x0 and box.x1 <= frame_box.x1
