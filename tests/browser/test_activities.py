"""The activity timeline and an activity report."""

from __future__ import annotations

import re

import pytest
from exemplar.model import Site
from playwright.sync_api import Page, expect

from .expected import activity_to_visit, cn_date, published
from .helpers import assert_image_loaded

pytestmark = pytest.mark.browser


def month_label(year: int, month: int) -> str:
    return f"{year}年{month}月"


def test_timeline_months_in_order_with_key_dates(page: Page, sample: Site) -> None:
    activities = published(sample.activities)
    key_dates = sample.campaign.key_dates
    months = sorted({(a.date.year, a.date.month) for a in activities} | {(k.date.year, k.date.month)
                                                                           for k in key_dates})
    page.goto("/activities/")
    expect(page.locator(".ex-timeline__month > h2")).to_have_text([month_label(*m) for m in months])

    for key_date in key_dates:
        month = page.locator(".ex-timeline__month", has=page.locator(
            "h2", has_text=re.compile(rf"^{month_label(key_date.date.year, key_date.date.month)}$")))
        marker = month.locator(".ex-timeline__key", has_text=key_date.name)
        expect(marker).to_be_visible()
        expect(marker.locator("time")).to_have_text(cn_date(key_date.date))

    for activity in activities:
        month = page.locator(".ex-timeline__month", has=page.locator(
            "h2", has_text=re.compile(rf"^{month_label(activity.date.year, activity.date.month)}$")))
        expect(month.locator(".ex-activity__title", has_text=activity.title)).to_have_count(1)


def test_key_date_navigation_jumps_to_its_month(page: Page, sample: Site) -> None:
    key_date = sample.campaign.key_dates[-1]
    page.goto("/activities/")
    page.locator(".ex-keydate-nav a", has_text=key_date.name).click()
    expect(page).to_have_url(re.compile(rf"#m{key_date.date.year}-{key_date.date.month:02d}$"))
    expect(page.locator(f"#m{key_date.date.year}-{key_date.date.month:02d}")).to_be_in_viewport()


def test_activity_page_shows_date_place_and_cover(page: Page, sample: Site) -> None:
    activity = activity_to_visit(sample)
    page.goto("/activities/")
    page.locator(".ex-activity a", has_text=activity.title).click()
    expect(page).to_have_url(re.compile(rf"/activities/{activity.id}/$"))
    expect(page.locator("h1")).to_have_text(activity.title)
    facts = page.locator(".ex-facts")
    expect(facts.locator("div", has=page.locator("dt", has_text="时间")).locator("time")).to_contain_text(
        cn_date(activity.date))
    expect(facts.locator("div", has=page.locator("dt", has_text="地点")).locator("dd")).to_contain_text(
        activity.location)
    cover = page.locator(".ex-cover img")
    expect(cover).to_have_attribute("alt", activity.cover.alt)
    assert_image_loaded(cover)
