"""Docstrings and doc comments of t2lib hold LaTeX (``:math:`\\nu```): outside a raw string a backslash escape
silently turns ``\\nu`` into a newline and ``u``, ``\\times`` into a tab, ``\\beta`` into a backspace — the page
then shows garbage or MathJax fails. Every docstring-like string statement with an escape must be raw."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "t2lib"
_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\[^\\\n]")  # a backslash escape other than an escaped backslash


def escapes_in_doc_strings(source: str) -> list[tuple[int, str]]:
    """``(line, text)`` of every non-raw string statement (docstring, doc comment) holding an escape sequence."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            seg = ast.get_source_segment(source, node.value) or ""
            prefix = re.match(r"[A-Za-z]*", seg).group(0).lower()
            m = None if "r" in prefix else _ESCAPE.search(seg)
            if m:
                found.append((node.lineno, seg[max(0, m.start() - 20):m.end() + 10]))
    return found


def test_the_check_finds_an_escape():
    assert escapes_in_doc_strings('x = 1\n"""Cap on :math:`\\nu`."""\n')
    assert escapes_in_doc_strings('def f():\n    """Uses :math:`2\\times3`."""\n')
    assert not escapes_in_doc_strings('x = 1\nr"""Cap on :math:`\\nu`."""\n')
    assert not escapes_in_doc_strings('"""Escaped: :math:`\\\\theta`."""\n')


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_doc_strings_with_latex_are_raw(path):
    assert escapes_in_doc_strings(path.read_text()) == []


_PRIVATE_REF = re.compile(r":(?:py:)?(?:func|class|meth|data|obj|attr|mod|exc):`~?(?:[\w.]+\.)?_\w")


def test_the_private_reference_check_finds_one():
    assert _PRIVATE_REF.search("see :func:`_minimize_huber` and")
    assert _PRIVATE_REF.search("see :func:`t2lib.fit._minimize_huber`")
    assert not _PRIVATE_REF.search("see :func:`fit_chinchilla` and ``_minimize_huber``")


_BUILD_MACHINERY = {"_apilinks.py", "_apiref.py", "_prewarm.py"}  # private, never rendered in the appendix


@pytest.mark.parametrize("path", sorted(p for p in PACKAGE.rglob("*.py") if p.name not in _BUILD_MACHINERY),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_doc_strings_link_no_private_name(path):
    """The API appendix documents public names only, so a role pointing at a private one fails the strict build:
    name private helpers in double backticks instead."""
    hits = [m.group(0) for m in _PRIVATE_REF.finditer(path.read_text())]
    assert hits == []
