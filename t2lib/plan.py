r"""``python -m t2lib plan``: the T² allocation (N, D, k) for a training and an inference budget.

::

    python -m t2lib plan --train-flops 1e24 --inference-flops 1.4e11 [--law NAME] [--min-samples 1] [--json]
    python -m t2lib plan --list-laws

Prints the T² optimum of the named law (:data:`t2lib.t2.presets.LAWS`): parameters N, training tokens D,
tokens per parameter D/N, samples per problem k and the predicted loss (Approach 1) or pass@k (Approach 2),
with the k = 1 (Chinchilla) allocation of the same law beside it (:func:`t2lib.t2.forecast`). Illustrative laws
are labelled as such; a law with a ``fitted_range`` triggers a warning when the answer leaves it. Bad input
prints one line on stderr and exits with status 2.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from typing import Any, Sequence

from .fmt import number
from .planning import extend_plan, format_extension
from .t2.forecast import forecast, objective_name
from .t2.named import NamedLaw
from .t2.presets import DEFAULT_LAW, LAWS

__all__ = ["plan", "main", "format_plan", "list_laws"]

_QUANTITIES = (("N", "parameters N"), ("D", "training tokens D"), ("tokens_per_param", "tokens per parameter D/N"),
               ("k", "samples per problem k"))


class _Error(Exception):
    """A user error: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage block, no traceback
        raise _Error(message)


def _positive_number(flag: str, what: str = "number of FLOPs", example: str = "1e24"):
    """argparse ``type=`` for a positive finite number given as ``flag`` (its message names the flag)."""
    def parse(text: str) -> float:
        try:
            x = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} must be a positive {what} (e.g. {example}); got {text!r}")
        if not (math.isfinite(x) and x > 0):
            raise argparse.ArgumentTypeError(f"{flag} must be positive and finite (0 < {flag} < inf); got {text!r}")
        return x
    return parse


def _warnings(named: NamedLaw, row: dict[str, float], min_samples: float | None) -> list[str]:
    out = []
    if named.illustrative:
        out.append(f"'{named.name}' is an ILLUSTRATIVE parameter set, not a fitted law and not a result of "
                   "Roberts et al. (2026); chapter 9 fits real ones")
    if named.fitted_range is None and not named.illustrative:
        out.append(f"'{named.name}' carries no fitted range: extrapolation cannot be checked")
    for key, (lo, hi) in (named.fitted_range or {}).items():
        val = row[key]
        if not lo <= val <= hi:
            out.append(f"{key} = {number(val)} lies outside the range the law was fitted on "
                       f"[{number(lo)}, {number(hi)}]: this is an extrapolation")
    if min_samples is None and row["k"] < 1:
        out.append(f"the optimum draws k = {number(row['k'])} < 1 samples (the model is larger than C_inf/2); "
                   "use --min-samples 1 to require at least one sample")
    if row["k_k1"] < 1:
        out.append(f"the k = 1 allocation cannot draw one sample at this inference budget (k = {number(row['k_k1'])})")
    return out


def plan(C_train: float, C_inf: float, law: str = DEFAULT_LAW, min_samples: float | None = None,
         served_tokens: float | None = None, bands: bool = False) -> dict[str, Any]:
    """The plan as a JSON-ready dict: law, source, budgets, the T² optimum, the k = 1 allocation, warnings.

    Parameters
    ----------
    C_train, C_inf : float
        Training FLOPs and inference FLOPs per served token, positive and finite.
    law : str
        A name in :data:`t2lib.t2.presets.LAWS`.
    min_samples : float, optional
        Smallest allowed k (e.g. 1); ``None`` lets k be any real > 0.
    served_tokens : float, optional
        Lifetime demand: adds the lifetime frame and its regime (:func:`t2lib.planning.extend_plan`).
    bands : bool
        Add the bootstrap bands where the law has a bootstrap.
    """
    if not isinstance(law, str) or law not in LAWS:
        raise ValueError(f"law must be one of {sorted(LAWS)} (see --list-laws); got {law!r}")
    named = LAWS[law]
    table = forecast(named.law, C_train, C_inf, min_samples=min_samples)
    if len(table) != 1:
        raise ValueError("C_train and C_inf must be single numbers")
    row = {k: float(v) for k, v in table.iloc[0].items()}
    what = objective_name(named.law)
    return extend_plan({
        "law": named.name,
        "approach": 1 if what == "loss" else 2,
        "objective": what,
        "source": named.source,
        "illustrative": named.illustrative,
        "fitted_range": {k: list(v) for k, v in named.fitted_range.items()} if named.fitted_range else None,
        "C_train": row["C_train"],
        "C_inf": row["C_inf"],
        "min_samples": min_samples,
        "t2": {**{q: row[q] for q, _ in _QUANTITIES}, what: row["value"]},
        "k1": {**{q: row[q + "_k1"] for q, _ in _QUANTITIES}, what: row["value_k1"]},
        "warnings": _warnings(named, row, min_samples),
    }, named, served_tokens=served_tokens, bands=bands)


def format_plan(p: dict[str, Any]) -> str:
    """The plan of :func:`plan` as the text ``plan`` prints."""
    keys = {"objective", "illustrative", "law", "approach", "source", "C_train", "C_inf", "min_samples", "t2", "k1",
            "warnings"}
    if not isinstance(p, dict) or not keys <= set(p):
        raise ValueError(f"p must be the dict returned by plan() (keys {sorted(keys)}); got {type(p).__name__}")
    what = p["objective"]
    label = "predicted loss" if what == "loss" else "predicted pass@k"
    tag = "  [ILLUSTRATIVE]" if p["illustrative"] else ""
    lines = [
        f"T² plan, law '{p['law']}' (Approach {p['approach']}){tag}",
        f"source: {p['source']}",
        f"budgets: C_train = {number(p['C_train'])} FLOPs, C_inf = {number(p['C_inf'])} FLOPs per served token"
        + (f", k >= {number(p['min_samples'])}" if p["min_samples"] is not None else ""),
        "",
        f"{'':28s}{'T² optimum':>16s}{'k = 1 (Chinchilla)':>22s}",
    ]
    for q, name in _QUANTITIES + ((what, label),):
        lines.append(f"{name:28s}{number(p['t2'][q]):>16s}{number(p['k1'][q]):>22s}")
    lines.append("")
    lines.append("The k = 1 column is the same law's compute-optimal (N, D) at one sample, then served with "
                 "k = C_inf / (2N).")
    lines += format_extension(p)
    lines += [f"warning: {w}" for w in p["warnings"]]
    return "\n".join(lines)


def list_laws() -> str:
    """One block per named law: name, kind, source, fitted range."""
    out = []
    for name, nl in LAWS.items():
        kind = "ILLUSTRATIVE" if nl.illustrative else "fitted"
        approach = "Approach 1 (loss)" if objective_name(nl.law) == "loss" else "Approach 2 (pass@k)"
        rng = ("; fitted on " + ", ".join(f"{k} in [{number(lo)}, {number(hi)}]" for k, (lo, hi)
                                          in nl.fitted_range.items())) if nl.fitted_range else ""
        default = " (default)" if name == DEFAULT_LAW else ""
        out.append(f"{name}{default}  [{kind}, {approach}]\n    source: {nl.source}{rng}")
    return "\n".join(out)


def _parser() -> _Parser:
    ap = _Parser(prog="python -m t2lib plan", description=__doc__.split("\n\n")[0], allow_abbrev=False)
    ap.add_argument("--train-flops", type=_positive_number("--train-flops"),
                    help="training budget C_train = 6ND, FLOPs")
    ap.add_argument("--inference-flops", type=_positive_number("--inference-flops"),
                    help="inference budget C_inf = 2Nk, FLOPs per served token (1.4e11: one 70B forward pass)")
    ap.add_argument("--law", default=DEFAULT_LAW, help=f"a named law (default {DEFAULT_LAW}; see --list-laws)")
    ap.add_argument("--min-samples", type=_positive_number("--min-samples", "number", "1"), default=None,
                    help="require k >= this (e.g. 1)")
    ap.add_argument("--served-tokens", type=_positive_number("--served-tokens", "number of tokens", "1e12"),
                    default=None,
                    help="lifetime demand in tokens: one lifetime budget C_train + S*C_inf, re-split (chapter 11)")
    ap.add_argument("--bands", action="store_true", help="90%% bootstrap bands where the law has a bootstrap")
    ap.add_argument("--json", action="store_true", help="print the plan as JSON")
    ap.add_argument("--list-laws", action="store_true", help="list the named laws with their sources")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``plan`` command; returns the exit status (0, or 2 for bad input).

    Parameters
    ----------
    argv : list of str, optional
        The arguments after ``plan``; ``None`` reads them from ``sys.argv``.
    """
    if argv is None:
        argv = sys.argv[1:]
        argv = argv[1:] if argv[:1] == ["plan"] else argv
    if isinstance(argv, (str, bytes)) or not isinstance(argv, (list, tuple)) \
            or not all(isinstance(x, str) for x in argv):
        raise ValueError(f"argv must be a list of strings (the command-line arguments); got {argv!r}")
    try:
        a = _parser().parse_args(argv)
        if a.list_laws:
            return _emit(list_laws())
        if a.train_flops is None or a.inference_flops is None:
            raise _Error("--train-flops and --inference-flops are both required (or use --list-laws)")
        if a.law not in LAWS:
            raise _Error(f"unknown law {a.law!r}; known laws: {', '.join(LAWS)} (see --list-laws)")
        p = plan(a.train_flops, a.inference_flops, law=a.law, min_samples=a.min_samples,
                 served_tokens=a.served_tokens, bands=a.bands)
    except (_Error, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return _emit(json.dumps(p, indent=2) if a.json else format_plan(p))


def _emit(text: str) -> int:
    """Print ``text``; a reader that closes the pipe early (``plan --list-laws | head``) is not an error."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes at exit
    return 0
