"""The 转载与分享 panel: the WeChat copy reaches the clipboard as inline-styled HTML; the kit is served."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from exemplar.model import Site
from playwright.sync_api import expect

from .conftest import Served, Visitor
from .expected import profile_to_visit

pytestmark = pytest.mark.browser


def test_copy_to_wechat_puts_inline_styled_html_on_the_clipboard(site: Served, new_visitor: Callable[..., Visitor],
                                                                 sample: Site) -> None:
    visitor = new_visitor(site)
    visitor.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url.rstrip("/"))
    page = visitor.page
    person = profile_to_visit(sample)
    page.goto(f"/stories/{person.slug}/")
    page.get_by_role("button", name="复制到公众号").click()
    expect(page.locator(".ex-share__status")).to_contain_text("已复制")
    html = page.evaluate("""async () => {
        const items = await navigator.clipboard.read();
        const item = items.find(i => i.types.includes("text/html"));
        return item ? await (await item.getType("text/html")).text() : "";
    }""")
    text = page.evaluate("navigator.clipboard.readText()")
    assert person.headline in html and person.name in html
    assert "<section" in html and "style=" in html
    assert not re.search(r"\bclass=|<style|<script|<div\b", html)
    tags_with_text = re.findall(r"<(p|h2|h3|section)\b([^>]*)>", html)
    assert tags_with_text and all("style=" in attrs for _, attrs in tags_with_text)
    assert "原文链接" in html and f"/stories/{person.slug}/" in html
    assert person.headline in text  # the plain-text fallback

    # Paste it into a rich-text editor, as an editor does in the 公众号 back office.
    page.goto("/about/")
    page.evaluate("""() => {
        const editor = document.createElement("div");
        editor.id = "paste-target"; editor.contentEditable = "true";
        editor.style.cssText = "min-height: 200px; border: 1px solid #999";
        document.querySelector(".md-content").prepend(editor);
    }""")
    editor = page.locator("#paste-target")
    editor.click()
    page.keyboard.press("Control+V")
    expect(editor).to_contain_text(person.headline)
    pasted = editor.inner_html()
    assert re.search(r'<(p|section|h2)[^>]+style="[^"]*font-size', pasted), pasted[:500]
    assert "参考链接" in pasted or "原文链接" in pasted


def test_media_kit_files_are_served_with_their_types(page, sample: Site) -> None:
    person = profile_to_visit(sample)
    base = f"/stories/{person.slug}/"
    expected = {"card.png": "image/png", "poster.png": "image/png", "qr.png": "image/png",
                "qr.svg": "image/svg+xml", "wechat.html": "text/html",
                "press.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "press-kit.zip": "application/zip", "broadcast.txt": "text/plain"}
    for name, content_type in expected.items():
        response = page.request.get(base + name)
        assert response.status == 200, name
        assert response.headers["content-type"].startswith(content_type), (name, response.headers["content-type"])
    for feed, content_type in (("/feed.xml", "xml"), ("/feed.json", "json")):
        response = page.request.get(feed)
        assert response.status == 200 and content_type in response.headers["content-type"]
    page.goto(base)
    expect(page.locator('meta[property="og:image"]')).to_have_attribute("content", re.compile(r"/card\.png$"))
