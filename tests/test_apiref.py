"""The API reference appendix: every public module has a page, every public name is documented exactly once."""
from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

import pytest

from t2lib import _apiref as apiref

ROOT = Path(__file__).resolve().parents[1]
MODULES, SKIPPED = apiref.public_modules()
PAGES = apiref.module_pages(MODULES)


def _files_to_modules() -> set[str]:
    out = set()
    for path in (ROOT / "t2lib").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        name = ".".join(parts)
        if not any(p.startswith("_") for p in parts):
            out.add(name)
    return out


def test_every_public_module_has_a_page():
    """Found by walking the package: a new module needs no registration (only a missing optional dependency
    keeps one out, and the build says so)."""
    assert MODULES[0] == "t2lib"
    assert set(MODULES) | set(SKIPPED) == _files_to_modules()
    assert all(why.startswith("optional dependency") for why in SKIPPED.values())


def test_every_public_name_is_documented_exactly_once():
    documented = {(p.module, n) for p in PAGES for n in p.documented} | \
        {(p.module, n) for p in PAGES for n, _ in p.private_data}
    for page in PAGES:
        mod = importlib.import_module(page.module)
        names = [*page.documented, *(n for n, _ in page.private_data), *(n for n, _ in page.reexported)]
        assert sorted(names) == sorted(apiref._exports(mod)), page.module
        for name, home in page.reexported:
            assert (home, name) in documented, f"{page.module}.{name} points to {home}, which does not document it"
            assert getattr(importlib.import_module(home), name) is getattr(mod, name)
    objects = {}
    for module, name in documented:  # one object, one full entry (Sphinx would warn about a duplicate)
        obj = getattr(importlib.import_module(module), name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert id(obj) not in objects, f"{module}.{name} is also documented as {objects[id(obj)]}"
            objects[id(obj)] = f"{module}.{name}"


def test_documented_names_have_docstrings():
    """autodoc leaves out a member without documentation, so a missing docstring would hide it silently."""
    from sphinx.pycode import ModuleAnalyzer

    missing = []
    for page in PAGES:
        mod = importlib.import_module(page.module)
        attr_docs = ModuleAnalyzer.for_module(page.module).find_attr_docs()
        missing += [f"{page.module}.{n}" for n, doc in page.private_data if not doc]
        for name in page.documented:
            obj = getattr(mod, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                if not (obj.__doc__ or "").strip():
                    missing.append(f"{page.module}.{name}")
                if inspect.isclass(obj):
                    for attr, value in vars(obj).items():
                        target = value.fget if isinstance(value, property) else value
                        if not attr.startswith("_") and (inspect.isfunction(target) or isinstance(value, property)) \
                                and not (target.__doc__ or "").strip():
                            missing.append(f"{page.module}.{name}.{attr}")
            elif ("", name) not in attr_docs:
                missing.append(f"{page.module}.{name} (constant: a #: comment or a string after it)")
    assert not missing, "public names without a docstring:\n" + "\n".join(missing)


def test_reexports_are_declared_where_readers_import_them():
    """``t2lib.t2.T2Law`` and ``t2lib.data.load_chinchilla`` resolve ({py:class}`t2lib.t2.T2Law` works)."""
    pages = {p.module: p for p in PAGES}
    assert ("T2Law", "t2lib.t2.law") in pages["t2lib.t2"].reexported
    assert "fetch" in pages["t2lib.data"].documented  # defined in the private t2lib.data._registry
    assert "REGISTRY" in dict(pages["t2lib.data"].private_data)
    text = apiref._page_text(pages["t2lib.t2"])
    assert ".. py:class:: T2Law(" in text and ":canonical: t2lib.t2.law.T2Law" in text


def test_write_api_pages_fills_the_landing_page(tmp_path):
    docnames, skipped = apiref.write_api_pages(tmp_path, ROOT)
    landing = (tmp_path / "book" / "api.md").read_text()
    assert "<!-- api-module-table -->" not in landing and "{py:mod}`t2lib.flops`" in landing
    assert len(docnames) == len(MODULES) and skipped == SKIPPED
    flops = (tmp_path / "book" / "api" / "t2lib-flops.md").read_text()
    assert ".. automodule:: t2lib.flops" in flops and "training_flops" in flops


def test_appendix_goes_last_in_the_toc():
    parts = {"format": "jb-book", "root": "book/intro", "parts": [{"caption": "Chapters", "chapters": [{"file": "a"}]}]}
    out = apiref.add_to_toc(parts, ["book/api/t2lib"])
    assert out["parts"][-1] == {"caption": "Appendix", "chapters": [
        {"file": "book/api", "sections": [{"file": "book/api/t2lib"}]}]}
    assert parts["parts"][-1]["caption"] == "Chapters"  # the input is not modified
    flat = apiref.add_to_toc({"format": "jb-book", "root": "r", "chapters": [{"file": "a"}]}, ["x"])
    assert flat["chapters"][-1]["file"] == "book/api"


def test_module_with_missing_optional_dependency_is_left_out(tmp_path, monkeypatch):
    pkg = tmp_path / "fakepkg_t2"
    (pkg / "lab").mkdir(parents=True)
    (pkg / "__init__.py").write_text('"""Fake."""\n')
    (pkg / "good.py").write_text('"""Good."""\n__all__ = ["f"]\n\ndef f():\n    """F."""\n')
    (pkg / "_private.py").write_text("")
    (pkg / "lab" / "__init__.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    modules, skipped = apiref.public_modules("fakepkg_t2")
    assert modules == ["fakepkg_t2", "fakepkg_t2.good"]
    assert "no_such_dependency_xyz" in skipped["fakepkg_t2.lab"]
    (pkg / "broken.py").write_text("raise RuntimeError('a real bug')\n")
    with pytest.raises(RuntimeError, match="a real bug"):  # anything but a missing dependency fails the build
        apiref.public_modules("fakepkg_t2")
    for name in [m for m in sys.modules if m.startswith("fakepkg_t2")]:
        del sys.modules[name]


def test_napoleon_keeps_a_colon_in_a_constant_docstring_as_text():
    """Napoleon alone would turn "Hoffmann et al. (2022), Eq. (10): the fit" into a type "Hoffmann et al.…"."""
    from sphinx.ext.napoleon import Config
    from sphinx.ext.napoleon.docstring import NumpyDocstring

    lines = ["Hoffmann et al. (2022), Eq. (10): the rounded fit."]
    apiref._plain_inline_docstring(None, "data", "X", None, None, lines)
    out = "\n".join(NumpyDocstring(lines, Config(), what="data", name="X").lines())
    assert ":type:" not in out and "Hoffmann et al. (2022), Eq. (10): the rounded fit." in out
    raw = "\n".join(NumpyDocstring(["A (1): b"], Config(), what="data", name="X").lines())
    assert ":type: A (1)" in raw  # what the hook prevents
