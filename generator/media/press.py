"""The press release (通稿): press.docx, press.txt and press-kit.zip.

Input: a ``MediaItem`` and, for the Word file and the kit, the photos as
``(MediaPhoto, bytes)`` pairs supplied by the caller: web-size JPEGs for the
Word file, full-resolution ones for the kit, both already stripped of metadata
(``images.process_images`` does that for the site). The kit strips them again
anyway (``strip_metadata``): it is the file that leaves the office.

Output: bytes (``render_docx``, ``render_press_kit``) or text
(``render_press_text``). The same item and photos give the same bytes: the
Word file's dates are the item's date and its zip entries carry fixed
timestamps, as do the kit's.

The layout follows what Chinese newsrooms receive from government offices
(and GB/T 9704 where a press release borrows from official documents): A4,
margins 37/35/28/26 mm, the title in 方正小标宋简体 二号 centred, the body in
仿宋_GB2312 三号 with 1.5 line spacing and a two-character first-line indent,
subheads in 黑体, captions in 楷体, page numbers "— 1 —" in the footer. Word
cannot list fallback fonts in a run, so the fonts table names the usual
substitutes (``w:altName``: 仿宋_GB2312 → 仿宋, 方正小标宋简体 → 黑体) with the
GB2312 charset, which is how Word and WPS pick a font on a machine without it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from lxml import etree
from PIL import Image, ImageCms, ImageOps

from . import MediaCampaign, MediaItem, MediaPhoto

__all__ = ["PressRelease", "photo_credit", "press_release", "render_docx", "render_press_kit",
           "render_press_text", "strip_metadata", "text_file"]

ZIP_EPOCH = dt.date(1980, 1, 1)  # the earliest date a zip entry can carry; used when the item has none
FACTS_TITLE = {"exemplar": "人物名片", "activity": "活动信息"}


# ------------------------------------------------------------ the content

@dataclass(frozen=True)
class PressRelease:
    """What a press release says, in order; the Word and text renderings show the same."""

    title: str
    subtitle: str | None  # exemplar: "——记……"
    source: str  # "来源：保定市科学技术协会"
    dateline: str  # "保定市科学技术协会讯（2021年5月28日）"
    lead: str  # the summary
    sections: tuple[tuple[str, tuple[str, ...]], ...]
    facts_title: str
    facts: tuple[tuple[str, str], ...]
    contact: tuple[tuple[str, str], ...]  # (联系人, …), (电话, …), (邮箱, …)
    reprint: str
    url: str


def press_release(item: MediaItem) -> PressRelease:
    campaign = item.campaign
    date = f"（{_cn_date(item.date)}）" if item.date else ""
    return PressRelease(
        title=item.headline if item.kind == "exemplar" else item.title,
        subtitle=_exemplar_subtitle(item) if item.kind == "exemplar" else None,
        source=f"来源：{campaign.organizer}",
        dateline=f"{campaign.organizer}讯{date}",
        lead=item.summary,
        sections=tuple((heading, tuple(p for p in paragraphs if p.strip()))
                       for heading, paragraphs in item.sections),
        facts_title=FACTS_TITLE.get(item.kind, "资料"),
        facts=item.facts,
        contact=(("联系人", campaign.contact_name), ("电话", campaign.contact_phone),
                 ("邮箱", campaign.contact_email)),
        reprint=campaign.reprint,
        url=item.url,
    )


def _exemplar_subtitle(item: MediaItem) -> str:
    """The classic profile subtitle: ——记<单位><职称><姓名>, without "（已撤并）"-style notes."""
    facts = dict(item.facts)
    affiliation = re.sub(r"（[^）]*）|\([^)]*\)", "", facts.get("单位", ""))
    return f"——记{affiliation}{facts.get('职称', '')}{item.title}"


def photo_credit(photo: MediaPhoto, campaign: MediaCampaign) -> str:
    """The photo's credit; a photo without one was supplied by the organizer (供图)."""
    return photo.credit or f"{campaign.organizer}供图"


def _caption(number: int, photo: MediaPhoto, campaign: MediaCampaign) -> str:
    return f"图{number}　{photo.caption}（{photo_credit(photo, campaign)}）"


def _dateline_gap(release: PressRelease) -> str:
    """"……讯（2021年5月28日）曾海涛……" runs on; a dateline without a date needs a space."""
    return "" if release.dateline.endswith("）") else "\u3000"


def _cn_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


# ------------------------------------------------------------ plain text

def render_press_text(item: MediaItem) -> str:
    """press.txt: the release as plain text, paragraphs indented with two ideographic spaces."""
    release = press_release(item)
    indent = "\u3000\u3000"
    blocks = [release.title + (f"\n{release.subtitle}" if release.subtitle else ""), release.source,
              f"{indent}{release.dateline}{_dateline_gap(release)}{release.lead}"]
    for heading, paragraphs in release.sections:
        if heading:
            blocks.append(heading)
        blocks.extend(indent + p for p in paragraphs)
    blocks.append(f"{indent}（完）")
    if release.facts:
        blocks.append("\n".join([f"【{release.facts_title}】"] + [f"{k}：{v}" for k, v in release.facts]))
    blocks.append("\n".join(["【媒体联系】"] + [f"{k}：{v}" for k, v in release.contact]))
    blocks.append(f"{release.reprint}\n原文链接：{release.url}")
    return "\n\n".join(blocks) + "\n"


def text_file(text: str) -> bytes:
    """Text as newsrooms open it without asking: UTF-8 with a BOM, CRLF line ends.

    Windows Notepad before 2019, and browsers given text/plain without a
    charset, guess GBK for UTF-8 Chinese without a BOM; CRLF keeps old Notepad
    from showing one long line.
    """
    return "\ufeff".encode() + text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


# ------------------------------------------------------------ Word

@dataclass(frozen=True)
class _Look:
    east_asia: str
    size: float  # points
    latin: str = "Times New Roman"
    bold: bool = False
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    indent_chars: int = 2  # first-line indent in characters
    line: float = 1.5  # line spacing, a multiple
    before: float = 0  # points
    after: float = 0
    outline: int | None = None  # 0 = a level-1 heading in Word's navigation pane
    keep_with_next: bool = False


# Chinese size names: 二号 22 pt, 三号 16 pt, 四号 14 pt.
LOOKS = {
    "Normal": _Look("仿宋_GB2312", 16),
    "Press Title": _Look("方正小标宋简体", 22, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, line=1.25,
                         keep_with_next=True),
    "Press Subtitle": _Look("楷体_GB2312", 16, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, before=6,
                            keep_with_next=True),
    "Press Source": _Look("楷体_GB2312", 16, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, before=12,
                          after=18, keep_with_next=True),
    "Press Heading": _Look("黑体", 16, outline=0, keep_with_next=True),
    "Press Figure": _Look("仿宋_GB2312", 16, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, line=1.0, before=12,
                          keep_with_next=True),
    "Press Caption": _Look("楷体_GB2312", 14, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, line=1.25, after=6),
    "Press Box Title": _Look("黑体", 16, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, line=1.25),
    "Press Table": _Look("仿宋_GB2312", 14, align=WD_ALIGN_PARAGRAPH.LEFT, indent_chars=0, line=1.25),
    "Press Note": _Look("楷体_GB2312", 14, indent_chars=2, line=1.5),
    "Press Page Number": _Look("宋体", 14, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, line=1.0),
}

# name: (altName, panose, family). Charset 86 is GB2312: Word substitutes a
# Chinese font of that family when the named one is missing.
FONTS = {
    "仿宋_GB2312": ("仿宋", "02010609030101010101", "modern"),
    "楷体_GB2312": ("楷体", "02010609030101010101", "modern"),
    "方正小标宋简体": ("黑体", "02000000000000000000", "roman"),
    "黑体": ("SimHei", "02010609060101010101", "modern"),
    "宋体": ("SimSun", "02010600030101010101", "auto"),
}

PHOTO_MAX = (Cm(15), Cm(11))  # width, height: inside the 156 mm text width, two photos fit a page


def render_docx(item: MediaItem, photos: Sequence[tuple[MediaPhoto, bytes]]) -> bytes:
    """press.docx: the release as a Word file (A4, GB/T 9704 conventions, page numbers)."""
    release = press_release(item)
    document = Document()
    _set_up_styles(document)
    _set_up_page(document)
    _set_properties(document, item, release)

    _paragraph(document, release.title, "Press Title")
    if release.subtitle:
        _paragraph(document, release.subtitle, "Press Subtitle")
    _paragraph(document, release.source, "Press Source")
    lead = _paragraph(document, release.dateline, "Normal", east_asia="黑体")
    _run(lead, _dateline_gap(release) + release.lead, "Normal")
    last = lead
    for heading, paragraphs in release.sections:
        if heading:
            _paragraph(document, heading, "Press Heading")
        for text in paragraphs:
            last = _paragraph(document, text, "Normal")
    last.paragraph_format.keep_with_next = True  # never a lone "（完）" at the top of a page
    _paragraph(document, "（完）", "Normal")

    if release.facts:
        _facts_box(document, release)
    for number, (photo, data) in enumerate(photos, 1):
        _figure(document, data)
        _paragraph(document, _caption(number, photo, item.campaign), "Press Caption")

    closing = [_paragraph(document, "媒体联系", "Press Heading")]
    closing += [_paragraph(document, f"{label}：{value}", "Normal") for label, value in release.contact]
    closing += [_paragraph(document, release.reprint, "Press Note"),
                _paragraph(document, f"原文链接：{release.url}", "Press Note")]
    closing[0].paragraph_format.space_before = closing[-2].paragraph_format.space_before = Pt(12)
    for paragraph in closing[:-1]:  # the contact block stays on one page
        paragraph.paragraph_format.keep_with_next = True

    buffer = io.BytesIO()
    document.save(buffer)
    return _normalise_package(buffer.getvalue(), item.date or ZIP_EPOCH)


def _set_up_page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(22)
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Press Page Number"]
    _page_number(footer)


def _page_number(paragraph) -> None:
    """"— 1 —": a PAGE field between em dashes, as on official documents."""
    style = "Press Page Number"
    _run(paragraph, "— ", style)
    _field_char(_run(paragraph, "", style), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    _run(paragraph, "", style)._r.append(instruction)
    _field_char(_run(paragraph, "", style), "separate")
    _run(paragraph, "1", style)  # shown until the field is updated
    _field_char(_run(paragraph, "", style), "end")
    _run(paragraph, " —", style)


def _field_char(run, kind: str) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    run._r.append(element)


def _set_up_styles(document) -> None:
    styles = document.styles
    # Theme fonts (asciiTheme, eastAsiaTheme) win over named ones, and the
    # template's East Asian theme font is Japanese: name the fonts outright.
    defaults = styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _set_fonts(r_pr, LOOKS["Normal"])
    defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}").set(qn("w:after"), "0")
    for lang in document.settings.element.iter(qn("w:themeFontLang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    for name, look in LOOKS.items():
        style = styles[name] if name == "Normal" else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if name != "Normal":
            style.base_style = styles["Normal"]
            style.quick_style = True
            style.element.set(qn("w:styleId"), name.replace(" ", ""))
        style.font.size = Pt(look.size)
        style.font.bold = look.bold
        _set_fonts(style.element.get_or_add_rPr(), look)
        _apply_paragraph_look(style.paragraph_format, style.element.get_or_add_pPr(), look)


def _apply_paragraph_look(fmt, p_pr, look: _Look) -> None:
    fmt.alignment = look.align
    fmt.line_spacing = look.line
    fmt.space_before, fmt.space_after = Pt(look.before), Pt(look.after)
    fmt.keep_with_next = look.keep_with_next or None
    fmt.first_line_indent = Pt(look.size * look.indent_chars)
    # Word measures the indent in characters when firstLineChars is present, and
    # a style inherits it: write it always, 0 included, or Normal's 2 leaks in.
    p_pr.get_or_add_ind().set(qn("w:firstLineChars"), str(look.indent_chars * 100))
    if look.outline is not None:
        p_pr.get_or_add_outlineLvl().val = look.outline


def _set_fonts(r_pr, look: _Look, east_asia: str | None = None) -> None:
    fonts = r_pr.get_or_add_rFonts()
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    fonts.set(qn("w:ascii"), look.latin)
    fonts.set(qn("w:hAnsi"), look.latin)
    fonts.set(qn("w:eastAsia"), east_asia or look.east_asia)
    fonts.set(qn("w:cs"), look.latin)
    fonts.set(qn("w:hint"), "eastAsia")
    lang = r_pr.find(qn("w:lang"))
    if lang is None:  # python-docx has no accessor; only eastAsianLayout, specVanish and oMath may follow it
        lang = OxmlElement("w:lang")
        r_pr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _paragraph(document, text: str, style: str, east_asia: str | None = None):
    paragraph = document.add_paragraph(style=document.styles[style])
    _run(paragraph, text, style, east_asia)
    return paragraph


def _run(paragraph, text: str, style: str, east_asia: str | None = None):
    """A run that names its fonts too: pasted into another file, text keeps them
    even where that file's "Normal" differs."""
    run = paragraph.add_run(text)
    look = LOOKS[style]
    run.font.size = Pt(look.size)
    _set_fonts(run._r.get_or_add_rPr(), look, east_asia)
    return run


def _figure(document, data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
    scale = min(PHOTO_MAX[0] / width, PHOTO_MAX[1] / height)
    paragraph = document.add_paragraph(style=document.styles["Press Figure"])
    paragraph.add_run().add_picture(io.BytesIO(data), width=int(width * scale), height=int(height * scale))


def _facts_box(document, release: PressRelease) -> None:
    """A bordered two-column table under a shaded title row."""
    spacer = _paragraph(document, "", "Press Table")
    spacer.paragraph_format.space_before = Pt(6)
    table = document.add_table(rows=len(release.facts) + 1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_borders(table)
    widths = (Cm(3.2), Cm(15.6 - 3.2))
    for column, width in zip(table.columns, widths):
        column.width = width
    title = table.rows[0].cells[0].merge(table.rows[0].cells[1])
    _cell_text(title, release.facts_title, "Press Box Title")
    _shade(title, "EDEDED")
    for row, (label, value) in zip(table.rows[1:], release.facts):
        for cell, width in zip(row.cells, widths):
            cell.width = width
        _cell_text(row.cells[0], label, "Press Table", east_asia="黑体")
        _cell_text(row.cells[1], value, "Press Table")
    _paragraph(document, "", "Press Table")


def _cell_text(cell, text: str, style: str, east_asia: str | None = None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    _run(paragraph, text, style, east_asia)


def _table_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "6"), ("space", "0"), ("color", "000000")):
            element.set(qn(f"w:{key}"), value)
        borders.append(element)
    margins = OxmlElement("w:tblCellMar")
    for edge, twips in (("top", 60), ("left", 120), ("bottom", 60), ("right", 120)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    # Word refuses a file whose properties are out of schema order.
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                           "w:tblCaption", "w:tblDescription")
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().insert_element_before(shading, "w:noWrap", "w:tcMar", "w:textDirection",
                                                     "w:tcFitText", "w:vAlign", "w:hideMark")


def _set_properties(document, item: MediaItem, release: PressRelease) -> None:
    """Core properties from the item, never from the clock, so the bytes repeat."""
    when = dt.datetime.combine(item.date or ZIP_EPOCH, dt.time())
    properties = document.core_properties
    properties.title = release.title
    properties.subject = item.campaign.name
    properties.author = properties.last_modified_by = item.campaign.organizer
    properties.keywords = "、".join(item.categories)
    properties.comments = item.summary
    properties.category = "新闻通稿"
    properties.language = "zh-CN"
    properties.identifier = item.url
    properties.created = properties.modified = when
    properties.revision = 1
    package = document.part.package
    # The template's preview picture shows python-docx's sample page, not this one.
    for r_id in [r for r, rel in package.rels.items() if rel.reltype == RT.THUMBNAIL]:
        del package.rels[r_id]


def _normalise_package(data: bytes, date: dt.date) -> bytes:
    """Fixed entry timestamps, and the fonts table naming our fonts' substitutes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    entries = [(name, _font_table(blob) if name == "word/fontTable.xml" else blob) for name, blob in entries]
    return _zip(entries, date, sort=False)  # [Content_Types].xml stays first, as Office writes it


def _font_table(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for name, (alt, panose, family) in FONTS.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("altName", alt), ("panose1", panose), ("charset", "86"), ("family", family),
                           ("pitch", "variable")):
            etree.SubElement(font, qn(f"w:{tag}")).set(qn("w:val"), value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ------------------------------------------------------------ the kit

def render_press_kit(item: MediaItem, *, docx: bytes, text: str, poster_png: bytes | None, card_png: bytes | None,
                     photos: Sequence[tuple[MediaPhoto, bytes]]) -> bytes:
    """press-kit.zip: press.docx, press.txt, poster.png, card.png, photos/NN-name.jpg, credits.txt.

    Photos are full-resolution JPEGs; the caller strips their metadata and
    this function strips it again (``strip_metadata``). Names are sorted,
    timestamps fixed (the item's date), Chinese names UTF-8-flagged.
    """
    files: dict[str, bytes] = {"press.docx": docx, "press.txt": text_file(text)}
    if poster_png is not None:
        files["poster.png"] = poster_png
    if card_png is not None:
        files["card.png"] = card_png
    named = [(f"photos/{number:02d}-{_safe_stem(photo)}.jpg", photo) for number, (photo, _) in enumerate(photos, 1)]
    for (name, _), (_, data) in zip(named, photos):
        files[name] = strip_metadata(data)
    files["credits.txt"] = text_file(_credits(item, named, poster_png is not None, card_png is not None))
    return _zip(files.items(), item.date or ZIP_EPOCH)


def _credits(item: MediaItem, named: list[tuple[str, MediaPhoto]], poster: bool, card: bool) -> str:
    campaign = item.campaign
    lines = [press_release(item).title, "图片说明与署名", ""]
    for name, photo in named:
        lines += [name, f"说明：{photo.caption}", f"署名：{photo_credit(photo, campaign)}", ""]
    made = "、".join(name for name, present in (("poster.png", poster), ("card.png", card)) if present)
    if made:
        lines += [f"{made}：{campaign.organizer}制作", ""]
    lines += ["刊用图片请保留署名。", campaign.reprint, f"原文链接：{item.url}"]
    return "\n".join(lines) + "\n"


_UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\s]+')  # not allowed in Windows file names


def _safe_stem(photo: MediaPhoto) -> str:
    return _UNSAFE_IN_NAMES.sub("-", photo.path.stem).strip("-. ") or "photo"


_STORED = (".docx", ".png", ".jpg", ".jpeg")  # already compressed


def _zip(entries: Iterable[tuple[str, bytes]], date: dt.date, sort: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(entries) if sort else entries:
            info = zipfile.ZipInfo(name, date_time=(date.year, date.month, date.day, 0, 0, 0))
            info.create_system = 3  # Unix, on every platform, so the bytes repeat
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name.endswith(_STORED) else zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=9 if info.compress_type == zipfile.ZIP_DEFLATED else None)
    return buffer.getvalue()


# ------------------------------------------------------------ metadata

# APPn segments worth keeping: JFIF (density) and Adobe (how to read the colours).
_KEPT_APP = {0xE0: b"JFIF\x00", 0xEE: b"Adobe"}


def strip_metadata(data: bytes) -> bytes:
    """A JPEG with no EXIF (so no GPS), XMP, ICC profile, IPTC, comment, thumbnail or trailing data.

    Lossless where it can be (a press photo should not lose a generation): the
    metadata segments are dropped and the compressed picture copied as is, so
    clean input comes back unchanged. Where dropping would change the picture
    (an EXIF rotation, or an ICC profile other than sRGB) the photo is decoded,
    turned upright, converted to sRGB and encoded again at quality 95. Input
    that is not a JPEG is encoded as one.
    """
    segments = _jpeg_segments(data)
    if segments is None or _needs_decoding(data):
        return _reencode(data)
    kept = bytearray(b"\xff\xd8")
    for marker, segment in segments:
        if marker == 0xFE or (0xE0 <= marker <= 0xEF and not _kept_app(marker, segment)):
            continue
        kept += _jfif_without_thumbnail(segment) if marker == 0xE0 else segment
    return bytes(kept)


def _jpeg_segments(data: bytes) -> list[tuple[int, bytes]] | None:
    """(marker, bytes) from after SOI to EOI inclusive, scans with their data; None if not a whole JPEG."""
    if not data.startswith(b"\xff\xd8"):
        return None
    segments, position, size = [], 2, len(data)
    while position < size:
        if data[position] != 0xFF:
            return None
        while position < size and data[position] == 0xFF:  # fill bytes: dropped
            position += 1
        if position >= size:
            return None
        start = position - 1
        marker = data[position]
        position += 1
        if marker == 0xD9:
            segments.append((marker, b"\xff\xd9"))
            return segments  # whatever follows EOI (a second picture, a vendor trailer) is left behind
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            segments.append((marker, data[start:position]))
            continue
        if position + 2 > size:
            return None
        position += int.from_bytes(data[position:position + 2], "big")
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not a stuffed byte or RSTn
            while True:
                position = data.find(b"\xff", position)
                if position < 0 or position + 1 >= size:
                    return None
                following = data[position + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    position += 1 if following == 0xFF else 2
                    continue
                break
        segments.append((marker, data[start:position]))
    return None


def _kept_app(marker: int, segment: bytes) -> bool:
    signature = _KEPT_APP.get(marker)
    return signature is not None and segment[4:4 + len(signature)] == signature


def _jfif_without_thumbnail(segment: bytes) -> bytes:
    """JFIF may carry a thumbnail of the uncropped original: keep version and density only."""
    fields = segment[4:18]  # "JFIF\0", version (2), units (1), density (4), thumbnail size (2)
    if len(fields) < 14:
        return segment
    body = fields[:12] + b"\x00\x00"
    return b"\xff\xe0" + (len(body) + 2).to_bytes(2, "big") + body


def _needs_decoding(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        try:
            orientation = image.getexif().get(0x0112, 1)
        except Exception:  # malformed EXIF: it is dropped, the picture shown as stored
            orientation = 1
        profile = image.info.get("icc_profile")
    return orientation not in (1, None) or bool(profile) and not _is_srgb(profile)


def _is_srgb(profile: bytes) -> bool:
    try:
        return "sRGB" in ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(profile)))
    except (ImageCms.PyCMSError, OSError, ValueError):
        return False


def _reencode(data: bytes) -> bytes:
    from ..images import _web_colours  # the site's own conversion to sRGB, shared rather than copied

    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)
    image, has_alpha = _web_colours(image)
    if has_alpha:  # JPEG has no transparency: lay it on white, as a page would show it
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image).convert("RGB")
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95, optimize=True)
    return buffer.getvalue()
