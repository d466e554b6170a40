"""User errors on the command line print one line and exit 2, before any kernel starts; the data cache."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from t2lib import book
from t2lib.data import _registry

ROOT = Path(__file__).resolve().parents[1]


def _run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "t2lib", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.mark.parametrize("args, needle", [
    (("run", "no_such.ipynb"), "no_such.ipynb"),
    (("params", "book/references.md"), ".ipynb"),
    (("params", "no_such.ipynb"), "no_such.ipynb"),
    (("build", "--chapters", "no_such.ipynb", "--no-html"), "no_such.ipynb"),
    (("run", "book/01_flops.ipynb", "--timeout", "-5"), "--timeout"),
    (("build", "--jobs", "0", "--no-html"), "--jobs"),
    (("run", "book/01_flops.ipynb", "-p", "n_params", "abc"), "n_params"),
    (("run", "book/01_flops.ipynb", "-p", "seq_len", "20.5"), "seq_len"),
    (("run", "book/01_flops.ipynb", "-p", "no_such_knob", "1"), "no_such_knob"),
])
def test_user_errors_print_one_line_and_exit_2(args, needle):
    proc = _run(*args)
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr


def test_parameter_types_are_checked_against_the_defaults():
    path = ROOT / "book" / "01_flops.ipynb"
    book.validate_parameters(path, {"n_params": 7e9, "seq_len": 4096})  # a number for a number, an int for an int
    book.validate_parameters(path, {"n_params": 7})  # an int where the default is a float
    for bad in ({"n_params": "abc"}, {"n_params": True}, {"seq_len": 1.5}, {"n_params": float("nan")}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            book.validate_parameters(path, bad)


def test_failing_cell_number_ignores_the_injected_parameters_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Broken"),
                nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("y = 2"),
                nbformat.v4.new_code_cell("z = x / 0")]
    out = tmp_path / "out.ipynb"
    injected = nbformat.v4.new_notebook()
    injected.cells = [nb.cells[0], nb.cells[1],
                      nbformat.v4.new_code_cell("x = 0", metadata={"tags": ["injected-parameters"]}),
                      nb.cells[2], nb.cells[3]]
    nbformat.write(injected, str(out))
    assert book._source_cell_index(out, 4) == 3  # papermill's index 4 is the source's cell 3
    assert book._source_cell_index(out, 1) == 1


@pytest.mark.book
def test_run_reports_the_source_cell_of_a_failure_with_parameters(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Broken"),
                nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("y = 2"),
                nbformat.v4.new_code_cell("z = y / (x - 2)")]
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    src = tmp_path / "broken.ipynb"
    nbformat.write(nb, str(src))
    proc = _run("run", str(src), "-p", "x", "2", "-o", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert "cell 3 " in proc.stderr and "ZeroDivisionError" in proc.stderr, proc.stderr  # not papermill's 4


def test_nonexistent_data_dir_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("T2LIB_DATA_DIR", str(tmp_path / "typo"))
    with pytest.raises(_registry.DataError, match="T2LIB_DATA_DIR"):
        _registry.data_dir()
    assert not (tmp_path / "typo").exists()


def test_checksum_sees_an_in_place_edit_that_keeps_size_and_mtime(tmp_path, monkeypatch):
    key = "demo/file.csv"
    data = tmp_path / "demo" / "file.csv"
    data.parent.mkdir()
    data.write_bytes(b"a,b\n1,2\n")
    import hashlib

    entry = _registry.DataFile(key, hashlib.sha256(b"a,b\n1,2\n").hexdigest(), "https://example.org/file.csv")
    monkeypatch.setitem(_registry.REGISTRY, key, entry)
    monkeypatch.setenv("T2LIB_DATA_DIR", str(tmp_path))
    assert _registry.fetch(key) == data
    st = data.stat()
    data.write_bytes(b"a,b\n1,3\n")  # same size
    os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime
    with pytest.raises(_registry.DataError, match="checksum mismatch"):
        _registry.fetch(key)


def test_fetch_rejects_a_non_string_key():
    for key in (None, 3, ["a"]):
        with pytest.raises(_registry.DataError, match="key"):
            _registry.fetch(key)
