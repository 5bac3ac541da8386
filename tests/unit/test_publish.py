"""The publish set: only published entries, references pruned to them."""

from conftest import SITES
from exemplar.pipeline import check
from exemplar.publish import select

DRAFT = (SITES / "base/stories/zhang-san/index.md").read_text(encoding="utf-8") \
    .replace("name: 张三", "name: 王草稿").replace("status: published", "status: draft")


def site_with_draft(make_site):
    root = make_site({
        "stories/wang-cao/index.md": DRAFT,
        "stories/wang-cao/portrait.jpg": (SITES / "base/stories/zhang-san/portrait.jpg").read_bytes(),
        "content/activities/2021-05-30-kejigongzuozhe-ri/index.md":
            (SITES / "base/content/activities/2021-05-30-kejigongzuozhe-ri/index.md").read_text(encoding="utf-8")
            .replace("exemplars: [zhang-san]", "exemplars: [zhang-san, wang-cao]"),
        "content/activities/2021-09-18-kepu/index.md":
            "---\ntitle: 科普日\ndate: 2021-09-18\ntype: 科普活动\nsummary: 科普。\nstatus: review\n---\n",
    })
    result = check(root)
    assert result.ok, result.problems
    return result.site


def test_drafts_never_enter_the_public_set(make_site):
    site = site_with_draft(make_site)
    public = select(site)
    assert [e.slug for e in public.exemplars] == ["zhang-san"]
    assert [a.id for a in public.activities] == ["2021-05-30-kejigongzuozhe-ri"]
    assert public.activities[0].exemplars == ("zhang-san",)  # the draft's slug is pruned
    assert not public.preview


def test_matter_links_to_unpublished_activities_are_pruned(make_site):
    site = site_with_draft(make_site)
    matters = (SITES / "base/content/matters.yml").read_text(encoding="utf-8")
    assert "activities: [2021-05-30-kejigongzuozhe-ri]" in matters
    public = select(site)
    assert [m.activities for m in public.matters] == [(), ("2021-05-30-kejigongzuozhe-ri",)]


def test_preview_includes_everything_and_says_so(make_site):
    site = site_with_draft(make_site)
    preview = select(site, drafts=True)
    assert preview.preview
    assert {e.slug for e in preview.exemplars} == {"zhang-san", "wang-cao"}
    assert len(preview.activities) == 2
