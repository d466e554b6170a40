r"""A named T² law: the law, where its numbers come from, and the range of (N, D, k) it was fitted on.

``python -m t2lib plan --law NAME`` looks laws up by name (``t2lib.t2.presets`` builds the registry from the
illustrative sets and the fitted ones of :mod:`t2lib.t2.fitted`) and warns when an answer leaves ``fitted_range``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .accuracy import T2AccuracyLaw
from .law import T2Law

__all__ = ["NamedLaw"]


@dataclass(frozen=True)
class NamedLaw:
    """A law with its provenance.

    Parameters
    ----------
    name : str
        Registry key (lower case, ``-`` separated).
    law : T2Law or T2AccuracyLaw
        The law.
    source : str
        Where every number of the law comes from (a chapter and data set, or "illustrative: ...").
    illustrative : bool
        True for a made-up parameter set used to show the law's behaviour (never a paper's result).
    fitted_range : dict, optional
        ``{"N": (lo, hi), "D": (lo, hi), "k": (lo, hi)}`` the law was fitted on; ``None`` if it was not fitted.
    """

    name: str
    law: T2Law | T2AccuracyLaw
    source: str
    illustrative: bool
    fitted_range: dict[str, tuple[float, float]] | None = field(default=None)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty string; got {self.name!r}")
        if not isinstance(self.law, (T2Law, T2AccuracyLaw)):
            raise ValueError(f"law must be a T2Law or T2AccuracyLaw; got {type(self.law).__name__}")
        if not isinstance(self.source, str) or not self.source:
            raise ValueError("source must be a non-empty string")
        if not isinstance(self.illustrative, bool):
            raise ValueError(f"illustrative must be True or False; got {self.illustrative!r}")
        if self.fitted_range is not None:
            if not isinstance(self.fitted_range, dict) or set(self.fitted_range) - {"N", "D", "k"}:
                raise ValueError("fitted_range must be a dict with keys among 'N', 'D', 'k'")
            for key, rng in self.fitted_range.items():
                lo, hi = (float(x) for x in rng)
                if not 0 < lo <= hi < float("inf"):
                    raise ValueError(f"fitted_range[{key!r}] must be (lo, hi) with 0 < lo <= hi < inf; got {rng!r}")
