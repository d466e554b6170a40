"""Repeated-sampling success counts of Pythia models on MATH and GSM8K (Brown et al. 2024; Schaeffer et al. 2025).

Placeholder: the loader is implemented with the pass@k chapter.
"""
from __future__ import annotations

__all__: list[str] = []
