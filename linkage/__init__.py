"""linkage: input-output and network linkage analysis of industrial centres (sentra).

The public API is imported lazily, so that ``import linkage`` and the command line stay
fast and the heavy graph libraries load only when a network function is used.
"""

from importlib import import_module

__version__ = "0.1.0"

# public name -> module that defines it
_API = {
    "IOTable": "core.table",
    "LeontiefSolver": "core.solver",
    "SolveInfo": "core.solver",
    "read_table": "io.tables",
    "write_table": "io.tables",
    "linkages": "analysis.linkages",
    "multipliers": "analysis.linkages",
    "key_sectors": "analysis.linkages",
    "extraction": "analysis.extraction",
    "field_of_influence": "analysis.influence",
    "important_coefficients": "analysis.influence",
    "multiplier_product_matrix": "analysis.influence",
    "regional_linkages": "analysis.multiregional",
    "spillover_feedback": "analysis.multiregional",
    "aggregate": "analysis.multiregional",
    "from_pymrio": "analysis.multiregional",
    "to_pymrio": "analysis.multiregional",
    "split_region_labels": "analysis.multiregional",
    "join_region_labels": "analysis.multiregional",
    "regionalize": "analysis.regionalize",
    "location_quotients": "analysis.regionalize",
    "ras": "analysis.regionalize",
    "calibrate_delta": "analysis.regionalize",
    "SupplyNetwork": "network.model",
    "read_network": "network.model",
    "detect_communities": "network.communities",
    "classify_activity": "network.communities",
    "find_clusters": "network.communities",
    "Clusters": "network.communities",
    "sentra_labels": "network.communities",
    "write_report": "report.html",
    "load_example_table": "io.examples",
    "load_example_network": "io.examples",
}

__all__ = sorted(_API) + ["__version__"]


def __getattr__(name):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'linkage' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
