"""Validate loaded files into the content model.

Input: ``Loaded`` (the campaign and matters as located YAML trees, and the
documents found). Output: ``Validated``, the ``Site`` model when there are no
errors, and every problem found. Two steps: ``check_document`` reads, parses,
converts and lints one document on its own (vocabularies, image files, the
story text), so documents can be checked on both cores; then the checks across
files (unique ids, references) run on the results. Nothing is raised for bad
content.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from . import model as m
from .editorial import file_name_problems, personal_data_problems, style_problems
from .images import EXTENSIONS
from .load import MATTERS_FILE, Document, DocumentRef, Loaded, read_document
from .markup import lint_markdown
from .problems import Problem, Severity, did_you_mean, has_errors
from .schema import (
    F, INVALID, SLUG, Bool, Choice, Context, Date, Int, Kind, ListOf, Record, Slug, Text, Url, Vocab, Year,
    check_bundle_file, node_at, slug_hint,
)
from .signoff import SignOffError, content_of
from .yamlsafe import Pos, YMap, YNode, YScalar, YSeq

ACTIVITY_FOLDER = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
VIDEO_EXTENSIONS = (".mp4", ".webm")


@dataclass
class Validated:
    site: m.Site | None
    problems: list[Problem] = field(default_factory=list)
    documents: list[Checked] = field(default_factory=list)  # every document, valid or not (exemplar status)
    campaign: m.Campaign | None = None


# ------------------------------------------------------------------ file paths

@dataclass
class BundleFile(Kind):
    """A file inside the entry's own folder, referenced by a relative path."""

    extensions: tuple[str, ...] = EXTENSIONS
    image: bool = True
    description: str = "文件名"

    def convert(self, node: YNode, ctx: Context, path: str) -> Any:
        scalar = self._scalar(node, ctx, path)
        if scalar is None:
            return INVALID
        return check_bundle_file(scalar.text.strip(), ctx.bundle, ctx, scalar, path, self.extensions, self.image)


# ------------------------------------------------------------------- schemas

SIGN_OFF = Record({"by": F(Text(max_len=40), True), "date": F(Date(), True),
                   "hash": F(Text(max_len=64))}, m.SignOff)
REVIEW = Record({stage: F(SIGN_OFF) for stage in m.REVIEW_STAGES}, m.Review)


def _publication_fields() -> dict[str, F]:
    return {
        "status": F(Choice(m.STATUSES), default="draft"),
        "reviewed_by": F(Text()),
        "published": F(Date()),
        "updated": F(Date()),
        "review": F(REVIEW),
    }


IMAGE = Record({"file": F(BundleFile(), True), "alt": F(Text(max_len=120), True), "credit": F(Text()),
                "consent": F(Bool(), default=True)}, m.Image)
PHOTO = Record({"file": F(BundleFile(), True), "caption": F(Text(max_len=200), True), "credit": F(Text()),
                "consent": F(Bool(), default=True)}, m.Photo)
LINK = Record({"title": F(Text(), True), "url": F(Url(), True)}, m.Link)
HONOR = Record({"year": F(Year(), True), "title": F(Text(), True)}, m.Honor)
CONSENT = Record({"obtained": F(Bool(), True), "date": F(Date()), "note": F(Text()), "guardian": F(Bool())},
                 m.Consent)
VIDEO = Record({
    "file": F(BundleFile(extensions=VIDEO_EXTENSIONS, image=False, description="视频文件名")),
    "url": F(Url()),
    "poster": F(BundleFile()),
}, m.Video)

STORY = Record({
    "name": F(Text(max_len=40), True),
    "affiliation": F(Text(max_len=80), True),
    "region": F(Vocab(vocabulary="regions"), True),
    "fields": F(ListOf(Vocab(vocabulary="fields"), min_items=1, unique=True), True),
    "headline": F(Text(max_len=30), True),
    "summary": F(Text(min_len=60, max_len=200), True),
    "gender": F(Choice(m.GENDERS)),
    "born": F(Year()),
    "died": F(Year()),
    "era": F(Choice(m.ERAS), default="current"),
    "title": F(Text(max_len=60)),
    "groups": F(ListOf(Vocab(vocabulary="groups"), unique=True), default_factory=tuple),
    "quote": F(Text(max_len=200)),
    "portrait": F(IMAGE),
    "photos": F(ListOf(PHOTO), default_factory=tuple),
    "honors": F(ListOf(HONOR), default_factory=tuple),
    "video": F(VIDEO),
    "links": F(ListOf(LINK), default_factory=tuple),
    "related": F(ListOf(Slug(), unique=True), default_factory=tuple),
    "featured": F(Bool(), default=False),
    "tags": F(ListOf(Text(max_len=20), unique=True), default_factory=tuple),
    "name_pinyin": F(Text(max_len=80)),
    "consent": F(CONSENT),
    **_publication_fields(),
})

ACTIVITY = Record({
    "title": F(Text(max_len=60), True),
    "date": F(Date(), True),
    "type": F(Vocab(vocabulary="activity_types"), True),
    "summary": F(Text(max_len=300), True),
    "end_date": F(Date()),
    "key_date": F(Slug()),
    "region": F(Vocab(vocabulary="regions")),
    "location": F(Text(max_len=80)),
    "organizers": F(ListOf(Text(max_len=60)), default_factory=tuple),
    "participants": F(Int(minimum=0)),
    "exemplars": F(ListOf(Slug(), unique=True), default_factory=tuple),
    "matters": F(ListOf(Slug(), unique=True), default_factory=tuple),
    "cover": F(IMAGE),
    "photos": F(ListOf(PHOTO), default_factory=tuple),
    **_publication_fields(),
})

MATTER = Record({
    "id": F(Slug(), True),
    "title": F(Text(max_len=60), True),
    "demand": F(Text(), True),
    "source": F(Text(), True),
    "department": F(Text(), True),
    "region": F(Vocab(vocabulary="regions"), True),
    "status": F(Choice(m.MATTER_STATUSES), True),
    "pledged": F(Date(), True),
    "due": F(Date(), True),
    "done": F(Date()),
    "result": F(Text()),
    "typical_case": F(Bool(), default=False),
    "activities": F(ListOf(Slug(), unique=True), default_factory=tuple),
})

PAGE = Record({
    "title": F(Text(max_len=60), True),
    "summary": F(Text(max_len=200)),
    "order": F(Int(), default=0),
    "status": F(Choice(m.STATUSES), default="published"),
})

KEY_DATE = Record({"id": F(Slug(), True), "name": F(Text(), True), "date": F(Date(), True),
                   "description": F(Text())}, m.KeyDate)
VOCABULARY = ListOf(Text(max_len=30), min_items=1, unique=True)
CAMPAIGN = Record({
    "name": F(Text(max_len=80), True),
    "organizer": F(Text(), True),
    "short_name": F(Text(max_len=20), True),
    "theme": F(Text(), True),
    "description": F(Text()),
    "notice": F(Text()),
    "period": F(Record({"start": F(Date(), True), "end": F(Date(), True)}), True),
    "key_dates": F(ListOf(KEY_DATE), default_factory=tuple),
    "vocabularies": F(Record({
        "fields": F(VOCABULARY, True), "groups": F(VOCABULARY, True),
        "regions": F(VOCABULARY, True), "activity_types": F(VOCABULARY, True),
    }, m.Vocabularies), True),
    "site": F(Record({
        "icp": F(Text(max_len=40)),
        "psb": F(Text(max_len=40)),
        "mourning": F(ListOf(Record({"start": F(Date(), True), "end": F(Date(), True)}, m.Period)),
                      default_factory=tuple),
    }, m.SiteSettings)),
    "rules": F(Record({
        "review_stages": F(Int(minimum=1, maximum=3), default=1),
        "terms": F(ListOf(Record({"wrong": F(Text(max_len=40), True), "right": F(Text(max_len=40), True),
                                  "level": F(Choice(("warning", "error")), default="warning")}, m.Term)),
                   default_factory=tuple),
        "public_numbers": F(ListOf(Text(max_len=30)), default_factory=tuple),
        "spacing": F(Bool(), default=True),
    }, m.Rules)),
    "media": F(Record({
        "site_url": F(Url(), True),
        "reprint": F(Text(), True),
        "contact": F(Record({"name": F(Text(), True), "phone": F(Text(), True), "email": F(Text(), True)},
                            m.Contact), True),
    }, m.Media), True),
})


# ---------------------------------------------------------------- validation

SCHEMAS = {"story": STORY, "activity": ACTIVITY, "page": PAGE}
REFERENCE_FIELDS = ("related", "exemplars", "matters", "key_date")


@dataclass
class _Entry:
    """A document's converted fields, kept with its nodes for later positions."""

    doc: Document
    values: dict[str, Any]
    ok: bool


@dataclass
class Checked:
    """One document after every check that needs only the document itself.

    This is what a worker process hands back (see ``pipeline.check``), so it
    carries values and the positions the checks across files need, not YAML
    trees, which cost more to pickle than to parse again.
    """

    kind: str  # "story" | "activity" | "page"
    source: PurePosixPath
    name: str
    body: str
    body_line: int
    values: dict[str, Any]
    ok: bool
    problems: list[Problem]
    references: dict[str, tuple[Pos | None, ...]]  # REFERENCE_FIELDS -> position of each value


def check_document(root: Path, ref: DocumentRef, vocabularies: dict, today: dt.date,
                   rules: m.Rules = m.Rules(), public_numbers: tuple[str, ...] = ()) -> Checked:
    """Read, parse, convert and lint one document."""
    problems: list[Problem] = []
    doc = read_document(root, ref, problems)
    problems += personal_data_problems(doc.text, doc.source, public_numbers)
    if doc.meta is not None:  # house style waits until the front matter can be read
        problems += style_problems(doc.text, doc.source, doc.meta, rules)
    if ref.kind != "page":
        problems += file_name_problems(root, doc.source, public_numbers)
    problems += lint_markdown(doc.body, doc.body_line, doc.source,
                              None if ref.kind == "page" else root / doc.source.parent)
    entry = _Entry(doc, {}, False)
    if doc.meta is not None:
        ctx = Context(doc.source, problems, vocabularies, root, doc.source.parent)
        entry.values, entry.ok = SCHEMAS[ref.kind].convert_fields(doc.meta, ctx, "")
    if ref.kind == "story":
        _check_story(entry, problems, today, rules)
    elif ref.kind == "activity":
        _check_activity(entry, problems, today, rules)
    elif not SLUG.match(doc.name):
        problems.append(Problem("E208", f"页面文件名“{doc.name}.md”不是有效的名称", doc.source, 1, 1,
                                hint=slug_hint(doc.name)))
        entry.ok = False
    if ref.kind != "page" and entry.values.get("status") == "published":
        _check_sign_off(root, entry, Context(doc.source, problems), rules)
    return Checked(ref.kind, doc.source, doc.name, doc.body, doc.body_line, entry.values, entry.ok, problems,
                   _reference_positions(doc.meta, entry.values))


def check_documents(root: Path, refs: list[DocumentRef], vocabularies: dict, today: dt.date,
                    rules: m.Rules = m.Rules(), public_numbers: tuple[str, ...] = ()) -> list[Checked]:
    return [check_document(root, ref, vocabularies, today, rules, public_numbers) for ref in refs]


def _reference_positions(meta: YMap | None, values: dict[str, Any]) -> dict[str, tuple[Pos | None, ...]]:
    positions = {}
    for name in REFERENCE_FIELDS:
        value = values.get(name)
        if isinstance(value, str):
            nodes = [node_at(meta, name)]
        elif value:
            nodes = [node_at(meta, name, index) for index in range(len(value))]
        else:
            continue
        positions[name] = tuple(node.pos if node is not None else None for node in nodes)
    return positions


def validate(loaded: Loaded, today: dt.date | None = None,
             check_all: Callable[..., list[Checked]] = check_documents) -> Validated:
    """``check_all`` runs ``check_document`` over the documents (pipeline.check spreads it over both cores)."""
    today = today or dt.date.today()
    problems = list(loaded.problems)

    campaign, vocabularies = validate_campaign(loaded, problems)
    rules = campaign.rules if campaign else m.Rules()
    public_numbers = campaign.public_numbers if campaign else ()
    for data in (loaded.campaign, loaded.matters):
        if data is not None and data.source in loaded.sources:
            text = "\n".join(loaded.sources[data.source])
            problems += personal_data_problems(text, data.source, public_numbers)
            if data.root is not None:
                problems += style_problems(text, data.source, data.root, rules)
    documents = check_all(loaded.root, loaded.documents, vocabularies, today, rules, public_numbers)
    for document in documents:
        problems += document.problems
    matters = _validate_matters(loaded, vocabularies, problems)
    stories = [d for d in documents if d.kind == "story"]
    activities = [d for d in documents if d.kind == "activity"]
    pages = [d for d in documents if d.kind == "page"]
    _check_references(campaign, stories, activities, matters, problems)

    if has_errors(problems) or campaign is None:
        return Validated(None, problems, documents, campaign)
    site = m.Site(
        root=loaded.root,
        campaign=campaign,
        exemplars=tuple(_build(m.Exemplar, d, slug=d.name) for d in stories),
        activities=tuple(sorted((_build(m.Activity, d, id=d.name) for d in activities),
                                key=lambda a: (a.date, a.id))),
        matters=tuple(m.Matter(**values) for values, _ in matters),
        pages=tuple(sorted((_build(m.Page, d, slug=d.name) for d in pages), key=lambda p: (p.order, p.slug))),
    )
    return Validated(site, problems, documents, campaign)


def validate_campaign(loaded: Loaded, problems: list[Problem]) -> tuple[m.Campaign | None, dict]:
    data = loaded.campaign
    if data is None or data.root is None:
        return None, {}
    ctx = Context(data.source, problems)
    if not isinstance(data.root, YMap):
        ctx.report("E107", "campaign.yml 的最外层必须是字段表", data.root, None)
        return None, {}
    values, ok = CAMPAIGN.convert_fields(data.root, ctx, "")
    vocab_node = data.root.get("vocabularies")
    vocabularies = {}
    if "vocabularies" in values:
        vocabularies = {name: getattr(values["vocabularies"], name) for name in
                        ("fields", "groups", "regions", "activity_types")}
    elif isinstance(vocab_node, YMap):
        # Keep whatever lists are readable so entries are still checked against them.
        for name in ("fields", "groups", "regions", "activity_types"):
            node = vocab_node.get(name)
            if isinstance(node, YSeq):
                vocabularies[name] = tuple(i.text.strip() for i in node.items if isinstance(i, YScalar))
    for index, day in enumerate(getattr(values.get("site"), "mourning", ())):
        if day.end < day.start:
            ctx.report("E213", "mourning 的 end 早于 start", node_at(data.root, "site", "mourning", index, "end"),
                       f"site.mourning[{index}].end")
            ok = False
    rules = values.get("rules")
    if rules and rules.review_stages not in (1, 3):
        ctx.report("E206", f"rules.review_stages 只能是 1 或 3，这里是 {rules.review_stages}",
                   node_at(data.root, "rules", "review_stages"), "rules.review_stages",
                   hint="1：终审一次即可发布；3：初审、复审、终审都完成才能发布")
        ok = False
    period = values.get("period")
    if period and period["end"] < period["start"]:
        ctx.report("E213", "period.end 早于 period.start", node_at(data.root, "period", "end"), "period.end")
        ok = False
    seen: dict[str, int] = {}
    for index, key_date in enumerate(values.get("key_dates", ())):
        if key_date.id in seen:
            ctx.report("E301", f"key_dates 中 id“{key_date.id}”重复", node_at(data.root, "key_dates", index, "id"),
                       f"key_dates[{index}].id", hint=f"与第 {seen[key_date.id] + 1} 项重复，换一个 id")
            ok = False
        seen[key_date.id] = index
    if not ok:
        return None, vocabularies
    campaign = m.Campaign(
        name=values["name"], organizer=values["organizer"], short_name=values["short_name"],
        theme=values["theme"], period_start=period["start"], period_end=period["end"],
        key_dates=values["key_dates"], vocabularies=values["vocabularies"], media=values["media"],
        description=values.get("description"), notice=values.get("notice"),
        site=values.get("site") or m.SiteSettings(),
        rules=values.get("rules") or m.Rules(),
    )
    return campaign, vocabularies


def _validate_matters(loaded: Loaded, vocabularies: dict, problems: list[Problem]) -> list[tuple[dict, YMap]]:
    data = loaded.matters
    if data is None or data.root is None:
        return []
    ctx = Context(data.source, problems, vocabularies)
    if isinstance(data.root, YScalar) and data.root.is_null:
        return []
    if not isinstance(data.root, YSeq):
        ctx.report("E107", "matters.yml 的最外层必须是列表，每项以“- id: …”开始", data.root, None)
        return []
    matters = []
    for index, node in enumerate(data.root.items):
        path = f"[{index}]"
        if not isinstance(node, YMap):
            ctx.report("E203", f"第 {index + 1} 项应当是字段表", node, path, hint="每项以“- id: …”开始，字段缩进对齐")
            continue
        # Problems are reported here; a matter with any stops the build, so no flag is kept.
        values, _ = MATTER.convert_fields(node, ctx, path)
        if values.get("status") == "done":
            for needed in ("done", "result"):
                if needed not in values and node.get(needed) is None:
                    ctx.report("E214", f"status 为 done 的事项必须填写 {needed}", node_at(node, "status"),
                               f"{path}.{needed}", hint=f"添加 {needed}: …（{'完成日期' if needed == 'done' else '办理结果'}）")
        elif "done" in values:
            ctx.report("E214", "只有 status 为 done 的事项才能写 done 日期", node_at(node, "done"), f"{path}.done",
                       hint="把 status 改为 done，或删除 done")
        if "pledged" in values and "due" in values and values["due"] < values["pledged"]:
            ctx.report("E213", "due 早于 pledged", node_at(node, "due"), f"{path}.due")
        matters.append((values, node))
    # Unique ids. A broken entry stays in the list so that references to it resolve;
    # its own problems already stop the build.
    seen: dict[str, YMap] = {}
    for values, node in matters:
        if "id" not in values:
            continue
        if values["id"] in seen:
            first = node_at(seen[values["id"]], "id")
            ctx.report("E301", f"事项 id“{values['id']}”重复（第 {first.pos.line} 行已经用过）", node_at(node, "id"),
                       "id", hint="每个事项的 id 必须不同")
        else:
            seen[values["id"]] = node
    return matters


def _check_publication(entry: _Entry, ctx: Context, requirements: dict[str, str], rules: m.Rules) -> None:
    values = entry.values
    if values.get("status") != "published":
        return
    status_node = entry.doc.meta.get("status") if entry.doc.meta else None
    for name, description in requirements.items():
        if name == "consent":
            consent = values.get("consent")
            if consent is not None and consent.obtained:
                continue
        elif name == "portrait":
            if values.get("portrait") is not None:
                continue
        elif name == "reviewed_by":
            review = values.get("review")
            if rules.review_stages != 1 or values.get("reviewed_by") or (review and review.final):
                continue  # three stages are checked by _check_sign_off
        elif values.get(name) is not None:
            continue
        if entry.doc.meta is not None and entry.doc.meta.get(name) is not None and name != "consent":
            continue  # present but invalid: its own problem is already reported
        ctx.report("E211", f"status: published 要求{description}", status_node, name,
                   hint=_PUBLICATION_HINTS[name])
        entry.ok = False


_PUBLICATION_HINTS = {
    "consent": "取得本人（或家属）书面同意后写：consent: {obtained: true, date: 2021-05-10}",
    "reviewed_by": "审核后写上审核人：reviewed_by: 名字（或用 exemplar sign 文件 --stage final --by 名字 签发）",
    "published": "写上发布日期：published: 2021-05-30",
    "portrait": "添加肖像：portrait: {file: portrait.jpg, alt: 对照片的描述}",
}


def _check_sign_off(root: Path, entry: _Entry, ctx: Context, rules: m.Rules) -> None:
    """A published entry has every stage the campaign asks for, and the final one still matches the content."""
    meta, source = entry.doc.meta, entry.doc.source
    review = entry.values.get("review")
    if review is INVALID or (review is None and meta is not None and meta.get("review") is not None):
        return  # its own problems are reported
    status_node = meta.get("status") if meta is not None else None
    if rules.review_stages == 3:
        missing = [stage for stage in m.REVIEW_STAGES if review is None or getattr(review, stage) is None]
        for stage in missing:
            ctx.report("E701", f"status: published 要求完成三审，缺少{m.STAGE_NAMES[stage]}（review.{stage}）",
                       status_node, f"review.{stage}",
                       hint=f"{m.STAGE_NAMES[stage]}人审阅后运行：exemplar sign {source} --stage {stage} --by 名字")
            entry.ok = False
        if missing:
            return
    final = review.final if review is not None else None
    if final is None:
        return  # stage 1 with the v1 reviewed_by
    final_node = node_at(meta, "review", "final")
    if final.hash is None:
        if rules.review_stages == 3:
            ctx.report("E703", "终审没有内容指纹（hash），无法确认签发的就是现在的内容", final_node, "review.final",
                       hint=f"用命令签发，它会记下内容指纹：exemplar sign {source} --stage final --by {final.by}")
            entry.ok = False
        return
    try:
        current = content_of(root, source, entry.doc.text).digest  # the text check_document already read
    except SignOffError:  # no readable front matter: reported by the loader
        return
    if current != final.hash:
        ctx.report("E702", f"终审（{final.by}，{final.date}）签发后内容已修改", node_at(meta, "review", "final", "hash")
                   or final_node, "review.final.hash",
                   hint=f"查看改动：exemplar diff {source}；确认后重新签发：exemplar sign {source} --stage final --by 名字")
        entry.ok = False


def _check_story(entry: _Entry, problems: list[Problem], today: dt.date, rules: m.Rules = m.Rules()) -> None:
    doc = entry.doc
    ctx = Context(doc.source, problems)
    if not SLUG.match(doc.name):
        ctx.report("E208", f"目录名“{doc.name}”不是有效的名称", None, None, hint=slug_hint(doc.name))
        problems[-1] = _at_line_one(problems[-1])
        entry.ok = False
    if doc.meta is None:
        return
    _check_publication(entry, ctx, {"consent": "已取得本人同意（consent.obtained: true）",
                                    "reviewed_by": "填写审核人 reviewed_by",
                                    "published": "填写发布日期 published",
                                    "portrait": "有带替代文字的肖像 portrait"}, rules)
    values = entry.values
    if "born" in values and "died" in values and values["died"] < values["born"]:
        ctx.report("E213", f"died（{values['died']}）早于 born（{values['born']}）", doc.meta.get("died"), "died")
        entry.ok = False
    if values.get("era") == "historical" and "born" not in values and doc.meta.get("born") is None:
        ctx.report("E202", "历史人物（era: historical）需要填写出生年份 born", doc.meta.get("era"), "born",
                   hint="添加 born: 1921")
        entry.ok = False
    if values.get("status") == "published":
        _check_consents(entry, ctx, today)
    _check_dates(entry, ctx, today)


CHILD_AGE = 14  # 《个人信息保护法》第二十八条: under 14, a parent or guardian consents


def _check_consents(entry: _Entry, ctx: Context, today: dt.date) -> None:
    values, meta = entry.values, entry.doc.meta
    born = values.get("born")
    consent = values.get("consent")
    # With only a birth year, anyone born within the last 14 years may be under 14.
    if isinstance(born, int) and "died" not in values and today.year - born <= CHILD_AGE \
            and not (consent and consent.guardian):
        ctx.report("E604", f"出生于 {born} 年，可能未满 {CHILD_AGE} 周岁，需要监护人同意", node_at(meta, "born"), "consent.guardian",
                   hint="取得父母或其他监护人的书面同意后写：consent: {obtained: true, guardian: true, date: …}")
        entry.ok = False
    portrait = values.get("portrait")
    if portrait and not portrait.consent:
        ctx.report("E211", "status: published 要求肖像已取得本人同意，portrait 标了 consent: false",
                   node_at(meta, "portrait", "consent"), "portrait.consent",
                   hint="换一张已取得同意的肖像，或取得同意后删除 consent: false")
        entry.ok = False


def _check_activity(entry: _Entry, problems: list[Problem], today: dt.date, rules: m.Rules = m.Rules()) -> None:
    doc = entry.doc
    ctx = Context(doc.source, problems)
    match = ACTIVITY_FOLDER.match(doc.name)
    if not match:
        ctx.report("E208", f"活动目录名“{doc.name}”应为 YYYY-MM-DD-名称", None, None,
                   hint="例如 2021-05-30-kejigongzuozhe-ri，日期与 date 一致")
        problems[-1] = _at_line_one(problems[-1])
        entry.ok = False
    if doc.meta is None:
        return
    values = entry.values
    if match and "date" in values and match.group(1) != values["date"].isoformat():
        ctx.report("E303", f"目录名的日期 {match.group(1)} 与 date（{values['date']}）不一致", doc.meta.get("date"),
                   "date", hint=f"把目录改名为 {values['date']}-{match.group(2)}，或改正 date")
        entry.ok = False
    if "date" in values and "end_date" in values and values["end_date"] < values["date"]:
        ctx.report("E213", "end_date 早于 date", doc.meta.get("end_date"), "end_date")
        entry.ok = False
    _check_publication(entry, ctx, {"reviewed_by": "填写审核人 reviewed_by", "published": "填写发布日期 published"},
                       rules)
    _check_dates(entry, ctx, today)


def _check_dates(entry: _Entry, ctx: Context, today: dt.date) -> None:
    published = entry.values.get("published")
    if published and published > today and entry.values.get("status") == "published":
        ctx.report("W201", f"发布日期 {published} 晚于今天", entry.doc.meta.get("published"), "published",
                   hint="确认日期是否写错", severity=Severity.WARNING)


def _at_line_one(problem: Problem) -> Problem:
    return Problem(problem.code, problem.message, problem.file, 1, 1, problem.field, problem.hint, problem.severity)


def _check_references(campaign: m.Campaign | None, stories: list[Checked], activities: list[Checked],
                      matters: list[tuple[dict, YMap]], problems: list[Problem]) -> None:
    story_slugs = {d.name for d in stories}
    activity_ids = {d.name for d in activities}
    matter_ids = {values["id"] for values, _ in matters if "id" in values}
    key_dates = {k.id for k in campaign.key_dates} if campaign else None

    def check(file: PurePosixPath, field_name: str, values: tuple[str, ...] | str | None,
              positions: tuple[Pos | None, ...], known: set[str] | None, what: str,
              self_name: str | None = None) -> bool:
        if known is None or values is None:
            return True
        ok = True
        single = isinstance(values, str)
        for index, value in enumerate((values,) if single else values):
            path = field_name if single else f"{field_name}[{index}]"
            ctx = Context(file, problems)
            if value == self_name:
                ctx.report("E302", f"{path} 不能引用自己", positions[index], path)
                ok = False
            elif value not in known:
                ctx.report("E302", f"{path} 引用的{what}“{value}”不存在", positions[index], path,
                           hint=did_you_mean(value, known) or f"检查拼写，{what}名称见对应目录")
                ok = False
        return ok

    def refs(document: Checked, field_name: str, known: set[str] | None, what: str,
             self_name: str | None = None) -> bool:
        return check(document.source, field_name, document.values.get(field_name),
                     document.references.get(field_name, ()), known, what, self_name)

    for document in stories:
        document.ok &= refs(document, "related", story_slugs, "人物", document.name)
    for document in activities:
        document.ok &= refs(document, "exemplars", story_slugs, "人物")
        document.ok &= refs(document, "matters", matter_ids, "事项")
        document.ok &= refs(document, "key_date", key_dates, "重要日期")
    for values, node in matters:
        linked = values.get("activities")
        positions = tuple(getattr(node_at(node, "activities", i), "pos", None) for i in range(len(linked or ())))
        check(MATTERS_FILE, "activities", linked, positions, activity_ids, "活动")


def _build(cls: type, document: Checked, **identity: Any) -> Any:
    values = dict(document.values)
    publication = m.Publication(**{k: values.pop(k) for k in ("status", "reviewed_by", "published", "updated", "review")
                                   if k in values})
    if cls is m.Page:
        values["status"] = publication.status
        extra = {}
    else:
        extra = {"publication": publication}
    return cls(source=document.source, body=document.body, body_line=document.body_line,
               **identity, **values, **extra)
