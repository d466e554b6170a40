"""Test configuration: point the data cache at ../shared/data so nothing is downloaded; build the book once.

The book is built once per session (:func:`built_book`) and every test that needs executed chapters or HTML
reuses that build. The determinism check needs a second execution of every chapter: it starts in the
background as soon as the first build has *executed* the chapters (while the first build's HTML is built and
the other tests run), and the check itself runs last and waits for it. Starting after the first execution
means a chapter that caches expensive work (the lab chapter's training runs, cached by ``t2lib.lab`` under
``_build/lab_cache`` or ``$T2LIB_LAB_CACHE``) reads the first execution's cache instead of training again.
"""
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
AGAIN_OUT = ROOT / "_build" / "pytest-again"  # the determinism check's second execution (no HTML)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DETERMINISM_TEST = "test_outputs_are_deterministic"
EXECUTED_MARK = "Executed in "  # the line `python -m t2lib build` prints once every chapter has executed


def pytest_configure(config):
    config.addinivalue_line("markers", "last: run after every other test (waits for background work)")


def pytest_collection_modifyitems(session, config, items):
    """Tests marked ``last`` run at the end, so the background re-execution overlaps everything else."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)  # stable: keeps the order otherwise


class _SecondExecution:
    """The background ``python -m t2lib build --no-html`` of the determinism check."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.out = AGAIN_OUT

    def start(self) -> None:
        shutil.rmtree(self.out, ignore_errors=True)
        self.out.mkdir(parents=True)
        self.log = open(self.out / "build.log", "w")  # a file, not a pipe: nothing blocks while nobody reads
        self.proc = subprocess.Popen([sys.executable, "-m", "t2lib", "build", "--out", str(self.out), "--no-html"],
                                     cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, text=True)

    def wait(self) -> tuple[int, str]:
        if self.proc is None:
            self.start()
        self.proc.wait()
        self.log.close()
        return self.proc.returncode, (self.out / "build.log").read_text()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
            self.log.close()


@pytest.fixture(scope="session")
def _second_execution():
    second = _SecondExecution()
    yield second
    second.stop()


@pytest.fixture(scope="session")
def built_book(request, _second_execution):
    """Execute every chapter of ``_toc.yml`` with papermill and build the HTML (once per test session).

    Returns a dict with ``out`` (the output directory), ``src`` (executed copies), ``html`` (the HTML root)
    and ``log`` (the build's printed output). Fails the requesting tests if the build fails. When the session
    includes the determinism check, its second execution starts as soon as this build's execution is done.
    """
    wants_second = any(item.name == DETERMINISM_TEST for item in request.session.items)
    shutil.rmtree(BUILD_OUT, ignore_errors=True)
    proc = subprocess.Popen([sys.executable, "-m", "t2lib", "build", "--out", str(BUILD_OUT)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if wants_second and line.startswith(EXECUTED_MARK) and _second_execution.proc is None:
            _second_execution.start()
    proc.wait()
    log = "".join(lines)
    print(log)  # chapter times appear in the pytest log with -s / on failure
    if proc.returncode != 0:
        pytest.fail(f"book build failed (exit {proc.returncode}):\n{log[-6000:]}")
    return {"out": BUILD_OUT, "src": BUILD_OUT / "src", "html": BUILD_OUT / "_build" / "html", "log": log}


@pytest.fixture(scope="session")
def second_execution(built_book, _second_execution):
    """The executed copies of a second, independent execution of every chapter (``<dir>/book/<chapter>``)."""
    code, log = _second_execution.wait()
    if code != 0:
        pytest.fail(f"second execution failed (exit {code}):\n{log[-6000:]}")
    return _second_execution.out / "src"


@pytest.fixture(scope="session")
def chromium_path():
    """Path of a Chromium binary; skips (or, when CI=true, fails) if there is none."""
    path = shutil.which("chromium") or os.environ.get("CHROMIUM")
    if not path:
        if IN_CI:
            pytest.fail("CI=true but no chromium: install the Debian package 'chromium' (make test does as root)")
        pytest.skip("no chromium on PATH: browser checks skipped (install the Debian package 'chromium')")
    return path
