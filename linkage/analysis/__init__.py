"""Analyses of an IO table: one module per method, pure functions of a table and a solver.

Linkages and key sectors, multipliers, hypothetical extraction, fields of influence and
the multiplier product matrix, the largest coefficients, multi-regional spillovers, impacts
of demand and supply shocks, footprints, structural decomposition and
regionalization by location quotients. Every analysis takes ``solver=``: a
:class:`~linkage.core.LeontiefSolver` built once for the table (or a method name).
This module's names are the interface the layers above (network, io, pipeline) use.
"""

from .aggregation import aggregate
from .calibration import calibrate_delta
from .coefficients import largest_coefficients
from .decomposition import decompose
from .extraction import extraction
from .footprints import footprints
from .impact import impact, impact_totals, supply_impact
from .influence import field_of_influence, important_coefficients
from .linkages import key_sectors, linkages
from .lq import location_quotients
from .mpm import MultiplierProductMatrix, multiplier_product_matrix
from .multipliers import multipliers
from .multiregional import regional_linkages, spillover_feedback
from .ras import ras
from .region_labels import join_region_labels, region_codes, split_region_labels
from .regionalize import regionalize

__all__ = [
    "MultiplierProductMatrix",
    "aggregate",
    "calibrate_delta",
    "decompose",
    "extraction",
    "field_of_influence",
    "footprints",
    "impact",
    "impact_totals",
    "important_coefficients",
    "join_region_labels",
    "key_sectors",
    "largest_coefficients",
    "linkages",
    "location_quotients",
    "multiplier_product_matrix",
    "multipliers",
    "ras",
    "region_codes",
    "regional_linkages",
    "regionalize",
    "spillover_feedback",
    "split_region_labels",
    "supply_impact",
]
