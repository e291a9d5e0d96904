"""Supplier-buyer networks of firms: the model, firm metrics, communities, activity."""

from .model import SIZE_BANDS, SupplyNetwork, read_network, size_class

__all__ = ["SupplyNetwork", "read_network", "size_class", "SIZE_BANDS"]
