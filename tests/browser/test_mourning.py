"""Mourning days: on a listed day the whole site turns grey; on other days it does not.

The day is decided in the visitor's browser (a static site is built once and
served for weeks), so one tiny site is built from tests/sites/base with a
mourning period around today, and visited twice: today (grey), and with the
browser's clock a year on, when that period lies in the past (in colour).
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
def mourning_site(tmp_path_factory: pytest.TempPathFactory, serve_site: Callable[[Path], Served]) -> Served:
    base = tmp_path_factory.mktemp("mourning")
    today = dt.date.today()
    # A day either side: the browser decides "today" in its own time zone, and a
    # build that straddles midnight must not make the test flaky.
    root = site_with_mourning(base / "root", today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    built = build_sites({"mourning": (root, base / "site", False)})
    return serve_site(built["mourning"])


def home(visitor: Visitor) -> Page:
    visitor.page.goto("/")
    expect(visitor.page.locator("h1").first).to_be_visible()
    return visitor.page


def test_a_mourning_day_turns_the_site_grey(mourning_site: Served, new_visitor: Callable[..., Visitor]) -> None:
    page = home(new_visitor(mourning_site))
    expect(page.locator("html")).to_have_class(MOURNING)
    grey = page.evaluate("getComputedStyle(document.documentElement).filter")
    assert re.fullmatch(r"grayscale\((1|100%)\)", grey), grey
    page.goto("/stories/")
    expect(page.locator("html")).to_have_class(MOURNING)


def test_a_past_mourning_period_leaves_the_site_in_colour(
        mourning_site: Served, new_visitor: Callable[..., Visitor]) -> None:
    visitor = new_visitor(mourning_site)
    a_year_on = dt.datetime.combine(dt.date.today() + dt.timedelta(days=366), dt.time(12))
    visitor.context.clock.set_fixed_time(a_year_on)
    page = home(visitor)
    assert page.evaluate("new Date().getFullYear()") == a_year_on.year  # the clock took
    expect(page.locator("html")).not_to_have_class(MOURNING)
    assert page.evaluate("getComputedStyle(document.documentElement).filter") == "none"
