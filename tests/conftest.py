"""Test configuration: point the data cache at ../shared/data so nothing is downloaded."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

if "T2LIB_DATA_DIR" not in os.environ and SHARED.is_dir():
    os.environ["T2LIB_DATA_DIR"] = str(SHARED)

import shutil
import subprocess
import sys

import pytest

BUILD_OUT = ROOT / "_build" / "pytest"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def built_book():
    """Execute every chapter of ``_toc.yml`` with papermill and build the HTML (once per test session).

    Returns a dict with ``out`` (the output directory), ``src`` (executed copies), ``html`` (the HTML root)
    and ``log`` (the build's printed output). Fails the requesting tests if the build fails.
    """
    shutil.rmtree(BUILD_OUT, ignore_errors=True)
    proc = subprocess.run([sys.executable, "-m", "t2lib", "build", "--out", str(BUILD_OUT)],
                          cwd=ROOT, capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    print(proc.stdout)  # chapter times appear in the pytest log with -s / on failure
    if proc.returncode != 0:
        pytest.fail(f"book build failed (exit {proc.returncode}):\n{log[-6000:]}")
    return {"out": BUILD_OUT, "src": BUILD_OUT / "src", "html": BUILD_OUT / "_build" / "html", "log": log}


@pytest.fixture(scope="session")
def chromium_path():
    """Path of a Chromium binary; skips (or, when CI=true, fails) if there is none."""
    path = shutil.which("chromium") or os.environ.get("CHROMIUM")
    if not path:
        if IN_CI:
            pytest.fail("CI=true but no chromium: install the Debian package 'chromium' (make test does as root)")
        pytest.skip("no chromium on PATH: browser checks skipped (install the Debian package 'chromium')")
    return path
