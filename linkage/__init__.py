"""linkage: input-output and network linkage analysis of industrial centres (sentra).

The public API is imported lazily, so that ``import linkage`` and the command line stay
fast and the heavy graph libraries load only when a network function is used.
"""

from importlib import import_module

__version__ = "0.1.0"

# public name -> module that defines it
_API = {
    "IOTable": "table",
    "LeontiefSolver": "solver",
    "SolveInfo": "solver",
    "read_table": "readers",
    "write_table": "readers",
    "linkages": "indices",
    "multipliers": "indices",
    "key_sectors": "indices",
    "extraction": "hypothetical",
    "field_of_influence": "influence",
    "important_coefficients": "influence",
    "multiplier_product_matrix": "influence",
    "regional_linkages": "multiregional",
    "spillover_feedback": "multiregional",
    "aggregate": "multiregional",
    "from_pymrio": "multiregional",
    "to_pymrio": "multiregional",
    "split_region_labels": "multiregional",
    "join_region_labels": "multiregional",
    "regionalize": "regional",
    "location_quotients": "regional",
    "ras": "regional",
    "calibrate_delta": "regional",
    "SupplyNetwork": "network",
    "read_network": "network",
    "detect_communities": "clusters",
    "classify_activity": "clusters",
    "find_clusters": "clusters",
    "Clusters": "clusters",
    "sentra_labels": "clusters",
    "write_report": "report",
    "load_example_table": "datasets",
    "load_example_network": "datasets",
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
