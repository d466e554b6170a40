"""Feed every public callable of :mod:`t2lib` bad values, one argument at a time.

The public surface is discovered, not listed: every name in the ``__all__`` of every module and subpackage of
``t2lib`` (``t2lib.t2`` and its submodules included; ``t2lib.lab`` only when ``jax`` is importable), every public
method of every public class, and every public class's constructor. A callable needs a *baseline*: a valid call,
from which one argument at a time is replaced by a bad value (NaN, ±inf, 0, a negative, an empty array, a
mismatched shape, a string, ``None``, 1e308, a non-integer count, a DataFrame missing its columns or holding NaN).
Baselines come from :data:`BY_NAME` (argument name -> valid value) and, where a callable needs something else,
from :data:`CASES`; a callable neither resolves fails the test with a request to add one.

Each fuzzed call ends in one of

- ``named``: a ``ValueError`` whose message names the replaced argument (the goal);
- ``unnamed``: a ``ValueError`` that does not name it;
- ``crash``: any other exception;
- ``garbage``: the call returned although the value is not one it documents as valid (see ``ACCEPT``), or it
  returned non-finite numbers where the baseline's result was finite;
- ``accepted``: it returned, and the value is a valid input (``ACCEPT``; e.g. ``0`` inference tokens).

Run ``python tests/api_fuzz.py`` for the statistics and the list of every call that is not ``named``/``accepted``.
"""
from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import inspect
import math
import pkgutil
import re
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- the bad values
INF = float("inf")
SCALAR_BAD: dict[str, Any] = {
    "nan": float("nan"),
    "inf": INF,
    "-inf": -INF,
    "zero": 0.0,
    "negative": -1.5,
    "empty": np.array([]),
    "string": "abc",
    "none": None,
    "huge": 1e308,
}


class Fresh:
    """A baseline value built anew for every call (files that a call may modify, mutable frames)."""

    def __init__(self, make: Callable[[], Any]):
        self.make = make

    def __call__(self) -> Any:
        return self.make()


class Alt:
    """Valid alternatives for an argument name (e.g. a Chinchilla law or a T² law for ``law``, an array or a
    scalar budget); the first combination whose baseline call succeeds is used."""

    def __init__(self, *options: Any):
        self.options = options


def _value(x: Any) -> Any:
    return x() if isinstance(x, Fresh) else x


def bad_values(baseline: Any, others: dict[str, Any]) -> dict[str, Any]:
    """The bad values tried for one argument whose valid value is ``baseline``."""
    out = dict(SCALAR_BAD)
    if isinstance(baseline, (bool, np.bool_)):
        out["non_bool"] = "False"
        out["int_flag"] = 1
    elif isinstance(baseline, (int, np.integer)):
        out["non_integer"] = float(baseline) + 0.5
        out["zero"] = 0
        out["negative"] = -3
    if isinstance(baseline, pd.DataFrame):
        out["no_columns"] = baseline.iloc[:, :0]
        floats = [c for c in baseline.columns if baseline[c].dtype.kind == "f"]
        if floats and len(baseline):
            df = baseline.copy()
            df.loc[df.index[0], floats] = np.nan
            out["nan_cell"] = df
    lengths = {np.shape(o)[0] for o in others.values()
               if isinstance(o, np.ndarray) and o.ndim == 1 and o.dtype.kind in "iuf" and o.size >= 2}
    if lengths and (isinstance(baseline, (float, int, np.ndarray)) and not isinstance(baseline, bool)):
        n = max(lengths) + 1
        b = np.asarray(baseline)
        if b.dtype.kind in "iuf":
            out["shape"] = np.resize(b, n) if b.ndim == 1 and b.size else np.full(n, b.item() if b.ndim == 0 else b.flat[0])
    return out


# --------------------------------------------------------------------------- discovery
def _jax() -> bool:
    return importlib.util.find_spec("jax") is not None


SKIP_MODULES = ("t2lib.__main__",)
SKIP = {
    # start kernels / build the book (the CLI is tested in tests/test_cli_errors.py)
    "t2lib.book.run_chapter", "t2lib.book.build", "t2lib.book.main", "t2lib.plan.main",
    # compiles an XLA model for every shape a variant asks for (several seconds each, past the per-callable
    # budget on a busy machine); its bad-input rejections are tested in tests/test_lab.py
    "t2lib.lab.train.train",
    # loads the Pythia data and refits chapter 9's law (seconds per call; tested in tests/test_planning.py)
    "t2lib.planning.chapter9_draws",
}
RECORDS = {
    # result records: built by t2lib from validated computations, never an input a user fills in; their
    # methods and properties are fuzzed, their constructors are not
    "t2lib.fit.FitResult", "t2lib.fit.BatchResult", "t2lib.fit.BootstrapResult", "t2lib.fit.MLEResult",
    "t2lib.flops.HoffmannFlops", "t2lib.isoflop.IsoFLOPFit", "t2lib.overtraining.Table6Row",
    "t2lib.book.ChapterResult", "t2lib.book.Parameter", "t2lib.data._registry.DataFile",
    "t2lib.published.Source", "t2lib.frame.Allocation",
}
# chapter 9 (t2lib.t2.targets, .fit, .holdout, .fitted): its result records and baselines are kept in
# tests/t2fit_fuzz_cases.py
from t2fit_fuzz_cases import T2FIT_RECORDS  # noqa: E402

RECORDS |= T2FIT_RECORDS
from lab_fuzz_cases import LAB_RECORDS  # noqa: E402  (tests/lab_fuzz_cases.py, chapter 10)

RECORDS |= LAB_RECORDS


def public_modules() -> list[str]:
    import t2lib

    names = ["t2lib"]
    for m in pkgutil.walk_packages(t2lib.__path__, "t2lib."):
        if m.name in SKIP_MODULES or m.name.split(".")[-1].startswith("_"):
            continue
        if (m.name == "t2lib.lab" or m.name.startswith("t2lib.lab.")) and not _jax():
            continue
        names.append(m.name)
    return names


def public_callables() -> dict[str, Callable]:
    """Qualified name -> callable, for every public function, class and method (deduplicated by object)."""
    out: dict[str, Callable] = {}
    seen: set[int] = set()
    for modname in public_modules():
        mod = importlib.import_module(modname)
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            home = getattr(obj, "__module__", "") or ""
            if not home.startswith("t2lib") or id(obj) in seen:
                continue
            if inspect.isclass(obj):
                if issubclass(obj, BaseException):
                    continue
                seen.add(id(obj))
                qual = f"{home}.{obj.__qualname__}"
                if qual not in RECORDS:
                    out[qual] = obj
                for klass in obj.__mro__:
                    if not (getattr(klass, "__module__", "") or "").startswith("t2lib"):
                        continue
                    for mname, member in vars(klass).items():
                        if mname.startswith("_") or f"{qual}.{mname}" in out:
                            continue
                        if inspect.isfunction(member) or isinstance(member, (classmethod, staticmethod)):
                            out[f"{qual}.{mname}"] = getattr(obj, mname)  # resolved on an instance later
            elif inspect.isfunction(obj):
                seen.add(id(obj))
                out[f"{home}.{obj.__qualname__}"] = obj
    return {k: f for k, f in out.items() if k not in SKIP and not any(k.startswith(s + ".") for s in SKIP)}


# --------------------------------------------------------------------------- running one call
@dataclasses.dataclass
class Outcome:
    callable: str
    argument: str
    kind: str
    result: str  # named | unnamed | crash | garbage | accepted
    detail: str = ""


def names_argument(message: str, arg: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(arg)}(?![A-Za-z0-9_])", message) is not None


def _all_finite(x: Any, depth: int = 0) -> bool:
    """Whether every number inside a result is finite (arrays, scalars, containers, dataclasses, frames)."""
    if depth > 4 or x is None or isinstance(x, (str, bytes, bool, Path)):
        return True
    if isinstance(x, (float, int, np.number)):
        return bool(np.isfinite(x))
    if isinstance(x, np.ndarray):
        return x.dtype.kind not in "fc" or bool(np.all(np.isfinite(x)))
    if isinstance(x, pd.DataFrame):
        num = x.select_dtypes("number")
        return bool(np.all(np.isfinite(num.to_numpy(dtype=float)))) if num.size else True
    if isinstance(x, pd.Series):
        return x.dtype.kind not in "fc" or bool(np.all(np.isfinite(x.to_numpy(dtype=float))))
    if isinstance(x, dict):
        return all(_all_finite(v, depth + 1) for v in x.values())
    if isinstance(x, (tuple, list)):
        return all(_all_finite(v, depth + 1) for v in x[:50])
    if dataclasses.is_dataclass(x):
        return all(_all_finite(getattr(x, f.name), depth + 1) for f in dataclasses.fields(x))
    return True


def call(fn: Callable, kwargs: dict[str, Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            return fn(**{k: _value(v) for k, v in kwargs.items()})


def fuzz_one(qual: str, fn: Callable, kwargs: dict[str, Any], accept: dict[str, set[str]],
             defaults: dict[str, Any], reject: dict[str, set[str]] | None = None) -> list[Outcome]:
    """All bad-value calls of one callable; ``kwargs`` is its valid baseline call."""
    reject = dict(reject or {})
    skip = reject.pop("__skip__", {})
    base = call(fn, kwargs)
    base_finite = _all_finite(base)
    outcomes = []
    for arg in kwargs:
        ok_kinds = set(accept.get(arg, set()))
        if defaults.get(arg, inspect.Parameter.empty) is None:
            ok_kinds.add("none")
        baseline = _value(kwargs[arg])
        others = {k: _value(v) for k, v in kwargs.items() if k != arg}
        for kind, bad in bad_values(baseline, others).items():
            if kind in skip.get(arg, set()):
                continue  # a documented default whose cost is a full fit (covered by the module's own tests)
            trial = dict(kwargs)
            trial[arg] = bad
            try:
                res = call(fn, trial)
            except ValueError as exc:
                msg = str(exc)
                outcomes.append(Outcome(qual, arg, kind, "named" if names_argument(msg, arg) else "unnamed", msg[:200]))
                continue
            except Exception as exc:  # noqa: BLE001 - what we are looking for
                outcomes.append(Outcome(qual, arg, kind, "crash", f"{type(exc).__name__}: {str(exc)[:160]}"))
                continue
            if kind == "huge" and "huge" not in reject.get(arg, set()) and _all_finite(res):
                outcomes.append(Outcome(qual, arg, kind, "accepted"))  # a large but valid value, a finite answer
            elif kind not in ok_kinds:
                outcomes.append(Outcome(qual, arg, kind, "garbage", f"returned {_short(res)}"))
            elif base_finite and not _all_finite(res):
                outcomes.append(Outcome(qual, arg, kind, "garbage", f"non-finite result {_short(res)}"))
            else:
                outcomes.append(Outcome(qual, arg, kind, "accepted"))
    return outcomes


def _short(x: Any) -> str:
    s = repr(x)
    return s if len(s) < 120 else s[:117] + "..."


# --------------------------------------------------------------------------- baselines
def _chinchilla_like(n: int = 24, seed: int = 0):
    """Synthetic runs of HOFFMANN_2022 with 1% noise (a small, well-posed fitting problem)."""
    from t2lib.laws import HOFFMANN_2022

    rng = np.random.default_rng(seed)
    N = np.geomspace(5e7, 1e10, n)
    D = 20 * N * np.exp(rng.uniform(-1.5, 1.5, n))
    loss = HOFFMANN_2022.loss(N, D) * np.exp(0.01 * rng.standard_normal(n))
    return N, D, loss


def _cache(fn):
    memo: dict = {}

    def inner():
        if "v" not in memo:
            memo["v"] = fn()
        return memo["v"]

    return inner


@_cache
def _gadre_models():
    from t2lib.data import load_gadre_models

    return load_gadre_models()


@_cache
def _gadre_downstream():
    from t2lib.data import load_gadre_downstream

    return load_gadre_downstream()


@_cache
def _pythia():
    from t2lib.data import load_pythia_samples

    df = load_pythia_samples("MATH")
    return df[df["model"].isin(df["model"].unique()[:2])].groupby("model", sort=False).head(40).reset_index(drop=True)


def _laws():
    from t2lib import laws

    return laws


def _tmp_notebook() -> str:
    src = ROOT / "book" / "02_chinchilla_law.ipynb"
    if not src.exists():
        src = sorted((ROOT / "book").glob("0*.ipynb"))[0]
    d = Path(tempfile.mkdtemp(prefix="t2fuzz"))
    dst = d / src.name
    shutil.copy(src, dst)
    return str(dst)


def by_name() -> dict[str, Any]:
    """Valid values keyed by argument name, used unless a case overrides them."""
    from t2lib.laws import HOFFMANN_2022
    from t2lib.t2 import T2AccuracyLaw, T2Law

    t2law = T2Law(E=1.5, A=400.0, B=400.0, alpha=0.34, beta=0.28, G=0.3, gamma=0.4)
    t2acc = T2AccuracyLaw(loss_law=HOFFMANN_2022, theta0=2.5, theta1=5.0, theta2=0.9, theta3=1.0, theta4=-0.5)
    return {
        "N": Alt(np.array([1e8, 1e9, 7e10]), 1e9),
        "D": Alt(np.array([2e9, 2e10, 1.4e12]), 2e10),
        "k": Alt(np.array([1.0, 10.0, 100.0]), 10.0),
        "D_train": np.array([2e9, 2e10, 1.4e12]),
        "C": np.array([1e19, 1e21, 5.76e23]),
        "law": Alt(HOFFMANN_2022, t2law, t2acc),
        "loss": np.array([2.5, 2.2, 1.95]),
        "inference_tokens": np.array([0.0, 1e10, 1e12]),
        "tokens": np.array([1e3, 1e6, 1e9]),
        "quality_params": np.array([7e9, 3e10, 7e10]),
        "prompt_tokens": np.array([1e10, 1e11, 1e12]),
        "generated_tokens": np.array([1e10, 1e11, 1e12]),
        "price_ratio": 1.0,
        "mfu_train": 0.5, "mfu_prompt": 0.5, "mfu_generate": 0.01,
        "gamma": np.array([0.5, 1.0, 2.0]),
        "K": np.array([1e40, 1e42, 1e44]),
        "price_train": 1.0, "price_inference": 2.0,
        "n_layer": 12, "d_model": 768, "d_attn": 768, "d_ff": 3072, "n_ctx": 2048,
        "num_layers": 80, "ffw_size": 32768, "num_heads": 64, "kv_size": 128, "seq_len": 2048, "vocab_size": 32000,
        "m": 3.0, "n": 4.0, "p": 5.0,
        "delta": 1e-3,
        "seed": 0,
        "C_train": Alt(np.array([1e20, 1e22, 1e24]), 1e22),
        "C_inf": Alt(np.array([1e10, 1e12, 1e14]), 1e12),
        "min_samples": None,
        "N_min": 1e3,
        "models": Fresh(lambda: _gadre_models().copy()),
        "downstream": Fresh(lambda: _gadre_downstream().copy()),
        "dataset": "c4",
        "samples": Fresh(lambda: _pythia().copy()),
    }


def cases() -> dict[str, dict[str, Any]]:
    """Baselines of callables whose arguments are not (all) in :func:`by_name`: ``{qualname: kwargs}``.

    A kwargs entry may be a :class:`Fresh`; ``"__instance__"`` builds the object a method is called on,
    ``"__accept__"`` lists, per argument, the bad-value kinds that are valid inputs.
    """
    from t2lib import fit, laws
    from t2lib.laws import HOFFMANN_2022

    Nf, Df, Lf = _chinchilla_like()
    theta = fit.theta_from_law(HOFFMANN_2022)
    starts = np.stack([theta, theta + np.array([0.5, -0.5, 0.1, 0.05, -0.05]), theta - 0.2])
    zero_ok = {"zero"}
    cs: dict[str, dict[str, Any]] = {}

    def add(_qual: str, /, **kw):
        cs[_qual] = kw

    # flops ------------------------------------------------------------------
    add("t2lib.flops.matmul_flops", m=3.0, n=4.0, p=5.0)
    add("t2lib.flops.inference_flops", N=np.array([1e8, 1e9, 7e10]), tokens=np.array([0.0, 1e6, 1e9]),
        __accept__={"tokens": zero_ok})
    add("t2lib.flops.inference_to_training_ratio", train_tokens=np.array([1e9, 2e10, 1e12]),
        inference_tokens=np.array([0.0, 1e10, 1e12]), __accept__={"inference_tokens": zero_ok})
    add("t2lib.flops.kaplan_params", n_layer=12, d_model=768, d_attn=None, d_ff=None)
    add("t2lib.flops.kaplan_forward_flops_per_token", N=np.array([1e8, 1e9, 7e10]), n_layer=12, n_ctx=2048, d_attn=768)
    add("t2lib.flops.attention_parity_width", n_ctx=2048)
    add("t2lib.flops.attention_to_weight_ratio", d_model=768, n_ctx=2048,
        __accept__={"d_model": {"non_integer"}, "n_ctx": {"non_integer"}})
    add("t2lib.flops.HoffmannFlops", embeddings=np.array(1.0), attention=np.array(2.0), dense=np.array(3.0),
        logits=np.array(1.0))
    add("t2lib.flops.hoffmann_ratio_to_6nd", N=7e10, num_layers=80, d_model=8192, ffw_size=32768, num_heads=64,
        kv_size=128, seq_len=2048, vocab_size=32000, include_embeddings=False)
    add("t2lib.flops.hoffmann_flops", num_layers=80, d_model=8192, ffw_size=32768, num_heads=64, kv_size=128,
        seq_len=2048, vocab_size=32000)
    add("t2lib.flops.hoffmann_layer_params", num_layers=80, d_model=8192, ffw_size=32768, num_heads=64, kv_size=128)
    # laws -------------------------------------------------------------------
    law_kw = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
    add("t2lib.laws.ChinchillaLaw", **law_kw)
    for m in ("loss_terms", "loss"):
        add(f"t2lib.laws.ChinchillaLaw.{m}", N=np.array([1e8, 1e9, 7e10]), D=np.array([2e9, 2e10, 1.4e12]),
            __instance__=HOFFMANN_2022)
    for m in ("compute_optimal", "tokens_per_param", "optimal_loss"):
        add(f"t2lib.laws.ChinchillaLaw.{m}", C=np.array([1e19, 1e21, 5.76e23]), __instance__=HOFFMANN_2022)
    add("t2lib.laws.ChinchillaLaw.compute_optimal_numeric", C=np.array([1e19, 1e21, 5.76e23]), N_min=1.0,
        N_max=None, xtol=1e-10, __instance__=HOFFMANN_2022)
    for m in ("iso_loss_optimal", "compute_for_loss"):
        add(f"t2lib.laws.ChinchillaLaw.{m}", loss=np.array([2.5, 2.2, 1.95]), __instance__=HOFFMANN_2022)
    add("t2lib.laws.ChinchillaLaw.budget_for_params", N=np.array([1e8, 1e9, 7e10]), __instance__=HOFFMANN_2022)
    add("t2lib.laws.ChinchillaLaw.as_dict", __instance__=HOFFMANN_2022)
    add("t2lib.laws.ChinchillaLaw.param_names", __instance__=HOFFMANN_2022)
    add("t2lib.laws.ChinchillaLaw.from_params", params=dict(law_kw), __instance__=HOFFMANN_2022)
    add("t2lib.laws.power_law_allocation", C=np.array([1e19, 1e21, 5.76e23]), G=0.1, a=0.5)
    # tables -----------------------------------------------------------------
    add("t2lib.tables.parse_count", label="400 Million")
    add("t2lib.tables.hoffmann_projections", correct_typo=False)
    add("t2lib.tables.implied_power_law", N=np.array([4e8, 1e9, 1e10]), C=np.array([1.92e19, 1.21e20, 1.23e22]))
    # isoflop ----------------------------------------------------------------
    rng = np.random.default_rng(1)
    Ci = np.repeat([1e19, 1e20, 1e21], 6)
    Ni = np.concatenate([np.geomspace(c ** 0.5 / 30, c ** 0.5 / 3, 6) for c in (1e19, 1e20, 1e21)])
    Li = laws.HOFFMANN_2022.loss(Ni, Ci / (6 * Ni)) * np.exp(0.001 * rng.standard_normal(Ni.size))
    add("t2lib.isoflop.assign_budgets", C=Ci, budgets=(1e19, 1e20, 1e21), width_dex=0.1)
    add("t2lib.isoflop.isoflop_profiles", N=Ni, C=Ci, loss=Li, budgets=(1e19, 1e20, 1e21), width_dex=0.1)
    add("t2lib.isoflop.fit_isoflop", N=Ni, C=Ci, loss=Li, budgets=(1e19, 1e20, 1e21), width_dex=0.1)
    from t2lib.isoflop import fit_isoflop

    iso = fit_isoflop(Ni, Ci, Li, budgets=(1e19, 1e20, 1e21))
    add("t2lib.isoflop.IsoFLOPFit", a=0.5, log10_kN=-0.5, profiles=Fresh(lambda: iso.profiles.copy()))
    for m in ("N_opt", "D_opt"):
        add(f"t2lib.isoflop.IsoFLOPFit.{m}", C=np.array([1e19, 1e21, 5.76e23]), __instance__=iso)
    # fit --------------------------------------------------------------------
    add("t2lib.fit.huber", r=np.array([-0.01, 0.0, 0.0005]), delta=1e-3,
        __accept__={"r": {"zero", "negative"}})
    add("t2lib.fit.theta_from_law", law=HOFFMANN_2022)
    add("t2lib.fit.law_from_theta", theta=theta, __accept__={"theta": set()})
    add("t2lib.fit.predict_log_loss", theta=theta, N=Nf, D=Df)
    add("t2lib.fit.huber_objective", theta=theta, N=Nf, D=Df, loss=Lf, delta=1e-3, weights=None)
    add("t2lib.fit.huber_derivatives", theta=theta, N=Nf, D=Df, loss=Lf, delta=1e-3, weights=None)
    prob = fit._HuberProblem(np.log(Nf), np.log(Df), np.log(Lf), 1e-3)
    add("t2lib.fit.minimize_batched", fgh=prob.fgh, f=prob.f, x0=starts, maxiter=50, rtol=1e-15, ftol=2.2e-9,
        max_backtrack=60, radius0=10.0, __accept__={"rtol": zero_ok, "ftol": zero_ok})
    add("t2lib.fit.BatchResult", x=starts, f=np.ones(3), converged=np.ones(3, bool), n_iter=np.ones(3, int))
    no_grid = {"__skip__": {"starts": {"none"}, "start": {"none"}}}  # None = Hoffmann's 4,500-start grid
    add("t2lib.fit.fit_chinchilla", N=Nf, D=Df, loss=Lf, delta=1e-3, starts=starts, maxiter=100, workers=1, **no_grid)
    fr = fit.fit_chinchilla(Nf, Df, Lf, starts=starts, maxiter=100)
    add("t2lib.fit.FitResult", law=fr.law, theta=fr.theta, objective=fr.objective, converged=True, n_iter=3,
        start=fr.start, objectives=fr.objectives, thetas=fr.thetas, converged_all=fr.converged_all)
    add("t2lib.fit.resample_counts", n=10, n_resamples=3, seed=0, scheme="multinomial")
    add("t2lib.fit.bootstrap_chinchilla", N=Nf, D=Df, loss=Lf, n_resamples=3, seed=0, delta=1e-3, start=fr.theta,
        scheme="multinomial", maxiter=100, **no_grid)
    bs = fit.bootstrap_chinchilla(Nf, Df, Lf, n_resamples=8, start=fr.theta, maxiter=100)
    add("t2lib.fit.BootstrapResult", theta=bs.theta, objective=bs.objective, converged=bs.converged, counts=bs.counts)
    for m in ("params", "se", "laws"):
        add(f"t2lib.fit.BootstrapResult.{m}", __instance__=bs)
    add("t2lib.fit.BootstrapResult.interval", level=0.9, __instance__=bs)
    add("t2lib.fit.BootstrapResult.runs_for_width", target_width=0.01, param="a", level=0.8, __instance__=bs)
    add("t2lib.fit.BootstrapResult.compute_optimal", C=np.array([1e19, 1e21, 5.76e23]), __instance__=bs)
    add("t2lib.fit.huber_log_normaliser", delta=1e-3)
    add("t2lib.fit.huber_nll", theta=theta, log_sigma=0.0, N=Nf, D=Df, loss=Lf, delta=1e-3,
        __accept__={"log_sigma": {"zero", "negative"}})
    add("t2lib.fit.fit_chinchilla_mle", N=Nf, D=Df, loss=Lf, delta=1e-3, start=fr.theta, max_rounds=5, **no_grid)
    add("t2lib.fit.MLEResult", law=HOFFMANN_2022, theta=theta, sigma=1.0, loglik=3.0, converged=True,
        __accept__={"loglik": {"zero", "negative"}})
    # inference --------------------------------------------------------------
    add("t2lib.inference.lifetime_flops", N=np.array([1e8, 1e9, 7e10]), D_train=np.array([2e9, 2e10, 1.4e12]),
        inference_tokens=np.array([0.0, 1e10, 1e12]), __accept__={"inference_tokens": zero_ok})
    add("t2lib.inference.training_share", N=np.array([1e8, 1e9, 7e10]), D_train=np.array([2e9, 2e10, 1.4e12]),
        inference_tokens=np.array([0.0, 1e10, 1e12]), __accept__={"inference_tokens": zero_ok})
    add("t2lib.inference.inference_optimal", law=HOFFMANN_2022, loss=np.array([2.5, 2.2, 1.95]),
        inference_tokens=np.array([0.0, 1e10, 1e12]), __accept__={"inference_tokens": zero_ok})
    add("t2lib.inference.chinchilla_comparison", law=HOFFMANN_2022, quality_params=np.array([7e9, 3e10, 7e10]),
        inference_tokens=np.array([0.0, 1e10, 1e12]), __accept__={"inference_tokens": zero_ok})
    add("t2lib.inference.local_exchange_rate_fd", law=HOFFMANN_2022, N=np.array([1e8, 1e9, 7e10]),
        D_train=np.array([2e10, 2e11, 1e13]), rel_step=1e-4)
    add("t2lib.inference.local_exchange_rate", law=HOFFMANN_2022, N=np.array([1e8, 1e9, 7e10]),
        D_train=np.array([2e10, 2e11, 1e13]))
    add("t2lib.inference.iso_loss_tokens", law=HOFFMANN_2022, loss=np.array([2.5, 2.2, 2.1]),
        N=np.array([1e9, 1e10, 7e10]))
    for name in ("cost_equivalent_tokens", "lifetime_cost", "cost_optimal", "cost_comparison"):
        acc = {"prompt_tokens": zero_ok, "generated_tokens": zero_ok}
        cs[f"t2lib.inference.{name}"] = {"__accept__": acc}
    cs["t2lib.inference.lifetime_cost"]["N"] = np.array([1e8, 1e9, 7e10])
    add("t2lib.inference.check_published", ours=Fresh(lambda: {"N": np.array([1.0, 2.0])}),
        published=Fresh(lambda: pd.DataFrame({"paper_N": [1.0, 2.0], "tol_N": [0.1, 0.1]})),
        __accept__={"published": {"nan_cell"}})  # NaN: "the paper prints no value here", documented
    # passk ------------------------------------------------------------------
    for name in ("pass_at_k", "plugin_pass_at_k"):
        add(f"t2lib.passk.{name}", n=np.array([10, 100, 1000]), c=np.array([0, 5, 50]), k=np.array([1, 10, 100]),
            __accept__={"c": zero_ok})
    add("t2lib.passk.expected_plugin_pass_at_k", p=np.array([0.0, 0.1, 0.5]), n=20, k=np.array([1, 5, 10]),
        __accept__={"p": zero_ok})
    add("t2lib.passk.simulate_estimates", p=np.array([0.0, 0.1, 0.5]), n=20, k=5, trials=4, seed=0,
        __accept__={"p": zero_ok, "seed": zero_ok})
    add("t2lib.passk.log_spaced_k", k_max=1000, points=10)
    add("t2lib.passk.coverage_curve", n=np.array([100, 100, 100]), c=np.array([0, 3, 50]), k=np.array([1, 10, 100]),
        __accept__={"c": zero_ok, "k": {"shape"}})  # k is its own axis: any length
    add("t2lib.passk.coverage_table", samples=Fresh(lambda: _pythia().copy()), k=np.array([1, 10, 100]), by="model")
    kk = np.array([1.0, 10.0, 100.0, 1000.0])
    add("t2lib.passk.coverage_power_law", k=kk, a=-3.0, b=-0.3,
        __accept__={"a": {"zero", "negative"}, "b": {"zero", "negative"}})
    cov = np.exp(-3.0 * kk ** -0.3)
    add("t2lib.passk.fit_coverage_power_law", k=kk, coverage=cov)
    add("t2lib.passk.fit_coverage_power_law_table",
        coverage=Fresh(lambda: pd.DataFrame([cov, cov ** 1.2], columns=pd.Index([1, 10, 100, 1000], name="k"))))
    add("t2lib.passk.beta_coverage_table",
        fits=Fresh(lambda: pd.DataFrame({"alpha": [0.3, 0.5], "beta": [2.0, 5.0]})), k=np.array([1, 10, 100]),
        __accept__={"k": zero_ok})
    for name in ("beta_pass_at_k", "log_beta_ratio"):
        add(f"t2lib.passk.{name}", a=np.array([0.3, 0.5, 1.0]), b=np.array([2.0, 5.0, 1.0]), k=np.array([0.0, 10, 100]),
            __accept__={"k": zero_ok})
    add("t2lib.passk.beta_neg_log_pass_at_k", a=np.array([0.3, 0.5, 1.0]), b=np.array([2.0, 5.0, 1.0]),
        k=np.array([1.0, 10, 100]))
    add("t2lib.passk.beta_tail_asymptote", a=np.array([0.3, 0.5, 1.0]), b=np.array([2.0, 5.0, 1.0]),
        k=np.array([1.0, 10, 100]), scale=1.0)
    add("t2lib.passk.beta_binomial_loglik", a=0.5, b=5.0, n=np.array([100, 100, 100]), c=np.array([0, 3, 50]),
        __accept__={"c": zero_ok, "a": {"shape"}, "b": {"shape"}})  # (a, b) is a grid of any shape
    add("t2lib.passk.fit_beta", n=np.array([100, 100, 100, 100]), c=np.array([0, 3, 50, 1]), x0=(0.5, 20.0),
        __accept__={"c": zero_ok})
    add("t2lib.passk.fit_beta_by", samples=Fresh(lambda: _pythia().copy()), by="model")
    # overtraining -----------------------------------------------------------
    from t2lib.overtraining import GADRE_2024_TABLE6, OvertrainingLaw

    ot = GADRE_2024_TABLE6["c4"].loss_law
    el = GADRE_2024_TABLE6["c4"].error_law
    add("t2lib.overtraining.OvertrainingLaw", E=1.51, a=141.0, b=190.0, eta=0.121)
    add("t2lib.overtraining.OvertrainingLaw.scalar", M=np.array([5.0, 20.0, 640.0]), __instance__=ot)
    add("t2lib.overtraining.OvertrainingLaw.loss", C=np.array([1e19, 1e21, 5.76e23]), M=np.array([5.0, 20.0, 640.0]),
        __instance__=ot)
    add("t2lib.overtraining.OvertrainingLaw.loss_nd", N=np.array([1e8, 1e9, 7e10]), D=np.array([2e9, 2e10, 1.4e12]),
        __instance__=ot)
    add("t2lib.overtraining.OvertrainingLaw.compute_optimal", C=np.array([1e19, 1e21, 5.76e23]), __instance__=ot)
    add("t2lib.overtraining.OvertrainingLaw.iso_loss", loss=np.array([2.5, 2.2, 1.95]), M=np.array([5.0, 20.0, 640.0]),
        __instance__=ot)
    add("t2lib.overtraining.OvertrainingLaw.compute_overhead", M=np.array([5.0, 20.0, 640.0]), __instance__=ot)
    add("t2lib.overtraining.OvertrainingLaw.to_chinchilla", __instance__=ot)
    add("t2lib.overtraining.OvertrainingLaw.from_chinchilla",
        law=laws.ChinchillaLaw(E=1.5, A=400.0, B=400.0, alpha=0.3, beta=0.3), rtol=1e-12, __instance__=ot,
        __accept__={"rtol": zero_ok})
    for m in ("as_dict", "param_names"):
        add(f"t2lib.overtraining.OvertrainingLaw.{m}", __instance__=ot)
        add(f"t2lib.overtraining.ErrorLaw.{m}", __instance__=el)
    add("t2lib.overtraining.OvertrainingLaw.from_params", params=ot.as_dict(), __instance__=ot)
    add("t2lib.overtraining.ErrorLaw.from_params", params=el.as_dict(), __instance__=el)
    add("t2lib.overtraining.ErrorLaw", epsilon=0.85, k=2.08, gamma=0.756)
    add("t2lib.overtraining.ErrorLaw.error", loss=np.array([2.5, 3.0, 4.0]), __instance__=el)
    add("t2lib.overtraining.ErrorLaw.loss_for_error", error=np.array([0.5, 0.6, 0.7]), __instance__=el,
        __accept__={"error": zero_ok})
    add("t2lib.overtraining.Table6Row", loss_law=ot, error_law=el, M_star=3.36)
    Cg = np.array([1e17, 1e18, 1e19, 1e20, 3e20])
    Mg = np.array([20.0, 20.0, 20.0, 20.0, 320.0])
    add("t2lib.overtraining.fit_overtraining_law", C=Cg, M=Mg, loss=ot.loss(Cg, Mg), eta_bounds=(1e-3, 1.0), n_grid=50)
    Lg = np.array([3.5, 3.2, 3.0, 2.8, 2.6, 2.4])
    add("t2lib.overtraining.fit_error_law", loss=Lg, error=el.error(Lg), gamma_bounds=(1e-2, 10.0), n_grid=50)
    add("t2lib.overtraining.table1_points", kind="loss")
    add("t2lib.overtraining.fit_gadre", loss_col="loss_c4_val", error_col="err17", error_points="table1")
    add("t2lib.overtraining.predict_downstream", target="rpj-open_lm_7b-1.0", dataset="redpajama",
        tasks=("arc_easy", "piqa"), error_points="table1", loss_col="loss_c4_val")
    add("t2lib.overtraining.relative_error", predicted=np.array([1.0, 2.0, 3.0]), actual=np.array([1.1, 2.2, 2.9]),
        __accept__={"predicted": {"zero", "negative"}, "actual": {"negative"}})
    fits = Fresh(lambda: {"c4": (ot, el)})
    add("t2lib.overtraining.compare_table6", fits=fits)
    add("t2lib.overtraining.predict_runs", fits=fits, loss_col="loss_c4_val")
    add("t2lib.overtraining.compare_downstream_tables", loss_col="loss_c4_val", datasets=("c4",))
    # published, tradeoffs, data, fmt, notebook, plotting, book ------------------
    add("t2lib.published.read_table", name="hoffmann2022_table3.csv")
    add("t2lib.tradeoffs.load_tradeoff_table", path=None)
    add("t2lib.data._registry.fetch", key="chinchilla/svg_extracted_data.csv")
    add("t2lib.data._registry.DataFile", key="a/b.csv", sha256="0" * 64, url="https://example.org/b.csv",
        __accept__={"key": {"string"}, "url": {"string"}})
    add("t2lib.data.pythia.load_pythia_samples", benchmark="MATH", checkpoints=False)
    add("t2lib.fmt.number", x=3.6e13, sig=3, sci_below=1e-3, sci_above=1e5, unicode=True,
        __accept__={"x": {"zero", "negative", "huge"}})
    add("t2lib.fmt.fraction", x=1 / 3, max_denominator=12, tol=1e-9, __accept__={"x": {"zero", "negative", "huge"}})
    add("t2lib.fmt.percent", x=0.283, sig=3, __accept__={"x": {"zero", "negative"}})
    add("t2lib.notebook.glue", name="x", value=1.0, display=False,
        __accept__={"name": {"string"}, "value": {"zero", "negative", "huge", "string", "empty", "none"}})
    add("t2lib.plotting.loglog_axes", ax=None, xlabel="x", ylabel="y", title="t",
        __accept__={"xlabel": {"string"}, "ylabel": {"string"}, "title": {"string"}})
    add("t2lib.book.project_root", start=None)
    add("t2lib.book.toc_chapters", root=None, notebooks_only=True)
    add("t2lib.book.chapter_parameters", path=Fresh(_tmp_notebook))
    add("t2lib.book.validate_parameters", path=Fresh(_tmp_notebook), params={})
    add("t2lib.book.parameter_table", root=None, include_root=False)
    add("t2lib.book.clean_notebook", path=Fresh(_tmp_notebook))
    return cs


def t2_cases(cs: dict[str, dict[str, Any]]) -> None:
    """Baselines of :mod:`t2lib.t2` (kept apart: other helpers extend that package)."""
    from t2lib.laws import HOFFMANN_2022
    from t2lib.t2 import T2AccuracyLaw, T2Law

    t2kw = dict(E=1.5, A=400.0, B=400.0, alpha=0.34, beta=0.28, G=0.3, gamma=0.4)
    law = T2Law(**t2kw)
    cs["t2lib.t2.law.T2Law"] = dict(t2kw, __accept__={"E": {"zero"}, "G": {"zero"}})
    cs["t2lib.t2.law.T2Law.loss"] = dict(N=np.array([1e8, 1e9, 7e10]), D=np.array([2e9, 2e10, 1.4e12]),
                                         k=np.array([1.0, 10.0, 100.0]), __instance__=law)
    for m in ("as_dict", "param_names"):
        cs[f"t2lib.t2.law.T2Law.{m}"] = dict(__instance__=law)
    cs["t2lib.t2.law.T2Law.from_params"] = dict(params=dict(t2kw), __instance__=law)
    for q, inst in (("t2lib.t2.law.T2Law.optimal", law), ("t2lib.t2.law.t2_optimal", None)):
        kw = dict(C_train=np.array([1e20, 1e22, 1e24]), C_inf=np.array([1e10, 1e12, 1e14]), min_samples=None)
        if inst is None:
            kw = dict(law=law, **kw)
        else:
            kw["__instance__"] = inst
        cs[q] = kw
    akw = dict(loss_law=HOFFMANN_2022, theta0=2.5, theta1=5.0, theta2=0.9, theta3=1.0, theta4=-0.5)
    acc = T2AccuracyLaw(**akw)
    cs["t2lib.t2.accuracy.T2AccuracyLaw"] = dict(akw, __accept__={k: {"zero", "negative"} for k in
                                                                 ("theta0", "theta3", "theta4")})
    for m in ("mean", "concentration", "beta_params"):
        cs[f"t2lib.t2.accuracy.T2AccuracyLaw.{m}"] = dict(N=np.array([1e8, 1e9, 7e10]),
                                                          D=np.array([2e9, 2e10, 1.4e12]), __instance__=acc)
    for m in ("accuracy", "naive_accuracy"):
        cs[f"t2lib.t2.accuracy.T2AccuracyLaw.{m}"] = dict(N=np.array([1e8, 1e9, 7e10]),
                                                          D=np.array([2e9, 2e10, 1.4e12]),
                                                          k=np.array([1.0, 10.0, 100.0]), __instance__=acc)
    kw = dict(C_train=np.array([1e20, 1e22]), C_inf=np.array([1e10, 1e12]), min_samples=None, N_min=1e3)
    cs["t2lib.t2.accuracy.T2AccuracyLaw.optimal"] = dict(kw, __instance__=acc)
    cs["t2lib.t2.accuracy.t2_accuracy_optimal"] = dict(kw, law=acc)
    cs["t2lib.t2.named.NamedLaw"] = dict(name="demo", law=law, source="illustrative: a test", illustrative=True,
                                         fitted_range=None,
                                         __accept__={"name": {"string"}, "source": {"string"}})


def pending_cases(cs: dict[str, dict[str, Any]]) -> None:
    """Baselines of callables being added on other branches (used once they are merged; harmless before)."""
    from t2fit_fuzz_cases import t2fit_cases
    from t2lib.laws import HOFFMANN_2022

    t2fit_cases(cs, Fresh)
    if _jax():
        from lab_fuzz_cases import lab_cases

        lab_cases(cs, Fresh)

    def plan():
        from t2lib.plan import plan as _plan

        return _plan(1e22, 1e12, "illustrative-weak-sampling")

    cs["t2lib.plan.plan"] = dict(C_train=1e22, C_inf=1e12, law="illustrative-weak-sampling", min_samples=None)
    cs["t2lib.plan.format_plan"] = dict(p=Fresh(plan))
    cs["t2lib.t2.forecast.parse_size"] = dict(label="1.4B")
    cs["t2lib.t2.sampling_budget.best_model_at_budget"] = dict(
        coverage=Fresh(lambda: pd.DataFrame({1e12: [0.1, 0.2], 1e13: [0.3, 0.25]}, index=["a", "b"])),
        __accept__={"coverage": {"nan_cell"}})  # NaN: a model not measured at that budget (documented)
    cs["t2lib.t2.presets.get_law"] = dict(name="illustrative-weak-sampling")
    cs["t2lib.t2.presets.illustrative_t2law"] = dict(G=0.3, gamma=0.4, __accept__={"G": {"zero"}})
    cs["t2lib.fmt.signed"] = dict(x=0.0045, sig=3, __accept__={"x": {"zero", "negative", "huge"}})
    cs["t2lib.kaplan.total_params"] = dict(n_non_embedding=np.array([1e8, 1e9, 1e10]),
                                           __accept__={"coef": {"zero"}})  # 0: no embedding parameters
    cs["t2lib.kaplan.non_embedding_optimal"] = dict(law=HOFFMANN_2022, C_ne=np.array([1e19, 1e21, 1e23]),
                                                    __accept__={"coef": {"zero"}})
    cs["t2lib.published.source"] = dict(name="HOFFMANN_2022_TABLE2_A")
    cs["t2lib.published.read_transcribed"] = dict(path=str(ROOT / "data" / "hoffmann2022_table3.csv"))
    frames = dict(ours=Fresh(lambda: pd.DataFrame({"N": [1.0, 2.0]})),
                  published=Fresh(lambda: pd.DataFrame({"paper_N": [1.0, 2.1]})))
    # a NaN cell of the paper's table means "not printed": its deviation is NaN by design (within_tolerance then
    # counts it as passing), so that one bad-value kind is skipped for deviations
    cs["t2lib.published.deviations"] = dict(frames, columns=["N"], prefix="paper_",
                                            __skip__={"published": {"nan_cell"}})
    cs["t2lib.published.within_tolerance"] = dict(frames, tolerance={"N": 0.2}, prefix="paper_",
                                                  __accept__={"published": {"nan_cell"}})
    cs["t2lib.passk.coverage_power_law_samples"] = dict(coverage=np.array([0.2, 0.5, 0.9]), a=-3.0, b=-0.3,
                                                        __accept__={"a": {"negative"}, "b": {"negative"}})


def frame_cases(cs: dict[str, dict[str, Any]]) -> None:
    """Baselines of :mod:`t2lib.frame`, :mod:`t2lib.calculator` and :mod:`t2lib.planning` (chapter 11)."""
    from t2lib import calculator, frame
    from t2lib.laws import EPOCH_2024, HOFFMANN_2022
    from t2lib.t2 import T2Law
    from t2lib.t2.named import NamedLaw

    t2law = T2Law(E=1.5, A=400.0, B=400.0, alpha=0.34, beta=0.28, G=0.3, gamma=0.4)
    C3, S3 = np.array([1e20, 1e22, 1e24]), np.array([1e10, 1e11, 1e12])
    zero_ok = {"zero"}
    cs["t2lib.frame.Allocation.as_dict"] = dict(__instance__=frame.chinchilla(HOFFMANN_2022, C3))
    cs["t2lib.frame.sardana"] = dict(law=HOFFMANN_2022, C_life=C3, served_tokens=S3,
                                     __accept__={"served_tokens": zero_ok})
    cs["t2lib.frame.sardana_at_loss"] = dict(law=HOFFMANN_2022, loss=np.array([2.5, 2.2, 1.95]), served_tokens=S3,
                                             __accept__={"served_tokens": zero_ok})
    cs["t2lib.frame.erdil"] = dict(C_life=C3, gamma=np.array([0.5, 1.0, 2.0]))
    cs["t2lib.frame.erdil_allocation"] = dict(law=t2law, C_life=C3, gamma=1.0, served_tokens=S3, min_samples=None)
    cs["t2lib.frame.t2_summed"] = dict(law=t2law, C_life=C3, served_tokens=S3)
    rng = np.random.default_rng(0)
    dkw = dict(E=np.full(4, 1.8), A=EPOCH_2024.A * np.exp(rng.normal(0, .1, 4)), B=np.full(4, EPOCH_2024.B),
               alpha=np.full(4, EPOCH_2024.alpha), beta=np.full(4, EPOCH_2024.beta))
    draws = frame.LawDraws(**dkw)
    cs["t2lib.frame.LawDraws"] = dict(dkw, G=None, gamma=None)
    from t2lib import fit

    Nf, Df, Lf = _chinchilla_like()
    boot = fit.bootstrap_chinchilla(Nf, Df, Lf, n_resamples=3, seed=0, start=fit.theta_from_law(HOFFMANN_2022))
    cs["t2lib.frame.LawDraws.from_bootstrap"] = dict(boot=boot, __instance__=draws)
    cs["t2lib.frame.plan_allocation"] = dict(law=HOFFMANN_2022, C_train=C3, C_inf=np.array([1e10, 1e11, 1e12]),
                                             served_tokens=S3, min_samples=None,
                                             __accept__={"served_tokens": zero_ok, "C_inf": zero_ok})
    cs["t2lib.frame.LawDraws.from_laws"] = dict(laws=[HOFFMANN_2022, EPOCH_2024], __instance__=draws)
    cs["t2lib.frame.LawDraws.law"] = dict(i=1, __instance__=draws, __accept__={"i": zero_ok})
    cs["t2lib.frame.LawDraws.loss"] = dict(N=np.array([1e8, 1e9]), D=np.array([2e9, 2e10]), k=1.0, __instance__=draws)
    at = frame.draw_allocations(draws, "chinchilla", C3)
    point = frame.chinchilla(EPOCH_2024, C3)
    cs["t2lib.frame.draw_allocations"] = dict(draws=draws, regime="sardana", C=C3, served_tokens=S3, C_inf=None,
                                              __accept__={"served_tokens": zero_ok})
    cs["t2lib.frame.bands"] = dict(values=Fresh(lambda: dict(at)), level=0.9)
    cs["t2lib.frame.excess_loss"] = dict(draws=draws, point=point, at_draws=Fresh(lambda: dict(at)))
    cs["t2lib.frame.wasted_compute"] = dict(draws=draws, excess=frame.excess_loss(draws, point, at),
                                            at_draws=Fresh(lambda: dict(at)), __accept__={"excess": zero_ok})
    cs["t2lib.frame.data_constrained_loss"] = dict(N=np.array([1e9, 6.34e9]), D=np.array([5e10, 2.42e11]),
                                                   unique_tokens=2.5e10, params=dict(frame.MUENNIGHOFF_2023))
    cs["t2lib.frame.outside_range"] = dict(fitted_range={"N": (1e8, 1e10)}, __accept__={"fitted_range": {"none"}})
    law_c = calculator.CalculatorLaw("h", "Hoffmann", HOFFMANN_2022, "a test")
    small = {"C": (20.0, 22.0, 1.0), "S": (10.0, 12.0, 1.0), "Cinf": (10.0, 12.0, 1.0)}
    cs["t2lib.calculator.CalculatorLaw"] = dict(key="h", label="Hoffmann", law=HOFFMANN_2022, source="a test",
                                                illustrative=False, draws=None, band_source="",
                                                band_regimes=("train", "summed"), fitted_range=None,
                                                __accept__={k: {"string"} for k in ("key", "label", "source",
                                                                                   "band_source")})
    cs["t2lib.calculator.calculator_data"] = dict(laws=[law_c], grid=small, level=0.9, unique_tokens=1e13)
    data = calculator.calculator_data([law_c], grid=small)
    cs["t2lib.calculator.calculator_html"] = dict(data=data, element_id="t2-calculator",
                                                  __accept__={"element_id": {"string"}})
    cs["t2lib.calculator.interpolate"] = dict(data=data, key="h", regime="summed", quantity="N", x=3e21, y=3e11,
                                              __accept__={"x": {"huge"}, "y": {"huge"}})
    named = NamedLaw("demo", t2law, "illustrative: a test", True)

    def plan():
        from t2lib.plan import plan as _plan

        return _plan(1e22, 1e12, "illustrative-weak-sampling")

    cs["t2lib.planning.extend_plan"] = dict(p=Fresh(plan), named=named, served_tokens=1e12, bands=False, level=0.9)
    cs["t2lib.planning.format_extension"] = dict(p=Fresh(lambda: plan()))


# --------------------------------------------------------------------------- the whole run
def resolve(qual: str, fn: Callable, cs: dict, names: dict) -> tuple[Callable, dict, dict, dict] | None:
    """(bound callable, kwargs, accept, defaults) for one discovered callable, or None if it has no baseline."""
    spec = dict(cs.get(qual, {}))
    accept = spec.pop("__accept__", {})
    accept["__reject__"] = dict(spec.pop("__reject__", {}), __skip__=spec.pop("__skip__", {}))
    inst = spec.pop("__instance__", None)
    owner_qual = qual.rsplit(".", 1)[0]
    target = fn
    if inst is None and not inspect.isclass(fn) and inspect.isclass(_lookup(owner_qual)):
        member = inspect.getattr_static(_lookup(owner_qual), qual.rsplit(".", 1)[1], None)
        if not isinstance(member, (classmethod, staticmethod)):
            inst = _instance_for(owner_qual, cs, names)
            if inst is None:
                return None  # a method without an instance
    if inst is not None:
        target = getattr(inst, qual.rsplit(".", 1)[1])
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    kwargs, defaults = {}, {}
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name == "self":
            continue
        defaults[p.name] = p.default
        if p.name in spec:
            kwargs[p.name] = spec[p.name]
        elif p.name in names:
            kwargs[p.name] = names[p.name]
        elif p.default is not p.empty:
            kwargs[p.name] = p.default
        else:
            return None
    stale = [k for k in spec if k not in kwargs]
    if stale:
        return None  # the baseline names arguments the callable no longer has: it needs a new one
    return target, kwargs, accept, defaults


def _combinations(kwargs: dict[str, Any]) -> list[dict[str, Any]]:
    """Concrete baselines from kwargs that may hold :class:`Alt` values (a few combinations, first option first)."""
    alts = {k: a.options for k, a in kwargs.items() if isinstance(a, Alt)}
    if not alts:
        return [kwargs]
    width = max(len(o) for o in alts.values())
    combos = [{**kwargs, **{k: o[min(i, len(o) - 1)] for k, o in alts.items()}} for i in range(width)]
    for k, opts in alts.items():  # vary one argument at a time around the first options
        for o in opts[1:]:
            combos.append({**combos[0], k: o})
    return combos[:24]


def _instance_for(owner_qual: str, cs: dict, names: dict):
    """An instance of a public class built from its own baseline (for methods without an explicit instance)."""
    cls = _lookup(owner_qual)
    if not inspect.isclass(cls):
        return None
    r = resolve(owner_qual, cls, cs, names)
    if r is None:
        return None
    for kw in _combinations(r[1]):
        try:
            return call(cls, kw)
        except Exception:  # noqa: BLE001 - try the next combination
            continue
    return None


def _lookup(qual: str):
    parts = qual.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for p in parts[i:]:
            obj = getattr(obj, p, None)
        return obj
    return None


DEFAULT_ACCEPT = {"inference_tokens": {"zero"}, "tokens": {"zero"}, "prompt_tokens": {"zero"},
                  "generated_tokens": {"zero"}, "seed": {"zero"}}


TIMES: dict[str, float] = {}
BUDGET_SECONDS = 20  # per callable: a baseline that trains a model or runs a full fit needs a cheaper one


class _OverBudget(BaseException):
    """Raised by the alarm when one callable's fuzzing exceeds its time budget (not an Exception: never caught
    as the callable's own error)."""


class _time_budget:
    def __init__(self, seconds: float):
        self.seconds = seconds

    def __enter__(self):
        import signal
        import threading

        self.on = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        if self.on:
            def alarm(signum, frame):
                raise _OverBudget()

            self.old = signal.signal(signal.SIGALRM, alarm)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        if self.on:
            import signal

            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.old)
        return False


def run(only: Callable[[str], bool] = lambda q: True) -> tuple[list[Outcome], list[str]]:
    """Fuzz every discovered callable; returns the outcomes and the callables without a baseline."""
    callables = public_callables()
    cs = cases()
    t2_cases(cs)
    pending_cases(cs)
    frame_cases(cs)
    names = by_name()
    outcomes: list[Outcome] = []
    missing: list[str] = []
    for qual, fn in callables.items():
        if not only(qual):
            continue
        r = resolve(qual, fn, cs, names)
        if r is None:
            missing.append(qual)
            continue
        target, kwargs, accept, defaults = r
        rej = accept.pop("__reject__")
        acc = {k: set(DEFAULT_ACCEPT.get(k, set())) | set(accept.get(k, set())) for k in kwargs}
        t0 = time.perf_counter()
        err = None
        try:
            with _time_budget(BUDGET_SECONDS):
                for kw in _combinations(kwargs):
                    try:
                        call(target, kw)
                    except _OverBudget:
                        raise
                    except Exception as exc:  # noqa: BLE001 - not a valid baseline: try the next combination
                        err = exc
                        continue
                    outcomes += fuzz_one(qual, target, kw, acc, defaults, rej)
                    break
                else:
                    missing.append(f"{qual} (baseline call failed: {type(err).__name__}: {err})")
        except _OverBudget:
            missing.append(f"{qual} (fuzzing took over {BUDGET_SECONDS} s: give it a cheaper baseline)")
        TIMES[qual] = time.perf_counter() - t0
    return outcomes, missing


def summary(outcomes: list[Outcome]) -> dict[str, float]:
    counts = {k: sum(o.result == k for o in outcomes) for k in ("named", "unnamed", "crash", "garbage", "accepted")}
    rejected = counts["named"] + counts["unnamed"]
    counts["calls"] = len(outcomes)
    counts["named_share"] = counts["named"] / rejected if rejected else 1.0
    return counts


if __name__ == "__main__":  # pragma: no cover - a report for people
    import os
    import sys


    os.environ.setdefault("T2LIB_DATA_DIR", str(ROOT.parent / "shared" / "data"))
    t0 = time.perf_counter()
    outs, miss = run()
    s = summary(outs)
    for o in outs:
        if o.result not in ("named", "accepted"):
            print(f"{o.result:8s} {o.callable}({o.argument}={o.kind}): {o.detail}")
    for m in miss:
        print("NO BASELINE", m)
    for q, t in sorted(TIMES.items(), key=lambda kv: -kv[1])[:8]:
        print(f"time {t:.2f}s {q}", file=sys.stderr)
    print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in s.items()},
          f"callables={len({o.callable for o in outs})}", f"{time.perf_counter() - t0:.1f}s", file=sys.stderr)
