"""Search index entries remembered per page, so a rebuild segments only what changed.

mkdocs-material's search plugin cuts every page into sections and splits their
Chinese into words with jieba: about half of a build, and on a rebuild after
editing one story nearly all of that work is repeated for pages that did not
change. The entries a page gets depend only on:

* the page: its address, its final HTML, its title, its tags and its
  ``search`` settings (the table of contents comes from the HTML's headings);
* the segmenter: jieba's version and dictionary, the words exemplar teaches it
  (names, affiliations, vocabulary values) and the search plugin's settings
  and version.

The page part is each entry's key; the segmenter part keys the whole cache,
so a new word (a new exemplar's name) starts afresh: jieba's choice of words
in one sentence depends on the frequencies of all of them, so no entry could
be kept safely. The cache lives in ``.cache/exemplar/search.pickle`` and holds
the pages of the last successful build only. It is an optimisation: damaged
or unwritable, it is ignored; ``EXEMPLAR_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .cachefile import cache_path, digest, package_versions, read_cache, write_cache
from .searchworker import PageData, SearchWorker

CACHE_FILE = Path(".cache/exemplar/search.pickle")
FORMAT = 2
WORKER_FIRST = 40  # changed pages always given to the worker, however many this process could take


class SearchEntryCache:
    def __init__(self, path: Path | None, fingerprint: str, previous: dict[str, list[dict]]) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.previous = previous
        self.current: dict[str, list[dict]] = {}
        self.misses = 0
        self.index: Any = None
        self.worker: SearchWorker | None = None
        self.slots: list[tuple[str, list[dict] | int]] = []  # (page key, its entries or the worker's number)

    @classmethod
    def open(cls, root: Path, search_settings: dict[str, Any], words: tuple[str, ...]) -> SearchEntryCache:
        path = cache_path(root, CACHE_FILE.name)
        if path is None:
            return cls(None, "", {})
        fingerprint = _fingerprint(search_settings, words)
        return cls(path, fingerprint, read_cache(path, fingerprint) or {})

    def install(self, index: Any, worker: SearchWorker | None = None, share: int = 3,
                before_segmenting: Callable[[], None] = lambda: None,
                after_known: Callable[[Any], None] = lambda page: None) -> None:
        """Wrap a mkdocs-material ``SearchIndex``: known pages reuse their entries, and with a
        ``worker`` the first ``WORKER_FIRST`` others and then all but one in ``share`` are
        indexed on the second core. ``before_segmenting`` runs before this process indexes a page,
        ``after_known(page)`` after a page's entries came from the cache.

        Entries are kept per page, in page order, and put into the index by ``finish``.
        """
        index_page = index.add_entry_from_context
        self.index, self.worker = index, worker

        def add_entry_from_context(page) -> None:
            key = page_key(page)
            known = self.previous.get(key)
            if known is not None:
                self.slots.append((key, [dict(entry) for entry in known]))
                after_known(page)
                return
            self.misses += 1
            # A rebuild after an edit changes a few pages: the worker takes them all, so this
            # process never loads jieba's dictionary. A cold build shares the work.
            if worker is not None and (self.misses <= WORKER_FIRST or self.misses % share):
                worker.send(len(self.slots), PageData.of(page))
                self.slots.append((key, len(self.slots)))
                return
            before_segmenting()
            start = len(index.entries)
            index_page(page)
            self.slots.append((key, index.entries[start:]))
            del index.entries[start:]

        index.add_entry_from_context = add_entry_from_context

    def finish(self) -> None:
        """Put every page's entries into the index, in page order (before the search plugin writes it)."""
        made = self.worker.results() if self.worker is not None else {}
        entries = []
        for key, slot in self.slots:
            page_entries = made[slot] if isinstance(slot, int) else slot
            entries += page_entries
            known = self.previous.get(key)
            # A page whose entries came from the cache keeps the very list it had: the cache file
            # then records only what changed (cachefile.write_cache).
            self.current[key] = known if known is not None else [dict(entry) for entry in page_entries]
        self.index.entries[:0] = entries

    def save(self) -> None:
        """Keep this build's pages (only after it succeeded: a failed build must not poison the next)."""
        if self.path is None or (not self.misses and self.current.keys() == self.previous.keys()):
            return  # nothing new: the file on disk says the same
        write_cache(self.path, self.fingerprint, self.current)


def page_key(page: Any) -> str:
    meta = page.meta or {}
    return digest(page.url, page.content, str(meta.get("title", page.title)), repr(meta.get("tags")),
                  repr(meta.get("search")), [(item.id, item.url) for item in _walk(page.toc)])


def _walk(toc) -> list:
    items = []
    for item in toc or ():
        items.append(item)
        items += _walk(item.children)
    return items


def _fingerprint(search_settings: dict[str, Any], words: tuple[str, ...]) -> str:
    versions = package_versions("jieba", "mkdocs-material")
    dictionaries = []
    for name in ("jieba_dict", "jieba_dict_user"):
        path = search_settings.get(name)
        if path and os.path.isfile(path):
            dictionaries.append(hashlib.sha256(Path(path).read_bytes()).hexdigest())
    settings = {key: search_settings.get(key) for key in ("lang", "separator", "pipeline", "fields")}
    return digest(FORMAT, versions, dictionaries, sorted(settings.items()), words)
