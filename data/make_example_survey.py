"""Generate the example sentra survey in ``data/sentra/`` (SYNTHETIC data).

Run ``python data/make_example_survey.py`` from the project root to rewrite
``data/sentra/{firms,transactions,cooperation,parties}.csv``. The script is deterministic
(one seeded ``numpy.random.Generator``), so it always writes the same files.

**Everything it writes is made up.** The four sentra are modelled loosely on the kinds of
industrial centres described in Indonesian sentra studies, but no firm, person, value or
tie is real:

======================  ==========  =========  ====================================
sentra                  region      activity   how it is made
======================  ==========  =========  ====================================
Plered ceramics         Purwakarta  active     clay preparers and kiln owners sell to
                                               potters (subcontracting), finishing
                                               workshops buy unglazed ware; shared
                                               kilns, joint marketing, joint clay
                                               procurement
Jombang aluminium       Jombang     active     25 IKM, >200 workers, turnover of the
                                               sentra Rp 1.5-2 billion a year; smelters
                                               turn slag (dross) bought from outside
                                               factories into ingots and sell them to
                                               casters; shared furnaces, joint
                                               procurement, knowledge sharing
Trusmi batik            Cirebon     passive    every firm buys cloth and dyes from
                                               outside suppliers and sells nearly
                                               everything through a few pengepul; no
                                               cooperation
Tanggulangin leather    Sidoarjo    passive    as batik: outside inputs, pengepul,
                                               hardly any trade between firms
======================  ==========  =========  ====================================

The files also contain, on purpose, the awkward cases a real survey has: firm names with
quotes, ampersands, commas, angle brackets and non-ASCII letters; a firm with no
transactions; a firm without a number of workers; an exact duplicate transaction row; an
outside party that the parties file does not list; sales recorded with a ``channel``.
The ground truth (which sentra is active or passive) is written to
``data/sentra/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240611
OUT = Path(__file__).resolve().parent / "sentra"

#: Sector names, chosen to match the example IO table's industries where sensible.
SECTORS = {
    "clay": "clay and sand quarrying",
    "pottery": "ceramics",
    "smelting": "metal casting",
    "casting": "metal casting",
    "batik": "batik/textiles",
    "leather": "leather goods",
}

#: name, id prefix, region, centre (lat, lon), active?, firm roles and counts, scale (Rp)
SENTRA = [
    {
        "sentra": "Plered ceramics",
        "far": "Bandung",
        "prefix": "PLR",
        "region": "Purwakarta",
        "centre": (-6.638, 107.388),
        "active": True,
        # upstream firms sell to downstream ones inside the sentra
        "roles": [
            ("clay preparer", "clay", 5),
            ("kiln owner", "pottery", 5),
            ("potter", "pottery", 14),
            ("finishing workshop", "pottery", 4),
        ],
        "output": (120e6, 900e6),
    },
    {
        "sentra": "Jombang aluminium",
        "far": "Surabaya",
        "prefix": "JBG",
        "region": "Jombang",
        "centre": (-7.546, 112.233),
        "active": True,
        "roles": [
            ("slag smelter", "smelting", 7),
            ("caster", "casting", 14),
            ("polisher", "casting", 4),
        ],
        "output": None,  # set so that the sentra's turnover is Rp 1.5-2 billion a year
    },
    {
        "sentra": "Trusmi batik",
        "far": "Pekalongan",
        "prefix": "TRS",
        "region": "Cirebon",
        "centre": (-6.708, 108.503),
        "active": False,
        "roles": [("batik maker", "batik", 30)],
        "output": (60e6, 600e6),
    },
    {
        "sentra": "Tanggulangin leather",
        "far": "Surabaya",
        "prefix": "TGL",
        "region": "Sidoarjo",
        "centre": (-7.503, 112.700),
        "active": False,
        "roles": [("leather workshop", "leather", 22)],
        "output": (80e6, 700e6),
    },
]

#: Awkward names given to some firms (by id) on purpose.
AWKWARD_NAMES = {
    "PLR-07": "Keramik Bu Siti's & Co",
    "PLR-12": 'Gerabah "Mekar Sari", Plered',
    "PLR-15": "Céramique Élodie & Putra",
    "JBG-03": "Logam <Jaya> & Sons",
    "JBG-09": "<script>alert('x')</script>",
    "TRS-04": "Batik Ibu Nūr (Trusmi) \u2013 tulis",
    "TRS-11": "Batik 'Mega Mendung' & \"Keraton\"",
    "TGL-05": "Kulit Tas; Dompet, & Sabuk",
}

_FIRST = [
    "Sumber",
    "Karya",
    "Mitra",
    "Sinar",
    "Putra",
    "Barokah",
    "Maju",
    "Rejeki",
    "Jaya",
    "Makmur",
    "Lestari",
    "Abadi",
    "Sentosa",
    "Mulya",
    "Sejahtera",
    "Harapan",
]
_SECOND = [
    "Tani",
    "Usaha",
    "Bersama",
    "Mandiri",
    "Utama",
    "Baru",
    "Indah",
    "Agung",
    "Sakti",
    "Murni",
    "Kencana",
    "Alam",
]
_KIND_WORD = {
    "clay": "Tanah Liat",
    "pottery": "Gerabah",
    "smelting": "Peleburan",
    "casting": "Cor Logam",
    "batik": "Batik",
    "leather": "Kulit",
}


def _rupiah(x):
    """Round to whole thousands of rupiah (surveys record values like that)."""
    return np.round(np.asarray(x, dtype=float) / 1000.0) * 1000.0


def make_firms(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for s in SENTRA:
        k = 0
        for role, key, count in s["roles"]:
            for _ in range(count):
                k += 1
                fid = f"{s['prefix']}-{k:02d}"
                name = AWKWARD_NAMES.get(
                    fid,
                    f"{_KIND_WORD[key]} {rng.choice(_FIRST)} {rng.choice(_SECOND)}",
                )
                rows.append(
                    {
                        "firm_id": fid,
                        "name": name,
                        "sector": SECTORS[key],
                        "sentra": s["sentra"],
                        "region": s["region"],
                        "role": role,
                        "lat": round(s["centre"][0] + rng.normal(0, 0.01), 5),
                        "lon": round(s["centre"][1] + rng.normal(0, 0.01), 5),
                    }
                )
    firms = pd.DataFrame(rows)
    n = len(firms)
    # workers: heavy-tailed, mostly household and small industries
    workers = np.clip(np.round(rng.lognormal(np.log(6), 0.8, n)), 1, 150).astype(int)
    jombang = (firms["sentra"] == "Jombang aluminium").to_numpy()
    # Jombang: 25 IKM with more than 200 workers together
    w = np.clip(np.round(rng.lognormal(np.log(8), 0.5, jombang.sum())), 3, 40).astype(int)
    w[0] += max(0, 215 - w.sum())
    workers[jombang] = w
    firms["workers"] = workers.astype(float)
    # output (Rp / year), roughly proportional to workers
    out = np.zeros(n)
    for s in SENTRA:
        m = (firms["sentra"] == s["sentra"]).to_numpy()
        share = workers[m] * rng.uniform(0.7, 1.3, m.sum())
        if s["output"] is None:
            total = rng.uniform(1.55e9, 1.8e9)
            out[m] = share / share.sum() * total
        else:
            lo, hi = s["output"]
            scaled = (share - share.min()) / max(np.ptp(share), 1e-9)
            out[m] = lo + scaled * (hi - lo)
    firms["output"] = _rupiah(out)
    firms.loc[firms["firm_id"] == "TGL-17", "workers"] = np.nan  # size unknown
    return firms


def make_transactions(rng: np.random.Generator, firms: pd.DataFrame):
    """Transactions and outside parties, built from each firm's output."""
    tx = []  # (supplier, buyer, value, product, channel)
    parties = []  # (party_id, kind, name)
    out = dict(zip(firms["firm_id"], firms["output"], strict=True))
    for s in SENTRA:
        sub = firms[firms["sentra"] == s["sentra"]]
        ids = sub["firm_id"].tolist()
        roles = dict(zip(sub["firm_id"], sub["role"], strict=True))
        p = s["prefix"]
        suppliers = [f"SUP-{p}-{k}" for k in range(1, 4)]
        pengepul = [f"PGP-{p}-{k}" for k in range(1, 3 if s["active"] else 4)]
        buyers = [f"BUY-{p}-{k}" for k in range(1, 4 if s["active"] else 2)]
        for sid in suppliers:
            # supplier 1 is in the sentra's own district, the others further away
            where = s["region"] if sid.endswith("-1") else s["far"]
            parties.append((sid, "supplier", f"Outside supplier {sid[-1]} of {s['sentra']}", where))
        for pid in pengepul:
            parties.append(
                (pid, "intermediary", f"Pengepul {pid[-1]} ({s['region']})", s["region"])
            )
        for bid in buyers:
            parties.append((bid, "buyer", f"Buyer {bid[-1]} of {s['sentra']}", "Jakarta"))
        material = {
            "Plered ceramics": "clay and glaze",
            "Jombang aluminium": "aluminium slag",
            "Trusmi batik": "mori cloth and dyes",
            "Tanggulangin leather": "tanned leather",
        }[s["sentra"]]
        sold_inside = dict.fromkeys(ids, 0.0)
        for fid in ids:
            if fid == "TRS-23":
                continue  # a firm that reported no transactions
            inputs = out[fid] * rng.uniform(0.40, 0.58)
            if s["active"]:
                upstream = {
                    "potter": ["clay preparer", "kiln owner"],
                    "finishing workshop": ["potter", "kiln owner"],
                    "kiln owner": ["clay preparer"],
                    "caster": ["slag smelter"],
                    "polisher": ["caster"],
                }.get(roles[fid], [])
                cands = [j for j in ids if roles[j] in upstream and j != fid]
                inside_share = rng.uniform(0.45, 0.7) if cands else 0.0
            else:
                cands = [j for j in ids if j != fid]
                inside_share = 0.03 if rng.random() < 0.1 else 0.0
            inside = inputs * inside_share
            if inside > 0:
                k = min(len(cands), int(rng.integers(2, 5)) if s["active"] else 1)
                size = np.array([out[j] for j in cands])
                chosen = rng.choice(cands, size=k, replace=False, p=size / size.sum())
                weights = rng.dirichlet(np.ones(k)) * np.array([out[j] for j in chosen])
                weights = weights / weights.sum()
                for j, wgt in zip(chosen, weights, strict=True):
                    v = float(_rupiah(inside * wgt))
                    if v > 0:
                        tx.append((j, fid, v, "intermediate goods", "direct"))
                        sold_inside[j] += v
            rest = inputs - inside
            k = int(rng.integers(1, 3))
            for sid, wgt in zip(
                rng.choice(suppliers, k, replace=False), rng.dirichlet(np.ones(k)), strict=True
            ):
                tx.append((sid, fid, float(_rupiah(rest * wgt)), material, "direct"))
        # sales outside: what is left of output after inside sales (about 95 % recorded)
        for fid in ids:
            if fid == "TRS-23":
                continue
            remaining = out[fid] - sold_inside[fid]
            if remaining <= 0.05 * out[fid]:  # sells more inside than it makes: raise output
                out[fid] = sold_inside[fid] * 1.05
                remaining = out[fid] - sold_inside[fid]
            recorded = remaining * rng.uniform(0.92, 1.0)
            via_pgp = rng.uniform(0.85, 0.98) if not s["active"] else rng.uniform(0.1, 0.35)
            pid = pengepul[int(rng.integers(len(pengepul)))]
            tx.append((fid, pid, float(_rupiah(recorded * via_pgp)), "final goods", "intermediary"))
            direct = recorded * (1 - via_pgp)
            k = min(len(buyers), int(rng.integers(1, 3)))
            for bid, wgt in zip(
                rng.choice(buyers, k, replace=False), rng.dirichlet(np.ones(k)), strict=True
            ):
                tx.append((fid, bid, float(_rupiah(direct * wgt)), "final goods", "direct"))
        # pengepul sell on to buyers outside the survey area (trade between outside parties)
        for pid in pengepul:
            tx.append(
                (
                    pid,
                    f"BUY-{p}-1",
                    float(_rupiah(rng.uniform(50e6, 200e6))),
                    "final goods",
                    "direct",
                )
            )
    transactions = pd.DataFrame(tx, columns=["supplier", "buyer", "value", "product", "channel"])
    # an exporter that the parties file does not list
    transactions.loc[len(transactions)] = [
        "PLR-20",
        "EXPORT-BALI",
        15_000_000.0,
        "final goods",
        "direct",
    ]
    # an exact duplicate row (entered twice by the enumerator)
    transactions.loc[len(transactions)] = transactions.iloc[5].tolist()
    transactions["value"] = transactions["value"].astype("int64")
    firms = firms.assign(output=_rupiah([out[f] for f in firms["firm_id"]]))
    parties = pd.DataFrame(parties, columns=["party_id", "kind", "name", "region"])
    return transactions, parties, firms


def make_cooperation(rng: np.random.Generator, firms: pd.DataFrame) -> pd.DataFrame:
    ties = []
    kinds = {
        "Plered ceramics": [
            "shared_equipment",
            "joint_marketing",
            "joint_procurement",
            "knowledge_sharing",
        ],
        "Jombang aluminium": ["shared_equipment", "joint_procurement", "knowledge_sharing"],
    }
    for sentra, options in kinds.items():
        ids = firms.loc[firms["sentra"] == sentra, "firm_id"].tolist()
        pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
        pick = rng.choice(len(pairs), size=int(0.12 * len(pairs)), replace=False)
        for k in sorted(pick):
            a, b = pairs[k]
            ties.append((a, b, options[int(rng.integers(len(options)))]))
    return pd.DataFrame(ties, columns=["firm_a", "firm_b", "kind"])


README = """# Example sentra survey (SYNTHETIC)

These files are **made up** by `data/make_example_survey.py` (seed {seed}); no firm, person,
value or tie is real. They show the formats `linkage network` reads (see `docs/network.md`)
and the cases a real survey has. Values are rupiah per year.

| file | rows | columns |
|---|---|---|
| firms.csv | {n_firms} | firm_id, name, sector, sentra, region, role, lat, lon, workers, output |
| transactions.csv | {n_tx} | supplier, buyer, value, product, channel |
| cooperation.csv | {n_coop} | firm_a, firm_b, kind |
| parties.csv | {n_parties} | party_id, kind (intermediary, supplier, buyer), name, region |

## Ground truth

| sentra | region | firms | workers | turnover (Rp bn/yr) | made as |
|---|---|---|---|---|---|
{truth}

*Active*: firms buy a large part of their inputs from other firms of the sentra
(subcontracting and specialization: clay preparers and kiln owners supply potters; slag
smelters supply casters) and cooperate (shared equipment, joint procurement, joint
marketing, knowledge sharing). *Passive*: firms buy their inputs from outside suppliers
(`SUP-...`) and sell 85-98 % of their output through a few middlemen (pengepul, `PGP-...`);
there are no cooperation ties and almost no trade between the firms.

The Jombang sentra follows the description of the slag-aluminium centre: 25 IKM, more than
200 workers, and a turnover of Rp 1.5-2 billion a year for the sentra as a whole.

## Cases included on purpose

- names with quotes, ampersands, commas, `<` `>` and non-ASCII letters (e.g. `PLR-07`
  "Keramik Bu Siti's & Co", `PLR-15`, `JBG-09` named `<script>...</script>`);
- `TRS-23` has no transactions (it must be kept); `TGL-17` has no number of workers;
- the last row of transactions.csv repeats row {dup_row} exactly (summed, and reported);
- `EXPORT-BALI` buys from a firm but is not in parties.csv (an unlisted outside party);
- pengepul sell on to outside buyers (trade between two outside parties);
- `channel` says whether a sale went direct or through an intermediary.
"""


def main(out: Path = OUT) -> dict:
    """Write the example survey to ``out``; returns the frames."""
    rng = np.random.default_rng(SEED)
    firms = make_firms(rng)
    transactions, parties, firms = make_transactions(rng, firms)
    cooperation = make_cooperation(rng, firms)
    columns = [
        "firm_id",
        "name",
        "sector",
        "sentra",
        "region",
        "role",
        "lat",
        "lon",
        "workers",
        "output",
    ]
    firms = firms[columns]
    firms["workers"] = firms["workers"].astype("Int64")
    firms["output"] = firms["output"].astype("int64")
    out.mkdir(parents=True, exist_ok=True)
    frames = {
        "firms": firms,
        "transactions": transactions,
        "cooperation": cooperation,
        "parties": parties,
    }
    for name, frame in frames.items():
        frame.to_csv(out / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")
    truth = []
    for s in SENTRA:
        sub = firms[firms["sentra"] == s["sentra"]]
        truth.append(
            f"| {s['sentra']} | {s['region']} | {len(sub)} | {int(sub['workers'].sum())} | "
            f"{sub['output'].sum() / 1e9:.2f} | {'active' if s['active'] else 'passive'} |"
        )
    (out / "README.md").write_text(
        README.format(
            seed=SEED,
            n_firms=len(firms),
            n_tx=len(transactions),
            n_coop=len(cooperation),
            n_parties=len(parties),
            truth="\n".join(truth),
            dup_row=5 + 2,
        ),
        encoding="utf-8",
    )
    return frames


#: Ground truth for tests: sentra -> "active" | "passive".
GROUND_TRUTH = {s["sentra"]: "active" if s["active"] else "passive" for s in SENTRA}


if __name__ == "__main__":
    frames = main()
    print(f"wrote {', '.join(f'{k} ({len(v)} rows)' for k, v in frames.items())} to {OUT}")
