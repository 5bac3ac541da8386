"""Images for the web: orientation, metadata, sizes, formats, the cache, failures."""

import hashlib
import io
import random
import re
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms

from exemplar import images
from exemplar.images import ImageProcessingError, inspect_image, process_images

WIDTHS = (16, 32, 64)


def picture(size, seed=0):
    """A small deterministic picture with gradients and some grain, like a photo."""
    noise = Image.frombytes("RGB", size, random.Random(seed).randbytes(size[0] * size[1] * 3))
    gradients = [Image.linear_gradient("L"), Image.radial_gradient("L"), Image.linear_gradient("L").rotate(90)]
    return Image.blend(Image.merge("RGB", [g.resize(size) for g in gradients]), noise, 0.3)


def write(path: Path, image: Image.Image, **options) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, **options)
    return path


def process(sources, cache, **options):
    return process_images(sources, cache, widths=options.pop("widths", WIDTHS), workers=options.pop("workers", 1),
                          **options)


@pytest.fixture
def count_renders(monkeypatch):
    """How many sources were decoded and encoded (not served from the cache)."""
    calls = []
    real = images._render

    def counting(data, widths):
        calls.append(hashlib.sha256(data).hexdigest())
        return real(data, widths)

    monkeypatch.setattr(images, "_render", counting)
    return calls


# --------------------------------------------------------------- orientation and metadata

def test_gps_exif_xmp_icc_and_comment_are_removed_and_orientation_applied(tmp_path):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored sideways: turn 90° clockwise to show
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (38.0, 52.0, 1.0)}
    raw = picture((64, 48))
    raw.paste((255, 0, 0), (0, 0, 12, 12))  # a red mark in the stored top-left corner
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = write(tmp_path / "stories/li-si/photo.jpg", raw, exif=exif, icc_profile=srgb, comment=b"home address",
                   xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"/>')
    assert inspect_image(source).has_gps  # the source really carries GPS

    (result,) = process([source], tmp_path / "cache").values()

    assert (result.width, result.height) == (48, 64)  # width and height swapped
    assert [(v.width, v.height) for v in result.variants if v.format == "jpeg"] == [(16, 21), (32, 43), (48, 64)]
    for variant in result.variants:
        data = variant.cache_path.read_bytes()
        with Image.open(io.BytesIO(data)) as output:
            assert len(output.getexif()) == 0
            assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"} & set(output.info)
            if variant.width == 48:
                red, green, blue = output.convert("RGB").getpixel((44, 3))  # now at the top right
                assert red > 200 and green < 60 and blue < 60
        for marker in (b"Exif", b"GPS", b"Phone", b"xmpmeta", b"ICC_PROFILE", b"ICCP", b"home address"):
            assert marker not in data, (variant.name, marker)


def test_icc_profile_colours_are_converted_to_srgb(tmp_path):
    adobe_rgb = Path("/usr/share/color/icc/ghostscript/a98.icc")
    if not adobe_rgb.exists():
        pytest.skip("no Adobe RGB profile on this machine")
    green = Image.new("RGB", (32, 24), (40, 160, 60))
    source = write(tmp_path / "a98.png", green, icc_profile=adobe_rgb.read_bytes())
    (result,) = process([source], tmp_path / "cache").values()
    expected = ImageCms.profileToProfile(green, ImageCms.ImageCmsProfile(str(adobe_rgb)),
                                         ImageCms.createProfile("sRGB")).getpixel((0, 0))
    assert expected != (40, 160, 60)
    with Image.open(result.variants[-1].cache_path) as output:
        assert "icc_profile" not in output.info
        assert all(abs(a - b) <= 3 for a, b in zip(output.convert("RGB").getpixel((16, 12)), expected))


# --------------------------------------------------------------- sizes and formats

def test_never_upscales_and_collapses_widths_to_the_source_width(tmp_path):
    source = write(tmp_path / "small.jpg", picture((40, 30)))
    (result,) = process([source], tmp_path / "cache", widths=(16, 480, 960)).values()
    assert sorted({(v.width, v.height) for v in result.variants}) == [(16, 12), (40, 30)]
    assert (result.width, result.height) == (40, 30)
    assert [v.width for v in result.variants] == sorted(v.width for v in result.variants)


def test_webp_is_kept_only_where_smaller_than_the_jpeg(tmp_path, monkeypatch):
    encoded = []  # (size, format, length) of every encoding tried
    real = images._encode

    def spying(image, format_name):
        data = real(image, format_name)
        encoded.append((image.size, format_name, len(data)))
        return data

    monkeypatch.setattr(images, "_encode", spying)
    noise = Image.frombytes("RGB", (128, 96), random.Random(1).randbytes(128 * 96 * 3))  # WebP loses on noise
    branches = set()
    for source in [write(tmp_path / "photo.jpg", picture((128, 96)), quality=95), write(tmp_path / "noise.png", noise)]:
        encoded.clear()
        (result,) = process([source], tmp_path / "cache", widths=(32, 128)).values()
        tried = {(size, fmt): length for size, fmt, length in encoded}
        kept = {((v.width, v.height), v.format): v for v in result.variants}
        for size in {size for size, _ in tried}:
            webp_smaller = tried[size, "webp"] < tried[size, "jpeg"]
            branches.add(webp_smaller)
            assert ((size, "webp") in kept) == webp_smaller
            for fmt in ("jpeg", "webp") if webp_smaller else ("jpeg",):
                assert kept[size, fmt].cache_path.stat().st_size == tried[size, fmt]
    assert branches == {True, False}  # both outcomes were exercised


def test_transparent_png_stays_png_and_webp_keeps_alpha(tmp_path):
    image = picture((64, 48)).convert("RGBA")
    image.putalpha(Image.linear_gradient("L").resize((64, 48)))
    transparent = write(tmp_path / "logo.png", image)
    opaque = write(tmp_path / "opaque.png", picture((64, 48)).convert("RGBA"))
    results = process([transparent, opaque], tmp_path / "cache")

    assert results[transparent].has_alpha and not results[opaque].has_alpha
    assert {v.format for v in results[transparent].variants} == {"png", "webp"}
    assert {v.format for v in results[opaque].variants} <= {"jpeg", "webp"}
    for variant in results[transparent].variants:
        with Image.open(variant.cache_path) as output:
            assert output.mode == "RGBA" and output.getchannel("A").getextrema()[0] < 255


def test_other_modes_become_rgb(tmp_path):
    sources = [write(tmp_path / "cmyk.jpg", picture((32, 24)).convert("CMYK")),
               write(tmp_path / "palette.png", picture((32, 24)).convert("P")),
               write(tmp_path / "grey16.png", Image.new("I;16", (32, 24), 0x8000)),
               write(tmp_path / "photo.webp", picture((32, 24)))]
    for result in process(sources, tmp_path / "cache").values():
        with Image.open(result.variants[-1].cache_path) as output:
            assert output.mode == "RGB"
    with Image.open(process(sources, tmp_path / "cache")[sources[2]].variants[0].cache_path) as grey:
        assert 120 <= grey.getpixel((5, 5))[0] <= 136  # scaled from 16 bits, not clipped to white


# --------------------------------------------------------------- names and determinism

def test_names_are_content_addressed_and_output_is_deterministic(tmp_path):
    first = write(tmp_path / "a/photo.jpg", picture((64, 48)))
    copy = tmp_path / "b/same.jpg"
    copy.parent.mkdir()
    copy.write_bytes(first.read_bytes())
    one = process([first, copy], tmp_path / "cache1")
    two = process([copy], tmp_path / "cache2")

    digest = hashlib.sha256(first.read_bytes()).hexdigest()
    assert one[first].digest == one[copy].digest == two[copy].digest == digest
    for a, b in zip(one[first].variants, two[copy].variants, strict=True):
        assert a.name == b.name and re.fullmatch(rf"[0-9a-f]{{12}}-{a.width}\.(jpg|webp)", a.name)
        assert a.cache_path.read_bytes() == b.cache_path.read_bytes()


def test_new_processing_settings_give_new_names(tmp_path):
    """Year-long browser caches must never see different bytes under an old name."""
    source = write(tmp_path / "a/photo.jpg", picture((64, 48)))
    before = {v.name for v in process([source], tmp_path / "cache")[source].variants}
    after = {v.name for v in process_images([source], tmp_path / "cache", widths=(32,), workers=1)[source].variants}
    assert before.isdisjoint(after)


def test_parallel_processing_matches_serial_and_reports_every_failure(tmp_path):
    sources = [write(tmp_path / f"p{i}.jpg", picture((48, 36), seed=i)) for i in range(6)]
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(sources[0].read_bytes()[:300])
    serial = process(sources, tmp_path / "serial")
    with pytest.raises(ImageProcessingError) as caught:
        process([*sources, broken], tmp_path / "parallel", workers=2)
    assert list(caught.value.failures) == [broken] and caught.value.failures[broken].code == "E406"
    parallel = caught.value.processed
    assert list(parallel) == sources
    for source in sources:
        for a, b in zip(serial[source].variants, parallel[source].variants, strict=True):
            assert a.name == b.name and a.cache_path.read_bytes() == b.cache_path.read_bytes()


# --------------------------------------------------------------- the cache

def test_a_second_run_decodes_and_encodes_nothing(tmp_path, monkeypatch):
    sources = [write(tmp_path / f"p{i}.jpg", picture((48, 36), seed=i)) for i in range(3)]
    cache = tmp_path / "cache"
    first = process(sources, cache)
    stamps = {p: p.stat().st_mtime_ns for p in cache.rglob("*")}

    def fail(*args):
        raise AssertionError("decoded or encoded on a warm cache")

    monkeypatch.setattr(images, "_render", fail)
    monkeypatch.setattr(images, "_encode", fail)
    monkeypatch.setattr(Image, "open", fail)
    assert process(sources, cache) == first
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*")} == stamps


def test_changing_one_source_reprocesses_only_that_one(tmp_path, count_renders):
    sources = [write(tmp_path / f"p{i}.jpg", picture((48, 36), seed=i)) for i in range(3)]
    cache = tmp_path / "cache"
    before = process(sources, cache)
    assert len(count_renders) == 3
    write(sources[1], picture((48, 36), seed=99))
    after = process(sources, cache)
    assert count_renders[3:] == [hashlib.sha256(sources[1].read_bytes()).hexdigest()]
    assert after[sources[0]] == before[sources[0]] and after[sources[2]] == before[sources[2]]
    assert after[sources[1]].digest != before[sources[1]].digest


def test_settings_are_part_of_the_cache_key(tmp_path, count_renders):
    source = write(tmp_path / "p.jpg", picture((48, 36)))
    process([source], tmp_path / "cache", widths=(16, 32))
    process([source], tmp_path / "cache", widths=(16, 48))
    assert len(count_renders) == 2


@pytest.mark.parametrize("damage", ["empty variant", "missing manifest", "garbled manifest"])
def test_damaged_cache_entries_are_redone(tmp_path, count_renders, damage):
    source = write(tmp_path / "p.jpg", picture((48, 36)))
    cache = tmp_path / "cache"
    (result,) = process([source], cache).values()
    victim = result.variants[0].cache_path
    good = victim.read_bytes()
    manifest = victim.parent / images.MANIFEST
    if damage == "empty variant":
        victim.write_bytes(b"")  # what a crash may leave behind on some file systems
    elif damage == "missing manifest":
        manifest.unlink()  # a build killed before its last rename
    else:
        manifest.write_text('{"digest": ')

    assert process([source], cache)[source] == result
    assert len(count_renders) == 2
    assert victim.read_bytes() == good
    assert not list(cache.rglob("*.tmp"))


def test_image_cache_dir_is_inside_the_site():
    assert images.image_cache_dir(Path("/site")) == Path("/site/.cache/exemplar/images")


# --------------------------------------------------------------- failures

def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("name, content, code", [
    ("bomb.png", png_claiming(100_000, 100_000), "E405"),
    ("large.png", png_claiming(8000, 6000), "E405"),
    ("truncated.jpg", None, "E406"),
    ("not-a-picture.jpg", b"just some text\n", "E404"),
])
def test_bad_sources_raise_one_error_with_every_problem(tmp_path, name, content, code):
    good = write(tmp_path / "good.jpg", picture((48, 36)))
    bad = tmp_path / name
    bad.write_bytes(content if content is not None else good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ImageProcessingError) as caught:
        process([good, bad], tmp_path / "cache")
    assert {path: problem.code for path, problem in caught.value.failures.items()} == {bad: code}
    assert list(caught.value.processed) == [good]
    assert not (tmp_path / "cache" / hashlib.sha256(bad.read_bytes()).hexdigest()).exists()


# --------------------------------------------------------------- inspection

def _jpeg_variants():
    gps = Image.Exif()
    gps[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (38.0, 52.0, 1.0)}
    plain = Image.Exif()
    plain[ExifTags.Base.Make] = "Phone"
    base = picture((73, 41), seed=3)
    return {
        "baseline": (base, {}),
        "progressive": (base, {"progressive": True}),
        "grayscale": (base.convert("L"), {}),
        "cmyk": (base.convert("CMYK"), {}),
        "gps": (base, {"exif": gps}),
        "exif-without-gps": (base, {"exif": plain}),
        "icc-and-comment": (base, {"icc_profile": ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
                                   "comment": b"x" * 300}),
    }


@pytest.mark.parametrize("name", list(_jpeg_variants()))
def test_quick_jpeg_reading_agrees_with_pillow(tmp_path, name):
    image, options = _jpeg_variants()[name]
    path = write(tmp_path / f"{name}.jpg", image, **options)
    data = path.read_bytes()
    with Image.open(path) as reference:
        expected = (reference.width, reference.height, images._has_gps(reference))
    assert images._jpeg_header(data) == expected
    assert inspect_image(path) == images.ImageInfo("JPEG", *expected)


def test_big_endian_exif_gps_is_seen(tmp_path):
    # Cameras from some makers write Motorola byte order; Pillow writes Intel.
    ifd0 = struct.pack(">HHHII", 1, 0x8825, 4, 1, 26) + b"\0\0\0\0"
    gps_ifd = struct.pack(">HHHII", 1, 1, 2, 2, 0x4E000000) + b"\0\0\0\0"
    tiff = b"MM\x00*" + struct.pack(">I", 8) + ifd0 + gps_ifd
    app1 = b"\xff\xe1" + struct.pack(">H", len(tiff) + 8) + b"Exif\0\0" + tiff
    clean = io.BytesIO()
    picture((40, 30)).save(clean, "JPEG")
    data = clean.getvalue()
    path = tmp_path / "motorola.jpg"
    path.write_bytes(data[:2] + app1 + data[2:])
    assert images._jpeg_header(path.read_bytes()) == (40, 30, True)
    with Image.open(path) as reference:
        assert images._has_gps(reference)


@pytest.mark.parametrize("damage", ["cut-in-header", "bad-segment-length", "no-frame", "zero-size"])
def test_jpegs_the_quick_reader_cannot_vouch_for_go_to_pillow(tmp_path, damage):
    clean = io.BytesIO()
    picture((40, 30)).save(clean, "JPEG")
    data = clean.getvalue()
    sof = data.index(b"\xff\xc0")
    damaged = {
        "cut-in-header": data[:sof + 5],
        "bad-segment-length": data[:4] + b"\x00\x01" + data[6:],
        "no-frame": data[:2] + b"\xff\xd9",
        "zero-size": data[:sof + 5] + b"\x00\x00" + data[sof + 7:],
    }[damage]
    assert images._jpeg_header(damaged) is None
    path = tmp_path / "damaged.jpg"
    path.write_bytes(damaged)
    try:  # Pillow decides: a clear problem, or the size Pillow reads
        info = inspect_image(path)
    except images.ImageProblem as problem:
        assert problem.code in ("E404", "E406")
    else:
        with Image.open(path) as reference:
            assert (info.width, info.height) == reference.size


# ------------------------------------------- large photos: judged by their ends

def _large_jpeg(tmp_path: Path, **options) -> Path:
    """A JPEG larger than the two ends ``check`` reads (noise compresses badly), like a camera's."""
    image = Image.frombytes("RGB", (640, 480), random.Random(5).randbytes(640 * 480 * 3))
    path = write(tmp_path / "camera.jpg", image, quality=95, **options)
    assert path.stat().st_size > images._JPEG_HEAD_BYTES + images._JPEG_TAIL_BYTES
    return path


def _whole_file_verdict(path: Path):
    """What inspection says when it reads the whole file (the ends never large enough to decide)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "_JPEG_HEAD_BYTES", 1 << 40)
        return _verdict(path)


def _verdict(path: Path):
    images._inspect.cache_clear()
    try:
        return inspect_image(path)
    except images.ImageProblem as problem:
        return problem.code


def _refuse_whole_reads(monkeypatch) -> None:
    def whole_read(self):
        raise AssertionError(f"{self} was read whole")

    monkeypatch.setattr(Path, "read_bytes", whole_read)


def test_a_large_photo_is_inspected_without_reading_it_whole(tmp_path, monkeypatch):
    gps = Image.Exif()
    gps[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (38.0, 52.0, 1.0)}
    path = _large_jpeg(tmp_path, exif=gps)
    expected = _whole_file_verdict(path)
    assert expected == images.ImageInfo("JPEG", 640, 480, True)
    _refuse_whole_reads(monkeypatch)
    assert _verdict(path) == expected


def test_a_photo_replaced_by_a_smaller_one_while_checked_is_judged_whole(tmp_path):
    """The size check saw a camera photo; by the time it is read, an editor has saved a small one."""
    path = write(tmp_path / "photo.jpg", picture((40, 30)))
    status = path.stat()
    large = images._JPEG_HEAD_BYTES + images._JPEG_TAIL_BYTES + 1
    images._inspect.cache_clear()
    assert images._inspect(str(path), large, status.st_mtime_ns) == images.ImageInfo("JPEG", 40, 30, False)


@pytest.mark.parametrize("change, expected", [
    ("cut", "E406"),  # a copy that stopped half-way
    ("motion-photo", images.ImageInfo("JPEG", 640, 480, False)),  # a video appended after the picture
    ("scan-after-end", "E406"),  # a trailer that looks like a scan left open
])
def test_a_large_photo_the_ends_cannot_vouch_for_is_read_whole(tmp_path, change, expected):
    path = _large_jpeg(tmp_path)
    data = path.read_bytes()
    trailer = bytes(b for b in random.Random(7).randbytes(200_000) if b != 0xFF)  # no marker in it
    path.write_bytes({"cut": data[:len(data) * 2 // 3],
                      "motion-photo": data + b"ftypmp42" + trailer,
                      "scan-after-end": data + b"\xff\xda" + trailer}[change])
    assert _verdict(path) == _whole_file_verdict(path) == expected


_PIECES = [b"\xff\xd9", b"\xff\xda", b"\xff", b"\x00" * 7, b"\xd9\xda\x12" * 5]


def test_a_large_photo_with_long_headers_is_read_a_little_further(tmp_path, monkeypatch):
    """An edited photo's XMP can push the frame header past the first part read: the next part finds it."""
    image = Image.frombytes("RGB", (1400, 1000), random.Random(6).randbytes(1400 * 1000 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    data = buffer.getvalue()
    xmp = b"http://ns.adobe.com/xap/1.0/\0" + b"<x:xmpmeta/>" * 5000
    segments = b"".join(b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp for _ in range(3))
    path = tmp_path / "edited.jpg"
    path.write_bytes(data[:2] + segments + data[2:])
    assert images._JPEG_HEAD_BYTES < data.index(b"\xff\xc0") + len(segments) < images._JPEG_HEAD_MAX_BYTES
    assert path.stat().st_size > images._JPEG_HEAD_MAX_BYTES + images._JPEG_TAIL_BYTES
    _refuse_whole_reads(monkeypatch)
    assert _verdict(path) == images.ImageInfo("JPEG", 1400, 1000, False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=600), tail=st.lists(st.sampled_from(_PIECES), max_size=12),
       head=st.integers(min_value=16, max_value=400), further=st.integers(min_value=1, max_value=8),
       end=st.integers(min_value=2, max_value=80))
def test_reading_the_ends_always_agrees_with_reading_everything(tmp_path, cut, tail, head, further, end):
    """Whatever the file's layout (cut anywhere, trailers with markers), the ends give the whole file's verdict."""
    clean = io.BytesIO()
    picture((40, 30)).save(clean, "JPEG", exif=Image.Exif())
    data = clean.getvalue()
    path = tmp_path / "photo.jpg"
    path.write_bytes(data[:max(2, len(data) - cut)] + b"".join(tail))
    with pytest.MonkeyPatch.context() as patch:  # small ends, so a small file takes the quick path
        patch.setattr(images, "_JPEG_HEAD_BYTES", head)
        patch.setattr(images, "_JPEG_HEAD_MAX_BYTES", head * further)
        patch.setattr(images, "_JPEG_TAIL_BYTES", end)
        quick = _verdict(path)
    assert quick == _whole_file_verdict(path)
