"""Make ``data/example_table.csv``: a SYNTHETIC regional IO table for a kabupaten.

Run ``python data/make_example_table.py`` from the project root; it rewrites the file and
prints its totals. The result is deterministic (fixed seed, integer arithmetic at the end),
so running it again gives the same bytes.

How the numbers are made (all values million rupiah, *juta Rupiah*, per year):

1. Total output ``x`` of 15 sectors is set by hand to the shape of an industrial
   kabupaten in Java (output about Rp 40 trillion): agriculture, food processing, other
   manufacturing, trade and construction are large; the four sentra industries of the
   example survey (ceramics, batik/textiles, metal casting, leather goods) are small.
2. Each sector j buys intermediate inputs worth ``share[j] * x[j]`` from local sectors,
   split over suppliers by hand-set weights (clay from quarrying for ceramics, scrap from
   trade for metal casting, cloth and dyes for batik, hides from agriculture for leather
   ...) plus a small background weight to every sector, times a deterministic random
   factor (numpy ``default_rng(20240611)``, uniform 0.8-1.2).
3. Imports (from abroad and other regions) are a share of output; wages ("Upah dan gaji"),
   depreciation and indirect taxes are shares of value added; operating surplus is the
   remainder, so every column sums exactly to x.
4. Final demand is what is left of x after intermediate sales; it is split into household
   consumption ("Konsumsi Rumah Tangga"), government, investment and exports (sales
   outside the kabupaten) with sector-specific shares; exports take the rounding
   remainder, so every row sums exactly to x.
5. Employment (persons) is x divided by a hand-set output per worker.

Everything is rounded to whole million rupiah, so the table balances exactly. The numbers
are plausible in size and structure but describe no real place.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

SEED = 20240611
OUT = Path(__file__).resolve().parent / "example_table.csv"

# sector: (total output, local intermediate share, import share, output per worker)
SECTORS = {
    "agriculture": (4_500_000, 0.22, 0.06, 45),
    "clay and sand quarrying": (1_300_000, 0.20, 0.08, 150),
    "food processing": (5_200_000, 0.48, 0.18, 180),
    "batik/textiles": (2_400_000, 0.40, 0.22, 60),
    "leather goods": (900_000, 0.42, 0.20, 90),
    "ceramics": (1_100_000, 0.38, 0.12, 55),
    "metal casting": (1_300_000, 0.45, 0.20, 80),
    "other manufacturing": (6_000_000, 0.38, 0.30, 400),
    "electricity, gas and water": (1_200_000, 0.36, 0.30, 1500),
    "construction": (3_800_000, 0.42, 0.20, 250),
    "trade": (4_800_000, 0.25, 0.05, 120),
    "transport": (1_900_000, 0.30, 0.15, 200),
    "hotels and restaurants": (1_200_000, 0.45, 0.08, 110),
    "financial and business services": (1_600_000, 0.28, 0.06, 600),
    "public and other services": (3_000_000, 0.25, 0.08, 150),
}
NAMES = list(SECTORS)

# buyer: {supplier: weight}; every supplier also gets BACKGROUND
LINKS = {
    "agriculture": {"agriculture": 4, "other manufacturing": 3, "trade": 2, "transport": 1},
    "clay and sand quarrying": {"other manufacturing": 2, "transport": 2, "trade": 1},
    "food processing": {
        "agriculture": 8,
        "food processing": 2,
        "trade": 2,
        "transport": 1,
        "other manufacturing": 1,
    },
    "batik/textiles": {
        "batik/textiles": 4,
        "other manufacturing": 3,
        "trade": 2,
        "agriculture": 1,
        "electricity, gas and water": 1,
    },
    "leather goods": {
        "agriculture": 4,
        "leather goods": 2,
        "batik/textiles": 2,
        "other manufacturing": 2,
        "trade": 1,
    },
    "ceramics": {
        "clay and sand quarrying": 5,
        "ceramics": 3,
        "electricity, gas and water": 2,
        "agriculture": 1,
        "trade": 1,
        "transport": 1,
    },
    "metal casting": {
        "trade": 4,
        "metal casting": 3,
        "other manufacturing": 2,
        "electricity, gas and water": 2,
        "transport": 1,
    },
    "other manufacturing": {
        "other manufacturing": 4,
        "trade": 2,
        "transport": 1,
        "electricity, gas and water": 1,
    },
    "electricity, gas and water": {"other manufacturing": 2, "construction": 1, "trade": 1},
    "construction": {
        "clay and sand quarrying": 3,
        "other manufacturing": 4,
        "ceramics": 1,
        "metal casting": 1,
        "trade": 2,
        "transport": 1,
    },
    "trade": {
        "transport": 3,
        "financial and business services": 2,
        "trade": 1,
        "electricity, gas and water": 1,
    },
    "transport": {
        "other manufacturing": 3,
        "trade": 2,
        "transport": 1,
        "financial and business services": 1,
    },
    "hotels and restaurants": {
        "food processing": 4,
        "agriculture": 3,
        "trade": 2,
        "electricity, gas and water": 1,
    },
    "financial and business services": {
        "financial and business services": 3,
        "trade": 1,
        "transport": 1,
    },
    "public and other services": {
        "financial and business services": 2,
        "other manufacturing": 2,
        "trade": 1,
        "food processing": 1,
        "construction": 1,
    },
}
BACKGROUND = 0.15

# final demand shares by sector: households, government, investment, exports (remainder)
FINAL_DEMAND = (
    "Konsumsi Rumah Tangga",
    "Konsumsi Pemerintah",
    "Pembentukan Modal Tetap Bruto",
    "Ekspor",
)
FD_SHARES = {
    "agriculture": (0.45, 0.0, 0.02),
    "clay and sand quarrying": (0.0, 0.0, 0.05),
    "food processing": (0.50, 0.0, 0.0),
    "batik/textiles": (0.25, 0.0, 0.0),
    "leather goods": (0.20, 0.0, 0.0),
    "ceramics": (0.15, 0.0, 0.05),
    "metal casting": (0.15, 0.0, 0.05),
    "other manufacturing": (0.30, 0.0, 0.15),
    "electricity, gas and water": (0.70, 0.05, 0.0),
    "construction": (0.0, 0.05, 0.90),
    "trade": (0.65, 0.0, 0.05),
    "transport": (0.55, 0.02, 0.0),
    "hotels and restaurants": (0.70, 0.05, 0.0),
    "financial and business services": (0.45, 0.05, 0.05),
    "public and other services": (0.30, 0.65, 0.0),
}
# shares of value added: wages, depreciation, indirect taxes (surplus is the remainder)
VA_SHARES = {
    "agriculture": (0.30, 0.04, 0.01),
    "clay and sand quarrying": (0.35, 0.10, 0.03),
    "food processing": (0.35, 0.08, 0.05),
    "batik/textiles": (0.55, 0.05, 0.02),
    "leather goods": (0.50, 0.05, 0.02),
    "ceramics": (0.55, 0.08, 0.02),
    "metal casting": (0.50, 0.10, 0.02),
    "other manufacturing": (0.30, 0.12, 0.06),
    "electricity, gas and water": (0.20, 0.30, 0.05),
    "construction": (0.45, 0.05, 0.03),
    "trade": (0.35, 0.05, 0.04),
    "transport": (0.35, 0.15, 0.03),
    "hotels and restaurants": (0.40, 0.06, 0.08),
    "financial and business services": (0.45, 0.08, 0.04),
    "public and other services": (0.75, 0.08, 0.01),
}
PRIMARY = ("Impor", "Upah dan gaji", "Surplus usaha", "Penyusutan", "Pajak tidak langsung neto")


def make_table():
    """Return (Z, F, V, x, employment) as integer arrays (million rupiah, persons)."""
    rng = np.random.default_rng(SEED)
    n = len(NAMES)
    x = np.array([SECTORS[s][0] for s in NAMES], dtype=np.int64)
    W = np.full((n, n), BACKGROUND)
    for j, buyer in enumerate(NAMES):
        for supplier, w in LINKS[buyer].items():
            W[NAMES.index(supplier), j] += w
    W *= rng.uniform(0.8, 1.2, size=(n, n))
    W /= W.sum(axis=0, keepdims=True)
    share = np.array([SECTORS[s][1] for s in NAMES])
    Z = np.rint(W * share * x).astype(np.int64)
    imports = np.rint(np.array([SECTORS[s][2] for s in NAMES]) * x).astype(np.int64)
    va = x - Z.sum(axis=0) - imports
    vs = np.array([VA_SHARES[s] for s in NAMES])
    wages, depr, taxes = (np.rint(vs[:, k] * va).astype(np.int64) for k in range(3))
    surplus = va - wages - depr - taxes
    V = np.vstack([imports, wages, surplus, depr, taxes])
    f = x - Z.sum(axis=1)
    if (f < 0).any() or (surplus < 0).any():  # pragma: no cover - guards the hand-set shares
        raise ValueError("negative final demand or surplus: adjust the shares")
    fs = np.array([FD_SHARES[s] for s in NAMES])
    hh, gov, inv = (np.rint(fs[:, k] * f).astype(np.int64) for k in range(3))
    exports = f - hh - gov - inv
    F = np.column_stack([hh, gov, inv, exports])
    employment = np.rint(x / np.array([SECTORS[s][3] for s in NAMES])).astype(np.int64)
    return Z, F, V, x, employment


def write(path: Path = OUT) -> Path:
    """Write the wide CSV (with a total output column and a total input row as checks)."""
    Z, F, V, x, employment = make_table()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["sector", *NAMES, *FINAL_DEMAND, "Total output"])
        for i, s in enumerate(NAMES):
            w.writerow([s, *Z[i], *F[i], x[i]])
        for k, name in enumerate(PRIMARY):
            w.writerow([name, *V[k], *[""] * (len(FINAL_DEMAND) + 1)])
        w.writerow(
            ["Total input", *(Z.sum(axis=0) + V.sum(axis=0)), *[""] * (len(FINAL_DEMAND) + 1)]
        )
        w.writerow(["Tenaga kerja (orang)", *employment, *[""] * (len(FINAL_DEMAND) + 1)])
    return path


if __name__ == "__main__":
    p = write()
    Z, F, V, x, emp = make_table()
    print(
        f"wrote {p}: {len(NAMES)} sectors, total output {x.sum():,} juta Rp, "
        f"GRDP (value added) {V[1:].sum():,} juta Rp, {emp.sum():,} workers"
    )
