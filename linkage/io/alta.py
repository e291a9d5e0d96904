"""The ALTA regional IO tables of Finland's 19 regions (2014, 30 industries).

Used to calibrate the FLQ parameter against "true" regional tables: :func:`read_alta`
reads the intra-regional flows (``io2014.xlsx``), the inputs bought from other regions
(``io_reg2014.xlsx``) and output, one sheet per region.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError

__all__ = ["read_alta", "AltaRegion"]


@dataclass
class AltaRegion:
    """One Finnish region of the ALTA database (2014, 30 industries, basic prices).

    Attributes
    ----------
    name : str
    Z : ndarray (30, 30)
        Intra-regional intermediate flows (purchases from producers in the region).
    Z_other : ndarray (30, 30)
        Intermediate inputs bought from other Finnish regions, by product and buying industry.
    x : ndarray (30,)
        Output at basic prices.
    """

    name: str
    Z: np.ndarray
    Z_other: np.ndarray
    x: np.ndarray


def _alta_block(frame: pd.DataFrame, path, sheet, n=30):
    try:
        return frame.iloc[1 : n + 1, 1 : n + 1].to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputFileError(
            f"sheet {sheet!r}: non-numeric intermediate block ({exc})", path=path
        ) from None


def read_alta(folder, regions=None) -> tuple[list[str], list[AltaRegion]]:
    """Read the ALTA regional IO tables (``io2014.xlsx`` and ``io_reg2014.xlsx``).

    Parameters
    ----------
    folder : str or Path
        Folder holding the two workbooks (one sheet per region).
    regions : list of str, optional
        Sheet names to read; default all.

    Returns
    -------
    sectors : list of str
        The 30 industry labels.
    tables : list of AltaRegion

    Raises
    ------
    InputFileError
        Missing files or sheets, labels that differ between the workbooks, or a table whose
        columns do not add up to output (more than 0.1%).
    """
    folder = Path(folder)
    paths = {k: folder / f for k, f in (("io", "io2014.xlsx"), ("reg", "io_reg2014.xlsx"))}
    for p in paths.values():
        if not p.is_file():
            raise InputFileError("file not found", path=p)
    io = pd.read_excel(paths["io"], sheet_name=regions, header=None)
    reg = pd.read_excel(paths["reg"], sheet_name=regions, header=None)
    if regions is not None and not isinstance(io, dict):
        io, reg = {regions: io}, {regions: reg}
    sectors = None
    out = []
    for name, d in io.items():
        if name not in reg:
            raise InputFileError(f"sheet {name!r} missing", path=paths["reg"])
        g = reg[name]
        labels = [str(c).strip() for c in d.iloc[0, 1:31]]
        if sectors is None:
            sectors = labels
        if labels != sectors or [str(c).strip() for c in g.iloc[0, 1:31]] != sectors:
            raise InputFileError(f"sheet {name!r}: industry labels differ", path=paths["io"])
        out_label = str(d.iloc[41, 0])
        if "Tuotos" not in out_label:
            raise InputFileError(
                "expected output (Tuotos) in row 42", path=paths["io"], row=42, value=out_label
            )
        Z = _alta_block(d, paths["io"], name)
        Zo = _alta_block(g, paths["reg"], name)
        x = d.iloc[41, 1:31].to_numpy(dtype=float)
        col_total = d.iloc[35, 1:31].to_numpy(dtype=float) + d.iloc[40, 1:31].to_numpy(dtype=float)
        gap = np.abs(col_total - x) / np.maximum(np.abs(x), 1.0)
        if gap.max() > 1e-3:
            j = int(gap.argmax())
            raise InputFileError(
                f"sheet {name!r}: inputs do not add up to output",
                path=paths["io"],
                column=sectors[j],
                value=float(col_total[j]),
            )
        out.append(AltaRegion(name, Z, Zo, x))
    return sectors, out
