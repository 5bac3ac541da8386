"""Strict YAML with positions.

``parse_yaml(text)`` turns YAML text into a tree of located nodes (``YMap``,
``YSeq``, ``YScalar``) or a list of problems. It never builds Python values:
every scalar stays the text the editor wrote, and the schema in
``validate.py`` decides what type it is. That is how ``no`` stays the word
"no", ``010`` stays ten and a phone number stays a string, whatever YAML 1.1
thinks.

It works on PyYAML's event stream rather than ``yaml.compose`` so that an
anchor, alias or tag is rejected at the first event, before anything is
expanded: an alias bomb costs a few bytes of memory, not gigabytes. Nesting is
handled with an explicit stack, so deep documents cannot exhaust recursion.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from pathlib import PurePosixPath

import yaml

from .problems import Problem

try:  # libyaml is several times faster; fall back to pure Python where it is missing
    _Loader = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_DEPTH = 64

_NULLS = {"", "~", "null", "Null", "NULL"}


# Located nodes are NamedTuples rather than frozen dataclasses: a large campaign
# creates hundreds of thousands of them, and a frozen dataclass is several times
# slower to construct.

class Pos(NamedTuple):
    line: int  # 1-based, in the file as the editor sees it
    column: int  # 1-based


class YScalar(NamedTuple):
    text: str
    pos: Pos
    plain: bool  # written without quotes or block markers

    @property
    def is_null(self) -> bool:
        return self.plain and self.text in _NULLS


class YSeq(NamedTuple):
    items: tuple["YNode", ...]
    pos: Pos


class YMap(NamedTuple):
    items: tuple[tuple[YScalar, "YNode"], ...]
    pos: Pos

    def get(self, key: str) -> "YNode | None":
        for k, v in self.items:
            if k.text == key:
                return v
        return None

    def keys(self) -> list[str]:
        return [k.text for k, _ in self.items]


YNode = YScalar | YSeq | YMap


class _Open:
    """A mapping or sequence whose end event has not come yet."""

    __slots__ = ("is_map", "pos", "items", "pending_key", "seen")

    def __init__(self, is_map: bool, pos: Pos) -> None:
        self.is_map = is_map
        self.pos = pos
        self.items: list = []
        self.pending_key: YScalar | None = None
        self.seen: dict[str, YScalar] = {}

    def accept_key(self, node: YNode, file: PurePosixPath) -> Problem | None:
        if not isinstance(node, YScalar):
            return Problem("E113", "键必须是简单文字，不能是列表或字段表", file, node.pos.line, node.pos.column)
        earlier = self.seen.get(node.text)
        if earlier is not None:
            return Problem(
                "E108", f"键“{node.text}”重复：第 {earlier.pos.line} 行已经写过",
                file, node.pos.line, node.pos.column, field=node.text,
                hint=f"删除其中一处，只保留第 {earlier.pos.line} 行或第 {node.pos.line} 行的“{node.text}”",
            )
        self.seen[node.text] = node
        self.pending_key = node
        return None


def _refusal(event: yaml.Event, file: PurePosixPath, line_offset: int) -> Problem:
    """Anchors, aliases and tags: refused where first seen, before anything is expanded."""
    line, column = event.start_mark.line + 1 + line_offset, event.start_mark.column + 1
    if isinstance(event, yaml.AliasEvent):
        return Problem("E109", f"不支持 YAML 别名 *{event.anchor}", file, line, column, hint="把被引用的内容直接写在这里")
    if event.anchor is not None:
        return Problem("E109", f"不支持 YAML 锚点 &{event.anchor}", file, line, column,
                       hint=f"删除 &{event.anchor}，需要重复的内容请直接写出来")
    # The parser sets a tag only where the editor wrote one ("!!str", "!x").
    written = event.tag.replace("tag:yaml.org,2002:", "!!")
    return Problem("E110", f"不支持 YAML 标签 {written}", file, line, column, hint="删除标签，直接写值；需要文字时用引号括起来")


# A key written with a full-width colon, e.g. "name： 张三" or "- file：a.jpg".
_FULLWIDTH_KEY = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)\s*：")
_FULLWIDTH_KEY_ANYWHERE = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*\s*：", re.MULTILINE)
_TAB_INDENT = re.compile(r"^( *)\t")


# Characters YAML refuses (control characters, U+FFFE) or reads as line breaks
# (NEL, U+2028, U+2029: every later line number would be off): reported where
# they are, since the reader's own error has no line.
# Written as the characters refused rather than "[^...]" of those allowed: the
# negated class over all of Unicode takes 10 ms to compile at every start.
_UNREADABLE = re.compile("[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u2028\u2029\uD800-\uDFFF\uFFFE\uFFFF]")
# Control characters a double-quoted escape ("\0", "\x1b", "\a") can write into a value.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def parse_yaml(text: str, file: PurePosixPath, line_offset: int = 0) -> tuple[YNode | None, list[Problem]]:
    """Parse one YAML document. ``line_offset`` is how many file lines precede ``text``."""
    unreadable = _UNREADABLE.search(text)
    if unreadable:
        line_start = text.rfind("\n", 0, unreadable.start()) + 1
        return None, [Problem("E104", f"YAML 里有不可见的控制字符 U+{ord(unreadable.group()):04X}", file,
                              text.count("\n", 0, unreadable.start()) + 1 + line_offset,
                              unreadable.start() - line_start + 1,
                              hint="删除这个字符（从网页、Word 或终端复制时常被带进来）")]
    problems = _lexical_problems(text, file, line_offset)
    if problems:
        return None, problems

    stack: list[_Open] = []
    root: YNode | None = None
    documents = 0
    # A tight loop: this runs once per YAML event of every file, and is most of
    # what `check` costs on a large campaign.
    loader = _Loader(text)
    next_event = loader.get_event  # yaml.parse() adds a generator and a check per event
    try:
        while True:
            event = next_event()
            cls = type(event)
            if cls is yaml.StreamEndEvent:
                break
            if cls is yaml.ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    return None, [_refusal(event, file, line_offset)]
                mark = event.start_mark
                if event.style == '"' and _CONTROL.search(event.value):
                    return None, [Problem("E104", "双引号里的转义写出了控制字符（如 \\0、\\x1b）", file,
                                          mark.line + 1 + line_offset, mark.column + 1,
                                          hint="删除这个转义；要换行请用 | 块")]
                # libyaml reports a plain scalar's style as "", pure PyYAML as None
                node: YNode = YScalar(event.value, Pos(mark.line + 1 + line_offset, mark.column + 1), not event.style)
            elif cls is yaml.MappingStartEvent or cls is yaml.SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    return None, [_refusal(event, file, line_offset)]
                mark = event.start_mark
                if len(stack) >= MAX_DEPTH:
                    return None, [Problem("E104", f"嵌套层次太深（超过 {MAX_DEPTH} 层）", file,
                                          mark.line + 1 + line_offset, mark.column + 1)]
                stack.append(_Open(cls is yaml.MappingStartEvent, Pos(mark.line + 1 + line_offset, mark.column + 1)))
                continue
            elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
                done = stack.pop()
                node = YMap(tuple(done.items), done.pos) if done.is_map else YSeq(tuple(done.items), done.pos)
            elif cls is yaml.AliasEvent:
                return None, [_refusal(event, file, line_offset)]
            elif cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    return None, [Problem("E104", "一个文件里只能有一个 YAML 文档", file, mark.line + 1 + line_offset,
                                          mark.column + 1, hint="删除多余的 --- 分隔行")]
                continue
            else:
                continue
            if not stack:
                root = node
                continue
            top = stack[-1]
            if not top.is_map:
                top.items.append(node)
            elif top.pending_key is not None:
                top.items.append((top.pending_key, node))
                top.pending_key = None
            else:
                problem = top.accept_key(node, file)
                if problem:
                    return None, [problem]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, text, file, line_offset)]
    except yaml.YAMLError as exc:  # reader errors (control characters) have no mark of this kind
        return None, [Problem("E104", f"YAML 无法读取：{_describe(str(exc))}", file, 1 + line_offset, 1)]
    finally:
        loader.dispose()
    return root, []


def _lexical_problems(text: str, file: PurePosixPath, line_offset: int) -> list[Problem]:
    """Mistakes YAML would misreport (or silently accept) but editors make daily."""
    if "\t" not in text and not _FULLWIDTH_KEY_ANYWHERE.search(text):
        return []  # the common case, decided by one scan of the text
    problems = []
    in_block = False
    block_indent = 0
    for number, line in enumerate(text.split("\n"), start=1 + line_offset):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if in_block:
            if not stripped or indent > block_indent:
                continue  # text inside a | or > block may contain anything
            in_block = False
        tab = _TAB_INDENT.match(line)
        if tab and stripped.strip():
            problems.append(Problem("E106", "缩进里有 Tab 字符", file, number, len(tab.group(1)) + 1,
                                    hint="把行首的 Tab 换成空格（每层两个空格）"))
            continue
        match = _FULLWIDTH_KEY.match(line)
        if match:
            column = line.index("：", match.end(2)) + 1
            problems.append(Problem("E105", f"“{match.group(2)}”后面用了全角冒号“：”", file, number, column,
                                    field=match.group(2),
                                    hint=f"改成半角冒号加空格：{match.group(2)}: …"))
            continue
        if re.search(r":\s*[|>][+-]?\d*\s*(#.*)?$", line):
            in_block = True
            block_indent = indent
    return problems


_SYNTAX_MESSAGES = [
    ("mapping values are not allowed here", "这里不能出现“:”，冒号后面的值如果含有冒号请用引号括起来"),
    ("could not find expected ':'", "缺少“:”：每个字段应写成“键: 值”"),
    ("found character '\\t' that cannot start any token", "这里有 Tab 字符，YAML 只能用空格"),
    ("found unexpected end of stream", "文件意外结束，可能有没闭合的引号或括号"),
    ("did not find expected key", "缩进不一致，同一层的字段要对齐"),
    ("did not find expected '-' indicator", "列表项缩进不一致，每个“- ”要对齐"),
    ("found undefined alias", "不支持 YAML 别名"),
    ("found unknown escape character", "双引号里有无效的转义字符，换成单引号或去掉反斜杠"),
    ("expected <block end>, but found", "缩进不一致，同一层的字段要对齐"),
    ("while scanning a quoted scalar", "引号没有闭合"),
    ("found unexpected ':'", "冒号位置不对，含冒号的值请用引号括起来"),
    ("while scanning a simple key", "缺少“:”：每个字段应写成“键: 值”"),
]


def _describe(raw: str) -> str:
    for needle, chinese in _SYNTAX_MESSAGES:
        if needle in raw:
            return chinese
    return raw.splitlines()[0] if raw else "无法解析"


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, file: PurePosixPath, line_offset: int) -> Problem:
    raw = f"{exc.context or ''} {exc.problem or ''}".strip()
    message = _describe(raw)
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and "quoted scalar" in (exc.context or ""):
        # The end of the file is a useless place to report a quote left open.
        mark, message = exc.context_mark, "引号没有闭合"
    line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
    column = (mark.column + 1) if mark else 1
    lines = text.split("\n")
    source_line = lines[line - line_offset - 1] if 0 < line - line_offset <= len(lines) else ""
    hint = None
    if "\t" in source_line:
        hint = "把 Tab 换成空格"
    elif "：" in source_line:
        hint = "检查是否把半角冒号“:”写成了全角“：”"
    return Problem("E104", f"YAML 语法错误：{message}", file, line, column, hint=hint)
