"""The files under ``.cache/exemplar/`` that make a second build or check faster.

Every cache there is a pickle holding a fingerprint (what the entries were
made with: exemplar's code, library versions, settings) and the entries. A
cache is an optimisation only: missing, damaged, from another version or
unwritable, it is ignored and the work is done afresh. ``EXEMPLAR_NO_CACHE=1``
turns every cache off (benchmarks of cold runs use it).
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
    """The entries stored under ``fingerprint``, or None."""
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
        if isinstance(stored, dict) and stored.get("fingerprint") == fingerprint:
            return stored["entries"]
    except Exception:  # missing, damaged or written by another version: start afresh
        pass
    return None


def write_cache(path: Path | None, fingerprint: str, entries: Any) -> None:
    if path is None:
        return
    data = pickle.dumps({"fingerprint": fingerprint, "entries": entries}, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError:
        pass  # a read-only checkout still builds, just without remembering


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
