"""The ``exemplar`` command line.

``main(argv) -> int`` so tests call it directly. Exit codes: 0 success,
1 problems in the content (or a failed build), 2 usage errors. One handler at
the top turns known failures into one clean message; editors never see a
traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import string
import sys
import time
from importlib import resources
from pathlib import Path

from . import __version__
from .pipeline import campaign_of, check
from .problems import CATALOGUE, catalogue_markdown, format_json, format_summary, format_text
from .schema import SLUG, slug_hint


class UsageError(Exception):
    """Something wrong with how the command was called; exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print and exit itself
        raise UsageError(f"{message}\n{self.format_usage().strip()}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="exemplar", description="exemplar：典型人物宣传网站生成器")
    parser.add_argument("--version", action="version", version=f"exemplar {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    check_cmd = commands.add_parser("check", help="检查内容，列出所有问题")
    check_cmd.add_argument("root", nargs="?", default=".", help="站点根目录（默认当前目录）")
    check_cmd.add_argument("--format", choices=("text", "json"), default="text", help="输出格式")

    init_cmd = commands.add_parser("init", help="新建一个最小的活动站点")
    init_cmd.add_argument("directory", help="新站点的目录")

    new_cmd = commands.add_parser("new", help="新建人物或活动条目")
    new_kinds = new_cmd.add_subparsers(dest="kind", metavar="类型", parser_class=_Parser)
    story = new_kinds.add_parser("story", help="新建人物档案 stories/SLUG/index.md")
    story.add_argument("slug", help="目录名：小写拼音和连字符，例如 zhang-san")
    story.add_argument("--name", required=True, help="姓名")
    story.add_argument("--root", default=".", help="站点根目录（默认当前目录）")
    activity = new_kinds.add_parser("activity", help="新建活动报道 content/activities/日期-SLUG/index.md")
    activity.add_argument("slug", help="目录名中日期之后的部分，例如 kepu-ri")
    activity.add_argument("--date", required=True, help="活动日期 YYYY-MM-DD")
    activity.add_argument("--title", required=True, help="标题")
    activity.add_argument("--root", default=".", help="站点根目录（默认当前目录）")

    build_cmd = commands.add_parser("build", help="检查内容并生成网站")
    build_cmd.add_argument("root", nargs="?", default=".", help="站点根目录（默认当前目录）")
    build_cmd.add_argument("--site-dir", help="输出目录（默认 ROOT/site）")
    build_cmd.add_argument("--drafts", action="store_true", help="预览：包含草稿和待审内容，并醒目标注“未发布”")

    serve_cmd = commands.add_parser("serve", help="本地预览，修改后自动重建并刷新浏览器")
    serve_cmd.add_argument("root", nargs="?", default=".", help="站点根目录（默认当前目录）")
    serve_cmd.add_argument("--drafts", action="store_true", help="包含草稿和待审内容")
    serve_cmd.add_argument("--dev-addr", default="127.0.0.1:8000", help="监听地址（默认 127.0.0.1:8000）")

    codes = commands.add_parser("codes", help="列出所有问题代码及说明")
    codes.add_argument("--markdown", action="store_true", help="输出 Markdown 表格")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # mkdocs-material 9.8 prints an end-of-life notice about MkDocs 2.0 on every build.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        if args.command == "new" and args.kind is None:
            raise UsageError("请指定类型：exemplar new story … 或 exemplar new activity …")
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"exemplar: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("exemplar: 已中断", file=sys.stderr)
        return 130


def _site_root(value: str) -> Path:
    root = Path(value)
    if not root.is_dir():
        raise UsageError(f"目录不存在：{value}")
    return root


def cmd_check(args: argparse.Namespace) -> int:
    result = check(_site_root(args.root))
    if args.format == "json":
        print(format_json(result.problems))
    else:
        if result.problems:
            print(format_text(result.problems, result.sources))
            print(format_summary(result.problems), file=sys.stderr)
    return 0 if result.ok else 1


def cmd_build(args: argparse.Namespace) -> int:
    from .media.fonts import FontNotFound
    from .output import SiteDirError
    from .pipeline import BuildFailed, build
    from .render import RenderFailed

    root = _site_root(args.root)
    site_dir = Path(args.site_dir) if args.site_dir else root / "site"
    _quiet_mkdocs()
    started = time.perf_counter()
    try:
        compiled = build(root, site_dir, drafts=args.drafts)
    except BuildFailed as failed:
        print(failed.report)
        print(format_summary(failed.result.problems), file=sys.stderr)
        print("内容有错误，没有生成网站；原有网站保持不变。", file=sys.stderr)
        return 1
    except (SiteDirError, RenderFailed, FontNotFound) as error:
        print(f"exemplar: {error}", file=sys.stderr)
        print("没有生成网站；原有网站保持不变。", file=sys.stderr)
        return 1
    if compiled.warnings:
        print(compiled.warnings)
    kind = "预览网站（含未发布内容，请勿对外发布）" if args.drafts else "网站"
    print(f"{kind}已生成：{site_dir}（{len(compiled.staged.pages)} 个页面，用时 {time.perf_counter() - started:.1f} 秒）",
          file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .media.fonts import FontNotFound
    from .output import SiteDirError
    from .pipeline import BuildFailed, build
    from .render import RenderFailed
    from .serve import default_site_dir, serve, split_address

    root = _site_root(args.root)
    try:
        host, port = split_address(args.dev_addr)
    except ValueError:
        raise UsageError(f"监听地址“{args.dev_addr}”无效，应写成 127.0.0.1:8000") from None
    site_dir = default_site_dir(root)
    _quiet_mkdocs()

    def rebuild() -> bool:
        started = time.perf_counter()
        try:
            compiled = build(root, site_dir, drafts=args.drafts)
        except BuildFailed as failed:
            print(failed.report, flush=True)
            print(f"{format_summary(failed.result.problems)}改正后会自动重新生成；浏览器里仍是上一次成功生成的网站。",
                  file=sys.stderr, flush=True)
            return False
        except (SiteDirError, RenderFailed, FontNotFound) as error:
            print(f"exemplar: {error}", file=sys.stderr, flush=True)
            return False
        if compiled.warnings:
            print(compiled.warnings, flush=True)
        print(f"已生成 {len(compiled.staged.pages)} 个页面（{time.perf_counter() - started:.1f} 秒）",
              file=sys.stderr, flush=True)
        return True

    serve(root, host, port, rebuild, site_dir)
    return 0


def _quiet_mkdocs(level: int = logging.WARNING) -> None:
    """MkDocs' own messages, shown plainly (no traceback) on standard error."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False


def cmd_codes(args: argparse.Namespace) -> int:
    if args.markdown:
        print(catalogue_markdown(), end="")
    else:
        for code, info in CATALOGUE.items():
            print(f"{code}  {info.title}：{info.explanation}")
    return 0


# ------------------------------------------------------------- scaffolding

def _scaffold() -> resources.abc.Traversable:
    return resources.files("exemplar") / "scaffold"


def cmd_init(args: argparse.Namespace) -> int:
    target = Path(args.directory)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} 已存在且不是目录")
    source = _scaffold() / "site"
    planned = list(_walk(source))
    existing = [_SCAFFOLD_NAMES.get(rel, rel) for rel, _ in planned if (target / _SCAFFOLD_NAMES.get(rel, rel)).exists()]
    for rel, item in planned:
        destination = target / _SCAFFOLD_NAMES.get(rel, rel)
        if destination.exists():
            continue  # never overwrite an editor's file
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(item.read_bytes())
        print(f"创建 {destination}")
    for rel in existing:
        print(f"跳过 {target / rel}（已存在，未改动）")
    print(f"完成。下一步：cd {target} && exemplar check")
    return 0


# Dotfiles are not reliably packaged, so they are stored under another name.
_SCAFFOLD_NAMES = {"gitignore.txt": ".gitignore"}


def _walk(node: resources.abc.Traversable, prefix: str = "") -> list[tuple[str, resources.abc.Traversable]]:
    found = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            found.extend(_walk(child, rel + "/"))
        else:
            found.append((rel, child))
    return found


def _first_vocabulary_values(root: Path) -> dict[str, str]:
    """The first value of each vocabulary, so a new entry starts close to valid."""
    campaign = campaign_of(root)
    vocabularies = campaign.vocabularies if campaign else None
    fallbacks = {"regions": "地区", "fields": "领域", "activity_types": "活动类型"}
    return {name: (getattr(vocabularies, name) or (fallback,))[0] if vocabularies else fallback
            for name, fallback in fallbacks.items()}


def _write_new(path: Path, template: str, values: dict[str, str]) -> int:
    if path.exists():
        print(f"exemplar: {path} 已存在，没有改动任何文件", file=sys.stderr)
        return 1
    text = string.Template((_scaffold() / template).read_text(encoding="utf-8")).safe_substitute(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite in a race
        handle.write(text)
    print(f"创建 {path}")
    print("字段已全部列出，按注释填写；status 为 draft，发布前运行 exemplar check。")
    return 0


def _check_slug(slug: str) -> None:
    if not SLUG.match(slug):
        raise UsageError(f"名称“{slug}”无效：{slug_hint(slug)}")


def cmd_new(args: argparse.Namespace) -> int:
    root = _site_root(args.root)
    _check_slug(args.slug)
    first = _first_vocabulary_values(root)
    if args.kind == "story":
        return _write_new(root / "stories" / args.slug / "index.md", "story.md", {
            "name": args.name, "region": first["regions"], "field": first["fields"],
        })
    try:
        date = dt.date.fromisoformat(args.date)
    except ValueError:
        raise UsageError(f"日期“{args.date}”无效，请写成 YYYY-MM-DD") from None
    folder = f"{date.isoformat()}-{args.slug}"
    return _write_new(root / "content" / "activities" / folder / "index.md", "activity.md", {
        "title": args.title,
        "date": date.isoformat(),
        "region": first["regions"],
        "type": first["activity_types"],
    })


COMMANDS = {"check": cmd_check, "init": cmd_init, "new": cmd_new, "build": cmd_build, "serve": cmd_serve,
            "codes": cmd_codes}
