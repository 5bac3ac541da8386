"""Media graphics: share card, poster, QR codes, CJK font lookup, line breaking."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from pyzbar.pyzbar import decode

from exemplar.media import MediaCampaign, MediaItem
from exemplar.media import fonts as fonts_module
from exemplar.media.fonts import CJKFonts, FontFace, FontNotFound, find_cjk_font, has_cjk_glyphs, load_fonts
from exemplar.media.graphics import (
    CARD_SIZE,
    ELLIPSIS,
    NO_LINE_END,
    NO_LINE_START,
    POSTER_SIZE,
    card_layout,
    poster_layout,
    render_card,
    render_poster,
    render_qr_png,
    render_qr_svg,
    wrap_text,
)

URL = "https://kx.example.cn/stories/han-lizhong/"
HEADLINE = "一生扎根麦田的“旱地麦王”"
LONG_HEADLINE = "三十年如一日扎根戈壁滩，用5G+北斗技术让沙漠变成“智慧绿洲”的女科学家（长标题测试）"
FONT_ENV = ("EXEMPLAR_FONT", "EXEMPLAR_FONT_BOLD", "EXEMPLAR_FONT_SERIF", "EXEMPLAR_FONT_SERIF_BOLD")


@pytest.fixture(autouse=True)
def no_font_env(monkeypatch):
    for name in FONT_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def fonts() -> CJKFonts:
    with pytest.MonkeyPatch.context() as patch:
        for name in FONT_ENV:
            patch.delenv(name, raising=False)
        return load_fonts()


@pytest.fixture(scope="module")
def portrait(tmp_path_factory) -> Path:
    """A 600×800 head-and-shoulders drawing: face in the upper part."""
    image = Image.new("RGB", (600, 800), (238, 226, 200))
    draw = ImageDraw.Draw(image)
    draw.ellipse((190, 190, 410, 470), fill=(230, 190, 160))
    draw.rectangle((0, 600, 600, 800), fill=(80, 90, 110))
    path = tmp_path_factory.mktemp("bundle") / "portrait.jpg"
    image.save(path, quality=90)
    return path


@pytest.fixture(scope="module")
def cover(tmp_path_factory) -> Path:
    image = Image.new("RGB", (1200, 800), (200, 220, 240))
    ImageDraw.Draw(image).rectangle((0, 500, 1200, 800), fill=(120, 160, 90))
    path = tmp_path_factory.mktemp("activity") / "cover.jpg"
    image.save(path, quality=90)
    return path


CAMPAIGN = MediaCampaign(
    name="2021年度“我为科技工作者办实事”暨优秀科技工作者宣传活动", short_name="科技工作者风采",
    organizer="保定市科学技术协会", theme="弘扬科学家精神", reprint="转载请注明来源",
    contact_name="宣传部", contact_phone="0312-1234567", contact_email="kx@example.cn",
    site_url="https://kx.example.cn/")


def exemplar(image: Path | None, **changes) -> MediaItem:
    item = MediaItem(
        kind="exemplar", page_path="stories/han-lizhong/", url=URL, title="韩立中", headline=HEADLINE,
        summary="韩立中扎根冀中旱作农田四十余年，主持选育抗旱小麦新品系，总结推广“深耕蓄墒”耕作方法，"
                "带出数百名农民技术员，被乡亲们亲切地称为“旱地麦王”。",
        body_html="", body_text="", sections=(), campaign=CAMPAIGN, date=dt.date(2021, 6, 28), image=image,
        quote="庄稼不会说假话，地里的事要到地里去找答案。", name_reading="Hán Lìzhōng",
        facts=(("职称", "高级农艺师"), ("单位", "冀中旱作农业试验场"), ("生卒年", "1921—1998")))
    return dataclasses.replace(item, **changes)


def activity(image: Path | None, **changes) -> MediaItem:
    item = MediaItem(
        kind="activity", page_path="activities/2021-09-18-kepuri/", url="https://kx.example.cn/activities/2021-09-18-kepuri/",
        title="2021年全国科普日保定市主场活动在莲池区举行", headline="科普活动 · 2021年9月18日",
        summary="主场活动以“百年再出发，迈向科技强国”为主题，设置展示体验、科学实验秀和专家咨询等板块，"
                "吸引3000余名市民和青少年参与。",
        body_html="", body_text="", sections=(), campaign=CAMPAIGN, date=dt.date(2021, 9, 18), image=image,
        location="莲池区青少年科学探索馆", facts=(("时间", "2021-09-18"), ("主办", "保定市科学技术协会")))
    return dataclasses.replace(item, **changes)


def png(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image


# --------------------------------------------------------------- sizes, formats, determinism

def test_card_and_poster_are_pngs_of_the_exact_sizes(fonts, portrait, cover):
    for item in (exemplar(portrait), activity(cover), exemplar(None), activity(None)):
        assert png(render_card(item, fonts)).size == CARD_SIZE == (1200, 630)
        assert png(render_poster(item, fonts)).size == POSTER_SIZE == (1080, 1920)


def test_same_item_gives_the_same_bytes_and_a_change_shows(fonts, portrait):
    item = exemplar(portrait)
    assert render_card(item, fonts) == render_card(item, fonts)
    assert render_poster(item, fonts) == render_poster(item, fonts)
    assert render_qr_png(URL) == render_qr_png(URL) and render_qr_svg(URL) == render_qr_svg(URL)
    assert render_card(dataclasses.replace(item, headline="另一个标题"), fonts) != render_card(item, fonts)


def test_an_unreadable_image_is_drawn_without_it(fonts, tmp_path):
    broken = tmp_path / "portrait.jpg"
    broken.write_bytes(b"\xff\xd8\xff not really a jpeg")
    assert png(render_card(exemplar(broken), fonts)).size == CARD_SIZE


# --------------------------------------------------------------- Chinese glyphs, not tofu

def ink(image: Image.Image, threshold: int = 128) -> set[tuple[int, int]]:
    """Pixels of white text on the dark band."""
    grey = image.convert("L")
    width, height = grey.size
    data = grey.tobytes()
    return {(i % width, i // width) for i, value in enumerate(data) if value > threshold}


def overlap(a: set, b: set) -> float:
    return len(a & b) / max(1, len(a | b))


def drawn(block, font: ImageFont.FreeTypeFont, box) -> Image.Image:
    """``block``'s lines drawn white on black with ``font``, cropped to ``box``."""
    canvas = Image.new("RGB", (box[2] - box[0], box[3] - box[1]), (0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    for text, x, y in block.lines:
        draw.text((x - box[0], y - box[1]), text, font=font, fill=(255, 255, 255), anchor="ls")
    return canvas


def tofu_font(size: int, tmp_path: Path) -> Path:
    """A font without Chinese: Pillow's own (Aileron), written to a file."""
    path = tmp_path / "aileron.otf"
    path.write_bytes(ImageFont.load_default(size).path.getvalue())
    return path


def headline_region(fonts: CJKFonts, item: MediaItem, card: bytes):
    block = card_layout(item, fonts, has_picture=True).block("headline")
    left, top, right, bottom = block.bbox(fonts)
    box = (left - 4, top - 4, right + 4, bottom + 4)
    return block, box, png(card).crop(box)


def test_the_card_headline_is_drawn_in_chinese_glyphs_not_boxes(fonts, portrait, tmp_path):
    item = exemplar(portrait)
    block, box, region = headline_region(fonts, item, render_card(item, fonts))
    assert block.text == HEADLINE
    # The reference: the same lines, same size, straight from the CJK font file.
    cjk = ImageFont.truetype(str(fonts.bold.path), block.size, index=fonts.bold.index)
    reference = drawn(block, cjk, box)
    tofu = drawn(block, ImageFont.truetype(str(tofu_font(block.size, tmp_path)), block.size), box)
    assert overlap(ink(reference), ink(tofu)) < 0.3, "the reference itself must not be tofu"
    assert overlap(ink(region), ink(reference)) > 0.9
    assert overlap(ink(region), ink(tofu)) < 0.3


def test_the_glyph_check_fails_when_the_font_has_no_chinese(fonts, portrait, tmp_path):
    """The test above would catch boxes: a card drawn with a non-CJK font does not match."""
    item = exemplar(portrait)
    no_cjk = FontFace(tofu_font(40, tmp_path))
    boxes = CJKFonts(regular=no_cjk, bold=no_cjk)
    block = card_layout(item, fonts, has_picture=True).block("headline")
    box = tuple(block.bbox(fonts))
    cjk = ImageFont.truetype(str(fonts.bold.path), block.size, index=fonts.bold.index)
    region = png(render_card(item, boxes)).crop(box)
    assert overlap(ink(region), ink(drawn(block, cjk, box))) < 0.5


# --------------------------------------------------------------- line breaking

@pytest.fixture(scope="module")
def font40(fonts) -> ImageFont.FreeTypeFont:
    return fonts.font("regular", 40)


def test_long_text_wraps_by_character_within_the_width(font40):
    lines = wrap_text("科技工作者是创新的主体科技工作者是创新的主体", font40, 200)
    assert lines == ["科技工作者", "是创新的主", "体科技工作", "者是创新的", "主体"]
    assert all(font40.getlength(line) <= 200 for line in lines)


def test_closing_punctuation_never_starts_a_line_and_opening_never_ends_one(font40):
    # Five characters fit; greedy breaking would put "，" and "”" at a line start.
    text = "一二三四五，六七八“九十”，百千万亿兆。京垓秭穰沟（涧）"
    lines = wrap_text(text, font40, 200)
    assert "".join(lines) == text
    assert all(line[0] not in NO_LINE_START for line in lines)
    assert all(line[-1] not in NO_LINE_END for line in lines)
    assert all(font40.getlength(line) <= 200 for line in lines)
    assert lines[0] == "一二三四"  # 五 goes down with its comma


def test_latin_words_and_numbers_stay_whole(font40):
    lines = wrap_text("共有3000余名市民参加Science活动", font40, 240)
    assert any("3000" in line for line in lines)
    assert any("Science" in line for line in lines)
    assert all(font40.getlength(line) <= 240 for line in lines)


def test_a_word_wider_than_the_line_is_broken_rather_than_overflowing(font40):
    url = "https://kx.example.cn/stories/a-very-long-path/"
    lines = wrap_text(url, font40, 200)
    assert len(lines) > 1 and all(font40.getlength(line) <= 200 for line in lines) and "".join(lines) == url
    [clamped] = wrap_text(url, font40, 200, max_lines=1)
    assert clamped.startswith("https") and clamped.endswith(ELLIPSIS) and font40.getlength(clamped) <= 200


def test_text_is_clamped_with_an_ellipsis(font40):
    lines = wrap_text(LONG_HEADLINE, font40, 300, max_lines=2)
    assert len(lines) == 2
    assert lines[-1].endswith(ELLIPSIS)
    assert all(font40.getlength(line) <= 300 for line in lines)
    assert lines[0] == wrap_text(LONG_HEADLINE, font40, 300)[0]


def test_balanced_headlines_break_where_a_reader_pauses(fonts):
    font = fonts.font("bold", 64)
    assert wrap_text("用手机种地的“新农人”（草稿）", font, 936, balance=True) == ["用手机种地的", "“新农人”（草稿）"]
    assert wrap_text("二十年只做一件事：让光伏板更“能干”", font, 620, balance=True) == [
        "二十年只做一件事：", "让光伏板更“能干”"]


def test_a_long_headline_on_the_card_wraps_is_clamped_and_stays_in_its_column(fonts, portrait):
    item = exemplar(portrait, headline=LONG_HEADLINE * 2, title="阿依古丽·买买提艾力")
    layout = card_layout(item, fonts, has_picture=True)
    headline = layout.block("headline")
    assert 1 < len(headline.lines) <= 3
    assert headline.lines[-1][0].endswith(ELLIPSIS)
    assert_blocks_inside_and_apart(layout, fonts)
    assert "·" not in (layout.block("title").lines[0][0][-1], layout.block("title").lines[-1][0][0])


def assert_blocks_inside_and_apart(layout, fonts):
    width, height = layout.size
    boxes = {block.name: block.bbox(fonts) for block in layout.blocks}
    for name, (left, top, right, bottom) in boxes.items():
        assert 0 <= left and right <= width and 0 <= top and bottom <= height, name
    names = sorted(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            (al, at, ar, ab), (bl, bt, br, bb) = boxes[a], boxes[b]
            assert ar <= bl or br <= al or ab <= bt or bb <= at, f"{a} overlaps {b}"
    if layout.qr_box:
        ql, qt, qr, qb = layout.qr_box
        for name, (left, top, right, bottom) in boxes.items():
            assert right <= ql or qr <= left or bottom <= qt or qb <= top, f"{name} overlaps the QR code"


@pytest.mark.parametrize("kind", ["exemplar", "activity"])
@pytest.mark.parametrize("with_image", [True, False])
@pytest.mark.parametrize("long", [False, True])
def test_no_text_leaves_the_image_or_overlaps(fonts, portrait, cover, kind, with_image, long):
    if kind == "exemplar":
        item = exemplar(portrait if with_image else None)
        if long:
            item = dataclasses.replace(
                item, headline=LONG_HEADLINE, quote=LONG_HEADLINE * 2, summary=LONG_HEADLINE * 4,
                facts=(("职称", "正高级工程师、博士生导师、首席科学家" * 2), ("单位", "研究所" * 20)))
        size = (600, 800)
    else:
        item = activity(cover if with_image else None)
        if long:
            item = dataclasses.replace(item, title=LONG_HEADLINE * 2, summary=LONG_HEADLINE * 4,
                                       location="莲池区" * 30)
        size = (1200, 800)
    assert_blocks_inside_and_apart(card_layout(item, fonts, has_picture=with_image), fonts)
    poster = poster_layout(item, fonts, has_picture=with_image, picture_size=size if with_image else None,
                           qr_modules=37)
    assert_blocks_inside_and_apart(poster, fonts)
    footer_top = POSTER_SIZE[1] - 400
    for block in poster.blocks:
        if block.name in ("headline", "quote", "summary") or block.name.startswith("fact"):
            assert block.bbox(fonts)[3] <= footer_top, block.name


def test_a_portrait_keeps_the_face_clear_of_the_name_on_the_poster(fonts, portrait):
    layout = poster_layout(exemplar(portrait), fonts, has_picture=True, picture_size=(600, 800))
    scale = POSTER_SIZE[0] / 600
    crop_height = layout.hero_height / scale
    top = max(0, min(0.4 * 800 - 0.36 * crop_height, 800 - crop_height))
    chin = (470 - top) * scale  # the drawn face ends at y=470 in the portrait
    assert chin < min(block.top for block in layout.blocks if block.name in ("title", "reading"))


# --------------------------------------------------------------- QR codes

def qr_payloads(image: Image.Image) -> list[str]:
    return [symbol.data.decode() for symbol in decode(image) if symbol.type == "QRCODE"]


def test_qr_png_decodes_to_the_exact_url_black_on_white_with_a_quiet_zone():
    image = png(render_qr_png(URL, scale=8))
    assert qr_payloads(image) == [URL]
    grey = image.convert("L")
    assert {value for _, value in grey.getcolors()} == {0, 255}
    assert all(grey.getpixel((x, y)) == 255 for x in range(32) for y in range(image.height))  # 4 modules × 8 px


def test_a_non_ascii_url_is_percent_encoded_in_the_qr():
    url = "https://kx.example.cn/stories/fields/农业科技/"
    assert qr_payloads(png(render_qr_png(url))) == [urllib.parse.quote(url, safe=":/")]


def test_qr_svg_is_valid_svg_with_a_square_viewbox():
    root = ET.fromstring(render_qr_svg(URL))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    assert width == height >= 21 + 8
    assert root.findall("{http://www.w3.org/2000/svg}path")


def test_the_poster_qr_decodes_to_the_item_url_and_is_captioned(fonts, portrait):
    item = exemplar(portrait)
    poster = png(render_poster(item, fonts))
    assert qr_payloads(poster) == [URL]
    layout = poster_layout(item, fonts, has_picture=True, picture_size=(600, 800), qr_modules=37)
    assert layout.block("qr_caption").text == "扫码阅读全文"
    assert qr_payloads(png(render_poster(item, fonts, qr_png=render_qr_png(URL)))) == [URL]


# --------------------------------------------------------------- finding the font

NOTO = Path("/usr/share/fonts/opentype/noto")


def test_the_simplified_chinese_face_is_chosen_by_name(fonts):
    for face in (fonts.regular, fonts.bold):
        name, _ = ImageFont.truetype(str(face.path), 20, index=face.index).getname()
        assert "SC" in name.split() and "Mono" not in name
        assert has_cjk_glyphs(face.path, face.index)


def test_a_configured_path_wins_over_the_environment(monkeypatch, fonts):
    monkeypatch.setenv("EXEMPLAR_FONT", str(fonts.regular.path))
    assert find_cjk_font(fonts.bold.path) == fonts.bold.path


def test_a_missing_configured_path_is_refused_in_chinese(monkeypatch, fonts, tmp_path):
    monkeypatch.setenv("EXEMPLAR_FONT", str(fonts.regular.path))
    with pytest.raises(FontNotFound) as raised:
        find_cjk_font(tmp_path / "没有这个字体.ttf")
    message = str(raised.value)
    assert "不存在" in message and "fonts-noto-cjk" in message and "没有这个字体.ttf" in message


def test_the_environment_variable_is_respected(monkeypatch, fonts):
    serif = fonts.face("serif").path
    monkeypatch.setenv("EXEMPLAR_FONT", str(serif))
    monkeypatch.setenv("EXEMPLAR_FONT_BOLD", str(fonts.regular.path))
    assert find_cjk_font() == serif
    assert find_cjk_font(bold=True) == fonts.regular.path


def test_a_font_without_chinese_is_refused(monkeypatch, tmp_path):
    latin = tofu_font(20, tmp_path)
    assert not has_cjk_glyphs(latin)
    with pytest.raises(FontNotFound, match="不含中文字形"):
        find_cjk_font(latin)
    monkeypatch.setenv("EXEMPLAR_FONT", str(latin))
    with pytest.raises(FontNotFound, match="EXEMPLAR_FONT"):
        find_cjk_font()


def test_fontconfig_answers_without_chinese_are_passed_over(monkeypatch, tmp_path, fonts):
    latin = tofu_font(20, tmp_path)
    monkeypatch.setattr(fonts_module, "_fontconfig_match", lambda pattern: latin)
    monkeypatch.setattr(fonts_module, "KNOWN_PATHS", {key: (fonts.regular.path,) for key in fonts_module.KNOWN_PATHS})
    assert find_cjk_font() == fonts.regular.path


def test_no_font_anywhere_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts_module, "_fontconfig_match", lambda pattern: None)
    nowhere = {key: (tmp_path / "none.ttc",) for key in fonts_module.KNOWN_PATHS}
    monkeypatch.setattr(fonts_module, "KNOWN_PATHS", nowhere)
    with pytest.raises(FontNotFound) as raised:
        load_fonts()
    assert "apt-get install fonts-noto-cjk" in str(raised.value) and "EXEMPLAR_FONT" in str(raised.value)


def test_without_serif_fonts_the_sans_faces_stand_in(monkeypatch, fonts):
    real = fonts_module.find_cjk_font

    def no_serif(configured=None, bold=False, *, serif=False):
        if serif:
            raise FontNotFound("没有衬线字体")
        return real(configured, bold)

    monkeypatch.setattr(fonts_module, "find_cjk_font", no_serif)
    sans_only = load_fonts()
    assert sans_only.serif is None and sans_only.face("serif") == sans_only.regular
    assert sans_only.face("serif_bold") == sans_only.bold
