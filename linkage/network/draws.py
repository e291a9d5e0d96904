"""Monte Carlo over survey uncertainty: redraw a network's values and firms, recompute.

A survey's transaction values are estimates. :func:`run_draws` redraws them (and,
optionally, which firms were surveyed) and recomputes, for every draw, what ``linkage
network`` computes: the linkages of the sentra IO table, the firm metrics and the
active/passive verdict of every sentra. :func:`summarize_draws` puts the 5th, 50th and
95th percentiles of the draws next to the point estimates.

* **Values**: each transaction row's value ``v`` is replaced by ``v * exp(sigma z - sigma^2
  / 2)``, ``z`` standard normal, ``sigma^2 = ln(1 + C^2)``: a lognormal with mean ``v`` and
  coefficient of variation ``C`` (one ``C`` for all rows, or one per row from a survey
  column: ``linkage.pipeline.draws.survey_value_errors``). The rows of one pair are drawn
  independently and summed. ``C = 0`` gives the recorded values exactly.
* **Firms** (``bootstrap_firms``): the firms of each sentra are resampled with
  replacement (Snijders & Borgatti 1999's vertex bootstrap): a firm drawn ``k`` times
  appears as ``k`` copies with all its ties (a tie between two firms joins every copy of
  one to every copy of the other), a firm not drawn is absent. Every sentra keeps its
  number of firms; firms without a sentra are kept as they are.
* **Seeds**: draw ``i`` uses ``SeedSequence(seed, spawn_key=(i,))``, the ``i``-th child of
  ``SeedSequence(seed).spawn``: a draw depends on the seed and its index only.

References
----------
Snijders, T. A. B., & Borgatti, S. P. (1999). Non-parametric standard errors and tests for
network statistics. *Connections*, 22(2), 161-170.
"""

from __future__ import annotations

import copy
import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..analysis.linkages import linkages
from ..errors import LinkageWarning
from .communities import find_clusters
from .sentra import sentra_labels

__all__ = [
    "DrawOptions",
    "ValueErrors",
    "Draws",
    "LINKAGE_MEASURES",
    "FIRM_MEASURES",
    "SENTRA_MEASURES",
    "check_cv",
    "value_errors",
    "lognormal_factors",
    "draw_values",
    "bootstrap_multiplicity",
    "draw_network",
    "network_measures",
    "run_draws",
    "draw_task",
    "summarize_draws",
]

#: Linkage columns of the sentra IO table that are summarized (``linkage.linkages``).
LINKAGE_MEASURES = (
    "output_multiplier",
    "bl_direct",
    "fl_direct",
    "bl_total",
    "fl_total",
    "fl_rasmussen",
)
#: Firm metric columns that are summarized (``SupplyNetwork.firm_metrics``).
FIRM_MEASURES = (
    "purchases_total",
    "sales_total",
    "local_input_share",
    "intermediary_sales_share",
    "output",
    "bl_direct",
    "fl_direct",
    "output_multiplier",
    "bl_total",
    "fl_total",
)
#: Sentra activity columns that are summarized (``find_clusters(...).sentra``).
SENTRA_MEASURES = (
    "internal_value",
    "internal_share",
    "expected_internal_share",
    "excess",
    "reciprocity",
    "cooperation_density",
    "p_value",
    "activity_score",
)
#: Firm column holding the recorded survey's sentra in bootstrap draws.
PINNED_SENTRA = "_sentra_of_survey"
#: Percentiles written next to each point estimate.
PERCENTILES = (5, 50, 95)


@dataclass(frozen=True)
class DrawOptions:
    """What is redrawn: ``n_draws`` draws seeded by ``seed``; ``bootstrap_firms``.

    The value errors themselves (one coefficient of variation per transaction row) are a
    :class:`ValueErrors` from :func:`value_errors`.

    Examples
    --------
    >>> DrawOptions(n_draws=0)
    Traceback (most recent call last):
    ...
    ValueError: n_draws must be a whole number of 1 or more (got 0)
    """

    n_draws: int
    seed: int = 0
    bootstrap_firms: bool = False

    def __post_init__(self):
        if isinstance(self.n_draws, bool) or int(self.n_draws) != self.n_draws or self.n_draws < 1:
            raise ValueError(f"n_draws must be a whole number of 1 or more (got {self.n_draws})")
        if isinstance(self.seed, bool) or int(self.seed) != self.seed or self.seed < 0:
            raise ValueError(f"seed must be a whole number of 0 or more (got {self.seed})")

    def rng(self, draw: int) -> np.random.Generator:
        """The generator of draw ``draw``: it depends on ``seed`` and ``draw`` only."""
        return np.random.default_rng(np.random.SeedSequence(int(self.seed), spawn_key=(draw,)))


@dataclass(frozen=True)
class ValueErrors:
    """The transaction rows behind the edges: ``edge`` (the edge of each row), ``value``
    and ``cv`` (its coefficient of variation), arrays of one length."""

    edge: np.ndarray
    value: np.ndarray
    cv: np.ndarray


def check_cv(cv) -> float:
    """``cv`` as a float; a negative or non-finite CV is an error."""
    cv = float(cv)
    if not (math.isfinite(cv) and cv >= 0):
        raise ValueError(f"the value CV must be a finite number of 0 or more (got {cv:g})")
    return cv


def value_errors(network, cv=0.0) -> ValueErrors:
    """Every edge (a supplier-buyer pair, its rows summed) as one row with CV ``cv``.

    ``linkage.pipeline.draws.survey_value_errors`` reads the rows of the transaction
    table instead (and a CV column).

    Examples
    --------
    >>> from linkage import SupplyNetwork
    >>> net = SupplyNetwork.from_arrays([0, 1], [1, 2], [5.0, 1.0], n_firms=2)
    >>> value_errors(net, 0.2)
    ValueErrors(edge=array([0, 1]), value=array([5., 1.]), cv=array([0.2, 0.2]))
    """
    value = network.edges["value"].to_numpy(dtype=float)
    return ValueErrors(np.arange(len(value)), value, np.full(len(value), check_cv(cv)))


def draw_values(errors: ValueErrors, values, rng: np.random.Generator) -> np.ndarray:
    """The edge values of one draw: every row of ``errors`` redrawn, summed by edge.

    ``values`` are the recorded edge values; an edge keeps ``values * drawn / recorded``
    (``recorded`` = its rows summed), exactly its value where every CV is 0.

    Examples
    --------
    >>> e = ValueErrors(np.array([0, 0, 1]), np.array([1.0, 3.0, 2.0]), np.array([0.5, 0.5, 0]))
    >>> v = draw_values(e, np.array([4.0, 2.0]), np.random.default_rng(0))
    >>> bool(v[0] != 4.0), float(v[1])
    (True, 2.0)
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    factors = lognormal_factors(errors.cv, rng)
    drawn = np.bincount(errors.edge, weights=errors.value * factors, minlength=n)
    recorded = np.bincount(errors.edge, weights=errors.value, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        # x / x is exactly 1: with C = 0 every value is the recorded one
        return np.where(recorded > 0, values * (drawn / recorded), values)


def lognormal_factors(cv, rng: np.random.Generator) -> np.ndarray:
    """Mean-one lognormal factors with coefficient of variation ``cv`` (one per entry).

    ``exp(sigma z - sigma^2 / 2)`` with ``sigma^2 = ln(1 + cv^2)``: mean 1, variance
    ``cv^2``; exactly 1 where ``cv`` is 0.

    Examples
    --------
    >>> f = lognormal_factors(np.full(200_000, 0.5), np.random.default_rng(0))
    >>> round(float(f.mean()), 2), round(float(f.std() / f.mean()), 2)
    (1.0, 0.5)
    >>> lognormal_factors(np.zeros(3), np.random.default_rng(0)).tolist()
    [1.0, 1.0, 1.0]
    """
    cv = np.asarray(cv, dtype=float)
    sigma2 = np.log1p(cv**2)
    return np.exp(np.sqrt(sigma2) * rng.standard_normal(cv.shape) - sigma2 / 2)


def bootstrap_multiplicity(groups, rng: np.random.Generator) -> np.ndarray:
    """How many times each firm is drawn when the firms of each group are resampled.

    ``groups`` holds a group code per firm (-1: no group, drawn once). Each group's counts
    sum to its size.

    Examples
    --------
    >>> m = bootstrap_multiplicity(np.array([0, 0, 0, 1, 1, -1]), np.random.default_rng(1))
    >>> int(m[:3].sum()), int(m[3:5].sum()), int(m[5])
    (3, 2, 1)
    """
    groups = np.asarray(groups, dtype=np.int64)
    out = np.ones(len(groups), dtype=np.int64)
    for g in np.unique(groups[groups >= 0]):
        members = np.flatnonzero(groups == g)
        out[members] = rng.multinomial(len(members), np.full(len(members), 1 / len(members)))
    return out


def _expand_pairs(a, b, mult, first):
    """Every (copy of a, copy of b) for each pair: new codes and the pair each came from."""
    ma, mb = mult[a], mult[b]
    reps = ma * mb
    pair = np.repeat(np.arange(len(a)), reps)
    within = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    return first[a][pair] + within // mb[pair], first[b][pair] + within % mb[pair], pair


def draw_network(network, values, multiplicity=None):
    """The network with edge values ``values`` and each firm present ``multiplicity`` times.

    A firm's first copy keeps its id, the others are ``id#2``, ``id#3`` ...; the part of a
    value sold through an intermediary scales with the value.

    Examples
    --------
    >>> from linkage import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B", "C"], "sector": ["x"] * 3})
    >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "C"], "value": [1.0, 2.0]})
    >>> net = draw_network(SupplyNetwork.from_frames(firms, tx), [3.0, 4.0], [0, 2, 1])
    >>> net.nodes.tolist(), net.edges[["source", "target", "value"]].to_numpy().tolist()
    (['B', 'B#2', 'C'], [[0.0, 2.0, 4.0], [1.0, 2.0, 4.0]])
    """
    net = copy.copy(network)
    e = network.edges.copy()
    values = np.asarray(values, dtype=float)
    if "value_intermediary" in e.columns:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(e["value"] > 0, values / e["value"].to_numpy(), 0.0)
        e["value_intermediary"] = e["value_intermediary"].to_numpy() * ratio
    e["value"] = values
    net.edges = e
    if multiplicity is None or np.all(np.asarray(multiplicity) == 1):
        return net
    return _with_copies(net, np.asarray(multiplicity, dtype=np.int64))


def _with_copies(net, mult):
    """``net`` (values already drawn) with firm ``i`` present ``mult[i]`` times."""
    n, n_out = net.n_firms, net.n_nodes - net.n_firms
    of = np.repeat(np.arange(n), mult)  # the original firm of each new firm
    copy_no = np.arange(len(of)) - np.repeat(np.cumsum(mult) - mult, mult)
    ids = net.firms.index.to_numpy(dtype=object)[of]
    ids = np.where(copy_no == 0, ids, ids + "#" + (copy_no + 1).astype(str))
    node_mult = np.concatenate([mult, np.ones(n_out, dtype=np.int64)])
    first = np.concatenate([np.cumsum(mult) - mult, len(of) + np.arange(n_out)])
    e = net.edges
    src, dst, pair = _expand_pairs(e["source"].to_numpy(), e["target"].to_numpy(), node_mult, first)
    edges = e.iloc[pair].reset_index(drop=True).assign(source=src, target=dst)
    net.edges = edges.sort_values(["source", "target"], kind="stable").reset_index(drop=True)
    c = net.cooperation
    a, b, pair = _expand_pairs(c["a"].to_numpy(), c["b"].to_numpy(), node_mult, first)
    net.cooperation = c.iloc[pair].reset_index(drop=True).assign(a=a, b=b)
    net.firms = net.firms.iloc[of].set_axis(pd.Index(ids, name="firm_id", dtype="str"))
    net.nodes = pd.Index(np.concatenate([ids, net.nodes[n:].to_numpy(dtype=object)]),
                         name="node", dtype="str")  # fmt: skip
    net.n_firms, net.n_nodes = len(of), len(of) + n_out
    net.is_firm = np.arange(net.n_nodes) < net.n_firms
    net.is_intermediary = np.concatenate([net.is_intermediary[:n][of], net.is_intermediary[n:]])
    return net


def network_measures(network, *, solver="auto", by="sector", area=None, detection=None):
    """What ``linkage network`` computes, for one network: three labelled frames.

    Returns ``(linkages, firms, sentra)``: :func:`linkage.linkages` of the sentra IO table
    (``network.to_iotable(by, area)``, without dispersion), ``network.firm_metrics`` and
    ``find_clusters(network, **detection).sentra``.

    Examples
    --------
    >>> from linkage import load_example_network
    >>> lk, firms, sentra = network_measures(load_example_network(),
    ...                                      detection={"n_permutations": 19})
    >>> lk.index.name, firms.index.name, sentra.index.name
    ('sector', 'firm_id', 'sentra')
    """
    table = network.to_iotable(by=by, area=area)
    lk = linkages(table, solver, dispersion=False)
    metrics = network.firm_metrics(solver)
    sentra = find_clusters(network, **(detection or {})).sentra
    return lk, metrics, sentra


@dataclass
class Draws:
    """Draws ``draw`` (indices) of the measures, aligned on the point estimates' labels.

    ``linkages``, ``firms``, ``sentra``: arrays (draw, label, measure) of
    :data:`LINKAGE_MEASURES`, :data:`FIRM_MEASURES`, :data:`SENTRA_MEASURES` (NaN where a
    label is absent from a draw); ``key_sector``, ``key_firm``, ``active``, ``present``:
    (draw, label) booleans (a sector is key, a firm is key, a sentra is active, a firm is
    in the draw).
    """

    draw: np.ndarray
    linkages: np.ndarray
    firms: np.ndarray
    sentra: np.ndarray
    key_sector: np.ndarray
    key_firm: np.ndarray
    active: np.ndarray
    present: np.ndarray

    @classmethod
    def concat(cls, parts) -> Draws:
        """The draws of several parts, in the order of their indices."""
        parts = list(parts)
        order = np.argsort(np.concatenate([p.draw for p in parts]), kind="stable")
        fields = cls.__dataclass_fields__
        return cls(**{f: np.concatenate([getattr(p, f) for p in parts])[order] for f in fields})


def _aligned(frame, labels, measures, flag_column=None, flag_value=None):
    """The measures (and a flag) of one draw, reindexed on the point estimate's labels."""
    frame = frame.reindex(labels)
    values = frame.loc[:, list(measures)].to_numpy(dtype=float)
    flag = None if flag_column is None else (frame[flag_column] == flag_value).to_numpy(bool)
    return values, flag


def run_draws(network, options, errors, draws, *, point=None, **analysis) -> Draws:
    """Draws ``draws`` (indices) of the network's measures.

    Parameters
    ----------
    network : SupplyNetwork
    options : DrawOptions
    errors : ValueErrors
        From :func:`value_errors`.
    draws : iterable of int
        Draw indices (each seeded on its own, see the module notes).
    point : tuple of DataFrame, optional
        :func:`network_measures` of ``network`` (computed when not given): the labels the
        draws are aligned on.
    **analysis
        ``solver``, ``by``, ``area``, ``detection`` of :func:`network_measures`.

    Returns
    -------
    Draws

    Examples
    --------
    >>> from linkage import load_example_network
    >>> net = load_example_network()
    >>> d = run_draws(net, DrawOptions(4, seed=1), value_errors(net, 0.3), [0, 2],
    ...               detection={"n_permutations": 19})
    >>> d.draw.tolist(), d.linkages.shape[:2], d.active.shape
    ([0, 2], (2, 5), (2, 4))
    """
    point = network_measures(network, **analysis) if point is None else point
    groups = None
    if options.bootstrap_firms:
        network, analysis, groups = _pinned_sentra(network, analysis)
    draws = np.asarray(list(draws), dtype=np.int64)
    found = [_one_draw(network, options, errors, int(i), point, groups, analysis) for i in draws]
    if not found:
        raise ValueError("run_draws needs at least one draw index")
    out = {field: np.stack([d[field] for d in found]) for field in found[0]}
    return Draws(draw=draws, **out)


def draw_task(item) -> Draws:
    """One task of draws: ``item = (job, start, stop)``, ``job`` a dict of the arguments of
    :func:`run_draws` (``network``, ``options``, ``errors``, ``point``, ``analysis``);
    the draws ``start .. stop - 1``. Module-level, so worker processes import only
    :mod:`linkage.network`.
    """
    job, start, stop = item
    args = (job["network"], job["options"], job["errors"], range(start, stop))
    return run_draws(*args, point=job["point"], **job["analysis"])


def _pinned_sentra(network, analysis):
    """The network with its sentra as a column the copies inherit, and the detection
    reading it: co-location sites are named by first appearance, which a bootstrap
    reorders; the labels of the recorded survey stay. Also the sentra code per firm."""
    detection = dict(analysis.get("detection") or {})
    labels = sentra_labels(
        network, detection.get("sentra"), radius_km=detection.get("radius_km", 1.0)
    )
    pinned = copy.copy(network)
    pinned.firms = network.firms.assign(**{PINNED_SENTRA: labels.to_numpy(dtype=object)})
    detection["sentra"] = PINNED_SENTRA
    groups = pd.factorize(labels, use_na_sentinel=True)[0]
    return pinned, {**analysis, "detection": detection}, groups


def _one_draw(network, options, errors, i, point, groups, analysis) -> dict:
    """The measures of draw ``i``, aligned on the labels of ``point``."""
    rng = options.rng(i)
    values = draw_values(errors, network.edges["value"].to_numpy(dtype=float), rng)
    mult = None if groups is None else bootstrap_multiplicity(groups, rng)
    with warnings.catch_warnings():  # the point estimate has said it once
        warnings.simplefilter("ignore", LinkageWarning)
        lk, firms, sentra = network_measures(draw_network(network, values, mult), **analysis)
    lk0, firms0, sentra0 = point
    out = {}
    out["linkages"], out["key_sector"] = _aligned(
        lk, lk0.index, LINKAGE_MEASURES, "key_sector", "key"
    )
    out["firms"], out["key_firm"] = _aligned(
        firms, firms0.index, FIRM_MEASURES, "linkage_class", "key"
    )
    out["present"] = firms0.index.isin(firms.index)
    out["sentra"], out["active"] = _aligned(
        sentra, sentra0.index, SENTRA_MEASURES, "activity", "active"
    )
    return out


def _intervals(frame, measures, values) -> pd.DataFrame:
    """``frame`` with ``m_p5, m_p50, m_p95`` after each measure ``m`` (NaN draws left out)."""
    with warnings.catch_warnings():  # a label absent from every draw: all NaN, no warning
        warnings.simplefilter("ignore", RuntimeWarning)
        q = (
            np.nanpercentile(values, PERCENTILES, axis=0)
            if values.size
            else np.zeros((3,) + values.shape[1:])
        )
    out = {}
    for j, m in enumerate(measures):
        out[m] = frame[m].to_numpy(dtype=float)
        for k, p in enumerate(PERCENTILES):
            out[f"{m}_p{p}"] = q[k][:, j]
    return pd.DataFrame(out, index=frame.index)


def summarize_draws(point, draws: Draws) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Point estimates with the 5th, 50th and 95th percentiles of the draws next to them.

    Returns ``(linkages, firms, sentra)``:

    * linkages, one row per sector: ``key_sector`` (point), ``share_key`` (share of draws
      in which it is a key sector), then for each of :data:`LINKAGE_MEASURES` the point
      value ``m`` and ``m_p5, m_p50, m_p95``;
    * firms, one row per firm: ``sector`` (and ``sentra``), ``linkage_class``,
      ``share_key``, ``share_present`` (share of draws the firm is in: below 1 only with
      the bootstrap), then :data:`FIRM_MEASURES` with their percentiles over the draws the
      firm is in;
    * sentra, one row per sentra: ``n_firms``, ``activity`` (point), ``share_active``
      (share of draws in which it is active), then :data:`SENTRA_MEASURES` with their
      percentiles.

    ``.attrs["n_draws"]`` is the number of draws.

    Examples
    --------
    >>> from linkage import load_example_network
    >>> net = load_example_network()
    >>> detection = {"n_permutations": 19}
    >>> point = network_measures(net, detection=detection)
    >>> d = run_draws(net, DrawOptions(3), value_errors(net, 0.0), range(3), point=point,
    ...               detection=detection)
    >>> lk, firms, sentra = summarize_draws(point, d)
    >>> bool((lk["bl_total_p5"] == lk["bl_total"]).all()), sentra["share_active"].tolist()
    (True, [1.0, 1.0, 0.0, 0.0])
    """
    lk0, firms0, sentra0 = point
    lk = lk0[["key_sector"]].assign(share_key=draws.key_sector.mean(axis=0))
    lk = lk.join(_intervals(lk0, LINKAGE_MEASURES, draws.linkages))
    labels = [c for c in ("sector", "sentra", "linkage_class") if c in firms0.columns]
    firms = firms0[labels].assign(
        share_key=draws.key_firm.mean(axis=0), share_present=draws.present.mean(axis=0)
    )
    firms = firms.join(_intervals(firms0, FIRM_MEASURES, draws.firms))
    sentra = sentra0[["n_firms", "activity"]].assign(share_active=draws.active.mean(axis=0))
    sentra = sentra.join(_intervals(sentra0, SENTRA_MEASURES, draws.sentra))
    for frame in (lk, firms, sentra):
        frame.attrs["n_draws"] = len(draws.draw)
    return lk, firms, sentra
