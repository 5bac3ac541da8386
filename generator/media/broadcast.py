"""The broadcast script (口播稿): broadcast.txt for television and radio.

Input: a ``MediaItem``. Output: plain text (the caller encodes it; see
``press.text_file``) with the title and summary as an announcer reads them
(every number written out the way it is said, one clause a line), reading
hints for the names in the story, and an estimated reading time.

``spoken_numbers`` is the converter, usable on its own. It follows the
conventions of Chinese newsreading: years and telephone numbers digit by
digit (二〇二一年; 〇三幺二 五〇幺二〇二幺, with 幺 for 1 so it is not heard as
七), everything else as a quantity (一百二十余名, 三点五万, 百分之三十五),
两 before 千/万/亿 and before a measure word (两千人, 两名), ranges with 至.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from pypinyin import Style, pinyin

from ..reading import polyphonic
from . import MediaItem

__all__ = ["CHARACTERS_PER_MINUTE", "reading_hints", "reading_time", "render_broadcast", "short_lines",
           "spoken_numbers"]

# Chinese newsreaders read 240–280 characters a minute; 250 is a calm pace.
CHARACTERS_PER_MINUTE = 250
LINE_WIDTH = 24  # characters: a line an announcer takes in at a glance

# ------------------------------------------------------------ numbers

DIGITS = "零一二三四五六七八九"
YEAR_DIGITS = "〇一二三四五六七八九"
PHONE_DIGITS = "〇幺二三四五六七八九"
SMALL_UNITS = ("", "十", "百", "千")
LARGE_UNITS = ("", "万", "亿", "万亿")
# After a bare 2, these are counted, and Chinese says 两 (两名, 两万); after 月/日/号/届 it is 二.
MEASURE_WORDS = set("个名位人项次家所天年种条台套批场件座亩万千百亿倍部本篇支户村队岁周")
DASH = r"\s*[-–—~～]\s*"
TO = r"\s*[-–—~～至到]\s*"

_NUMBER = r"\d+(?:\.\d+)?"
_PATTERNS = [
    # Web and e-mail addresses are shown, not read; Chinese text runs on after them without a space.
    ("keep", r"(?:https?://|www\.)[!-~]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
    ("date", r"(?<![\d.])(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?![\d.])"),  # 2021-05-30, 2021.5.30, 2021/5/30
    ("hotline", r"(?:电话|热线|拨打|致电|手机|传真|号码)[：:\s]*(?:\d[\d\-－\s]{1,18}\d)"),
    ("phone", r"(?<![\d.])(?:0\d{2,3}[-－\s]?\d{7,8}(?:[-－转]\d{1,5})?"  # 0312-5012021
              r"|1[3-9]\d[-－\s]?\d{4}[-－\s]?\d{4}"  # 138 1234 5678
              r"|[48]00[-－\s]?\d{3}[-－\s]?\d{4}"  # 400-123-4567
              r"|\d{3,6}(?=热线))(?![\d.])"),  # 12345热线
    ("year_range", rf"(?<!\d)(\d{{4}}){TO}(\d{{4}})(?=\s*年)"),
    ("percent_range", rf"({_NUMBER})[%‰]?{TO}({_NUMBER})([%‰])"),
    ("percent", rf"({_NUMBER})([%‰])"),
    ("year", r"(?<![\d.])(\d{4})(?=\s*年)"),
    ("time", r"(?<![\d.])([01]?\d|2[0-4])[:：]([0-5]\d)(?![\d:])"),
    ("fraction", r"(?<![\d/])(\d+)/(\d+)(?![\d/])"),
    ("range", rf"({_NUMBER}){DASH}({_NUMBER})"),
    ("number", r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?"),
]
_SPOKEN = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS))
_GROUP_COUNT = {name: re.compile(pattern).groups for name, pattern in _PATTERNS}
_WIDE_DIGITS = str.maketrans("０１２３４５６７８９％", "0123456789%")


def spoken_numbers(text: str) -> str:
    """Arabic numbers in ``text`` written out as a Chinese newsreader says them.

    >>> spoken_numbers("2021年5月30日，120余名科技工作者参加")
    '二〇二一年五月三十日，一百二十余名科技工作者参加'
    """
    return _SPOKEN.sub(_speak, text.translate(_WIDE_DIGITS))


def _speak(match: re.Match[str]) -> str:
    kind = match.lastgroup or "keep"
    first = _SPOKEN.groupindex[kind]  # the alternative's own groups follow its named group
    return _SPEAKERS[kind](match, match.groups()[first:first + _GROUP_COUNT[kind]])


def _cardinal(number: int) -> str:
    """1005 -> 一千零五, 120000 -> 十二万, 100010 -> 十万零一十."""
    if number == 0:
        return "零"
    if number >= 10 ** 16:
        return _digits(str(number), DIGITS)
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    words, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            gap = bool(words)
            continue
        if words and (gap or group < 1000):
            words += "零"
        words += _four_digits(group) + LARGE_UNITS[index]
        gap = False
    if words.startswith("一十"):
        words = words[1:]  # 十五, not 一十五 (but 一百一十 keeps its 一)
    if words[:2] in ("二千", "二万", "二亿"):
        words = "两" + words[1:]
    return words


def _four_digits(group: int) -> str:
    words, zero = "", False
    for position in range(3, -1, -1):
        digit = group // 10 ** position % 10
        if digit == 0:
            zero = bool(words)
            continue
        words += ("零" if zero else "") + DIGITS[digit] + SMALL_UNITS[position]
        zero = False
    return words


def _digits(text: str, digits: str) -> str:
    return "".join(digits[int(ch)] if ch.isdigit() else ch for ch in text)


def _decimal(text: str) -> str:
    """'3.5' -> 三点五, '1,200' -> 一千二百; a number with a leading zero is a code: digit by digit."""
    whole, _, fraction = text.replace(",", "").partition(".")
    if len(whole) > 1 and whole.startswith("0"):
        spoken = _digits(whole, DIGITS)
    else:
        spoken = _cardinal(int(whole))
    return spoken + ("点" + _digits(fraction, DIGITS) if fraction else "")


def _number(match: re.Match[str], _: tuple[str, ...] = ()) -> str:
    text = match.group()
    spoken = _decimal(text)
    before = match.string[match.start() - 1] if match.start() else ""
    after = match.string[match.end()] if match.end() < len(match.string) else ""
    if spoken == "二" and after in MEASURE_WORDS and before != "第":
        return "两"
    return spoken


def _year(digits: str) -> str:
    """Digit by digit, for a plausible year; 5000年 is a length of time: 五千年."""
    return _digits(digits, YEAR_DIGITS) if 1000 <= int(digits) <= 2199 else _cardinal(int(digits))


def _percent(number: str, sign: str) -> str:
    if number == "100" and sign == "%":
        return "百分之百"
    return ("百分之" if sign == "%" else "千分之") + _decimal(number)


def _clock(hour: str, minute: str) -> str:
    """14:30 -> 十四点三十分, 9:05 -> 九点零五分, 9:00 -> 九点."""
    if minute == "00":
        return f"{_cardinal(int(hour))}点"
    return f"{_cardinal(int(hour))}点{'零' if minute[0] == '0' else ''}{_cardinal(int(minute))}分"


def _phone(text: str) -> str:
    """Digit by digit with 幺 for 1; the groups as written (or 3-4-4 for a mobile), a space between."""
    groups = [g for g in re.split(r"[-－\s]+|(?=转)", text) if g]
    if len(groups) == 1 and re.fullmatch(r"1\d{10}", groups[0]):
        groups = [text[:3], text[3:7], text[7:]]
    return " ".join(_digits(group, PHONE_DIGITS) for group in groups)


def _hotline(match: re.Match[str], _: tuple[str, ...]) -> str:
    words = re.match(r"\D*", match.group()).group()
    return words + _phone(match.group()[len(words):])


Speaker = Callable[[re.Match[str], tuple[str, ...]], str]
_SPEAKERS: dict[str, Speaker] = {
    "keep": lambda m, g: m.group(),
    "date": lambda m, g: f"{_year(g[0])}年{_cardinal(int(g[1]))}月{_cardinal(int(g[2]))}日",
    "hotline": _hotline,
    "phone": lambda m, g: _phone(m.group()),
    "year_range": lambda m, g: f"{_year(g[0])}至{_year(g[1])}",
    "percent_range": lambda m, g: f"{_percent(g[0], g[2])}至{_percent(g[1], g[2])}",
    "percent": lambda m, g: _percent(*g),
    "year": lambda m, g: _year(g[0]),
    "time": lambda m, g: _clock(*g),
    "fraction": lambda m, g: f"{_cardinal(int(g[1]))}分之{_cardinal(int(g[0]))}",
    "range": lambda m, g: f"{_decimal(g[0])}至{_decimal(g[1])}",
    "number": _number,
}


# ------------------------------------------------------------ names

def reading_hints(item: MediaItem) -> list[str]:
    """Lines of 读音提示: the person's name in pinyin and its polyphonic
    characters, warning where the reading is not the one a reader would guess;
    then the polyphonic characters of the other names in the story
    (affiliation, place, organizers) with the reading meant here."""
    lines = []
    if item.kind == "exemplar" and item.name_reading:
        lines.append(f"{item.title}　{item.name_reading}")
        syllables = _name_syllables(item.title, item.name_reading)
        if syllables:
            guessed = [reading[0] for reading in pinyin(item.title, style=Style.TONE)]
            for ch, _ in polyphonic(item.title):
                index = item.title.index(ch)
                warning = f"（不读 {guessed[index]}）" if guessed[index] != syllables[index] else ""
                lines.append(f"　{ch} 读 {syllables[index]}{warning}")
    for name in _proper_nouns(item):
        chosen = [reading[0] for reading in pinyin(name, style=Style.TONE)]
        marks = [f"{ch} {chosen[name.index(ch)]}" for ch, _ in polyphonic(name)]
        if marks:
            lines += [name, "　" + "　".join(marks)]
    return lines


def _proper_nouns(item: MediaItem) -> list[str]:
    facts = dict(item.facts)
    found: list[str] = []
    for value in (facts.get("单位"), facts.get("地区"), item.location or facts.get("地点"), facts.get("主办")):
        for name in re.split(r"[、，,；;]", value or ""):
            if name.strip() and name.strip() not in found:
                found.append(name.strip())
    return found


def _toneless(syllable: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(ch))


def _name_syllables(name: str, reading: str) -> list[str] | None:
    """'曾海涛', 'Zēng Hǎitāo' -> ['zēng', 'hǎi', 'tāo'], matching each character's possible readings;
    None when the reading does not divide that way (an unusual override)."""
    target = unicodedata.normalize("NFC", re.sub(r"[\s'’·-]", "", reading)).lower()
    options = [[unicodedata.normalize("NFC", r).lower() for r in readings]
               for readings in pinyin(name, style=Style.TONE, heteronym=True)]

    def split(index: int, rest: str, compare: Callable[[str], str]) -> list[str] | None:
        if index == len(options):
            return [] if not rest else None
        for option in sorted(options[index], key=len, reverse=True):
            if compare(rest[:len(option)]) == compare(option):
                tail = split(index + 1, rest[len(option):], compare)
                if tail is not None:
                    return [rest[:len(option)], *tail]
        return None

    # With tone marks first; an override written without them still divides toneless.
    return split(0, target, str) or split(0, target, _toneless)


# ------------------------------------------------------------ the script

def render_broadcast(item: MediaItem) -> str:
    title = item.title if item.kind == "activity" else item.headline
    spoken_title = spoken_numbers(title)
    body = short_lines(spoken_numbers(item.summary))
    lines = ["口播稿", "", "【标题】", spoken_title, "", "【正文】", *body]
    hints = reading_hints(item)
    if hints:
        lines += ["", "【读音提示】", *hints]
    lines += ["", "【时长】", reading_time("".join([spoken_title, *body])),
              "", "【来源】", item.campaign.organizer, f"原文：{item.url}"]
    return "\n".join(lines) + "\n"


def short_lines(text: str, width: int = LINE_WIDTH) -> list[str]:
    """One sentence a line; a long sentence broken after a comma."""
    lines = []
    for sentence in re.findall(r"[^。！？；]+[。！？；]*[”’」』）]*", text):
        line = ""
        for clause in re.findall(r"[^，、：]+[，、：]?", sentence):
            if line and len(line) + len(clause) > width:
                lines.append(line)
                line = ""
            line += clause
        if line.strip():
            lines.append(line.strip())
    return lines


def reading_time(text: str, per_minute: int = CHARACTERS_PER_MINUTE) -> str:
    """'约 40 秒（120 字，按每分钟 250 字计）': Han characters and Latin words
    count one each, rounded to five seconds."""
    count = len(re.findall(r"[\u3400-\u9fff]|[A-Za-z]+|\d", text))
    seconds = max(5, round(count * 60 / per_minute / 5) * 5)
    minutes, seconds = divmod(seconds, 60)
    spoken = (f"{minutes} 分 {seconds} 秒" if seconds else f"{minutes} 分钟") if minutes else f"{seconds} 秒"
    return f"约 {spoken}（{count} 字，按每分钟 {per_minute} 字计）"
