"""Drafts never reach the public site, and a preview shows them marked 未发布."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from exemplar.model import Exemplar, Site
from playwright.sync_api import expect

from .conftest import Served, Visitor
from .expected import unpublished

pytestmark = pytest.mark.browser

SENTINEL = "这是一条尚未审核的草稿哨兵句子。"


@pytest.fixture(scope="module")
def draft(sample: Site) -> Exemplar:
    drafts = [e for e in unpublished(sample.exemplars) if SENTINEL in e.body]
    assert len(drafts) == 1, "the sample must keep exactly one draft story with the sentinel sentence"
    return drafts[0]


def files_containing(site_dir: Path, needles: list[str]) -> list[str]:
    found = []
    encoded = [(n, n.encode("utf-8")) for n in needles]
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        found += [f"{path.relative_to(site_dir)}: {text!r}" for text, raw in encoded if raw in data]
        # The search index and sitemaps may escape non-ASCII text as \uXXXX.
        if path.suffix in (".json", ".js", ".xml"):
            escaped = [(n, n.encode("unicode_escape")) for n in needles if not n.isascii()]
            found += [f"{path.relative_to(site_dir)}: {text!r} (escaped)" for text, raw in escaped
                      if raw in data or raw.decode().lower().encode() in data.lower()]
    return found


def test_public_build_has_no_trace_of_drafts(built_site: Path, sample: Site, draft: Exemplar) -> None:
    needles = [SENTINEL, draft.name, draft.slug, draft.headline]
    for entry in unpublished(sample.exemplars):
        needles += [entry.name, entry.slug]
    for entry in unpublished(sample.activities):
        needles += [entry.title, entry.id]
    needles = list(dict.fromkeys(needles))
    assert not files_containing(built_site, needles), "draft content in the public build:\n" + "\n".join(
        files_containing(built_site, needles))
    assert not (built_site / "stories" / draft.slug).exists()


def test_preview_build_shows_the_draft_marked_unpublished(
        preview: Served, new_visitor: Callable[..., Visitor], draft: Exemplar) -> None:
    assert files_containing(preview.site_dir, [SENTINEL]), "the preview build lacks the draft"
    page = new_visitor(preview).page
    page.goto(f"/stories/{draft.slug}/")
    expect(page.locator("h1")).to_contain_text(draft.name)
    banner = page.locator(".ex-unpublished")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("未发布")
    expect(page.get_by_text(SENTINEL)).to_be_visible()
    expect(page.get_by_text("预览版").first).to_be_visible()
    assert page.title().startswith("【预览】")
    expect(page.locator('meta[name="robots"]')).to_have_attribute("content", re.compile("noindex"))

    # The gallery of the preview also marks the draft's card.
    page.goto("/stories/")
    card = page.locator(".ex-card", has_text=draft.name)
    expect(card.locator(".ex-badge--draft")).to_have_text("未发布")
