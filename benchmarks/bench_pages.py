"""Benchmark: time to a stable first render of network pages in headless Chromium.

For synthetic sentra surveys of 1,000, 5,000 and 20,000 firms (sentra of 50 firms; about
four trade links per firm, mostly inside the sentra, the rest to middlemen and from
outside suppliers; cooperation ties inside sentra), writes the page with
:func:`linkage.viz.network_html` twice: ``default`` (collapses to one node per sentra
above 5,000 nodes, at most 50,000 links) and ``full`` (every firm and link). Each page is
opened in Debian's Chromium (``/usr/bin/chromium``, driven by playwright, every non-file
request blocked and counted) and timed from navigation to the page's ``ready`` flag,
set on vis-network's first ``afterDrawing`` (physics is off, positions precomputed, so the
first drawing is the stable one). Results go to ``benchmarks/results/pages.json``.

Run: ``python benchmarks/bench_pages.py [n_firms ...]``.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results" / "pages.json"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def make_survey(n_firms: int, seed: int = 0, sentra_size: int = 50):
    """Synthetic firms, transactions, cooperation and parties frames (seeded)."""
    rng = np.random.default_rng(seed)
    n_sentra = max(n_firms // sentra_size, 1)
    sentra = np.arange(n_firms) % n_sentra
    firm_ids = np.array([f"F{i:06d}" for i in range(n_firms)])
    firms = pd.DataFrame(
        {
            "firm_id": firm_ids,
            "sector": np.array(["batik", "ceramics", "leather", "metal"])[sentra % 4],
            "sentra": [f"Sentra {s:04d}" for s in sentra],
            "workers": rng.integers(1, 120, n_firms),
            "name": [f"Usaha {i} <{'&' if i % 7 == 0 else ''}>" for i in range(n_firms)],
        }
    )
    members = [np.flatnonzero(sentra == s) for s in range(n_sentra)]
    m_in = 3 * n_firms
    a = rng.integers(0, n_firms, m_in)
    b = np.array([members[sentra[i]][rng.integers(0, len(members[sentra[i]]))] for i in a])
    pgp = np.array([f"PGP-{s // 5:03d}" for s in sentra])  # one middleman per 5 sentra
    sup = np.array([f"SUP-{s // 10:03d}" for s in sentra])
    sellers = rng.integers(0, n_firms, n_firms // 2)
    buyers = rng.integers(0, n_firms, n_firms // 2)
    tx = pd.DataFrame(
        {
            "supplier": np.concatenate([firm_ids[a], firm_ids[sellers], sup[buyers]]),
            "buyer": np.concatenate([firm_ids[b], pgp[sellers], firm_ids[buyers]]),
            "value": np.round(rng.lognormal(15, 1.2, m_in + 2 * (n_firms // 2)), -3),
        }
    )
    tx = tx[tx["supplier"] != tx["buyer"]]
    c = rng.integers(0, n_firms, n_firms // 2)
    d = np.array([members[sentra[i]][rng.integers(0, len(members[sentra[i]]))] for i in c])
    coop = pd.DataFrame({"firm_a": firm_ids[c], "firm_b": firm_ids[d], "kind": "shared_equipment"})
    coop = coop[coop["firm_a"] != coop["firm_b"]]
    parties = pd.DataFrame({"party_id": np.unique(pgp), "kind": "intermediary"})
    return firms, tx, coop, parties


def open_page(browser, path: Path, timeout_s: float = 600) -> dict:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    blocked, errors = [], []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    t0 = time.perf_counter()
    page.goto(path.resolve().as_uri(), timeout=timeout_s * 1000)
    t_loaded = time.perf_counter() - t0
    page.wait_for_function(
        "window.linkageGraph && window.linkageGraph.ready", timeout=timeout_s * 1000, polling=50
    )
    t_ready = time.perf_counter() - t0
    info = page.evaluate(
        "[linkageGraph.nodes.length, linkageGraph.edges.length, linkageGraph.renderMs]"
    )
    # one redraw after the first (e.g. what a hover or a drag costs)
    redraw_ms = page.evaluate(
        """() => new Promise(res => { const n = linkageGraph.network; const t = performance.now();
             n.once('afterDrawing', () => res(performance.now() - t)); n.redraw(); })"""
    )
    page.close()
    return {
        "time_to_load_event_s": round(t_loaded, 3),
        "time_to_first_render_s": round(t_ready, 3),
        "script_to_render_ms": round(info[2], 1),
        "redraw_ms": round(redraw_ms, 1),
        "nodes_drawn": info[0],
        "edges_drawn": info[1],
        "requests_blocked": len(blocked),
        "console_errors": len(errors),
    }


def run(
    sizes=(1000, 5000, 20000), seed: int = 0, modes=("default", "full"), out: Path | None = RESULTS
) -> dict:
    """Build and open the pages; return (and write to ``out``) the measurements."""
    from playwright.sync_api import sync_playwright

    from linkage.network import SupplyNetwork
    from linkage.network.communities import find_clusters
    from linkage.viz import network_html

    results = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_avg_1m": os.getloadavg()[0],
        "cases": [],
    }
    folder = Path(tempfile.mkdtemp(prefix="bench_pages_"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        version = browser.version
        results["chromium"] = version
        for n in sizes:
            firms, tx, coop, parties = make_survey(n, seed)
            t = time.perf_counter()
            net = SupplyNetwork.from_frames(firms, tx, coop, parties)
            t_build = time.perf_counter() - t
            t = time.perf_counter()
            clusters = find_clusters(net, seed=seed, n_permutations=19)
            t_clusters = time.perf_counter() - t
            metrics = net.firm_metrics()
            for mode in modes:
                options = {} if mode == "default" else {"max_nodes": None, "max_edges": None}
                t = time.perf_counter()
                path = network_html(
                    net,
                    clusters,
                    folder / f"net_{n}_{mode}.html",
                    metrics=metrics,
                    seed=seed,
                    **options,
                )
                t_page = time.perf_counter() - t
                row = {
                    "n_firms": n,
                    "mode": mode,
                    "n_nodes": net.n_nodes,
                    "n_links": len(net.edges) + len(net.cooperation),
                    "time_build_network_s": round(t_build, 3),
                    "time_clusters_s": round(t_clusters, 3),
                    "time_write_page_s": round(t_page, 3),
                    "html_mb": round(path.stat().st_size / 2**20, 2),
                }
                row.update(open_page(browser, path))
                results["cases"].append(row)
                print(json.dumps(row), flush=True)
        browser.close()
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    sizes = tuple(int(a) for a in sys.argv[1:]) or (1000, 5000, 20000)
    run(sizes)
