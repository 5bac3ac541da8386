"""deploy/nginx.conf as shipped: it loads, and serves the site as its comments promise.

Every browser test goes through this server block; these tests name what it
must do, so that a broken deployment file fails here with a plain message
rather than only as an error in every other test's setup.
"""

from __future__ import annotations

import re
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from . import nginx
from .conftest import Served

pytestmark = pytest.mark.browser


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_shipped_server_block_is_valid_nginx(tmp_path: Path, built_site: Path) -> None:
    binary = nginx.nginx_binary()
    include = tmp_path / "server.conf"
    include.write_text(nginx.server_block(built_site, nginx.free_port()), encoding="utf-8")
    config = tmp_path / "nginx.conf"
    config.write_text(nginx.main_config(tmp_path, include, binary), encoding="utf-8")
    result = subprocess.run([binary, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(config)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"nginx -t rejects {nginx.DEPLOY_CONF}:\n{result.stderr}"


def test_hashed_assets_are_cached_for_a_year_and_pages_revalidated(site: Served) -> None:
    media = min((site.site_dir / "assets" / "media").iterdir()).name
    status, headers, _ = fetch(f"{site.url}assets/media/{media}")
    assert status == 200 and "immutable" in headers.get("cache-control", ""), headers
    bundle = next((site.site_dir / "assets" / "javascripts").glob("bundle.*.min.js")).name
    status, headers, _ = fetch(f"{site.url}assets/javascripts/{bundle}")
    assert status == 200 and "max-age=31536000" in headers.get("cache-control", ""), headers
    status, headers, _ = fetch(f"{site.url}stories/")
    assert status == 200 and headers.get("cache-control") == "no-cache", headers
    assert headers.get("x-content-type-options") == "nosniff"


def test_text_is_compressed_and_utf8(site: Served) -> None:
    status, headers, _ = fetch(f"{site.url}search/search_index.json", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip", headers
    status, headers, _ = fetch(site.url)
    assert re.search(r"charset=utf-8", headers.get("content-type", ""), re.IGNORECASE), headers


def test_dotfiles_are_never_served(site: Served) -> None:
    assert (site.site_dir / ".exemplar-site").exists()
    status, _, body = fetch(f"{site.url}.exemplar-site")
    assert status == 404
    assert "页面不存在".encode() in body
