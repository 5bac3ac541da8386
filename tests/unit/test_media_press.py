"""The press release: press.docx (parts, fonts, page, reproducibility), press.txt, press-kit.zip, metadata."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from PIL import ExifTags, Image, ImageCms

from exemplar.media.press import render_docx, render_press_kit, render_press_text, strip_metadata, text_file
from media_fixtures import jpeg, make_activity, make_item, photo_pairs, picture


@pytest.fixture(scope="module")
def item():
    return make_item()


@pytest.fixture(scope="module")
def docx_bytes(item):
    return render_docx(item, photo_pairs(item))


@pytest.fixture(scope="module")
def document(docx_bytes):
    return docx.Document(io.BytesIO(docx_bytes))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text]


def east_asia(run) -> str | None:
    fonts = run._r.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


# --------------------------------------------------------------- press.docx: what it says

def test_docx_opens_with_title_subtitle_source_and_dateline_lead(document, item):
    lines = texts(document)
    assert lines[0] == item.headline
    assert lines[1] == "——记京南智能装备创新研究院院长、正高级工程师曾海涛"
    assert lines[2] == "来源：保定市科学技术协会"
    lead = document.paragraphs[3]
    assert [r.text for r in lead.runs] == ["保定市科学技术协会讯（2021年5月28日）", item.summary]
    assert lead.style.name == "Normal"


def test_docx_has_every_section_heading_and_paragraph_in_order(document, item):
    expected = []
    for heading, paragraphs in item.sections:
        expected += ([heading] if heading else []) + list(paragraphs)
    lines = texts(document)
    start = lines.index(expected[0])
    assert lines[start:start + len(expected)] == expected
    assert lines[start + len(expected)] == "（完）"
    headings = [p.text for p in document.paragraphs if p.style.name == "Press Heading"]
    assert headings == [h for h, _ in item.sections if h] + ["媒体联系"]


def test_docx_photos_have_captions_with_credits(document):
    captions = [p.text for p in document.paragraphs if p.style.name == "Press Caption"]
    assert captions == ["图1　预制构件智能生产线（插画：示例）",
                        "图2　研究院实验室（保定市科学技术协会供图）"]  # no credit: the organizer supplied it
    assert len(document.inline_shapes) == 2
    for shape in document.inline_shapes:
        assert shape.width.mm <= 150.1 and shape.height.mm <= 110.1
        assert shape.width / shape.height == pytest.approx(96 / 64, rel=0.01)


def test_docx_facts_box_is_a_bordered_table(document, item):
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["人物名片", "人物名片"]  # the title row spans both columns
    assert rows[1:] == [list(fact) for fact in item.facts]
    label, value = table.rows[1].cells
    assert east_asia(label.paragraphs[0].runs[0]) == "黑体" and east_asia(value.paragraphs[0].runs[0]) == "仿宋_GB2312"
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"single"} and len(borders) == 6


def test_docx_ends_with_contact_reprint_and_link(document, item):
    lines = texts(document)
    assert lines[-6:] == ["媒体联系", "联系人：市科协宣传部", "电话：0312-5012021", "邮箱：xcb@kx.example.cn",
                          item.campaign.reprint, f"原文链接：{item.url}"]


def test_activity_docx_has_no_subtitle_and_an_activity_box():
    activity = make_activity()
    document = docx.Document(io.BytesIO(render_docx(activity, [])))
    lines = texts(document)
    assert lines[:2] == [activity.title, "来源：保定市科学技术协会"]
    assert document.tables[0].rows[0].cells[0].text == "活动信息"
    assert not document.inline_shapes


def test_a_dateline_without_a_date_is_followed_by_a_space():
    document = docx.Document(io.BytesIO(render_docx(make_item(date=None), [])))
    lead = next(p for p in document.paragraphs if p.text.startswith("保定市科学技术协会讯"))
    assert lead.text == "保定市科学技术协会讯\u3000" + make_item().summary


# --------------------------------------------------------------- press.docx: how it looks

def test_every_run_names_its_east_asian_font(document):
    expected = {"Press Title": "方正小标宋简体", "Press Subtitle": "楷体_GB2312", "Press Source": "楷体_GB2312",
                "Press Heading": "黑体", "Normal": "仿宋_GB2312", "Press Caption": "楷体_GB2312",
                "Press Note": "楷体_GB2312"}
    dateline = document.paragraphs[3].runs[0]
    assert east_asia(dateline) == "黑体"
    runs = [(p.style.name, r) for p in document.paragraphs for r in p.runs if r.text and r._r is not dateline._r]
    assert {style for style, _ in runs} >= set(expected) - {"Press Figure"}
    for style, run in runs:
        assert east_asia(run) == expected[style], (style, run.text)
    for style, font in expected.items():
        r_fonts = document.styles[style].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert r_fonts.get(qn("w:eastAsia")) == font
        assert r_fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would win over the name


def test_no_theme_fonts_and_chinese_language_by_default(document):
    styles = document.styles.element
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsiaTheme")) is None
    settings = etree.tostring(document.settings.element, encoding="unicode")
    assert '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>' in settings  # the template said ja-JP


def test_fonts_table_names_substitutes_with_the_gb2312_charset(docx_bytes):
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        fonts = etree.fromstring(package.read("word/fontTable.xml"))
    found = {f.get(qn("w:name")): f for f in fonts.iter(qn("w:font"))}
    assert found["仿宋_GB2312"].find(qn("w:altName")).get(qn("w:val")) == "仿宋"
    assert found["方正小标宋简体"].find(qn("w:altName")).get(qn("w:val")) == "黑体"
    assert found["仿宋_GB2312"].find(qn("w:charset")).get(qn("w:val")) == "86"


def test_body_is_sanfang_16pt_one_and_a_half_lines_indented_two_characters(document):
    normal = document.styles["Normal"]
    assert normal.font.size.pt == 16
    assert normal.paragraph_format.line_spacing == 1.5
    assert normal.paragraph_format.first_line_indent.pt == 32
    assert normal.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    title = document.styles["Press Title"]
    assert title.font.size.pt == 22
    assert title.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "0"  # not inherited from Normal


def test_a4_page_with_margins_and_page_numbers(document):
    section = document.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin)
    assert [round(size.mm) for size in sizes] == [210, 297, 37, 35, 28, 26]  # Word stores twips
    footer = section.footer.paragraphs[0]
    xml = etree.tostring(footer._p, encoding="unicode")
    assert "PAGE" in xml and 'fldCharType="begin"' in xml and 'fldCharType="end"' in xml
    assert footer.text == "— 1 —"


def test_docx_is_reproducible(item, docx_bytes):
    assert render_docx(item, photo_pairs(item)) == docx_bytes
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        assert {info.date_time for info in package.infolist()} == {(2021, 5, 28, 0, 0, 0)}
        assert package.namelist()[0] == "[Content_Types].xml"
        assert not [n for n in package.namelist() if "thumbnail" in n]
    properties = docx.Document(io.BytesIO(docx_bytes)).core_properties
    assert properties.created == properties.modified == dt.datetime(2021, 5, 28, tzinfo=dt.timezone.utc)
    assert properties.author == "保定市科学技术协会" and properties.title == item.headline


# --------------------------------------------------------------- press.txt

def test_press_text_has_every_part_in_order(item):
    text = render_press_text(item)
    parts = [item.headline, "——记京南智能装备创新研究院", "来源：保定市科学技术协会",
             "\u3000\u3000保定市科学技术协会讯（2021年5月28日）" + item.summary,
             "啃下装备自主化的“硬骨头”", "\u3000\u30002014年，曾海涛带领团队开始攻关。", "做产学研的“连接器”",
             "（完）", "【人物名片】", "单位：京南智能装备创新研究院", "领域：先进制造、信息技术", "【媒体联系】",
             "联系人：市科协宣传部", "电话：0312-5012021", "邮箱：xcb@kx.example.cn", item.campaign.reprint,
             f"原文链接：{item.url}"]
    positions = [text.index(part) for part in parts]
    assert positions == sorted(positions)
    assert text.endswith("\n") and "\n\n\n" not in text


def test_text_file_is_utf8_with_bom_and_crlf():
    assert text_file("第一行\n第二行\r\n") == "\ufeff第一行\r\n第二行\r\n".encode()


# --------------------------------------------------------------- press-kit.zip

def gps_jpeg(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (38.0, 52.0, 1.0)}
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return jpeg(picture((96, 64)), exif=exif, icc_profile=srgb, comment=b"home address",
                xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">private</x:xmpmeta>')


def assert_clean(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"} & set(image.info)
    for marker in (b"Exif", b"GPS", b"Phone", b"xmpmeta", b"ICC_PROFILE", b"home address"):
        assert marker not in data, marker


def kit(item, photos=None, poster=b"poster-png", card=b"card-png") -> bytes:
    photos = photo_pairs(item) if photos is None else photos
    return render_press_kit(item, docx=b"docx-bytes", text=render_press_text(item), poster_png=poster,
                            card_png=card, photos=photos)


def test_kit_holds_the_named_files_sorted(item):
    with zipfile.ZipFile(io.BytesIO(kit(item))) as archive:
        names = archive.namelist()
        assert names == ["card.png", "credits.txt", "photos/01-line.jpg", "photos/02-实验室.jpg", "poster.png",
                         "press.docx", "press.txt"]
        assert archive.read("press.docx") == b"docx-bytes"
        assert archive.read("press.txt") == text_file(render_press_text(item))
        assert archive.testzip() is None


def test_kit_without_poster_or_card_leaves_them_out(item):
    with zipfile.ZipFile(io.BytesIO(kit(item, poster=None, card=None))) as archive:
        assert "poster.png" not in archive.namelist() and "card.png" not in archive.namelist()
        assert "poster.png" not in archive.read("credits.txt").decode("utf-8-sig")


def test_kit_is_reproducible_with_fixed_timestamps(item):
    first = kit(item)
    assert kit(item) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2021, 5, 28, 0, 0, 0)}
    with zipfile.ZipFile(io.BytesIO(kit(make_item(date=None)))) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_chinese_names_in_the_kit_are_utf8_flagged(item):
    with zipfile.ZipFile(io.BytesIO(kit(item))) as archive:
        for info in archive.infolist():
            assert bool(info.flag_bits & 0x800) == (not info.filename.isascii()), info.filename
    raw = kit(item)
    assert "photos/02-实验室.jpg".encode("utf-8") in raw  # not cp437 or GBK


def test_credits_list_each_caption_and_credit_and_the_reprint_line(item):
    with zipfile.ZipFile(io.BytesIO(kit(item))) as archive:
        data = archive.read("credits.txt")
    assert data.startswith(b"\xef\xbb\xbf")
    credits = data.decode("utf-8-sig").replace("\r\n", "\n")
    assert ("photos/01-line.jpg\n说明：预制构件智能生产线\n署名：插画：示例\n" in credits)
    assert ("photos/02-实验室.jpg\n说明：研究院实验室\n署名：保定市科学技术协会供图\n" in credits)
    assert "poster.png、card.png：保定市科学技术协会制作" in credits
    assert item.campaign.reprint in credits and item.url in credits


def test_a_photo_with_gps_exif_reaches_the_kit_without_any_metadata(item):
    source = gps_jpeg()
    with Image.open(io.BytesIO(source)) as image:  # the input really carries GPS
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    with zipfile.ZipFile(io.BytesIO(kit(item, photos=[(item.photos[0], source)]))) as archive:
        assert_clean(archive.read("photos/01-line.jpg"))


def test_unsafe_characters_in_photo_names_are_replaced(item):
    from dataclasses import replace
    from pathlib import Path

    photo = replace(item.photos[0], path=Path("a/现场: 图?.jpg"))
    with zipfile.ZipFile(io.BytesIO(kit(item, photos=[(photo, jpeg())]))) as archive:
        assert "photos/01-现场-图.jpg" in archive.namelist()


# --------------------------------------------------------------- strip_metadata

def test_strip_metadata_is_lossless_when_it_can_be():
    clean = jpeg()
    assert strip_metadata(clean) == clean  # nothing to remove: the same bytes
    stripped = strip_metadata(gps_jpeg())  # EXIF, sRGB profile, XMP, comment: segments dropped
    assert_clean(stripped)
    with Image.open(io.BytesIO(gps_jpeg())) as original, Image.open(io.BytesIO(stripped)) as result:
        assert original.tobytes() == result.tobytes()  # not one pixel re-encoded


def test_strip_metadata_turns_a_rotated_photo_upright():
    stripped = strip_metadata(gps_jpeg(orientation=6))
    assert_clean(stripped)
    with Image.open(io.BytesIO(stripped)) as image:
        assert image.size == (64, 96)


def test_strip_metadata_drops_a_jfif_thumbnail_and_data_after_the_picture():
    data = jpeg()
    assert data[2:4] == b"\xff\xe0" and data[6:11] == b"JFIF\x00"
    length = int.from_bytes(data[4:6], "big")
    thumbnail = b"\x02\x02" + b"THUMBNAILRGB"  # a 2×2 RGB thumbnail of the "original"
    with_thumbnail = data[:4] + (length + 12).to_bytes(2, "big") + data[6:4 + length - 2] + thumbnail \
        + data[4 + length:] + b"trailing secret"
    stripped = strip_metadata(with_thumbnail)
    assert b"THUMBNAIL" not in stripped and not stripped.endswith(b"trailing secret")
    assert stripped.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(stripped)) as image:
        image.load()


def test_strip_metadata_handles_progressive_jpegs_and_other_formats():
    progressive = jpeg(picture((120, 80)), progressive=True, comment=b"note")
    stripped = strip_metadata(progressive)
    assert b"note" not in stripped
    with Image.open(io.BytesIO(progressive)) as before, Image.open(io.BytesIO(stripped)) as after:
        assert before.tobytes() == after.tobytes()
    png = io.BytesIO()
    Image.new("RGBA", (8, 8), (255, 0, 0, 0)).save(png, format="PNG")
    as_jpeg = strip_metadata(png.getvalue())
    with Image.open(io.BytesIO(as_jpeg)) as image:
        assert image.format == "JPEG" and image.getpixel((4, 4))[0] > 240  # transparency laid on white
