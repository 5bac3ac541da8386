"""`exemplar serve`: rebuilds on change, reports problems, keeps serving the last good build."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except OSError as exc:  # not listening yet
            last = exc
        time.sleep(0.5)
    pytest.fail(f"condition not met in {timeout}s (last: {last!r})")


def test_serve_rebuilds_and_survives_bad_content(base_site, tmp_path):
    port = free_port()
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen([sys.executable, "-m", "exemplar", "serve", str(base_site), "--dev-addr",
                               f"127.0.0.1:{port}"], env=ENV, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/stories/zhang-san/"
    story = base_site / "stories" / "zhang-san" / "index.md"
    original = story.read_text(encoding="utf-8")
    try:
        wait_for(lambda: "扎根田间二十年的小麦育种人" in fetch(url))

        story.write_text(original.replace("扎根田间二十年的小麦育种人", "扎根田间三十年的小麦育种人"), encoding="utf-8")
        wait_for(lambda: "扎根田间三十年的小麦育种人" in fetch(url))

        story.write_text(original.replace("region: 莲池区", "region: 不存在区"), encoding="utf-8")
        wait_for(lambda: "E204" in (tmp_path / "serve.log").read_text(encoding="utf-8"))
        assert "扎根田间三十年的小麦育种人" in fetch(url)  # the last good build is still served
        assert server.poll() is None
        assert "Traceback" not in (tmp_path / "serve.log").read_text(encoding="utf-8")

        story.write_text(original, encoding="utf-8")
        wait_for(lambda: "扎根田间二十年的小麦育种人" in fetch(url))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
