"""The last gate: the finished site is scanned for personal data before it replaces the old one.

``check`` reads what editors write; this reads what is about to be published,
so personal data that reaches the output some other way (a template, a
plugin, a theme override, a generated export) is still stopped. Input: the
temporary build folder and the numbers the campaign publishes on purpose.
Output: every hit, located by file and line; the build fails on any.

Scanned: every text file a visitor or a reposting newsroom receives (HTML,
XML feeds and sitemap, the search index and JSON feed, plain-text exports)
and the text inside Word and zip exports. Not scanned: the theme's own
scripts and styles, and images (text drawn into a poster cannot be read back
without OCR; it is the same text the pages carry, which is scanned).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .cachefile import cache_path, code_fingerprint, digest, read_cache, write_cache
from .forked import in_halves
from .pii import KIND_NAMES, NUMBER_CHARACTERS, find_personal_data

TEXT_SUFFIXES = frozenset({".html", ".htm", ".xml", ".json", ".txt", ".webmanifest"})
ARCHIVE_SUFFIXES = frozenset({".docx", ".zip"})
SCANNED_SUFFIXES = TEXT_SUFFIXES | ARCHIVE_SUFFIXES
ARCHIVE_MEMBER_SUFFIXES = TEXT_SUFFIXES | {".md"} | ARCHIVE_SUFFIXES
# The parts of a Word file that hold what a reader sees; styles, fonts, themes
# and settings are large, hold no text of ours, and would triple the scan.
WORD_TEXT_PARTS = re.compile(r"word/(document|footnotes|endnotes|comments|header\d*|footer\d*)\.xml|docProps/(core|app)\.xml")
MAX_MEMBER_BYTES = 32 * 1024 * 1024  # our exports are small; a larger member is not ours to read whole


@dataclass(frozen=True)
class Leak:
    path: str  # relative to the site folder; "a.zip!word/document.xml" for archive members
    line: int
    kind: str
    masked: str

    def describe(self) -> str:
        return f"{self.path}:{self.line}: {KIND_NAMES[self.kind]} {self.masked}"


class CleanFiles:
    """Digests of files this scanner passed in the last successful build (``.cache/exemplar/gate.pickle``).

    A rebuild after one edit writes a thousand files the gate has read before,
    byte for byte: those are passed by digest. The record is keyed by
    exemplar's code (the patterns) and the numbers the campaign publishes, so
    a change to either scans everything again.
    """

    def __init__(self, root: Path | None, public_numbers: Iterable[str] = ()) -> None:
        self.path = cache_path(root, "gate.pickle") if root is not None else None
        self.fingerprint = digest(code_fingerprint(), tuple(public_numbers)) if self.path else ""
        self.known: frozenset[str] = frozenset(read_cache(self.path, self.fingerprint) or ())
        self.passed: set[str] = set()

    def save(self) -> None:
        """Keep this site's files (call once the site has been published)."""
        if self.path is not None and self.passed != self.known:
            write_cache(self.path, self.fingerprint, self.passed)


def scan_site(site: Path, public_numbers: Iterable[str] = (), clean: CleanFiles | None = None) -> list[Leak]:
    """Every leak in the files of ``site``; ``clean`` (when given) skips files passed before and
    collects the digests of the files found clean."""
    public = tuple(public_numbers)
    clean = clean or CleanFiles(None)
    _seen_archives.clear()
    files = [(path, path.stat().st_size) for path in site.rglob("*")
             if path.suffix.lower() in SCANNED_SUFFIXES and path.is_file() and not path.is_symlink()]
    # The search index alone can be a third of the site's text: a large text file is read in two parts.
    jobs = []
    for path, size in files:
        parts = 2 if size > SPLIT_BYTES and path.suffix.lower() in TEXT_SUFFIXES else 1
        jobs += [(_Part(path, index, parts), size // parts) for index in range(parts)]
    # Two halves of about equal bytes, one per core.
    halves: tuple[list[_Part], list[_Part]] = ([], [])
    weights = [0, 0]
    for part, size in sorted(jobs, key=lambda item: -item[1]):
        lighter = weights.index(min(weights))
        halves[lighter].append(part)
        weights[lighter] += size
    results = in_halves(lambda parts: _scan_files(site, parts, public, clean.known), halves[0] + halves[1],
                        minimum=PARALLEL_MIN_FILES, split=len(halves[0]))
    passed_parts: dict[str, set[int]] = {}
    for _, passed in results:
        for data_digest, index, parts in passed:
            passed_parts.setdefault(data_digest, set()).add(index)
            if len(passed_parts[data_digest]) == parts:  # a file is clean when every part of it is
                clean.passed.add(data_digest)
    return sorted((leak for leaks, _ in results for leak in leaks), key=lambda leak: (leak.path, leak.line))


PARALLEL_MIN_FILES = 100  # below this a second process costs more than it saves
SPLIT_BYTES = 4 * 1024 * 1024
# Characters before a number that decide whether it is reported (pii._KEYWORD_REACH and its window), with room.
_CONTEXT = 64


class _Part(NamedTuple):
    path: Path
    index: int  # which part of the file: 0 .. parts - 1
    parts: int


def _scan_files(site: Path, parts: Sequence[_Part], public: tuple[str, ...],
                known: frozenset[str] = frozenset()) -> tuple[list[Leak], list[tuple[str, int, int]]]:
    """The leaks in ``parts``, and (digest, part, parts) of the parts found clean (``known`` files are
    clean unread)."""
    leaks: list[Leak] = []
    passed: list[tuple[str, int, int]] = []
    for path, index, count in parts:
        data = path.read_bytes()
        data_digest = hashlib.sha256(data).hexdigest()
        if data_digest in known:
            passed.append((data_digest, index, count))
            continue
        relative = path.relative_to(site).as_posix()
        if path.suffix.lower() in TEXT_SUFFIXES:
            found = list(_scan_text(relative, data, public, index, count))
        else:
            found = _scan_archive(relative, data, public)
        if found:
            leaks += found
        else:
            passed.append((data_digest, index, count))
    return leaks, passed


def _scan_text(name: str, data: bytes, public: tuple[str, ...], index: int = 0, parts: int = 1) -> Iterator[Leak]:
    """The leaks in part ``index`` of ``parts`` of a text. Parts end where no number can run across
    (a character that is neither digit nor separator)."""
    text = data.decode("utf-8", errors="replace")
    bounds = [0, *(_boundary(text, len(text) * n // parts) for n in range(1, parts)), len(text)]
    return _scan_region(name, text, public, bounds[index], bounds[index + 1])


def _scan_region(name: str, text: str, public: tuple[str, ...], start: int, end: int) -> Iterator[Leak]:
    """The leaks that start in ``text[start:end]``, with the text around it read too."""
    offset = max(start - _CONTEXT, 0)
    for finding in find_personal_data(text[offset:min(end + _CONTEXT, len(text))], public):
        at = finding.start + offset
        if start <= at < end and finding.strong:  # a weak bank-card look-alike is advice for editors
            yield Leak(name, text.count("\n", 0, at) + 1, finding.kind, finding.masked)


def _boundary(text: str, position: int) -> int:
    while position < len(text) and (text[position] in NUMBER_CHARACTERS
                                    or (position > 0 and text[position - 1] in NUMBER_CHARACTERS)):
        position += 1
    return position


# An archive seen before in this scan (press.docx, again inside press-kit.zip):
# digest -> whether it leaked; a clean copy is not read twice.
_seen_archives: dict[str, bool] = {}


def _scan_archive(name: str, data: bytes, public: tuple[str, ...]) -> list[Leak]:
    digest = hashlib.sha256(data).hexdigest()
    if _seen_archives.get(digest) is False:
        return []
    leaks = _read_archive(name, data, public)
    _seen_archives[digest] = bool(leaks)
    return leaks


def _read_archive(name: str, data: bytes, public: tuple[str, ...]) -> list[Leak]:
    leaks: list[Leak] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            is_word = "word/document.xml" in archive.namelist()
            for member in archive.infolist():
                suffix = Path(member.filename).suffix.lower()
                if member.is_dir() or suffix not in ARCHIVE_MEMBER_SUFFIXES or member.file_size > MAX_MEMBER_BYTES:
                    continue
                if is_word and not WORD_TEXT_PARTS.fullmatch(member.filename):
                    continue
                inner = archive.read(member)
                label = f"{name}!{member.filename}"
                if suffix in ARCHIVE_SUFFIXES:
                    leaks += _scan_archive(label, inner, public)
                else:
                    # Word splits text into runs (<w:t>); join them so a number cut across runs is still seen.
                    text = inner.decode("utf-8", errors="replace")
                    if member.filename.startswith("word/"):
                        text = _word_text(text)
                    leaks += _scan_text(label, text.encode("utf-8"), public)
    except zipfile.BadZipFile:
        pass  # not an archive we made; nothing to read
    return leaks


def _word_text(xml: str) -> str:
    """The visible text of a WordprocessingML part, one paragraph per line."""
    paragraphs = re.split(r"</w:p>", xml)
    return "\n".join("".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", p)) for p in paragraphs)
