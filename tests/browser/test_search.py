"""Chinese search: a word from the middle of a story finds that story.

The index is segmented with jieba at build time (``search: lang: zh``);
without segmentation a Chinese sentence is one long token and a word inside
it finds nothing, which is exactly what this test would catch.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from exemplar.model import Site
from playwright.sync_api import Page, expect

from .expected import published

pytestmark = pytest.mark.browser

# Chosen by hand: a word jieba keeps whole that occurs in the body of exactly
# one published story (苏晓岚) and in none of its title, headline or summary; the
# test re-checks that against the sample before searching. See the xfail test
# below for why not every such word works yet.
WORD = "密封件"


def search(page: Page, query: str) -> None:
    box = page.get_by_role("textbox", name="搜索")
    box.fill(query)
    box.press("End")  # Material searches on key-up, not on input


def test_a_word_from_a_story_body_finds_the_story(page: Page, sample: Site) -> None:
    find_story_by_body_word(page, sample, WORD)


@pytest.mark.xfail(strict=True, reason=(
    "mkdocs-material 9.8 search worker bug: its Han segmenter (function fe in "
    "assets/javascripts/workers/search.*.min.js) never tries a query's whole Han run (loop bound `o < t.length`) "
    "and cuts it at the first prefix that is itself an indexed token: 保鲜膜 becomes 保*, 24 results about 保定, "
    "and 许宁's story is not among the first shown"))
def test_a_word_whose_prefix_is_also_a_word_finds_the_story(page: Page, sample: Site) -> None:
    find_story_by_body_word(page, sample, "保鲜膜")


def find_story_by_body_word(page: Page, sample: Site, word: str) -> None:
    owners = [e for e in published(sample.exemplars) if word in e.body]
    assert len(owners) == 1, f"{word!r} must be in exactly one published story body, is in {owners}"
    story = owners[0]
    assert word not in f"{story.name}{story.headline}{story.summary}", "pick a word from the body only"

    page.goto("/")
    search(page, word)
    results = page.locator(".md-search-result__item a")
    expect(results.first).to_be_visible()
    hit = page.locator(f".md-search-result__item a[href*='stories/{story.slug}/']")
    # The first results are on screen: the search has run and rendered them all at once.
    expect(hit.first).to_be_visible(timeout=3_000)
    expect(page.locator(".md-search-result mark", has_text=word).first).to_be_visible()

    hit.first.click()
    expect(page).to_have_url(re.compile(rf"/stories/{story.slug}/"))
    expect(page.locator("h1")).to_contain_text(story.name)


def test_a_name_finds_the_profile(page: Page, sample: Site) -> None:
    person = max(published(sample.exemplars), key=lambda e: e.slug)
    page.goto("/activities/")
    search(page, person.name)
    first = page.locator(".md-search-result__item a").first
    expect(first).to_have_attribute("href", re.compile(rf"stories/{person.slug}/"))


def _fetched(page: Page) -> list[str]:
    paths: list[str] = []
    page.on("request", lambda request: paths.append(urlsplit(request.url).path))
    return paths


def test_the_search_index_is_fetched_only_when_search_is_opened(page: Page, sample: Site) -> None:
    # The index grows with every story; a first view must not pay for it.
    paths = _fetched(page)
    page.goto("/stories/")
    page.wait_for_load_state("networkidle")
    assert not [p for p in paths if p.endswith(("search_index.json", "sitemap.xml"))], paths
    with page.expect_request(re.compile(r"/search/search_index\.json$")):
        page.get_by_role("textbox", name="搜索").click()
    person = min(published(sample.exemplars), key=lambda e: e.slug)
    search(page, person.name)
    expect(page.locator(".md-search-result__item a").first).to_have_attribute(
        "href", re.compile(rf"stories/{person.slug}/"))
    assert "/sitemap.xml" not in paths


def test_search_opened_from_the_phone_icon_works(mobile_page: Page, sample: Site) -> None:
    person = max(published(sample.exemplars), key=lambda e: e.slug)
    mobile_page.goto("/")
    mobile_page.locator("label.md-header__button[for='__search']").click()
    search(mobile_page, person.name)
    expect(mobile_page.locator(".md-search-result__item a").first).to_have_attribute(
        "href", re.compile(rf"stories/{person.slug}/"))
