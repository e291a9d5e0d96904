"""Build the report: analyze the table and the survey, then render the report, pages and CSVs.

:func:`write_report` is the one-call API (``linkage.write_report``); :func:`write_outputs`
is what ``linkage report`` and ``linkage demo`` run. Both compute with
:func:`analyze_table` and :func:`analyze_network` and hand the results to
:mod:`linkage.report` and :mod:`linkage.viz`, which only render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.params import deprecated_method
from ..errors import LinkageError
from ..io.results import result_files, write_results
from ..report import report_html
from ..viz import key_sector_chart, network_html, sector_html
from ..viz.i18n import check_lang, t
from ..viz.page import write_text
from ..viz.pdf import print_pdf
from .network import NetworkResults, analyze_network
from .table import TableResults, analyze_table

__all__ = ["ReportResults", "write_report", "write_outputs", "output_files", "OUTPUT_FILES"]

#: Files :func:`write_outputs` may write (checked before anything is written).
OUTPUT_FILES = (
    "report.html",
    "sectors.html",
    "network.html",
    "key_sectors.png",
    "key_sectors.svg",
    "linkages.csv",
    "multipliers.csv",
    "firms.csv",
    "sentra.csv",
    "communities.csv",
    "report.pdf",
)
_TABLE_FILES = ("sectors.html", "key_sectors.png", "key_sectors.svg")
_TABLE_FILES += ("linkages.csv", "multipliers.csv")
_NETWORK_FILES = ("network.html", "firms.csv", "sentra.csv", "communities.csv")


@dataclass
class ReportResults:
    """What :func:`write_outputs` computed and wrote.

    Attributes
    ----------
    files : list of Path
        Every file written, the report first.
    table : TableResults or None
    network : NetworkResults or None
    """

    files: list = field(default_factory=list)
    table: TableResults | None = None
    network: NetworkResults | None = None


def output_files(table: bool, network: bool, fmt: str = "csv") -> list[str]:
    """Names :func:`write_outputs` writes for a table and/or a network, results as ``fmt``.

    Examples
    --------
    >>> output_files(True, False)[:2]
    ['report.html', 'sectors.html']
    >>> output_files(True, True, "xlsx")[-2:]
    ['results.xlsx', 'network.html']
    """
    names = ["report.html", *(_TABLE_FILES if table else ()), *(_NETWORK_FILES if network else ())]
    return result_files(names, fmt)


def _table_results(table, solver, threshold, sector_matrix, notes, lang="en"):
    """The table's results for the report; what cannot be computed becomes a note."""
    try:
        return analyze_table(
            table, solver, threshold=threshold, sector_map=sector_matrix, strict=False
        )
    except LinkageError as exc:
        notes.append(t("note.no_linkages", lang, error=exc))
        return None


def _render(tables, networks, **options) -> str:
    """The report's HTML from the results (either may be None)."""
    notes = list(options.pop("notes", None) or [])
    if tables is not None:
        notes += tables.notes
        options.update(
            table=tables.table,
            linkages=tables.linkages,
            multipliers=tables.multipliers,
            coefficients=tables.coefficients,
        )
    if networks is not None:
        options.update(
            network=networks.network,
            clusters=networks.clusters,
            metrics=networks.metrics,
            summary=networks.summary,
        )
    return report_html(notes=notes, **options)


def write_report(
    path,
    *,
    table=None,
    linkages=None,
    multipliers=None,
    network=None,
    clusters=None,
    metrics=None,
    solver="auto",
    threshold: float = 1.0,
    sector_matrix: str = "A",
    method: str | None = None,
    lang: str = "en",
    pdf: bool = False,
    **options,
) -> Path:
    """Write one self-contained HTML report (UTF-8) and return its path.

    Parameters
    ----------
    path : str or Path
    table : IOTable, optional
        Its linkages, multipliers and sector map are computed with one ``solver``
        unless ``linkages`` are given.
    linkages, multipliers : DataFrame, optional
        From :func:`linkage.linkages` and :func:`linkage.multipliers`.
    network : SupplyNetwork, optional
        Its firm metrics are computed unless ``metrics`` are given.
    clusters : Clusters, optional
        From :func:`linkage.find_clusters`: colours the network by community and adds the
        sentra activity table.
    metrics : DataFrame, optional
        ``network.firm_metrics()`` when already computed.
    solver : LeontiefSolver or str
        Leontief solver of the table (built once), or a method name.
    threshold : float
        Key-sector threshold.
    sector_matrix : {"A", "L"}
        The matrix whose largest coefficients the sector map draws.
    method : str, optional
        Deprecated spelling of ``solver`` (a FutureWarning; removed in 0.3).
    lang : {"en", "id"}
        Language of the report: English or Bahasa Indonesia (texts, numbers shown,
        ``<html lang>``).
    pdf : bool
        Also print the report to a PDF next to it (same name, ``.pdf``) with headless
        Chromium; a one-line :class:`~linkage.viz.pdf.ChromiumMissingError` when there is
        none (the HTML is written first).
    **options
        ``title``, ``subtitle``, ``sources`` (dict: what -> file, listed under "What was
        read"), ``max_nodes``, ``seed``, ``units``, ``notes``.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         value_added=[650, 1400], sectors=["agriculture", "manufacturing"])
    >>> out = write_report(pathlib.Path(tempfile.mkdtemp()) / "report.html", table=t)
    >>> text = out.read_text(encoding="utf-8")
    >>> "Key sectors and linkages" in text, "Sentra: active or passive?" in text
    (True, False)
    """
    if table is None and network is None and linkages is None:
        raise ValueError("write_report needs at least a table, linkages or a network")
    solver = deprecated_method(None, method, "write_report") or solver
    check_lang(lang)
    notes = list(options.pop("notes", None) or [])
    tables = None
    if table is not None and linkages is None:
        tables = _table_results(table, solver, threshold, sector_matrix, notes, lang)
    options.update(threshold=threshold, sector_matrix=sector_matrix)
    if tables is None:
        options.update(table=table, linkages=linkages, multipliers=multipliers)
    networks = None
    if network is not None:
        if metrics is None:
            metrics = analyze_network(network, clusters=False, strict=False).metrics
        networks = NetworkResults(network, metrics, clusters, summary=network.summary())
    page = _render(tables, networks, notes=notes, lang=lang, **options)
    written = write_text(Path(path), page)
    if pdf:
        print_pdf(written)
    return written


def write_outputs(
    out,
    *,
    table=None,
    network=None,
    sources=None,
    title=None,
    seed: int = 0,
    solver="auto",
    max_nodes: int | None = 5000,
    progress=None,
    fmt: str = "csv",
    lang: str = "en",
    pdf: bool = False,
) -> ReportResults:
    """Run the analyses and write the report, the pages, the chart and the result tables.

    Used by ``linkage report`` and ``linkage demo``. ``out`` must exist (the command
    checks for files it would overwrite first). ``progress`` is called with a short text
    before each step. ``fmt`` is the format of the result tables (csv, xlsx: one
    ``results.xlsx``, parquet; :func:`linkage.io.results.write_results`). ``lang`` is the
    language of the report, the pages and the chart ("en" or "id"; the result tables are
    the same in both); ``pdf`` also prints ``report.pdf`` with headless Chromium (listed
    second in ``files``). ``title`` defaults to "Linkage report" in ``lang``.

    Returns
    -------
    ReportResults
    """
    say = progress or (lambda text: None)
    check_lang(lang)
    out = Path(out)
    result, frames = ReportResults(), {}
    if table is not None:
        say("linkages and multipliers")
        result.table = analyze_table(table, solver, sector_map="A", strict=False)
        frames.update(result.table.frames())
    if network is not None:
        say("communities and sentra activity")
        result.network = analyze_network(network, detection={"seed": seed})
        frames.update(result.network.frames(_NETWORK_FILES[1:]))
    result.files += write_results(frames, out, fmt)
    if table is not None:
        result.files += _write_table_files(result.table, out, seed, say, lang)
    if network is not None:
        result.files += _write_network_files(result.network, out, seed, max_nodes, say, lang)
    say("report")
    page = _render(
        result.table,
        result.network,
        sources=sources,
        title=title,
        seed=seed,
        max_nodes=max_nodes,
        lang=lang,
    )
    result.files.insert(0, write_text(out / "report.html", page))
    if pdf:
        say("report.pdf")
        result.files.insert(1, print_pdf(out / "report.html"))
    return result


def _write_table_files(results: TableResults, out: Path, seed: int, say, lang="en") -> list[Path]:
    """The key-sector chart and sectors.html (the results are written with the survey's)."""
    files = []
    for suffix in ("png", "svg"):
        path = out / f"key_sectors.{suffix}"
        files.append(key_sector_chart(results.linkages, path, lang=lang))
    say("sector page")
    page = sector_html(
        results.table,
        results.linkages,
        results.coefficients,
        out / "sectors.html",
        multipliers=results.multipliers,
        seed=seed,
        lang=lang,
    )
    return [*files, page]


def _write_network_files(results: NetworkResults, out, seed, max_nodes, say, lang="en"):
    """network.html (the results are written with the table's)."""
    say("network page")
    page = network_html(
        results.network,
        results.clusters,
        out / "network.html",
        metrics=results.metrics,
        max_nodes=max_nodes,
        seed=seed,
        lang=lang,
    )
    return [page]
