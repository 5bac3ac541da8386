"""Small page checks shared by the browser tests."""

from __future__ import annotations

from playwright.sync_api import Locator


def assert_image_loaded(image: Locator) -> None:
    """The image (lazy or not) actually arrives and decodes once it is scrolled to."""
    image.scroll_into_view_if_needed()
    handle = image.element_handle()
    assert handle is not None
    image.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=handle, timeout=10_000)


def horizontal_overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
