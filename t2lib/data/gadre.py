"""The 104 over-trained models of Gadre et al. (2024): losses and downstream evaluations.

Placeholder: the loaders are implemented with the over-training chapter.
"""
from __future__ import annotations

__all__: list[str] = []
