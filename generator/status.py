"""``exemplar status``: every entry's state, the editor's to-do list before a release.

Input: a ``CheckResult`` (which keeps every document, valid or not). Output:
one ``EntryStatus`` per story, activity and page, saying where it stands in
draft → review → published, which sign-offs are done, missing or out of date,
how many problems it has, and the next thing to do.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import REVIEW_STAGES, STAGE_NAMES, Rules
from .signoff import SignOffError, content_of, read_source

if TYPE_CHECKING:
    from .pipeline import CheckResult
    from .validate import Checked

KIND_NAMES = {"story": "人物", "activity": "活动", "page": "页面"}
STATUS_NAMES = {"draft": "草稿", "review": "待审", "published": "已发布"}
MARKS = {"done": "✓", "missing": "✗", "stale": "!"}


@dataclass(frozen=True)
class EntryStatus:
    kind: str
    source: str
    title: str
    status: str
    stages: tuple[tuple[str, str], ...]  # (stage, "done" | "missing" | "stale")
    errors: int
    warnings: int
    next_step: str


def entry_statuses(result: CheckResult) -> list[EntryStatus]:
    rules = result.campaign.rules if result.campaign else Rules()
    counts: Counter[tuple[str, bool]] = Counter((str(p.file), p.is_error) for p in result.problems)
    return [_status(result, document, rules, counts[(str(document.source), True)],
                    counts[(str(document.source), False)]) for document in result.documents]


def _status(result: CheckResult, document: Checked, rules: Rules, errors: int, warnings: int) -> EntryStatus:
    values = document.values
    status = values.get("status") or ("published" if document.kind == "page" else "draft")
    title = values.get("name") or values.get("title") or document.name
    stages: list[tuple[str, str]] = []
    if document.kind != "page":
        review = values.get("review")
        wanted = REVIEW_STAGES if rules.review_stages == 3 else ("final",)
        for stage in wanted:
            sign_off = getattr(review, stage, None) if review else None
            if sign_off is None and stage == "final" and rules.review_stages == 1 and values.get("reviewed_by"):
                stages.append((stage, "done"))
            elif sign_off is None:
                stages.append((stage, "missing"))
            elif stage == "final" and sign_off.hash and _digest(result, document) not in (None, sign_off.hash):
                stages.append((stage, "stale"))
            else:
                stages.append((stage, "done"))
    return EntryStatus(document.kind, str(document.source), str(title), status, tuple(stages), errors, warnings,
                       _next_step(document, status, stages, errors))


def _digest(result: CheckResult, document: Checked) -> str | None:
    root = result.root
    if root is None:
        return None
    try:
        return content_of(root, document.source, read_source(root, document.source)[1]).digest
    except SignOffError:
        return None


def _next_step(document: Checked, status: str, stages: list[tuple[str, str]], errors: int) -> str:
    if errors:
        return f"改正 {errors} 个错误（exemplar check）"
    stale = [stage for stage, state in stages if state == "stale"]
    if stale:
        return f"签发后有改动：exemplar diff {document.source}，确认后重新终审签发"
    missing = [stage for stage, state in stages if state == "missing"]
    if status == "draft":
        return "写完后改为 status: review 送审"
    if missing:
        stage = missing[0]
        return f"{STAGE_NAMES[stage]}：exemplar sign {document.source} --stage {stage} --by 名字"
    if status == "review":
        return "审核已完成，可改为 status: published 并填写 published 日期"
    return "已发布"


def format_statuses(statuses: list[EntryStatus], result: CheckResult) -> str:
    rows = [("类型", "文件", "标题", "状态", "审核", "问题", "下一步")]
    for entry in statuses:
        review = " ".join(f"{STAGE_NAMES[stage]}{MARKS[state]}" for stage, state in entry.stages) or "—"
        problems = f"{entry.errors} 错 {entry.warnings} 警" if entry.errors or entry.warnings else "—"
        rows.append((KIND_NAMES[entry.kind], entry.source, _clip(entry.title, 24), STATUS_NAMES.get(entry.status, entry.status),
                     review, problems, entry.next_step))
    widths = [max(_width(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row[:-1])) + "  " + row[-1]
             for row in rows]
    by_status = Counter(entry.status for entry in statuses)
    blocked = sum(1 for entry in statuses if entry.errors)
    unsigned = sum(1 for entry in statuses if entry.status != "draft"
                   and any(state != "done" for _, state in entry.stages))
    other = sum(1 for p in result.problems if p.is_error and str(p.file) not in {e.source for e in statuses})
    summary = (f"共 {len(statuses)} 个条目：已发布 {by_status['published']}，待审 {by_status['review']}，"
               f"草稿 {by_status['draft']}；{blocked} 个有错误，{unsigned} 个待签发")
    if other:
        summary += f"；条目以外的文件有 {other} 个错误（exemplar check）"
    legend = "审核：✓ 已签发  ✗ 未签发  ! 签发后有改动"
    return "\n".join(lines + ["", summary + "。", legend])


def _clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, with an ellipsis when cut."""
    if _width(text) <= width:
        return text
    out = ""
    for char in text:
        if _width(out + char) > width - 1:
            break
        out += char
    return out + "…"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
