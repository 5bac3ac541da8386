"""The gallery: every published exemplar, filtered in place with JavaScript,
by listing pages without it."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote, unquote, urlsplit

import pytest
from exemplar.model import Site
from playwright.sync_api import Page, expect

from .conftest import Served, Visitor
from .expected import field_to_filter, published

pytestmark = pytest.mark.browser


def test_gallery_shows_every_published_exemplar(page: Page, sample: Site) -> None:
    people = published(sample.exemplars)
    page.goto("/stories/")
    expect(page.locator("h1")).to_have_text("人物风采")
    names = page.locator(".ex-cards--gallery .ex-card__name")
    expect(names).to_have_count(len(people))
    assert sorted(names.all_text_contents()) == sorted(e.name for e in people)
    expect(page.get_by_role("status")).to_have_text(f"共 {len(people)} 位")


def test_field_chip_narrows_the_cards_in_place(page: Page, sample: Site) -> None:
    people = published(sample.exemplars)
    field = field_to_filter(sample)
    members = sorted(e.name for e in people if field in e.fields)
    page.goto("/stories/")
    page.evaluate("window.__sameDocument = true")  # gone if the click loaded a new page

    fields = page.locator(".ex-filter[data-facet=fields]")
    fields.locator(".ex-chip", has_text=field).click()

    cards = page.locator(".ex-cards--gallery .ex-card")
    expect(cards.filter(visible=True)).to_have_count(len(members))
    expect(cards.filter(visible=False)).to_have_count(len(people) - len(members))
    assert sorted(cards.filter(visible=True).locator(".ex-card__name").all_text_contents()) == members
    expect(page.get_by_role("status")).to_have_text(f"共 {len(members)} 位")
    expect(fields.locator(".ex-chip", has_text=field)).to_have_attribute("aria-current", "true")
    assert urlsplit(page.url).path == "/stories/"
    assert page.evaluate("window.__sameDocument === true"), "clicking a chip navigated away"

    fields.locator(".ex-chip", has_text="全部").click()
    expect(cards.filter(visible=True)).to_have_count(len(people))
    expect(page.get_by_role("status")).to_have_text(f"共 {len(people)} 位")
    assert urlsplit(page.url).path == "/stories/"


def test_without_javascript_a_chip_leads_to_its_listing_page(
        site: Served, new_visitor: Callable[..., Visitor], sample: Site) -> None:
    page = new_visitor(site, javascript=False).page
    field = field_to_filter(sample)
    members = sorted(e.name for e in published(sample.exemplars) if field in e.fields)
    page.goto("/stories/")
    chip = page.locator(".ex-filter[data-facet=fields] .ex-chip", has_text=field)
    chip.click()
    expect(page).to_have_url(re.compile(rf"/stories/fields/({re.escape(quote(field))}|{re.escape(field)})/$"))
    assert unquote(urlsplit(page.url).path) == f"/stories/fields/{field}/"
    expect(page.locator("h1")).to_have_text(field)
    names = page.locator(".ex-card__name")
    expect(names).to_have_count(len(members))
    assert sorted(names.all_text_contents()) == members
