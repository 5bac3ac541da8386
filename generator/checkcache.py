"""Remembered per-document check results, so an unchanged story is not checked again.

Editors run ``exemplar check`` over and over while writing; on a campaign of
thousands of stories nearly all of them are unchanged each time. The result of
``validate.check_document`` depends only on:

* the document's bytes (hashed, not its modification time: an editor's tool
  that rewrites a file with the same timestamp must not hide a change);
* the files beside it in its folder (names, sizes and modification times:
  images are inspected and named files must exist; hashing every photo would
  cost what inspecting them costs);
* the campaign settings passed in (vocabularies, rules, public numbers,
  today's date), and the code doing the checking (exemplar's own source and
  the versions of the libraries whose judgement it reports).

All of these form the key; anything else changed means a miss. The checks
across files (unique names, references) always run afresh on the results.

The cache lives in ``.cache/exemplar/check.pickle`` under the site root, beside
the image and media caches: a local file like ``__pycache__``, never committed.
It is an optimisation only: unreadable, damaged or unwritable, it is ignored.
``EXEMPLAR_NO_CACHE=1`` turns it off (benchmarks of a cold check use it).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .cachefile import cache_path, code_fingerprint, digest, package_versions, read_cache, write_cache
from .load import DocumentRef

CACHE_FILE = Path(".cache/exemplar/check.pickle")
FORMAT = 1
_LIBRARIES = ("pyyaml", "pillow", "markdown", "nh3", "autocorrect-py", "opencc")


@dataclass
class CheckCache:
    path: Path | None  # None: caching is off
    settings: str
    entries: dict[str, tuple[str, Any]] = field(default_factory=dict)  # source -> (document key, Checked)
    changed: bool = False

    @classmethod
    def open(cls, root: Path, *settings: Any) -> CheckCache:
        path = cache_path(root, CACHE_FILE.name)
        if path is None:
            return cls(None, "")
        key = digest(FORMAT, code_fingerprint(), package_versions(*_LIBRARIES), settings)
        entries = read_cache(path, key)
        if entries is not None:
            return cls(path, key, entries)
        return cls(path, key, changed=True)

    def document_key(self, root: Path, ref: DocumentRef) -> str | None:
        if self.path is None:
            return None
        try:
            digest = hashlib.sha256((root / ref.source).read_bytes())
            if ref.kind != "page":  # a bundle: the files beside index.md (and below it) matter too
                for folder, directories, files in os.walk(root / ref.source.parent):
                    directories.sort()
                    for name in sorted(directories + files):
                        stat = os.lstat(os.path.join(folder, name))
                        digest.update(f"\0{folder}/{name}\0{stat.st_mode}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
        except OSError:
            return None  # unreadable: check it (and report why) every time
        return digest.hexdigest()

    def get(self, source: PurePosixPath, key: str | None) -> Any | None:
        if key is None:
            return None
        stored = self.entries.get(str(source))
        return stored[1] if stored is not None and stored[0] == key else None

    def put(self, source: PurePosixPath, key: str | None, checked: Any) -> None:
        if key is not None:
            self.entries[str(source)] = (key, checked)
            self.changed = True

    def save(self, keep: set[str]) -> None:
        """Write the entries for ``keep`` (the documents that still exist)."""
        if self.path is None:
            return
        stale = self.entries.keys() - keep
        if not self.changed and not stale:
            return
        for source in stale:
            del self.entries[source]
        write_cache(self.path, self.settings, self.entries)
