"""The home page: what the campaign is, its numbers, featured people, latest activities, key dates."""

from __future__ import annotations

import re

import pytest
from exemplar.model import Site
from playwright.sync_api import Page, expect

from .expected import cn_date, published

pytestmark = pytest.mark.browser


def test_home_names_the_campaign_and_its_numbers(page: Page, sample: Site) -> None:
    page.goto("/")
    expect(page.locator("h1")).to_have_text(sample.campaign.name)
    matters = sample.matters
    done = sum(m.status == "done" for m in matters)
    numbers = page.locator(".ex-numbers li")
    for label, value, href in [("典型人物", str(len(published(sample.exemplars))), "stories/"),
                               ("活动报道", str(len(published(sample.activities))), "activities/"),
                               ("实事已办结", f"{done}/{len(matters)}", "matters/")]:
        item = numbers.filter(has_text=label)
        expect(item).to_have_count(1)
        expect(item.locator("strong")).to_have_text(value)
        expect(item.locator("a")).to_have_attribute("href", re.compile(rf"(^|/){re.escape(href)}$"))


def test_featured_cards_lead_to_their_profiles(page: Page, sample: Site) -> None:
    featured = [e for e in published(sample.exemplars) if e.featured]
    assert featured, "the sample features nobody"
    page.goto("/")
    cards = page.locator("section[aria-labelledby=featured-title] .ex-card")
    for exemplar in featured:
        card = cards.filter(has=page.get_by_role("heading", name=exemplar.name, exact=True))
        expect(card).to_have_count(1)
        expect(card.locator("a")).to_have_attribute("href", re.compile(rf"stories/{exemplar.slug}/$"))
        expect(card.locator("img")).to_have_attribute("alt", exemplar.portrait.alt)

    first = featured[0]
    cards.filter(has_text=first.name).locator("a").click()
    expect(page).to_have_url(re.compile(rf"/stories/{first.slug}/$"))
    expect(page.locator("h1")).to_contain_text(first.name)


def test_latest_activities_newest_first(page: Page, sample: Site) -> None:
    newest = sorted(published(sample.activities), key=lambda a: (a.date, a.id), reverse=True)[:4]
    page.goto("/")
    titles = page.locator("section[aria-labelledby=latest-title] .ex-activity__title")
    expect(titles).to_have_text([a.title for a in newest])
    page.locator("section[aria-labelledby=latest-title] .ex-activity a").first.click()
    expect(page).to_have_url(re.compile(rf"/activities/{newest[0].id}/$"))
    expect(page.locator("h1")).to_have_text(newest[0].title)


def test_key_dates_listed_in_order(page: Page, sample: Site) -> None:
    key_dates = sorted(sample.campaign.key_dates, key=lambda k: k.date)
    page.goto("/")
    items = page.locator(".ex-keydates li")
    expect(items).to_have_count(len(key_dates))
    expect(items.locator("strong")).to_have_text([k.name for k in key_dates])
    expect(items.locator("time")).to_have_text([cn_date(k.date) for k in key_dates])
