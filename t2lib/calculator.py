r"""The in-page planning calculator: allocations precomputed on a grid of budgets, interpolated in the browser.

During the build, chapter 11 calls :func:`calculator_data` to solve every named law on a dense grid of budgets
with :mod:`t2lib.frame` and :func:`calculator_html` to embed the result in the page: the grid as inline JSON
(``<script type="application/json">``) and the small script ``calculator.js`` that reads it. The script only
*interpolates* (bilinearly in :math:`\log_{10}` of the budgets, on :math:`\log_{10}` of the answers); no
optimisation logic is written twice, nothing is fetched, so the page works from ``file://`` and any static host.

Grids, per law:

- ``train``: the separate-budget regime. For a Chinchilla law :math:`(N, D)` against :math:`C_{\mathrm{train}}`
  (:func:`t2lib.frame.chinchilla`); for a T² law :math:`(N, D, k)` against :math:`(C_{\mathrm{train}},
  C_{\mathrm{inf}})` (:func:`t2lib.frame.t2`).
- ``summed``: one lifetime budget :math:`C_{\mathrm{life}}` and a demand :math:`S`
  (:func:`t2lib.frame.sardana` or :func:`t2lib.frame.t2_summed`).
- bands (where the law has bootstrap draws): the 5% and 95% quantiles of the draws' optima on the same grids.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Mapping, Sequence

import numpy as np

from . import _validate as v
from . import frame
from .laws import ChinchillaLaw
from .t2.law import T2Law

__all__ = ["CalculatorLaw", "GRID", "calculator_data", "calculator_html", "interpolate"]

GRID: dict[str, tuple[float, float, float]] = {
    "C": (18.0, 28.0, 0.125),  # log10 of C_train or C_life (FLOPs): first, last, step
    "S": (8.0, 16.0, 0.125),  # log10 of the served tokens
    "Cinf": (8.0, 14.0, 0.25),  # log10 of the inference FLOPs per served token
}
r"""The default grids, as ``(first, last, step)`` in :math:`\log_{10}` of the budget. At 1/8 decade (1/4 for C_inf) the log-log
interpolation is within 0.3% of the solvers for the laws of chapter 11 (the tests check 1%). The bands use every
second point of each axis: their edges move far more from draw to draw than the interpolation error."""

_DIGITS = 4  # decimals of log10 kept in the page: 5e-5 in log10 is at most 1.2e-4 relative


@dataclass(frozen=True)
class CalculatorLaw:
    """A law offered by the calculator.

    Parameters
    ----------
    key : str
        Identifier (used in the page's ``<select>``).
    label : str
        Human name shown to the reader.
    law : ChinchillaLaw or T2Law
    source : str
        Where the numbers come from (shown under the answer).
    illustrative : bool
        True for a made-up parameter set.
    draws : frame.LawDraws, optional
        Bootstrap draws; the page then shows 90% bands.
    band_source : str
        What the draws are (shown with the band).
    band_regimes : tuple of str
        The grids (``"train"``, ``"summed"``) that get bands; the T² lifetime solve is one bisection per draw,
        so a caller may keep only ``("train",)`` to save build time.
    fitted_range : dict, optional
        ``{"N": (lo, hi), "D": (lo, hi), "k": (lo, hi)}``; the page warns outside it.
    """

    key: str
    label: str
    law: ChinchillaLaw | T2Law
    source: str
    illustrative: bool = False
    draws: frame.LawDraws | None = field(default=None, repr=False)
    band_source: str = ""
    band_regimes: tuple[str, ...] = ("train", "summed")
    fitted_range: Mapping[str, tuple[float, float]] | None = None

    def __post_init__(self) -> None:
        v.text("key", self.key)
        v.text("label", self.label)
        v.text("source", self.source)
        v.flag("illustrative", self.illustrative)
        v.text("band_source", self.band_source, empty=True)
        if self.fitted_range is not None:
            v.mapping("fitted_range", self.fitted_range)
        if isinstance(self.band_regimes, str) or not isinstance(self.band_regimes, (tuple, list)):
            raise ValueError(f"band_regimes must be a tuple of 'train' and/or 'summed'; got {self.band_regimes!r}")
        if not isinstance(self.law, (ChinchillaLaw, T2Law)):
            raise ValueError(f"law must be a ChinchillaLaw or a T2Law; got {type(self.law).__name__}")
        if self.draws is not None and not isinstance(self.draws, frame.LawDraws):
            raise ValueError("draws must be a frame.LawDraws or None")
        if self.draws is not None and self.draws.is_t2 != isinstance(self.law, T2Law):
            raise ValueError("draws must be of the same kind as law (Chinchilla or T²)")
        if not set(self.band_regimes) <= {"train", "summed"} or not self.band_regimes:
            raise ValueError(f"band_regimes must be a non-empty subset of ('train', 'summed'); got {self.band_regimes!r}")


def _axis(name: str, spec) -> np.ndarray:
    arr = v.finite(f"grid[{name!r}]", spec)
    if arr.shape != (3,):
        raise ValueError(f"grid[{name!r}] must be (first, last, step) in log10; got {spec!r}")
    lo, hi, step = (float(x) for x in arr)
    if not (step > 0 and hi > lo and (hi - lo) / step <= 10_000):
        raise ValueError(f"grid[{name!r}] must be (first, last, step) with first < last, step > 0; got {spec!r}")
    n = int(round((hi - lo) / step)) + 1
    return lo + step * np.arange(n)


def _meshes(axes):
    C = 10.0 ** axes["C"]
    C2, S2 = np.meshgrid(C, 10.0 ** axes["S"], indexing="ij")
    Ct2, Ci2 = np.meshgrid(C, 10.0 ** axes["Cinf"], indexing="ij")
    return C, C2, S2, Ct2, Ci2


def _log(x) -> list[float]:
    return np.round(np.log10(np.asarray(x, dtype=float)), _DIGITS).ravel().tolist()


def _pack(values: Mapping[str, np.ndarray], keys: Sequence[str]) -> dict[str, list[float]]:
    return {k: _log(values[k]) for k in keys}


def calculator_data(laws: Sequence[CalculatorLaw], grid: Mapping[str, tuple[float, float, float]] = GRID,
                    level: float = 0.9, unique_tokens: float = frame.UNIQUE_TOKENS_DEFAULT) -> dict:
    """Every law solved on the grids, as a JSON-ready dict (log10 values, row-major arrays).

    Parameters
    ----------
    laws : sequence of CalculatorLaw
        Distinct keys.
    grid : mapping
        ``C``, ``S``, ``Cinf`` axes as ``(first, last, step)`` in log10 (default :data:`GRID`).
    level : float
        Coverage of the bands, in (0, 1).
    unique_tokens : float
        Default of the page's "unique tokens available" field.

    Returns
    -------
    dict
        ``grid`` (the axes), ``level``, ``unique_tokens``, ``regimes`` (descriptions) and ``laws`` (one entry per
        law with its ``train`` and ``summed`` grids and, if it has draws, ``bands``).
    """
    if isinstance(laws, (str, bytes)) or not hasattr(laws, "__iter__"):
        raise ValueError(f"laws must be a sequence of CalculatorLaw; got {type(laws).__name__}")
    laws = list(laws)
    if not laws or not all(isinstance(x, CalculatorLaw) for x in laws):
        raise ValueError("laws must be a non-empty sequence of CalculatorLaw")
    if len({x.key for x in laws}) != len(laws):
        raise ValueError("laws must have distinct keys")
    lev = float(v.scalar("level", level, 0.0, 1.0))
    U = float(v.positive_scalar("unique_tokens", unique_tokens))
    v.mapping("grid", grid)
    if set(("C", "S", "Cinf")) - set(grid):
        raise ValueError("grid must have the axes 'C', 'S' and 'Cinf'")
    axes = {k: _axis(k, grid[k]) for k in ("C", "S", "Cinf")}
    band_axes = {k: a[::2] for k, a in axes.items()}
    C, C2, S2, Ct2, Ci2 = _meshes(axes)
    bC, bC2, bS2, bCt2, bCi2 = _meshes(band_axes)
    out_laws = []
    for cl in laws:
        is_t2 = isinstance(cl.law, T2Law)
        keys = ("N", "D", "k") if is_t2 else ("N", "D")
        train = frame.t2(cl.law, Ct2, Ci2) if is_t2 else frame.chinchilla(cl.law, C)
        summed = frame.t2_summed(cl.law, C2, S2) if is_t2 else frame.sardana(cl.law, C2, S2)
        entry = {
            "key": cl.key, "label": cl.label, "kind": "t2" if is_t2 else "chinchilla", "source": cl.source,
            "illustrative": bool(cl.illustrative),
            "fitted_range": {k: [float(a), float(b)] for k, (a, b) in cl.fitted_range.items()}
            if cl.fitted_range else None,
            "train": _pack(train.as_dict(), keys),
            "summed": _pack(summed.as_dict(), keys),
        }
        if cl.draws is not None:
            grids = {}
            if "train" in cl.band_regimes:
                grids["train"] = (frame.draw_allocations(cl.draws, "t2", bCt2, C_inf=bCi2) if is_t2
                                  else frame.draw_allocations(cl.draws, "chinchilla", bC))
            if "summed" in cl.band_regimes:
                grids["summed"] = frame.draw_allocations(cl.draws, "t2-summed" if is_t2 else "sardana", bC2,
                                                         served_tokens=bS2)
            entry["bands"] = {
                "source": cl.band_source, "n_draws": len(cl.draws),
                **{name: {f"{q}_{end}": _log(b[i]) for q, b in frame.bands({k: d[k] for k in keys}, lev).items()
                          for i, end in enumerate(("lo", "hi"))}
                   for name, d in grids.items()},
            }
        out_laws.append(entry)
    return {
        "grid": {k: [float(a[0]), float(a[1] - a[0]), int(a.size)] for k, a in axes.items()},
        "band_grid": {k: [float(a[0]), float(a[1] - a[0]), int(a.size)] for k, a in band_axes.items()},
        "level": lev,
        "unique_tokens": U,
        "regimes": {k: frame.REGIMES[k] for k in ("chinchilla", "sardana", "t2", "t2-summed")},
        "laws": out_laws,
    }


def interpolate(data: Mapping, key: str, regime: str, quantity: str, x: float, y: float | None = None) -> float:
    r"""What the page computes: bilinear interpolation in :math:`\log_{10}` (a reference for the tests).

    Parameters
    ----------
    data : dict
        :func:`calculator_data`.
    key : str
        A law's key.
    regime : {"train", "summed"}
    quantity : str
        ``N``, ``D``, ``k`` (or a band, e.g. ``N_lo``, read from ``bands``).
    x, y : float
        The budgets: ``C`` (and ``Cinf`` for a T² law's ``train`` grid, ``S`` for ``summed``).
    """
    _check_data(data)
    v.text("key", key)
    v.choice("regime", regime, ("train", "summed"))
    v.text("quantity", quantity)
    law = next((e for e in data["laws"] if e["key"] == key), None)
    if law is None:
        raise ValueError(f"key must be one of {[e['key'] for e in data['laws']]}; got {key!r}")
    band = quantity.endswith(("_lo", "_hi"))
    table = (law.get("bands") or {}).get(regime, {}) if band else law[regime]
    if quantity not in table:
        raise ValueError(f"quantity must be one of {sorted(table)} for law {key!r}, regime {regime!r}; got {quantity!r}")
    vals = np.asarray(table[quantity])
    grid = data["band_grid" if band else "grid"]
    gC = grid["C"]
    u = (np.log10(v.positive_scalar("x", x)) - gC[0]) / gC[1]
    if regime == "train" and law["kind"] == "chinchilla":
        i = int(np.clip(np.floor(u), 0, gC[2] - 2))
        t = u - i
        return float(10 ** ((1 - t) * vals[i] + t * vals[i + 1]))
    g2 = grid["S" if regime == "summed" else "Cinf"]
    w = (np.log10(v.positive_scalar("y", y)) - g2[0]) / g2[1]
    vals = vals.reshape(gC[2], g2[2])
    i, j = int(np.clip(np.floor(u), 0, gC[2] - 2)), int(np.clip(np.floor(w), 0, g2[2] - 2))
    t, s = u - i, w - j
    z = ((1 - t) * (1 - s) * vals[i, j] + t * (1 - s) * vals[i + 1, j] + (1 - t) * s * vals[i, j + 1]
         + t * s * vals[i + 1, j + 1])
    return float(10**z)


def _check_data(data) -> None:
    v.mapping("data", data)
    missing = [k for k in ("grid", "band_grid", "laws", "regimes", "level", "unique_tokens") if k not in data]
    if missing:
        raise ValueError(f"data must be the output of calculator_data; missing {missing}")


def calculator_html(data: Mapping, element_id: str = "t2-calculator") -> str:
    """The calculator as one self-contained HTML fragment: a form, the grid as inline JSON, the script.

    Parameters
    ----------
    data : dict
        :func:`calculator_data`.
    element_id : str
        ``id`` of the calculator's container (letters, digits and ``-``).
    """
    _check_data(data)
    if not isinstance(element_id, str) or not element_id.replace("-", "").isalnum():
        raise ValueError(f"element_id must be letters, digits and '-'; got {element_id!r}")
    payload = json.dumps(data, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    js = resources.files("t2lib").joinpath("calculator.js").read_text()
    options = "".join(f'<option value="{html.escape(e["key"])}">{html.escape(e["label"])}</option>'
                      for e in data["laws"])
    u = f'{data["unique_tokens"]:.3g}'.replace("e+", "e")
    return f"""<div class="t2calc" id="{element_id}">
<style>
#{element_id} {{ border: 1px solid #ccc; border-radius: 6px; padding: 0.8em 1em; margin: 1em 0; }}
#{element_id} label {{ display: block; font-size: 0.9em; margin-top: 0.3em; }}
#{element_id} input, #{element_id} select {{ width: 18em; max-width: 100%; }}
#{element_id} table {{ margin-top: 0.6em; }}
#{element_id} td, #{element_id} th {{ padding: 0.1em 0.8em; text-align: right; }}
#{element_id} .t2calc-msg {{ color: #a00; font-weight: bold; }}
#{element_id} .t2calc-note {{ color: #555; font-size: 0.9em; }}
</style>
<form onsubmit="return false;">
<div><label for="{element_id}-law">law</label><select id="{element_id}-law" name="law">{options}</select></div>
<div><label for="{element_id}-ctrain">training budget C<sub>train</sub> (FLOPs)</label><input id="{element_id}-ctrain" name="ctrain" value="1e24"></div>
<div><label for="{element_id}-cinf">inference budget C<sub>inf</sub> (FLOPs per served token)</label><input id="{element_id}-cinf" name="cinf" value="1.4e11"></div>
<div><label for="{element_id}-served">served tokens S (lifetime demand; empty: none)</label><input id="{element_id}-served" name="served" value=""></div>
<div><label for="{element_id}-unique">unique training tokens available</label><input id="{element_id}-unique" name="unique" value="{u}"></div>
</form>
<div class="t2calc-msg" id="{element_id}-msg" role="alert"></div>
<div id="{element_id}-out"></div>
<script type="application/json" id="{element_id}-data">{payload}</script>
<script>
{js}
t2calcInit("{element_id}");
</script>
</div>"""
