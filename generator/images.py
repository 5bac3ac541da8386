"""Images: inspect editors' photos safely, and process them for the web.

Every image is opened under a pixel limit, so a decompression bomb is refused
from its header, before its pixels are allocated. Inspection results (for
``exemplar check``) are memoised by file identity (path, size, mtime) for the
life of the process.

``process_images`` (for the build) takes source photos and returns, for each,
resized copies ready to publish:

* input: paths of JPEG, PNG or WebP files; a cache folder; target widths;
* output: ``ProcessedImage`` per path, each variant's bytes in the cache;
* guarantees: EXIF orientation applied; colours converted to sRGB when the
  source carries an ICC profile; no metadata in any output (no EXIF, GPS, XMP,
  ICC profile or comment); never upscaled; the same source bytes give the same
  output bytes and names; a damaged or oversized source is an ``ImageProblem``,
  never a traceback (all of them reported at once by ``ImageProcessingError``).

The cache is keyed by the SHA-256 of the source bytes and by the settings
(``PROCESSING_VERSION``, Pillow's version, widths, encoder options). An
unchanged photo costs one read and one hash; nothing is decoded. Files are
written under temporary names and renamed into place, the manifest last, so an
interrupted build leaves either a complete entry or one that is redone.

Time, on this project's 2-core machine, for 100 photo-like 1200×800 JPEGs
(``python bench/images_bench.py``, widths 480/960/1440): cold 22.5 s on both
cores (0.44 s of CPU per photo, 70 % of it in the WebP encoder, 15 % resizing,
10 % JPEG), warm 0.07 s (reading and hashing 18 MB), so cold/warm ≈ 330×. A
12-megapixel camera JPEG costs about the same as a 1200×800 one, because
libjpeg decodes it at half scale (``draft``). Timings on this machine vary by
±20 % between runs, and more when something else is using a core.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

# Pillow is imported where it is used: `check` reads most JPEG headers itself
# (_jpeg_header) and need not pay for importing it.
if TYPE_CHECKING:
    from PIL import Image

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

    def __reduce__(self):  # rebuilt with both arguments in the parent process
        return (ImageProblem, (self.code, self.message))


def inspect_image(path: Path, status: os.stat_result | None = None) -> ImageInfo:
    """Identify an image and check its structure without decoding its pixels.

    A truncated JPEG lacks the end-of-image marker after its last scan; a
    truncated PNG breaks the chunk walk of ``verify()``; a truncated WebP is
    shorter than its RIFF header says. Decoding every photo would cost most of
    ``check``'s time budget; the build decodes anyway and reports any damage
    this cheaper test misses (bit flips inside the compressed data).
    """
    status = status or path.stat()  # the caller may have it already
    return _inspect(str(path), status.st_size, status.st_mtime_ns)


# A camera's photo is several megabytes, and a campaign has thousands: a JPEG's
# headers (the size, EXIF) are at its start and its end-of-image marker at its
# end, so those two ends are read, and the whole file only when they cannot decide.
_JPEG_HEAD_BYTES = 64 * 1024  # a camera's EXIF (with its thumbnail), ICC and MPF segments
_JPEG_HEAD_MAX_BYTES = 1024 * 1024  # an edited photo's XMP and Photoshop segments, read when the first part ends in them
_JPEG_TAIL_BYTES = 16 * 1024


@lru_cache(maxsize=65536)
def _inspect(path: str, size: int, mtime_ns: int) -> ImageInfo:
    info = _inspect_jpeg_ends(path, size)
    if info is not None:
        return info
    data = Path(path).read_bytes()
    header = _jpeg_header(data)
    if header is not None and header[0] * header[1] <= MAX_PIXELS:
        _check_complete(data, "JPEG")
        return ImageInfo("JPEG", *header)
    # Anything else, and any JPEG the quick reader is unsure of, goes through Pillow.
    from PIL import Image

    with _image_problems():
        with Image.open(io.BytesIO(data)) as image:
            _check_format(image)
            _check_pixels(image)
            width, height = image.size
            has_gps = _has_gps(image)
            format_name = image.format
        if format_name == "PNG":
            with Image.open(io.BytesIO(data)) as image:
                image.verify()  # walks every chunk and its CRC, up to IEND
        else:
            _check_complete(data, format_name)
        return ImageInfo(FORMATS[format_name], width, height, has_gps)


def _inspect_jpeg_ends(path: str, size: int) -> ImageInfo | None:
    """A large JPEG's info from its first and last bytes alone, or None: read all of it.

    The last end-of-image marker with no start-of-scan after it, seen in the
    tail, is the last one in the file and after its last scan: exactly what
    ``_check_complete`` asks of the whole file. When the tail cannot show that
    (a truncated file, or a long trailer such as a phone's motion-photo video),
    the whole file decides.
    """
    if size <= _JPEG_HEAD_BYTES + _JPEG_TAIL_BYTES:
        return None
    try:
        with open(path, "rb") as file:
            head = file.read(_JPEG_HEAD_BYTES)
            header = _jpeg_header(head)
            if header is None and size > _JPEG_HEAD_MAX_BYTES + _JPEG_TAIL_BYTES:
                head += file.read(_JPEG_HEAD_MAX_BYTES - len(head))
                header = _jpeg_header(head)
            if header is None or header[0] * header[1] > MAX_PIXELS:
                return None
            file.seek(-_JPEG_TAIL_BYTES, os.SEEK_END)
            tail = file.read()
    except OSError:  # replaced by a shorter file since it was looked at: the whole file decides
        return None
    if tail.rfind(b"\xff\xd9") <= tail.rfind(b"\xff\xda"):  # no marker in the tail (-1 <= -1), or a scan after it
        return None
    return ImageInfo("JPEG", *header)


# Start-of-frame markers carry the image size; C4 (DHT), C8 (JPG), CC (DAC) do not.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_STANDALONE_MARKERS = frozenset([0x01, *range(0xD0, 0xD9)])  # TEM, RSTn, SOI


def _jpeg_header(data: bytes) -> tuple[int, int, bool] | None:
    """(width, height, has GPS) from a JPEG's headers, or None when unsure.

    Pillow's JPEG plugin does the same walk in Python with far more
    machinery, and ``check`` opens every photo of a campaign; this reads only
    the segments before the frame header. Whatever it does not understand
    (None) is left to Pillow, which reports the exact problem.
    """
    if not data.startswith(b"\xff\xd8"):
        return None
    gps = False
    index, end = 2, len(data)
    while index + 4 <= end:
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        if marker in _STANDALONE_MARKERS:
            index += 2
            continue
        length = int.from_bytes(data[index + 2:index + 4], "big")
        segment = data[index + 4:index + 2 + length]
        if length < 2 or len(segment) != length - 2:
            return None
        if marker == 0xE1 and segment.startswith(b"Exif\0\0"):
            gps = gps or _exif_has_gps(segment[6:])
        elif marker in _SOF_MARKERS:
            if len(segment) < 5:
                return None
            height = int.from_bytes(segment[1:3], "big")
            width = int.from_bytes(segment[3:5], "big")
            return (width, height, gps) if width and height else None
        index += 2 + length
    return None


def _exif_has_gps(tiff: bytes) -> bool:
    """Whether an EXIF block's first directory points at a non-empty GPS directory."""
    order = {b"II": "little", b"MM": "big"}.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return False
    number = partial(int.from_bytes, byteorder=order)
    ifd = number(tiff[4:8])
    if ifd + 2 > len(tiff):
        return False
    for entry in range(number(tiff[ifd:ifd + 2])):
        at = ifd + 2 + 12 * entry
        if at + 12 > len(tiff):
            return False
        if number(tiff[at:at + 2]) == 0x8825:  # GPSInfo
            gps_ifd = number(tiff[at + 8:at + 12])
            return gps_ifd + 2 <= len(tiff) and number(tiff[gps_ifd:gps_ifd + 2]) > 0
    return False


@contextmanager
def _image_problems() -> Iterator[None]:
    """Turn Pillow's ways of failing on a bad file into ``ImageProblem``."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem("E405", "图片像素数过大（可能是解压炸弹）") from None
    except UnidentifiedImageError:
        raise ImageProblem("E404", "无法识别的图片格式，只支持 JPEG、PNG、WebP") from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        raise ImageProblem("E406", f"图片已损坏或不完整（{exc}）") from None


def _check_format(image: Image.Image) -> None:
    if image.format not in FORMATS:
        raise ImageProblem("E404", f"图片格式是 {image.format}，只支持 JPEG、PNG、WebP")


def _check_pixels(image: Image.Image) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageProblem("E405", f"图片有 {width}×{height} 像素，超过上限 {MAX_PIXELS // 1_000_000} 百万像素")


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
    from PIL import Image

    with _image_problems():
        image = Image.open(path)
        _check_pixels(image)
        image.load()
        return image


def _has_gps(image: Image.Image) -> bool:
    try:
        exif = image.getexif()
    except Exception:  # a malformed EXIF block is not our problem to report here
        return False
    gps = exif.get_ifd(0x8825) if exif else None
    return bool(gps)


# ------------------------------------------------------------ web processing

PROCESSING_VERSION = 1  # raise when a change to this code changes output bytes
DEFAULT_WIDTHS = (480, 960, 1440)
# Measured on photo-like 1200×800 images: WebP method 5 costs about what 4
# does and is ~20 % smaller at 1200 px; method 6 is 2 % smaller again but
# takes almost twice as long, and WebP encoding is already most of the time.
ENCODERS: dict[str, dict[str, object]] = {
    "jpeg": {"format": "JPEG", "quality": 82, "progressive": True, "optimize": True},
    "png": {"format": "PNG", "optimize": True},
    "webp": {"format": "WEBP", "quality": 80, "method": 5},
}
EXTENSION = {"jpeg": "jpg", "png": "png", "webp": "webp"}
MANIFEST = "manifest.json"
_PARALLEL_MIN = 5  # fewer misses than this: a process pool costs more than it saves
_TURNED = (5, 6, 7, 8)  # EXIF orientations that swap width and height


@dataclass(frozen=True, slots=True)
class Variant:
    width: int
    height: int
    format: str       # "jpeg" | "webp" | "png"
    name: str         # content-addressed output file name, e.g. "3f2a9c1b7e4d-960.webp"
    cache_path: Path  # where the bytes are in the cache


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    source: Path
    digest: str     # SHA-256 of the source bytes; names use its first 12 hex digits
    width: int      # after orientation, of the largest variant
    height: int
    variants: tuple[Variant, ...]  # ascending width; per width JPEG (PNG with alpha), then WebP if smaller
    has_alpha: bool


class ImageProcessingError(Exception):
    """Some sources could not be processed.

    ``failures`` maps each such source to its ``ImageProblem`` (code and
    Chinese message); ``processed`` holds every source that did work, already
    in the cache, so a caller may report the failures and still use the rest.
    """

    def __init__(self, failures: dict[Path, ImageProblem], processed: dict[Path, ProcessedImage]) -> None:
        super().__init__(f"{len(failures)} 张图片无法处理")
        self.failures = failures
        self.processed = processed


_Outcome = ProcessedImage | ImageProblem  # what one source becomes; workers return, not raise


def image_cache_dir(site_root: Path) -> Path:
    """Where a site's processed images are kept between builds."""
    return site_root / ".cache" / "exemplar" / "images"


def process_images(sources: Iterable[Path], cache_dir: Path, widths: tuple[int, ...] = DEFAULT_WIDTHS,
                   workers: int | None = None,
                   digest_of: Callable[[Path], str] | None = None) -> dict[Path, ProcessedImage]:
    """Resize and re-encode each source for the web, through the cache.

    Returns one ``ProcessedImage`` per distinct source, in the order given.
    Raises ``ImageProcessingError`` after trying every source if any failed.
    Misses are processed on ``workers`` processes (default: every core) when
    there are enough of them to pay for the pool; ``workers=1`` stays serial.
    Errors reading a source or writing the cache (``OSError``) propagate.
    ``digest_of(path)`` gives a source's sha256 (default: read and hash it).
    """
    widths = tuple(sorted(set(widths)))
    if not widths or widths[0] < 1:
        raise ValueError(f"widths must be positive: {widths!r}")
    key = _settings_key(widths)
    order = list(dict.fromkeys(sources))
    outcomes: dict[Path, _Outcome] = {}
    misses: dict[str, list[Path]] = {}  # digest -> sources with those bytes
    for source in order:
        digest = digest_of(source) if digest_of is not None else file_digest(source)
        cached = _load_entry(source, digest, cache_dir, key)
        if cached is not None:
            outcomes[source] = cached
        else:
            misses.setdefault(digest, []).append(source)
    job = partial(_process_file, cache_dir=cache_dir, widths=widths, key=key)
    # One source per digest goes to the pool; its copies then hit the cache.
    firsts = sorted((paths[0] for paths in misses.values()), key=lambda path: -path.stat().st_size)
    outcomes.update(zip(firsts, _run(job, firsts, workers)))
    copies = [path for paths in misses.values() for path in paths[1:]]
    outcomes.update(zip(copies, map(job, copies)))

    processed = {s: o for s in order if isinstance(o := outcomes[s], ProcessedImage)}
    failures = {s: o for s in order if isinstance(o := outcomes[s], ImageProblem)}
    if failures:
        raise ImageProcessingError(failures, processed)
    return processed


def file_digest(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _run(job: Callable[[Path], _Outcome], paths: list[Path], workers: int | None) -> list[_Outcome]:
    workers = min(workers or os.cpu_count() or 1, len(paths))
    if workers < 2 or len(paths) < _PARALLEL_MIN:
        return [job(path) for path in paths]
    import multiprocessing  # here, not at the top: `check` imports this module and never needs a pool
    from concurrent.futures import ProcessPoolExecutor

    # fork starts in milliseconds and needs no re-import; spawn is the fallback elsewhere.
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(job, paths))  # largest first, one at a time: the cores finish together


def _settings_key(widths: tuple[int, ...]) -> str:
    import PIL

    settings = [PROCESSING_VERSION, PIL.__version__, widths, ENCODERS]
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


def _process_file(path: Path, cache_dir: Path, widths: tuple[int, ...], key: str) -> _Outcome:
    """One source through the cache. Runs in a worker: returns problems rather than raising."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()  # of the bytes processed, even if the file changed since
    cached = _load_entry(path, digest, cache_dir, key)
    if cached is not None:
        return cached
    try:
        has_alpha, encoded = _render(data, widths)
    except ImageProblem as problem:
        return problem
    entry = cache_dir / digest / key
    entry.mkdir(parents=True, exist_ok=True)
    rows = []
    for width, height, format_name, content in encoded:
        _write_atomic(entry / _variant_name(digest, key, width, format_name), content)
        rows.append([width, height, format_name, len(content)])
    manifest = {"digest": digest, "settings": key, "has_alpha": has_alpha, "variants": rows}
    _write_atomic(entry / MANIFEST, json.dumps(manifest).encode())  # last: it marks the entry complete
    return _processed_image(path, digest, entry, has_alpha, rows)


def _load_entry(path: Path, digest: str, cache_dir: Path, key: str) -> ProcessedImage | None:
    """The cached result for these source bytes, or None if absent or damaged."""
    # Joined as strings: a rebuild looks up every photo of the campaign, and pathlib parses at every join.
    entry = os.path.join(cache_dir, digest, key)
    try:
        with open(os.path.join(entry, MANIFEST), "rb") as file:
            manifest = json.loads(file.read())
        if manifest["digest"] != digest or manifest["settings"] != key:
            return None
        rows = manifest["variants"]
        image = _processed_image(path, digest, Path(entry), bool(manifest["has_alpha"]), rows)
        # Renames make writes atomic, but a file may still have been damaged
        # since (a zero-length file after a crash on some file systems).
        for variant, row in zip(image.variants, rows, strict=True):
            if not 0 < row[3] == os.stat(variant.cache_path).st_size:
                return None
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    return image


def _processed_image(path: Path, digest: str, entry: Path, has_alpha: bool, rows: list) -> ProcessedImage:
    variants = []
    for width, height, format_name, _size in rows:
        if format_name not in ENCODERS:
            raise ValueError(format_name)
        name = _variant_name(digest, entry.name, width, format_name)
        variants.append(Variant(int(width), int(height), format_name, name, entry / name))
    largest = variants[-1]
    return ProcessedImage(path, digest, largest.width, largest.height, tuple(variants), has_alpha)


def _variant_name(digest: str, key: str, width: int, format_name: str) -> str:
    # Named by source bytes *and* processing settings: a new quality setting
    # gives new names, so year-long browser caches never serve stale bytes.
    token = hashlib.sha256(f"{digest}:{key}".encode()).hexdigest()[:12]
    return f"{token}-{width}.{EXTENSION[format_name]}"


def _write_atomic(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def _render(data: bytes, widths: tuple[int, ...]) -> tuple[bool, list[tuple[int, int, str, bytes]]]:
    """Source bytes -> (has_alpha, [(width, height, format, bytes)]), ascending width. No file I/O."""
    from PIL import Image

    image, sizes = _decode_oriented(data, widths)
    image, has_alpha = _web_colours(image)
    image.info = {}  # the encoders copy a comment, an ICC profile or transparency from here
    primary = "png" if has_alpha else "jpeg"
    encoded = []
    for size in sizes:
        resized = image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)
        first = _encode(resized, primary)
        encoded.append((*size, primary, first))
        webp = _encode(resized, "webp")
        if len(webp) < len(first):
            encoded.append((*size, "webp", webp))
    return has_alpha, encoded


def _decode_oriented(data: bytes, widths: tuple[int, ...]) -> tuple[Image.Image, list[tuple[int, int]]]:
    """Decode upright, and the output sizes: ``widths`` capped at the source width."""
    from PIL import Image, ImageOps

    with _image_problems():
        image = Image.open(io.BytesIO(data))
        _check_format(image)
        _check_pixels(image)
        _check_complete(data, image.format)
        orientation = _orientation(image)
        turned = orientation in _TURNED
        width, height = image.size[::-1] if turned else image.size
        sizes = [(w, max(1, round(height * w / width))) for w in sorted({min(w, width) for w in widths})]
        # A JPEG much larger than the largest output decodes at 1/2, 1/4 or 1/8
        # scale in libjpeg, still at least that large; other formats ignore this.
        image.draft(None, sizes[-1][::-1] if turned else sizes[-1])
        image.load()
    if orientation != 1:
        image = ImageOps.exif_transpose(image)
    return image, sizes


def _orientation(image: Image.Image) -> int:
    from PIL import ExifTags

    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # a malformed EXIF block: the photo is shown as stored
        return 1
    return orientation if orientation in range(1, 9) else 1


def _web_colours(image: Image.Image) -> tuple[Image.Image, bool]:
    """RGB, or RGBA when some pixel is not opaque; in sRGB when a profile says otherwise."""
    from PIL import ImageCms

    if image.mode.startswith("I;16"):
        image = image.point(lambda value: value / 256, "L")  # convert() would clip, not scale
    has_alpha = _has_real_alpha(image)
    target = "RGBA" if has_alpha else "RGB"
    profile = image.info.get("icc_profile")
    if profile:
        # A CMYK profile describes CMYK pixels: transform from them directly.
        source_mode = "CMYK" if image.mode == "CMYK" else target
        converted = image if image.mode == source_mode else image.convert(source_mode)
        try:
            icc = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            if "sRGB" in ImageCms.getProfileDescription(icc):
                return converted.convert(target), has_alpha
            return ImageCms.profileToProfile(converted, icc, _srgb(), outputMode=target), has_alpha
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unusable profile (damaged, or grey for colour pixels): take the pixels as they are
    return image.convert(target), has_alpha


@lru_cache(maxsize=1)
def _srgb():
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _has_real_alpha(image: Image.Image) -> bool:
    if image.mode not in ("RGBA", "LA", "PA", "La", "RGBa") and not image.has_transparency_data:
        return False
    return image.convert("RGBA").getchannel("A").getextrema()[0] < 255


def _encode(image: Image.Image, format_name: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, **ENCODERS[format_name])
    return buffer.getvalue()
