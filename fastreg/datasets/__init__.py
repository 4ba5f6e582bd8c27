"""Datasets shipped with fastreg (files in the repository's ``data/``)."""

from ._alloys import generate_alloys, load_alloys, make_alloys
from ._bandgap import load_bandgap
from ._files import data_path

__all__ = ["data_path", "generate_alloys", "load_alloys", "load_bandgap", "make_alloys"]
