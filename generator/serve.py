"""``exemplar serve``: build, serve, rebuild on change, reload the browser.

MkDocs' own server stops answering while a rebuild is failing ("the server
will appear stuck"); editors need the opposite: the last good build keeps
being served, and the problems are printed in the terminal. So this is a
small server of our own:

- the site is built with ``pipeline.build`` into a folder under ``.cache``;
- a thread polls the content folders (stories/, content/, overrides/,
  mkdocs.yml) and rebuilds after a change settles;
- pages are served from the last good build; HTML responses get a small
  script that long-polls ``/__exemplar__/build`` and reloads when a new build
  is ready. The script is added while serving, never written into the site.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

WATCHED = ("stories", "content", "overrides", "mkdocs.yml")
RELOAD_SCRIPT = b"""<script>(function(){var n=%d;function poll(){fetch("/__exemplar__/build?since="+n)
.then(function(r){return r.json()}).then(function(d){if(d.build>n){location.reload()}else{poll()}})
.catch(function(){setTimeout(poll,2000)})}poll()})();</script>"""


class _State:
    def __init__(self) -> None:
        self.build = 0
        self.changed = threading.Condition()

    def bump(self) -> None:
        with self.changed:
            self.build += 1
            self.changed.notify_all()

    def wait_newer(self, since: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.build > since, timeout=timeout)
            return self.build


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every watched file with its mtime and size: what a rebuild depends on."""
    seen: dict[str, tuple[int, int]] = {}
    for name in WATCHED:
        path = root / name
        paths = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        for file in paths:
            try:
                stat = file.stat()
            except OSError:
                continue
            seen[str(file)] = (stat.st_mtime_ns, stat.st_size)
    return seen


def serve(root: Path, host: str, port: int, rebuild: Callable[[], bool], site_dir: Path,
          poll_interval: float = 0.5) -> None:
    """Serve ``site_dir`` forever; ``rebuild()`` returns True when a new build is in place."""
    state = _State()
    if rebuild():
        state.bump()
    handler = functools.partial(_Handler, directory=str(site_dir), state=state)
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    watcher = threading.Thread(target=_watch, args=(root, rebuild, state, poll_interval), daemon=True)
    watcher.start()
    print(f"本地预览：http://{host}:{port}/ （修改内容后自动重建并刷新浏览器；按 Ctrl+C 结束）", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


def _watch(root: Path, rebuild: Callable[[], bool], state: _State, interval: float) -> None:
    before = snapshot(root)
    while True:
        time.sleep(interval)
        now = snapshot(root)
        if now == before:
            continue
        time.sleep(interval)  # let an editor's save (or a git checkout) settle
        before = snapshot(root)
        print("检测到修改，正在重新生成……", file=sys.stderr, flush=True)
        try:
            if rebuild():
                state.bump()
        except Exception:  # a bug must not stop the preview; show it and keep serving
            traceback.print_exc()


class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, state: _State, **kwargs) -> None:
        self.state = state
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args) -> None:  # keep the terminal for problems
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/__exemplar__/build"):
            since = parse_qs(urlsplit(self.path).query).get("since", ["0"])[0]
            body = b'{"build": %d}' % self.state.wait_newer(int(since) if since.isdigit() else 0, timeout=25)
            self._send(200, "application/json", body)
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                self.send_response(301)
                self.send_header("Location", self.path.split("?")[0] + "/")
                self.end_headers()
                return
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            self._send(200, "text/html; charset=utf-8", self._with_reload(path.read_bytes()))
            return
        if not path.exists():
            not_found = Path(self.directory) / "404.html"
            body = self._with_reload(not_found.read_bytes()) if not_found.is_file() else b"404"
            self._send(404, "text/html; charset=utf-8", body)
            return
        super().do_GET()

    def _with_reload(self, html: bytes) -> bytes:
        script = RELOAD_SCRIPT % self.state.build
        return html.replace(b"</body>", script + b"</body>", 1) if b"</body>" in html else html + script

    def _send(self, code: int, content_type: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def default_site_dir(root: Path) -> Path:
    return root / ".cache" / "exemplar" / "serve"


def split_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not port.isdigit():
        raise ValueError(address)
    return host or "127.0.0.1", int(port)


