"""Public data sets used by the book, fetched by pinned URL and verified by sha256.

Loaders return tidy :class:`pandas.DataFrame` objects with documented columns.
The files themselves are never part of the project: see :func:`fetch` and
``$T2LIB_DATA_DIR``.
"""
from ._registry import REGISTRY, DataError, DataFile, data_dir, fetch
from .chinchilla import load_chinchilla
from .gadre import *  # noqa: F401,F403  (loaders of the over-training data)
from .pythia import *  # noqa: F401,F403  (loaders of the repeated-sampling data)
from . import gadre as _gadre, pythia as _pythia

__all__ = ["REGISTRY", "DataError", "DataFile", "data_dir", "fetch", "load_chinchilla", *_gadre.__all__, *_pythia.__all__]
