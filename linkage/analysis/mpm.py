"""The multiplier product matrix (Sonis, Hewings & Guo 1997), held as two vectors.

``MPM = (L 1)(1ᵀL) / V`` with ``V = 1ᵀL1`` is rank one: :class:`MultiplierProductMatrix`
keeps the row sums ``r = L 1`` and the column sums ``m = 1ᵀL`` of ``L`` and forms ``n × n``
entries only on request. Its entry ``(j, i)`` is the total of the field of influence of
``a_ij`` (:func:`linkage.analysis.influence.field_of_influence`) divided by ``V``.
Derivations: ``docs/influence.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.params import table_solver
from ..errors import MemoryLimitError
from .influence import DEFAULT_MAX_BYTES, sector_position

__all__ = ["MultiplierProductMatrix", "multiplier_product_matrix"]


class MultiplierProductMatrix:
    """The multiplier product matrix ``MPM = (L 1)(1ᵀL) / V`` as two vectors (rank one).

    Entry ``(i, j)`` is ``r_i m_j / V`` with ``r = L 1`` (row sums of ``L``, the Rasmussen
    forward multipliers), ``m = 1ᵀL`` (column sums, output multipliers) and
    ``V = 1ᵀL1``. Nothing ``n × n`` is held; :meth:`to_frame` materializes on request.

    Parameters
    ----------
    row_multipliers, column_multipliers : array_like, shape (n,)
    labels : pandas.Index, optional

    Attributes
    ----------
    row_multipliers, column_multipliers : pandas.Series
    V : float
    shape : tuple

    Examples
    --------
    >>> M = MultiplierProductMatrix([1.6, 1.4], [1.5, 1.5], labels=["a", "b"])
    >>> M["a", "b"]
    0.8
    >>> M.to_frame()
            a     b
    a     0.8   0.8
    b     0.7   0.7
    """

    def __init__(self, row_multipliers, column_multipliers, labels=None):
        r = np.asarray(row_multipliers, dtype=float).ravel()
        m = np.asarray(column_multipliers, dtype=float).ravel()
        if r.shape != m.shape:
            raise ValueError(f"multipliers must have the same shape, got {r.shape} and {m.shape}")
        if labels is None:
            labels = pd.Index([f"S{i + 1}" for i in range(r.size)], name="sector")
        labels = labels if isinstance(labels, pd.Index) else pd.Index(labels)
        self.labels = labels
        self.row_multipliers = pd.Series(r, index=labels, name="row_multiplier")
        self.column_multipliers = pd.Series(m, index=labels, name="column_multiplier")
        self.V = float(r.sum())
        self.method = None  # solver method, set by multiplier_product_matrix
        self._r, self._m = r, m

    @property
    def shape(self) -> tuple:
        return (self._r.size, self._m.size)

    def _key(self, key):
        if isinstance(key, slice):
            return key
        if isinstance(key, (list, np.ndarray, pd.Index)):
            return np.array([sector_position(self.labels, k, "sector") for k in key], dtype=int)
        return sector_position(self.labels, key, "sector")

    def __getitem__(self, key):
        """``M[i, j]`` by labels or positions; slices and lists give a dense block."""
        if not (isinstance(key, tuple) and len(key) == 2):
            raise KeyError("index the multiplier product matrix with two keys: M[i, j]")
        i, j = self._key(key[0]), self._key(key[1])
        out = np.multiply.outer(self._r[i], self._m[j]) / self.V
        return float(out) if np.ndim(out) == 0 else out

    def to_frame(self, max_bytes: int = DEFAULT_MAX_BYTES) -> pd.DataFrame:
        """The dense labelled matrix, after checking ``8 n²`` bytes against ``max_bytes``."""
        need = 8 * self._r.size * self._m.size
        if need > max_bytes:
            raise MemoryLimitError(
                f"the multiplier product matrix of {self._r.size} sectors needs "
                f"{need / 1024**2:,.0f} MiB, more than the limit of "
                f"{max_bytes / 1024**2:,.0f} MiB; index it or raise max_bytes"
            )
        return pd.DataFrame(
            np.outer(self._r, self._m) / self.V, index=self.labels, columns=self.labels
        )

    def hierarchy(self) -> tuple[pd.Index, pd.Index]:
        """Row order (descending row multipliers) and column order (descending column ones).

        Sonis, Hewings & Guo's "economic landscape": sorted this way the MPM's entries
        fall monotonically away from the top-left corner.
        """
        rows = self.labels[np.lexsort((np.arange(self._r.size), -self._r))]
        cols = self.labels[np.lexsort((np.arange(self._m.size), -self._m))]
        return rows, cols

    def __repr__(self) -> str:
        return f"<MultiplierProductMatrix {self.shape[0]}x{self.shape[1]}, V={self.V:.6g}>"


def multiplier_product_matrix(
    table, solver=None, *, method: str | None = None
) -> MultiplierProductMatrix:
    """The multiplier product matrix of a table (Sonis, Hewings & Guo 1997), lazily.

    Two solves (``L1`` and ``1ᵀL``); the ``n × n`` matrix is formed only by
    :meth:`MultiplierProductMatrix.to_frame`. ``solver`` as in :func:`linkage.linkages`
    (``method`` is its deprecated spelling). The heat-map is drawn by
    :func:`linkage.viz.charts.plot_multiplier_product_matrix`.

    References
    ----------
    Sonis, M., Hewings, G. J. D. & Guo, J. (1997/2000). A new image of classical key
    sector analysis: minimum information decomposition of the Leontief inverse.
    *Economic Systems Research* 12(3), 401–423.

    Examples
    --------
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700])
    >>> M = multiplier_product_matrix(t)
    >>> M.to_frame().round(4)
    sector      S1      S2
    sector
    S1      0.8097  0.7745
    S2      0.7085  0.6777
    >>> bool(np.allclose(M.to_frame().sum(axis=0), M.column_multipliers))
    True
    """
    s = table_solver(table, solver, method, caller="multiplier_product_matrix")
    n = table.n
    r = s.solve(np.ones(n))
    m = s.solve(np.ones(n), transpose=True)
    M = MultiplierProductMatrix(r, m, labels=table.sectors)
    M.method = s.method
    return M
