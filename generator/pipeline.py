"""The stages in order.

``check(root)``: load → validate; every problem with the source lines needed
to print them. ``compile_site(root, drafts)``: check → publish set → stage;
refuses (``BuildFailed``) when there is any error, so a build can never see
content that ``check`` rejects. ``build(root, site_dir, drafts)``: compile,
render with MkDocs into a temporary directory, swap it into place.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from . import output
from .images import prefetch
from .load import Loaded, bundle_images, document_body, document_paths, load_campaign, load_site
from .model import Campaign, Site
from .output import Output, SiteDirError
from .problems import Problem, format_text, has_errors, sort_problems
from .publish import PublishSet, select
from .validate import lint_bodies, validate, validate_campaign

if TYPE_CHECKING:  # stage pulls in Jinja and image processing; check() needs neither
    from .stage import Staged

__all__ = ["BuildFailed", "CheckResult", "Compiled", "SiteDirError", "build", "check", "compile_site",
           "finish_output", "prepare_output"]


@dataclass(frozen=True)
class CheckResult:
    site: Site | None  # None when there are errors
    problems: list[Problem]
    sources: dict[PurePosixPath, list[str]]

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
    # On a large campaign the second core checks image headers and lints story
    # text while this one parses YAML; both are independent of the YAML.
    prefetch(bundle_images(root))
    linting = _start_body_lint(root)
    loaded = load_site(root)
    body_problems = linting.result() if linting is not None else None
    validated = validate(loaded, today=today, body_problems=body_problems)
    return CheckResult(validated.site, sort_problems(validated.problems), loaded.sources)


_PARALLEL_LINT_MIN = 200  # documents; below this a second process costs more than it saves


def _start_body_lint(root: Path):
    documents = document_paths(root)
    if len(documents) < _PARALLEL_LINT_MIN or "fork" not in multiprocessing.get_all_start_methods():
        return None
    executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    future = executor.submit(_lint_documents, root, documents)
    executor.shutdown(wait=False)
    return future


def _lint_documents(root: Path, documents: list[tuple[PurePosixPath, bool]]) -> list[Problem]:
    found = []
    for source, is_page in documents:
        body = document_body(root, source)
        if body is not None:
            found.append((source, body[0], body[1], is_page))
    return lint_bodies(root, found)


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
