"""Datasets shipped with fastreg (files in the repository's ``data/``)."""

from ._bandgap import load_bandgap

__all__ = ["load_bandgap"]
