"""On a phone (390×844): nothing scrolls sideways, two cards a row, 大字 at hand."""

from __future__ import annotations

import pytest
from exemplar.model import Site
from playwright.sync_api import Page, expect

from .conftest import MOBILE
from .expected import profile_to_visit
from .helpers import horizontal_overflow

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/stories/", "PROFILE", "/activities/", "/matters/", "/summary/"])
def test_no_horizontal_scroll(mobile_page: Page, sample: Site, path: str) -> None:
    if path == "PROFILE":
        path = f"/stories/{profile_to_visit(sample).slug}/"
    mobile_page.goto(path)
    expect(mobile_page.locator("h1").first).to_be_visible()
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    if width > MOBILE["width"]:
        culprits = mobile_page.evaluate("""w => Array.from(document.querySelectorAll('body *'))
            .filter(el => el.getBoundingClientRect().right > w + 1 && getComputedStyle(el).position !== 'fixed')
            .slice(0, 8).map(el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
              ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' right=' +
              Math.round(el.getBoundingClientRect().right))""", MOBILE["width"])
        pytest.fail(f"{path}: page is {width}px wide on a {MOBILE['width']}px screen; too wide: {culprits}")
    assert horizontal_overflow(mobile_page) <= 0


def test_gallery_has_two_cards_a_row(mobile_page: Page) -> None:
    mobile_page.goto("/stories/")
    cards = mobile_page.locator(".ex-cards--gallery .ex-card")
    expect(cards.first).to_be_visible()
    boxes = [card.bounding_box() for card in cards.all()[:4]]
    tops = [round(b["y"]) for b in boxes]
    assert tops[0] == tops[1] != tops[2] == tops[3], f"card rows at y={tops}"
    assert boxes[1]["x"] > boxes[0]["x"] + boxes[0]["width"] - 1
    assert boxes[1]["x"] + boxes[1]["width"] <= MOBILE["width"]


def test_large_text_toggle_is_at_hand(mobile_page: Page) -> None:
    mobile_page.goto("/")
    toggle = mobile_page.get_by_role("button", name="大字")
    expect(toggle).to_be_visible()
    expect(toggle).to_be_in_viewport()
    box = toggle.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, f"toggle too small to tap: {box}"
