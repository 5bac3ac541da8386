"""What the stage made in the last build and would make again the same: rendered bodies, name readings.

Rendering a story's Markdown (Python-Markdown, then the sanitizer, then its
plain text) is most of what the stage costs, and after one story is edited
every other body would be rendered again to the same result. A rendering
depends only on:

* the body text;
* what the build puts in place of each image the body shows (the processed
  variants' addresses and sizes, which change when the photo does);
* the renderer: exemplar's code and the versions of Python-Markdown and the
  sanitizer (nh3).

Those make the key. A name's reading (reading.py) depends only on the name
and pypinyin, whose dictionary alone takes longer to load than a rebuild's
whole stage. ``.cache/exemplar/stage.pickle`` keeps what the last build used.
Stage halves run in a forked child (forked.py): what a half made comes back
with its pages and joins the cache here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .cachefile import cache_path, code_fingerprint, digest, package_versions, read_cache, write_cache
from .images import file_digest
from .markup import ImageSrc, Rendered, images_in, render_markdown
from .reading import name_reading

FORMAT = 1
_LIBRARIES = ("markdown", "nh3", "pymdown-extensions", "pypinyin")


class StageCache:
    def __init__(self, path: Path | None, fingerprint: str, previous: dict[str, Any]) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.previous = previous  # key -> Rendered body, or name reading
        self.made: dict[str, Any] = {}
        self.used: set[str] = set()

    @classmethod
    def open(cls, root: Path) -> StageCache:
        path = cache_path(root, "stage.pickle")
        if path is None:
            return cls(None, "", {})
        fingerprint = digest(FORMAT, code_fingerprint(), package_versions(*_LIBRARIES))
        return cls(path, fingerprint, read_cache(path, fingerprint) or {})

    def render(self, body: str, image_src: ImageSrc | None = None) -> Rendered:
        """``markup.render_markdown(body, image_src=image_src)``, from the cache when it was made before."""
        if self.path is None:
            return render_markdown(body, image_src=image_src)
        images = [(name, image_src(name)) for name in self.images_in(body)] if image_src else None
        return self._remembered(digest("body", body, images), lambda: render_markdown(body, image_src=image_src))

    def reading(self, name: str, override: str | None = None) -> str:
        """``reading.name_reading(name, override)``, from the cache when it was read before."""
        if override or self.path is None:
            return name_reading(name, override)
        return self._remembered(digest("reading", name), lambda: name_reading(name))

    def images_in(self, body: str) -> tuple[str, ...]:
        """``markup.images_in(body)``, remembered (the scan reads the whole body)."""
        if self.path is None:
            return images_in(body)
        return self._remembered(digest("images", body), lambda: images_in(body))

    def file_digest(self, path: Path) -> str:
        """A photo's sha256, remembered by its size, time and inode (as check's cache does for bundle files):
        hashing every photo of a large campaign on every build costs more than the rest of a rebuild's stage."""
        if self.path is None:
            return file_digest(path)
        status = path.stat()
        return self._remembered(digest("file", str(path), status.st_size, status.st_mtime_ns, status.st_ino),
                                lambda: file_digest(path))

    def _remembered(self, key: str, make: Callable[[], Any]) -> Any:
        self.used.add(key)
        known = self.previous.get(key)
        if known is None:
            known = self.made.get(key)
        if known is None:
            known = self.made[key] = make()
        return known

    def join(self, made: dict[str, Any], used: set[str]) -> None:
        """Add what a forked half rendered and used."""
        self.made.update(made)
        self.used |= used

    def save(self) -> None:
        """Keep what this build used (and nothing else: the file does not grow with every edit)."""
        if self.path is None or (not self.made and self.used == self.previous.keys()):
            return
        known = {**self.previous, **self.made}
        write_cache(self.path, self.fingerprint, {key: known[key] for key in self.used if key in known})

