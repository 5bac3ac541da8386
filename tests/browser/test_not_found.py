"""A missing address answers 404 with the site's own page, at any depth."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/no-such-page/", "/stories/nobody/photos/"])
def test_missing_page_is_404_with_the_site_page(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    # Styled and linked from any depth: the stylesheet and the way home both work.
    assert page.evaluate("getComputedStyle(document.querySelector('.ex-notfound__code')).fontSize") != \
        page.evaluate("getComputedStyle(document.body).fontSize"), "the 404 page is unstyled"
    page.get_by_role("link", name="返回首页").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/$"))
    expect(page.locator("h1.ex-hero__title")).to_be_visible()
