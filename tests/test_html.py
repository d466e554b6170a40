"""The built pages: every page loads in headless Chromium, MathJax typesets its math, figures load, links resolve,
nothing widens the page (wide tables and code scroll in their own box), and the API reference covers t2lib."""
from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.book


def _pages(html_root: Path) -> list[Path]:
    return sorted([html_root / "index.html", *html_root.glob("book/*.html"), *html_root.glob("book/api/*.html")])


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

    def parsed(path: Path) -> _Collect:  # each page is parsed once, however many links point into it
        if path not in cache:
            cache[path] = _parse(path)
        return cache[path]

    for page in sorted(html_root.rglob("*.html")):
        if "_sources" in page.parts or "_static" in page.parts:
            continue
        for href in parsed(page.resolve()).links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("//", "mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(html_root)} -> {href}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(html_root)} -> {href} (no such anchor)")
    assert not broken, "\n".join(broken[:30])


def test_no_cdn_mathjax(built_book):
    for page in _pages(built_book["html"]):
        text = page.read_text()
        assert "cdn.jsdelivr.net/npm/mathjax" not in text, f"{page.name} loads MathJax from a CDN"


def test_no_repository_or_binder_links_without_a_repository(built_book):
    """The default _config.yml sets no repository, so no page links to one or offers a Binder launch."""
    import yaml

    url = yaml.safe_load((built_book["src"] / "_config.yml").read_text())["repository"]["url"]
    if url:
        pytest.skip(f"this build sets repository.url = {url}")
    for page in _pages(built_book["html"]):
        hrefs = _parse(page).links
        bad = [h for h in hrefs if "github.com" in h or "mybinder" in h or "binder" in urlsplit(h).netloc]
        assert not bad, f"{page.name} links to {bad}"


# Nothing may widen the page: the page itself never scrolls sideways, and no element of the article reaches
# past the article's right edge unless it sits inside a box that scrolls horizontally (a wide table, a long
# code line, a long display equation): an element cut off by its box is caught too. The hidden assistive
# MathML is not drawn. At the narrow width inline formulas are exempt: MathJax 3 cannot break an inline
# formula, so one longer than a phone's column overflows.
_OVERFLOW_JS = r"""(narrow) => {
  const d = document.documentElement;
  const article = document.querySelector('article.bd-article');
  const out = {page: d.scrollWidth > d.clientWidth ? [d.scrollWidth, d.clientWidth] : null, bad: []};
  if (!article) return out;
  const limit = article.getBoundingClientRect().right + 1;
  const visit = (el) => {  // top-down: the outermost offender is reported, scroll boxes are not entered
    for (const c of el.children) {
      const tag = c.tagName.toLowerCase();
      if (tag === 'mjx-assistive-mml') continue;
      const style = getComputedStyle(c);
      if (style.display === 'none') continue;
      const r = c.getBoundingClientRect();
      const math = tag === 'mjx-container';
      if (r.width > 0 && r.right > limit) {
        if (!(narrow && math && c.getAttribute('display') !== 'true'))
          out.bad.push(`<${tag} class="${c.getAttribute('class') || ''}"> ${Math.round(r.right - limit)} px past the column`);
        continue;
      }
      if (math || style.overflowX === 'auto' || style.overflowX === 'scroll') continue;  // fits, or scrolls
      visit(c);
    }
  };
  visit(article);
  return out;
}"""
WIDTHS = (1280, 600)  # the desktop layout and a narrow one (sidebars collapsed)


IN_FLIGHT = 3  # pages loading at once, in tabs of one context (each renders in its own process)


def _start(tab, path: Path) -> None:
    tab.failed.clear()
    tab.goto(path.as_uri(), wait_until="commit")  # returns once navigating; the page loads while others are checked


def _check_loaded(tab, path: Path, name: Path) -> tuple[list[str], int, int, int]:
    """The checks of one page once it has loaded: (problems, math nodes, images, widths checked)."""
    problems = []
    n_math = n_checked = 0
    tab.wait_for_load_state("load")
    if tab.locator(".math").count():
        tab.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15_000)
        tab.evaluate("() => MathJax.startup.promise")
        untypeset = tab.locator(".math:not(:has(mjx-container))").count()
        n_math += tab.locator("mjx-container").count()
        if untypeset:
            problems.append(f"{name}: {untypeset} math nodes not typeset")
        if tab.locator("mjx-merror").count():
            problems.append(f"{name}: MathJax reported {tab.locator('mjx-merror').count()} TeX errors")
    imgs = tab.eval_on_selector_all("img", "els => els.map(e => [e.src, e.complete && e.naturalWidth > 0])")
    problems += [f"{name}: image did not load: {src}" for src, ok in imgs if not ok]
    problems += [f"{name}: failed request {u}" for u in tab.failed if u.startswith("file:")]
    if re.search(r"Traceback \(most recent call last\)", path.read_text(errors="replace")):  # outputs are static
        problems.append(f"{name}: shows a traceback")
    width = tab.viewport_size["width"]
    for width in sorted(WIDTHS, key=lambda w: w != width):  # the current width first: one relayout per page
        tab.set_viewport_size({"width": width, "height": 900})
        res = tab.evaluate(_OVERFLOW_JS, width < 1000)
        if res["page"]:
            problems.append(f"{name} at {width} px: the page scrolls sideways ({res['page'][0]} > {res['page'][1]})")
        problems += [f"{name} at {width} px: {b}" for b in dict.fromkeys(res["bad"])][:5]
        n_checked += 1
    return problems, n_math, len(imgs), n_checked


def test_pages_render_in_chromium(built_book, browser):
    """Each page loads; MathJax has typeset every math node; every <img> decoded; no local request failed.

    ``IN_FLIGHT`` pages load at once (navigation is started, then each page is checked once loaded, and its tab
    starts the next page), so Chromium renders on both cores while the checks of a loaded page run.
    """
    html_root = built_book["html"]
    problems = []
    n_math = n_img = n_checked = 0
    pages = _pages(html_root)
    todo = []
    for path in pages:
        redirect = re.match(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', path.read_text())
        if redirect:  # index.html only forwards to the root page, which is checked itself
            assert (path.parent / redirect.group(1)).resolve() in {p.resolve() for p in pages}
            continue
        todo.append(path)
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    inflight = deque()
    for _ in range(min(IN_FLIGHT, len(todo))):
        tab = context.new_page()
        tab.failed = []
        tab.on("requestfailed", lambda r, tab=tab: tab.failed.append(r.url))
        path = todo.pop(0)
        _start(tab, path)
        inflight.append((tab, path))
    while inflight:
        tab, path = inflight.popleft()
        found, m, i, c = _check_loaded(tab, path, path.relative_to(html_root))
        problems += found
        n_math, n_img, n_checked = n_math + m, n_img + i, n_checked + c
        if todo:
            path = todo.pop(0)
            _start(tab, path)
            inflight.append((tab, path))
    context.close()
    assert not problems, "\n".join(problems)
    assert n_math > 0 and n_img > 0  # the book has math and figures, so the checks above were exercised
    assert n_checked >= len(WIDTHS) * (len(pages) - 1)


def test_overflow_check_catches_a_wide_table(browser):
    """The check above can fail: a table wider than the column is caught, unless it scrolls in its own box."""
    page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
    table = "<table><tr>" + "<td>a&nbsp;long&nbsp;cell&nbsp;value</td>" * 40 + "</tr></table>"
    body = '<div style="width: 700px"><article class="bd-article">{}</article></div>'
    page.set_content(body.format(table))
    res = page.evaluate(_OVERFLOW_JS, False)
    assert res["page"] and res["bad"], res
    page.set_content(body.format(f'<div style="overflow-x: auto">{table}</div>'))
    res = page.evaluate(_OVERFLOW_JS, False)
    assert not res["page"] and not res["bad"], res
    page.close()


def test_api_reference_documents_every_public_name(built_book):
    """Every public module has a page in the appendix, with an entry (an anchor) for each of its public names."""
    from t2lib import _apiref as apiref

    api = built_book["html"] / "book" / "api"
    modules, _ = apiref.public_modules()
    missing = []
    for page in apiref.module_pages(modules):
        path = api / (page.docname.rsplit("/", 1)[1] + ".html")
        if not path.is_file():
            missing.append(f"no page {path.name}")
            continue
        ids = _parse(path).ids
        names = [*page.documented, *(n for n, _ in page.private_data),
                 *(n for n, _ in page.reexported if f"{page.module}.{n}" not in modules)]  # not t2lib.lab.train
        missing += [f"{path.name}: {page.module}.{n}" for n in names if f"{page.module}.{n}" not in ids]
    assert not missing, "\n".join(missing)
    landing = (built_book["html"] / "book" / "api.html").read_text()
    assert all(f"{page}.html" in landing for page in ("api/t2lib-flops", "api/t2lib-t2-law"))
