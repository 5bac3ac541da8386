"""`exemplar fix`: house-style corrections applied only when asked, shown as a diff, backed up, round-tripping."""

from exemplar.pipeline import check

from conftest import copy_fixture_site

STORY = "stories/zhang-san/index.md"
STYLE_CODES = {"E801", "W801", "W802", "W803"}


def style_codes(root):
    return sorted(p.code for p in check(root).problems if p.code in STYLE_CODES)


def test_dry_run_shows_the_diff_and_changes_nothing(tmp_path, run_cli):
    root = copy_fixture_site("bad-house-style", tmp_path / "site")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, out, err = run_cli("fix", root, "--dry-run")
    assert code == 0
    assert "-affiliation: 测试科协农业科学研究所" in out and "+affiliation: 测试市科协农业科学研究所" in out
    assert "+他们在实验室里反复试验，使用 GPS 定位每一块试验田，效果很好。" in out
    assert "没有改动任何文件" in err
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_fix_round_trips_and_keeps_a_backup(tmp_path, run_cli):
    root = copy_fixture_site("bad-house-style", tmp_path / "site")
    story = root / STORY
    original = story.read_bytes()
    assert style_codes(root) == ["E801", "E801", "W802", "W802", "W803", "W803"]

    code, out, err = run_cli("fix", root)
    assert code == 0, err
    assert style_codes(root) == [] and check(root).ok  # the error terms are gone too
    text = story.read_text(encoding="utf-8")
    assert "2001 年，他来到测试市科协下属的研究所，在全国科技工作者日这天接受了采访。" in text
    assert "全国全国" not in text  # a term inside its right phrase is left alone
    # What must never change: keys, file names, URLs, vocabulary values, code.
    for kept in ("portrait: {file: portrait.jpg,", "url: https://example.cn/新闻/2021年", "region: 莲池区",
                 "代码里的测试科协和2021年不改"):
        assert kept in text, kept
    (backup,) = (root / "backups").iterdir()
    assert (backup / STORY).read_bytes() == original

    code, out, err = run_cli("fix", root)
    assert code == 0 and out == "" and "没有需要自动改正的地方" in err  # idempotent


def test_fix_keeps_windows_line_endings(tmp_path, run_cli):
    root = copy_fixture_site("bad-house-style", tmp_path / "site")
    story = root / STORY
    story.write_bytes(story.read_bytes().replace(b"\n", b"\r\n"))
    assert run_cli("fix", root)[0] == 0
    data = story.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert style_codes(root) == []


def test_fix_leaves_files_it_cannot_read_alone(tmp_path, run_cli):
    root = copy_fixture_site("bad-house-style", tmp_path / "site")
    story = root / STORY
    broken = story.read_text(encoding="utf-8").replace("region: 莲池区", "region： 莲池区")
    story.write_text(broken, encoding="utf-8")
    code, _, err = run_cli("fix", root)
    assert code == 0 and "跳过 stories/zhang-san/index.md" in err
    assert story.read_text(encoding="utf-8") == broken


def test_fix_refuses_without_a_readable_campaign(tmp_path, run_cli):
    root = copy_fixture_site("bad-house-style", tmp_path / "site")
    (root / "content/campaign.yml").write_text("name: [\n", encoding="utf-8")
    before = (root / STORY).read_bytes()
    code, _, err = run_cli("fix", root)
    assert code == 1 and "campaign.yml" in err
    assert (root / STORY).read_bytes() == before


def test_commented_out_yaml_is_not_prose(tmp_path, run_cli):
    root = copy_fixture_site("bad-house-style", tmp_path / "site")
    story = root / STORY
    comment = "# photos: [{file: a.jpg, caption: 测试科协在2021年,未发布}]"
    story.write_text(story.read_text(encoding="utf-8").replace("status: published", comment + "\nstatus: published"),
                     encoding="utf-8")
    line = story.read_text(encoding="utf-8").split("\n").index(comment) + 1
    assert not [p for p in check(root).problems if str(p.file) == STORY and p.line == line]
    run_cli("fix", root)
    assert comment in story.read_text(encoding="utf-8").split("\n")


def test_spacing_rules_can_be_turned_off(tmp_path, run_cli):
    # Some offices follow the print convention of no space between Chinese and digits (2021年).
    root = copy_fixture_site("bad-house-style", tmp_path / "site")
    campaign = root / "content/campaign.yml"
    campaign.write_text(campaign.read_text(encoding="utf-8").replace("rules:\n", "rules:\n  spacing: false\n"),
                        encoding="utf-8")
    assert style_codes(root) == ["E801", "E801", "W803", "W803"]
    run_cli("fix", root)
    text = (root / STORY).read_text(encoding="utf-8")
    assert "2001年，他来到测试市科协" in text and "使用GPS定位" in text and "实验室里" in text
    assert style_codes(root) == []
