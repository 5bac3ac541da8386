"""Images: inspect and decode editors' photos safely.

Every image is opened under a pixel limit, so a decompression bomb is refused
from its header, before its pixels are allocated. Inspection results are
memoised by file identity (path, size, mtime) for the life of the process.
"""

from __future__ import annotations

import multiprocessing
import struct
import warnings
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 40_000_000  # 40 MP: above any camera editors use, far below a bomb
FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")


@dataclass(frozen=True, slots=True)
class ImageInfo:
    format: str
    width: int
    height: int
    has_gps: bool


class ImageProblem(Exception):
    """Why an image cannot be used: code and a Chinese message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# Inspections started ahead of time in another process (see ``prefetch``):
# str(path) -> (size, mtime_ns, future of a chunk's results).
_prefetched: dict[str, tuple[int, int, Future]] = {}
_PREFETCH_MIN = 64  # below this, a second process costs more than it saves


def prefetch(paths: list[Path]) -> None:
    """Start inspecting ``paths`` on the second core while the caller parses YAML.

    ``inspect_image`` then picks up the results. This only saves time; when
    forking is not available, or for few images, it does nothing.
    """
    if len(paths) < _PREFETCH_MIN or "fork" not in multiprocessing.get_all_start_methods():
        return
    executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    chunk: list[tuple[str, int, int]] = []
    chunks = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        chunk.append((str(path), stat.st_size, stat.st_mtime_ns))
        if len(chunk) == 100:
            chunks.append(chunk)
            chunk = []
    if chunk:
        chunks.append(chunk)
    for part in chunks:
        future = executor.submit(_inspect_many, part)
        for name, size, mtime_ns in part:
            _prefetched[name] = (size, mtime_ns, future)
    executor.shutdown(wait=False)


def _inspect_many(part: list[tuple[str, int, int]]) -> dict[str, ImageInfo | tuple[str, str]]:
    results: dict[str, ImageInfo | tuple[str, str]] = {}
    for name, size, mtime_ns in part:
        try:
            results[name] = _inspect(name, size, mtime_ns)
        except ImageProblem as problem:
            results[name] = (problem.code, problem.message)
        except OSError:
            pass  # inspected again, and reported, by the caller
    return results


def inspect_image(path: Path) -> ImageInfo:
    """Identify an image and check its structure without decoding its pixels.

    A truncated JPEG lacks the end-of-image marker after its last scan; a
    truncated PNG breaks the chunk walk of ``verify()``; a truncated WebP is
    shorter than its RIFF header says. Decoding every photo would cost most of
    ``check``'s time budget; the build decodes anyway and reports any damage
    this cheaper test misses (bit flips inside the compressed data).
    """
    stat = path.stat()
    ahead = _prefetched.pop(str(path), None)
    if ahead is not None and ahead[:2] == (stat.st_size, stat.st_mtime_ns):
        try:
            result = ahead[2].result().get(str(path))
        except Exception:  # the helper process died: do the work here
            result = None
        if isinstance(result, ImageInfo):
            return result
        if result is not None:
            raise ImageProblem(*result)
    return _inspect(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=65536)
def _inspect(path: str, size: int, mtime_ns: int) -> ImageInfo:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format not in FORMATS:
                    raise ImageProblem("E404", f"图片格式是 {image.format}，只支持 JPEG、PNG、WebP")
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ImageProblem("E405", f"图片有 {width}×{height} 像素，超过上限 {MAX_PIXELS // 1_000_000} 百万像素")
                has_gps = _has_gps(image)
                format_name = image.format
        if format_name == "PNG":
            with Image.open(path) as image:
                image.verify()  # walks every chunk and its CRC, up to IEND
        else:
            _check_complete(Path(path).read_bytes(), format_name)
        return ImageInfo(FORMATS[format_name], width, height, has_gps)
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem("E405", "图片像素数过大（可能是解压炸弹）") from None
    except UnidentifiedImageError:
        raise ImageProblem("E404", "无法识别的图片格式，只支持 JPEG、PNG、WebP") from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        raise ImageProblem("E406", f"图片已损坏或不完整（{exc}）") from None


def _check_complete(data: bytes, format_name: str) -> None:
    if format_name == "JPEG":
        # Entropy-coded data escapes 0xFF, so an FFD9 after the last start-of-scan
        # can only be the end-of-image marker. Trailers after it are allowed.
        if data.rfind(b"\xff\xd9") < data.rfind(b"\xff\xda"):
            raise ImageProblem("E406", "JPEG 图片不完整（文件被截断）")
    elif format_name == "WEBP":
        declared = struct.unpack("<I", data[4:8])[0] + 8
        if len(data) < declared:
            raise ImageProblem("E406", "WebP 图片不完整（文件被截断）")


def decode_image(path: Path) -> Image.Image:
    """Fully decode an image for processing; damage becomes ``ImageProblem``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            if image.width * image.height > MAX_PIXELS:
                raise ImageProblem("E405", "图片像素数过大")
            image.load()
            return image
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem("E405", "图片像素数过大（可能是解压炸弹）") from None
    except UnidentifiedImageError:
        raise ImageProblem("E404", "无法识别的图片格式") from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        raise ImageProblem("E406", f"图片已损坏或不完整（{exc}）") from None


def _has_gps(image: Image.Image) -> bool:
    try:
        exif = image.getexif()
    except Exception:  # a malformed EXIF block is not our problem to report here
        return False
    gps = exif.get_ifd(0x8825) if exif else None
    return bool(gps)
