"""House style for Chinese publicity copy: checks with automatic fixes.

Input: ``text`` is one whole editor file with "\\n" line endings, either a
Markdown document whose first line is ``---`` (YAML front matter up to the
next ``---`` or ``...`` line, then the Markdown body) or a pure YAML file
(anything else). ``terms`` is the house term list (``Term(wrong, right,
level)``); ``skip_lines`` are 1-based line numbers the caller wants left alone
(lines that are not prose: file names, URLs, slugs, ids, dates).

Output: ``find_style_issues`` returns ``StyleFinding`` values sorted by line
and column, of three kinds:

* ``term``: each occurrence of a term's ``wrong`` phrase, with its ``right``
  phrase and the term's level. An occurrence that lies inside an occurrence of
  ``right`` on the same line is not one (wrong 科学院, right 中国科学院).
* ``spacing``: a line that autocorrect (``autocorrect_py``, Markdown mode)
  would change: spaces between CJK and Latin letters or digits, full-width
  punctuation after CJK, no spaces around full-width punctuation, half-width
  letters and digits. One finding per line; ``old`` is the line, ``new`` the
  corrected line, the column the first character that differs.
* ``traditional``: traditional characters in simplified text, found with
  OpenCC's phrase-aware t2s conversion (乾隆 stays 乾隆), one finding per
  maximal run of changed characters.

``fix_text`` applies every fix and returns the new text.

What is never touched (no findings, no changes): YAML keys (``key:`` and
``- key:``) and the ``---`` delimiters, text inside fenced code blocks (```
or ~~~), inline code spans, URLs (bare ``http(s)://`` and ``ftp://`` URLs,
which run to whitespace or CJK punctuation, autolinks, Markdown link and
image targets, reference definitions), HTML tag markup (``<img alt=...>``;
the text between tags is checked), YAML anchors, aliases and tags, flow
mappings ``{...}``, the lines of a quoted YAML scalar after its first, and
lines the caller skips. Comments (HTML comments in Markdown, ``#`` comments
in YAML) are checked like prose: editors write them and readers of the source
see them. So are YAML block scalars (``|``, ``>``) and indented Markdown lines
(nested list items; code belongs in fences).

Guarantees:

* No findings on well-formed text (what autocorrect and t2s leave as it is,
  without wrong terms), and no exceptions on any text: autocorrect and OpenCC
  failures leave the line as it is.
* ``fix_text`` never adds or removes lines, keeps YAML keys byte for byte and
  keeps YAML valid where it was: quoted values keep their quotes and are only
  corrected when the result holds no quote of the same kind, flow sequences
  are corrected item by item (their commas stay), and a plain value never
  gains ``": "``, ``" #"`` or a leading indicator. A fix that would break
  those rules, or touch a URL or code span, is not made.
* ``fix_text`` is idempotent, and ``find_style_issues(fix_text(x))`` is empty,
  except for a term whose ``right`` phrase cannot go where ``wrong`` stands
  (a quote inside a quoted YAML value, a comma inside a flow sequence): that
  finding stays for an editor. Term lists that cycle (A→B, B→A) are a
  configuration error.

Speed: autocorrect costs tens of microseconds a line, too slow for every line
of a thousand documents, so precompiled regular expressions over the whole
text pick the candidate lines first and only those are parsed and corrected;
well-formed text costs the scans. The candidate regexes follow autocorrect's
own rules (checked against autocorrect-py 2.14 by the tests, which fail if a
new version changes lines they do not catch). They are one regex with a
character class up front, covering letters, ASCII punctuation, full-width
letters and traditional characters, plus three starting with a literal
(space, newline, ``<``), which the regex engine finds several times faster
than a class, and the trie of the terms' wrong phrases.
"""

from __future__ import annotations

import difflib
import functools
import operator
import re
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import autocorrect_py
import opencc

LEVELS = ("warning", "error")


@dataclass(frozen=True, slots=True)
class Term:
    wrong: str
    right: str
    level: str  # "warning" | "error"

    def __post_init__(self) -> None:
        # A bad term list is the caller's bug, so it raises instead of reporting.
        if not isinstance(self.wrong, str) or not self.wrong:
            raise ValueError("术语的错误写法不能为空")
        if not isinstance(self.right, str):
            raise ValueError(f"术语“{self.wrong}”的正确写法必须是文字")
        if any(char in phrase for phrase in (self.wrong, self.right) for char in "\r\n"):
            raise ValueError(f"术语“{self.wrong}”不能跨行")
        if self.level not in LEVELS:
            raise ValueError(f"术语“{self.wrong}”的级别必须是 warning 或 error，而不是“{self.level}”")


@dataclass(frozen=True, slots=True)
class StyleFinding:
    kind: str  # "term" | "spacing" | "traditional"
    line: int  # 1-based line in the given text
    column: int  # 1-based column (in characters) where the problem starts
    old: str  # term: the wrong phrase; spacing: the whole line; traditional: the traditional run
    new: str  # term: the right phrase; spacing: the corrected line; traditional: simplified
    level: str  # "warning" | "error" (spacing and traditional are always "warning")

    @property
    def message(self) -> str:
        """One sentence for the editor, in Simplified Chinese."""
        if self.kind == "term":
            return f"“{self.old}”应写作“{self.new}”"
        if self.kind == "traditional":
            return f"简体文本中出现繁体字“{self.old}”，应写作“{self.new}”"
        return f"中英文之间的空格或标点不合规范，应改为：{self.new.strip()}"


# ---------------------------------------------------------------------------
# Character classes. Autocorrect's \p{CJK} is Han, Hangul, Katakana,
# Hiragana, Bopomofo (and Hanunoo); these ranges cover them generously: a few
# extra characters only cost a false candidate, a missing one a missed line.

_CJK = (
    "\u1100-\u11ff\u1720-\u173f\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b"
    "\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\U00020000-\U0003ffff"
)
_AN = "A-Za-z0-9"
# Full-width letters, digits and the ideographic space become half-width
# wherever they are; Bopomofo trips a quirk of autocorrect's word rule (ㄅ·6
# becomes ㄅ· 6), so any of them makes a line a candidate.
_ALWAYS = "\uff21-\uff3a\uff41-\uff5a\uff10-\uff19\u3000\u3100-\u312f\u31a0-\u31bf"
# Full-width punctuation autocorrect removes spaces around.
_FP = "，。、！？：；（）「」《》【】“”‘’"
# Full-width punctuation autocorrect turns half-width in lines without CJK.
_P2 = "，、。：；！？”“（【「《）】」》’"
# Autocorrect's \w is Unicode (letters, marks, digits, connectors, joiners).
_W = "\\w\u0300-\u036f\u200c\u200d\u203f\u2040\u2054\ufe33\ufe34\ufe4d-\ufe4f\uff3f`"


def _main_pattern(extra: str) -> str:
    """The candidate regex for everything around ASCII letters and punctuation.

    It starts with one character class, so the regex engine skips ahead with a
    fast set test and only tries a match at those characters; the branches
    then check the neighbours. ``extra`` adds more start characters (the
    traditional ones) that are candidates on their own.
    """
    cjk, an = _CJK, _AN
    rare = f"{an},.:!?()\\[\\]\\-+|%{_ALWAYS}{extra}"
    not_alnum = (
        # c is not a letter or digit: letters (most starts) fail this one test
        f"(?<=[^{an}])(?:"
        f"[,.:!?](?<=\\|[,.:!?])"  # |, |. |: (| counts as CJK in autocorrect's fullwidth rule)
        f"|\\|(?<=[,?]\\|)"
        f"|[“‘（【「《](?<=[\\-+|][“‘（【「《])"
        f"|(?<=[”’）】」》][\\-+|])"
        # A [ whose next bracket is not ]: 中文[ is spaced unless it opens a
        # link ([报道](url)), and a stray [ earlier on the line unmakes links.
        f"|(?<=\\[)(?![^\\[\\]\\n]*\\])"
        f"|(?<=[{_ALWAYS}])"
        + (f"|(?<=[{extra}])" if extra else "")
        + ")"
    )
    return (
        f"[{rare}](?:"
        f"[{cjk}](?<=[{an})\\],?!\\-+|%][{cjk}])"  # c then CJK: 5G网络, 10%的, )中
        f"|(?<=[{cjk}][{an},.:!?(\\-+|])"  # CJK then c: 网络5G, 中文, 中文(
        f"|[+#：](?:(?<=[{an}][+#])[+#]*[{cjk}]|(?<=[0-9]：)[0-9])"  # C++中文, 16：32
        f"|{not_alnum})"
    )


# Spaces before or after full-width punctuation. Starts with a literal space,
# which the regex engine finds much faster than a character class.
_SPACE_PATTERN = f" (?:(?<=[{_W}] ) *[{_FP}]|(?<=[{_FP}] ) *[{_W}])"
# A line without CJK that holds full-width punctuation (autocorrect makes it
# half-width). Starts at the newline before the line; the first line is
# matched separately.
_EN_LINE = f"[^\\n{_CJK}{_P2}]*+[{_P2}][^\\n{_CJK}]*+(?=\\n|$)"

_SPACING_RE = re.compile(_main_pattern(""))
_SPACE_RE = re.compile(_SPACE_PATTERN)
_EN_RE = re.compile("\n" + _EN_LINE)
_EN_FIRST_RE = re.compile(_EN_LINE)
# Inline HTML: autocorrect reads a tag or comment as a node of its own and
# decides "no CJK here" per node, so "<b>中文</b> Hello。" still changes.
_HTML_RE = re.compile("<[!/A-Za-z]")
_CJK_RE = re.compile(f"[{_CJK}]")
_P2_RE = re.compile(f"[{_P2}]")


# ---------------------------------------------------------------------------
# Lazily built resources: OpenCC loads its dictionaries on first use and the
# traditional character set costs one conversion, neither needed at import.

@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _t2s(text: str) -> str:
    try:
        return _converter().convert(text)
    except Exception:  # an odd character in the binding must not stop a whole check
        return text


@functools.cache
def _traditional_chars() -> str:
    """Characters in U+4E00..U+9FFF that t2s changes when they stand alone."""
    chars = [chr(code) for code in range(0x4E00, 0xA000)]
    # One call for 20,000 characters: a call each would take a second.
    converted = _t2s("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - defensive, t2s keeps newlines
        converted = [_t2s(char) for char in chars]
    return "".join(char for char, simple in zip(chars, converted) if simple != char)


@functools.cache
def _traditional_re() -> re.Pattern[str]:
    return re.compile(f"[{_traditional_chars()}]")


@functools.cache
def _candidate_re() -> re.Pattern[str]:
    # Spacing and traditional candidates in one scan: a scan over the text
    # costs about as much as the candidates it finds, so two would cost double.
    return re.compile(_main_pattern(_traditional_chars()))


class _TermIndex(NamedTuple):
    terms: tuple[Term, ...]
    regex: re.Pattern[str] | None  # any wrong phrase; None without terms


def _trie_pattern(words: Sequence[str]) -> str:
    """One regex for many literal words, as a trie: a|ab|b -> (?:ab?|b)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return build(trie)


@functools.lru_cache(maxsize=32)
def _term_index(terms: tuple[Term, ...]) -> _TermIndex:
    for term in terms:
        if not isinstance(term, Term):
            raise TypeError(f"术语表只能包含 Term，而不是 {type(term).__name__}")
    if not terms:
        return _TermIndex(terms, None)
    words = sorted({term.wrong for term in terms})
    # The trie nests one group per character; very long phrases would hit the
    # recursion limit, and a plain alternation is fine for them.
    if max(map(len, words)) > 200:
        pattern = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    else:
        pattern = _trie_pattern(words)
    return _TermIndex(terms, re.compile(pattern))


# The caller passes the same term list for every document; hashing a few
# hundred frozen dataclasses for the lru_cache each time would cost more than
# checking a well-formed document, so the last list is recognised by identity.
_last_index: list[tuple[tuple[Term, ...], _TermIndex]] = [((), _TermIndex((), None))]


def _index_for(terms: Sequence[Term]) -> _TermIndex:
    key = tuple(terms)
    cached_key, cached = _last_index[0]
    if len(key) == len(cached_key) and all(map(operator.is_, key, cached_key)):
        return cached
    index = _term_index(key)
    _last_index[0] = (key, index)
    return index


# ---------------------------------------------------------------------------
# Candidate lines.

def _collect(regex: re.Pattern[str], text: str, out: dict[int, int], shift: int = 0,
             end: int | None = None) -> None:
    """Record the lines where ``regex`` matches: line number -> offset of the line.

    After a match the search resumes at the end of its line: one match is
    enough to make a line a candidate. ``shift`` moves the match start to the
    line it is about (the end-of-line regex matches at the newline before).
    """
    find = text.find
    end = len(text) if end is None else end
    position, line, counted = 0, 1, 0
    while True:
        match = regex.search(text, position, end)
        if match is None:
            return
        start = match.start() + shift
        line += text.count("\n", counted, start)
        counted = start
        if line not in out:
            out[line] = text.rfind("\n", 0, start) + 1
        position = find("\n", start)
        if position < 0:
            return
        # The end-of-line regex needs the newline; the others skip past it.
        position += 1 - shift


def _candidate_lines(text: str, index: _TermIndex) -> dict[int, int]:
    lines: dict[int, int] = {}
    _collect(_candidate_re(), text, lines)
    _collect(_SPACE_RE, text, lines)
    if _EN_FIRST_RE.match(text):
        lines[1] = 0
    _collect(_EN_RE, text, lines, shift=1)
    _collect(_HTML_RE, text, lines)
    if index.regex is not None:
        _collect(index.regex, text, lines)
    return lines


def _spacing_candidates(text: str) -> set[int]:
    """The lines the whole-text prefilter would pass to autocorrect (for tests)."""
    lines: dict[int, int] = {}
    _collect(_SPACING_RE, text, lines)
    _collect(_SPACE_RE, text, lines)
    if _EN_FIRST_RE.match(text):
        lines[1] = 0
    _collect(_EN_RE, text, lines, shift=1)
    _collect(_HTML_RE, text, lines)
    return set(lines)


def _needs_autocorrect(segment: str) -> bool:
    """The prefilter for one piece of a line: could autocorrect change it?"""
    if _SPACING_RE.search(segment) or _SPACE_RE.search(segment):
        return True
    if not _P2_RE.search(segment):
        return False
    return not _CJK_RE.search(segment) or bool(_HTML_RE.search(segment))


# ---------------------------------------------------------------------------
# Layout: which parts of which lines are prose, and in what syntax. A segment
# is (start, end, context) within its line.

_MD, _FREE, _PLAIN, _DQ, _SQ, _FLOW = range(6)
# _MD: a Markdown line. _FREE: YAML comments and block scalar content, where
# nothing is YAML syntax. _PLAIN: a plain YAML scalar. _DQ/_SQ: inside double
# or single quotes. _FLOW: an item of a flow sequence [a, b].

Segment = tuple[int, int, int]

_YAML_PREFIX = re.compile(
    r"[ \t]*(?P<dashes>(?:-(?:[ \t]+|$))*)"
    r"(?P<key>(?:\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\n]|'')*'"
    r"|[^\s#'\"\[\]{},&*!|>%@`](?:[^:\n]|:(?![ \t]|$))*?)[ \t]*:(?:[ \t]+|$))?"
)
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*[ \t]*(?:#.*)?$")
_FENCE_OPEN = re.compile(r"[ \t]*(`{3,}(?=[^`]*$)|~{3,})")
_FENCE_CLOSE = re.compile(r"[ \t]*(`{3,}|~{3,})[ \t]*$")


def _quote_end(line: str, start: int) -> int | None:
    """Index of the quote closing the YAML quoted scalar opened at ``start``."""
    quote, index, length = line[start], start + 1, len(line)
    while index < length:
        char = line[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and index + 1 < length and line[index + 1] == "'":
                index += 2  # '' is an escaped quote
                continue
            return index
        index += 1
    return None


_FLOW_SYNTAX = re.compile("[\\[\\]{}\"'#]")


def _simple_flow(line: str, start: int) -> bool:
    """Whether ``line[start:]`` is a one-line flow sequence of plain items."""
    return (line.endswith("]") and line[start:start + 1] == "["
            and not _FLOW_SYNTAX.search(line, start + 1, len(line) - 1))


def _flow_item_ok(item: str) -> bool:
    # Only plain scalars are prose: [k: v] holds a key, and an indicator
    # starts an alias, tag or other syntax.
    return ": " not in item and not item.endswith(":") and item[0] not in "&*!|>%@`?:-"


def _flow_segments(line: str, start: int, stack: list[str]) -> tuple[list[Segment], list[str]]:
    """Items of flow sequences on ``line`` from ``start``; ``stack`` holds open brackets."""
    if not stack and _simple_flow(line, start):
        # The usual one-line list of plain items, [a, b, c]: split at commas.
        segments, position = [], start + 1
        for item in line[start + 1:-1].split(","):
            stripped = item.strip(" \t")
            if stripped and _flow_item_ok(stripped):
                item_start = position + len(item) - len(item.lstrip(" \t"))
                segments.append((item_start, item_start + len(stripped), _FLOW))
            position += len(item) + 1
        return segments, []
    segments: list[Segment] = []
    index, length = start, len(line)
    while index < length:
        char = line[index]
        if char in " \t,":
            index += 1
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            break  # a comment ends the line
        elif char in "[{":
            stack.append(char)
            index += 1
        elif char in "]}":
            if stack:
                stack.pop()
            index += 1
            if not stack:
                break
        elif char in "\"'":
            end = _quote_end(line, index)
            if end is None:  # a quoted item across lines: leave the rest alone
                break
            if stack and stack[-1] == "[":
                segments.append((index + 1, end, _DQ if char == '"' else _SQ))
            index = end + 1
        else:
            end = index
            while end < length and line[end] not in ",[]{}" and not (
                    line[end] == "#" and line[end - 1] in " \t"):
                end += 1
            stop = end
            while stop > index and line[stop - 1] in " \t":
                stop -= 1
            if stack and stack[-1] == "[" and _flow_item_ok(line[index:stop]):
                segments.append((index, stop, _FLOW))
            index = end
    return segments, stack


# Lines that can open a construct spanning lines (block scalar, flow
# collection, quoted scalar); any other line only matters when it is wanted.
_MULTILINE_HINT = re.compile("[|>\\[{\"']")


def _yaml_layout(lines: list[str], start: int, stop: int, wanted: set[int], hints: dict[int, int],
                 out: dict[int, list[Segment]]) -> None:
    """Segments of the wanted lines among ``lines[start:stop]``, read as YAML.

    Only constructs that span lines need state: block scalars (content is
    prose), flow collections (items are prose, commas are syntax) and quoted
    scalars (skipped after their first line). A plain scalar's continuation
    line needs none: read on its own it is a plain value too. So only the
    wanted lines and the ``hints`` (lines that may open such a construct) are
    read, and the lines after an opening one until it ends.
    """
    block: int | None = None  # a block scalar's content is indented more than this
    quoted: int | None = None  # a quoted scalar's next lines are indented more than this
    stack: list[str] = []  # open brackets of a flow collection continuing on the next line
    last = min(stop, max(wanted))
    todo = iter(sorted(number - 1 for number in wanted.union(hints) if start < number <= last))
    index = start - 1
    while True:
        if block is None and quoted is None and not stack:
            index = next((i for i in todo if i > index), last)
        else:
            index += 1
        if index >= last:
            return
        line = lines[index]
        number = index + 1
        if block is not None or quoted is not None:
            content = line.lstrip(" \t")
            indent = len(line) - len(content)
            if block is not None:
                if not content.strip() or indent > block:
                    if number in wanted and content.strip():
                        out[number] = [(indent, len(line), _FREE)]
                    continue
                block = None
            elif not content.strip() or indent > quoted:
                continue
            else:
                quoted = None
        if stack:
            segments, stack = _flow_segments(line, 0, stack)
            if number in wanted:
                out[number] = segments
            continue
        content = line.lstrip(" \t")
        if not content.strip():
            continue
        indent = len(line) - len(content)
        if content[0] == "#":
            if number in wanted:
                out[number] = [(indent, len(line), _FREE)]
            continue
        if indent == 0 and line.rstrip() in ("---", "..."):
            continue  # document markers
        match = _YAML_PREFIX.match(line)
        value_start = match.end()
        value = line[value_start:]
        if not value.strip():
            continue  # "key:" or "-": the value is on the next lines
        # A block scalar's content and a quoted scalar's next lines are
        # indented more than the key (or the dash of a sequence item).
        parent = indent + len(match.group("dashes")) if match.group("key") is not None else indent
        first = value[0]
        if first == "#":
            if number in wanted:
                out[number] = [(value_start, len(line), _FREE)]
        elif first in "|>":
            if _BLOCK_HEADER.match(value):
                block = parent
        elif first in "&*!%@`":
            continue  # anchors, aliases, tags and reserved indicators: not prose
        elif first in "\"'":
            end = _quote_end(line, value_start)
            if end is None:
                quoted = parent
            elif number in wanted:
                out[number] = [(value_start + 1, end, _DQ if first == '"' else _SQ)]
        elif first in "[{":
            if number in wanted:
                out[number], stack = _flow_segments(line, value_start, [])
            elif not _simple_flow(line, value_start):  # only whether it continues matters
                stack = _flow_segments(line, value_start, [])[1]
        elif number in wanted:
            out[number] = [(value_start, len(line.rstrip(" \t")), _PLAIN)]


def _markdown_layout(lines: list[str], start: int, stop: int, wanted: set[int],
                     out: dict[int, list[Segment]], fences: bool) -> None:
    """Segments of the wanted lines among ``lines[start:stop]``, read as Markdown."""
    last = min(stop, max(wanted))
    if not fences:  # the common case: no fence anywhere, every line is prose
        for number in wanted:
            if start < number <= last:
                out[number] = [(0, len(lines[number - 1]), _MD)]
        return
    fence: tuple[str, int] | None = None
    for index in range(start, last):
        line = lines[index]
        if fence is not None:
            if fence[0] in line:
                match = _FENCE_CLOSE.match(line)
                if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= fence[1]:
                    fence = None
            continue
        if "`" in line or "~" in line:
            match = _FENCE_OPEN.match(line)
            if match:
                fence = (match.group(1)[0], len(match.group(1)))
                continue
        if index + 1 in wanted:
            out[index + 1] = [(0, len(line), _MD)]


def _front_matter_end(text: str) -> int | None:
    """Offset of the line closing the front matter (``---`` or ``...``), if any."""
    position = 0
    while True:
        dashes = text.find("\n---", position)
        dots = text.find("\n...", position, len(text) if dashes < 0 else dashes)
        if dashes < 0 and dots < 0:
            return None
        start = (dashes if dots < 0 else dots) + 1
        end = text.find("\n", start)
        if text[start:end if end >= 0 else len(text)].rstrip() in ("---", "..."):
            return start
        position = start


def _layout(text: str, lines: list[str], wanted: set[int],
            close_offset: int | None) -> dict[int, list[Segment]]:
    """Segments of the wanted lines; ``close_offset`` as ``_front_matter_end`` gives it."""
    out: dict[int, list[Segment]] = {}
    hints: dict[int, int] = {}
    if not _has_front_matter(text):
        _collect(_MULTILINE_HINT, text, hints)
        _yaml_layout(lines, 0, len(lines), wanted, hints, out)
    elif close_offset is None:  # unterminated front matter: all YAML, keys stay safe
        _collect(_MULTILINE_HINT, text, hints)
        _yaml_layout(lines, 1, len(lines), wanted, hints, out)
    else:
        close = text.count("\n", 0, close_offset)  # index of the closing line
        if min(wanted) <= close:  # YAML state only matters up to a wanted YAML line
            _collect(_MULTILINE_HINT, text, hints, end=close_offset)
            _yaml_layout(lines, 1, close, wanted, hints, out)
        _markdown_layout(lines, close + 1, len(lines), wanted, out,
                         "```" in text or "~~~" in text)
    return out


def _has_front_matter(text: str) -> bool:
    newline = text.find("\n")
    return text[:newline if newline >= 0 else len(text)].lstrip("\ufeff").rstrip() == "---"


# A front matter line holding a one-line flow sequence of plain items.
_FLOW_LINE = re.compile("[ \t]*(?:-[ \t]+)*[A-Za-z_][\\w.-]*:[ \t]+(\\[[^\\[\\]{}\"'#\n]*\\])[ \t]*")


_FLOW_MAP_LINE = re.compile("[ \t]*(?:-[ \t]+)*(?:[A-Za-z_][\\w.-]*:[ \t]+)?\\{[^{}\n]*\\}[ \t]*")


def _drop_clean_lists(text: str, wanted: dict[int, int], close_offset: int | None,
                      index: _TermIndex) -> None:
    """Remove front matter lists like ``tags: [甲, 乙]`` whose items are all clean.

    "甲," is a comma after CJK, a candidate in prose, but here it separates
    items; every story has such lists, and reading them through the YAML
    layout would cost more than the rest of a well-formed document.
    """
    if close_offset is None:
        return
    front = text[:close_offset]
    if "|" in front or ">" in front:
        return  # a block scalar could hold the line: read the YAML properly
    # One-line flow mappings ({file: a.jpg, alt: …}) are never corrected (see
    # the module docstring), so they are no candidates; quotes written inside
    # them (a sign-off's by: "…") cannot open a scalar spanning other lines.
    quoted_elsewhere = False
    for number, offset in list(wanted.items()):
        if offset < close_offset and _FLOW_MAP_LINE.fullmatch(text, offset, text.find("\n", offset)):
            del wanted[number]
    for line in front.split("\n"):
        if ('"' in line or "'" in line or "<" in line) and not _FLOW_MAP_LINE.fullmatch(line):
            quoted_elsewhere = True
            break
    if quoted_elsewhere:
        return  # a quoted scalar could hold the line: read the YAML properly
    traditional = _traditional_re()
    for number, offset in list(wanted.items()):
        if offset >= close_offset:
            continue
        match = _FLOW_LINE.fullmatch(text, offset, text.find("\n", offset))
        if match is None:
            continue
        # One item a line: the candidate regexes then see each item on its
        # own, as the layout would hand them to autocorrect.
        items = match.group(1)[1:-1].replace(",", "\n")
        if traditional.search(items) or (index.regex is not None and index.regex.search(items)) \
                or _SPACING_RE.search(items) or _SPACE_RE.search(items) \
                or _EN_FIRST_RE.match(items) or _EN_RE.search(items):
            continue
        del wanted[number]


# ---------------------------------------------------------------------------
# Protected spans inside a segment: code, URLs, link targets, tag markup.

# Every alternative starts with a literal (` ] h f <), so the regex engine
# skips to those characters instead of trying every position; the group
# names say which kind matched.
_PROTECTED_RE = re.compile(
    r"`(?P<code>`*)[^\n]*?(?<!`)`(?P=code)(?!`)"
    r"|\]\((?P<target>[^()\n]*(?:\([^()\n]*\)[^()\n]*)*)\)"
    r"|h(?P<url>ttps?://[^\s<>\"'`()\[\]{}（）【】「」《》“”‘’，。、！？：；]+)"
    r"|f(?P<ftp>tp://[^\s<>\"'`()\[\]{}（）【】「」《》“”‘’，。、！？：；]+)"
    r"|<(?P<tag>/?[A-Za-z][A-Za-z0-9-]*(?=[\s/>])[^<>\n]*>)"
)
_REFERENCE_RE = re.compile(r"[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+")  # [1]: https://...
_URL_KINDS = ("target", "ref", "url", "ftp")  # masked before autocorrect sees the text
_PURE_URL = re.compile(r"<?(?:https?|ftp)://\S*>?")
_PLACEHOLDER_MARK = ".invalid"

Span = tuple[int, int, str]  # start, end, kind


def _protected(segment: str) -> list[Span]:
    """Code spans, URLs, link targets and tag markup in ``segment``, in order."""
    spans: list[Span] = []
    position = 0
    reference = _REFERENCE_RE.match(segment)
    if reference:
        spans.append((0, reference.end(), "ref"))
        position = reference.end()
    for match in _PROTECTED_RE.finditer(segment, position):
        kind = match.lastgroup
        if kind == "target":  # the target only, not the ]( ) around it
            spans.append((match.start(kind), match.end(kind), kind))
        else:
            spans.append((match.start(), match.end(), kind))
    return spans


def _protected_texts(segment: str) -> list[str]:
    return [segment[start:end] for start, end, _ in _protected(segment)]


def _free_ranges(length: int, spans: list[Span]) -> Iterator[tuple[int, int]]:
    position = 0
    for start, end, _ in spans:
        if start > position:
            yield position, start
        position = max(position, end)
    if position < length:
        yield position, length


def _overlaps(spans: list[Span], start: int, end: int) -> bool:
    return any(span_start < end and start < span_end for span_start, span_end, _ in spans)


# Characters a plain YAML scalar must not start with (and whitespace).
_LEADING = frozenset("-?:,[]{}#&*!|>'\"%@` \t")


def _safe(old: str, new: str, context: int) -> bool:
    """Whether ``new`` may replace ``old`` without breaking the file's syntax."""
    if "\n" in new or new.count("\r") != old.count("\r"):
        return False
    if new.strip() in ("---", "...") and old.strip() != new.strip():
        return False  # would end the front matter
    if _protected_texts(old) != _protected_texts(new):
        return False
    if context == _DQ:
        return '"' not in new and new.count("\\") == old.count("\\")
    if context == _SQ:
        return "'" not in new
    if context in (_PLAIN, _FLOW):
        for token in (": ", " #", "\t#"):
            if new.count(token) > old.count(token):
                return False
        if new.endswith(":") and not old.endswith(":"):
            return False
        if new[:1] != old[:1] and new[:1] in _LEADING:
            return False
        if context == _FLOW:
            return all(new.count(char) <= old.count(char) for char in ",[]{}")
    return True


# ---------------------------------------------------------------------------
# The three checks on one segment.

def _term_hits(segment: str, spans: list[Span],
               terms: tuple[Term, ...]) -> list[tuple[int, int, Term]]:
    hits: list[tuple[int, int, Term]] = []
    for term in terms:
        wrong = term.wrong
        position = segment.find(wrong)
        if position < 0:
            continue
        covers: list[int] = []
        if term.right and wrong in term.right:
            # Occurrences of right, overlapping ones too: any may hold wrong.
            found = segment.find(term.right)
            while found >= 0:
                covers.append(found)
                found = segment.find(term.right, found + 1)
        size, right_size = len(wrong), len(term.right)
        while position >= 0:
            end = position + size
            inside_right = any(start <= position and end <= start + right_size for start in covers)
            if not inside_right and not _overlaps(spans, position, end):
                hits.append((position, end, term))
            position = segment.find(wrong, end)
    hits.sort(key=lambda hit: (hit[0], hit[0] - hit[1]))
    return hits


def _apply_terms(segment: str, context: int, index: _TermIndex) -> str:
    if index.regex is None or not index.regex.search(segment):
        return segment
    hits = _term_hits(segment, _protected(segment), index.terms)
    parts, position = [], 0
    for start, end, term in hits:
        if start < position:
            continue  # overlaps a longer or earlier replacement; the next pass sees it
        if not _safe(segment, segment[:start] + term.right + segment[end:], context):
            continue  # this right phrase cannot stand here: the finding stays
        parts.append(segment[position:start])
        parts.append(term.right)
        position = end
    if not parts:
        return segment
    parts.append(segment[position:])
    new = "".join(parts)
    return new if _safe(segment, new, context) else segment


def _diff_runs(old: str, new: str) -> list[tuple[int, str, str]]:
    """Maximal runs where ``new`` differs from ``old``: (offset in old, old run, new run)."""
    runs: list[tuple[int, str, str]] = []
    if len(old) == len(new):
        index, length = 0, len(old)
        while index < length:
            if old[index] != new[index]:
                end = index + 1
                while end < length and old[end] != new[end]:
                    end += 1
                runs.append((index, old[index:end], new[index:end]))
                index = end
            else:
                index += 1
        return runs
    # Conversion changed the length (a phrase mapped to one of another
    # length): let difflib align the two, and merge touching changes.
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    merged: list[list[int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if merged and merged[-1][1] == i1 and merged[-1][3] == j1:
            merged[-1][1], merged[-1][3] = i2, j2
        else:
            merged.append([i1, i2, j1, j2])
    return [(i1, old[i1:i2], new[j1:j2]) for i1, i2, j1, j2 in merged]


def _traditional_runs(segment: str, spans: list[Span]) -> list[tuple[int, str, str]]:
    pattern = _traditional_re()
    runs: list[tuple[int, str, str]] = []
    for start, end in _free_ranges(len(segment), spans):
        piece = segment[start:end]
        if pattern.search(piece):
            converted = _t2s(piece)
            if converted != piece:
                runs.extend((start + offset, old, new) for offset, old, new in _diff_runs(piece, converted))
    return runs


def _apply_traditional(segment: str, context: int) -> str:
    pattern = _traditional_re()
    if not pattern.search(segment):
        return segment
    spans = _protected(segment)
    parts, position = [], 0
    for start, end in _free_ranges(len(segment), spans):
        parts.append(segment[position:start])
        piece = segment[start:end]
        parts.append(_t2s(piece) if pattern.search(piece) else piece)
        position = end
    parts.append(segment[position:])
    new = "".join(parts)
    return new if _safe(segment, new, context) else segment


def _autocorrect(text: str) -> str:
    try:
        return autocorrect_py.format_for(text, "markdown")
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException:  # a Rust panic surfaces as pyo3's PanicException, a BaseException
        return text


# autocorrect parses Markdown with backtracking over unclosed brackets: its first
# call on a line of 40,000 "[" takes 20 s, on 10,000 "![](" a minute. The cost
# grows with a segment's length times the "[" in it; one text gets this much of
# that product, and the segments past it are neither checked for spacing nor fixed
# (a body that long or that odd is refused as E504 anyway).
SPACING_BUDGET = 2_000_000


class _SpacingBudget:
    def __init__(self) -> None:
        self.left = SPACING_BUDGET

    def spacing(self, segment: str, context: int) -> str:
        cost = len(segment) * (1 + segment.count("["))
        if cost > self.left:
            return segment
        self.left -= cost
        return _spacing(segment, context)


def _spacing(segment: str, context: int) -> str:
    """The segment as autocorrect would write it, or the segment itself when unsafe."""
    if not _needs_autocorrect(segment) or _PURE_URL.fullmatch(segment.strip()):
        return segment
    urls = [(start, end) for start, end, kind in _protected(segment) if kind in _URL_KINDS]
    if urls and _PLACEHOLDER_MARK in segment:
        return segment  # a placeholder could not be told from the text
    # URLs go to autocorrect as ASCII placeholders: it would space CJK inside
    # them (an IRI or an autolink), and a placeholder keeps the context (a
    # space before a bare URL after CJK is still added).
    parts, position = [], 0
    for number, (start, end) in enumerate(urls):
        parts.append(segment[position:start])
        parts.append(f"https://x{number}{_PLACEHOLDER_MARK}")
        position = end
    parts.append(segment[position:])
    masked = "".join(parts)
    corrected = _autocorrect(masked)
    if corrected == masked:
        return segment
    # Autocorrect is not idempotent on every input; settle on its fixed point
    # so that fixing twice changes nothing. The prefilter says when the
    # output is surely settled, which spares the second call nearly always.
    for _ in range(3):
        if not _needs_autocorrect(corrected):
            break
        again = _autocorrect(corrected)
        if again == corrected:
            break
        corrected = again
    else:
        return segment  # it keeps changing its own output: leave the line alone
    for number, (start, end) in enumerate(urls):
        placeholder = f"https://x{number}{_PLACEHOLDER_MARK}"
        if corrected.count(placeholder) != 1:
            return segment
        corrected = corrected.replace(placeholder, segment[start:end])
    return corrected if _safe(segment, corrected, context) else segment


# ---------------------------------------------------------------------------
# Driving the checks.

def _first_difference(old: str, new: str) -> int:
    """Length of the common prefix (binary search: slices compare in C)."""
    low, high = 0, min(len(old), len(new))
    while low < high:
        middle = (low + high + 1) // 2
        if old[:middle] == new[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _replace_segments(line: str, segments: list[Segment], replacements: list[str]) -> str:
    parts, position = [], 0
    for (start, end, _), new in zip(segments, replacements):
        parts.append(line[position:start])
        parts.append(new)
        position = end
    parts.append(line[position:])
    return "".join(parts)


def _prepare(text: str, terms: Sequence[Term], skip_lines: Container[int]
             ) -> tuple[_TermIndex, list[str] | None, dict[int, list[Segment]] | None]:
    """The term index, the lines and the layout of the candidate lines (None: none)."""
    if not isinstance(text, str):
        raise TypeError("text 必须是字符串")
    index = _index_for(terms)
    wanted = {number: offset for number, offset in _candidate_lines(text, index).items()
              if number not in skip_lines}
    if not wanted:
        return index, None, None
    close_offset = _front_matter_end(text) if _has_front_matter(text) else None
    _drop_clean_lists(text, wanted, close_offset, index)
    if not wanted:
        return index, None, None
    lines = text.split("\n")
    return index, lines, _layout(text, lines, set(wanted), close_offset)


def find_style_issues(text: str, terms: Sequence[Term], skip_lines: Container[int] = (),
                      spacing: bool = True) -> list[StyleFinding]:
    """Every term, spacing and traditional-character problem in ``text`` (spacing only when ``spacing``)."""
    index, lines, layout = _prepare(text, terms, skip_lines)
    if not layout:
        return []
    traditional = _traditional_re()
    budget = _SpacingBudget()
    findings: list[StyleFinding] = []
    for number in sorted(layout):
        segments = layout[number]
        line = lines[number - 1]
        spaced: list[str] = []
        for start, end, context in segments:
            segment = line[start:end]
            spans = None
            if index.regex is not None and index.regex.search(segment):
                spans = _protected(segment)
                for offset, _, term in _term_hits(segment, spans, index.terms):
                    findings.append(StyleFinding("term", number, start + offset + 1,
                                                 term.wrong, term.right, term.level))
            if traditional.search(segment):
                spans = _protected(segment) if spans is None else spans
                for offset, old, new in _traditional_runs(segment, spans):
                    findings.append(StyleFinding("traditional", number, start + offset + 1,
                                                 old, new, "warning"))
            spaced.append(budget.spacing(segment, context) if spacing else segment)
        corrected = _replace_segments(line, segments, spaced)
        if corrected != line:
            findings.append(StyleFinding("spacing", number, _first_difference(line, corrected) + 1,
                                         line, corrected, "warning"))
    order = {"term": 0, "traditional": 1, "spacing": 2}
    findings.sort(key=lambda finding: (finding.line, finding.column, order[finding.kind]))
    return findings


# Passes of fix_text: a term chain or a character t2s converts twice needs a
# second one, a third is rare; the cap only stops cycling term lists.
_MAX_PASSES = 8


def _fix_once(text: str, terms: Sequence[Term], skip_lines: Container[int], spacing: bool) -> str:
    index, lines, layout = _prepare(text, terms, skip_lines)
    if not layout:
        return text
    budget = _SpacingBudget()
    for number, segments in sorted(layout.items()):
        line = lines[number - 1]
        fixed = []
        for start, end, context in segments:
            segment = _apply_terms(line[start:end], context, index)
            segment = _apply_traditional(segment, context)
            fixed.append(budget.spacing(segment, context) if spacing else segment)
        lines[number - 1] = _replace_segments(line, segments, fixed)
    return "\n".join(lines)


def fix_text(text: str, terms: Sequence[Term], skip_lines: Container[int] = (), spacing: bool = True) -> str:
    """``text`` with every fixable term, spacing (when ``spacing``) and traditional problem fixed."""
    # One pass can expose more work (a replaced term next to a letter, a
    # conversion that converts again), so repeat to a fixed point; fixes never
    # add or remove lines, so skip_lines keep pointing at the same lines.
    for _ in range(_MAX_PASSES):
        fixed = _fix_once(text, terms, skip_lines, spacing)
        if fixed == text:
            break
        text = fixed
    return text
