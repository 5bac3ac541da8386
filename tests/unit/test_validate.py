"""Validation: typed values, publication rules, cross-file references, the model."""

import datetime as dt

from conftest import SITES
from exemplar.pipeline import check

STORY = """---
name: {name}
affiliation: 测试研究所
region: 竞秀区
fields: [医疗卫生]
headline: 守护基层群众健康的乡村医生
summary: 李四扎根乡村卫生院十五年，牵头建立了覆盖全乡的慢病随访网络，让三千多名高血压、糖尿病患者在家门口就能得到规范治疗，被乡亲们称为“贴心的健康守门人”。
{extra}
---

正文第一段。
"""


def story(name="李四", extra="status: draft"):
    return STORY.format(name=name, extra=extra)


def codes(result):
    return [(p.code, str(p.file), p.line) for p in result.problems]


def test_base_site_becomes_a_model(base_site):
    result = check(base_site)
    assert result.ok and result.problems == []
    site = result.site
    assert site.campaign.short_name == "测试"
    assert site.campaign.period_start == dt.date(2021, 1, 1)
    assert [k.id for k in site.campaign.key_dates] == ["kejigongzuozhe-ri", "kepu-ri"]
    (zhang,) = site.exemplars
    assert zhang.slug == "zhang-san" and zhang.fields == ("农业科技",)
    assert zhang.publication.is_published and zhang.consent.obtained
    assert str(zhang.portrait.file) == "stories/zhang-san/portrait.jpg"
    assert zhang.body_line == 17 and "与小麦打交道的日子" in zhang.body
    (activity,) = site.activities
    assert activity.id == "2021-05-30-kejigongzuozhe-ri" and activity.date == dt.date(2021, 5, 30)
    assert [m.id for m in site.matters] == ["zhicheng-lvse-tongdao", "rencai-gongyu"]
    assert site.matters[1].typical_case is True and site.matters[1].done == dt.date(2021, 9, 30)
    assert [p.slug for p in site.pages] == ["about"]


def test_names_that_yaml_1_1_would_mangle_stay_strings(make_site):
    root = make_site({"stories/li-si/index.md": story(name="no", extra="status: draft\ntitle: 010\nborn: 1980")})
    result = check(root)
    assert result.ok, result.problems
    li = next(e for e in result.site.exemplars if e.slug == "li-si")
    assert (li.name, li.title, li.born) == ("no", "010", 1980)


def test_defaults_for_omitted_fields(make_site):
    root = make_site({"stories/li-si/index.md": story()})
    li = next(e for e in check(root).site.exemplars if e.slug == "li-si")
    assert li.publication.status == "draft" and li.era == "current" and li.featured is False
    assert li.groups == () and li.photos == () and li.portrait is None


def test_every_problem_of_a_file_is_reported_at_once(make_site):
    root = make_site({"stories/li-si/index.md": story(extra="status: draft\ngender: 男性\nfeatured: 是\nborn: 1980年")})
    assert [c for c, _, _ in codes(check(root))] == ["E206", "E209", "E209"]


def test_published_story_needs_consent_review_date_and_portrait(make_site):
    root = make_site({"stories/li-si/index.md": story(extra="status: published")})
    problems = check(root).problems
    assert [p.field for p in problems] == ["consent", "reviewed_by", "published", "portrait"]
    assert {p.code for p in problems} == {"E211"}


def test_consent_not_obtained_blocks_publication(make_site):
    root = make_site({
        "stories/li-si/index.md": story(extra="status: published\nreviewed_by: 王五\npublished: 2021-05-30\n"
                                        "portrait: {file: p.jpg, alt: 李四}\nconsent: {obtained: false}"),
        "stories/li-si/p.jpg": (SITES / "base/stories/zhang-san/portrait.jpg").read_bytes(),
    })
    assert [(p.code, p.field) for p in check(root).problems] == [("E211", "consent")]


def test_future_publication_date_is_a_warning_only(make_site):
    root = make_site({"content/activities/2021-05-30-kejigongzuozhe-ri/index.md": (
        SITES / "base/content/activities/2021-05-30-kejigongzuozhe-ri/index.md").read_text(encoding="utf-8")
        .replace("published: 2021-05-31", "published: 2099-01-01")})
    result = check(root)
    assert result.ok and [p.code for p in result.problems] == ["W201"]


def test_draft_may_reference_and_be_referenced(make_site):
    root = make_site({"stories/li-si/index.md": story(extra="status: draft\nrelated: [zhang-san]")})
    assert check(root).ok


def test_self_reference_is_an_error(make_site):
    root = make_site({"stories/li-si/index.md": story(extra="status: draft\nrelated: [li-si]")})
    assert codes(check(root)) == [("E302", "stories/li-si/index.md", 9)]


def test_duplicate_list_values_are_errors(make_site):
    root = make_site({"stories/li-si/index.md": story(extra="status: draft\ngroups: [女科技工作者, 女科技工作者]")})
    assert codes(check(root)) == [("E301", "stories/li-si/index.md", 9)]


def test_matter_references_unknown_activity(make_site):
    matters = (SITES / "base/content/matters.yml").read_text(encoding="utf-8")
    root = make_site({"content/matters.yml": matters.replace("activities: [2021-05-30-kejigongzuozhe-ri]",
                                                             "activities: [2021-05-30-kejigongzuozhe]")})
    problems = check(root).problems
    assert [(p.code, p.line) for p in problems] == [("E302", 23)]
    assert "2021-05-30-kejigongzuozhe-ri" in problems[0].hint


def test_campaign_vocabulary_problems_do_not_hide_entry_problems(make_site):
    campaign = (SITES / "base/content/campaign.yml").read_text(encoding="utf-8")
    root = make_site({
        "content/campaign.yml": campaign.replace("name: 测试活动", "nmae: 测试活动"),
        "stories/li-si/index.md": story(extra="status: draft\nregion2: x"),
    })
    problems = check(root).problems
    assert [(p.code, str(p.file)) for p in problems] == [
        ("E201", "content/campaign.yml"), ("E201", "stories/li-si/index.md")]


def test_historical_figure_needs_birth_year(make_site):
    root = make_site({"stories/li-si/index.md": story(extra="status: draft\nera: historical")})
    assert [(p.code, p.field) for p in check(root).problems] == [("E202", "born")]


def test_activities_are_sorted_by_date(make_site):
    root = make_site({"content/activities/2021-01-05-zuotan/index.md":
                      "---\ntitle: 座谈\ndate: 2021-01-05\ntype: 走访慰问\nsummary: 座谈。\n---\n"})
    site = check(root).site
    assert [a.id for a in site.activities] == ["2021-01-05-zuotan", "2021-05-30-kejigongzuozhe-ri"]


def test_video_file_must_exist_in_bundle(make_site):
    root = make_site({"stories/li-si/index.md": story(extra="status: draft\nvideo: {file: talk.mp4}")})
    assert [(p.code, p.field) for p in check(root).problems] == [("E402", "video.file")]


def test_small_image_is_a_warning(make_site, tmp_path):
    from PIL import Image
    small = tmp_path / "s.png"
    Image.new("RGB", (100, 100), "red").save(small)
    root = make_site({"stories/li-si/index.md": story(extra="status: draft\nportrait: {file: s.png, alt: 李四}"),
                      "stories/li-si/s.png": small.read_bytes()})
    result = check(root)
    assert result.ok and [p.code for p in result.problems] == ["W401"]


def test_an_image_that_cannot_be_read_is_a_located_problem(make_site, monkeypatch):
    """A photo copied without read permission (as root in CI a chmod would not stop the read, so the refusal is faked)."""
    from PIL import Image
    from exemplar import images

    readable = images._inspect

    def refused(path, size, mtime_ns):
        if path.endswith("p.jpg"):
            raise PermissionError(13, "Permission denied", path)
        return readable(path, size, mtime_ns)

    monkeypatch.setattr(images, "_inspect", refused)
    root = make_site({"stories/li-si/index.md": story(extra="status: draft\nportrait: {file: p.jpg, alt: 李四}")})
    Image.new("RGB", (300, 300), "red").save(root / "stories/li-si/p.jpg")
    problems = check(root).problems
    assert [(p.code, str(p.file), p.line, p.field) for p in problems] == [
        ("E112", "stories/li-si/index.md", 9, "portrait.file")]
    assert "无法读取：Permission denied" in problems[0].message and "chmod" in problems[0].hint
