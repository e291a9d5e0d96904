"""Readers and writers: one module per file format, producing or consuming domain objects.

Tables (wide, long, BPS workbooks, ICRAF folders, parquet) become :class:`IOTable`;
survey files become :class:`SupplyNetwork`; GRDP workbooks, measure and mapping files
feed regionalization; results are written as CSV. This module's
names are the interface the layers above (viz, report, pipeline, cli) use.
"""

from .alta import AltaRegion, read_alta
from .bps17 import BPS17, bps17_code, bps17_mapping
from .districts import (
    DistrictMeasures,
    district_measures,
    find_district,
    table_province,
    table_province_mismatch,
)
from .examples import data_path, load_example_network, load_example_table
from .grdp import GRDP_UNITS, read_grdp_workbook
from .imports import domestic_from_total, read_import_matrix
from .measures import read_mapping, read_measure
from .pymrio import from_pymrio, to_pymrio
from .results import coefficient_frame, firm_table, sector_frame, write_csv
from .survey import SurveyReader, read_network
from .tables import read_table, write_table
from .transactions import read_table_transactions, resolve_transactions

__all__ = [
    "AltaRegion",
    "BPS17",
    "bps17_code",
    "bps17_mapping",
    "coefficient_frame",
    "data_path",
    "domestic_from_total",
    "district_measures",
    "DistrictMeasures",
    "find_district",
    "firm_table",
    "from_pymrio",
    "GRDP_UNITS",
    "load_example_network",
    "load_example_table",
    "read_alta",
    "read_grdp_workbook",
    "read_import_matrix",
    "read_mapping",
    "read_measure",
    "read_network",
    "read_table",
    "read_table_transactions",
    "resolve_transactions",
    "sector_frame",
    "SurveyReader",
    "table_province",
    "table_province_mismatch",
    "to_pymrio",
    "write_csv",
    "write_table",
]
