"""The site loads nothing from other hosts: not in a browser, not in its files.

Mainland visitors cannot rely on foreign CDNs or font services, and a
government-adjacent site should not tell third parties who reads it. Links
that a visitor chooses to follow (the ICP filing, an editor's link) are fine.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from exemplar.model import Site

from .conftest import Served, Visitor
from .expected import activity_to_visit, profile_to_visit

pytestmark = pytest.mark.browser

# Resource-loading attributes in markup (HTML files, and HTML inside JSON/XML such as the search index).
RESOURCE_TAG = re.compile(r"<(script|img|iframe|video|audio|source|track|embed|object|image|use|input)\b[^>]*>",
                          re.IGNORECASE)
LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""\b(src|srcset|href|xlink:href|poster|data)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""",
                       re.IGNORECASE)
REL = re.compile(r"""\brel\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
LOADING_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload", "prefetch",
                "preconnect", "dns-prefetch", "manifest", "prerender", "mask-icon"}
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*((?:https?:)?//[^"')\s]+)""", re.IGNORECASE)
EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
TEXT_SUFFIXES = {".html", ".js", ".css", ".json", ".xml"}


def external_resources(path: Path, text: str, own_host: str | None = None) -> list[str]:
    """Resources the file would load from another host (own_host, the site's own, is allowed)."""

    def foreign(candidate: str) -> bool:
        url = (candidate.split() or [""])[0]  # a srcset entry is "URL 2x"
        if not EXTERNAL.match(url):
            return False
        return urlsplit(f"http:{url}" if url.startswith("//") else url).hostname != own_host

    found = []
    for tag in RESOURCE_TAG.finditer(text):
        for _, value in ATTRIBUTE.findall(tag.group(0)):
            found += [f"{path}: {tag.group(0)[:160]}" for url in value.strip("\"'").split(",") if foreign(url)]
    for tag in LINK_TAG.finditer(text):
        rel = REL.search(tag.group(0))
        rels = set(rel.group(1).strip("\"'").lower().split()) if rel else set()
        if rels & LOADING_RELS:
            found += [f"{path}: {tag.group(0)[:160]}" for name, value in ATTRIBUTE.findall(tag.group(0))
                      if name.lower() == "href" and foreign(value.strip("\"'"))]
    if path.suffix == ".css" or "<style" in text:
        found += [f"{path}: url {url}" for url in CSS_URL.findall(text) if foreign(url)]
    return found


def test_built_files_load_nothing_from_other_hosts(built_site: Path, sample: Site) -> None:
    # Absolute URLs to the site's own address (media-kit copies meant for pasting
    # elsewhere) are not foreign; anything else is.
    own_host = urlsplit(sample.campaign.media.site_url).hostname
    problems = []
    files = [p for p in built_site.rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file()]
    assert any(p.suffix == ".html" for p in files)
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        problems += external_resources(path.relative_to(built_site), text, own_host)
    assert not problems, "resources loaded from other hosts:\n" + "\n".join(problems)


def test_the_check_itself_finds_foreign_resources() -> None:
    """The scanner above would notice the usual ways a foreign resource sneaks in."""
    page = Path("x.html")
    assert external_resources(page, '<script src="https://cdn.example.com/echarts.js"></script>')
    assert external_resources(page, "<link href='//fonts.googleapis.com/css?family=Noto' rel=stylesheet>")
    assert external_resources(page, '<img srcset="a.png 1x, https://img.example.com/b.png 2x">')
    assert external_resources(Path("x.css"), '@font-face { src: url("https://fonts.gstatic.com/x.woff2") }')
    assert not external_resources(page, '<a href="https://beian.miit.gov.cn/">冀ICP备</a>')
    assert not external_resources(page, '<link rel="canonical" href="https://kx.example.cn/">')
    assert not external_resources(page, '<img src="https://kx.example.cn/a.jpg">', own_host="kx.example.cn")
    assert external_resources(page, '<img src="https://kx.example.cn.evil.com/a.jpg">', own_host="kx.example.cn")


def test_pages_request_only_this_site(site: Served, new_visitor: Callable[..., Visitor], sample: Site) -> None:
    visitor = new_visitor(site)
    page = visitor.page
    pages = ["/", "/stories/", f"/stories/{profile_to_visit(sample).slug}/", "/activities/",
             f"/activities/{activity_to_visit(sample).id}/", "/matters/", "/summary/"]
    foreign: dict[str, set[str]] = {}  # URL -> the pages that asked for it

    def note_foreign(where: str, since: int) -> None:
        for url in visitor.requests[since:]:
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname != "127.0.0.1":
                foreign.setdefault(url, set()).add(where)

    for path in pages:
        seen = len(visitor.requests)
        page.goto(path)
        # Fetch every image the page references, lazy or hidden (print-only) ones too.
        page.evaluate("for (const img of document.images) img.loading = 'eager'")
        page.wait_for_function("Array.from(document.images).every(img => img.complete)")
        note_foreign(path, seen)
    seen = len(visitor.requests)
    search = page.get_by_role("textbox", name="搜索")
    search.fill(sample.campaign.vocabularies.fields[0])
    search.press("End")
    page.locator(".md-search-result__item").first.wait_for()
    page.wait_for_load_state("networkidle")  # anything loaded late is still recorded
    note_foreign("search (and late requests)", seen)

    assert len(visitor.requests) > len(pages), "no requests recorded"
    assert not foreign, "requests to other hosts than the site's:\n" + "\n".join(
        f"{url}  (from {', '.join(sorted(where))})" for url, where in sorted(foreign.items()))


def test_pages_do_not_call_the_production_host(site: Served, new_visitor: Callable[..., Visitor],
                                               sample: Site) -> None:
    visitor = new_visitor(site)
    visitor.page.goto("/")
    visitor.page.wait_for_load_state("networkidle")
    production = urlsplit(sample.campaign.media.site_url).hostname
    called = [url for url in visitor.requests if urlsplit(url).hostname == production]
    assert not called, called
