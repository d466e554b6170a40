"""``python -m t2lib plan --served-tokens/--bands`` (t2lib.planning): the regime, the lifetime frame, the bands."""
from __future__ import annotations

import json

import numpy as np
import pytest

from t2lib import frame, planning
from t2lib.plan import main, plan
from t2lib.t2.presets import LAWS

LAW = "illustrative-strong-sampling"


def test_regime_without_demand_is_t2():
    p = plan(1e24, 1.4e11, law=LAW)
    assert p["regime"] == "t2" and p["lifetime"] is None and "two separate budgets" in p["regime_description"]


def test_served_tokens_give_the_lifetime_frame():
    p = plan(1e24, 1.4e11, law=LAW, served_tokens=1e13)
    assert p["regime"] == "t2-summed"
    C_life = 1e24 + 1e13 * 1.4e11
    assert p["lifetime"]["C_life"] == pytest.approx(C_life, rel=1e-15)
    a = frame.t2_summed(LAWS[LAW].law, C_life, 1e13)
    b = frame.sardana(LAWS[LAW].law, C_life, 1e13)
    assert p["lifetime"]["t2"]["N"] == float(a.N) and p["lifetime"]["k1"]["N"] == float(b.N)
    assert p["lifetime"]["k1"]["k"] == 1.0
    # the lifetime optimum is at least as good as spending the two budgets separately
    assert p["lifetime"]["t2"]["loss"] <= p["t2"]["loss"] + 1e-12


def test_cli_json_and_text(capsys):
    assert main(["--train-flops", "1e24", "--inference-flops", "1.4e11", "--served-tokens", "1e12", "--bands",
                 "--json"]) == 0
    p = json.loads(capsys.readouterr().out)
    assert p["regime"] == "t2-summed" and p["bands"] is None and "no bootstrap" in p["bands_note"]
    assert main(["--train-flops", "1e24", "--inference-flops", "1.4e11", "--served-tokens", "1e12"]) == 0
    out = capsys.readouterr().out
    assert "regime: t2-summed" in out and "k = 1 (Sardana)" in out


@pytest.mark.parametrize("bad", ["-1", "0", "abc", "inf"])
def test_cli_bad_served_tokens(bad, capsys):
    assert main(["--train-flops", "1e24", "--inference-flops", "1.4e11", "--served-tokens", bad]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "--served-tokens" in err and "Traceback" not in err


def test_cli_served_tokens_need_a_loss_law(capsys):
    assert main(["--train-flops", "1e24", "--inference-flops", "1.4e11", "--served-tokens", "1e12",
                 "--law", "illustrative-beta"]) == 2
    assert "Approach-1" in capsys.readouterr().err


def test_bands_from_a_registered_bootstrap(monkeypatch):
    base = LAWS[LAW].law
    rng = np.random.default_rng(0)
    n = 8
    draws = frame.LawDraws(E=np.full(n, base.E), A=base.A * np.exp(rng.normal(0, .1, n)), B=np.full(n, base.B),
                           alpha=np.full(n, base.alpha), beta=np.full(n, base.beta), G=np.full(n, base.G),
                           gamma=np.full(n, base.gamma))
    monkeypatch.setitem(planning.BOOTSTRAPS, LAW, lambda: draws)
    p = plan(1e24, 1.4e11, law=LAW, bands=True)
    lo, hi = p["bands"]["N"]
    assert lo < p["t2"]["N"] < hi and p["bands"]["n_draws"] == n
    q = plan(1e24, 1.4e11, law=LAW, served_tokens=1e13, bands=True)
    assert q["bands"]["k"][0] < q["lifetime"]["t2"]["k"] < q["bands"]["k"][1]


def test_lifetime_answer_warns_outside_fitted_range_and_on_repeated_data():
    p = plan(1e24, 1.4e11, law="pythia-gsm8k-approach1", served_tokens=1e13)
    text = " ".join(p["warnings"])
    assert "lifetime T² optimum" in text and "outside the range the law was fitted on" in text
    assert "epochs" in text  # D* of this law at 1e24 FLOPs is far above 15T tokens


def test_bands_of_chapter9_fit_from_the_cli(capsys):
    """--bands for the fitted law: chapter 9's problem bootstrap, the stored law's optimum inside the band."""
    assert main(["--train-flops", "1e22", "--inference-flops", "2e9", "--law", "pythia-gsm8k-approach1", "--bands",
                 "--json"]) == 0
    p = json.loads(capsys.readouterr().out)
    b = p["bands"]
    assert b["n_draws"] > 150 and b["level"] == 0.9
    for q in ("N", "D", "k"):
        assert b[q][0] < p["t2"][q] < b[q][1], q
