"""Readers and writers: one module per file format, producing or consuming domain objects.

Tables (wide, long, BPS workbooks, ICRAF folders, parquet) become :class:`IOTable`;
survey files become :class:`SupplyNetwork`; results are written as CSV. This module's
names are the interface the layers above (viz, report, pipeline, cli) use.
"""

from .examples import data_path, load_example_network, load_example_table
from .pymrio import from_pymrio, to_pymrio
from .results import coefficient_frame, firm_table, sector_frame, write_csv
from .survey import SurveyReader, read_network
from .tables import read_table, write_table

__all__ = [
    "SurveyReader",
    "coefficient_frame",
    "data_path",
    "firm_table",
    "from_pymrio",
    "load_example_network",
    "load_example_table",
    "read_table",
    "read_network",
    "sector_frame",
    "to_pymrio",
    "write_csv",
    "write_table",
]
