"""Long galleries and listings are split into pages, so one page weighs the same
at 10 exemplars or 10,000."""

from __future__ import annotations

import posixpath
import re
import shutil

import pytest

from conftest import SITES, copy_fixture_site
from exemplar.pipeline import check
from exemplar.publish import select
from exemplar.stage import PAGE_SIZE, page_dir, paginate, stage


def resolve(from_path: str, href: str) -> str:
    """The page source an href on ``from_path`` leads to."""
    return posixpath.normpath(posixpath.join(page_dir(from_path), href)) + "/index.md"


def test_a_list_that_fits_has_no_pager():
    [(path, items, pager)] = paginate(list(range(PAGE_SIZE)), "stories/index.md")
    assert (path, len(items), pager) == ("stories/index.md", PAGE_SIZE, None)


def test_pages_cover_every_item_once_in_order():
    items = list(range(3 * PAGE_SIZE + 1))
    pages = paginate(items, "stories/fields/农业科技/index.md")
    assert [path for path, _, _ in pages] == [
        "stories/fields/农业科技/index.md", "stories/fields/农业科技/page/2/index.md",
        "stories/fields/农业科技/page/3/index.md", "stories/fields/农业科技/page/4/index.md"]
    assert [item for _, chunk, _ in pages for item in chunk] == items
    assert [len(chunk) for _, chunk, _ in pages] == [PAGE_SIZE, PAGE_SIZE, PAGE_SIZE, 1]


def test_every_pager_link_leads_to_the_right_page():
    pages = paginate(list(range(10 * PAGE_SIZE)), "stories/index.md")
    paths = [path for path, _, _ in pages]
    for index, (path, _, pager) in enumerate(pages):
        assert (pager.number, pager.count) == (index + 1, 10)
        assert (resolve(path, pager.previous) if pager.previous else None) == (paths[index - 1] if index else None)
        assert (resolve(path, pager.next) if pager.next else None) == (paths[index + 1] if index < 9 else None)
        for number, href in pager.links:
            if number is not None:
                assert resolve(path, href) == paths[number - 1]


def test_the_pager_shows_the_ends_and_the_neighbourhood_with_gaps():
    pager = paginate(list(range(10 * PAGE_SIZE)), "stories/index.md")[4][2]  # page 5 of 10
    assert [number for number, _ in pager.links] == [1, None, 3, 4, 5, 6, 7, None, 10]
    first = paginate(list(range(10 * PAGE_SIZE)), "stories/index.md")[0][2]
    assert [number for number, _ in first.links] == [1, 2, 3, None, 10]


@pytest.fixture(scope="module")
def big_campaign(tmp_path_factory):
    """The base site with 60 more published exemplars in one field (the same portrait)."""
    root = copy_fixture_site("base", tmp_path_factory.mktemp("paged") / "site")
    template = (SITES / "base/stories/zhang-san/index.md").read_text(encoding="utf-8")
    for number in range(60):
        bundle = root / "stories" / f"ren-{number:02d}"
        bundle.mkdir()
        (bundle / "index.md").write_text(template.replace("name: 张三", f"name: 示例{number:02d}号"), encoding="utf-8")
        shutil.copy(SITES / "base/stories/zhang-san/portrait.jpg", bundle / "portrait.jpg")
    result = check(root)
    assert result.ok, result.report()
    staged = stage(select(result.site, drafts=False), root, media=False)
    return result.site, {page.path: page for page in staged.pages}


def cards_on(page) -> list[str]:
    return re.findall(r'class="ex-card__name">([^<]+)<', page.html)


def test_the_gallery_is_split_and_lists_every_exemplar_once(big_campaign):
    site, pages = big_campaign
    first, second = pages["stories/index.md"], pages["stories/page/2/index.md"]
    assert "stories/page/3/index.md" not in pages
    assert len(cards_on(first)) == PAGE_SIZE
    assert sorted(cards_on(first) + cards_on(second)) == sorted(e.name for e in site.exemplars)
    assert "共 61 位，第 1/2 页" in first.html and "共 61 位，第 2/2 页" in second.html
    assert second.title == "人物风采（第 2 页）"
    assert 'href="../stories/page/2/" rel="next"' in first.html
    assert 'href="../../../stories/" rel="prev"' in second.html
    # The chips lead to listing pages: filtering one page in place would hide the others' cards.
    assert "data-in-place" not in first.html
    assert 'class="ex-chip" href="../../../stories/fields/农业科技/"' in second.html


def test_listing_pages_are_split_too(big_campaign):
    _, pages = big_campaign
    first, second = pages["stories/fields/农业科技/index.md"], pages["stories/fields/农业科技/page/2/index.md"]
    assert len(cards_on(first)) + len(cards_on(second)) == 61
    assert "共 61 位，第 2/2 页" in second.html
    assert second.title == "领域：农业科技（第 2 页）"


def test_a_small_gallery_filters_in_place(tmp_path):
    root = copy_fixture_site("base", tmp_path / "site")
    result = check(root)
    staged = stage(select(result.site, drafts=False), root, media=False)
    gallery = next(page for page in staged.pages if page.path == "stories/index.md")
    assert "data-in-place" in gallery.html and "ex-pager" not in gallery.html
