"""Mourning days: on a listed day the whole site turns grey; on other days it does not.

The day is decided in the visitor's browser (a static site is built once and
served for weeks), so the test builds two tiny sites from tests/sites/base:
one with a mourning period around today, one with a period long past.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import REPO, Served, Visitor, build_sites

pytestmark = pytest.mark.browser

BASE = REPO / "tests" / "sites" / "base"
MOURNING = re.compile(r"(^|\s)ex-mourning(\s|$)")


def site_with_mourning(destination: Path, start: dt.date, end: dt.date) -> Path:
    shutil.copytree(BASE, destination)
    campaign = destination / "content" / "campaign.yml"
    text = campaign.read_text(encoding="utf-8").rstrip("\n")
    campaign.write_text(f"{text}\nsite:\n  mourning:\n    - {{start: {start.isoformat()}, end: {end.isoformat()}}}\n",
                        encoding="utf-8")
    return destination


@pytest.fixture(scope="module")
def mourning_sites(tmp_path_factory: pytest.TempPathFactory,
                   serve_site: Callable[[Path], Served]) -> dict[str, Served]:
    base = tmp_path_factory.mktemp("mourning")
    today = dt.date.today()
    # A day either side: the browser decides "today" in its own time zone, and a
    # build that straddles midnight must not make the test flaky.
    roots = {"today": site_with_mourning(base / "today", today - dt.timedelta(days=1), today + dt.timedelta(days=1)),
             "past": site_with_mourning(base / "past", dt.date(2021, 4, 4), dt.date(2021, 4, 4))}
    built = build_sites({name: (root, base / f"{name}-site", False) for name, root in roots.items()})
    return {name: serve_site(site_dir) for name, site_dir in built.items()}


def page_on(mourning_sites: dict[str, Served], new_visitor: Callable[..., Visitor], name: str) -> Page:
    page = new_visitor(mourning_sites[name]).page
    page.goto("/")
    expect(page.locator("h1").first).to_be_visible()
    return page


def test_a_mourning_day_turns_the_site_grey(mourning_sites, new_visitor) -> None:
    page = page_on(mourning_sites, new_visitor, "today")
    expect(page.locator("html")).to_have_class(MOURNING)
    grey = page.evaluate("getComputedStyle(document.documentElement).filter")
    assert re.fullmatch(r"grayscale\((1|100%)\)", grey), grey
    page.goto("/stories/")
    expect(page.locator("html")).to_have_class(MOURNING)


def test_a_past_mourning_period_leaves_the_site_in_colour(mourning_sites, new_visitor) -> None:
    page = page_on(mourning_sites, new_visitor, "past")
    expect(page.locator("html")).not_to_have_class(MOURNING)
    assert page.evaluate("getComputedStyle(document.documentElement).filter") == "none"
