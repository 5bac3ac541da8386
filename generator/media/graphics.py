"""Share card, poster and QR code for one ``MediaItem``.

Input: a ``MediaItem`` (see ``__init__.py``) and ``CJKFonts`` (``fonts.py``).
Output: PNG bytes (card 1200×630, poster 1080×1920, QR) and SVG bytes (QR).

Guarantees:
- pure functions: the same item and fonts give the same bytes (no dates,
  random numbers or file times go into an image), so the build caches by a
  hash of the item plus ``CJKFonts.fingerprint()`` and ``GRAPHICS_VERSION``;
- text never leaves its box: every text block is wrapped by character to its
  width, with line-breaking rules for Chinese (禁则: no ，。、”） at the start
  of a line, no “（ at the end, Latin words and numbers kept whole), and
  clamped to a number of lines with "…";
- where text goes is computed first (``card_layout``, ``poster_layout``) and
  only then drawn, so tests can find each block in the image;
- QR codes are black on white with a 4-module quiet zone and error
  correction Q (readable when printed small or photographed off a TV).

Pillow draws everything; segno encodes the QR matrix; jieba (a private
tokenizer, not the one search teaches) finds word boundaries for headlines.
"""

from __future__ import annotations

import functools
import io
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont, ImageOps

from . import MediaItem
from .fonts import CJKFonts

__all__ = ["CARD_SIZE", "ELLIPSIS", "GRAPHICS_VERSION", "NO_LINE_END", "NO_LINE_START", "POSTER_SIZE", "QR_CAPTION",
           "Layout", "Shape", "TextBlock", "card_layout", "poster_layout", "render_card", "render_poster",
           "render_qr_png", "render_qr_svg", "wrap_text"]

GRAPHICS_VERSION = "1"  # bump when the look changes, so cached images are redrawn
CARD_SIZE = (1200, 630)
POSTER_SIZE = (1080, 1920)
QR_ERROR = "q"
QR_BORDER = 4  # modules of quiet zone, as ISO/IEC 18004 asks
QR_CAPTION = "扫码阅读全文"
ELLIPSIS = "…"

RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]
WHITE: RGB = (255, 255, 255)
INK: RGB = (34, 34, 34)  # body text on white: softer than black, still > 15:1
GREY: RGB = (88, 88, 88)

# ---------------------------------------------------------------------------
# Line breaking (禁则处理)

# Not at the start of a line: closing brackets and quotes, sentence and
# clause punctuation, the ellipsis and dash (which are also never split),
# iteration marks, unit signs that follow a number.
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉〗｝］”’…—–·・‧%‰℃°,.;:?!)]}>～々〃ー")
# Not at the end of a line: opening brackets and quotes.
NO_LINE_END = frozenset("（《「『【〔〈〖｛［“‘([{<")
# A middle dot joins the parts of a name (阿依古丽·买买提): no break on either side.
_JOINERS = "·・‧"
# Latin words, numbers (with their decimal points, thousands separators and
# units like % attached), URLs and e-mail addresses stay whole when they fit.
_TOKEN = re.compile(
    r"[A-Za-z0-9\u00C0-\u024F]+(?:[.,:/@'’&+_#=?\-]+[A-Za-z0-9\u00C0-\u024F]+)*%?"
    r"|[ \t\u3000]+"
    r"|\n"
    r"|.",
    re.S,
)


@functools.lru_cache(maxsize=256)
def _kerns(font: ImageFont.FreeTypeFont) -> bool:
    """True when the font kerns in BASIC layout (a legacy 'kern' table); Noto CJK does not."""
    return any(font.getlength(pair) != font.getlength(pair[0]) + font.getlength(pair[1])
               for pair in ("AV", "To", "Wa", "LT", "r."))


@functools.lru_cache(maxsize=65536)
def _advance(font: ImageFont.FreeTypeFont, char: str) -> float:
    return font.getlength(char)


def _width(font: ImageFont.FreeTypeFont, text: str) -> float:
    """``font.getlength(text)``, from cached per-character advances.

    Pillow loads every glyph again on each call (about 40 µs a character for a
    CJK font); wrapping measures the same characters hundreds of times. With
    BASIC layout and no kerning the sum of advances is exactly the length.
    """
    if _kerns(font):
        return font.getlength(text)
    return sum(_advance(font, char) for char in text)


def _atoms(text: str) -> list[str]:
    """Split into the pieces a line may break between: one CJK character with
    the punctuation that must stay with it, one Latin word, or one space run."""
    atoms: list[str] = []
    for token in _TOKEN.findall(" ".join(text.split("\n"))):
        space = token.isspace()
        if atoms and not space and not atoms[-1].isspace():
            if token[0] in NO_LINE_START or atoms[-1][-1] in NO_LINE_END or atoms[-1][-1] in _JOINERS:
                atoms[-1] += token
                continue
        if atoms and space and atoms[-1].isspace():
            atoms[-1] += token
            continue
        atoms.append(token)
    return atoms


def _split_wide(atom: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """An atom wider than the line (a long URL): break it by character."""
    pieces, current = [], ""
    for char in atom:
        if current and _width(font, current + char) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def _greedy(atoms: Sequence[str], font: ImageFont.FreeTypeFont, width: float) -> list[list[str]]:
    lines: list[list[str]] = []
    line: list[str] = []
    for atom in atoms:
        if atom.isspace() and not line:
            continue  # no space at the start of a line
        if _width(font, "".join(line) + atom.rstrip()) <= width:
            line.append(atom)
            continue
        if line:
            while line and line[-1].isspace():
                line.pop()
            lines.append(line)
            line = []
        if atom.isspace():
            continue
        if _width(font, atom) > width:
            *whole, last = _split_wide(atom, font, width)
            lines.extend([piece] for piece in whole)
            line = [last]
        else:
            line = [atom]
    while line and line[-1].isspace():
        line.pop()
    if line:
        lines.append(line)
    return lines


def _avoid_orphan(lines: list[list[str]], font: ImageFont.FreeTypeFont, width: float) -> list[list[str]]:
    """Don't leave one character alone on the last line (孤字): pull one more down."""
    if len(lines) < 2 or len(lines[-1]) != 1 or len(lines[-2]) < 4:
        return lines
    alone = lines[-1][0]
    if sum(1 for c in alone if c not in NO_LINE_START and c not in NO_LINE_END) > 1:
        return lines
    moved = lines[-2][-1]
    if moved.isspace() or _width(font, moved + alone) > width:
        return lines
    return [*lines[:-2], lines[-2][:-1], [moved, alone]]


def _with_ellipsis(atoms: list[str], font: ImageFont.FreeTypeFont, width: float) -> str:
    """The longest start of ``atoms`` that fits with "…" after it."""
    kept = list(atoms)
    while kept and _width(font, "".join(kept).rstrip() + ELLIPSIS) > width:
        kept.pop()
    text = "".join(kept)
    if not text.strip():  # the first word alone is wider than the line: cut it by character
        text = "".join(atoms).strip()
        while text and _width(font, text + ELLIPSIS) > width:
            text = text[:-1]
    # "，…" and "（…" read badly: the ellipsis replaces trailing punctuation.
    text = text.rstrip().rstrip("，。、；：,.;:（《「『【“‘([ ").rstrip()
    return text + ELLIPSIS


def wrap_text(text: str, font: ImageFont.FreeTypeFont, width: float, max_lines: int | None = None,
              balance: bool = False) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (pixels, measured with ``font``).

    Breaks between any two Chinese characters, never inside a Latin word or
    a number unless it is wider than the line, and follows 禁则 (see
    ``NO_LINE_START``, ``NO_LINE_END``). With ``max_lines``, a longer text is
    cut and its last line ends with "…". With ``balance``, lines are made as
    even as the same number of lines allows (for headlines: no long first
    line over a two-character second one).
    """
    return _wrap(text, font, width, max_lines, balance)[0]


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float, max_lines: int | None,
          balance: bool) -> tuple[list[str], int]:
    """``wrap_text``, and how many of its breaks are poor (inside a word or quotation)."""
    text = " ".join(text.split())
    if not text:
        return [], 0
    atoms = _atoms(text)
    lines = _greedy(atoms, font, width)
    if max_lines is not None and len(lines) > max_lines:
        kept = ["".join(line) for line in lines[: max_lines - 1]]
        rest = _atoms(_text_after(text, kept).strip())
        return kept + [_with_ellipsis(rest, font, width)], 0
    poor = 0
    if balance and len(lines) > 1:
        lines, poor = _balanced(atoms, font, width, len(lines))
    lines = _avoid_orphan(lines, font, width)
    return ["".join(line) for line in lines], poor


def _text_after(text: str, lines: Sequence[str]) -> str:
    """What of ``text`` follows ``lines`` (which are ``text`` less the spaces dropped at breaks)."""
    position = 0
    for char in "".join(lines):
        while position < len(text) and text[position] != char and text[position].isspace():
            position += 1
        position += 1
    return text[position:]


_OPENERS = "“‘（《「『【〔〈〖([{"
_CLOSERS = "”’）》」』】〕〉〗)]}"
_CLAUSE_ENDS = "，。、；：？！,.;:?!" + _CLOSERS


@functools.lru_cache(maxsize=1)
def _segmenter():  # -> jieba.Tokenizer | None
    """A private jieba tokenizer: render.py teaches the global one the site's
    names for search, which would make line breaks depend on what ran first."""
    try:
        import jieba
    except ImportError:
        return None
    jieba.setLogLevel(60)  # silence "Building prefix dict ..." chatter
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in _CAMPAIGN_WORDS:
        tokenizer.add_word(word, freq=100000)
    return tokenizer


# Words of this kind of campaign that jieba's dictionary splits (科普 / 日).
_CAMPAIGN_WORDS = ("全国科普日", "科普日", "全国科技工作者日", "科技工作者日", "科技工作者", "办实事", "科协",
                   "科技周", "院士", "学会")


@functools.lru_cache(maxsize=1024)
def _word_starts(text: str) -> frozenset[int]:
    """Offsets in ``text`` where a word starts (every offset without jieba)."""
    tokenizer = _segmenter()
    if tokenizer is None:
        return frozenset(range(len(text) + 1))
    starts, offset = {len(text)}, 0
    for word in tokenizer.cut(text):
        starts.add(offset)
        offset += len(word)
    return frozenset(starts)


def _balanced(atoms: Sequence[str], font: ImageFont.FreeTypeFont, width: float,
              count: int) -> tuple[list[list[str]], int]:
    """``count`` lines as even as possible, breaking where a reader pauses.

    Minimises half the sum of squared slack (in em) over all lines, which for a
    fixed number of lines makes them even, plus a penalty for breaking inside
    quotation marks or brackets (“新 / 农人”) or between a number and its
    unit or inside a word (jieba's segmentation: 前 / 夕), and a reward for
    breaking after a comma or closing quote or before an opening one.
    Headlines are short; the search over break positions is a small dynamic
    programme.
    """
    n = len(atoms)
    em = font.size
    offsets = [0]
    for atom in atoms:
        offsets.append(offsets[-1] + len(atom))
    word_starts = _word_starts("".join(atoms))
    depth_after = []
    depth = 0
    for atom in atoms:
        for char in atom:
            if char in _OPENERS:
                depth += 1
            elif char in _CLOSERS:
                depth = max(0, depth - 1)
        depth_after.append(depth)

    def break_cost(j: int) -> float:  # a break between atoms[j - 1] and atoms[j]
        if j >= n:
            return 0.0
        before, after = atoms[j - 1].rstrip(), atoms[j].lstrip()
        cost = 0.0
        if offsets[j] not in word_starts:
            cost += 5.0  # inside a word: 前 / 夕, 看 / 望
        if depth_after[j - 1] > 0:
            cost += 8.0  # inside “…” or （…）
        if before[-1:] in _CLAUSE_ENDS:
            cost -= 3.0  # after a comma or a closing quote: where a reader pauses
        if after[:1] in _OPENERS:
            cost -= 2.0
        if before[-1:] == "的":
            cost -= 1.5  # 生产线上的 / “智造”领跑者
        if before[-1:].isdigit() and not after[:1].isspace():
            cost += 3.0  # 120 / 套
        if after[:1] in "的了着":
            cost += 3.0  # a particle clings to the word before it
        return cost

    def poor(j: int) -> bool:
        return j < n and (offsets[j] not in word_starts or depth_after[j - 1] > 0)

    widths: dict[tuple[int, int], float] = {}

    def line_width(i: int, j: int) -> float:
        key = (i, j)
        if key not in widths:
            widths[key] = _width(font, "".join(atoms[i:j]).strip())
        return widths[key]

    inf = float("inf")
    # best[k][j]: cost of setting atoms[:j] in k lines
    best = [[inf] * (n + 1) for _ in range(count + 1)]
    back = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for k in range(1, count + 1):
        for j in range(1, n + 1):
            if atoms[j - 1].isspace() and j < n:
                continue  # a line does not end on a space (it is dropped at the break)
            for i in range(j - 1, -1, -1):
                if best[k - 1][i] == inf:
                    continue
                w = line_width(i, j)
                if w > width:
                    break  # earlier starts are only wider
                slack = (width - w) / em
                # Half weight: a pause is worth about three characters of unevenness.
                cost = best[k - 1][i] + 0.5 * slack * slack + break_cost(j)
                if cost < best[k][j]:
                    best[k][j], back[k][j] = cost, i
    if best[count][n] == inf:
        return _greedy(atoms, font, width), 0
    lines, j, poor_breaks = [], n, 0
    for k in range(count, 0, -1):
        i = back[k][j]
        poor_breaks += poor(j)
        line = list(atoms[i:j])
        while line and line[0].isspace():
            line.pop(0)
        while line and line[-1].isspace():
            line.pop()
        lines.append(line)
        j = i
    return lines[::-1], poor_breaks


# ---------------------------------------------------------------------------
# Colours


def _rgb(value: str, default: RGB) -> RGB:
    value = (value or "").strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    try:
        return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)) if len(value) == 6 else default
    except ValueError:
        return default


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _luminance(c: RGB) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: RGB, b: RGB) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class _Palette:
    primary: RGB  # the band: deepened until white text on it passes WCAG AA
    deep: RGB  # the band's darker end
    accent: RGB
    on_accent: RGB
    ink: RGB  # headline colour on white: the primary, or darker if it is too light
    soft: RGB  # secondary text on the band
    tint: RGB  # a very light tint of the primary for quiet backgrounds


def _palette(primary_hex: str, accent_hex: str) -> _Palette:
    primary = _rgb(primary_hex, (31, 78, 140))
    accent = _rgb(accent_hex, (179, 38, 30))
    # A campaign may choose a light colour; the band must still carry white text.
    while _contrast(primary, WHITE) < 4.5:
        primary = _mix(primary, (0, 0, 0), 0.12)
    on_accent = WHITE if _contrast(accent, WHITE) >= 3 else INK
    ink = primary
    return _Palette(primary, _mix(primary, (0, 0, 0), 0.45), accent, on_accent, ink,
                    _mix(primary, WHITE, 0.78), _mix(primary, WHITE, 0.93))


# ---------------------------------------------------------------------------
# Layout: where every piece goes, computed before anything is drawn

# Full-width opening punctuation draws in the right half of its em box; a line
# starting with one is moved left so the ink, not the box, meets the margin
# (hanging punctuation, as newspapers set it).
_HANGING = frozenset("“‘（《「『【〔〈〖")


@dataclass(frozen=True)
class TextBlock:
    """Lines of one style; ``lines`` are (text, x, baseline y) in image pixels."""

    name: str
    role: str  # a CJKFonts role: regular, bold, serif, serif_bold
    size: int
    fill: RGB
    lines: tuple[tuple[str, int, int], ...]
    top: int  # the line boxes' extent (leading included)
    bottom: int
    justify_to: int | None = None  # right edge all lines but the last are spread to

    def bbox(self, fonts: CJKFonts) -> Box:
        """The ink box of all lines (left, top, right, bottom), as drawn without justification."""
        font = fonts.font(self.role, self.size)
        boxes = []
        for text, x, y in self.lines:
            left, top, right, bottom = font.getbbox(text, anchor="ls")
            boxes.append((x + left, y + top, x + right, y + bottom))
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                max(b[3] for b in boxes))

    @property
    def text(self) -> str:
        return "".join(text for text, _, _ in self.lines)

    def shifted(self, dx: int = 0, dy: int = 0) -> TextBlock:
        return replace(self, lines=tuple((text, x + dx, y + dy) for text, x, y in self.lines), top=self.top + dy,
                       bottom=self.bottom + dy, justify_to=None if self.justify_to is None else self.justify_to + dx)


@dataclass(frozen=True)
class Shape:
    box: Box
    fill: RGB
    radius: int = 0

    def shifted(self, dy: int) -> Shape:
        return replace(self, box=(self.box[0], self.box[1] + dy, self.box[2], self.box[3] + dy))


@dataclass(frozen=True)
class Layout:
    """Everything ``render_card`` / ``render_poster`` draw, and where."""

    size: tuple[int, int]
    blocks: tuple[TextBlock, ...]
    shapes: tuple[Shape, ...] = ()  # drawn before the text: pills, rules, tiles
    image_box: Box | None = None  # the portrait or cover
    qr_box: Box | None = None  # the QR code, quiet zone included
    hero_height: int = 0  # poster: the picture (or colour) area at the top

    def block(self, name: str) -> TextBlock:
        for block in self.blocks:
            if block.name == name:
                return block
        raise KeyError(name)

    def has(self, name: str) -> bool:
        return any(block.name == name for block in self.blocks)


class _Stack:
    """Stacks text blocks and rules top to bottom in one column; can be moved as a whole."""

    def __init__(self, fonts: CJKFonts, x: int, width: int, top: int = 0) -> None:
        self.fonts, self.x, self.width, self.top, self.y = fonts, x, width, top, top
        self.blocks: list[TextBlock] = []
        self.shapes: list[Shape] = []

    def text(self, name: str, text: str, role: str, sizes: Sequence[int], fill: RGB, max_lines: int, *,
             leading: float = 1.35, balance: bool = False, justify: bool = False, width: int | None = None,
             indent: int = 0, gap: int = 0, fewer_lines_first: bool = False) -> TextBlock | None:
        block = _text_block(self.fonts, name, text, role, sizes, fill, max_lines, self.x + indent, self.y,
                            (width or self.width) - indent, leading=leading, balance=balance, justify=justify,
                            fewer_lines_first=fewer_lines_first)
        if block is not None:
            self.blocks.append(block)
            self.y = block.bottom + gap
        return block

    def rule(self, width: int, thickness: int, fill: RGB, gap: int = 0) -> None:
        self.shapes.append(Shape((self.x, self.y, self.x + width, self.y + thickness), fill))
        self.y += thickness + gap

    def skip(self, pixels: int) -> None:
        self.y += pixels

    @property
    def height(self) -> int:
        return self.y - self.top

    def move_to(self, top: int) -> None:
        dy = top - self.top
        self.blocks = [block.shifted(dy=dy) for block in self.blocks]
        self.shapes = [shape.shifted(dy) for shape in self.shapes]
        self.top, self.y = top, self.y + dy


def _text_block(fonts: CJKFonts, name: str, text: str, role: str, sizes: Sequence[int], fill: RGB,
                max_lines: int, x: int, top: int, width: int, *, leading: float = 1.35, balance: bool = False,
                justify: bool = False, fewer_lines_first: bool = False) -> TextBlock | None:
    """Wrap ``text`` at the largest of ``sizes`` that fits in ``max_lines``
    (else at the smallest, clamped with "…"); the first line box starts at ``top``.

    ``fewer_lines_first``: a smaller size on one line beats a larger one on
    two (names: 阿依古丽·买买提 on one line).
    """
    text = " ".join(text.split())
    if not text or max_lines < 1:
        return None
    # The largest size that fits; with ``balance``, a size that fits without
    # breaking a word beats a larger one that has to (迎国 / 庆).
    chosen: tuple[int, list[str]] | None = None
    for limit in (range(1, max_lines + 1) if fewer_lines_first else (max_lines,)):
        fallback: tuple[int, int, list[str]] | None = None
        for size in sizes:
            lines, poor = _wrap(text, fonts.font(role, size), width, None, balance)
            if len(lines) > limit:
                continue
            if not poor:
                chosen = (size, lines)
                break
            if fallback is None or poor < fallback[0]:
                fallback = (poor, size, lines)
        if chosen is None and fallback is not None:
            chosen = fallback[1:]
        if chosen is not None:
            break
    if chosen is None:
        chosen = (sizes[-1], wrap_text(text, fonts.font(role, sizes[-1]), width, max_lines, balance))
    size, lines = chosen
    font = fonts.font(role, size)
    line_height = round(size * leading)
    # The baseline sits where the ideographic em box (-0.12 .. 0.88 em in
    # Noto CJK) is centred in the line box, so Chinese looks centred in it.
    first = top + (line_height - size) // 2 + round(size * 0.88)
    placed = []
    for i, line in enumerate(lines):
        hang = 0
        if line[0] in _HANGING:  # align its ink with a character's ink, not its box
            hang = max(0, _ink_left(font, line[0]) - _ink_left(font, "中"))
        placed.append((line, x - hang, first + i * line_height))
    return TextBlock(name, role, size, fill, tuple(placed), top, top + line_height * len(lines),
                     justify_to=x + width if justify else None)


def _ink_left(font: ImageFont.FreeTypeFont, char: str) -> int:
    mask, offset = font.getmask2(char)
    box = mask.getbbox()
    return offset[0] + (box[0] if box else 0)


# ---------------------------------------------------------------------------
# Pictures


def _load_picture(path: Path | None) -> Image.Image | None:
    if path is None:
        return None
    try:
        with Image.open(path) as opened:
            opened.draft("RGB", (1600, 1600))  # a large JPEG decodes at 1/2..1/8 scale, still ≥ 1600 px
            picture = ImageOps.exif_transpose(opened)
            picture.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None  # check reports an unreadable image; the card is still drawn, without it
    if picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info):
        flat = Image.new("RGBA", picture.size, WHITE + (255,))
        flat.alpha_composite(picture.convert("RGBA"))
        picture = flat
    return picture.convert("RGB")


def _is_portrait(item: MediaItem, picture: Image.Image) -> bool:
    return item.kind == "exemplar" and picture.height >= picture.width * 0.9


def _focus(item: MediaItem, picture: Image.Image) -> tuple[float, float]:
    """Where the subject is, as fractions of width and height.

    A portrait's face is in its upper part (about 40 % down in a head-and-
    shoulders picture); a landscape cover keeps its centre.
    ``item.extra["image_focus"] = (x, y)`` overrides both.
    """
    given = item.extra.get("image_focus") if isinstance(item.extra, dict) else None
    if isinstance(given, (tuple, list)) and len(given) == 2:
        return (min(max(float(given[0]), 0.0), 1.0), min(max(float(given[1]), 0.0), 1.0))
    return (0.5, 0.4) if _is_portrait(item, picture) else (0.5, 0.5)


def _cover(picture: Image.Image, size: tuple[int, int], focus: tuple[float, float],
           at: tuple[float, float] = (0.5, 0.5)) -> Image.Image:
    """Scale to fill ``size`` and crop so that ``focus`` (in the picture) lands
    at ``at`` (in the output) as nearly as the picture's edges allow."""
    width, height = size
    scale = max(width / picture.width, height / picture.height)
    crop_w, crop_h = width / scale, height / scale
    left = max(0.0, min(focus[0] * picture.width - at[0] * crop_w, picture.width - crop_w))
    top = max(0.0, min(focus[1] * picture.height - at[1] * crop_h, picture.height - crop_h))
    return picture.resize(size, Image.Resampling.LANCZOS, box=(left, top, left + crop_w, top + crop_h),
                          reducing_gap=3.0)


def _vertical_gradient(size: tuple[int, int], colour: RGB, top_alpha: int, bottom_alpha: int,
                       ease: float = 1.0) -> Image.Image:
    """An RGBA veil of one colour whose opacity runs from top to bottom."""
    width, height = size
    alphas = bytes(round(top_alpha + (bottom_alpha - top_alpha) * ((y / max(1, height - 1)) ** ease))
                   for y in range(height))
    mask = Image.frombytes("L", (1, height), alphas).resize(size, Image.Resampling.NEAREST)
    veil = Image.new("RGBA", size, colour + (0,))
    veil.putalpha(mask)
    return veil


def _diagonal_band(size: tuple[int, int], light: RGB, dark: RGB) -> Image.Image:
    """The colour band: a quiet diagonal gradient from ``light`` (top left) to ``dark`` (bottom right)."""
    ramp = Image.linear_gradient("L")  # 256×256, black at the top
    down = ramp.resize(size, Image.Resampling.BILINEAR)
    across = ramp.transpose(Image.Transpose.ROTATE_90).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    mask = Image.blend(down, across.resize(size, Image.Resampling.BILINEAR), 0.5)
    return Image.composite(Image.new("RGB", size, dark), Image.new("RGB", size, light), mask)


def _arcs(size: tuple[int, int], centre: tuple[int, int], first: int, step: int, alpha: int) -> Image.Image:
    """Quiet concentric arcs, the band's only ornament."""
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    cx, cy = centre
    for i, radius in enumerate(range(first, first + step * 12, step)):
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius),
                     outline=(255, 255, 255, max(0, alpha - i * alpha // 12)), width=2)
    return layer


# ---------------------------------------------------------------------------
# Drawing


def _draw(image: Image.Image, layout: Layout, fonts: CJKFonts) -> None:
    draw = ImageDraw.Draw(image)
    for shape in layout.shapes:
        if shape.radius:
            draw.rounded_rectangle(shape.box, radius=shape.radius, fill=shape.fill)
        else:
            draw.rectangle(shape.box, fill=shape.fill)
    for block in layout.blocks:
        font = fonts.font(block.role, block.size)
        for i, (text, x, y) in enumerate(block.lines):
            if block.justify_to is not None and i < len(block.lines) - 1:
                _draw_justified(draw, x, y, text, font, block.fill, block.justify_to)
            else:
                draw.text((x, y), text, font=font, fill=block.fill, anchor="ls")


def _draw_justified(draw: ImageDraw.ImageDraw, x: int, y: int, text: str, font: ImageFont.FreeTypeFont,
                    fill: RGB, right: int) -> None:
    """Spread the line to ``right`` (两端对齐) by widening the gaps between
    characters; Latin words stay whole. A line that would need more than
    half a character per gap is left as it is."""
    units = [unit for unit in _TOKEN.findall(text) if unit]
    natural = _width(font, text)
    gaps = len(units) - 1
    extra = right - x - natural
    # Closing punctuation at the end of the line keeps its blank half, as in print.
    if gaps < 1 or extra <= 0.5 or extra / gaps > font.size * 0.5:
        draw.text((x, y), text, font=font, fill=fill, anchor="ls")
        return
    step, cursor = extra / gaps, float(x)
    for unit in units:
        if not unit.isspace():
            draw.text((round(cursor), y), unit, font=font, fill=fill, anchor="ls")
        cursor += _width(font, unit) + step


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # No text chunks, no time stamp: the same pixels give the same bytes.
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# What the pictures say


def _fact(item: MediaItem, *labels: str) -> str:
    for label in labels:
        for key, value in item.facts:
            if key == label and value:
                return value
    return ""


def _byline(item: MediaItem) -> str:
    """Exemplar: 职称 | 单位; activity: the place."""
    if item.kind == "exemplar":
        return " | ".join(part for part in (_fact(item, "职称", "职务"), _fact(item, "单位")) if part)
    return item.location or _fact(item, "地点")


def _byline_within(item: MediaItem, font: ImageFont.FreeTypeFont, width: int) -> str:
    """The byline, or its most telling part that fits on one line (the 单位 before the 职称)."""
    whole = _byline(item)
    if item.kind != "exemplar" or _width(font, whole) <= width:
        return whole
    for part in (_fact(item, "单位"), _fact(item, "职称", "职务")):
        if part and _width(font, part) <= width:
            return part
    return whole


def _years(item: MediaItem) -> str:
    """A historical figure's life span, from ``facts`` ("生卒年") or ``extra["years"]``."""
    if item.kind != "exemplar":
        return ""
    given = item.extra.get("years", "") if isinstance(item.extra, dict) else ""
    return _fact(item, "生卒年", "生卒") or str(given or "")


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc


def _activity_facts(item: MediaItem) -> list[tuple[str, str]]:
    """Facts for the activity poster; the date is already in the headline."""
    facts = [(label, value) for label, value in item.facts if value and label not in ("时间", "日期")]
    if item.location and not any(label == "地点" for label, _ in facts):
        facts.insert(0, ("地点", item.location))
    return facts[:4]


# ---------------------------------------------------------------------------
# Share card: 1200×630

CARD_MARGIN = 64
_CARD_TOP = 56  # the kicker pill
_CARD_FOOTER = 104  # from the bottom edge: the rule above organizer and site


def card_layout(item: MediaItem, fonts: CJKFonts, has_picture: bool | None = None) -> Layout:
    """Where everything on the share card goes (see ``render_card``)."""
    width, height = CARD_SIZE
    palette = _palette(item.campaign.primary_color, item.campaign.accent_color)
    if has_picture is None:
        has_picture = item.image is not None
    panel = (520 if item.kind != "exemplar" else 440) if has_picture else 360
    left = panel + CARD_MARGIN
    column_width = width - left - CARD_MARGIN
    shapes = [Shape((panel, 0, panel + 8, height), palette.accent)]
    blocks: list[TextBlock] = []

    kicker = _pill(fonts, "kicker", item.campaign.short_name, 26, left, _CARD_TOP, column_width, palette)
    blocks.append(kicker[0])
    shapes.append(kicker[1])

    # The main group, centred between the kicker and the footer rule.
    group = _Stack(fonts, left, column_width)
    footer_rule = height - _CARD_FOOTER
    room = footer_rule - kicker[1].box[3] - 2 * 30
    if item.kind == "exemplar":
        name, years = _name(fonts, item, (92, 84, 76, 68, 60, 54), left, group.y, column_width, 170)
        if name is not None:
            group.blocks.append(name)
            group.y = name.bottom + 4
            if years:
                group.blocks.append(_after_last_line(fonts, name, "years", years, 30, palette.soft,
                                                     width - CARD_MARGIN))
        byline = _byline_within(item, fonts.font("regular", 26), column_width)
        if _years(item) and not years:  # no room beside the name: the life span leads the byline
            byline = " | ".join(part for part in (_years(item), byline) if part)
        group.text("byline", byline, "regular", (28, 26), palette.soft, 1, leading=1.5, gap=22)
        group.rule(72, 5, palette.accent, gap=24)
        lines = max(1, min(3, (room - group.height) // round(44 * 1.32)))
        group.text("headline", item.headline, "bold", (48, 44, 40), WHITE, lines, leading=1.32, balance=True)
    else:
        group.text("headline", item.headline, "regular", (28, 26), palette.soft, 1, leading=1.5, gap=12)
        byline = _byline(item)
        lines = max(1, min(4, (room - group.height - (54 if byline else 0)) // round(46 * 1.28)))
        group.text("title", item.title, "bold", (54, 50, 46, 42), WHITE, lines, leading=1.28, balance=True,
                   gap=18)
        if byline:
            group.text("byline", f"地点：{byline}", "regular", (26,), palette.soft, 1, leading=1.5)
    top = kicker[1].box[3] + 30
    group.move_to(top + max(0, (footer_rule - 30 - top - group.height) // 2))
    blocks += group.blocks
    shapes += group.shapes

    # Footer: who speaks (the organizer) and where to read more.
    shapes.append(Shape((left, footer_rule, width - CARD_MARGIN, footer_rule + 2),
                        _mix(palette.primary, WHITE, 0.35)))
    host = _host(item.url)
    host_w = round(_width(fonts.font("regular", 24), host)) if host else 0
    organizer = _text_block(fonts, "organizer", item.campaign.organizer, "bold", (26, 24), WHITE, 1, left,
                            footer_rule + 14, column_width - host_w - 24, leading=1.6)
    blocks += [b for b in (organizer,) if b is not None]
    if host:
        host_block = _text_block(fonts, "host", host, "regular", (24,), palette.soft, 1, width - CARD_MARGIN - host_w,
                                 footer_rule + 14, host_w + 2, leading=26 * 1.6 / 24)
        blocks += [b for b in (host_block,) if b is not None]
    return Layout(CARD_SIZE, tuple(blocks), tuple(shapes), (0, 0, panel, height) if has_picture else None)


def _name(fonts: CJKFonts, item: MediaItem, sizes: Sequence[int], x: int, top: int, width: int,
          years_room: int) -> tuple[TextBlock | None, str]:
    """The name block, and the life span if it fits on the name's line.

    A name is best on one line: with a life span, at ``width - years_room``;
    when it needs that room, the name takes the whole width (and two lines if
    need be) and the life span is returned empty, for the byline to carry.
    """
    years = _years(item)
    if years:
        beside = _text_block(fonts, "title", item.title, "bold", sizes, WHITE, 1, x, top, width - years_room,
                             leading=1.16)
        if beside is not None and beside.text == " ".join(item.title.split()):
            return beside, years
    return _text_block(fonts, "title", item.title, "bold", sizes, WHITE, 2, x, top, width, leading=1.16,
                       balance=True, fewer_lines_first=True), ""


def _pill(fonts: CJKFonts, name: str, text: str, size: int, x: int, y: int, max_width: int,
          palette: _Palette) -> tuple[TextBlock, Shape]:
    """A label on an accent-coloured rounded box (the campaign's short name)."""
    pad_x, box_h = round(size * 0.7), round(size * 1.85)
    block = _text_block(fonts, name, text or " ", "bold", (size,), palette.on_accent, 1, x + pad_x, y,
                        max_width - 2 * pad_x, leading=box_h / size)
    assert block is not None
    text_w = round(_width(fonts.font("bold", size), block.lines[0][0]))
    return block, Shape((x, y, x + text_w + 2 * pad_x, y + box_h), palette.accent, radius=round(size * 0.25))


def _after_last_line(fonts: CJKFonts, block: TextBlock, name: str, text: str, size: int, fill: RGB,
                     right: int) -> TextBlock:
    """A small text on the baseline of ``block``'s last line, after it (a life span after a name)."""
    line, x, baseline = block.lines[-1]
    start = x + round(_width(fonts.font(block.role, block.size), line)) + round(size * 0.6)
    small = _text_block(fonts, name, text, "regular", (size,), fill, 1, start, 0, max(size, right - start),
                        leading=1.0)
    assert small is not None
    return small.shifted(dy=baseline - small.lines[0][2])


def render_card(item: MediaItem, fonts: CJKFonts) -> bytes:
    """The share card (1200×630 PNG) for WeChat, Weibo and news sites."""
    picture = _load_picture(item.image)
    layout = card_layout(item, fonts, has_picture=picture is not None)
    palette = _palette(item.campaign.primary_color, item.campaign.accent_color)
    width, height = CARD_SIZE
    image = _diagonal_band(CARD_SIZE, _mix(palette.primary, WHITE, 0.08), palette.deep).convert("RGBA")
    image.alpha_composite(_arcs(CARD_SIZE, (width + 40, height + 60), 160, 70, 34))
    image = image.convert("RGB")
    if picture is not None and layout.image_box is not None:
        box = layout.image_box
        at = (0.5, 0.42) if _is_portrait(item, picture) else (0.5, 0.5)
        image.paste(_cover(picture, (box[2] - box[0], box[3] - box[1]), _focus(item, picture), at), box[:2])
    else:
        _draw_monogram(image, (0, 0, layout.shapes[0].box[0], height), item, fonts, palette)
    _draw(image, layout, fonts)
    return _png(image)


def _draw_monogram(image: Image.Image, box: Box, item: MediaItem, fonts: CJKFonts, palette: _Palette) -> None:
    """No picture: an accent panel with a calendar leaf (an activity's date)
    or the first character of the name, large, as a monogram."""
    left, top, right, bottom = box
    size = (right - left, bottom - top)
    panel = _diagonal_band(size, _mix(palette.accent, WHITE, 0.06), _mix(palette.accent, (0, 0, 0), 0.4))
    panel = panel.convert("RGBA")
    cx, cy = size[0] // 2, size[1] // 2
    panel.alpha_composite(_arcs(size, (cx, cy), round(min(size) * 0.36), 46, 60))
    draw = ImageDraw.Draw(panel)
    ink = palette.on_accent + (240,)
    if item.kind != "exemplar" and item.date is not None:
        day = fonts.font("serif_bold", round(min(size) * 0.42))
        draw.text((cx, cy + 8), str(item.date.day), font=day, fill=ink, anchor="mm")
        small = fonts.font("bold", 30)
        draw.text((cx, cy - round(min(size) * 0.25)), f"{item.date.year}年{item.date.month}月", font=small,
                  fill=ink, anchor="mm")
        draw.text((cx, cy + round(min(size) * 0.27)), "星期" + "一二三四五六日"[item.date.weekday()], font=small,
                  fill=ink, anchor="mm")
    else:
        char = next((c for c in item.title if not c.isspace()), "")
        if char:
            draw.text((cx, cy), char, font=fonts.font("serif_bold", round(min(size) * 0.5)), fill=ink, anchor="mm")
    image.paste(panel.convert("RGB"), (left, top))


# ---------------------------------------------------------------------------
# Poster: 1080×1920

POSTER_MARGIN = 72
POSTER_FOOTER = 400  # the branded footer with the QR code
_QR_SIDE = 240


def poster_layout(item: MediaItem, fonts: CJKFonts, has_picture: bool | None = None,
                  picture_size: tuple[int, int] | None = None, qr_modules: int | None = None) -> Layout:
    """Where everything on the poster goes (see ``render_poster``).

    The picture takes the height the text leaves, within limits: a short
    story gets a larger picture, a long one a smaller picture, never a gap.
    """
    width, height = POSTER_SIZE
    margin = POSTER_MARGIN
    palette = _palette(item.campaign.primary_color, item.campaign.accent_color)
    if has_picture is None:
        has_picture = item.image is not None
    footer_top = height - POSTER_FOOTER
    pad_top, pad_bottom = 64, 56  # white space above and below the body

    # The name of a person, or the title of an activity without a cover,
    # stands on the picture or colour; an activity's title under its cover.
    title_in_hero = item.kind == "exemplar" or not has_picture
    if item.kind == "exemplar":
        low, high = (800, 1060) if has_picture else (640, 880)
    else:
        natural = round(width * picture_size[1] / picture_size[0]) if has_picture and picture_size else 720
        low, high = (600, max(600, min(960, natural + 160))) if has_picture else (620, 880)
    # Lay the body out once to learn its height, then give the picture the rest.
    most_room = footer_top - pad_top - pad_bottom - low - 8
    for squeeze in range(3):
        body = _poster_body(item, fonts, palette, most_room, squeeze, title_in_hero)
        if body.height <= most_room:
            break
    hero_height = min(high, max(low, footer_top - pad_bottom - pad_top - body.height - 8))
    room = footer_top - pad_bottom - pad_top - hero_height - 8
    body = _poster_body(item, fonts, palette, room, squeeze, title_in_hero)
    slack = room - body.height
    body.move_to(hero_height + 8 + pad_top + max(0, slack // 2 if slack > 60 else 0))

    blocks: list[TextBlock] = []
    shapes: list[Shape] = [Shape((0, hero_height, width, hero_height + 8), palette.accent)]
    kicker, pill = _pill(fonts, "kicker", item.campaign.short_name, 30, margin, 64, width - 2 * margin, palette)
    blocks.append(kicker)
    shapes.append(pill)
    if title_in_hero:
        blocks += _poster_hero_text(item, fonts, palette, hero_height)
    blocks += body.blocks
    shapes += body.shapes

    # Footer: the campaign on the left, the QR code on a white tile on the right.
    qr_side = _QR_SIDE if not qr_modules else qr_modules * max(1, _QR_SIDE // qr_modules)
    tile = (width - margin - _QR_SIDE - 28, footer_top + 44, width - margin, height - 44)
    qr_left = (tile[0] + tile[2] - qr_side) // 2
    qr_box = (qr_left, tile[1] + 16, qr_left + qr_side, tile[1] + 16 + qr_side)
    shapes.append(Shape(tile, WHITE, radius=14))
    caption_w = round(_width(fonts.font("bold", 28), QR_CAPTION))
    caption = _text_block(fonts, "qr_caption", QR_CAPTION, "bold", (28,), INK, 1,
                          (tile[0] + tile[2] - caption_w) // 2, qr_box[3] + 2, caption_w + 2, leading=1.5)
    blocks += [b for b in (caption,) if b is not None]
    brand = _Stack(fonts, margin, tile[0] - margin - 48)
    brand.text("campaign", item.campaign.name, "bold", (36, 34, 32), WHITE, 3, leading=1.38, gap=20)
    brand.rule(64, 5, palette.accent, gap=20)
    brand.text("organizer", item.campaign.organizer, "regular", (30, 28), palette.soft, 1, leading=1.45)
    brand.text("host", _host(item.url), "regular", (26, 24), palette.soft, 1, leading=1.45)
    brand.move_to(footer_top + max(40, (POSTER_FOOTER - brand.height) // 2 - 4))
    blocks += brand.blocks
    shapes += brand.shapes
    return Layout(POSTER_SIZE, tuple(blocks), tuple(shapes), (0, 0, width, hero_height) if has_picture else None,
                  qr_box, hero_height)


def _poster_hero_text(item: MediaItem, fonts: CJKFonts, palette: _Palette, hero_height: int) -> list[TextBlock]:
    """Name, life span, reading and byline at the foot of the picture, built upwards;
    for an activity without a cover, its type and date line and title."""
    width, margin = POSTER_SIZE[0], POSTER_MARGIN
    text_width = width - 2 * margin
    blocks: list[TextBlock] = []
    bottom = hero_height - 48
    if item.kind != "exemplar":
        title = _text_block(fonts, "title", item.title, "bold", (76, 68, 62, 56), WHITE, 4, margin, 0, text_width,
                            leading=1.26, balance=True)
        if title is not None:
            title = title.shifted(dy=bottom - title.bottom)
            blocks.append(title)
            bottom = title.top - 6
        headline = _text_block(fonts, "headline", item.headline, "bold", (34, 32), palette.soft, 1, margin, 0,
                               text_width, leading=1.5)
        if headline is not None:
            blocks.append(headline.shifted(dy=bottom - headline.bottom))
        return blocks
    name, years = _name(fonts, item, (132, 120, 108, 96, 84, 76), margin, 0, text_width, 240)
    byline_text = _byline(item)
    if _years(item) and not years:  # no room beside the name: the life span leads the byline
        byline_text = " | ".join(part for part in (_years(item), byline_text) if part)
    byline = _text_block(fonts, "byline", byline_text, "regular", (34, 32, 30), palette.soft, 2, margin, 0,
                         text_width, leading=1.45)
    if byline is not None:
        byline = byline.shifted(dy=bottom - byline.bottom)
        blocks.append(byline)
        bottom = byline.top - 4
    if name is None:
        return blocks
    name = name.shifted(dy=bottom - name.bottom)
    blocks.append(name)
    if years:
        blocks.append(_after_last_line(fonts, name, "years", years, 38, palette.soft, width - margin))
    if item.name_reading.strip():
        reading = _text_block(fonts, "reading", item.name_reading.strip(), "regular", (32,), palette.soft, 1,
                              margin, 0, text_width, leading=1.3)
        if reading is not None:
            blocks.append(reading.shifted(dy=name.top - reading.bottom + 10))
    return blocks


def _poster_body(item: MediaItem, fonts: CJKFonts, palette: _Palette, room: int, squeeze: int = 0,
                 title_in_hero: bool = False) -> _Stack:
    """The white area: headline, quote and summary (exemplar) or title, facts and summary (activity).

    The summary gets the lines left in ``room``. ``squeeze`` (0–2) trades
    lines of headline and quote for summary lines when the text is long;
    at 2 the summary may be left out rather than overflow.
    """
    margin = POSTER_MARGIN
    text_width = POSTER_SIZE[0] - 2 * margin
    body = _Stack(fonts, margin, text_width)
    most = (3, 2, 2)[squeeze]
    if item.kind == "exemplar":
        body.text("headline", item.headline, "bold", (64, 58, 54, 50), palette.ink, most, leading=1.3,
                  balance=True, gap=(40, 36, 32)[squeeze])
        if item.quote and item.quote.strip():
            quote = item.quote.strip().strip("“”\"「」").strip()
            block = body.text("quote", f"“{quote}”", "serif", (42, 38), INK, most, leading=1.6, indent=40,
                              gap=(40, 36, 32)[squeeze])
            if block is not None:
                body.shapes.append(Shape((margin, block.top + 10, margin + 6, block.bottom - 10), palette.accent))
    else:
        if not title_in_hero:
            body.text("headline", item.headline, "bold", (32, 30), palette.accent, 1, leading=1.5, gap=10)
            body.text("title", item.title, "bold", (64, 58, 52, 48), palette.ink, most, leading=1.3, balance=True,
                      gap=30 - 6 * squeeze)
            body.rule(64, 5, palette.accent, gap=26 - 6 * squeeze)
        facts = _activity_facts(item)
        if facts:
            label_w = round(_width(fonts.font("bold", 30), "参与人数")) + 28
            for label, value in facts:
                top = body.y
                body.text(f"fact:{label}", label, "bold", (30,), GREY, 1, leading=1.55)
                body.y = top
                body.text(f"fact-value:{label}", value, "regular", (30,), INK, 2 if squeeze < 2 else 1,
                          leading=1.55, indent=label_w, gap=6)
            body.skip(30 - 6 * squeeze)
    line_height = round(32 * 1.75)
    lines = min(8, (room - body.height) // line_height)
    fewest = (3, 2, 1)[squeeze]
    if lines >= 1 or squeeze < 2:
        lines = max(lines, fewest)
        summary = _whole_sentences(item.summary, fonts.font("regular", 32), text_width, lines)
        body.text("summary", summary, "regular", (32,), GREY, lines, leading=1.75, justify=True)
    return body


def _whole_sentences(text: str, font: ImageFont.FreeTypeFont, width: int, lines: int) -> str:
    """``text``, or when it needs more than ``lines`` lines, its longest run of
    whole sentences that fills at least all but one of them; otherwise
    ``text`` itself (which the caller then clamps with "…")."""
    text = " ".join(text.split())
    if len(wrap_text(text, font, width)) <= lines:
        return text
    ends = [m.end() for m in re.finditer(r"[。！？!?][”’」』）)]*", text)]
    for end in reversed(ends):
        used = len(wrap_text(text[:end], font, width))
        if used <= lines:
            return text[:end] if used >= max(1, lines - 1) else text
    return text


def render_poster(item: MediaItem, fonts: CJKFonts, qr_png: bytes | None = None) -> bytes:
    """The poster (1080×1920 PNG) for WeChat Moments and print, with a QR code to ``item.url``.

    ``qr_png`` (from ``render_qr_png``) is used when given; otherwise the QR
    is drawn here at a whole number of pixels per module, which scans best.
    """
    picture = _load_picture(item.image)
    qr = _qr_image(item.url, qr_png)
    layout = poster_layout(item, fonts, has_picture=picture is not None,
                           picture_size=picture.size if picture is not None else None,
                           qr_modules=None if qr_png is not None else qr.width)
    palette = _palette(item.campaign.primary_color, item.campaign.accent_color)
    width, height = POSTER_SIZE
    hero_height = layout.hero_height
    footer_top = height - POSTER_FOOTER
    image = Image.new("RGB", POSTER_SIZE, WHITE)

    if picture is not None:
        at = (0.5, 0.36) if _is_portrait(item, picture) else (0.5, 0.5)
        hero = _cover(picture, (width, hero_height), _focus(item, picture), at).convert("RGBA")
    else:
        hero = _diagonal_band((width, hero_height), _mix(palette.primary, WHITE, 0.1), palette.deep).convert("RGBA")
        hero.alpha_composite(_arcs((width, hero_height), (width - 100, 160), 120, 100, 60))
    # A light veil at the top for the kicker; for a name on the picture, a
    # gradient into the band colour at its foot.
    hero.alpha_composite(_vertical_gradient((width, 240), (0, 0, 0), 80, 0))
    if layout.has("title") and layout.block("title").top < hero_height:
        # The veil is already dark behind the highest line of the name block
        # (the reading or a two-line name), and darkest at the foot.
        text_top = min(b.top for b in layout.blocks if b.name in ("reading", "title", "years", "byline", "headline")
                       and b.bottom <= hero_height)
        rise = 240
        start = max(0, text_top - rise)
        hero.alpha_composite(_vertical_gradient((width, text_top - start), palette.deep, 0, 170, ease=1.4),
                             (0, start))
        hero.alpha_composite(_vertical_gradient((width, hero_height - text_top), palette.deep, 170, 245),
                             (0, text_top))
    image.paste(hero.convert("RGB"), (0, 0))
    band = _diagonal_band((width, height - footer_top), palette.primary, palette.deep).convert("RGBA")
    band.alpha_composite(_arcs(band.size, (-80, height - footer_top + 40), 140, 60, 30))
    image.paste(band.convert("RGB"), (0, footer_top))
    _draw(image, layout, fonts)
    if layout.qr_box is not None:
        box = layout.qr_box
        side = box[2] - box[0]
        image.paste(qr if qr.width == side else qr.resize((side, side), Image.Resampling.NEAREST), box[:2])
    return _png(image)


# ---------------------------------------------------------------------------
# QR codes


def _qr_data(url: str) -> str:
    """An IRI as a URI: non-ASCII percent-encoded, so every scanner reads the same bytes."""
    return urllib.parse.quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~-._")


def _qr(url: str) -> segno.QRCode:
    return segno.make_qr(_qr_data(url), error=QR_ERROR, boost_error=False)


def _qr_image(url: str, qr_png: bytes | None) -> Image.Image:
    """The QR as an RGB image: from ``qr_png``, or one pixel per module (quiet zone included)."""
    if qr_png is not None:
        with Image.open(io.BytesIO(qr_png)) as given:
            return given.convert("RGB")
    qr = _qr(url)
    rows = [bytes(0 if dark else 255 for dark in row) for row in qr.matrix_iter(scale=1, border=QR_BORDER)]
    side = len(rows)
    return Image.frombytes("L", (side, side), b"".join(rows)).convert("RGB")


def render_qr_png(url: str, scale: int = 10) -> bytes:
    """A QR code to ``url``: black on white, 4-module quiet zone, error correction Q.

    ``scale`` is pixels per module; 10 gives about 4 cm at 300 dpi for a
    typical page URL, enough for print and a TV screen.
    """
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="png", scale=scale, border=QR_BORDER, dark="#000", light="#fff")
    return buffer.getvalue()


def render_qr_svg(url: str) -> bytes:
    """The same QR code as SVG (vector, for print): 1 user unit per module, scalable."""
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="svg", scale=1, border=QR_BORDER, dark="#000", light="#fff", xmldecl=True,
                  svgns=True, title=QR_CAPTION, svgclass=None, lineclass=None, unit="mm")
    return buffer.getvalue()
