"""What one row of each result file is and the method behind it (the README sheet's
headings); the columns are described in :mod:`linkage.io.result_columns`."""

__all__ = ["SHEETS"]

#: Result (CSV base name) -> (what one row is, the method; the chapter that explains it).
SHEETS = {
    "linkages": (
        "one row per sector: backward and forward linkages and the key-sector class",
        "Leontief inverse L = (I - A)^-1 and Ghosh inverse G = (I - B)^-1; docs/linkages.md",
    ),
    "multipliers": (
        "one row per sector: output, income, employment and value-added multipliers",
        "type I from L, type II from the model closed for households; docs/linkages.md",
    ),
    "extraction": (
        "one row per sector: output lost when the sector is hypothetically extracted",
        "hypothetical extraction (Leontief and Ghosh models); docs/extraction.md",
    ),
    "important_coefficients": (
        "one row per input coefficient a_ij, the most important first",
        "fields of influence and tolerable limits (Sonis & Hewings; Schintke & Staglin); "
        "docs/influence.md",
    ),
    "regional_linkages": (
        "one row per (region, sector): intra- and inter-regional linkages",
        "the multi-regional Leontief inverse split by region; docs/multiregional.md",
    ),
    "region_pairs": (
        "one row per (demand region, output region): output caused, spillover, feedback",
        "final demand split by producing region; docs/multiregional.md",
    ),
    "firms": (
        "one row per listed firm: its attributes, community, trade and linkages",
        "firm metrics of the supplier-buyer network; docs/network.md",
    ),
    "sector_table": (
        "the sentra IO table in the wide layout `linkage analyze` reads",
        "the firm network aggregated by a firm column; docs/network.md",
    ),
    "outside_parties": (
        "one row per outside party (an id in the transactions that is not a listed firm)",
        "roles from the transactions; docs/network.md",
    ),
    "firm_extraction": (
        "one row per listed firm: output lost when the firm is hypothetically extracted",
        "hypothetical extraction on the firm network, exact per firm; docs/extraction.md",
    ),
    "impact": (
        "one row per scenario, sector and measure: the change a demand shock causes",
        "open model dx = L df (type I) or closed with households (type II); docs/impact.md",
    ),
    "scenario_linkages": (
        "one row per sector and measure: before and after a network scenario",
        "the sentra IO table of the survey's network and its linkages, before and after "
        "(middlemen bypassed, firms removed or added); docs/impact.md",
    ),
    "sector_table_before": (
        "the sentra IO table before the network scenario, in the wide layout",
        "the firm network aggregated by a firm column; docs/network.md, docs/impact.md",
    ),
    "sector_table_after": (
        "the sentra IO table after the network scenario, in the wide layout",
        "the scenario's network aggregated by a firm column; docs/impact.md",
    ),
    "decomposition": (
        "one row per sector: the change in output split into its causes",
        "structural decomposition, average of the two polar forms; docs/impact.md",
    ),
    "sentra": (
        "one row per sentra: active or passive and the measures behind it",
        "internal trade against a null model, permutation test; docs/clusters.md",
    ),
    "communities": (
        "one row per detected community: members and the same activity measures",
        "community detection (leiden, louvain or infomap); docs/clusters.md",
    ),
    "regional_table": (
        "the regional IO table in the wide layout `linkage analyze` reads",
        "location quotients applied to the input coefficients; docs/regional.md",
    ),
    "lq": (
        "the location quotients: rows the selling sector, columns the buying sector",
        "SLQ, CILQ, FLQ or AFLQ; docs/regional.md",
    ),
}
