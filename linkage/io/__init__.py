"""Readers and writers: one module per file format, producing or consuming domain objects.

Tables (wide, long, BPS workbooks, ICRAF folders, parquet) become :class:`IOTable`;
survey files become :class:`SupplyNetwork`; results are written as CSV.
"""
