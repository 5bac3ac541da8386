"""A profile page: who the person is, their story, photos and related people."""

from __future__ import annotations

import re

import pytest
from exemplar.model import Site
from playwright.sync_api import Page, expect

from .expected import markdown_headings, profile_to_visit, published
from .helpers import assert_image_loaded

pytestmark = pytest.mark.browser


def test_profile_shows_the_person(page: Page, sample: Site) -> None:
    person = profile_to_visit(sample)
    page.goto(f"/stories/{person.slug}/")
    name = page.locator("h1")
    expect(name).to_contain_text(person.name)
    pinyin = name.locator("[lang=zh-Latn-pinyin]")
    expect(pinyin).to_have_text(re.compile(r"^[A-Za-zÀ-ɏ̀-ͯ' ·-]+$"))  # Latin letters with tone marks
    expect(page.get_by_text(person.headline, exact=True)).to_be_visible()

    portrait = page.locator(".ex-profile__portrait img")
    expect(portrait).to_have_attribute("alt", person.portrait.alt)
    assert_image_loaded(portrait)

    facts = page.locator(".ex-profile .ex-facts")
    expect(facts.locator("div", has=page.locator("dt", has_text="单位")).locator("dd")).to_have_text(
        person.affiliation)
    expect(facts.locator("div", has=page.locator("dt", has_text="地区")).locator("dd")).to_have_text(person.region)
    for field in person.fields:
        expect(facts.get_by_role("link", name=field, exact=True)).to_be_visible()

    headings = page.locator(".ex-story h2")
    for heading in markdown_headings(person.body):
        expect(headings.filter(has_text=heading)).to_have_count(1)


def test_profile_photos_have_captions(page: Page, sample: Site) -> None:
    """Each photo is shown once, with its caption: inline in the story or in the photo section."""
    person = profile_to_visit(sample)
    page.goto(f"/stories/{person.slug}/")
    for photo in person.photos:
        figure = page.locator(".ex-story figure, section[aria-labelledby=photos-title] figure").filter(
            has=page.locator("figcaption", has_text=photo.caption))
        expect(figure).to_have_count(1)
        assert_image_loaded(figure.locator("img"))


def test_related_people_links_work(page: Page, sample: Site) -> None:
    person = profile_to_visit(sample)
    by_slug = {e.slug: e for e in published(sample.exemplars)}
    related = [by_slug[s] for s in person.related if s in by_slug]
    page.goto(f"/stories/{person.slug}/")
    cards = page.locator("section[aria-labelledby=related-title] .ex-card")
    expect(cards.locator(".ex-card__name")).to_have_text([r.name for r in related])
    cards.first.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/stories/{related[0].slug}/$"))
    expect(page.locator("h1")).to_contain_text(related[0].name)


def test_an_edited_reading_is_shown_as_written(page: Page, sample: Site) -> None:
    people = [e for e in published(sample.exemplars) if e.name_pinyin]
    if not people:
        pytest.fail("the sample has no exemplar with name_pinyin; the test needs one")
    person = people[0]
    page.goto(f"/stories/{person.slug}/")
    expect(page.locator("h1 [lang=zh-Latn-pinyin]")).to_have_text(person.name_pinyin)
