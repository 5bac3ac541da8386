"""Problems: what is wrong with an editor's files, where, and how to fix it.

Every stage reports trouble with content as ``Problem`` values instead of
raising; the pipeline collects them and the CLI prints them once, sorted, the
way compilers and linters do. Only bugs and I/O failures raise.

The catalogue below is the single list of codes. Codes are stable: tools and
editors' habits depend on them, so a code is never reused for another meaning.
"""

from __future__ import annotations

import difflib
import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    file: PurePosixPath
    line: int | None = None
    column: int | None = None
    field: str | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR
    length: int | None = None  # characters to underline from ``column``, when known exactly

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:  # a typo here is a bug, not a content problem
            raise ValueError(f"unknown problem code {self.code}")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        return (str(self.file), self.line or 0, self.column or 0, self.code)

    def location(self) -> str:
        parts = [str(self.file)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": str(self.file),
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True, slots=True)
class CodeInfo:
    title: str
    explanation: str


# The catalogue. Keep it in code order; docs/problems.md is generated from it
# by `exemplar codes --markdown` so the two never drift.
CATALOGUE: Mapping[str, CodeInfo] = {
    # E1xx: reading files
    "E101": CodeInfo("文件不是 UTF-8 编码", "文件必须以 UTF-8 保存。Windows 记事本等编辑器常存成 GBK；请用编辑器“另存为 UTF-8”，或运行 iconv -f GBK -t UTF-8。"),
    "E102": CodeInfo("缺少 front matter", "页面文件必须以一行 --- 开头，接着是 YAML 字段，再以一行 --- 结束。"),
    "E103": CodeInfo("front matter 没有结束", "开头的 --- 之后找不到结束的 --- 行。"),
    "E104": CodeInfo("YAML 语法错误", "YAML 写法有误，按提示的位置检查缩进、冒号和引号。"),
    "E105": CodeInfo("用了全角冒号", "YAML 的键和值之间必须用半角冒号“:”加空格，不能用全角“：”。"),
    "E106": CodeInfo("用 Tab 缩进", "YAML 只能用空格缩进，不能用 Tab。"),
    "E107": CodeInfo("内容不是字段表", "front matter 或 YAML 文件的最外层必须是“键: 值”的字段表（映射）。"),
    "E108": CodeInfo("重复的键", "同一层里一个键只能写一次；后写的会悄悄覆盖先写的。"),
    "E109": CodeInfo("不支持 YAML 锚点和别名", "为安全起见不接受 &锚点 和 *别名，请把内容直接写出来。"),
    "E110": CodeInfo("不支持 YAML 标签", "不接受 !!str、!tag 之类的 YAML 标签，请直接写值。"),
    "E111": CodeInfo("文件太大", "单个文件超过了大小上限，请拆分或压缩。"),
    "E112": CodeInfo("缺少必需的文件或目录，或文件无法读取",
                     "站点根目录下必须有 mkdocs.yml、content/campaign.yml 等文件；引用的文件必须可读。"),
    "E113": CodeInfo("键必须是简单文字", "YAML 键必须是简单的文字，不能是列表或字段表。"),
    # E2xx: fields
    "E201": CodeInfo("未知的字段", "这个字段名不在内容模型里，多半是拼写错误。字段列表见 README 的“内容模型”。"),
    "E202": CodeInfo("缺少必填字段", "这个字段必须填写。"),
    "E203": CodeInfo("类型不对", "字段的值类型不对，例如应当是列表却写成了文字。"),
    "E204": CodeInfo("不在词表中的值", "这个字段只能取 campaign.yml 中 vocabularies 列出的值。"),
    "E205": CodeInfo("日期无效", "日期必须写成 YYYY-MM-DD，并且是真实存在的日期。"),
    "E206": CodeInfo("取值无效", "这个字段只能取列出的几个值之一。"),
    "E207": CodeInfo("长度不合要求", "文字太长或太短，例如 headline 不超过 30 字，summary 为 60 到 200 字。"),
    "E208": CodeInfo("名称格式不对", "目录名和 id 只能用小写英文字母、数字和连字符（拼音），例如 zhang-san。"),
    "E209": CodeInfo("数字或真假值无效", "整数请写阿拉伯数字；真假值请写 true 或 false。"),
    "E210": CodeInfo("链接无效", "链接必须是 http:// 或 https:// 开头的完整网址。"),
    "E211": CodeInfo("发布条件不满足", "status: published 要求已取得本人同意、已审核、有发布日期和带替代文字的肖像。"),
    "E212": CodeInfo("列表不能为空", "这个列表至少要有一项。"),
    "E213": CodeInfo("先后顺序不对", "结束日期不能早于开始日期，去世年份不能早于出生年份。"),
    "E214": CodeInfo("字段冲突", "两个字段不能同时写，或写了一个就必须写另一个。"),
    # E3xx: across files
    "E301": CodeInfo("重复的名称", "目录名、id 在整个站点中必须唯一。"),
    "E302": CodeInfo("引用的对象不存在", "related、exemplars、matters、activities、key_date 引用的对象必须存在。"),
    "E303": CodeInfo("目录名与日期不一致", "活动目录名以活动日期开头：YYYY-MM-DD-名称，必须与 date 字段一致。"),
    # E4xx: images
    "E401": CodeInfo("图片路径不允许", "图片必须放在本条目自己的目录里，用相对路径引用；不能用 ..、绝对路径或网址。"),
    "E402": CodeInfo("图片文件不存在", "找不到引用的图片文件，注意大小写和扩展名。"),
    "E403": CodeInfo("图片是符号链接", "为安全起见，图片不能是符号链接，请放入真实文件。"),
    "E404": CodeInfo("不支持的图片", "图片必须是 JPEG、PNG 或 WebP 格式。"),
    "E405": CodeInfo("图片像素过大", "图片像素数超过上限（可能是解压炸弹），请缩小后再提交。"),
    "E406": CodeInfo("图片已损坏", "图片文件不完整或已损坏，无法解码。请重新导出。"),
    # E5xx: story text (the Markdown body)
    "E501": CodeInfo("正文里有不允许的 HTML", "正文只能用 Markdown 和少数不带属性的简单标签（br、sup、sub、strong、em、del 等）；脚本、样式、嵌入页面、事件属性等发布时会被删除，插图、链接、表格请用 Markdown 写。"),
    "E502": CodeInfo("链接地址不允许", "链接和图片只能用有效的 https://、http://、mailto: 网址或站内相对路径；javascript:、data: 等地址和无效的网址发布时会被删除。"),
    "E503": CodeInfo("页面不能插入图片", "content/pages/ 下的页面没有自己的目录存放图片；图片请放在人物或活动条目里。正文里的图片与 front matter 的图片一样检查（E401–E406）。"),
    "E504": CodeInfo("正文过于复杂", "正文嵌套太深、段落太长或符号太多，无法排版；请分段、减少嵌套。"),
    # E6xx: personal data
    "E601": CodeInfo("出现居民身份证号", "公开内容（front matter、正文、图片说明、HTML 注释、文件名）里不能出现身份证号。检查时按 GB 11643 校验码识别，全角数字、空格和零宽字符也能识别；消息里的号码已打码。"),
    "E602": CodeInfo("出现手机号码", "不能公开个人手机号。单位的公开热线可以列入 campaign.yml 的 rules.public_numbers；后面跟着“人次”“元”等单位的数字视为统计数，不算号码。"),
    "E603": CodeInfo("出现银行卡号", "“卡号”“账号”“银行卡”“开户”旁边出现了通过 Luhn 校验的 16–19 位数字。"),
    "E604": CodeInfo("未满 14 周岁需要监护人同意", "按出生年份可能未满 14 周岁的人物，发布前必须取得监护人同意（consent.guardian: true）。"),
    # E7xx: sign-off (三审)
    "E701": CodeInfo("审核环节不全", "campaign.yml 的 rules.review_stages 为 3 时，发布前必须完成初审、复审、终审（review.first、review.second、review.final）。"),
    "E702": CodeInfo("签发后内容已修改", "终审签发后正文、字段或照片又改过了。用 exemplar diff 查看改动，确认后用 exemplar sign 重新签发。"),
    "E703": CodeInfo("终审没有内容指纹", "三审制下终审必须用 exemplar sign 签发，它会记下所签内容的指纹（hash）。"),
    # E8xx: house style (规范表述)
    "E801": CodeInfo("不规范的表述（必须改正）", "campaign.yml 的 rules.terms 中 level 为 error 的表述；exemplar fix 可以自动改正。"),
    # W: advice that does not block publishing
    "W201": CodeInfo("日期在未来", "发布日期晚于今天，请确认。"),
    "W401": CodeInfo("图片太小", "图片太小，在高分辨率屏幕上会模糊。"),
    "W402": CodeInfo("原图带有 GPS 位置", "照片原件里记录了拍摄地点。网站发布时会自动删除全部元数据，但原图从其他渠道流出时仍会泄露位置；建议删除位置信息后再提交。"),
    "W501": CodeInfo("HTML 注释不会发布", "正文里 HTML 注释中的内容只留在源文件中，不会出现在网站上；给编辑的备注可以保留。"),
    "W603": CodeInfo("疑似银行卡号", "出现了通过 Luhn 校验的 16–19 位数字，可能是银行卡号；不是的话可以忽略。"),
    "W801": CodeInfo("不规范的表述", "campaign.yml 的 rules.terms 中 level 为 warning 的表述；exemplar fix 可以自动改正。"),
    "W802": CodeInfo("中英文间距或标点", "中文与英文、数字之间加空格，中文里用全角标点（autocorrect 规则）；exemplar fix 可以自动改正。"),
    "W803": CodeInfo("繁体字", "简体文本里混入了繁体字（OpenCC 判断）；exemplar fix 可以自动改为简体。"),
}


def closest(value: str, choices: Iterable[str], cutoff: float = 0.5) -> str | None:
    """The choice most like ``value``, as pypa/build's typo hints do."""
    matches = difflib.get_close_matches(value, list(choices), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def did_you_mean(value: str, choices: Iterable[str]) -> str | None:
    match = closest(value, choices)
    return f"是否想写“{match}”？" if match else None


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    # dict.fromkeys drops repeats but keeps the order problems were found in,
    # which the stable sort preserves for problems at the same position.
    return sorted(dict.fromkeys(problems), key=Problem.sort_key)


# ----------------------------------------------------------------- formatting

def code_frame(lines: Sequence[str], line: int, column: int | None, length: int | None = None) -> str:
    """A two-line excerpt pointing at ``line:column``, as Astro and rustc print."""
    if not 1 <= line <= len(lines):
        return ""
    gutter = len(str(line))
    text = lines[line - 1].rstrip("\n").replace("\t", " ")
    out = [f"  {line:>{gutter}} | {text}"]
    if column is not None and column >= 1:
        # Chinese characters take two terminal cells; keep the caret under them.
        prefix = text[: column - 1]
        pad = sum(2 if _is_wide(ch) else 1 for ch in prefix)
        marked = text[column - 1:column - 1 + length] if length else _token_at(text, column - 1)
        carets = sum(2 if _is_wide(ch) else 1 for ch in marked) or 1
        out.append(f"  {'':>{gutter}} | {' ' * pad}{'^' * carets}")
    return "\n".join(out)


_TOKEN_END = set(" \t,，]}#")


def _token_at(text: str, start: int) -> str:
    """The value starting at ``start``, for underlining (display only)."""
    if start >= len(text):
        return ""
    quote = text[start] if text[start] in "\"'" else None
    if quote:
        end = text.find(quote, start + 1)
        return text[start: end + 1] if end > start else text[start:]
    end = start + 1
    while end < len(text) and text[end] not in _TOKEN_END:
        if text[end] == ":" and (end + 1 == len(text) or text[end + 1] == " "):
            break  # "key: value": the key ends at its colon
        end += 1
    return text[start:end]


def _is_wide(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in ("W", "F")


def format_text(problems: Sequence[Problem], sources: Mapping[PurePosixPath, Sequence[str]] | None = None) -> str:
    sources = sources or {}
    blocks = []
    for p in problems:
        head = f"{p.location()}: {p.severity.value} {p.code} {p.message}"
        block = [head]
        if p.line is not None and p.file in sources:
            frame = code_frame(sources[p.file], p.line, p.column, p.length)
            if frame:
                block.append(frame)
        if p.hint:
            block.append(f"  提示：{p.hint}")
        blocks.append("\n".join(block))
    return "\n".join(blocks)


def format_summary(problems: Sequence[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "检查通过：没有发现问题。"
    return f"共 {errors} 个错误，{warnings} 个警告。"


def format_json(problems: Sequence[Problem]) -> str:
    return json.dumps(
        {"problems": [p.as_dict() for p in problems],
         "errors": sum(p.is_error for p in problems),
         "warnings": sum(not p.is_error for p in problems)},
        ensure_ascii=False, indent=2,
    )


def format_github(problems: Sequence[Problem], prefix: str = "") -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation on its line.

    ``prefix`` is the site root relative to the repository root, because
    annotations name files from the repository root.
    """

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    lines = []
    for p in problems:
        fields = [f"file={prop(f'{prefix}{p.file}')}"]
        if p.line is not None:
            fields.append(f"line={p.line}")
            if p.column is not None:
                fields.append(f"col={p.column}")
        fields.append(f"title={prop(f'{p.code} {CATALOGUE[p.code].title}')}")
        message = p.message + (f"\n提示：{p.hint}" if p.hint else "")
        lines.append(f"::{p.severity.value} {','.join(fields)}::{data(message)}")
    return "\n".join(lines)


def catalogue_markdown() -> str:
    rows = ["| 代码 | 问题 | 说明 |", "| --- | --- | --- |"]
    rows += [f"| {code} | {info.title} | {info.explanation} |" for code, info in CATALOGUE.items()]
    return "\n".join(rows) + "\n"
