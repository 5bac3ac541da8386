"""axe-core finds no serious or critical violations on any kind of page."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from exemplar.model import Site
from playwright.sync_api import Page, expect

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

# Product bugs this suite found, each pinned by its own strict xfail test below.
# The per-page scans leave out exactly these nodes, so they still catch anything
# new on the same pages; when a fix lands, the xfail test passes (and fails as
# XPASS): delete it and its entry here.
KNOWN_BUGS = {
    "link-in-text-block": ".ex-footer a, .ex-share__links span a",
    "color-contrast": ".ex-keydate-nav .ex-chip__count",
}


def violations_report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"]]
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}×) -> {targets[:6]}")
    return "\n".join(lines)


def blocking_violations(page: Page, context: str | None = None, rules: list[str] | None = None,
                        ignore_known: bool = True) -> list[dict]:
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    results = AXE.run(page, context=context, options=options)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        known = KNOWN_BUGS.get(violation["id"]) if ignore_known else None
        if known:
            nodes = [n for n in violation["nodes"] if not page.evaluate(
                "([target, known]) => !!document.querySelector(target)?.matches(known)", [n["target"][-1], known])]
            violation = {**violation, "nodes": nodes}
        if violation["nodes"]:
            found.append(violation)
    return found


def visit(page: Page, sample: Site, kind: str) -> str:
    path = {"PROFILE": f"/stories/{profile_to_visit(sample).slug}/",
            "ACTIVITY": f"/activities/{activity_to_visit(sample).id}/"}.get(PAGES[kind], PAGES[kind])
    page.goto(path)
    expect(page.locator("h1").first).to_be_visible()
    expect(page.locator(".ex-large-toggle")).to_be_attached()  # our script has run (it names the search dialog)
    return path


@pytest.mark.parametrize("kind", PAGES)
def test_no_serious_axe_violations(page: Page, sample: Site, kind: str) -> None:
    path = visit(page, sample, kind)
    blocking = blocking_violations(page)
    assert not blocking, f"{kind} ({path}):\n{violations_report(blocking)}"


@pytest.mark.xfail(strict=True, reason="product bug: footer links (.ex-footer a, e.g. the mailto link) differ from "
                   "the footer text only by colour (#cfe0f7 on #e9eef5 text); axe link-in-text-block (serious). "
                   "Fix in generator/theme/assets/exemplar/exemplar.css, e.g. .ex-footer a { text-decoration: "
                   "underline; }")
def test_footer_links_are_distinguishable_without_colour(page: Page, sample: Site) -> None:
    visit(page, sample, "home")
    blocking = blocking_violations(page, context=".ex-footer", rules=["link-in-text-block"], ignore_known=False)
    assert not blocking, violations_report(blocking)


@pytest.mark.xfail(strict=True, reason="product bug: in the profile's 转载与分享 section the secondary links "
                   "inside the description spans (e.g. the PNG link after 二维码（SVG）, a[href$=qr.png]) differ from "
                   "the text around them only by colour; axe link-in-text-block (serious). Underline them in "
                   "exemplar.css (.ex-share__links span a)")
def test_share_section_links_are_distinguishable_without_colour(page: Page, sample: Site) -> None:
    visit(page, sample, "profile")
    blocking = blocking_violations(page, context=".ex-share", rules=["link-in-text-block"], ignore_known=False)
    assert not blocking, violations_report(blocking)


@pytest.mark.xfail(strict=True, reason="product bug: the activity counts in the timeline's key-date navigation "
                   "(.ex-keydate-nav .ex-chip__count, muted colour at opacity .8 on the soft background) fail "
                   "axe color-contrast (serious). Fix in exemplar.css, e.g. opacity: 1 for .ex-keydate-nav "
                   ".ex-chip__count")
def test_key_date_counts_have_enough_contrast(page: Page, sample: Site) -> None:
    visit(page, sample, "timeline")
    blocking = blocking_violations(page, context=".ex-keydate-nav", rules=["color-contrast"], ignore_known=False)
    assert not blocking, violations_report(blocking)
