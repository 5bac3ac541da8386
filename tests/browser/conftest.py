"""Fixtures for the browser tests: the sample campaign built once, served by
nginx through deploy/nginx.conf, visited with Debian's Chromium.

Session-wide (the machine has two cores): one public build and one preview
(``--drafts``) build of the repository's sample campaign, started together;
one nginx per build; one browser. Each test gets a fresh browser context, so
storage (大字 mode) never leaks from one test to the next.

Missing Chromium or nginx is a failure with instructions, never a skip: CI
installs both (``make system-deps``), and a browser suite that silently skips
proves nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from exemplar.model import Site
from exemplar.pipeline import check

from . import chromium, nginx

try:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
except ImportError as error:  # pragma: no cover - the message is the point
    raise ImportError(f"{error}: the browser tests need Playwright; install the test extras: "
                      "pip install -e '.[test]' (make test does this)") from None

REPO = Path(__file__).resolve().parents[2]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
BUILD_TIMEOUT = 300  # seconds; the sample builds in well under a minute

expect.set_options(timeout=10_000)  # a loaded 2-core CI machine is slower than a laptop


# ------------------------------------------------------------------ building

def start_build(root: Path, site_dir: Path, *, drafts: bool = False) -> subprocess.Popen:
    """`exemplar build ROOT --site-dir DIR` as a visitor's deployment would run it."""
    command = [sys.executable, "-m", "exemplar", "build", str(root), "--site-dir", str(site_dir)]
    if drafts:
        command.append("--drafts")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            cwd=root)


def finish_build(process: subprocess.Popen, site_dir: Path) -> Path:
    try:
        output, _ = process.communicate(timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        pytest.fail(f"exemplar build did not finish in {BUILD_TIMEOUT} s:\n{output}")
    if process.returncode != 0 or not (site_dir / "index.html").is_file():
        pytest.fail(f"`{' '.join(process.args)}` failed (exit {process.returncode}):\n{output}")
    return site_dir


def build_sites(builds: dict[str, tuple[Path, Path, bool]]) -> dict[str, Path]:
    """Several builds at once (each is mostly single-threaded Python); name -> site dir."""
    running = {name: (start_build(root, site_dir, drafts=drafts), site_dir)
               for name, (root, site_dir, drafts) in builds.items()}
    return {name: finish_build(process, site_dir) for name, (process, site_dir) in running.items()}


@dataclass(frozen=True)
class Served:
    """A built site and the nginx serving it."""

    site_dir: Path
    url: str  # http://127.0.0.1:PORT/

    def host(self) -> str:
        return urlsplit(self.url).netloc


@pytest.fixture(scope="session")
def sample() -> Site:
    """The sample campaign as the generator reads it (every entry, whatever its status)."""
    result = check(REPO)
    assert result.ok and result.site is not None, result.report()
    return result.site


@pytest.fixture(scope="session")
def sample_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("sample-build")
    return build_sites({"public": (REPO, base / "public", False), "preview": (REPO, base / "preview", True)})


@pytest.fixture(scope="session")
def built_site(sample_builds: dict[str, Path]) -> Path:
    """The public build of the sample campaign."""
    return sample_builds["public"]


@pytest.fixture(scope="session")
def preview_site(sample_builds: dict[str, Path]) -> Path:
    """The preview build (--drafts) of the sample campaign."""
    return sample_builds["preview"]


@pytest.fixture(scope="session")
def serve_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Path], Served]]:
    """serve_site(site_dir) -> Served; every nginx started here is stopped at the end of the session."""
    servers: list[nginx.Server] = []

    def serve(site_dir: Path) -> Served:
        try:
            server = nginx.start(site_dir, tmp_path_factory.mktemp("nginx"))
        except nginx.NginxUnavailable as error:
            pytest.fail(str(error), pytrace=False)
        servers.append(server)
        return Served(site_dir, server.url)

    yield serve
    for server in servers:
        nginx.stop(server)


@pytest.fixture(scope="session")
def site(built_site: Path, serve_site: Callable[[Path], Served]) -> Served:
    """The public sample site, served."""
    return serve_site(built_site)


@pytest.fixture(scope="session")
def preview(preview_site: Path, serve_site: Callable[[Path], Served]) -> Served:
    """The preview sample site, served."""
    return serve_site(preview_site)


# ------------------------------------------------------------------- browser

@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not chromium.available():
        pytest.fail(chromium.MISSING, pytrace=False)
    browser = playwright.chromium.launch(executable_path=str(chromium.CHROMIUM), args=chromium.CHROMIUM_ARGS,
                                         headless=True)
    yield browser
    browser.close()


@dataclass
class Visitor:
    """A fresh browser context and page; records requests and script errors."""

    context: BrowserContext
    page: Page
    requests: list[str]
    errors: list[str]


@pytest.fixture
def new_visitor(browser: Browser) -> Iterator[Callable[..., Visitor]]:
    """new_visitor(served, viewport=DESKTOP, javascript=True) -> Visitor; contexts closed after the test.

    An uncaught script error on any page visited fails the test: a broken
    enhancement is a broken page.
    """
    visitors: list[Visitor] = []

    def make(served: Served, viewport: dict[str, int] = DESKTOP, javascript: bool = True) -> Visitor:
        context = browser.new_context(base_url=served.url, viewport=viewport, locale="zh-CN",
                                      java_script_enabled=javascript, service_workers="block")
        page = context.new_page()
        visitor = Visitor(context, page, [], [])
        context.on("request", lambda request: visitor.requests.append(request.url))
        page.on("pageerror", lambda error: visitor.errors.append(f"{page.url}: {error}"))
        visitors.append(visitor)
        return visitor

    yield make
    errors = [e for v in visitors for e in v.errors]
    for visitor in visitors:
        visitor.context.close()
    assert not errors, "uncaught script errors:\n" + "\n".join(errors)


@pytest.fixture
def page(site: Served, new_visitor: Callable[..., Visitor]) -> Page:
    """A desktop page on the public sample site (relative URLs resolve against it)."""
    return new_visitor(site).page


@pytest.fixture
def mobile_page(site: Served, new_visitor: Callable[..., Visitor]) -> Page:
    return new_visitor(site, viewport=MOBILE).page
