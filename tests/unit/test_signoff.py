"""三审 sign-off bound to content: sign, check, diff, status, and the consent rules around publishing."""

import datetime as dt
import io

import pytest
from PIL import ExifTags, Image

from exemplar.pipeline import check
from exemplar.publish import select

STORY = "stories/zhang-san/index.md"
THREE_STAGES = "rules:\n  review_stages: 3\n"


def codes(root, file=STORY):
    return [(p.code, p.line) for p in check(root).problems if str(p.file) == file]


@pytest.fixture
def three_stage_site(make_site):
    def make(files=None):
        root = make_site(files)
        campaign = root / "content/campaign.yml"
        campaign.write_text(campaign.read_text(encoding="utf-8") + THREE_STAGES, encoding="utf-8")
        return root
    return make


def sign_all(run_cli, root, file=STORY, by=("初审人", "复审人", "终审人")):
    for stage, name in zip(("first", "second", "final"), by):
        code, out, err = run_cli("sign", root / file, "--stage", stage, "--by", name)
        assert code == 0, err


def test_three_stages_are_required_before_publishing(three_stage_site):
    root = three_stage_site()
    problems = [p for p in check(root).problems if str(p.file) == STORY]
    assert [(p.code, p.field) for p in problems] == [
        ("E701", "review.first"), ("E701", "review.second"), ("E701", "review.final")]
    assert problems[0].line == 12  # at status: published
    assert "exemplar sign stories/zhang-san/index.md --stage first" in problems[0].hint


def test_one_stage_campaigns_keep_accepting_reviewed_by(make_site):
    assert codes(make_site()) == []


def test_signing_in_order_makes_the_story_publishable(three_stage_site, run_cli):
    root = three_stage_site()
    before = (root / STORY).read_text(encoding="utf-8")
    sign_all(run_cli, root)
    assert codes(root) == []
    after = (root / STORY).read_text(encoding="utf-8")
    # Only the review block was added; every other line is untouched, in order.
    assert [line for line in after.split("\n") if not line.startswith(("review:", "  first:", "  second:", "  final:"))] \
        == before.split("\n")
    today = dt.date.today().isoformat()
    assert f'  final: {{by: "终审人", date: {today}, hash: "sha256:' in after
    assert (root / "signoffs/stories/zhang-san/index.final.txt").is_file()


def test_stages_cannot_be_skipped(three_stage_site, run_cli):
    root = three_stage_site()
    before = (root / STORY).read_bytes()
    code, _, err = run_cli("sign", root / STORY, "--stage", "final", "--by", "终审人")
    assert code == 1 and "缺初审、复审" in err
    assert (root / STORY).read_bytes() == before


def test_content_with_errors_is_not_signed(three_stage_site, run_cli):
    root = three_stage_site()
    story = root / STORY
    story.write_text(story.read_text(encoding="utf-8").replace("region: 莲池区", "region: 火星"), encoding="utf-8")
    before = story.read_bytes()
    code, out, err = run_cli("sign", story, "--stage", "first", "--by", "初审人")
    assert code == 1 and "E204" in out and "改正后才能签发" in err
    assert story.read_bytes() == before


def test_editing_after_the_final_sign_off_is_an_error_until_signed_again(three_stage_site, run_cli):
    root = three_stage_site()
    sign_all(run_cli, root)
    story = root / STORY
    story.write_text(story.read_text(encoding="utf-8").replace("请把它换成真实的内容。", "他还培养了十名研究生。"),
                     encoding="utf-8")
    problems = [p for p in check(root).problems if str(p.file) == STORY]
    assert [p.code for p in problems] == ["E702"]
    assert "终审人" in problems[0].message and "exemplar diff stories/zhang-san/index.md" in problems[0].hint
    assert "hash" in story.read_text(encoding="utf-8").split("\n")[problems[0].line - 1]

    code, out, err = run_cli("diff", story)
    assert code == 1
    assert "-这是一篇示例人物故事。请把它换成真实的内容。" in out
    assert "+这是一篇示例人物故事。他还培养了十名研究生。" in out

    code, _, _ = run_cli("sign", story, "--stage", "final", "--by", "终审人")
    assert code == 0 and codes(root) == []
    code, out, _ = run_cli("diff", story)
    assert code == 0 and "没有改动" in out


def test_publication_bookkeeping_is_not_a_change(three_stage_site, run_cli):
    root = three_stage_site()
    story = root / STORY
    story.write_text(story.read_text(encoding="utf-8").replace("status: published", "status: review"), encoding="utf-8")
    sign_all(run_cli, root)
    text = story.read_text(encoding="utf-8").replace("status: review", "status: published")
    story.write_text(text.replace("published: 2021-05-28", "published: 2021-05-29\nupdated: 2021-06-01"),
                     encoding="utf-8")
    assert codes(root) == []


def test_swapping_a_photo_after_sign_off_is_a_change(three_stage_site, run_cli):
    root = three_stage_site()
    sign_all(run_cli, root)
    portrait = root / "stories/zhang-san/portrait.jpg"
    with Image.open(portrait) as image:
        image.rotate(180).save(portrait, "JPEG")
    assert [code for code, _ in codes(root)] == ["E702"]
    code, out, _ = run_cli("diff", root / STORY)
    assert code == 1 and "-portrait.jpg " in out and "+portrait.jpg " in out


def test_a_hand_written_final_stage_without_hash_is_refused_in_three_stage_campaigns(three_stage_site):
    root = three_stage_site()
    story = root / STORY
    review = "review:\n  first: {by: 甲, date: 2021-05-20}\n  second: {by: 乙, date: 2021-05-21}\n" \
             "  final: {by: 丙, date: 2021-05-22}\n"
    story.write_text(story.read_text(encoding="utf-8").replace("status: published", review + "status: published"),
                     encoding="utf-8")
    assert codes(root) == [("E703", 15)]


def test_signing_keeps_crlf_and_bom(make_site, run_cli):
    root = make_site()
    story = root / STORY
    story.write_bytes(b"\xef\xbb\xbf" + story.read_bytes().replace(b"\n", b"\r\n"))
    code, _, err = run_cli("sign", story, "--stage", "final", "--by", "终审人")
    assert code == 0, err
    data = story.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n  final: {by:" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert codes(root) == []


def test_sign_names_files_outside_a_site_clearly(tmp_path, run_cli):
    stray = tmp_path / "index.md"
    stray.write_text("---\nname: a\n---\n", encoding="utf-8")
    code, _, err = run_cli("sign", stray, "--stage", "final", "--by", "某人")
    assert code == 2 and "找不到 mkdocs.yml" in err


# ------------------------------------------------------------------ status

def test_status_lists_every_entry_with_its_next_step(three_stage_site, run_cli):
    root = three_stage_site()
    code, out, _ = run_cli("status", root)
    assert code == 1  # published without its sign-offs is an error
    story_line = next(line for line in out.splitlines() if STORY in line)
    assert "张三" in story_line and "已发布" in story_line
    assert "初审✗ 复审✗ 终审✗" in story_line and "3 错" in story_line
    assert "共 3 个条目：已发布 3，待审 0，草稿 0；2 个有错误，2 个待签发" in out

    sign_all(run_cli, root)
    story = root / STORY
    story.write_text(story.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    code, out, _ = run_cli("status", root)
    story_line = next(line for line in out.splitlines() if STORY in line)
    assert "初审✓ 复审✓ 终审!" in story_line and "签发后有改动" not in story_line  # errors come first
    assert "改正 1 个错误" in story_line


def test_status_of_a_draft_says_to_send_it_for_review(make_site, run_cli):
    root = make_site()
    story = root / STORY
    story.write_text(story.read_text(encoding="utf-8").replace("status: published", "status: draft"), encoding="utf-8")
    code, out, _ = run_cli("status", root)
    assert code == 0
    assert "草稿" in next(line for line in out.splitlines() if STORY in line)
    assert "status: review 送审" in out


# ------------------------------------------------------------------ consent

def test_children_need_a_guardians_consent(make_site):
    year = dt.date.today().year
    root = make_site()
    story = root / STORY
    text = story.read_text(encoding="utf-8").replace("gender: 男", f"gender: 男\nborn: {year - 12}")
    story.write_text(text, encoding="utf-8")
    problems = [p for p in check(root).problems if str(p.file) == STORY]
    assert [(p.code, p.line, p.field) for p in problems] == [("E604", 9, "consent.guardian")]
    story.write_text(text.replace("consent: {obtained: true,", "consent: {obtained: true, guardian: true,"),
                     encoding="utf-8")
    assert codes(root) == []
    story.write_text(text.replace(f"born: {year - 12}", f"born: {year - 15}"), encoding="utf-8")
    assert codes(root) == []


def test_photos_without_consent_never_reach_the_publish_set(make_site):
    root = make_site()
    story = root / STORY
    (root / "stories/zhang-san/family.jpg").write_bytes((root / "stories/zhang-san/portrait.jpg").read_bytes())
    story.write_text(story.read_text(encoding="utf-8").replace(
        "status: published", "photos:\n  - {file: portrait.jpg, caption: 在试验田}\n"
                             "  - {file: family.jpg, caption: 与家人, consent: false}\nstatus: published"),
        encoding="utf-8")
    result = check(root)
    assert result.ok, result.report()
    for drafts in (False, True):
        (exemplar,) = select(result.site, drafts=drafts).exemplars
        assert [p.caption for p in exemplar.photos] == ["在试验田"]


def test_a_portrait_without_consent_cannot_be_published(make_site):
    root = make_site()
    story = root / STORY
    story.write_text(story.read_text(encoding="utf-8").replace("credit: 示例插画}", "credit: 示例插画, consent: false}"),
                     encoding="utf-8")
    problems = [p for p in check(root).problems if str(p.file) == STORY]
    assert [(p.code, p.field) for p in problems] == [("E211", "portrait.consent")]


def test_originals_with_gps_are_flagged(make_site):
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (38.0, 52.0, 1.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 120, 60)).save(buffer, "JPEG", exif=exif)
    root = make_site({"stories/zhang-san/portrait.jpg": buffer.getvalue()})
    problems = [p for p in check(root).problems if str(p.file) == STORY]
    assert [(p.code, p.line, p.is_error) for p in problems] == [("W402", 11, False)]


# ------------------------------------------------------------------ GitHub annotations

def test_github_annotations_are_escaped_and_located(make_site, run_cli, monkeypatch):
    root = make_site()
    story = root / STORY
    story.write_text(story.read_text(encoding="utf-8").replace("region: 莲池区", "region: 火星"), encoding="utf-8")
    monkeypatch.chdir(root.parent)
    code, out, _ = run_cli("check", root.name, "--format", "github")
    assert code == 1
    (line,) = out.splitlines()
    assert line.startswith(f"::error file={root.name}/stories/zhang-san/index.md,line=4,col=9,title=E204 不在词表中的值::")
    assert "%0A提示：" in line and "\n" not in line
