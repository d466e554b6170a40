"""Test configuration: point the data cache at ../shared/data so nothing is downloaded; build the book once.

The book is built once per session (:func:`built_book`), in the background from the end of collection (the
unit tests run meanwhile; the tests that need the book run after them), and every test that needs executed
chapters or HTML reuses that build. The determinism check needs a second execution of every chapter: it starts
in the background as soon as the first build has *executed* the chapters (while the first build's HTML is built
and the other tests run), and the check itself runs last and waits for it. Starting after the first execution
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
import threading

import pytest

BUILD_OUT = ROOT / "_build" / "pytest"
AGAIN_OUT = ROOT / "_build" / "pytest-again"  # the determinism check's second execution (no HTML)
XLA_CACHE = ROOT / "_build" / "pytest-xla"  # XLA's compiled programs of the lab tests, kept between sessions
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DETERMINISM_TEST = "test_outputs_are_deterministic"
EXECUTED_MARK = "Executed in "  # the line `python -m t2lib build` prints once every chapter has executed


def pytest_configure(config):
    config.addinivalue_line("markers", "last: run after every other test (waits for background work)")


def pytest_collection_modifyitems(session, config, items):
    """Order: tests that do not need the book, then those that do, then those marked ``last``.

    The book build starts in the background once collection is done (:func:`pytest_collection_finish`), so the
    unit tests run while the chapters execute; the determinism check, last, waits for its second execution.
    """
    def rank(item):
        if item.get_closest_marker("last") is not None:
            return 2
        return 1 if "built_book" in getattr(item, "fixturenames", ()) else 0

    items.sort(key=rank)  # stable: the order within each group is kept


class _SecondExecution:
    """The background ``python -m t2lib build --no-html`` of the determinism check."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.out = AGAIN_OUT

    def start(self) -> None:
        shutil.rmtree(self.out, ignore_errors=True)
        self.out.mkdir(parents=True)
        self.log = open(self.out / "build.log", "w")  # a file, not a pipe: nothing blocks while nobody reads
        # ordinary kernels (no pre-warmed zygote, t2lib._prewarm): the comparison with the first build, whose
        # kernels are forks of the zygote, then also checks that pre-warming changes no output
        env = {**os.environ, "T2LIB_NO_PREWARM": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "t2lib", "build", "--out", str(self.out), "--no-html"],
                                     cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, text=True, env=env)

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


class _Build:
    """The session's ``python -m t2lib build`` into ``_build/pytest``, run in the background.

    A thread reads its output; when the build reports that every chapter has executed, the determinism check's
    second execution starts (if the session includes that check).
    """

    def __init__(self, second: _SecondExecution | None) -> None:
        shutil.rmtree(BUILD_OUT, ignore_errors=True)
        self.second, self.lines = second, []
        self.proc = subprocess.Popen([sys.executable, "-m", "t2lib", "build", "--out", str(BUILD_OUT)],
                                     cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)
            if self.second is not None and line.startswith(EXECUTED_MARK) and self.second.proc is None:
                self.second.start()

    def wait(self) -> tuple[int, str]:
        self.proc.wait()
        self.reader.join()
        return self.proc.returncode, "".join(self.lines)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


_STATE: dict = {}


def pytest_collection_finish(session):
    if not any("built_book" in getattr(item, "fixturenames", ()) for item in session.items):
        return
    wants_second = any(item.name == DETERMINISM_TEST for item in session.items)
    _STATE["second"] = _SecondExecution() if wants_second else None
    _STATE["build"] = _Build(_STATE["second"])


def pytest_sessionfinish(session, exitstatus):
    if "build" in _STATE:
        _STATE["build"].stop()
    if _STATE.get("second") is not None:
        _STATE["second"].stop()


@pytest.fixture(scope="session")
def built_book():
    """Every chapter of ``_toc.yml`` executed with papermill and the HTML built (once per test session).

    Returns a dict with ``out`` (the output directory), ``src`` (executed copies), ``html`` (the HTML root)
    and ``log`` (the build's printed output). Fails the requesting tests if the build fails. The build itself
    started in the background after collection (see :func:`pytest_collection_finish`).
    """
    if "build" not in _STATE:  # e.g. requested only indirectly: start it now
        _STATE["second"] = _SecondExecution()
        _STATE["build"] = _Build(_STATE["second"])
    code, log = _STATE["build"].wait()
    print(log)  # chapter times appear in the pytest log with -s / on failure
    if code != 0:
        pytest.fail(f"book build failed (exit {code}):\n{log[-6000:]}")
    return {"out": BUILD_OUT, "src": BUILD_OUT / "src", "html": BUILD_OUT / "_build" / "html", "log": log}


@pytest.fixture(scope="session")
def second_execution(built_book):
    """The executed copies of a second, independent execution of every chapter (``<dir>/book/<chapter>``)."""
    second = _STATE.get("second") or _SecondExecution()
    _STATE["second"] = second
    code, log = second.wait()
    if code != 0:
        pytest.fail(f"second execution failed (exit {code}):\n{log[-6000:]}")
    return second.out / "src"


@pytest.fixture(scope="session")
def xla_cache() -> Path:
    """XLA's persistent compilation cache of the lab tests (``_build/pytest-xla``, kept between sessions).

    Compiling a model shape costs about 5 s of CPU, running its few hundred steps well under one; the cache
    stores compiled programs only (never results), keyed by XLA on the program, the flags and the versions.
    ``pinned`` is for :func:`t2lib.lab.run_grid`'s pinned worker processes (link it as a cache directory's
    ``xla``); ``in-process`` becomes this process's cache (every later compile in this session goes through it).
    A program gives the same bits whether compiled or read from the cache: the bits depend on the cores the
    *running* process sees (an unpinned process running a program compiled in a pinned one differs in the last
    digits, as a freshly compiling one does).
    """
    from t2lib.lab.grid import _use_xla_cache  # imports JAX: only the lab tests request this fixture

    for sub in ("pinned", "in-process"):
        (XLA_CACHE / sub).mkdir(parents=True, exist_ok=True)
    _use_xla_cache(str(XLA_CACHE / "in-process"))  # as run_grid's workers do with theirs
    return XLA_CACHE


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the whole session (the calculator's and the built pages' checks share it)."""
    pw = pytest.importorskip("playwright.sync_api")
    with pw.sync_playwright() as p:  # one per process: a second sync_playwright inside the first is not allowed
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def chromium_path():
    """Path of a Chromium binary; skips (or, when CI=true, fails) if there is none."""
    path = shutil.which("chromium") or os.environ.get("CHROMIUM")
    if not path:
        if IN_CI:
            pytest.fail("CI=true but no chromium: install the Debian package 'chromium' (make test does as root)")
        pytest.skip("no chromium on PATH: browser checks skipped (install the Debian package 'chromium')")
    return path
