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

Those make the key. A page's HTML (a Jinja template of exemplar's own)
depends only on the template and the values it is given: the campaign, and
the entry, cards, pictures and links of that page, all plain data. Its key
is a digest of their pickle (none when a value cannot be pickled); the HTML
is kept as one file per key in ``.cache/exemplar/stage-html/``, so a rebuild
reads back what it needs and writes only what changed, instead of rewriting
one large file. A name's reading (reading.py) depends only on the name
and pypinyin, whose dictionary alone takes longer to load than a rebuild's
whole stage. ``.cache/exemplar/stage.pickle`` keeps what the last build used.
Stage halves run in a forked child (forked.py): what a half made comes back
with its pages and joins the cache here (each process writes its own HTML files).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import operator
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .cachefile import cache_path, code_fingerprint, digest, package_versions, read_cache, write_cache
from .images import file_digest
from .markup import ImageSrc, Rendered, images_in, render_markdown
from . import model
from .model import Activity, Campaign, Exemplar, KeyDate, Matter, Page
from .reading import name_reading

FORMAT = 1
_LIBRARIES = ("markdown", "nh3", "pymdown-extensions", "pypinyin", "jinja2", "markupsafe")
HTML_DIR = "stage-html"


class StageCache:
    def __init__(self, path: Path | None, fingerprint: str, previous: dict[str, Any]) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.previous = previous  # key -> Rendered body, or name reading
        self.made: dict[str, Any] = {}
        self.used: set[str] = set()
        self.html_dir = path.with_name(HTML_DIR) if path is not None else None
        self.html_made: dict[str, str] = {}  # key -> HTML this process rendered, not yet written
        self.html_used: set[str] = set()
        # How page keys are pickled (see _key_reducers); built once, used for every page.
        self.key_reducers = _key_reducers({})

    @classmethod
    def open(cls, root: Path) -> StageCache:
        path = cache_path(root, "stage.pickle")
        if path is None:
            return cls(None, "", {})
        fingerprint = digest(FORMAT, code_fingerprint(), package_versions(*_LIBRARIES))
        return cls(path, fingerprint, read_cache(path, fingerprint) or {})

    def template(self, template: Any, values: dict[str, Any]) -> str:
        """``template.render(values)``, read back from an earlier build that rendered it with equal values."""
        key = self._page_key(template.name, values)
        if key is None:
            return template.render(values)
        self.html_used.add(key)
        try:
            stored = (self.html_dir / key).read_bytes()
        except OSError:
            stored = b""
        # Each file starts with its HTML's digest: a file emptied or cut short by a crash (a new name each
        # time, so the file system's care for files renamed over old ones does not apply) is not published.
        if len(stored) > _DIGEST_BYTES and hashlib.sha256(memoryview(stored)[_DIGEST_BYTES:]).digest() == \
                stored[:_DIGEST_BYTES]:
            try:
                return stored[_DIGEST_BYTES:].decode("utf-8")
            except UnicodeDecodeError:
                pass
        html = self.html_made[key] = template.render(values)
        return html

    def _page_key(self, name: str, values: dict[str, Any]) -> str | None:
        if self.html_dir is None:
            return None
        buffer = io.BytesIO()
        try:
            pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dispatch_table = self.key_reducers
            pickler.dump((self.fingerprint, name, values))
        except Exception:  # a value that cannot be pickled (a function): no key, the template is rendered
            return None
        return hashlib.sha256(buffer.getbuffer()).hexdigest()

    def write_html(self) -> None:
        """Store the HTML this process rendered (each process of a forked stage writes its own)."""
        if self.html_dir is None or not self.html_made:
            return
        try:
            self.html_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            return  # a read-only checkout still builds, just without remembering
        for key, html in self.html_made.items():
            # Renamed into place: a build killed mid-write leaves a temporary name, never half a page.
            temporary = self.html_dir / f".{key}.{os.getpid()}.tmp"
            try:
                data = html.encode("utf-8")
                temporary.write_bytes(hashlib.sha256(data).digest() + data)
                os.replace(temporary, self.html_dir / key)
            except (OSError, ValueError):  # a full disk, another build's clean-up, text with no UTF-8 form
                temporary.unlink(missing_ok=True)
        self.html_made.clear()

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

    def join(self, made: dict[str, Any], used: set[str], html_used: set[str]) -> None:
        """Add what a forked half rendered and used (it wrote its HTML itself)."""
        self.made.update(made)
        self.used |= used
        self.html_used |= html_used

    def save(self) -> None:
        """Keep what this build used (and nothing else: the cache does not grow with every edit)."""
        if self.path is None:
            return
        self.write_html()
        try:
            stale = [name for name in os.listdir(self.html_dir) if name not in self.html_used]
        except OSError:
            stale = []
        for name in stale:  # pages no longer shown as they were, and temporaries of killed builds
            if not _written_by_a_running_build(name):
                (self.html_dir / name).unlink(missing_ok=True)
        if not self.made and self.used == self.previous.keys():
            return
        known = {**self.previous, **self.made}
        write_cache(self.path, self.fingerprint, {key: known[key] for key in self.used if key in known})


_DIGEST_BYTES = 32  # sha256


def _written_by_a_running_build(name: str) -> bool:
    """A temporary ``.<key>.<pid>.tmp`` of a build still running (another site folder, a preview)."""
    parts = name.split(".")
    if len(parts) != 4 or parts[3] != "tmp" or not parts[2].isdigit():
        return False
    try:
        os.kill(int(parts[2]), 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, another user's
        return True
    return True


# The content objects pages show, each many times (an exemplar's card is on every listing it
# belongs to): immutable (frozen dataclasses), and large (a story's whole text).
_CONTENT_TYPES = frozenset({Activity, Campaign, Exemplar, KeyDate, Matter, Page})


def _plain_reducers() -> dict[type, Callable[[Any], tuple]]:
    """The model's dataclasses (slots: pickle would call a Python ``__getstate__`` that looks up
    their fields each time) as a class and a tuple of their values, read by one C call."""
    reducers = {}
    for cls in vars(model).values():
        if isinstance(cls, type) and dataclasses.is_dataclass(cls) and hasattr(cls, "__slots__"):
            names = [f.name for f in dataclasses.fields(cls)]
            values = operator.attrgetter(*names) if len(names) > 1 else (lambda obj, name=names[0]: (getattr(obj, name),))
            reducers[cls] = functools.partial(_reduce_plain, cls, values)
    return reducers


def _reduce_plain(cls: type, values: Callable[[Any], tuple], obj: Any) -> tuple:
    return cls, values(obj)


_PLAIN = _plain_reducers()


def _key_reducers(digests: dict[int, tuple[Any, bytes]]) -> dict[type, Callable[[Any], tuple]]:
    """How a page key pickles what its template is given: plain values as they are (pickle is far
    faster than walking them in Python), each content object as the digest of its own pickle, made
    once per build (``digests``, which also keeps the objects alive so their ids stay theirs). A
    dispatch table is consulted in C for other types only: no Python call per string or dict."""
    return {**_PLAIN, **dict.fromkeys(_CONTENT_TYPES, functools.partial(_reduce_content, digests))}


def _reduce_content(digests: dict[int, tuple[Any, bytes]], obj: Any) -> tuple:
    known = digests.get(id(obj))
    if known is None or known[0] is not obj:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = _PLAIN
        pickler.dump(obj)
        known = digests[id(obj)] = (obj, hashlib.sha256(buffer.getbuffer()).digest())
    return _content, (known[1],)


def _content(digest: bytes) -> bytes:
    """Stands for a content object in a key (keys are never unpickled)."""
    return digest
