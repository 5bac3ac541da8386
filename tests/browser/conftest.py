"""Fixtures for the browser tests: the sample campaign built once, served by
nginx through deploy/nginx.conf, visited with Debian's Chromium.

Session-wide (the machine has two cores): one public build and one preview
(``--drafts``) build of the repository's sample campaign, one nginx per
build, one browser. Each test gets a fresh browser context, so
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


def finish_build(process: subprocess.Popen) -> str | None:
    """Wait for a build; None on success, else what went wrong with its output."""
    try:
        output, _ = process.communicate(timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        return f"`{' '.join(process.args)}` did not finish in {BUILD_TIMEOUT} s:\n{output}"
    if process.returncode != 0:
        return f"`{' '.join(process.args)}` failed (exit {process.returncode}):\n{output}"
    return None


def build_sites(builds: dict[str, tuple[Path, Path, bool]]) -> dict[str, Path]:
    """Several builds at once (each is mostly single-threaded Python); name -> site dir.

    Every build is waited for before any failure is reported, so none is left running.
    """
    running = {name: start_build(root, site_dir, drafts=drafts) for name, (root, site_dir, drafts) in builds.items()}
    failures = [failure for process in running.values() if (failure := finish_build(process))]
    failures += [f"{name}: no index.html in {site_dir}" for name, (_, site_dir, _) in builds.items()
                 if not failures and not (site_dir / "index.html").is_file()]
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)
    return {name: site_dir for name, (_, site_dir, _) in builds.items()}


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
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public build of the sample campaign."""
    site_dir = tmp_path_factory.mktemp("sample") / "public"
    return build_sites({"public": (REPO, site_dir, False)})["public"]


@pytest.fixture(scope="session")
def preview_site(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The preview build (--drafts) of the sample campaign.

    Built after the public build, not beside it: on a fresh checkout the first
    build fills the image cache (most of its time), and the second then finds
    every image there instead of processing them all again at the same time.
    """
    site_dir = tmp_path_factory.mktemp("sample") / "preview"
    return build_sites({"preview": (REPO, site_dir, True)})["preview"]


@pytest.fixture(scope="session")
def serve_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Path], Served]]:
    """serve_site(site_dir) -> Served; every nginx started here is stopped at the end of the session."""
    servers: list[nginx.Server] = []

    def serve(site_dir: Path) -> Served:
        failure = None
        try:
            server = nginx.start(site_dir, tmp_path_factory.mktemp("nginx"))
        except nginx.NginxUnavailable as error:
            failure = str(error)
        if failure:  # outside the except block: one plain message, no chained traceback
            pytest.fail(failure, pytrace=False)
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


def _new_context(browser: Browser, served: Served, viewport: dict[str, int], javascript: bool = True
                 ) -> BrowserContext:
    return browser.new_context(base_url=served.url, viewport=viewport, locale="zh-CN",
                               java_script_enabled=javascript, service_workers="block")


def _watch_errors(page: Page, errors: list[str]) -> None:
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))


@pytest.fixture
def new_visitor(browser: Browser) -> Iterator[Callable[..., Visitor]]:
    """new_visitor(served, viewport=DESKTOP, javascript=True) -> Visitor with its own context
    (empty storage and cache); closed after the test.

    An uncaught script error on any page visited fails the test: a broken
    enhancement is a broken page.
    """
    visitors: list[Visitor] = []

    def make(served: Served, viewport: dict[str, int] = DESKTOP, javascript: bool = True) -> Visitor:
        context = _new_context(browser, served, viewport, javascript)
        page = context.new_page()
        visitor = Visitor(context, page, [], [])
        context.on("request", lambda request: visitor.requests.append(request.url))
        _watch_errors(page, visitor.errors)
        visitors.append(visitor)
        return visitor

    yield make
    errors = [e for v in visitors for e in v.errors]
    for visitor in visitors:
        visitor.context.close()
    assert not errors, "uncaught script errors:\n" + "\n".join(errors)


# Tests that only look share one context per screen size (and so its HTTP
# cache, as one visitor would): a context costs about a second on this
# machine. Tests that change storage (大字) or count requests take new_visitor.

@pytest.fixture(scope="session")
def desktop_context(browser: Browser, site: Served) -> Iterator[BrowserContext]:
    context = _new_context(browser, site, DESKTOP)
    yield context
    context.close()


@pytest.fixture(scope="session")
def mobile_context(browser: Browser, site: Served) -> Iterator[BrowserContext]:
    context = _new_context(browser, site, MOBILE)
    yield context
    context.close()


def _page_in(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    errors: list[str] = []
    _watch_errors(page, errors)
    yield page
    page.close()
    assert not errors, "uncaught script errors:\n" + "\n".join(errors)


@pytest.fixture
def page(desktop_context: BrowserContext) -> Iterator[Page]:
    """A desktop page (1280×900) on the public sample site; relative URLs resolve against it."""
    yield from _page_in(desktop_context)


@pytest.fixture
def mobile_page(mobile_context: BrowserContext) -> Iterator[Page]:
    """A phone-sized page (390×844) on the public sample site."""
    yield from _page_in(mobile_context)
