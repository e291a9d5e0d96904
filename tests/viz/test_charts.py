"""Static charts: the multiplier product matrix heat-map (the key-sector chart is in
test_pages.py)."""

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
