"""Helpers used inside chapters (thin wrappers; no computation lives here)."""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["glue"]


def glue(name: str, value: Any, display: bool = False) -> None:
    """Store ``value`` under ``name`` for ``{glue:text}`name:fmt``` in the prose (myst-nb).

    Returns ``None``, so that a cell ending in ``glue(...)`` prints nothing.

    NumPy scalars and 0-d arrays are converted to Python ``float``/``int`` first: myst-nb formats the
    glued ``text/plain`` repr, and ``np.float64(1.5)`` would not parse as a number.
    """
    from myst_nb import glue as _glue

    from . import _validate as v

    v.text("name", name)
    v.flag("display", display)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (float, int)) and not isinstance(value, bool) and not np.isfinite(value):
        raise ValueError(f"value must be finite to be quoted in the prose; got {value!r} for {name!r}")
    _glue(name, value, display=display)
