"""T² laws fitted on public data (chapter 9 adds them here): ``FITTED`` maps a name to a :class:`~t2lib.t2.named.NamedLaw`."""
from __future__ import annotations

from .named import NamedLaw

__all__ = ["FITTED"]

#: Fitted T² laws by name (empty until chapter 9 registers its fits).
FITTED: dict[str, NamedLaw] = {}
