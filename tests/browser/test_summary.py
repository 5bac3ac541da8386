"""The summary page: charts drawn at build time as inline SVG, tables that add up."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from exemplar.model import Site
from playwright.sync_api import Page, expect

from .conftest import Served
from .expected import published

pytestmark = pytest.mark.browser


def test_charts_are_inline_svg_without_a_chart_library(page: Page, site: Served) -> None:
    page.goto("/summary/")
    expect(page.locator("h1")).to_have_text("活动总结")
    charts = page.locator("section.ex-stat svg")
    sections = page.locator("section.ex-stat")
    expect(sections).not_to_have_count(0)
    expect(charts).to_have_count(sections.count())
    for section in sections.all():
        title = section.locator("h2").inner_text()
        chart = section.get_by_role("img", name=title, exact=True)
        expect(chart).to_be_visible()
        expect(chart.locator("rect")).to_have_count(section.locator("tbody tr").count())
    # Only Material's bundle and our own enhancement script, all from this site.
    for src in page.locator("script[src]").evaluate_all("els => els.map(e => e.src)"):
        parts = urlsplit(src)
        assert parts.netloc == site.host(), src
        assert parts.path.startswith(("/assets/javascripts/", "/assets/exemplar/")), src


def test_tables_add_up(page: Page, sample: Site) -> None:
    people, activities = published(sample.exemplars), published(sample.activities)
    page.goto("/summary/")
    tables = page.locator("table.ex-table")
    expect(tables).not_to_have_count(0)
    for table in tables.all():
        cells = table.locator("tbody td").all_text_contents()
        total = table.locator("tfoot td").inner_text()
        assert int(total) == sum(map(int, cells)), table.locator("caption").inner_text()

    def total_of(caption: str) -> int:
        return int(page.locator("table.ex-table", has=page.locator("caption", has_text=caption))
                   .locator("tfoot td").inner_text())

    assert total_of("典型人物：按领域") == sum(len(e.fields) for e in people)
    assert total_of("活动：按类型") == len(activities)
    assert total_of("活动：按月份") == len(activities)

    numbers = page.locator(".ex-numbers li")
    expect(numbers.filter(has_text="典型人物").locator("strong")).to_have_text(str(len(people)))
    expect(numbers.filter(has_text="活动报道").locator("strong")).to_have_text(str(len(activities)))
    expect(numbers.filter(has_text="参与人次").locator("strong")).to_have_text(
        str(sum(a.participants or 0 for a in activities)))
