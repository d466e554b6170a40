"""The conda environment.yml mirrors the pinned pip requirements, and the pins are exact."""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pins(lines):
    return sorted(l.strip() for l in lines if l.strip() and not l.strip().startswith(("#", "-")))


def test_environment_yml_matches_requirements():
    req = _pins((ROOT / "requirements" / "book.txt").read_text().splitlines())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert _pins(pip_section) == req
    assert "-e ." in pip_section


def test_requirements_are_exact_pins():
    req = _pins((ROOT / "requirements" / "book.txt").read_text().splitlines())
    assert req and all("==" in r for r in req), [r for r in req if "==" not in r]


def test_constraints_agree_with_requirements():
    cons = {l.split("==")[0].lower().replace("_", "-"): l.split("==")[1]
            for l in _pins((ROOT / "requirements" / "constraints.txt").read_text().splitlines()) if "==" in l}
    for r in _pins((ROOT / "requirements" / "book.txt").read_text().splitlines()):
        name, ver = r.split("==")
        assert cons.get(name.lower().replace("_", "-")) == ver, r
