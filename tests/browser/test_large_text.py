"""大字 mode: one click makes the text larger, and the choice follows the visitor."""

from __future__ import annotations

import re

import pytest
from exemplar.model import Site
from playwright.sync_api import Page, expect

from .expected import profile_to_visit

pytestmark = pytest.mark.browser

BODY_TEXT = ".ex-summary"


def font_size(page: Page, selector: str = BODY_TEXT) -> float:
    return float(page.locator(selector).first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))


def test_large_text_enlarges_and_persists(page: Page, sample: Site) -> None:
    person = profile_to_visit(sample)
    page.goto(f"/stories/{person.slug}/")
    before = font_size(page)
    toggle = page.get_by_role("button", name="大字")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(f"parseFloat(getComputedStyle(document.querySelector('{BODY_TEXT}')).fontSize) > {before}")
    assert font_size(page) >= before * 1.2, f"text grew only from {before}px to {font_size(page)}px"
    assert page.evaluate("localStorage.getItem('exemplar.large')") == "1"

    # The next page opens large from the first paint, with the toggle showing it.
    page.goto("/activities/")
    expect(page.locator("html")).to_have_class(re.compile(r"(^|\s)ex-large(\s|$)"))
    expect(page.get_by_role("button", name="大字")).to_have_attribute("aria-pressed", "true")
    page.goto(f"/stories/{person.slug}/")
    assert font_size(page) >= before * 1.2

    page.get_by_role("button", name="大字").click()
    expect(page.get_by_role("button", name="大字")).to_have_attribute("aria-pressed", "false")
    assert font_size(page) == before
    assert page.evaluate("localStorage.getItem('exemplar.large')") == "0"
