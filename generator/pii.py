"""Personal data in Chinese text: resident ID numbers, mobile numbers, bank cards.

``find_personal_data(text, public_numbers)`` returns a list of ``Finding``
sorted by position. Each finding says what kind of number it is
(``id_card``, ``mobile``, ``bank_card``), where it is in the text as given
(``start``/``end`` are offsets into the original string, even when the number
was written with full-width digits, zero-width characters or spaces), the value
masked so that a report never repeats the number in full, and whether the hit
is ``strong``. Every ID or mobile is strong; a bank card is strong only when
卡号/账号/银行卡/开户 stands within 12 characters before it, because a bare
16–19 digit number that happens to pass the Luhn check is often something else.

Guarantees:

* It never raises on any ``str`` and every finding satisfies
  ``0 <= start < end <= len(text)``.
* Text without a run of 11 digits (allowing separators) costs one regex search:
  the site check runs this over thousands of documents.
* A number must stand on its own: a digit or ASCII letter touching it means it
  is part of something else (a grant number, a hash, a longer number).
* Numbers are accepted only when they are structurally valid: IDs need a real
  birth date and the GB 11643-1999 check character, bank cards the Luhn check.
  Dates, ISBNs, grant, ICP and PSB numbers, landlines and counts
  ("13800000000 人次") are therefore not reported.
* Mobiles (and bank cards) listed in ``public_numbers`` (an office hotline, a
  donation account) are not reported; both sides are compared after
  ``normalise_number``.

Only the standard library is used.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Finding", "KIND_NAMES", "find_personal_data", "mask", "normalise_number"]

# Names for reports shown to editors.
KIND_NAMES = {"id_card": "居民身份证号", "mobile": "手机号码", "bank_card": "银行卡号"}

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SPACES = " \u00a0\u3000"
_ASCII_DIGITS = frozenset("0123456789")
_FULL_DIGITS = "０１２３４５６７８９"

# Full-width digits become ASCII; every spelling of the ID check character
# becomes "X" (mapping every lowercase x is harmless: it stays an ASCII letter
# for the boundary lookarounds).
_TRANSLATE = str.maketrans({**{f: str(i) for i, f in enumerate(_FULL_DIGITS)},
                            "x": "X", "ｘ": "X", "Ｘ": "X", "＋": "+"})

# A run of at least 11 digits where separators (spaces, dashes, zero-width
# characters) may stand between the digits, plus a trailing check character.
# Every finding needs 11 digits linked only by such separators, so text
# without this run cannot contain one: this is the fast path, and its matches
# are the only parts of the text that get normalised.
_SEP = "\\-" + _SPACES + _ZERO_WIDTH
_DIGIT = "0-9" + _FULL_DIGITS
_RUN = re.compile(f"[{_DIGIT}](?:[{_SEP}]*[{_DIGIT}]){{10,}}(?:[{_SEP}]*[xXｘＸ])?")
# Every character a run (with its +86 prefix and check character) can hold: text cut where
# none of these stands cannot cut a number in two (the gate reads large files in parts).
NUMBER_CHARACTERS = frozenset("0123456789" + _FULL_DIGITS + "-" + _SPACES + _ZERO_WIDTH + "xXｘＸ+＋")
# A looser superset of _RUN without its nested repetition, which the regex
# engine scans about three times faster: most documents stop here.
_MAYBE_RUN = re.compile(f"[{_DIGIT}][{_DIGIT}{_SEP}]{{10,}}")

# Patterns below run on normalised text. A number touching an ASCII letter or
# digit is part of a longer token (2021YFB1234500, a hex hash), so it is not one.
# re.ASCII: other scripts' digits (Arabic-Indic...) next to a run are not digits.
_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[0-9X](?![0-9A-Za-z])", re.ASCII)
# A "+" before the number belongs to a country code; starting after it would
# report "86..." as if it had no prefix.
_MOBILE = re.compile(r"(?<![0-9A-Za-z+])(?:(?:\+86|0086|86)[ -]?)?"
                     r"(?P<number>1[3-9]\d-?\d{4}-?\d{4})(?![0-9A-Za-z])", re.ASCII)
_BANK = re.compile(r"(?<![0-9A-Za-z])[3-6]\d{15,18}(?![0-9A-Za-z])", re.ASCII)

# What normalisation deletes: zero-width characters, and a single space (with
# any zero-width characters around it) whose neighbours are digits. Only a
# single space: wider gaps separate columns of a table.
_DROP_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH}]+")
_DROP_JOINING = re.compile(f"(?<=[{_DIGIT}])[{_ZERO_WIDTH}]*[{_SPACES}][{_ZERO_WIDTH}]*(?=[{_DIGIT}])"
                           f"|[{_ZERO_WIDTH}]+")

_HAS_SPACE = re.compile(f"[{_SPACES}]")
_NEEDS_NORMALISING = re.compile(f"[{_ZERO_WIDTH}{_SPACES}{_FULL_DIGITS}xｘＸ＋]")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# A number followed by one of these is a count or an amount, not a phone or card.
COUNT_UNITS = ("人次", "人", "次", "元", "万", "亿", "个", "项", "件", "份", "篇", "字", "册",
               "台", "套", "名", "位", "户", "家", "条", "千", "百", "米", "公里", "吨")
_BANK_KEYWORDS = ("卡号", "账号", "银行卡", "开户")
_KEYWORD_REACH = 12
# Digits left visible at each end by mask().
_SHOWN = {"id_card": (4, 4), "mobile": (3, 4), "bank_card": (4, 4)}


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str     # "id_card" | "mobile" | "bank_card"
    start: int    # offset in the original text
    end: int      # exclusive, in the original text
    masked: str   # the value with its middle digits replaced by '*'
    strong: bool  # False only for a bank card without a card keyword before it


def mask(kind: str, digits: str) -> str:
    """``digits`` with the middle hidden: ID 4+10*+4, mobile 3+4*+4, bank card 4+*+4."""
    if kind not in _SHOWN:
        raise ValueError(f"unknown kind of personal data: {kind!r}")
    head, tail = _SHOWN[kind]
    if len(digits) <= head + tail:  # too short to show anything safely
        return "*" * len(digits)
    hidden = 4 if kind == "mobile" else len(digits) - head - tail
    return digits[:head] + "*" * hidden + digits[-tail:]


def normalise_number(value: str) -> str:
    """Digits only, full-width digits mapped, a +86/0086 country code dropped."""
    value = value.translate(_TRANSLATE).strip(_SPACES + _ZERO_WIDTH + "\t\r\n")
    digits = "".join(ch for ch in value if ch in _ASCII_DIGITS)
    if value.startswith("+86"):
        return digits[2:]
    if digits.startswith("0086"):
        return digits[4:]
    # A bare 86 before a mobile is a country code too (the scanner accepts it).
    if len(digits) == 13 and re.fullmatch(r"861[3-9]\d{9}", digits):
        return digits[2:]
    return digits


def find_personal_data(text: str, public_numbers: Iterable[str] = ()) -> list[Finding]:
    """Every ID number, mobile and bank card in ``text``, in order of position."""
    maybe = _MAYBE_RUN.search(text)
    if maybe is None:
        return []
    first = _RUN.search(text, maybe.start())
    if first is None:
        return []
    public = {normalise_number(n) for n in public_numbers}
    public.discard("")
    findings: list[Finding] = []
    previous: list[Finding] = []
    for run in _RUN.finditer(text, first.start()):
        start, end = _window(text, run.start(), run.end())
        segment = text[start:end]
        # Spaces between digits are joined first (110105 19491231 002X is one
        # ID), then looked at again as written, so that two mobiles separated by
        # one space are not lost in a 22-digit run. A hit from the joined text
        # wins over another reading of the same characters. Windows widen runs by
        # a character or two, so only the previous run's hits can overlap.
        current: list[Finding] = []
        # Without a space the second reading would be the same as the first.
        joins = (True, False) if _HAS_SPACE.search(run.group()) else (True,)
        for join in joins:
            for finding in _scan(text, segment, start, join, public):
                if not any(f.start < finding.end and finding.start < f.end for f in previous + current):
                    current.append(finding)
        findings += current
        previous = current
    return sorted(findings, key=lambda f: (f.start, f.end))


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """The run widened by the characters the lookarounds and the +86 prefix need."""
    while start > 0 and text[start - 1] in _ZERO_WIDTH:
        start -= 1
    if start > 0 and text[start - 1] in "+＋":
        start -= 1
    while end < len(text) and text[end] in _ZERO_WIDTH:
        end += 1
    return max(start - 1, 0), min(end + 1, len(text))


def _normalise(segment: str, join_spaces: bool) -> tuple[str, list[int], list[int]]:
    """Normalised ``segment`` and the data ``_original`` needs to map offsets back.

    Whole stretches are cut out with one regex and the rest translated in C:
    a per-character Python loop made a 4 MB document several times slower.
    The second and third values are, for each kept stretch, its start in the
    normalised text and in ``segment``.
    """
    if not _NEEDS_NORMALISING.search(segment):  # the usual case: plain ASCII digits
        return segment, [0], [0]
    drop = _DROP_JOINING if join_spaces else _DROP_ZERO_WIDTH
    spans = [m.span() for m in drop.finditer(segment)]
    if not spans:
        return segment.translate(_TRANSLATE), [0], [0]
    dropped = itertools.accumulate(end - start for start, end in spans)
    norm_starts = [0, *(end - gone for (_, end), gone in zip(spans, dropped))]
    starts = [0, *(end for _, end in spans)]
    return drop.sub("", segment).translate(_TRANSLATE), norm_starts, starts


def _original(index: int, norm_starts: list[int], starts: list[int]) -> int:
    """The offset in the segment of character ``index`` of the normalised text."""
    piece = bisect.bisect_right(norm_starts, index) - 1
    return starts[piece] + index - norm_starts[piece]


def _scan(text: str, segment: str, offset: int, join: bool, public: set[str]) -> list[Finding]:
    norm, norm_starts, starts = _normalise(segment, join)

    def span(m: re.Match[str]) -> tuple[int, int]:
        last = _original(m.end() - 1, norm_starts, starts)
        return offset + _original(m.start(), norm_starts, starts), offset + last + 1

    # IDs come first: a valid ID that also passes the Luhn check is reported
    # as an ID, because the caller drops any later finding that overlaps it.
    findings: list[Finding] = []
    for m in _ID.finditer(norm):
        if _valid_id(m.group()):
            findings.append(Finding("id_card", *span(m), mask("id_card", m.group()), True))
    for m in _MOBILE.finditer(norm):
        number = m.group("number").replace("-", "")
        start, end = span(m)
        if number in public or _is_count(text, end):
            continue
        findings.append(Finding("mobile", start, end, mask("mobile", number), True))
    for m in _BANK.finditer(norm):
        digits = m.group()
        start, end = span(m)
        if (digits in public or not _luhn(digits)
                or _only_years(digits) or _is_count(text, end)):
            continue
        before = text[max(start - _KEYWORD_REACH, 0):start]
        strong = any(k in before for k in _BANK_KEYWORDS)
        findings.append(Finding("bank_card", start, end, mask("bank_card", digits), strong))
    return findings


def _valid_id(value: str) -> bool:
    """GB 11643-1999: a real birth date in 1900..2099 and the MOD 11-2 check character."""
    year, month, day = int(value[6:10]), int(value[10:12]), int(value[12:14])
    if not 1900 <= year <= 2099:
        return False
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == value[17]


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _only_years(digits: str) -> bool:
    """A list of years run together (2019 2020 2021 2022) is not a card number.

    The leading-digit rule already excludes these today; this keeps them out
    if that rule is ever widened.
    """
    if len(digits) % 4:
        return False
    return all(1900 <= int(digits[i:i + 4]) <= 2099 for i in range(0, len(digits), 4))


def _is_count(text: str, end: int) -> bool:
    """Whether a unit (人次, 元, 万...) follows ``end``, after optional spaces."""
    i = end
    while i < len(text) and (text[i] in _SPACES or text[i] in _ZERO_WIDTH):
        i += 1
    return text.startswith(COUNT_UNITS, i)
