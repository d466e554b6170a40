r"""What ``python -m t2lib plan`` adds from chapter 11: the regime, the lifetime frame and the bootstrap bands.

- Without ``--served-tokens`` the regime is ``t2``: two separate budgets (:func:`t2lib.frame.t2`).
- With ``--served-tokens S`` the two budgets become one lifetime budget
  :math:`C_{\mathrm{life}} = C_{\mathrm{train}} + S\,C_{\mathrm{inf}}` that the optimiser may re-split
  (:func:`t2lib.frame.t2_summed`), next to the k = 1 answer of the same law at the same lifetime budget
  (:func:`t2lib.frame.sardana`).
- ``--bands`` adds the 90% bootstrap bands of :math:`N^*, D^*, k^*` for laws registered in :data:`BOOTSTRAPS`.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import _validate as v, frame
from .fmt import number
from .t2.law import T2Law
from .t2.named import NamedLaw

__all__ = ["BOOTSTRAPS", "chapter9_draws", "extend_plan", "format_extension"]

def chapter9_draws(n_resamples: int = 200, seed: int = 0, n_starts: int = 8) -> frame.LawDraws:
    """The problem bootstrap of chapter 9's Approach-1 fit on GSM8K, as draws (loads the data and refits: seconds).

    Refits :data:`t2lib.t2.fitted.PYTHIA_GSM8K_APPROACH1` with ``n_starts`` starts (the stored law is re-found to
    its re-fit tolerance), then resamples the problems ``n_resamples`` times (:meth:`t2lib.t2.fit.T2Fit.bootstrap`);
    only converged replicates are kept.
    """
    from .data import load_pythia_samples
    from .t2 import fit_t2, k_grid, passk_targets, select_checkpoints

    samples = load_pythia_samples("GSM8K", checkpoints=True)
    table = select_checkpoints(passk_targets(samples, k_grid(samples)))
    boot = fit_t2(table, n_starts=n_starts, seed=0).bootstrap(samples, n_resamples=n_resamples, seed=seed)
    return frame.LawDraws.from_laws([law for law, ok in zip(boot.laws(), boot.converged) if ok])


BOOTSTRAPS: dict[str, Callable[[], frame.LawDraws]] = {"pythia-gsm8k-approach1": chapter9_draws}
"""Named laws with a bootstrap: name -> a function returning its draws (:class:`t2lib.frame.LawDraws`).
Laws not listed here have no bands (the illustrative laws never do)."""

_Q = ("N", "D", "tokens_per_param", "k")


def _row(a: frame.Allocation) -> dict[str, float]:
    d = a.as_dict()
    return {q: float(d[q]) for q in (*_Q, "loss", "C_train", "C_inf", "training_share")}


def _limit_warnings(named: NamedLaw, p: dict[str, Any]) -> list[str]:
    """Warnings for the lifetime answer outside the fitted range, and for D above the default unique tokens."""
    out = []
    life = p.get("lifetime")
    answers = [("T² optimum", p.get("t2"))] + ([("lifetime T² optimum", life["t2"])] if life else [])
    for what, row in answers:
        if not row or "D" not in row:
            continue
        ep = float(frame.epochs(row["D"], frame.UNIQUE_TOKENS_DEFAULT))
        if ep > 1:
            out.append(f"{what}: D = {number(row['D'])} tokens is {number(ep)} epochs of "
                       f"{number(frame.UNIQUE_TOKENS_DEFAULT)} unique tokens (about FineWeb's size): the data must be "
                       "repeated, which is worth less than fresh data (Muennighoff et al. 2023; chapter 11)")
    if life and named.fitted_range:
        beyond = frame.outside_range(named.fitted_range, **{q: life["t2"][q] for q in named.fitted_range})
        for q, f in beyond.items():
            if float(f) > 1:
                out.append(f"lifetime T² optimum: {q} = {number(life['t2'][q])} lies {number(float(f))} times outside "
                           "the range the law was fitted on: this is an extrapolation")
    return out


def extend_plan(p: dict[str, Any], named: NamedLaw, served_tokens: float | None = None, bands: bool = False,
                level: float = 0.9) -> dict[str, Any]:
    """Add ``regime``, ``regime_description``, ``served_tokens``, ``lifetime`` and ``bands`` to a plan dict.

    Parameters
    ----------
    p : dict
        The plan of :func:`t2lib.plan.plan` (needs ``C_train`` and ``C_inf``).
    named : NamedLaw
        The law of the plan.
    served_tokens : float, optional
        Lifetime demand :math:`S > 0`; ``None`` keeps the two budgets separate.
    bands : bool
        Add the bootstrap bands (``None`` with a note where the law has no bootstrap).
    level : float
        Coverage of the bands.
    """
    v.mapping("p", p)
    if "C_train" not in p or "C_inf" not in p:
        raise ValueError("p must be a plan of t2lib.plan.plan (with C_train and C_inf)")
    v.law("named", named, NamedLaw)
    v.flag("bands", bands)
    lev = v.scalar("level", level, 0.0, 1.0)
    law = named.law
    out = dict(p)
    if served_tokens is not None:
        if not isinstance(law, T2Law):
            raise ValueError("--served-tokens (the lifetime frame) needs an Approach-1 law (a loss law); "
                             f"'{named.name}' is an Approach-2 (pass@k) law")
        S = float(v.positive_scalar("served_tokens", served_tokens))
        C_life = v.finite_result(p["C_train"] + S * p["C_inf"], "the lifetime budget C_train + S * C_inf",
                                 served_tokens=served_tokens)
        t2 = frame.t2_summed(law, C_life, S)
        k1 = frame.sardana(law, C_life, S)
        out.update(regime="t2-summed", served_tokens=S,
                   lifetime={"C_life": C_life, "t2": _row(t2), "k1": _row(k1)})
    else:
        out.update(regime="t2", served_tokens=None, lifetime=None)
    out["regime_description"] = frame.REGIMES[out["regime"]]
    out["warnings"] = list(p.get("warnings", [])) + _limit_warnings(named, out)
    out["bands"] = None
    if bands:
        if named.name not in BOOTSTRAPS:
            out["bands_note"] = f"law '{named.name}' has no bootstrap: no bands"
        else:
            draws = BOOTSTRAPS[named.name]()
            if out["regime"] == "t2":
                at = frame.draw_allocations(draws, "t2", p["C_train"], C_inf=p["C_inf"])
            else:
                at = frame.draw_allocations(draws, "t2-summed", out["lifetime"]["C_life"],
                                            served_tokens=out["served_tokens"])
            b = frame.bands(at, lev)
            out["bands"] = {"level": lev, "n_draws": len(draws),
                            **{q: [float(np.asarray(lo)), float(np.asarray(hi))] for q, (lo, hi) in b.items()}}
    return out


def format_extension(p: dict[str, Any]) -> list[str]:
    """The lines ``plan`` prints for :func:`extend_plan`'s additions."""
    v.mapping("p", p)
    if "regime" not in p or "regime_description" not in p:
        raise ValueError("p must be a plan extended by extend_plan (with regime and regime_description)")
    lines = ["", f"regime: {p['regime']}: {p['regime_description']}"]
    life = p.get("lifetime")
    if life:
        lines += [f"lifetime budget C_life = C_train + S × C_inf = {number(life['C_life'])} FLOPs "
                  f"(S = {number(p['served_tokens'])} served tokens), re-split by the optimiser:",
                  f"{'':34s}{'T² (k free)':>14s}{'k = 1 (Sardana)':>18s}"]
        names = dict(N="parameters N", D="training tokens D", tokens_per_param="tokens per parameter D/N",
                     k="samples per served token k", loss="predicted loss", training_share="training share")
        for q, name in names.items():
            lines.append(f"{name:34s}{number(life['t2'][q]):>14s}{number(life['k1'][q]):>18s}")
    if p.get("bands"):
        b = p["bands"]
        lines.append(f"{b['level']:.0%} bootstrap bands ({b['n_draws']} draws, regime {p['regime']}):")
        for q in ("N", "D", "k"):
            lines.append(f"  {q}: {number(b[q][0])} to {number(b[q][1])}")
    elif p.get("bands_note"):
        lines.append(f"bands: {p['bands_note']}")
    return lines
