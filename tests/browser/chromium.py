"""How the tests (and scripts/screenshots.py) start Debian's Chromium.

Playwright's own browser download is not available here, so Playwright drives
the distribution's /usr/bin/chromium (EXEMPLAR_CHROMIUM overrides the path).
"""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("EXEMPLAR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Any host but ours fails at once instead of waiting on DNS; requests to it
    # are still seen by page.on("request"), so test_no_foreign_requests notices them.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
MISSING = (f"Chromium not found at {CHROMIUM}: the browser tests use Debian's chromium package. "
           "Install it with `make system-deps` (as root) or `apt-get install chromium fonts-noto-cjk`.")


def available() -> bool:
    return os.access(CHROMIUM, os.X_OK)
