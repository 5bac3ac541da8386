"""Serve a built site with nginx through the product's own ``deploy/nginx.conf``.

The browser tests and ``scripts/screenshots.py`` use this, so that what they
see is what a deployment serves: the same clean URLs, 404 page, headers and
caching rules. The server block is used exactly as shipped except for two
lines: ``listen 80;`` becomes ``listen 127.0.0.1:<free port>;`` and the
``root`` becomes the built site. Everything nginx writes (pid, logs, temp
files) stays in a private work directory; nothing under /etc or /var is
touched and no system service is involved.

    with serve(site_dir, work_dir) as server:
        server.url  # "http://127.0.0.1:PORT/"
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY_CONF = REPO / "deploy" / "nginx.conf"
MIME_TYPES = Path("/etc/nginx/mime.types")

LISTEN = re.compile(r"^(\s*)listen\s+80\s*;[^\n]*$", re.MULTILINE)
ROOT = re.compile(r"^(\s*)root\s+/var/www/exemplar/site\s*;[^\n]*$", re.MULTILINE)


class NginxUnavailable(RuntimeError):
    """nginx is not installed or did not start; the message says what to do."""


@dataclass(frozen=True)
class Server:
    url: str  # with a trailing slash
    port: int
    process: subprocess.Popen
    work_dir: Path

    @property
    def error_log(self) -> str:
        return _read(self.work_dir / "error.log")


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)),
                                          None)
    if not found:
        raise NginxUnavailable("nginx is not installed: the browser tests serve the site through deploy/nginx.conf. "
                               "Install it with `make system-deps` (as root) or `apt-get install nginx-light`.")
    if not MIME_TYPES.exists():
        raise NginxUnavailable(f"{MIME_TYPES} is missing: install nginx-light (or nginx-common).")
    return found


def server_block(site_dir: Path, port: int, source: Path | None = None) -> str:
    """The shipped server block with only its listen and root lines replaced."""
    source = source or DEPLOY_CONF
    text = source.read_text(encoding="utf-8")
    text, listens = LISTEN.subn(lambda m: f"{m.group(1)}listen 127.0.0.1:{port};", text)
    text, roots = ROOT.subn(lambda m: f"{m.group(1)}root {_quoted(site_dir.resolve())};", text)
    if listens != 1 or roots != 1:
        raise AssertionError(f"{source} changed shape: expected exactly one `listen 80;` and one "
                             f"`root /var/www/exemplar/site;` line, found {listens} and {roots}")
    return text


def _quoted(path: Path) -> str:
    value = str(path)
    if any(ch in value for ch in "\"\\;{}"):
        raise ValueError(f"path unsuitable for an nginx config: {value}")
    return f'"{value}"'


def _compiled_without(binary: str) -> set[str]:
    """Modules left out of this nginx build (nginx-light leaves out several)."""
    configure = subprocess.run([binary, "-V"], capture_output=True, text=True, check=False).stderr
    return set(re.findall(r"--without-http_(\w+?)_module", configure))


def main_config(work_dir: Path, include: Path, binary: str) -> str:
    """A minimal top-level config around the server block; every writable path in work_dir."""
    without = _compiled_without(binary)
    temp = [f"    client_body_temp_path {_quoted(work_dir / 'client_body')};"]
    for module in ("proxy", "fastcgi", "uwsgi", "scgi"):
        if module not in without:
            temp.append(f"    {module}_temp_path {_quoted(work_dir / module)};")
    # As root, nginx's workers would switch to `nobody`, who cannot read pytest's
    # private (0700) temporary directories; the workers keep the caller's user instead.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}"
        "worker_processes 1;\n"
        "daemon off;\n"
        f"pid {_quoted(work_dir / 'nginx.pid')};\n"
        f"error_log {_quoted(work_dir / 'error.log')} warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"    include {MIME_TYPES};\n"
        "    default_type application/octet-stream;\n"
        f"    access_log {_quoted(work_dir / 'access.log')};\n"
        + "\n".join(temp) + "\n"
        f"    include {_quoted(include)};\n"
        "}\n"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _wait_until_listening(process: subprocess.Popen, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
        time.sleep(0.05)
    return False


def start(site_dir: Path, work_dir: Path, *, timeout: float = 10.0, attempts: int = 3) -> Server:
    """Start nginx serving site_dir on 127.0.0.1; raises NginxUnavailable with nginx's own error."""
    binary = nginx_binary()
    if not (site_dir / "index.html").is_file():
        raise FileNotFoundError(f"{site_dir} has no index.html: build the site first")
    work_dir.mkdir(parents=True, exist_ok=True)
    last_error = ""
    for _ in range(attempts):  # another process may take the free port between probe and bind
        port = free_port()
        include = work_dir / "server.conf"
        include.write_text(server_block(site_dir, port), encoding="utf-8")
        config = work_dir / "nginx.conf"
        config.write_text(main_config(work_dir, include, binary), encoding="utf-8")
        (work_dir / "error.log").unlink(missing_ok=True)
        with (work_dir / "stderr.log").open("wb") as stderr:  # a file, not a pipe nobody drains
            process = subprocess.Popen(
                [binary, "-p", str(work_dir), "-e", str(work_dir / "error.log"), "-c", str(config)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
        if _wait_until_listening(process, port, timeout):
            return Server(f"http://127.0.0.1:{port}/", port, process, work_dir)
        stop_process(process)
        last_error = "\n".join(_read(work_dir / name) for name in ("stderr.log", "error.log")).strip()
        if "Address already in use" not in last_error:
            break
    raise NginxUnavailable(f"nginx did not start with {work_dir / 'nginx.conf'}:\n{last_error}")


def stop_process(process: subprocess.Popen, timeout: float = 5.0) -> None:
    """Graceful shutdown (SIGQUIT), then SIGKILL if nginx does not exit in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


def stop(server: Server) -> None:
    stop_process(server.process)


@contextlib.contextmanager
def serve(site_dir: Path, work_dir: Path) -> Iterator[Server]:
    server = start(site_dir, work_dir)
    try:
        yield server
    finally:
        stop(server)
