"""Adapters that turn outside data sets into the product's five contract input tables."""

from pipelines.adapters.ctn0094 import convert_ctn0094

__all__ = ["convert_ctn0094"]
