"""Writing an editor's file back: the only two commands that do are ``sign`` and ``fix``.

The new text goes to a temporary file beside the original and is renamed over
it, so an interruption leaves the old file or the new one, never half of
each; the file's permissions, UTF-8 BOM and Windows line endings are kept.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_like(path: Path, text: str, original: bytes) -> None:
    """Write ``text`` (with "\\n" newlines) keeping the original's BOM and line endings."""
    data = text.replace("\n", "\r\n") if b"\r\n" in original else text
    encoded = data.encode("utf-8")
    if original.startswith(b"\xef\xbb\xbf"):
        encoded = b"\xef\xbb\xbf" + encoded
    atomic_write(path, encoded)


def atomic_write(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
