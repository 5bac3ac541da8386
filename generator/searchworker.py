"""mkdocs-material's search entries made on the second core while this one renders pages.

MkDocs builds pages one after another on one core, and for each page
mkdocs-material's search plugin splits the page into sections and segments
their Chinese with jieba: the largest single cost of a build. The entries of a
page depend only on the page's address, HTML, title, tags and table of
contents, so a forked child can make them while this process goes on
rendering templates. The child loads jieba's dictionary (seconds) and teaches
it exemplar's words as soon as it starts, so on a rebuild, where it gets the
few changed pages, this process never loads the dictionary at all. Pages go
to the child through a pipe as they come; the child sends every page's
entries back once, when asked at the end, so neither side ever waits on a
full pipe while the other waits too. Should the child fail, the pages it had
are indexed here: slower, never different.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

_HEADER = struct.Struct("!Q")


@dataclass
class PageData:
    """What mkdocs-material's ``SearchIndex.add_entry_from_context`` reads from a page."""

    url: str
    title: str
    content: str
    meta: dict[str, Any]
    toc: list = field(default_factory=list)

    @classmethod
    def of(cls, page: Any) -> PageData:
        meta = {key: page.meta[key] for key in ("search", "title", "tags") if key in (page.meta or {})}
        return cls(page.url, str(page.title), page.content, meta, _toc(page.toc))


def _toc(items) -> list:
    return [SimpleNamespace(id=item.id, url=item.url, children=_toc(item.children)) for item in items or ()]


def entries_for(index_class: type, config: dict, page: PageData) -> list[dict]:
    index = index_class(**config)
    index.add_entry_from_context(page)
    return index.entries


class SearchWorker:
    def __init__(self, index_class: type, config: dict, prepare: Callable[[], None] = lambda: None) -> None:
        """``prepare`` readies the segmenter (teaches jieba exemplar's words): the child runs it at once,
        this process only if it must index the child's pages itself."""
        self.index_class = index_class
        self.config = config
        self.prepare = prepare
        self.sent: dict[int, PageData] = {}
        child_reads, parent_writes = os.pipe()
        parent_reads, child_writes = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(parent_writes)
            os.close(parent_reads)
            status = 1
            try:
                prepare()
                _serve(child_reads, child_writes, index_class, config)
                status = 0
            finally:
                os._exit(status)
        os.close(child_reads)
        os.close(child_writes)
        self.requests = os.fdopen(parent_writes, "wb")
        self.replies = os.fdopen(parent_reads, "rb")
        self.broken = False

    def send(self, number: int, page: PageData) -> None:
        self.sent[number] = page
        if self.broken:
            return
        try:
            _write(self.requests, (number, page))
        except (OSError, pickle.PicklingError):
            self.broken = True

    def results(self) -> dict[int, list[dict]]:
        """Every page's entries, by the number it was sent with; the child's, or made here."""
        made: dict[int, list[dict]] = {}
        if not self.sent:  # nothing changed: do not wait for the child to finish loading jieba
            self.close(stop=True)
            return made
        try:
            if not self.broken:
                _write(self.requests, None)  # done: send everything back
                self.requests.close()
                made = _read(self.replies) or {}
        except (OSError, EOFError, pickle.UnpicklingError, struct.error):
            made = {}
        finally:
            self.close()
        for number, page in self.sent.items():
            if number not in made:
                self.prepare()
                made[number] = entries_for(self.index_class, self.config, page)
        return made

    def close(self, stop: bool = False) -> None:
        """End the child; ``stop``: at once, whatever it is doing (its work is not wanted)."""
        for stream in (self.requests, self.replies):
            try:
                stream.close()
            except OSError:
                pass
        if self.pid and stop:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.pid:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = 0


def _serve(requests_fd: int, replies_fd: int, index_class: type, config: dict) -> None:
    made: dict[int, list[dict]] = {}
    with os.fdopen(requests_fd, "rb") as requests, os.fdopen(replies_fd, "wb") as replies:
        while True:
            message = _read(requests)
            if message is None:
                break
            number, page = message
            made[number] = entries_for(index_class, config, page)
        _write(replies, made)


def _write(stream, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read(stream) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("search worker ended early")
    size = _HEADER.unpack(header)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("search worker ended early")
    return pickle.loads(data)
