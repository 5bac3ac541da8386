"""Offline checks of the built sample campaign, as a link checker and a validator would run them.

The repository's own sample is built once for the module (into a temporary
folder, never into the repository's site/), then:

- every internal reference resolves to a file of the output: href, src,
  srcset, data-src, poster, og:image and other share URLs (absolute, under
  ``media.site_url``), canonical and alternate links, icons, stylesheets,
  preloads, the sitemap's and the feed's links; paths are percent-decoded and a
  folder URL means its index.html; mailto: and tel: are not followed;
- every fragment points at an element of its page (``href="#…"`` and
  ``page/#…`` alike);
- every page is valid HTML5: html5lib (an implementation of the WHATWG parsing
  algorithm, pure Python, from PyPI) parses it and reports no parse error, and
  no id is used twice on a page, and every image has alt text. html5lib was
  chosen over the Nu validator (vnu.jar, the W3C's checker) because that needs
  Java and a 30 MB jar in CI, and over tidy because tidy knows HTML 4 rules, not
  the HTML5 parsing algorithm browsers use;
- no page refers to another host: absolute URLs in attributes, JSON-LD and CSS
  are the site's own, except the outbound links editors wrote (``links:``
  fields and links in story text) and the ICP and public-security filing
  registries that ``site.icp`` / ``site.psb`` require, and each of those is an
  ``<a>`` with ``rel="noopener noreferrer"``. XML namespaces (``xmlns``) and
  the schema.org vocabulary name in JSON-LD are identifiers, never fetched.

The last test runs the same checkers over a small broken site, so that a
checker that finds nothing is itself caught.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import html5lib
import pytest

from conftest import REPO
from exemplar.pipeline import check

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
NOT_FOLLOWED = ("mailto:", "tel:")
# Registries every filed Chinese site must link to, with the numbers of content/campaign.yml's site.icp / site.psb.
FILING_REGISTRIES = ("https://beian.miit.gov.cn/", "https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=")
IDENTIFIERS = ("http://www.w3.org/", "https://schema.org")  # namespace and vocabulary names, never fetched
URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>)\]]+")


@dataclass
class Page:
    """What the checkers need from one HTML file."""

    path: str  # relative to the site, e.g. "stories/zhang-san/index.html"
    ids: set[str] = field(default_factory=set)
    duplicate_ids: list[str] = field(default_factory=list)
    references: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, url)
    anchors: list[dict[str, str]] = field(default_factory=list)  # attributes of every <a>
    images_without_alt: int = 0
    absolute: list[tuple[str, str]] = field(default_factory=list)  # (where, url) of every absolute URL
    parse_errors: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    REFERENCE_ATTRIBUTES = {"href", "src", "data-src", "poster", "action", "data"}

    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.in_json_ld = False
        self.json_ld = ""
        self.seen_ids: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.seen_ids[values["id"]] += 1
            self.page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.ids.add(values["name"])
        if tag == "a":
            self.page.anchors.append(values)
        if tag == "img" and "alt" not in values:
            self.page.images_without_alt += 1
        for name, value in values.items():
            if name in self.REFERENCE_ATTRIBUTES and value:
                self.page.references.append((tag, name, value))
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.split():
                        self.page.references.append((tag, name, candidate.split()[0]))
            elif tag == "meta" and name == "content" and values.get("property", values.get("name", "")) in (
                    "og:image", "og:url", "twitter:image", "og:image:secure_url"):
                self.page.references.append((tag, values.get("property") or values.get("name"), value))
            if name != "xmlns" and re.match(r"(https?:)?//", value.strip()):
                self.page.absolute.append((f"<{tag} {name}>", value.strip()))
        self.in_json_ld = tag == "script" and values.get("type") == "application/ld+json"

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self.in_json_ld:
            self.json_ld += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.in_json_ld:
            self.in_json_ld = False
            for value in _strings(json.loads(self.json_ld)):
                if URL_IN_TEXT.match(value):
                    self.page.absolute.append(("JSON-LD", value))
            self.json_ld = ""


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def read_page(site: Path, path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    page = Page(path.relative_to(site).as_posix())
    collector = _Collector(page)
    collector.feed(text)
    collector.close()
    page.duplicate_ids = sorted(i for i, n in collector.seen_ids.items() if n > 1)
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    parser.parse(text)
    page.parse_errors = [f"{line}:{column} {code} {data}" for (line, column), code, data in parser.errors]
    return page


def read_site(site: Path) -> dict[str, Page]:
    return {page.path: page for page in (read_page(site, p) for p in sorted(site.rglob("*.html")))}


# ------------------------------------------------------------------ resolving

def target_file(site: Path, site_url: str, url: str) -> Path | None:
    """The output file an absolute URL of the site names, or None when it names none."""
    parts = urlsplit(url)
    root = urlsplit(site_url)
    if (parts.scheme, parts.netloc) != (root.scheme, root.netloc) or not parts.path.startswith(root.path):
        return None
    relative = unquote(parts.path[len(root.path):])
    path = site / relative
    if relative == "" or relative.endswith("/") or path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def broken_references(site: Path, site_url: str, pages: dict[str, Page]) -> list[str]:
    broken = []
    for page in pages.values():
        base = urljoin(site_url, page.path)
        for tag, attribute, url in page.references:
            if url.startswith(NOT_FOLLOWED) or (tag == "a" and attribute == "href" and _outbound(url, site_url)):
                continue
            if url.startswith(("javascript:", "data:")):
                broken.append(f"{page.path}: <{tag} {attribute}> {url[:40]} is not a file")
                continue
            resolved = urljoin(base, url)
            target = target_file(site, site_url, resolved)
            if target is None:
                broken.append(f"{page.path}: <{tag} {attribute}=\"{url}\"> resolves to nothing")
                continue
            fragment = unquote(urlsplit(resolved).fragment)
            if fragment and target.suffix == ".html":
                ids = pages[target.relative_to(site).as_posix()].ids
                if fragment not in ids:
                    broken.append(f"{page.path}: <{tag} {attribute}=\"{url}\"> has no element id=\"{fragment}\"")
    return broken


def _outbound(url: str, site_url: str) -> bool:
    return bool(re.match(r"(https?:)?//", url)) and not urljoin(site_url, url).startswith(site_url)


def external_references(pages: dict[str, Page], site_url: str, allowed: set[str]) -> list[str]:
    found = []
    for page in pages.values():
        for where, url in page.absolute:
            absolute = urljoin(site_url, url)
            if absolute.startswith(site_url) or url.startswith(IDENTIFIERS):
                continue
            if url in allowed and where in ("<a href>", "JSON-LD"):
                continue  # an editor's outbound link (as a link, or as sameAs in the page's JSON-LD)
            found.append(f"{page.path}: {where} {url}")
    return found


def outbound_without_noopener(pages: dict[str, Page], site_url: str) -> list[str]:
    return [f"{page.path}: <a href=\"{a['href']}\" rel=\"{a.get('rel', '')}\">" for page in pages.values()
            for a in page.anchors if _outbound(a.get("href", ""), site_url)
            and "noopener" not in a.get("rel", "").split()]


def css_external(site: Path) -> list[str]:
    pattern = re.compile(r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)|@import\s+(?:url\()?['\"]?((?:https?:)?//[^'\")\s]+)")
    found = []
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        found += [f"{css.relative_to(site)}: {a or b}" for a, b in pattern.findall(text)]
    return found


# -------------------------------------------------------------- the sample

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    site = tmp_path_factory.mktemp("sample") / "site"
    result = subprocess.run([sys.executable, "-m", "exemplar", "build", str(REPO), "--site-dir", str(site)],
                            capture_output=True, text=True, timeout=600, env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    model = check(REPO)
    assert model.site is not None
    site_url = model.site.campaign.media.site_url
    allowed = {link.url for e in model.site.exemplars for link in e.links}
    for entry in (*model.site.exemplars, *model.site.activities, *model.site.pages):
        allowed |= set(URL_IN_TEXT.findall(entry.body))  # links editors wrote in story text
    allowed |= {a["href"] for p in read_site(site).values() for a in p.anchors
                if a.get("href", "").startswith(FILING_REGISTRIES)}
    return site, site_url, read_site(site), allowed


def test_every_internal_link_and_image_resolves_to_a_built_file(sample):
    site, site_url, pages, _ = sample
    assert len(pages) > 40
    assert sum(len(p.references) for p in pages.values()) > 1000  # the checker really looked
    broken = broken_references(site, site_url, pages)
    assert not broken, "\n".join(broken[:30])


def test_same_page_fragments_point_at_elements(sample):
    _, site_url, pages, _ = sample
    local = [(page, url[1:]) for page in pages.values() for tag, attribute, url in page.references
             if url.startswith("#") and len(url) > 1]
    assert local, "the sample has no in-page links to check"
    missing = [f"{page.path}: #{name}" for page, name in local if unquote(name) not in page.ids]
    assert not missing, "\n".join(missing[:30])


def test_sitemap_and_feed_list_built_pages(sample):
    site, site_url, _, _ = sample
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in ET.parse(site / "sitemap.xml").getroot().iterfind("s:url/s:loc", ns)]
    links = [item.findtext("link") for item in ET.parse(site / "feed.xml").getroot().iter("item")]
    assert locations and links
    missing = [url for url in locations + links if target_file(site, site_url, url) is None]
    assert not missing, missing


def test_every_page_is_valid_html5(sample):
    _, _, pages, _ = sample
    invalid = {path: page.parse_errors[:5] for path, page in pages.items() if page.parse_errors}
    assert not invalid, json.dumps(invalid, ensure_ascii=False, indent=1)
    duplicated = {path: page.duplicate_ids for path, page in pages.items() if page.duplicate_ids}
    assert not duplicated, duplicated
    assert not [path for path, page in pages.items() if page.images_without_alt]


def test_no_page_refers_to_another_host(sample):
    site, site_url, pages, allowed = sample
    assert sum(len(p.absolute) for p in pages.values()) > 100  # share metadata, canonical links, JSON-LD...
    external = external_references(pages, site_url, allowed)
    assert not external, "\n".join(external[:30])
    assert not css_external(site)


def test_outbound_links_are_the_editors_and_carry_noopener(sample):
    _, site_url, pages, allowed = sample
    outbound = {a["href"] for p in pages.values() for a in p.anchors if _outbound(a.get("href", ""), site_url)}
    assert outbound and outbound <= allowed, outbound - allowed
    assert not outbound_without_noopener(pages, site_url)


# ------------------------------------------------ the checkers catch breakage

def test_the_checkers_catch_a_broken_site(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "img").mkdir()
    (site / "img" / "ok.png").write_bytes(b"png")
    site_url = "https://example.cn/sub/"
    (site / "index.html").write_text(
        '<!doctype html><html lang="zh"><head><title>t</title>'
        '<link rel="stylesheet" href="missing.css">'
        '<meta property="og:image" content="https://example.cn/sub/img/gone.png">'
        '<script src="https://cdn.example.com/x.js"></script></head><body>'
        '<a href="a/">ok</a><a href="a/#nowhere">x</a><a href="#top">x</a><a href="%E4%B8%AD/">x</a>'
        '<img src="img/ok.png" srcset="img/ok.png 1x, img/two.png 2x"><p id="d">1</p><p id="d">2</p>'
        '<a href="https://evil.example/">x</a><a href="mailto:a@example.cn">m</a></div></body></html>',
        encoding="utf-8")
    (site / "a" / "index.html").write_text('<!doctype html><html><head><title>a</title></head><body>'
                                           '<p id="here">x</p></body></html>', encoding="utf-8")
    pages = read_site(site)
    broken = broken_references(site, site_url, pages)
    assert sorted(b.split(": ", 1)[1] for b in broken) == sorted([
        '<link href="missing.css"> resolves to nothing', '<meta og:image="https://example.cn/sub/img/gone.png"> '
        'resolves to nothing', '<a href="a/#nowhere"> has no element id="nowhere"', '<a href="%E4%B8%AD/"> resolves '
        'to nothing', '<img srcset="img/two.png"> resolves to nothing', '<a href="#top"> has no element id="top"',
        '<script src="https://cdn.example.com/x.js"> resolves to nothing'])
    page = pages["index.html"]
    assert page.duplicate_ids == ["d"] and page.images_without_alt == 1
    assert any("end-tag" in error or "unexpected" in error for error in page.parse_errors), page.parse_errors
    assert external_references(pages, site_url, {"https://evil.example/"}) == [
        "index.html: <script src> https://cdn.example.com/x.js"]
    assert outbound_without_noopener(pages, site_url) == ['index.html: <a href="https://evil.example/" rel="">']
    (site / "style.css").write_text("@import url(//fonts.example.com/a.css); body{}", encoding="utf-8")
    assert css_external(site) == ["style.css: //fonts.example.com/a.css"]


def test_search_finds_pages_by_their_own_text_not_their_lists_of_others(sample):
    """A profile's lists of related people and activities, and an activity's lists of people and matters,
    repeat other pages: searching for an activity must not bring up every profile that links to it."""
    site = sample[0]
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = {doc["title"].replace("\u200b", "") for doc in index["docs"]}
    assert not titles & {"相关活动", "相关人物", "参与的典型人物", "相关实事"}
    assert "data-search-exclude" not in (site / "stories" / "index.html").read_text(encoding="utf-8")
    profiles = [doc for doc in index["docs"] if doc["location"].startswith("stories/") and "#" in doc["location"]]
    assert profiles, "the stories' own sections are still indexed"
