"""A small declarative schema over located YAML nodes.

Each ``Kind`` turns one node into a typed value, reporting problems at the
node's position and returning ``INVALID`` when it cannot. Scalars are typed
here, by the schema, never by YAML 1.1 rules. ``Record`` checks keys (unknown
ones get a "did you mean" hint) and builds the model dataclass it names when
all of its fields are valid.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .images import EXTENSIONS, ImageProblem, inspect_image
from .problems import Problem, Severity, closest, did_you_mean
from .yamlsafe import Pos, YMap, YNode, YScalar, YSeq


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"

    def __bool__(self) -> bool:
        return False


INVALID: Any = _Invalid()

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Context:
    """Where values come from, and where problems go."""

    file: PurePosixPath
    problems: list[Problem]
    vocabularies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    root: Path | None = None  # the site root, for fields that name files
    bundle: PurePosixPath | None = None  # the entry's folder, relative to root

    def report(self, code: str, message: str, at: YNode | Pos | None, path: str | None,
               hint: str | None = None, severity: Severity = Severity.ERROR) -> None:
        pos = at.pos if isinstance(at, (YScalar, YSeq, YMap)) else at
        self.problems.append(Problem(code, message, self.file, pos.line if pos else None,
                                     pos.column if pos else None, field=path, hint=hint, severity=severity))


TYPE_NAMES = {YScalar: "文字", YSeq: "列表", YMap: "字段表"}


class Kind:
    description = "值"

    def convert(self, node: YNode, ctx: Context, path: str) -> Any:
        raise NotImplementedError

    def _scalar(self, node: YNode, ctx: Context, path: str) -> YScalar | None:
        if isinstance(node, YScalar):
            return node
        ctx.report("E203", f"{path} 应当是{self.description}，这里写成了{TYPE_NAMES[type(node)]}", node, path,
                   hint=_shape_hint(node, self.description))
        return None


def _shape_hint(node: YNode, wanted: str) -> str:
    if isinstance(node, YSeq) and wanted != "列表":
        return "去掉“- ”，直接写一个值"
    if isinstance(node, YMap):
        return "检查缩进：下一行是否缩进过多，或值里的冒号需要用引号括起来"
    return "改成列表，每项一行，以“- ”开头"


@dataclass
class Text(Kind):
    min_len: int | None = None
    max_len: int | None = None
    description: str = "文字"

    def convert(self, node: YNode, ctx: Context, path: str) -> Any:
        scalar = self._scalar(node, ctx, path)
        if scalar is None:
            return INVALID
        text = scalar.text.strip()
        if scalar.is_null or not text:
            ctx.report("E202", f"{path} 不能为空", node, path, hint="填写内容，或删除这一行")
            return INVALID
        length = len(text)
        if self.max_len is not None and length > self.max_len:
            ctx.report("E207", f"{path} 有 {length} 个字，超过上限 {self.max_len} 字", node, path,
                       hint=f"删减 {length - self.max_len} 个字")
            return INVALID
        if self.min_len is not None and length < self.min_len:
            ctx.report("E207", f"{path} 只有 {length} 个字，至少需要 {self.min_len} 字", node, path,
                       hint=f"再补充 {self.min_len - length} 个字左右")
            return INVALID
        return text


@dataclass
class Date(Kind):
    description: str = "日期（YYYY-MM-DD）"

    def convert(self, node: YNode, ctx: Context, path: str) -> Any:
        scalar = self._scalar(node, ctx, path)
        if scalar is None:
            return INVALID
        return parse_date(scalar, ctx, path)


def parse_date(scalar: YScalar, ctx: Context, path: str) -> Any:
    text = scalar.text.strip()
    if not _DATE.match(text):
        hint = "写成 2021-05-30 这样的格式"
        digits = re.findall(r"\d+", text)
        if len(digits) == 3 and len(digits[0]) == 4:
            hint = f"写成 {digits[0]}-{int(digits[1]):02d}-{int(digits[2]):02d}"
        ctx.report("E205", f"{path} 的“{text}”不是 YYYY-MM-DD 格式的日期", scalar, path, hint=hint)
        return INVALID
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        ctx.report("E205", f"{path} 的日期 {text} 不存在", scalar, path, hint="检查月份和日子，例如 2 月没有 30 日")
        return INVALID


@dataclass
class Int(Kind):
    minimum: int | None = None
    maximum: int | None = None
    description: str = "整数"

    def convert(self, node: YNode, ctx: Context, path: str) -> Any:
        scalar = self._scalar(node, ctx, path)
        if scalar is None:
            return INVALID
        text = scalar.text.strip().replace(",", "").replace("，", "")
        if not re.fullmatch(r"-?\d{1,12}", text):
            ctx.report("E209", f"{path} 应当是整数，这里是“{scalar.text}”", scalar, path,
                       hint="只写阿拉伯数字，例如 120；不要写“约”“人”等文字")
            return INVALID
        value = int(text, 10)  # "010" is ten, not YAML 1.1's octal eight
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            bounds = f"{self.minimum if self.minimum is not None else ''} 到 {self.maximum if self.maximum is not None else ''}"
            ctx.report("E209", f"{path} 的 {value} 超出范围（{bounds.strip()}）", scalar, path)
            return INVALID
        return value


@dataclass
class Year(Int):
    minimum: int | None = 1000
    maximum: int | None = field(default_factory=lambda: dt.date.today().year)
    description: str = "年份"


@dataclass
class Bool(Kind):
    description: str = "true 或 false"

    def convert(self, node: YNode, ctx: Context, path: str) -> Any:
        scalar = self._scalar(node, ctx, path)
        if scalar is None:
            return INVALID
        text = scalar.text.strip()
        if scalar.plain and text in ("true", "True", "TRUE"):
            return True
        if scalar.plain and text in ("false", "False", "FALSE"):
            return False
        ctx.report("E209", f"{path} 只能写 true 或 false，这里是“{text}”", scalar, path,
                   hint="是写 true，否写 false（不要写 yes、no、是、否）")
        return INVALID


@dataclass
class Choice(Kind):
    choices: tuple[str, ...] = ()
    description: str = "选项"

    def convert(self, node: YNode, ctx: Context, path: str) -> Any:
        scalar = self._scalar(node, ctx, path)
        if scalar is None:
            return INVALID
        text = scalar.text.strip()
        if text in self.choices:
            return text
        allowed = "、".join(self.choices)
        ctx.report("E206", f"{path} 的“{text}”无效，只能是 {allowed}", scalar, path,
                   hint=did_you_mean(text, self.choices) or f"可选：{allowed}")
        return INVALID


@dataclass
class Vocab(Kind):
    """A value from one of the campaign's controlled vocabularies."""

    vocabulary: str = ""
    description: str = "词表中的值"

    def convert(self, node: YNode, ctx: Context, path: str) -> Any:
        scalar = self._scalar(node, ctx, path)
        if scalar is None:
            return INVALID
        text = scalar.text.strip()
        allowed = ctx.vocabularies.get(self.vocabulary)
        if allowed is None:  # the campaign file is broken; its own problems say so
            return text
        if text in allowed:
            return text
        suggestion = did_you_mean(text, allowed) or _containing(text, allowed)
        listing = "、".join(allowed)
        ctx.report("E204", f"{path} 的“{text}”不在词表 vocabularies.{self.vocabulary} 中", scalar, path,
                   hint=(suggestion + " " if suggestion else "") + f"可用的值：{listing}；"
                        f"需要新值请先加到 content/campaign.yml")
        return INVALID


def _containing(text: str, allowed: tuple[str, ...]) -> str | None:
    # "莲池" for "莲池区": difflib's ratio is low for short Chinese words
    for candidate in allowed:
        if text and (text in candidate or candidate in text):
            return f"是否想写“{candidate}”？"
    return None


@dataclass
class Slug(Kind):
    description: str = "名称（小写字母、数字、连字符）"

    def convert(self, node: YNode, ctx: Context, path: str) -> Any:
        scalar = self._scalar(node, ctx, path)
        if scalar is None:
            return INVALID
        text = scalar.text.strip()
        if SLUG.match(text):
            return text
        ctx.report("E208", f"{path} 的“{text}”不是有效的名称", scalar, path, hint=slug_hint(text))
        return INVALID


def slug_hint(text: str) -> str:
    suggestion = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if suggestion and SLUG.match(suggestion):
        return f"只用小写字母、数字和连字符，例如“{suggestion}”"
    return "只用小写字母、数字和连字符（拼音），例如“zhang-san”"


@dataclass
class Url(Kind):
    description: str = "网址"

    def convert(self, node: YNode, ctx: Context, path: str) -> Any:
        scalar = self._scalar(node, ctx, path)
        if scalar is None:
            return INVALID
        text = scalar.text.strip()
        if re.fullmatch(r"https?://[^\s/$.?#][^\s<>\"']*", text, flags=re.IGNORECASE):
            return text
        hint = "写完整的网址，以 https:// 开头"
        if text.lower().startswith(("javascript:", "data:", "vbscript:")):
            hint = "出于安全考虑，只接受 http:// 或 https:// 链接"
        ctx.report("E210", f"{path} 的“{text}”不是有效网址", scalar, path, hint=hint)
        return INVALID


@dataclass
class ListOf(Kind):
    item: Kind = field(default_factory=Text)
    min_items: int = 0
    unique: bool = False
    description: str = "列表"

    def convert(self, node: YNode, ctx: Context, path: str) -> Any:
        if isinstance(node, YScalar) and node.is_null:
            items: tuple[YNode, ...] = ()
        elif isinstance(node, YSeq):
            items = node.items
        elif isinstance(node, YScalar) and isinstance(self.item, (Text, Vocab, Slug)):
            ctx.report("E203", f"{path} 应当是列表", node, path,
                       hint=f"写成列表：\n    {path.rsplit('.', 1)[-1]}:\n      - {node.text.strip()}")
            return INVALID
        else:
            ctx.report("E203", f"{path} 应当是列表，这里写成了{TYPE_NAMES[type(node)]}", node, path,
                       hint="每项一行，以“- ”开头")
            return INVALID
        if len(items) < self.min_items:
            ctx.report("E212", f"{path} 至少要有 {self.min_items} 项", node, path)
            return INVALID
        values = []
        seen: dict[Any, int] = {}
        ok = True
        for index, child in enumerate(items):
            value = self.item.convert(child, ctx, f"{path}[{index}]")
            if value is INVALID:
                ok = False
                continue
            if self.unique and value in seen:
                ctx.report("E301", f"{path} 中“{value}”重复出现", child, f"{path}[{index}]",
                           hint=f"与第 {seen[value] + 1} 项相同，删除其中一项")
                ok = False
                continue
            seen[value] = index
            values.append(value)
        return tuple(values) if ok else INVALID


@dataclass(frozen=True)
class F:
    """A field of a record."""

    kind: Kind
    required: bool = False
    default: Any = None
    default_factory: Callable[[], Any] | None = None


@dataclass
class Record(Kind):
    fields: dict[str, F] = field(default_factory=dict)
    build: Callable[..., Any] | None = None  # the model class; None returns a dict
    description: str = "字段表"

    def convert(self, node: YNode, ctx: Context, path: str) -> Any:
        if not isinstance(node, YMap):
            ctx.report("E203", f"{path} 应当是字段表（键: 值），这里写成了{TYPE_NAMES[type(node)]}", node, path,
                       hint="在下一行缩进两格写字段，例如 file: a.jpg")
            return INVALID
        values, ok = self.convert_fields(node, ctx, path)
        if not ok:
            return INVALID
        return self.build(**values) if self.build else values

    def convert_fields(self, node: YMap, ctx: Context, path: str) -> tuple[dict[str, Any], bool]:
        values: dict[str, Any] = {}
        handled: set[str] = set()  # fields given a value or already reported
        # A misspelt key ("sumary") is one mistake: report it as unknown, not
        # also as the required field it was meant to be.
        handled |= {fix for key in node.keys() if key not in self.fields
                    for fix in [closest(key, self.fields)] if fix}
        ok = True
        for key, child in node.items:
            name = key.text
            child_path = f"{path}.{name}" if path else name
            spec = self.fields.get(name)
            if spec is None:
                ctx.report("E201", f"未知的字段“{child_path}”", key, child_path,
                           hint=did_you_mean(name, self.fields) or f"可用的字段：{', '.join(self.fields)}")
                ok = False
                continue
            if isinstance(child, YScalar) and child.is_null and not isinstance(spec.kind, ListOf):
                if spec.required:
                    ctx.report("E202", f"必填字段“{child_path}”没有填写", key, child_path, hint="在冒号后填写内容")
                    handled.add(name)
                    ok = False
                continue  # an empty optional field is the same as leaving it out
            handled.add(name)
            value = spec.kind.convert(child, ctx, child_path)
            if value is INVALID:
                ok = False
            else:
                values[name] = value
        for name, spec in self.fields.items():
            if name in handled:
                continue
            if spec.required:
                child_path = f"{path}.{name}" if path else name
                ctx.report("E202", f"缺少必填字段“{child_path}”", node, child_path,
                           hint=f"添加一行：{name}: …")
                ok = False
            elif spec.default_factory is not None:
                values[name] = spec.default_factory()
            elif spec.default is not None:
                values[name] = spec.default
        return values, ok


def node_at(root: YNode | None, *keys: str | int) -> YNode | None:
    """The node under ``root`` at a path of keys and list indexes, for positions."""
    node = root
    for key in keys:
        if isinstance(key, int) and isinstance(node, YSeq) and key < len(node.items):
            node = node.items[key]
        elif isinstance(key, str) and isinstance(node, YMap):
            node = node.get(key)
        else:
            return None
    return node


# ------------------------------------------------------------------ file paths
# Shared by the BundleFile field kind (validate.py) and images in Markdown bodies (markup.py).

def check_bundle_file(text: str, bundle: PurePosixPath, ctx: Context, at: Any, path: str,
                      extensions: tuple[str, ...] = EXTENSIONS, image: bool = True) -> Any:
    """Resolve ``text`` inside ``bundle`` or report why it cannot be used."""
    lowered = text.lower()
    if re.match(r"^[a-z][a-z0-9+.-]*:", lowered) or text.startswith("//"):
        ctx.report("E401", f"{path} 不能引用网址“{text}”", at, path,
                   hint="把图片下载后放进本条目的目录，再写文件名，例如 photo.jpg")
        return INVALID
    parts = PurePosixPath(text.replace("\\", "/")).parts
    if text.startswith(("/", "\\")) or ".." in parts or not parts:
        ctx.report("E401", f"{path} 的路径“{text}”指向本条目目录之外", at, path,
                   hint=f"把文件放进 {bundle}/ 并只写文件名")
        return INVALID
    relative = bundle.joinpath(*parts)
    full = ctx.root / relative
    # Every step is looked at without following links: a linked folder or file could lead anywhere.
    status = None
    for depth in range(1, len(parts) + 1):
        try:
            status = os.lstat(os.path.join(ctx.root, bundle, *parts[:depth]))
        except OSError:
            status = None
            break
        if stat.S_ISLNK(status.st_mode):
            ctx.report("E403", f"{path} 的“{text}”是符号链接", at, path, hint="用真实文件替换链接")
            return INVALID
    if status is None or not stat.S_ISREG(status.st_mode):
        siblings = sorted(p.name for p in full.parent.iterdir()
                          if p.name.lower().endswith(extensions)) if full.parent.is_dir() else []
        ctx.report("E402", f"{path} 引用的文件“{text}”不存在", at, path,
                   hint=did_you_mean(text, siblings) or f"把文件放进 {bundle}/，注意大小写")
        return INVALID
    if not lowered.endswith(extensions):
        ctx.report("E404", f"{path} 的“{text}”不是支持的文件类型", at, path,
                   hint=f"支持：{'、'.join(extensions)}")
        return INVALID
    if image:
        try:
            info = inspect_image(full, status)
        except ImageProblem as problem:
            ctx.report(problem.code, f"{path}：{problem.message}", at, path, hint="用图片软件重新导出为 JPEG 或 PNG")
            return INVALID
        except OSError as error:  # no permission to read it, or removed since it was looked at
            ctx.report("E112", f"{path} 的“{text}”无法读取：{error.strerror or error}", at, path,
                       hint="确认文件还在、当前用户有权读取（例如 chmod a+r）")
            return INVALID
        if info.has_gps:
            ctx.report("W402", f"{path} 的原图带有 GPS 拍摄位置", at, path,
                       hint="网站上的图片会去掉全部元数据；原图若从别处流出仍会泄露位置，建议删除位置信息后再提交",
                       severity=Severity.WARNING)
        if min(info.width, info.height) < 200:
            ctx.report("W401", f"{path} 只有 {info.width}×{info.height} 像素", at, path,
                       hint="至少 600 像素宽的图片在手机上才清晰", severity=Severity.WARNING)
    return relative
