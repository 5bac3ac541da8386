"""The files under ``.cache/exemplar/`` that make a second build or check faster.

Every cache there is a pickle holding a fingerprint (what the entries were
made with: exemplar's code, library versions, settings) and the entries. A
cache is an optimisation only: missing, damaged, from another version or
unwritable, it is ignored and the work is done afresh. ``EXEMPLAR_NO_CACHE=1``
turns every cache off (benchmarks of cold runs use it).

A rebuild after one edit changes a few entries of caches that hold thousands
(the check, stage and search caches: tens of megabytes at 1,000 stories).
Their changes are written to a small ``<name>.delta`` file beside the cache,
naming the version of the whole file it applies to; the whole file is
written again only when the changes have grown to a quarter of it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from .writeback import atomic_write

CACHE_DIR = Path(".cache/exemplar")


def cache_path(root: Path, name: str) -> Path | None:
    """Where the cache ``name`` lives under the site ``root``; None when caching is off."""
    if os.environ.get("EXEMPLAR_NO_CACHE") == "1":
        return None
    return root / CACHE_DIR / name


def template_cache(root: Path) -> Any:
    """A Jinja bytecode cache under ``.cache/exemplar/templates`` (None when caching is off).

    Jinja compiles every template to Python on every build; the bytecode is
    stored per template with a checksum of its source, so an edited template
    is compiled again.
    """
    path = cache_path(root, "templates")
    if path is None:
        return None
    import jinja2

    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(path))


def read_cache(path: Path | None, fingerprint: str) -> Any | None:
    """The entries stored under ``fingerprint`` (with the changes in the delta beside them), or None."""
    if path is None:
        return None
    stored = _load(path)
    if stored is None or stored.get("fingerprint") != fingerprint:
        return None
    entries = stored["entries"]
    if isinstance(entries, dict):
        base = dict(entries)  # as in the whole file: later deltas are made against it
        delta = _load(_delta_path(path))
        if delta is not None and delta.get("base") == stored.get("version"):
            entries.update(delta["changed"])
            for key in delta["removed"]:
                entries.pop(key, None)
        _read[path] = (fingerprint, stored.get("version"), base)
    return entries


def write_cache(path: Path | None, fingerprint: str, entries: Any) -> None:
    """Store ``entries``: as a delta against the whole file when few differ from it (see the module docstring).

    An entry counts as unchanged when it is the very object ``read_cache`` gave.
    """
    if path is None:
        return
    read = _read.get(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(entries, dict) and read is not None and read[0] == fingerprint and read[1] is not None:
            _, version, base = read
            changed = {key: value for key, value in entries.items() if base.get(key, _MISSING) is not value}
            removed = [key for key in base if key not in entries]
            if len(changed) + len(removed) <= len(base) // 4:
                atomic_write(_delta_path(path), _dump({"base": version, "changed": changed, "removed": removed}))
                return
        version = os.urandom(8).hex()
        atomic_write(path, _dump({"fingerprint": fingerprint, "version": version, "entries": entries}))
        _delta_path(path).unlink(missing_ok=True)  # made against the file just replaced
        if isinstance(entries, dict):
            _read[path] = (fingerprint, version, dict(entries))
    except OSError:
        pass  # a read-only checkout still builds, just without remembering


_MISSING = object()
_read: dict[Path, tuple[str, str | None, dict]] = {}  # path -> (fingerprint, version, entries of the whole file)


def _delta_path(path: Path) -> Path:
    return path.with_name(path.name + ".delta")


def _dump(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _load(path: Path) -> dict | None:
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except Exception:  # missing, damaged or written by another version: start afresh
        return None
    return stored if isinstance(stored, dict) else None


def digest(*parts: Any) -> str:
    """A key for ``parts``: strings, bytes, lists, tuples and dicts of them; anything else by its ``repr``."""
    hashed = hashlib.sha256()
    _feed(hashed, parts)
    return hashed.hexdigest()


def stable_digest(*parts: Any) -> str | None:
    """``digest(*parts)``, or None when some part shows only its address (``<object at 0x…>``),
    which differs from one build to the next."""
    unstable: list[str] = []
    hashed = hashlib.sha256()
    _feed(hashed, parts, unstable)
    return None if unstable else hashed.hexdigest()


def _feed(hashed: Any, value: Any, unstable: list[str] | None = None) -> None:
    # Type tags and lengths keep ("ab", "c") and ("a", "bc") apart; long texts are hashed as they are,
    # not through repr (which copies and escapes them).
    if isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        hashed.update(b"s%d:" % len(data))
        hashed.update(data)
    elif type(value) is int:  # sizes, times: the commonest small values
        hashed.update(b"i%d:" % value)
    elif isinstance(value, bytes):
        hashed.update(b"b%d:" % len(value))
        hashed.update(value)
    elif isinstance(value, (tuple, list)):
        hashed.update(b"l%d:" % len(value))
        for item in value:
            _feed(hashed, item, unstable)
    elif isinstance(value, dict):
        hashed.update(b"d%d:" % len(value))
        for key, item in value.items():
            _feed(hashed, key, unstable)
            _feed(hashed, item, unstable)
    else:
        text = f"{type(value).__qualname__}:{value!r}"
        if unstable is not None and " at 0x" in text:
            unstable.append(text)
        data = text.encode("utf-8", "surrogatepass")
        hashed.update(b"r%d:" % len(data))
        hashed.update(data)


def package_versions(*names: str) -> list[tuple[str, str | None]]:
    """Installed versions of the libraries whose output a cache holds."""
    return [(name, _version(name)) for name in names]


@functools.cache  # each lookup searches every installed distribution
def _version(name: str) -> str | None:
    from importlib import metadata  # only when caching: importing it costs what checking 20 stories does

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


_code: str | None = None


def code_fingerprint() -> str:
    """exemplar's own source and templates: any change to them may change what a cache holds."""
    global _code
    if _code is None:
        hashed = hashlib.sha256()
        package = str(Path(__file__).parent)
        for folder, directories, files in os.walk(package):
            directories[:] = sorted(d for d in directories if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(_CODE_SUFFIXES):
                    path = os.path.join(folder, name)
                    with open(path, "rb") as handle:
                        hashed.update(os.path.relpath(path, package).encode() + b"\0" + handle.read())
        _code = hashed.hexdigest()
    return _code


_CODE_SUFFIXES = (".py", ".html", ".css", ".js", ".txt")
