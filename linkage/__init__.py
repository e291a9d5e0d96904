"""linkage: input-output and network linkage analysis of industrial centres (sentra).

The public API is imported lazily, so that ``import linkage`` and the command line stay
fast and the heavy graph libraries load only when a network function is used.
"""

from importlib import import_module

__version__ = "0.1.0"

# public name -> subpackage whose interface exports it
_API = {
    "IOTable": "core",
    "LeontiefSolver": "core",
    "SolveInfo": "core",
    "read_table": "io",
    "write_table": "io",
    "linkages": "analysis",
    "multipliers": "analysis",
    "key_sectors": "analysis",
    "extraction": "analysis",
    "field_of_influence": "analysis",
    "important_coefficients": "analysis",
    "multiplier_product_matrix": "analysis",
    "regional_linkages": "analysis",
    "spillover_feedback": "analysis",
    "aggregate": "analysis",
    "impact": "analysis",
    "impact_totals": "analysis",
    "supply_impact": "analysis",
    "footprints": "analysis",
    "decompose": "analysis",
    "from_pymrio": "io",
    "to_pymrio": "io",
    "split_region_labels": "analysis",
    "join_region_labels": "analysis",
    "regionalize": "analysis",
    "location_quotients": "analysis",
    "ras": "analysis",
    "calibrate_delta": "analysis",
    "SupplyNetwork": "network",
    "read_network": "io",
    "detect_communities": "network",
    "classify_activity": "network",
    "find_clusters": "network",
    "Clusters": "network",
    "sentra_labels": "network",
    "write_report": "pipeline",
    "load_example_table": "io",
    "load_example_network": "io",
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
