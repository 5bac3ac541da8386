"""Pages MkDocs rendered in the last build, kept when nothing they show has changed.

MkDocs renders every page's theme template on every build: after one story is
edited, a thousand unchanged pages go through mkdocs-material's templates
again, a third of a rebuild. A page's HTML depends only on:

* the page: its address, its HTML body, title, metadata (description, share
  image and tags, what to hide) and table of contents, its neighbours and
  ancestors in the navigation;
* the site: mkdocs.yml's settings as the plugins leave them (navigation,
  theme options, ``extra``), every plugin's settings, the theme's templates
  (mkdocs-material's by version, ours and the site's overrides by content),
  and exemplar's code.

The first part keys each page, the second the whole cache. A page whose key
is the one recorded for its file at the last successful build, and whose file
in the current site still has the recorded digest, gets the empty
``exemplar-reused.html`` template (so MkDocs' rendering costs nothing) and
its last output back in ``on_post_page`` (checked against the recorded digest). Everything else about the page is
as before: plugins still see it, search still indexes it, the gate still
scans it. The record lives in ``.cache/exemplar/pages-<site folder>.pickle``
and is written only after a build has been swapped into place.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, NamedTuple

from .cachefile import cache_path, code_fingerprint, digest, package_versions, read_cache, stable_digest, write_cache

REUSED_TEMPLATE = "exemplar-reused.html"
FORMAT = 2

# Settings that say where the build happens, not what it shows.
_PLACE_KEYS = {"site_dir", "docs_dir", "config_file_path", "dev_addr", "watch", "plugins", "theme", "strict",
               "validation", "hooks"}


class Recorded(NamedTuple):
    key: str  # page_key: everything the page shows
    digest: str  # sha256 of the file written
    stat: tuple[int, int] | None  # its size and modification time: a changed file is noticed without reading it


class SiteChanged(Exception):
    """A page to be kept from the last build is no longer what that build wrote."""


class RenderedPages:
    def __init__(self, path: Path | None, site: Path) -> None:
        self.path = path
        self.site = site  # the site being replaced: where last build's pages are
        self.fingerprint = ""
        self.previous: dict[str, Recorded] = {}  # output path -> as written by the last build
        self.current: dict[str, Recorded] = {}
        self.pending: dict[str, str] = {}  # output path -> page key
        self.reused: dict[str, Recorded] = {}

    @classmethod
    def open(cls, root: Path, site: Path) -> RenderedPages:
        # One record per site folder: `exemplar build` (site/) and `exemplar serve` (a preview) each keep theirs.
        return cls(cache_path(root, f"pages-{digest(str(site.absolute()))[:12]}.pickle"), site)

    def start(self, config: Any) -> None:
        """Read the last build's record if this build shows the site as it did (settings, theme, code)."""
        if self.path is None:
            return
        fingerprint = site_fingerprint(config)
        if fingerprint is None:
            self.path = None  # a setting cannot be compared between builds: render everything
            return
        self.fingerprint = fingerprint
        self.previous = read_cache(self.path, fingerprint) or {}

    def reuse(self, page: Any) -> bool:
        """Whether ``page`` (body, meta and toc set) is unchanged; if so, give it the empty template."""
        if self.path is None:
            return False
        dest = page.file.dest_uri
        key = page_key(page)
        if key is None:
            return False
        self.pending[dest] = key
        known = self.previous.get(dest)
        if known is None or known.key != key or known.stat is None or _stat(self.site / dest) != known.stat:
            return False
        page.meta["template"] = REUSED_TEMPLATE
        self.reused[dest] = known
        return True

    def drop_content(self, page: Any) -> None:
        """A kept page's HTML body is not shown again (its last output is): let search, which has its
        entries already, skip its clean-up pass over it."""
        if page.file.dest_uri in self.reused:
            page.content = ""

    def output(self, page: Any, html: str) -> str:
        """The page's final HTML: last build's when reused, else ``html`` (recorded for the next build)."""
        dest = page.file.dest_uri
        known = self.reused.get(dest)
        if known is not None:
            try:
                data = (self.site / dest).read_bytes()
            except OSError:
                data = b""
            if hashlib.sha256(data).hexdigest() != known.digest:  # changed in place since the last build
                self.path.unlink(missing_ok=True)  # the next build renders every page
                raise SiteChanged(f"上一版网站的 {dest} 在上次构建之后被改动过，本次构建已停止（原有网站保持不变）；"
                                  "请重新构建")
            self.current[dest] = known
            return data.decode("utf-8")
        key = self.pending.get(dest)
        if key is not None:
            encoded = html.encode("utf-8", errors="xmlcharrefreplace")  # as MkDocs writes it
            self.current[dest] = Recorded(key, hashlib.sha256(encoded).hexdigest(), None)  # stat: see written
        return html

    def written(self, site: Path) -> None:
        """Note the size and time of the files this build wrote (before they are swapped into place).

        A kept page gets its old modification time back: to a web server it is the same file
        (same ETag and Last-Modified), and browsers keep their copy.
        """
        for dest, recorded in self.current.items():
            path = site / dest
            if dest in self.reused and recorded.stat is not None:
                try:
                    os.utime(path, ns=(recorded.stat[1], recorded.stat[1]))
                except OSError:
                    pass
            self.current[dest] = recorded._replace(stat=_stat(path))

    def save(self) -> None:
        """Record this build's pages (call after the swap: they are now the site)."""
        if self.path is not None and self.current != self.previous:
            write_cache(self.path, self.fingerprint, self.current)


def page_key(page: Any) -> str | None:
    def link(other: Any) -> tuple | None:
        return (other.url, str(other.title)) if other is not None else None

    meta = sorted((key, value) for key, value in (page.meta or {}).items() if key != "template")
    return stable_digest(page.url, page.file.dest_uri, str(page.title), meta, page.content, _toc(page.toc),
                         link(page.previous_page), link(page.next_page), [str(a.title) for a in page.ancestors])


def _toc(items: Any) -> list:
    return [(item.id, item.title, item.level, _toc(item.children)) for item in items or ()]


def site_fingerprint(config: Any) -> str | None:
    settings = sorted((key, value) for key, value in config.items() if key not in _PLACE_KEYS)
    plugins = [(name, sorted(dict(plugin.config).items())) for name, plugin in config.plugins.items()]
    theme = config.theme
    return stable_digest(FORMAT, settings, plugins, theme.name, sorted(dict(theme).items()), _theme_files(theme.dirs),
                         code_fingerprint(), package_versions("mkdocs", "mkdocs-material", "jinja2", "markupsafe"))


def _theme_files(dirs: list[str]) -> list:
    """Templates of the theme's folders: packaged themes by version, exemplar's own by the code
    fingerprint, the site's overrides by content."""
    files = []
    own = Path(__file__).parent
    for folder in map(Path, dirs):
        if "site-packages" in folder.parts or "dist-packages" in folder.parts or folder.is_relative_to(own):
            continue  # covered by the package versions or code_fingerprint()
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                files.append((str(path), hashlib.sha256(path.read_bytes()).hexdigest()))
    return files


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns
