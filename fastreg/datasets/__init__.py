"""Datasets shipped with fastreg (files in the repository's ``data/``)."""

from ._alloys import generate_alloys, load_alloys, make_alloys
from ._bandgap import load_bandgap

__all__ = ["generate_alloys", "load_alloys", "load_bandgap", "make_alloys"]
