"""The built pages: every page loads in headless Chromium, MathJax typesets its math, figures load, links resolve."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.book

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _pages(html_root: Path) -> list[Path]:
    return sorted([html_root / "index.html", *html_root.glob("book/*.html")])


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])


def _parse(path: Path) -> _Collect:
    c = _Collect()
    c.feed(path.read_text(errors="replace"))
    return c


def test_internal_links_resolve(built_book):
    """Every relative link of every page points to an existing file, and its #fragment to an existing id."""
    html_root = built_book["html"]
    broken = []
    cache: dict[Path, _Collect] = {}
    for page in sorted(html_root.rglob("*.html")):
        if "_sources" in page.parts or "_static" in page.parts:
            continue
        for href in _parse(page).links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("//", "mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(html_root)} -> {href}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = cache.setdefault(target, _parse(target)).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(html_root)} -> {href} (no such anchor)")
    assert not broken, "\n".join(broken[:30])


def test_no_cdn_mathjax(built_book):
    for page in _pages(built_book["html"]):
        text = page.read_text()
        assert "cdn.jsdelivr.net/npm/mathjax" not in text, f"{page.name} loads MathJax from a CDN"


@pytest.fixture(scope="module")
def browser_page(built_book, chromium_path):
    pw = pytest.importorskip("playwright.sync_api")
    with pw.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.failed = []
        page.on("requestfailed", lambda r: page.failed.append(r.url))
        yield page
        browser.close()


def test_pages_render_in_chromium(built_book, browser_page):
    """Each page loads; MathJax has typeset every math node; every <img> decoded; no local request failed."""
    page = browser_page
    html_root = built_book["html"]
    problems = []
    n_math = n_img = 0
    for path in _pages(html_root):
        page.failed.clear()
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        name = path.relative_to(html_root)
        if page.locator(".math").count():
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                   timeout=15_000)
            page.evaluate("() => MathJax.startup.promise")
            untypeset = page.locator(".math:not(:has(mjx-container))").count()
            n_math += page.locator("mjx-container").count()
            if untypeset:
                problems.append(f"{name}: {untypeset} math nodes not typeset")
            if page.locator("mjx-merror").count():
                problems.append(f"{name}: MathJax reported {page.locator('mjx-merror').count()} TeX errors")
        imgs = page.eval_on_selector_all("img", "els => els.map(e => [e.src, e.complete && e.naturalWidth > 0])")
        n_img += len(imgs)
        problems += [f"{name}: image did not load: {src}" for src, ok in imgs if not ok]
        problems += [f"{name}: failed request {u}" for u in page.failed if u.startswith("file:")]
        if re.search(r"Traceback \(most recent call last\)", page.content()):
            problems.append(f"{name}: shows a traceback")
    assert not problems, "\n".join(problems)
    assert n_math > 0 and n_img > 0  # the book has math and figures, so the checks above were exercised
