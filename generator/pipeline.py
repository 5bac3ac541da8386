"""The stages in order.

``check(root)``: load → validate; every problem with the source lines needed
to print them. ``compile_site(root, drafts)``: check → publish set → stage;
refuses (``BuildFailed``) when there is any error, so a build can never see
content that ``check`` rejects. ``build(root, site_dir, drafts)``: compile,
render with MkDocs into a temporary directory, swap it into place.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from . import output
from .checkcache import CheckCache
from .forked import in_halves
from .load import DocumentRef, Loaded, load_campaign, load_site, source_lines
from .model import Campaign, Site
from .output import Output, SiteDirError
from .problems import Problem, format_text, has_errors, sort_problems
from .publish import PublishSet, select
from .validate import Checked, check_documents, validate, validate_campaign

if TYPE_CHECKING:  # stage pulls in Jinja and image processing; check() needs neither
    from .stage import Staged

__all__ = ["BuildFailed", "CheckResult", "Compiled", "SiteDirError", "build", "check", "compile_site",
           "finish_output", "prepare_output"]


@dataclass(frozen=True)
class CheckResult:
    site: Site | None  # None when there are errors
    problems: list[Problem]
    sources: dict[PurePosixPath, list[str]]
    documents: tuple[Checked, ...] = ()  # every document as checked, valid or not
    campaign: Campaign | None = None
    root: Path | None = None

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    def report(self) -> str:
        return format_text(self.problems, self.sources)


class BuildFailed(Exception):
    """Content has errors; ``report`` is the same text ``exemplar check`` prints."""

    def __init__(self, result: CheckResult) -> None:
        super().__init__("content has errors")
        self.result = result
        self.report = result.report()


def check(root: Path, today: dt.date | None = None) -> CheckResult:
    # Checking allocates hundreds of thousands of small, acyclic tuples; the
    # cycle collector would walk them again and again for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        loaded = load_site(root)
        validated = validate(loaded, today=today, check_all=_check_documents)
    finally:
        if collecting:
            gc.enable()
    problems = sort_problems(validated.problems)
    sources = dict(loaded.sources)
    for file in {p.file for p in problems if p.line is not None} - sources.keys():
        lines = source_lines(root, file)
        if lines is not None:
            sources[file] = lines
    return CheckResult(validated.site, problems, sources, tuple(validated.documents), validated.campaign,
                       root)


_PARALLEL_MIN = 100  # documents; below this a second process costs more than it saves


def _check_documents(root: Path, refs: list[DocumentRef], *settings) -> list[Checked]:
    """Check the documents not checked before (checkcache), on both cores: each is independent of the others."""
    cache = CheckCache.open(root, *settings)
    # With nothing remembered (a fresh clone) every document is checked anyway: its key is then made
    # beside its check, on both cores, instead of in a pass over every document beforehand.
    keys = {ref.source: cache.document_key(root, ref) for ref in refs} if cache.entries else {}
    known = {source: cache.get(source, key) for source, key in keys.items()}
    missing = [ref for ref in refs if known.get(ref.source) is None]
    key_of = (lambda ref: keys[ref.source]) if keys else (lambda ref: cache.document_key(root, ref))
    for key, checked in _check_in_parallel(root, missing, settings, key_of):
        known[checked.source] = checked
        cache.put(checked.source, key, checked)
    cache.save({str(ref.source) for ref in refs})
    return [known[ref.source] for ref in refs]


def _check_in_parallel(root: Path, refs: list[DocumentRef], settings: tuple,
                       key_of: Callable[[DocumentRef], str | None]) -> list[tuple[str | None, Checked]]:
    """(cache key, result) per document. Only results travel back from the child: values and positions, not YAML trees."""
    def check_part(part: Sequence[DocumentRef]) -> list[tuple[str | None, Checked]]:
        keys = [key_of(ref) for ref in part]  # before reading: a file edited meanwhile is checked again next time
        return list(zip(keys, check_documents(root, part, *settings)))

    halves = in_halves(check_part, refs, minimum=_PARALLEL_MIN)
    return [pair for half in halves for pair in half]


def campaign_of(root: Path) -> Campaign | None:
    """The campaign alone, for commands that need its vocabularies, not the stories."""
    loaded = Loaded(root=root)
    loaded.campaign = load_campaign(loaded)
    campaign, _ = validate_campaign(loaded, [])
    return campaign


@dataclass(frozen=True)
class Compiled:
    check: CheckResult
    publish_set: PublishSet
    staged: Staged

    @property
    def warnings(self) -> str:
        return self.check.report() if self.check.problems else ""


# One compile handed from `exemplar build` to the plugin in the same process,
# so the content is not read twice.
_handed_over: dict[tuple[Path, bool], Compiled] = {}


def compile_site(root: Path, drafts: bool = False) -> Compiled:
    root = root.resolve()
    handed = _handed_over.pop((root, drafts), None)
    if handed is not None:
        return handed
    result = check(root)
    if not result.ok or result.site is None:
        raise BuildFailed(result)
    from .images import ImageProcessingError
    from .stage import stage  # the compile stages above do not need Jinja or image processing

    publish_set = select(result.site, drafts=drafts)
    try:
        staged = stage(publish_set, root)
    except ImageProcessingError as error:
        # Damage that check's structural test cannot see (corrupt compressed data).
        problems = [Problem(p.code, f"图片无法解码：{p.message}", PurePosixPath(path.relative_to(root).as_posix()),
                            hint="用图片软件重新导出后替换这个文件")
                    for path, p in error.failures.items()]
        raise BuildFailed(CheckResult(None, sort_problems(result.problems + problems), result.sources)) from None
    return Compiled(result, publish_set, staged)


def prepare_output(root: Path, site_dir: Path) -> Output:
    return output.prepare(root, site_dir)


def finish_output(out: Output | None) -> None:
    if out is not None:
        output.finish(out)


def build(root: Path, site_dir: Path | None = None, drafts: bool = False) -> Compiled:
    """Compile and render; raises BuildFailed, SiteDirError or RenderFailed."""
    from . import render

    root = root.resolve()
    output.check_target(root, site_dir or root / "site")  # refuse early, before any work
    compiled = compile_site(root, drafts=drafts)
    _handed_over[(root, drafts)] = compiled
    try:
        render.run_build(root, site_dir, drafts)
    finally:
        _handed_over.pop((root, drafts), None)
    return compiled
