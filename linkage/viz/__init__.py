"""Pictures of linkages: offline HTML network pages and key-sector charts.

* :func:`network_html` - the supplier-buyer network of a sentra survey
  (:mod:`linkage.viz.network_page`);
* :func:`sector_html` - the sectors of an IO table and their largest coefficients
  (:mod:`linkage.viz.sector_page`);
* :func:`key_sector_chart` - the BL/FL quadrant chart as PNG or SVG
  (:mod:`linkage.viz.charts`).

Every page is one UTF-8 file with vis-network (a pinned build shipped in
``linkage/viz/assets``) and the data inlined: it opens in a browser with no internet and makes
no network request. Names from surveys are shown as text, never interpreted as HTML.

* :func:`to_pyvis` - the network as a pyvis object for notebooks (optional extra
  ``linkage[pyvis]``; :mod:`linkage.viz.pyvis_export`).

Every text comes from one message catalogue per language (English or Bahasa Indonesia,
``lang="en"`` / ``"id"``; :mod:`linkage.viz.i18n`); every graph page carries a static SVG
picture of its drawing that replaces the canvas in print (:mod:`linkage.viz.picture`), and
:func:`linkage.viz.pdf.print_pdf` prints a page or the report with headless Chromium.

Everything here renders results it is given (linkages, coefficients, firm metrics,
clusters) and computes none of them: :mod:`linkage.pipeline` does.

pyvis is not used to write pages: version 0.3.2 loads vis-network from a CDN (or writes a
``lib/`` folder), links bootstrap from a CDN even when inlining, shows tooltip HTML as
escaped text and writes files without an explicit encoding. The node and edge data are
plain columns built here from the network's arrays, which is also faster for 20,000 nodes
than pyvis's per-node ``add_node`` calls.
"""

from .charts import key_sector_chart, key_sector_svg
from .network_page import network_html, network_page_data
from .pyvis_export import to_pyvis
from .sector_page import sector_html, sector_page_data

__all__ = [
    "network_html",
    "network_page_data",
    "sector_html",
    "sector_page_data",
    "key_sector_chart",
    "key_sector_svg",
    "to_pyvis",
]
