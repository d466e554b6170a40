"""T² laws fitted on public data (chapter 9 adds them here): ``FITTED`` maps a name to a :class:`NamedLaw`."""
from __future__ import annotations

from .named import NamedLaw

__all__ = ["FITTED"]

FITTED: dict[str, NamedLaw] = {}
