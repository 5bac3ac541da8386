"""The practical-matters list: progress by status, typical cases, departments."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from exemplar.model import Site
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

STATUS_NAMES = {"planned": "计划中", "in_progress": "推进中", "done": "已办结"}


def test_counts_by_status_match_the_list(page: Page, sample: Site) -> None:
    counts = Counter(m.status for m in sample.matters)
    page.goto("/matters/")
    expect(page.locator("h1")).to_have_text("办实事清单")
    legend = page.locator(".ex-progress__legend li")
    for status, name in STATUS_NAMES.items():
        expect(legend.filter(has_text=name).locator("strong")).to_have_text(str(counts[status]))
    percent = round(100 * counts["done"] / len(sample.matters))
    expect(page.locator(".ex-progress__headline")).to_contain_text(f"{percent}%")
    expect(page.locator(".ex-progress__headline")).to_contain_text(f"共 {len(sample.matters)} 项")
    matters = page.locator("ol.ex-matters > li")
    expect(matters).to_have_count(len(sample.matters))
    for matter in sample.matters:
        item = page.locator(f"li.ex-matter[id='{matter.id}']")
        expect(item.locator("h3")).to_have_text(matter.title)
        expect(item.locator(".ex-status")).to_have_text(STATUS_NAMES[matter.status])


def test_typical_cases_are_highlighted(page: Page, sample: Site) -> None:
    typical = [m for m in sample.matters if m.typical_case]
    assert typical, "the sample has no typical case"
    page.goto("/matters/")
    section = page.locator("section[aria-labelledby=typical-title]")
    expect(section.locator("h2")).to_have_text("典型案例")
    assert sorted(section.locator("li strong").all_text_contents()) == sorted(m.title for m in typical)
    highlighted = page.locator("li.ex-matter--typical")
    expect(highlighted).to_have_count(len(typical))
    ordinary = page.locator("li.ex-matter:not(.ex-matter--typical)").first
    assert highlighted.first.evaluate("el => getComputedStyle(el).borderLeftColor + getComputedStyle(el)"
                                      ".backgroundColor") != ordinary.evaluate(
        "el => getComputedStyle(el).borderLeftColor + getComputedStyle(el).backgroundColor"), \
        "a typical case looks the same as any other matter"
    section.locator("a").first.click()
    expect(page.locator(f"li.ex-matter[id='{typical_first_in_page(page)}']")).to_be_in_viewport()


def typical_first_in_page(page: Page) -> str:
    href = page.locator("section[aria-labelledby=typical-title] a").first.get_attribute("href")
    return href.removeprefix("#")


def test_department_table_counts(page: Page, sample: Site) -> None:
    totals: Counter = Counter(m.department for m in sample.matters)
    done: Counter = Counter(m.department for m in sample.matters if m.status == "done")
    page.goto("/matters/")
    rows = page.locator("section[aria-labelledby=departments-title] tbody tr")
    expect(rows).to_have_count(len(totals))
    for department, total in totals.items():
        row = rows.filter(has=page.locator("th", has_text=re.compile(rf"^{re.escape(department)}$")))
        expect(row.locator("td")).to_have_text([str(done[department]), str(total)])
