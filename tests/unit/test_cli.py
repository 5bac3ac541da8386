"""The exemplar command: exit codes, output formats, scaffolding that never overwrites."""

import json
import os
import subprocess
import sys
from pathlib import Path

from exemplar.pipeline import check
from exemplar.cli import COMMANDS


def test_check_clean_site_prints_nothing_and_exits_0(base_site, run_cli):
    assert run_cli("check", base_site) == (0, "", "")


def test_check_reports_located_problem_and_exits_1(make_site, run_cli):
    root = make_site({"stories/li-si/index.md": "---\nname: 李四\n---\n"})
    code, out, err = run_cli("check", root)
    assert code == 1
    assert out.startswith("stories/li-si/index.md:2:1: error E202 ")
    assert "个错误" in err


def test_check_json_has_the_same_problems(make_site, run_cli):
    root = make_site({"stories/li-si/index.md": "---\nname: 李四\nregoin: x\n---\n"})
    code, out, _ = run_cli("check", "--format", "json", root)
    data = json.loads(out)
    assert code == 1 and data["errors"] == len(data["problems"]) >= 2
    unknown = next(p for p in data["problems"] if p["code"] == "E201")
    assert unknown == {"code": "E201", "severity": "error", "file": "stories/li-si/index.md", "line": 3,
                       "column": 1, "field": "regoin", "message": "未知的字段“regoin”",
                       "hint": "是否想写“region”？"}


def test_usage_errors_exit_2(run_cli, tmp_path):
    assert run_cli("check", tmp_path / "nowhere")[0] == 2
    assert run_cli("bogus")[0] == 2
    assert run_cli("new", "story", "Zhang San", "--name", "张三", "--root", tmp_path)[0] == 2
    assert run_cli()[0] == 2


def test_init_creates_a_site_that_passes_check(tmp_path, run_cli):
    code, out, _ = run_cli("init", tmp_path / "s")
    assert code == 0 and "创建" in out
    result = check(tmp_path / "s")
    assert result.ok and result.problems == []
    assert [e.slug for e in result.site.exemplars] == ["zhang-san"]
    assert len(result.site.activities) == 1 and len(result.site.matters) == 1


def test_init_never_overwrites(tmp_path, run_cli):
    target = tmp_path / "s"
    (target / "content").mkdir(parents=True)
    (target / "content" / "campaign.yml").write_text("mine", encoding="utf-8")
    code, out, _ = run_cli("init", target)
    assert code == 0 and "跳过" in out
    assert (target / "content" / "campaign.yml").read_text(encoding="utf-8") == "mine"
    assert (target / "stories" / "zhang-san" / "index.md").exists()


def test_new_story_is_a_valid_draft_with_every_field_shown(base_site, run_cli):
    code, out, _ = run_cli("new", "story", "li-si", "--name", "李四", "--root", base_site)
    assert code == 0
    text = (base_site / "stories/li-si/index.md").read_text(encoding="utf-8")
    for field in ("name:", "affiliation:", "region:", "fields:", "headline:", "summary:", "# portrait:",
                  "# photos:", "# honors:", "# consent:", "# related:", "status: draft", "# name_pinyin:"):
        assert field in text
    assert "name: 李四" in text and "region: 莲池区" in text  # the first value of the vocabulary
    result = check(base_site)
    assert result.ok, result.problems
    li = next(e for e in result.site.exemplars if e.slug == "li-si")
    assert li.publication.status == "draft"


def test_new_activity_folder_carries_the_date(base_site, run_cli):
    code, _, _ = run_cli("new", "activity", "kepu", "--date", "2021-09-18", "--title", "科普日活动",
                         "--root", base_site)
    assert code == 0
    assert check(base_site).ok
    assert "title: 科普日活动" in (base_site / "content/activities/2021-09-18-kepu/index.md").read_text(encoding="utf-8")


def test_new_never_overwrites(base_site, run_cli):
    path = base_site / "stories/zhang-san/index.md"
    before = path.read_bytes()
    code, _, err = run_cli("new", "story", "zhang-san", "--name", "张三", "--root", base_site)
    assert code == 1 and "已存在" in err
    assert path.read_bytes() == before


def test_bad_activity_date_is_a_usage_error(base_site, run_cli):
    code, _, err = run_cli("new", "activity", "x", "--date", "2021-02-30", "--title", "t", "--root", base_site)
    assert code == 2 and "YYYY-MM-DD" in err


def test_codes_lists_the_catalogue(run_cli):
    code, out, _ = run_cli("codes", "--markdown")
    assert code == 0 and "| E204 |" in out and "| W201 |" in out


def test_readme_catalogue_matches_the_code():
    from conftest import REPO
    from exemplar.problems import catalogue_markdown

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- catalogue:start -->\n")[1].split("<!-- catalogue:end -->")[0]
    assert table == catalogue_markdown()


def test_build_without_a_cjk_font_fails_cleanly(base_site, run_cli, monkeypatch):
    monkeypatch.setenv("EXEMPLAR_FONT", str(base_site / "no-such-font.otf"))
    code, out, err = run_cli("build", base_site)
    assert code == 1
    assert "Traceback" not in out + err and "no-such-font.otf" in err
    assert not (base_site / "site").exists()


def test_pre_commit_hook_runs_check_on_content_changes():
    import re

    import yaml

    (hook,) = yaml.safe_load((Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "exemplar-check" and hook["language"] == "python" and hook["pass_filenames"] is False
    command = hook["entry"].split()
    assert command[0] == "exemplar" and command[1] in COMMANDS  # the console script and a real subcommand
    files = re.compile(hook["files"])
    for path in ("stories/zhang-san/index.md", "stories/zhang-san/portrait.jpg", "content/campaign.yml",
                 "content/activities/2021-05-30-a/index.md", "signoffs/stories/zhang-san/index.final.txt", "mkdocs.yml"):
        assert files.search(path), path
    for path in ("generator/cli.py", "README.md", "site/index.html", "docs/mkdocs.yml.bak"):
        assert not files.search(path), path


def test_the_command_line_prints_every_problem_before_it_exits(make_site, run_cli):
    """`check` ends its process without the usual teardown: nothing printed may be lost, even into a pipe."""
    root = make_site({"stories/li-si/index.md": "---\nname: 李四\nregoin: x\n---\n", "content/matters.yml": "- id: [\n"})
    code, expected_out, expected_err = run_cli("check", root)
    assert code == 1 and expected_out
    env = {**os.environ, "EXEMPLAR_NO_CACHE": "1"}
    result = subprocess.run([sys.executable, "-m", "exemplar", "check", str(root)], capture_output=True,
                            text=True, env=env, timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (1, expected_out, expected_err)
    clean = subprocess.run([sys.executable, "-m", "exemplar", "check", str(root.parent / "missing")],
                           capture_output=True, text=True, timeout=120)
    assert clean.returncode == 2 and "目录不存在" in clean.stderr
