"""Generate every page's media kit, in parallel, cached by content hash.

Input: ``MediaItem`` values (built by ``stage.py`` for published entries only)
and the fonts. Output: for each item, the files of its kit in the cache
(``.cache/exemplar/media/<key>/``), returned as (output path, cached file)
pairs for the renderer to copy next to the page. ``key`` hashes everything the
files depend on: the item's fields, the bytes of its images, the generators'
versions and the font files. A build with nothing changed generates nothing; a
change to one story regenerates that story's kit only.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

from . import MediaItem
from .fonts import CJKFonts, load_fonts
from .graphics import GRAPHICS_VERSION

KIT_VERSION = "1"  # bump when the kit's own assembly changes
FILES = ("card.png", "poster.png", "qr.png", "qr.svg", "wechat.html", "press.docx", "press.txt",
         "press-kit.zip", "broadcast.txt")
_PARALLEL_MIN = 3


def media_cache_dir(site_root: Path) -> Path:
    return site_root / ".cache" / "exemplar" / "media"


def item_key(item: MediaItem, fonts: CJKFonts) -> str:
    """Everything the kit's bytes depend on."""
    def default(value):
        if isinstance(value, Path):
            return {"path": str(value), "sha256": _digest(value)}
        return str(value)

    material = json.dumps({"item": asdict(item), "kit": KIT_VERSION, "graphics": GRAPHICS_VERSION,
                           "fonts": fonts.fingerprint()}, default=default, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def generate_kits(items: list[MediaItem], cache_dir: Path, web_photos: dict[Path, Path],
                  workers: int | None = None) -> dict[str, list[tuple[str, Path]]]:
    """page_path -> [(file name, cached path)] for every item; generates only what is missing.

    ``web_photos`` maps each photo's original to its published web-size JPEG,
    which the Word release embeds (the zip carries the full-resolution copy).
    """
    if not items:
        return {}
    fonts = load_fonts()
    keyed = [(item, cache_dir / item_key(item, fonts)) for item in items]
    missing = [(item, folder) for item, folder in keyed if not _complete(folder)]
    if missing:
        jobs = [(item, folder, {p.path: web_photos.get(p.path) for p in item.photos}) for item, folder in missing]
        count = min(workers or os.cpu_count() or 1, len(jobs))
        if count < 2 or len(jobs) < _PARALLEL_MIN or "fork" not in multiprocessing.get_all_start_methods():
            for job in jobs:
                _generate(job)
        else:
            with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
                list(pool.map(_generate, jobs))
    return {item.page_path: [(name, folder / name) for name in FILES] for item, folder in keyed}


def _complete(folder: Path) -> bool:
    return (folder / "complete").is_file()


def _generate(job: tuple[MediaItem, Path, dict[Path, Path | None]]) -> None:
    # The renderers (pypinyin's dictionary, python-docx, ...) load only when a kit is made, not on every build.
    from .broadcast import render_broadcast
    from .graphics import render_card, render_poster, render_qr_png, render_qr_svg
    from .press import render_docx, render_press_kit, render_press_text, strip_metadata, text_file
    from .wechat import render_wechat

    item, folder, web = job
    fonts = load_fonts()
    qr_png = render_qr_png(item.url)
    card = render_card(item, fonts)
    poster = render_poster(item, fonts, qr_png=qr_png)
    web_photos = [(photo, (web[photo.path] or photo.path).read_bytes()) for photo in item.photos]
    full_photos = [(photo, strip_metadata(photo.path.read_bytes())) for photo in item.photos]
    docx = render_docx(item, web_photos)
    press_text = render_press_text(item)
    files = {
        "card.png": card,
        "poster.png": poster,
        "qr.png": qr_png,
        "qr.svg": render_qr_svg(item.url),
        "wechat.html": render_wechat(item).encode("utf-8"),
        "press.docx": docx,
        "press.txt": text_file(press_text),
        "press-kit.zip": render_press_kit(item, docx=docx, text=press_text, poster_png=poster, card_png=card,
                                          photos=full_photos),
        "broadcast.txt": text_file(render_broadcast(item)),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        temporary = folder / f".{name}.{os.getpid()}.tmp"
        temporary.write_bytes(data)
        os.replace(temporary, folder / name)
    (folder / "complete").write_text("ok", encoding="utf-8")  # last: marks the kit whole
