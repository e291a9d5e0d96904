"""The interactive pages in one call: compute what is missing, then let :mod:`linkage.viz` draw.

:func:`linkage.viz.sector_html` and :func:`linkage.viz.network_html` only render results
they are given; these functions take a table or a network as they are, run the analyses
the page shows (with one solver) and hand the results over.
"""

from __future__ import annotations

from ..analysis import largest_coefficients
from ..analysis import linkages as compute_linkages
from ..core.params import check_choice, table_solver
from ..viz import network_html as render_network_html
from ..viz import sector_html as render_sector_html
from ..viz.i18n import check_lang

__all__ = ["sector_html", "network_html"]


def sector_html(
    table,
    path=None,
    *,
    linkages=None,
    multipliers=None,
    matrix: str = "A",
    max_edges: int | None = None,
    threshold: float = 1.0,
    solver=None,
    lang: str = "en",
    **options,
):
    """Write the interactive sector page of a table, computing its linkages and links.

    Parameters
    ----------
    table : IOTable
    path : str or Path, optional
        Where to write (UTF-8); the HTML text is returned when omitted.
    linkages : DataFrame, optional
        :func:`linkage.linkages` of the table when already computed.
    multipliers : DataFrame, optional
        :func:`linkage.multipliers`; its columns are added to the tooltips.
    matrix : {"A", "L"}
        Draw the largest input coefficients or the largest Leontief-inverse entries
        (read from the solver's column blocks, L never formed).
    max_edges : int, optional
        How many of the largest coefficients to draw (default ``2 n``, between 20 and
        600), plus each sector's largest input.
    threshold : float
        Key-sector threshold of the linkages computed here.
    solver : LeontiefSolver or str, optional
        The table's solver (built once) or a method name; ``"auto"`` when omitted.
    lang : {"en", "id"}
        Language of the page: English or Bahasa Indonesia (``<html lang="id">``).
    **options
        ``max_nodes``, ``seed``, ``units``, ``title`` of :func:`linkage.viz.sector_html`.

    Returns
    -------
    Path or str

    Examples
    --------
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         sectors=["agriculture", "manufacturing"])
    >>> page = sector_html(t, matrix="L")
    >>> "manufacturing" in page and "https://" not in page.split("</style>")[0]
    True
    >>> '<html lang="id">' in sector_html(t, lang="id")
    True
    """
    check_choice("matrix", matrix, ("A", "L"), "sector_html")
    check_lang(lang)
    solver = table_solver(table, solver, caller="sector_html")
    if linkages is None:
        linkages = compute_linkages(table, solver, threshold=threshold)
    k = int(min(max(2 * table.n, 20), 600)) if max_edges is None else max_edges
    coefficients = largest_coefficients(table, matrix, k, solver=solver)
    return render_sector_html(
        table,
        linkages,
        coefficients,
        path,
        multipliers=multipliers,
        matrix=matrix,
        lang=lang,
        **options,
    )


def network_html(
    network, clusters=None, path=None, *, metrics=None, solver="auto", lang="en", **options
):
    """Write the interactive network page, computing the firm metrics it shows.

    Parameters
    ----------
    network : SupplyNetwork
    clusters : Clusters or Series, optional
        From :func:`linkage.find_clusters`: colours by community, borders by activity.
    path : str or Path, optional
        Where to write (UTF-8); the HTML text is returned when omitted.
    metrics : DataFrame, optional
        ``network.firm_metrics()`` when already computed; computed here otherwise (a
        firm system that cannot be solved leaves the firm linkages off the page).
    solver : str
        Method of the firm-level Leontief system.
    lang : {"en", "id"}
        Language of the page: English or Bahasa Indonesia (``<html lang="id">``).
    **options
        The drawing options of :func:`linkage.viz.network_html` (``size_by``,
        ``color_by``, ``max_nodes``, ``max_edges``, ``collapse_by``, ``physics``,
        ``seed``, ``units``, ``title``, ``subtitle``).

    Returns
    -------
    Path or str

    Examples
    --------
    >>> from linkage import load_example_network
    >>> from linkage.viz import network_html as render
    >>> net = load_example_network()
    >>> network_html(net) == render(net, metrics=net.firm_metrics())  # the metrics computed
    True
    """
    check_lang(lang)
    if metrics is None:
        try:
            metrics = network.firm_metrics(solver)
        except Exception:  # noqa: BLE001 - the page still draws without firm linkages
            metrics = None
    return render_network_html(network, clusters, path, metrics=metrics, lang=lang, **options)
