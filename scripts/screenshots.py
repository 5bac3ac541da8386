#!/usr/bin/env python3
"""Take the README's screenshots of the sample campaign site.

Builds the sample campaign into a temporary directory, serves it with nginx
through deploy/nginx.conf (the same fixture code as the browser tests,
``tests/browser/nginx.py``), and writes with Debian's Chromium:

* docs/screenshots/home.png            the home page, desktop (1280 wide, the first 1800 px)
* docs/screenshots/profile.png         a profile page, desktop, full page
* docs/screenshots/profile-mobile.png  the same profile on a phone (390 wide), full page

Usage::

    .venv/bin/python scripts/screenshots.py [--out DIR] [--profile SLUG]

Needs the test extras (Playwright) and the system packages of the browser
tests (chromium, fonts-noto-cjk, nginx-light; `make system-deps` as root).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from browser import chromium, nginx  # the browser tests' fixture code, reused (after the path insert)

HOME_HEIGHT = 1800


def build(site_dir: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "exemplar", "build", str(REPO), "--site-dir", str(site_dir)],
                            capture_output=True, text=True, env=env, cwd=REPO, check=False)
    if result.returncode != 0:
        raise SystemExit(f"exemplar build failed:\n{result.stdout}{result.stderr}")


def default_profile() -> str:
    """The first featured published exemplar (the gallery's first card)."""
    from exemplar.pipeline import check

    site = check(REPO).site
    if site is None:
        raise SystemExit("the sample campaign has errors: run `exemplar check .`")
    people = sorted((e for e in site.exemplars if e.publication.is_published),
                    key=lambda e: (not e.featured, e.slug))
    return people[0].slug


def shoot(page, target: Path, width: int, max_height: int | None) -> None:
    """A full-page screenshot, taken with the viewport already as tall as the page.

    Playwright's full-page capture resizes the viewport for a moment, which
    makes Material hide its navigation tabs mid-capture (they come out faded);
    a viewport that already holds the whole page avoids that, and also brings
    every lazy image into view.
    """
    height = 0
    for _ in range(5):  # the page's height can depend on the viewport's (100vh): settle it
        new_height = page.evaluate("document.documentElement.scrollHeight")
        new_height = min(new_height, max_height) if max_height else new_height
        if new_height == height:
            break
        height = new_height
        page.set_viewport_size({"width": width, "height": height})
    page.evaluate("""async () => {
        await document.fonts.ready;
        await Promise.all(Array.from(document.images).map(img => img.decode().catch(() => null)));
    }""")
    page.wait_for_function("""() => { const tabs = document.querySelector(".md-tabs");  // shown where displayed
        return !tabs || getComputedStyle(tabs).display === "none" || !tabs.hidden; }""")
    page.wait_for_load_state("networkidle")
    # With max_height the viewport is that tall and shows the top of the page: capture just it.
    page.screenshot(path=str(target), full_page=max_height is None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--profile", help="slug of the profile to show (default: the first featured exemplar)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    slug = args.profile or default_profile()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="exemplar-shots-") as tmp:
        site_dir = Path(tmp) / "site"
        build(site_dir)
        with nginx.serve(site_dir, Path(tmp) / "nginx") as server, sync_playwright() as driver:
            if not chromium.available():
                raise SystemExit(chromium.MISSING)
            browser = driver.chromium.launch(executable_path=str(chromium.CHROMIUM), args=chromium.CHROMIUM_ARGS)
            shots = [("home.png", "/", {"width": 1280, "height": 900}, HOME_HEIGHT),
                     ("profile.png", f"/stories/{slug}/", {"width": 1280, "height": 900}, None),
                     ("profile-mobile.png", f"/stories/{slug}/", {"width": 390, "height": 844}, None)]
            for name, path, viewport, max_height in shots:
                context = browser.new_context(base_url=server.url, viewport=viewport, locale="zh-CN",
                                              device_scale_factor=1)
                page = context.new_page()
                page.goto(path)
                target = args.out / name
                shoot(page, target, viewport["width"], max_height)
                context.close()
                print(f"wrote {target.relative_to(REPO) if target.is_relative_to(REPO) else target}")
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
