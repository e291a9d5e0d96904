"""Supply networks of the firms of a sentra: the model, firm metrics, communities, activity.

:class:`SupplyNetwork` holds validated firms, outside parties, transactions and
cooperation ties as arrays; reading survey files is :mod:`linkage.io`'s job. This module's
names are the interface the layers above (io, viz, report, pipeline) use.
"""

from .classify import classify_activity
from .communities import Clusters, detect_communities, find_clusters
from .detection import METHODS
from .model import SIZE_BANDS, SupplyNetwork, size_class
from .sentra import sentra_labels

__all__ = [
    "METHODS",
    "SIZE_BANDS",
    "Clusters",
    "SupplyNetwork",
    "classify_activity",
    "detect_communities",
    "find_clusters",
    "sentra_labels",
    "size_class",
]
