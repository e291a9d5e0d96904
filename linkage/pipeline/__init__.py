"""Workflows that string the steps together and return a results object.

Each workflow takes its inputs, builds the Leontief solver once, runs the analyses asked
for and returns a plain dataclass; the command line (and later the batch runner) calls
these, and the pages and the report render what they return.

* :func:`analyze_table` -> :class:`TableResults` (linkages, multipliers, extraction, ...);
* :func:`analyze_network` -> :class:`NetworkResults` (firm metrics, communities, sentra);
* :func:`read_regional_measures` and :func:`regionalize_table` -> a regional table by
  location quotients (from measure files, or a district's GRDP workbook);
* :func:`write_report` and :func:`write_outputs` -> the report, pages and CSV files;
* :func:`sector_html` and :func:`network_html` -> one page, computing what it shows.
"""

from .network import NETWORK_FILES, NetworkResults, analyze_network
from .pages import network_html, sector_html
from .regionalize import (
    REGIONAL_FILES,
    RegionalMeasures,
    read_regional_measures,
    regionalize_table,
)
from .report import OUTPUT_FILES, ReportResults, output_files, write_outputs, write_report
from .table import TABLE_FILES, TableResults, analyze_table, regional_table, table_files

__all__ = [
    "NETWORK_FILES",
    "OUTPUT_FILES",
    "REGIONAL_FILES",
    "RegionalMeasures",
    "TABLE_FILES",
    "NetworkResults",
    "ReportResults",
    "TableResults",
    "analyze_network",
    "analyze_table",
    "network_html",
    "output_files",
    "read_regional_measures",
    "regionalize_table",
    "regional_table",
    "sector_html",
    "table_files",
    "write_outputs",
    "write_report",
]
