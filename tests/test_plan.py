"""``python -m t2lib plan``: JSON, text, --list-laws, fitted-range warnings, and one-line errors (exit 2)."""
import json
import subprocess
import sys

import numpy as np
import pytest

from t2lib import plan as plan_mod
from t2lib.book import main as book_main
from t2lib.t2 import T2Law, t2_optimal
from t2lib.t2.named import NamedLaw
from t2lib.t2.presets import DEFAULT_LAW, LAWS

ARGS = ["--train-flops", "1e24", "--inference-flops", "1.4e11"]


def _run(capsys, argv):
    rc = book_main(["plan", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_json_matches_the_solver(capsys):
    rc, out, err = _run(capsys, ARGS + ["--json"])
    assert rc == 0 and err == ""
    p = json.loads(out)
    law = LAWS[DEFAULT_LAW].law
    N, D, k = t2_optimal(law, 1e24, 1.4e11)
    assert p["law"] == DEFAULT_LAW and p["approach"] == 1 and p["objective"] == "loss"
    assert np.isclose(p["t2"]["N"], N, rtol=1e-14) and np.isclose(p["t2"]["D"], D, rtol=1e-14)
    assert np.isclose(p["t2"]["k"], k, rtol=1e-14) and np.isclose(p["t2"]["tokens_per_param"], D / N)
    assert np.isclose(p["t2"]["loss"], law.loss(N, D, k))
    N1, D1 = law.chinchilla.compute_optimal(1e24)
    assert np.isclose(p["k1"]["N"], N1) and np.isclose(p["k1"]["k"], 1.4e11 / (2 * N1))
    assert p["illustrative"] is True and "ILLUSTRATIVE" in p["source"]
    assert any("ILLUSTRATIVE" in w for w in p["warnings"])


def test_json_approach2_and_min_samples(capsys):
    rc, out, _ = _run(capsys, ["--train-flops", "1e24", "--inference-flops", "2e9", "--law", "illustrative-beta",
                               "--min-samples", "1", "--json"])
    p = json.loads(out)
    assert rc == 0 and p["approach"] == 2 and "accuracy" in p["t2"] and 0 < p["t2"]["accuracy"] < 1
    assert p["t2"]["k"] >= 1 - 1e-12 and p["min_samples"] == 1.0
    assert any("k = 1 allocation cannot draw one sample" in w for w in p["warnings"])


def test_text_output(capsys):
    rc, out, err = _run(capsys, ARGS)
    assert rc == 0 and err == ""
    for needle in ("T² plan", DEFAULT_LAW, "ILLUSTRATIVE", "source:", "parameters N", "training tokens D",
                   "tokens per parameter D/N", "samples per problem k", "predicted loss", "k = 1 (Chinchilla)",
                   "10²⁴"):
        assert needle in out
    assert "e+" not in out  # numbers are formatted for people


def test_list_laws(capsys):
    rc, out, _ = _run(capsys, ["--list-laws"])
    assert rc == 0
    for name, nl in LAWS.items():
        assert name in out and nl.source in out
    assert out.count("ILLUSTRATIVE") >= sum(nl.illustrative for nl in LAWS.values())


@pytest.mark.parametrize("argv, needle", [
    (["--train-flops", "-1e24", "--inference-flops", "1.4e11"], "--train-flops"),
    (["--train-flops", "abc", "--inference-flops", "1.4e11"], "--train-flops"),
    (["--train-flops", "nan", "--inference-flops", "1.4e11"], "--train-flops"),
    (["--train-flops", "1e24", "--inference-flops", "0"], "--inference-flops"),
    (["--train-flops", "1e24", "--inference-flops", "inf"], "--inference-flops"),
    (["--train-flops", "1e24"], "--inference-flops"),
    (ARGS + ["--law", "no-such-law"], "no-such-law"),
    (ARGS + ["--min-samples", "-2"], "--min-samples"),
    (ARGS + ["--min-samples", "x"], "--min-samples"),
    (ARGS + ["--bogus"], "--bogus"),
])
def test_errors_are_one_line_exit_2(capsys, argv, needle):
    rc, out, err = _run(capsys, argv)
    assert rc == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and needle in err
    assert "Traceback" not in err


def test_fitted_range_warning(capsys, monkeypatch):
    law = T2Law(E=1.0, A=400, B=400, alpha=0.34, beta=0.28, G=0.5, gamma=0.5)
    fitted = NamedLaw("test-fitted", law, source="a test law", illustrative=False,
                      fitted_range={"N": (1e6, 1e9), "D": (1e8, 1e11), "k": (1, 100)})
    monkeypatch.setitem(plan_mod.LAWS, "test-fitted", fitted)
    rc, out, _ = _run(capsys, ["--train-flops", "1e25", "--inference-flops", "1.4e11", "--law", "test-fitted"])
    assert rc == 0 and "outside the range the law was fitted on" in out and "ILLUSTRATIVE" not in out
    rc, out, _ = _run(capsys, ["--train-flops", "1e18", "--inference-flops", "2e9", "--law", "test-fitted",
                               "--json"])
    p = json.loads(out)
    assert not any("outside" in w for w in p["warnings"])  # inside the fitted range: no warning


def test_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "t2lib", "plan", "--train-flops", "bad", "--inference-flops", "1"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == "" and proc.stderr.count("\n") == 1
    proc = subprocess.run([sys.executable, "-m", "t2lib", "plan", *ARGS, "--json"], capture_output=True, text=True)
    assert proc.returncode == 0 and json.loads(proc.stdout)["law"] == DEFAULT_LAW


@pytest.mark.parametrize("argv", ["--list-laws", 3.0, [1, 2], np.array(["--json"])])
def test_main_rejects_a_non_list_argv(argv):
    with pytest.raises(ValueError, match="argv"):
        plan_mod.main(argv)


def test_format_plan_rejects_other_input():
    with pytest.raises(ValueError, match="p must"):
        plan_mod.format_plan({"law": "x"})
