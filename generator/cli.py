"""The ``exemplar`` command line.

``main(argv) -> int`` so tests call it directly. Exit codes: 0 success,
1 problems in the content (or a failed build), 2 usage errors. One handler at
the top turns known failures into one clean message; editors never see a
traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import string
import sys
import time
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from . import __version__
from .pipeline import campaign_of, check
from .model import REVIEW_STAGES, STAGE_NAMES
from .signoff import snapshot_path
from .problems import CATALOGUE, catalogue_markdown, format_github, format_json, format_summary, format_text
from .schema import SLUG, slug_hint

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


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
    check_cmd.add_argument("--format", choices=("text", "json", "github"), default="text",
                           help="输出格式：text（默认）、json（给工具）、github（GitHub Actions 标注）")

    status_cmd = commands.add_parser("status", help="列出每个条目的状态、缺少的审核和阻止发布的问题")
    status_cmd.add_argument("root", nargs="?", default=".", help="站点根目录（默认当前目录）")

    sign_cmd = commands.add_parser("sign", help="签发：记录审核环节、审核人和所签内容的指纹")
    sign_cmd.add_argument("file", help="条目文件，例如 stories/zhang-san/index.md")
    sign_cmd.add_argument("--stage", required=True, choices=REVIEW_STAGES,
                          help="审核环节：first 初审，second 复审，final 终审")
    sign_cmd.add_argument("--by", required=True, help="审核人姓名")
    sign_cmd.add_argument("--date", help="签发日期 YYYY-MM-DD（默认今天；补录纸质审批单时使用）")

    fix_cmd = commands.add_parser("fix", help="自动改正规范表述、中英文间距和标点、繁体字（先显示改动并备份）")
    fix_cmd.add_argument("root", nargs="?", default=".", help="站点根目录（默认当前目录）")
    fix_cmd.add_argument("--dry-run", action="store_true", help="只显示改动，不修改文件")

    diff_cmd = commands.add_parser("diff", help="显示签发之后内容的改动")
    diff_cmd.add_argument("file", help="条目文件，例如 stories/zhang-san/index.md")
    diff_cmd.add_argument("--stage", default="final", choices=REVIEW_STAGES, help="与哪个环节签发时比较（默认 final）")

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


# Commands whose process can end without freeing its objects one by one: after checking
# 1,000 stories that teardown alone costs a tenth of a second, after building them most of
# a second. Everything they write is complete and closed by the time main() returns (files
# are written under temporary names and renamed; the children they fork are waited for).
_QUICK_EXIT = frozenset({"check", "status", "codes", "build"})


def entry() -> None:
    """The console script and ``python -m exemplar``: ``sys.exit(main())``, ending some commands at once."""
    argv = sys.argv[1:]
    code = main(argv)
    if argv[:1] and argv[0] in _QUICK_EXIT:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a closed pipe (exemplar check | head): nothing more to say
            pass
        os._exit(code)
    sys.exit(code)


def _site_root(value: str) -> Path:
    root = Path(value)
    if not root.is_dir():
        raise UsageError(f"目录不存在：{value}")
    return root


def cmd_check(args: argparse.Namespace) -> int:
    root = _site_root(args.root)
    result = check(root)
    if args.format == "json":
        print(format_json(result.problems))
    elif args.format == "github":
        prefix = os.path.relpath(root)
        if result.problems:
            print(format_github(result.problems, "" if prefix == "." else f"{Path(prefix).as_posix()}/"))
        print(format_summary(result.problems), file=sys.stderr)
    else:
        if result.problems:
            print(format_text(result.problems, result.sources))
            print(format_summary(result.problems), file=sys.stderr)
    return 0 if result.ok else 1


_WRITE_ERRORS = {errno.ENOSPC: "磁盘空间不足", errno.EFBIG: "文件超过了系统允许的大小", errno.EDQUOT: "超出了磁盘配额",
                 errno.EROFS: "磁盘是只读的", errno.EIO: "磁盘读写出错"}


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
        # Relative to where the command runs: MkDocs would take it relative to mkdocs.yml's folder.
        compiled = build(root, site_dir.absolute(), drafts=args.drafts)
    except BuildFailed as failed:
        print(failed.report)
        print(format_summary(failed.result.problems), file=sys.stderr)
        print("内容有错误，没有生成网站；原有网站保持不变。", file=sys.stderr)
        return 1
    except (SiteDirError, RenderFailed, FontNotFound) as error:
        print(f"exemplar: {error}", file=sys.stderr)
        print("没有生成网站；原有网站保持不变。", file=sys.stderr)
        return 1
    except OSError as error:  # a full disk (ENOSPC), a file size limit (EFBIG), a failing device
        reason = _WRITE_ERRORS.get(error.errno, error.strerror or str(error))
        path = error.filename2 or error.filename  # copying: the file being written is the second
        print(f"exemplar: 写入文件失败（{reason}）" + (f"：{path}" if path else ""), file=sys.stderr)
        print("没有生成网站；原有网站保持不变。请检查磁盘空间后重新构建。", file=sys.stderr)
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
            compiled = build(root, site_dir.absolute(), drafts=args.drafts)
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


def _quiet_mkdocs(level: int = 30) -> None:  # logging.WARNING
    import logging

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

def _scaffold() -> Traversable:
    from importlib import resources

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


def _walk(node: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
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


# ------------------------------------------------------------- review

def _entry_file(value: str) -> tuple[Path, PurePosixPath]:
    """(site root, the file relative to it) for a document named on the command line."""
    path = Path(value).resolve()
    if not path.is_file():
        raise UsageError(f"文件不存在：{value}")
    for root in path.parents:
        if (root / "mkdocs.yml").is_file():
            source = PurePosixPath(path.relative_to(root).as_posix())
            if not _is_document(source):
                raise UsageError(f"{source} 不是人物、活动或页面文件（stories/*/index.md、"
                                 "content/activities/*/index.md、content/pages/*.md）")
            return root, source
    raise UsageError(f"{value} 不在站点目录里（向上找不到 mkdocs.yml）")


def _is_document(source: PurePosixPath) -> bool:
    parts = source.parts
    return ((len(parts) == 3 and parts[0] == "stories" and parts[2] == "index.md")
            or (len(parts) == 4 and parts[:2] == ("content", "activities") and parts[3] == "index.md")
            or (len(parts) == 3 and parts[:2] == ("content", "pages") and source.suffix == ".md"))


# Problems a sign-off itself resolves; anything else must be fixed before signing.
_SIGN_OFF_CODES = {"E701", "E702", "E703"}


def cmd_sign(args: argparse.Namespace) -> int:
    from .signoff import SignOffError, sign

    root, source = _entry_file(args.file)
    result = check(root)
    blocking = [p for p in result.problems if p.file == source and p.is_error and p.code not in _SIGN_OFF_CODES
                and not (p.code == "E211" and p.field == "reviewed_by")]
    if blocking:
        print(format_text(blocking, result.sources))
        print(f"exemplar: {source} 还有 {len(blocking)} 个错误，改正后才能签发；文件没有改动。", file=sys.stderr)
        return 1
    rules = result.campaign.rules if result.campaign else None
    document = next((d for d in result.documents if d.source == source), None)
    review = document.values.get("review") if document else None
    if rules is not None and rules.review_stages == 3:
        order = list(REVIEW_STAGES)
        earlier = [stage for stage in order[:order.index(args.stage)] if review is None or getattr(review, stage) is None]
        if earlier:
            names = "、".join(STAGE_NAMES[stage] for stage in earlier)
            print(f"exemplar: 本活动实行三审，{STAGE_NAMES[args.stage]}之前还缺{names}；文件没有改动。", file=sys.stderr)
            return 1
    try:
        day = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    except ValueError:
        raise UsageError(f"日期“{args.date}”无效，请写成 YYYY-MM-DD") from None
    if day > dt.date.today():
        raise UsageError(f"签发日期 {day} 晚于今天")
    try:
        digest = sign(root, source, args.stage, args.by, day)
    except SignOffError as error:
        print(f"exemplar: {error}；文件没有改动。", file=sys.stderr)
        return 1
    print(f"已记录{STAGE_NAMES[args.stage]}：{args.by.strip()}，{day}，内容指纹 {digest}")
    print(f"签发时的内容快照：{snapshot_path(source, args.stage)}（请与 {source} 一起提交）")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .signoff import SignOffError, content_of, diff, read_source

    root, source = _entry_file(args.file)
    try:
        recorded, lines = diff(root, source, args.stage)
        current = content_of(root, source, read_source(root, source)[1]).digest
    except SignOffError as error:
        print(f"exemplar: {error}", file=sys.stderr)
        return 2
    stage = STAGE_NAMES[args.stage]
    if not lines and recorded == current:
        print(f"{source}：{stage}签发后没有改动。")
        return 0
    for line in lines:
        print(line)
    print(f"{source}：{stage}签发后有改动（签发时 {recorded or '未记录指纹'}，现在 {current}）。", file=sys.stderr)
    return 1


def cmd_fix(args: argparse.Namespace) -> int:
    import difflib

    from .editorial import fixed_text
    from .load import CAMPAIGN_FILE, decode, load_site, read_document
    from .writeback import write_like

    root = _site_root(args.root)
    campaign = campaign_of(root)
    if campaign is None:
        print("exemplar: content/campaign.yml 有错误，先运行 exemplar check 改正它；没有改动任何文件。", file=sys.stderr)
        return 1
    loaded = load_site(root)
    trees = {data.source: data.root for data in (loaded.campaign, loaded.matters) if data is not None}
    for ref in loaded.documents:
        trees[ref.source] = read_document(root, ref, []).meta
    changes: list[tuple[PurePosixPath, bytes, str]] = []
    for source, tree in trees.items():
        if tree is None:
            print(f"跳过 {source}：YAML 有错误，先运行 exemplar check 改正", file=sys.stderr)
            continue
        raw = (root / source).read_bytes()
        text, problem = decode(raw, source)
        if problem is not None:
            print(f"跳过 {source}：{problem.message}", file=sys.stderr)
            continue
        new = fixed_text(text, tree, campaign.rules)
        if new != text:
            changes.append((source, raw, new))
            for line in difflib.unified_diff(text.split("\n"), new.split("\n"), f"a/{source}", f"b/{source}",
                                             lineterm=""):
                print(line)
    if not changes:
        print("没有需要自动改正的地方。", file=sys.stderr)
        return 0
    if args.dry_run:
        print(f"{len(changes)} 个文件可以自动改正（--dry-run：没有改动任何文件）。", file=sys.stderr)
        return 0
    backup = root / "backups" / f"fix-{dt.datetime.now():%Y%m%d-%H%M%S}"
    for source, raw, _ in changes:
        (backup / source).parent.mkdir(parents=True, exist_ok=True)
        (backup / source).write_bytes(raw)
    for source, raw, new in changes:
        write_like(root / source, new, raw)
    print(f"已改正 {len(changes)} 个文件，原文件备份在 {backup}。", file=sys.stderr)
    if any(source != CAMPAIGN_FILE for source, _, _ in changes):
        print("已签发的条目改动后需要重新签发：运行 exemplar status 查看。", file=sys.stderr)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from .status import entry_statuses, format_statuses

    result = check(_site_root(args.root))
    statuses = entry_statuses(result)
    print(format_statuses(statuses, result))
    return 0 if result.ok else 1


COMMANDS = {"check": cmd_check, "init": cmd_init, "new": cmd_new, "build": cmd_build, "serve": cmd_serve,
            "codes": cmd_codes, "status": cmd_status, "fix": cmd_fix, "sign": cmd_sign, "diff": cmd_diff}
