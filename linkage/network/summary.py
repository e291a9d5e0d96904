"""The headline figures of a supply network: what was read and used, and where trade goes."""

from __future__ import annotations

from .metrics import node_flows

__all__ = ["network_summary"]


def network_summary(net) -> dict:
    """What was read, merged and skipped, and the headline shares of a network.

    Parameters
    ----------
    net : SupplyNetwork

    Returns
    -------
    dict
        ``firms, outside_parties, intermediaries, transactions_read, transactions_used,
        pairs, duplicate_rows_merged, self_loops_skipped, zero_values_skipped,
        invalid_rows_skipped, firms_without_transactions, cooperation_ties,
        cooperation_skipped, total_value, value_among_firms, value_from_outside,
        value_to_outside, value_between_outside, inside_share, local_input_share,
        intermediary_sales_share``. ``inside_share`` is the value traded among listed
        firms over all trade of listed firms; ``local_input_share`` the share of the
        firms' purchases bought from listed firms; ``intermediary_sales_share`` the share
        of their sales that went to or through middlemen.

    Examples
    --------
    >>> import pandas as pd
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "y"]})
    >>> tx = pd.DataFrame({"supplier": ["S", "A", "B"], "buyer": ["A", "B", "OUT"],
    ...                    "value": [1, 3, 4]})
    >>> s = network_summary(SupplyNetwork.from_frames(firms, tx))
    >>> s["value_among_firms"], s["inside_share"], s["local_input_share"]
    (3.0, 0.375, 0.75)
    """
    d = net.diagnostics
    e = net.edges
    src, dst = e["source"].to_numpy(), e["target"].to_numpy()
    val = e["value"].to_numpy()
    fs, fd = src < net.n_firms, dst < net.n_firms
    among = float(val[fs & fd].sum())
    from_out = float(val[~fs & fd].sum())
    to_out = float(val[fs & ~fd].sum())
    between = float(val[~fs & ~fd].sum())
    firm_trade = among + from_out + to_out
    flows = node_flows(net)
    purchases = float(flows["purchases_total"][: net.n_firms].sum())
    sales = float(flows["sales_total"][: net.n_firms].sum())
    via = float(flows["sales_intermediary"][: net.n_firms].sum())
    return {
        "firms": net.n_firms,
        "outside_parties": net.n_nodes - net.n_firms,
        "intermediaries": int(net.is_intermediary.sum()),
        "transactions_read": int(net._n_rows_read),
        "transactions_used": int(net._n_rows_used),
        "pairs": len(e),
        "duplicate_rows_merged": d.count("duplicate_transactions"),
        "self_loops_skipped": d.count("self_loops"),
        "zero_values_skipped": d.count("zero_values"),
        "invalid_rows_skipped": d.count("invalid_values")
        + d.count("negative_values")
        + d.count("missing_ids"),
        "firms_without_transactions": d.count("firms_without_transactions"),
        "cooperation_ties": len(net.cooperation),
        "cooperation_skipped": d.count("cooperation_unknown_ids") + d.count("cooperation_self"),
        "total_value": float(val.sum()),
        "value_among_firms": among,
        "value_from_outside": from_out,
        "value_to_outside": to_out,
        "value_between_outside": between,
        "inside_share": among / firm_trade if firm_trade else float("nan"),
        "local_input_share": among / purchases if purchases else float("nan"),
        "intermediary_sales_share": via / sales if sales else float("nan"),
    }
