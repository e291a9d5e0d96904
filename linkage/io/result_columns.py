"""What every column of every result file means: its unit and the method behind it.

One dictionary for all result files (the ``README`` sheet of ``results.xlsx`` is made from
it, and the tests check that every column the commands write is in it). The meanings are
those of the method chapters: docs/linkages.md (linkages, multipliers), docs/extraction.md,
docs/influence.md, docs/multiregional.md, docs/network.md (firms, outside parties),
docs/clusters.md (sentra, communities) and docs/regional.md (location quotients).

A unit ``{units}`` is the money unit of the table (``IOTable.units``), filled in when the
result knows it.
"""

from __future__ import annotations

import pandas as pd

from .result_sheets import SHEETS

__all__ = ["SHEETS", "COLUMNS", "describe_column", "readme_frame"]

#: The sentra tables of ``linkage scenario`` (wide, like sector_table).
SCENARIO_TABLES = ("sector_table_before", "sector_table_after")
#: Unit of the values of scenario_linkages.csv.
_MEASURED = "total_output: {units}; linkages: ratio"

_ACTIVITY = {
    "n_firms": ("listed firms in the group (outside parties are never members)", "count", ""),
    "internal_value": (
        "sales from a member to another member",
        "survey money units",
        "I_G = sum over i != j in G of w_ij",
    ),
    "internal_share": (
        "share of the members' purchases plus sales that is with another member",
        "share (0-1)",
        "2 I_G / sum over i in G of (s_i_out + s_i_in)",
    ),
    "expected_internal_share": (
        "internal share expected under the null model",
        "share (0-1)",
        "2 E_G / sum over i in G of (s_i_out + s_i_in), configuration null model",
    ),
    "excess": ("internal share over its expectation", "ratio", "NaN when the expectation is 0"),
    "reciprocity": (
        "share of internal ties whose reverse tie also exists",
        "share (0-1)",
        "unweighted, on the internal subgraph",
    ),
    "cooperation_density": (
        "cooperating member pairs over possible pairs",
        "share (0-1)",
        "ties / (n (n - 1) / 2)",
    ),
    "community_purity": (
        "share of the group's firms in its most common community (sentra) or sentra (community)",
        "share (0-1)",
        "",
    ),
    "p_value": (
        "permutation test of the internal share",
        "probability",
        "relabelling firms, (k + 1) / (n + 1)",
    ),
    "activity": ("active or passive, by the activity rule", "class", "docs/clusters.md"),
    "activity_score": (
        "the continuous score of the activity rule (1 or more means active)",
        "score",
        "",
    ),
}

_LINKAGE = {
    "output_multiplier": (
        "total output of all sectors per unit of final demand for the sector",
        "ratio (output per unit of final demand)",
        "column sum of L",
    ),
    "bl_direct": ("direct backward linkage", "index (mean 1)", "column sum of A, normalized"),
    "fl_direct": ("direct forward linkage", "index (mean 1)", "row sum of B, normalized"),
    "bl_total": (
        "total backward linkage (Rasmussen's power of dispersion)",
        "index (mean 1)",
        "column sum of L, normalized",
    ),
    "fl_total": (
        "total forward linkage (Ghosh; the preferred forward index)",
        "index (mean 1)",
        "row sum of G, normalized",
    ),
}

_WIDE = {
    "sector": (
        "row label: a sector, a primary input or employment",
        "label",
        "write_table's wide layout",
    ),
    "total output": ("total output x of the row's sector", "{units}", "x"),
}

#: Result -> column -> (meaning, unit, method).
_EXTRACTION = {
    "sector": ("sector extracted", "label", ""),
    "region": ("region of the sector (multi-regional tables)", "label", ""),
    "backward": (
        "output lost when the sector's column of A is set to zero",
        "{units}",
        "Leontief model, final demand fixed",
    ),
    "forward": (
        "output lost when the sector's row of B is set to zero",
        "{units}",
        "Ghosh model, value added fixed",
    ),
    "total": (
        "output lost when the sector's row and column of A are set to zero",
        "{units}",
        "Leontief model, final demand fixed",
    ),
    "backward_share": ("backward over total output", "share (0-1)", "/ 1'Lf"),
    "forward_share": ("forward over total output", "share (0-1)", "/ v'G1"),
    "total_share": ("total over total output", "share (0-1)", "/ 1'Lf"),
}

COLUMNS = {
    "linkages": {
        "sector": ("sector", "label", ""),
        "region": ("region of the sector (multi-regional tables)", "label", ""),
        **_LINKAGE,
        "fl_rasmussen": (
            "Rasmussen's sensitivity of dispersion (traditional forward index)",
            "index (mean 1)",
            "row sum of L, normalized",
        ),
        "bl_cv": ("coefficient of variation of the sector's column of L", "ratio", "std / mean"),
        "fl_cv": ("coefficient of variation of the sector's row of L", "ratio", "std / mean"),
        "key_sector": (
            "key (bl_total and fl_total above the threshold), backward, forward or weak",
            "class",
            "threshold on the normalized total linkages (default 1, the mean)",
        ),
    },
    "multipliers": {
        "sector": ("sector", "label", ""),
        "region": ("region of the sector (multi-regional tables)", "label", ""),
        "output": ("simple output multiplier", "ratio", "column sum of L"),
        "output_total": (
            "output multiplier of the model closed for households (type II)",
            "ratio",
            "column sum of the closed inverse over the n sectors",
        ),
        "income": (
            "household income per unit of final demand (simple income multiplier)",
            "ratio ({units} of wages per {units} of final demand)",
            "sum_i w_i l_ij, w_i = wages_i / x_i",
        ),
        "income_type_i": ("type I income multiplier", "ratio", "income_j / w_j"),
        "income_total": (
            "total household income multiplier of the closed model",
            "ratio ({units} per {units})",
            "households' row of the closed inverse",
        ),
        "income_type_ii": ("type II income multiplier", "ratio", "income_total_j / w_j"),
        "employment": (
            "jobs per unit of final demand",
            "jobs (the table's employment units) per {units}",
            "sum_i e_i l_ij, e_i = jobs_i / x_i",
        ),
        "employment_type_i": ("type I employment multiplier", "ratio", "employment_j / e_j"),
        "employment_type_ii": (
            "type II employment multiplier",
            "ratio",
            "sum_i e_i l(closed)_ij / e_j",
        ),
        "value_added": (
            "value added per unit of final demand",
            "ratio ({units} per {units})",
            "sum_i v_i l_ij, v_i = VA_i / x_i",
        ),
    },
    "extraction": _EXTRACTION,
    "important_coefficients": {
        "rank": ("rank by the chosen measure (1 = most important)", "rank", ""),
        "supplier_region": ("region of the supplier (multi-regional tables)", "label", ""),
        "supplier": ("supplying sector i", "label", ""),
        "buyer_region": ("region of the buyer (multi-regional tables)", "label", ""),
        "buyer": ("buying sector j", "label", ""),
        "a": ("input coefficient a_ij", "ratio ({units} per {units})", "z_ij / x_j"),
        "elasticity": (
            "% change of total output per 1 % change of a_ij",
            "elasticity",
            "a_ij m_i x_j / X",
        ),
        "output_effect": (
            "change of total output per unit change of a_ij",
            "{units}",
            "m_i x_j",
        ),
        "field_total": ("total of the field of influence of a_ij", "ratio", "m_i r_j"),
        "tolerable_change_pct": (
            "increase of a_ij that changes some output by 1 % (smaller = more important)",
            "percent of a_ij",
            "Schintke & Staglin tolerable limit",
        ),
    },
    "regional_linkages": {
        "sector": ("sector", "label", ""),
        "region": ("region of the sector", "label", ""),
        "output_multiplier": _LINKAGE["output_multiplier"],
        "bl_intra": ("the part of the multiplier produced in the sector's region", "ratio", ""),
        "bl_inter": ("the part produced in other regions (spillover)", "ratio", ""),
        "intraregional": (
            "own-region multiplier of the region taken alone (no trade)",
            "ratio",
            "1'(I - A_rr)^-1 e_j",
        ),
        "feedback": ("output that comes back through other regions", "ratio", "bl_intra - intra"),
        "spillover_share": (
            "share of the multiplier leaking out of the region",
            "share (0-1)",
            "bl_inter / output_multiplier",
        ),
        "fl_total": ("forward (Rasmussen) linkage: row sum of L", "ratio", "sum_k l_jk"),
        "fl_intra": ("forward linkage to the own region's sectors", "ratio", ""),
        "fl_inter": ("forward linkage to other regions' sectors", "ratio", ""),
    },
    "region_pairs": {
        "demand_region": ("region s whose products are demanded", "label", ""),
        "output_region": ("region r that produces", "label", ""),
        "output": ("output of r caused by final demand for s's products", "{units}", "X_rs"),
        "intraregional": ("what s would produce alone (diagonal)", "{units}", ""),
        "feedback": ("X_ss - intraregional (diagonal)", "{units}", ""),
        "spillover": ("X_rs off the diagonal: spillover from s to r", "{units}", ""),
        "share": ("X_rs over all output caused by s", "share (0-1)", ""),
    },
    "firms": {
        "firm_id": ("firm id of the firm list", "label", ""),
        "name": ("firm name", "text", ""),
        "sector": ("sector of the firm", "label", ""),
        "sentra": ("sentra of the firm", "label", ""),
        "region": ("region of the firm", "label", ""),
        "community": ("detected community (0 = largest)", "label", "see communities"),
        "workers": ("workers", "persons", ""),
        "size_class": (
            "household 1-4, small 5-19, medium 20-99, large 100+ workers",
            "class",
            "BPS bands",
        ),
        "lat": ("latitude", "degrees", ""),
        "lon": ("longitude", "degrees", ""),
        "purchases_total": ("value bought, all counterparties", "survey money units", ""),
        "purchases_sentra": (
            "value bought from listed firms of the same sentra",
            "survey money units",
            "",
        ),
        "purchases_area": ("value bought from listed firms", "survey money units", ""),
        "purchases_outside": ("value bought from outside parties", "survey money units", ""),
        "sales_total": ("value sold, all counterparties", "survey money units", ""),
        "sales_sentra": ("value sold to listed firms of the same sentra", "survey money units", ""),
        "sales_area": ("value sold to listed firms", "survey money units", ""),
        "sales_outside": ("value sold to outside parties", "survey money units", ""),
        "local_input_share": (
            "share of purchases from listed firms",
            "share (0-1)",
            "purchases_area / purchases_total",
        ),
        "intermediary_sales_share": (
            "share of sales to or via middlemen",
            "share (0-1)",
            "/ sales_total",
        ),
        "in_degree": ("distinct suppliers", "count", ""),
        "out_degree": ("distinct buyers", "count", ""),
        "output": ("output x of the firm IO system", "survey money units", ""),
        "bl_direct": ("direct backward linkage", "ratio", "column sum of A"),
        "fl_direct": ("direct forward linkage", "ratio", "row sum of B"),
        "output_multiplier": _LINKAGE["output_multiplier"],
        "bl_total": _LINKAGE["bl_total"],
        "fl_total": _LINKAGE["fl_total"],
        "linkage_class": ("key (both above 1), backward, forward or weak", "class", ""),
    },
    "outside_parties": {
        "party_id": ("id in the transactions that is not a listed firm", "label", ""),
        "role": ("outside_supplier, outside_buyer or both", "class", "from the transactions"),
        "is_intermediary": ("a middleman (pengepul)", "true/false", "parties file or pattern"),
        "n_transactions": ("transactions with listed firms", "count", ""),
        "value_sold_to_firms": ("value sold to listed firms", "survey money units", ""),
        "value_bought_from_firms": ("value bought from listed firms", "survey money units", ""),
        "name": ("name in the parties file", "text", ""),
        "kind": ("intermediary, supplier or buyer (parties file)", "class", ""),
        "region": ("region in the parties file", "label", ""),
    },
    "firm_extraction": {
        "firm_id": ("firm extracted (NaN values: a firm in a closed loop)", "label", ""),
        **{
            k: (
                v[0].replace("sector", "firm"),
                "survey money units" if v[1] == "{units}" else v[1],
                v[2],
            )
            for k, v in _EXTRACTION.items()
            if k not in ("sector", "region")
        },
    },
    "impact": {
        "scenario": ("scenario: a value column of the shock file", "label", ""),
        "sector": ("sector (households: the closed model's own row)", "label", ""),
        "measure": (
            "output, value_added, income, employment or a satellite account",
            "label",
            "coefficient per unit of output times dx",
        ),
        "value": ("change in the measure", "the measure's unit (printed)", "docs/impact.md"),
    },
    "scenario_linkages": {
        "sector": ("sector of the sentra table (in either table)", "label", ""),
        "measure": (
            "total_output or a column of linkages.csv (output_multiplier, bl_*, fl_*, *_cv)",
            "label",
            "docs/linkages.md",
        ),
        "before": ("the measure on the survey's network (NaN: no such sector)", _MEASURED, ""),
        "after": ("the measure after the scenario (NaN: no such sector)", _MEASURED, ""),
        "change": ("after - before", _MEASURED, ""),
    },
    "sector_table_before": _WIDE,
    "sector_table_after": _WIDE,
    "decomposition": {
        "sector": ("sector (common sector with a concordance)", "label", ""),
        "delta_x": ("change in total output x1 - x0", "{units}", ""),
        "technology": ("part due to the change in input coefficients", "{units}", "dL f"),
        "final_demand": ("part due to the change in final demand", "{units}", "L df"),
        "level": ("part of final_demand due to its total", "{units}", "--split-final-demand"),
        "mix": ("part of final_demand due to its composition", "{units}", "--split-final-demand"),
    },
    "sentra": {"sentra": ("sentra", "label", ""), **_ACTIVITY},
    "communities": {
        "community": ("community label (0 = largest)", "label", ""),
        "n_members": ("members, outside parties included", "count", ""),
        "n_outside": ("outside parties among the members", "count", ""),
        "sentra_composition": ("sentra of the member firms and their counts", "text", ""),
        "main_sectors": ("the most common sectors of the member firms", "text", ""),
        **_ACTIVITY,
    },
    "sector_table": _WIDE,
    "regional_table": _WIDE,
    "lq": {"seller": ("selling sector i (row of the table)", "label", "")},
}


def _wide_column(sheet: str, column: str, frame: pd.DataFrame | None):
    """Meaning of a sector or final-demand column of a wide table, or of a column of lq."""
    attrs = frame.attrs if frame is not None else {}
    if sheet == "lq":
        if column in attrs.get("sectors", ()):
            return (
                f"location quotient LQ_ij for the coefficient of buyer {column!r}",
                "ratio",
                "r_ij = a_ij min(1, LQ_ij)",
            )
        return None
    if column in attrs.get("sectors", ()):
        return (
            f"sales of the row to sector {column!r} (z_ij; primary-input rows: its input)",
            "{units}",
            "Z and the primary inputs",
        )
    if column in attrs.get("final_demand", ()):
        return (f"final demand: {column}", "{units}", "a column of f")
    return None


def describe_column(sheet: str, column: str, frame: pd.DataFrame | None = None):
    """``(meaning, unit, method)`` of a column of a result, or None when unknown.

    ``frame`` (the result itself) names the sector and final-demand columns of the wide
    tables and the firm-list columns kept as given.

    Examples
    --------
    >>> describe_column("linkages", "bl_total")[0]
    "total backward linkage (Rasmussen's power of dispersion)"
    >>> describe_column("linkages", "no such column") is None
    True
    """
    known = COLUMNS.get(sheet, {}).get(column)
    if known is not None:
        return known
    if sheet in ("sector_table", "regional_table", "lq", *SCENARIO_TABLES):
        return _wide_column(sheet, column, frame)
    if frame is not None and column in frame.attrs.get("input_columns", ()):
        return ("a column of the firm list, kept as given", "as in the firm list", "")
    return None


def readme_frame(frames: dict, strict: bool = False) -> pd.DataFrame:
    """The README sheet: for each result a row on the sheet, then one row per column.

    Parameters
    ----------
    frames : dict
        Sheet name -> (result name, frame), in the order of the workbook.
    strict : bool
        Raise ``KeyError`` for a column the dictionary does not describe (the tests);
        otherwise it is listed as ``(not described)``.

    Examples
    --------
    >>> fr = pd.DataFrame({"sector": ["a"], "bl_total": [1.0]})
    >>> fr.attrs.update(method="dense", residual=1e-16)
    >>> readme_frame({"linkages": ("linkages", fr)})["column"].tolist()
    ['', 'sector', 'bl_total']
    """
    rows = []
    for sheet, (name, frame) in frames.items():
        units = frame.attrs.get("units") or "the table's money units"
        what, method = SHEETS.get(name, ("", ""))
        solved = []
        residual = frame.attrs.get("residual")
        if frame.attrs.get("method"):
            used = "solver" if residual is not None else "method"
            solved.append(f"{used} {frame.attrs['method']}")
        if residual is not None:
            solved.append(f"relative residual {residual:.1e}")
        rows.append((sheet, "", what, frame.attrs.get("units") or "", "; ".join([method, *solved])))
        for column in frame.columns:
            found = describe_column(name, str(column), frame)
            if found is None:
                if strict:
                    raise KeyError(f"result {name!r}: column {column!r} is not described")
                found = ("(not described)", "", "")
            meaning, unit, how = found
            rows.append((sheet, str(column), meaning, unit.format(units=units), how))
    return pd.DataFrame(rows, columns=["sheet", "column", "meaning", "unit", "method"])
