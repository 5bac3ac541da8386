"""Discover and read an editor's files.

Input: a site root. Output: a ``Loaded`` value holding the campaign and
matters files as located YAML trees (``yamlsafe``), the list of Markdown
documents found (read one at a time by ``read_document``, so that documents
can be read and checked on both cores), the source lines used to print code
frames, and every problem met while reading.

Guarantees: files are only read, never written; a file that cannot be decoded
or parsed becomes a problem at its line, never an exception; stray files in
content folders (notes, spreadsheets, ``.DS_Store``) are not part of the result.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .images import EXTENSIONS as IMAGE_EXTENSIONS
from .problems import Problem
from .yamlsafe import YMap, YNode, parse_yaml

MAX_FILE_BYTES = 1024 * 1024  # a profile is a few KB; anything near this is a mistake

CAMPAIGN_FILE = PurePosixPath("content/campaign.yml")
MATTERS_FILE = PurePosixPath("content/matters.yml")
STORIES_DIR = PurePosixPath("stories")
ACTIVITIES_DIR = PurePosixPath("content/activities")
PAGES_DIR = PurePosixPath("content/pages")
BUNDLE_INDEX = "index.md"


@dataclass(frozen=True)
class Document:
    """A Markdown file with front matter."""

    source: PurePosixPath  # relative to the site root
    name: str  # the bundle folder name, or the page file stem
    meta: YMap | None  # None when the front matter could not be read
    body: str
    body_line: int  # the file line on which ``body`` starts
    text: str = ""  # the whole decoded file ("" when it could not be read)


@dataclass(frozen=True)
class DocumentRef:
    """A Markdown document found on disk, not yet read."""

    kind: str  # "story" | "activity" | "page"
    source: PurePosixPath  # relative to the site root
    name: str  # the bundle folder name, or the page file stem


@dataclass(frozen=True)
class DataFile:
    source: PurePosixPath
    root: YNode | None


@dataclass
class Loaded:
    root: Path
    campaign: DataFile | None = None
    matters: DataFile | None = None
    documents: list[DocumentRef] = field(default_factory=list)
    sources: dict[PurePosixPath, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def load_site(root: Path) -> Loaded:
    loaded = Loaded(root=root)
    if not (root / "mkdocs.yml").is_file():
        loaded.problems.append(Problem("E112", "站点根目录下没有 mkdocs.yml", PurePosixPath("mkdocs.yml"),
                                       hint=f"确认 {root} 是站点根目录，或运行 exemplar init 新建站点"))
    loaded.campaign = load_campaign(loaded)
    loaded.matters = _load_data_file(loaded, MATTERS_FILE, required=False)
    loaded.documents = ([DocumentRef("story", p, p.parent.name) for p in _bundles(loaded, STORIES_DIR)]
                        + [DocumentRef("activity", p, p.parent.name) for p in _bundles(loaded, ACTIVITIES_DIR)]
                        + [DocumentRef("page", p, p.stem) for p in _pages(loaded)])
    return loaded


def bundle_images(root: Path) -> list[Path]:
    """Every image file in a story or activity bundle, referenced or not."""
    found = []
    for folder in (STORIES_DIR, ACTIVITIES_DIR):
        directory = root / folder
        if directory.is_dir():
            found += [p for p in directory.glob("*/*") if p.suffix.lower() in IMAGE_EXTENSIONS
                      and p.is_file() and not p.is_symlink()]  # never open a FIFO or a link
    return sorted(found)


def load_campaign(loaded: Loaded) -> DataFile | None:
    return _load_data_file(loaded, CAMPAIGN_FILE, required=True)


def _outside(loaded: Loaded, folder: PurePosixPath) -> bool:
    """Whether a content folder leads out of the site root through a symbolic link (then it is not read)."""
    directory = loaded.root / folder
    if directory.resolve().is_relative_to(loaded.root.resolve()):
        return False
    loaded.problems.append(Problem("E403", f"{folder} 通过符号链接指向站点目录之外，不会被读取", folder,
                                   hint="把内容放进站点目录里的真实目录"))
    return True


def _bundles(loaded: Loaded, folder: PurePosixPath) -> list[PurePosixPath]:
    directory = loaded.root / folder
    if not directory.is_dir() or _outside(loaded, folder):
        return []
    found = []
    for entry in sorted(directory.iterdir()):
        if entry.name.startswith((".", "_")) or not entry.is_dir():
            continue  # hidden folders and stray files are never content
        index = entry / BUNDLE_INDEX
        relative = folder / entry.name / BUNDLE_INDEX
        if entry.is_symlink() or index.is_symlink():
            loaded.problems.append(Problem("E403", f"{folder / entry.name} 是符号链接，不会被读取", relative, 1, 1,
                                           hint="把内容放进真实的目录和文件"))
        elif index.is_file():
            found.append(relative)
        else:
            loaded.problems.append(Problem("E112", f"目录 {folder / entry.name} 里没有 index.md", relative,
                                           hint="每个条目目录都需要一个 index.md；不用的目录请删除"))
    return found


def _pages(loaded: Loaded) -> list[PurePosixPath]:
    directory = loaded.root / PAGES_DIR
    if not directory.is_dir() or _outside(loaded, PAGES_DIR):
        return []
    return [PAGES_DIR / p.name for p in sorted(directory.glob("*.md")) if not p.name.startswith(".")]


def read_text(loaded: Loaded, source: PurePosixPath, keep_lines: bool = True) -> str | None:
    """Read and decode one file, recording a problem instead of raising.

    ``keep_lines``: keep its lines in ``loaded.sources`` for code frames
    (documents skip this; ``pipeline.check`` reads the lines of the few files
    that have problems afterwards).
    """
    path = loaded.root / source
    try:
        if path.is_symlink():  # it could lead anywhere (a CI machine's files would show in code frames)
            loaded.problems.append(Problem("E403", f"{source} 是符号链接，不会被读取", source, 1, 1,
                                           hint="把内容放进真实的文件"))
            return None
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            loaded.problems.append(Problem("E111", f"文件有 {size // 1024} KB，超过上限 {MAX_FILE_BYTES // 1024} KB",
                                           source, 1, 1, hint="文字内容不需要这么大，检查是否误粘贴了图片或表格数据"))
            return None
        data = path.read_bytes()
    except OSError as exc:
        loaded.problems.append(Problem("E112", f"无法读取文件：{exc.strerror or exc}", source))
        return None
    text, problem = decode(data, source)
    if problem:
        loaded.problems.append(problem)
        return None
    if keep_lines:
        loaded.sources[source] = text.split("\n")
    return text


def decode(data: bytes, source: PurePosixPath) -> tuple[str, Problem | None]:
    """UTF-8 (with or without BOM, any newline style) to text with ``\\n`` newlines."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "", Problem("E101", "文件是 UTF-16 编码", source, 1, 1, hint="在编辑器中另存为“UTF-8”编码")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8", errors="replace")) + 1
        if _looks_like_gbk(data):
            message = "文件不是 UTF-8 编码，看起来是 GBK（Windows 中文编码）"
        else:
            message = "文件不是 UTF-8 编码"
        hint = f"在编辑器中“另存为”选择 UTF-8，或运行：iconv -f GBK -t UTF-8 '{source}' > 新文件"
        return "", Problem("E101", message, source, line, column, hint=hint)
    control = _CONTROL.search(text)
    if control:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        control = _CONTROL.search(text)
        line_start = text.rfind("\n", 0, control.start()) + 1
        line, column = text.count("\n", 0, control.start()) + 1, control.start() - line_start + 1
        if control.group() == "\x00":
            return "", Problem("E101", "文件含有 NUL 字符，不是文本文件", source, line, column)
        return "", Problem("E101", f"文件含有不可见的控制字符 U+{ord(control.group()):04X}", source, line, column,
                           hint="删除这个字符（从网页、Word 或终端复制时常被带进来）")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


# C0 and C1 control characters other than tab and newlines: no editor types them, and
# in a page they are HTML parse errors (XML cannot hold them at all).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _looks_like_gbk(data: bytes) -> bool:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _load_data_file(loaded: Loaded, source: PurePosixPath, required: bool) -> DataFile | None:
    if not (loaded.root / source).is_file():
        if required:
            loaded.problems.append(Problem("E112", f"缺少 {source}", source,
                                           hint="运行 exemplar init 生成一个示例，或从 README 复制"))
        return None
    text = read_text(loaded, source)
    if text is None:
        return DataFile(source, None)
    root, problems = parse_yaml(text, source)
    loaded.problems.extend(problems)
    return DataFile(source, root)


def split_front_matter(text: str, source: PurePosixPath) -> tuple[str, str, int] | Problem:
    """Return (front matter, body, body's first line) or the problem at line 1."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return Problem("E102", "文件开头缺少 front matter", source, 1, 1,
                       hint="在第一行写 ---，接着写 name: 等字段，再写一行 --- 结束")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    return Problem("E103", "front matter 从第 1 行开始，但没有结束的 --- 行", source, 1, 1,
                   hint="在字段之后、正文之前加一行 ---")


def read_document(root: Path, ref: DocumentRef, problems: list[Problem]) -> Document:
    """Read one document; what is wrong with it goes to ``problems``."""
    scratch = Loaded(root=root)
    text = read_text(scratch, ref.source, keep_lines=False)
    problems += scratch.problems
    source, name = ref.source, ref.name
    if text is None:
        return Document(source, name, None, "", 1)
    split = split_front_matter(text, source)
    if isinstance(split, Problem):
        problems.append(split)
        return Document(source, name, None, "", 1, text)
    front, body, body_line = split
    root_node, yaml_problems = parse_yaml(front, source, line_offset=1)
    problems += yaml_problems
    if root_node is not None and not isinstance(root_node, YMap):
        problems.append(Problem("E107", "front matter 必须是“键: 值”形式的字段表", source, 1, 1,
                                hint="每行写一个字段，例如 name: 张三"))
        root_node = None
    elif root_node is None and not yaml_problems:
        problems.append(Problem("E107", "front matter 是空的", source, 1, 1,
                                hint="在两行 --- 之间写字段，例如 name: 张三"))
    return Document(source, name, root_node, body, body_line, text)


def source_lines(root: Path, source: PurePosixPath) -> list[str] | None:
    """A file's lines as ``check`` saw them, for code frames; None when unreadable."""
    scratch = Loaded(root=root)
    read_text(scratch, source)
    return scratch.sources.get(source)
