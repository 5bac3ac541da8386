"""axe-core finds no serious or critical violations on any kind of page."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from exemplar.model import Site

from .expected import activity_to_visit, profile_to_visit

pytestmark = pytest.mark.browser

AXE = Axe()
BLOCKING = {"serious", "critical"}
PAGES = {
    "home": "/",
    "gallery": "/stories/",
    "profile": "PROFILE",
    "activity": "ACTIVITY",
    "timeline": "/activities/",
    "matters": "/matters/",
    "summary": "/summary/",
    "free page": "/about/",
    "404": "/no-such-page/",
}


def violations_report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"]]
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}×) -> {targets[:6]}")
    return "\n".join(lines)


@pytest.mark.parametrize("kind", PAGES)
def test_no_serious_axe_violations(page: Page, sample: Site, kind: str) -> None:
    path = {"PROFILE": f"/stories/{profile_to_visit(sample).slug}/",
            "ACTIVITY": f"/activities/{activity_to_visit(sample).id}/"}.get(PAGES[kind], PAGES[kind])
    page.goto(path)
    expect(page.locator("h1").first).to_be_visible()
    expect(page.locator(".ex-large-toggle")).to_be_attached()  # our script has run (it names the search dialog)
    results = AXE.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{kind} ({path}):\n{violations_report(blocking)}"
