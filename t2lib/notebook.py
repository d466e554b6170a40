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
    from . import _validate as v

    v.text("name", name)
    v.flag("display", display)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (float, int)) and not isinstance(value, bool) and not np.isfinite(value):
        raise ValueError(f"value must be finite to be quoted in the prose; got {value!r} for {name!r}")
    _myst_nb_glue(name, value, display)


#: Mime-type prefix of a glued value that is not displayed (``myst_nb.ext.glue.GLUE_PREFIX``, myst-nb 1.x).
_GLUE_PREFIX = "application/papermill.record/"


def _myst_nb_glue(name: str, value: Any, display: bool) -> None:
    """What ``myst_nb.glue`` does (myst-nb 1.x), without importing myst-nb in the kernel (it pulls in docutils,
    nbformat and jsonschema, ~0.1 s per chapter): the value's display data under ``_GLUE_PREFIX`` (or shown) with
    ``{"scrapbook": {"name": ..., "mime_prefix": ...}}`` metadata, which myst-nb reads at build time. A test checks
    that both give the same output."""
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    bundle, metadata = format_display_data(value)
    prefix = "" if display else _GLUE_PREFIX
    metadata["scrapbook"] = dict(name=name, mime_prefix=prefix)
    ipy_display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)
