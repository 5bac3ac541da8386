"""The site directory: refused where dangerous, replaced atomically, locked."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from exemplar import output
from exemplar.output import MARKER, SiteDirError, check_target, finish, prepare


def test_refuses_the_site_root_its_parent_and_content_folders(base_site):
    for target in (base_site, base_site.parent, base_site / "content", base_site / "stories" / "x",
                   base_site / "content" / "pages"):
        with pytest.raises(SiteDirError):
            check_target(base_site, target)


def test_refuses_a_non_empty_folder_it_did_not_create(base_site):
    target = base_site / "site"
    target.mkdir()
    (target / "important.docx").write_bytes(b"x")
    with pytest.raises(SiteDirError, match="不是空目录"):
        check_target(base_site, target)
    assert (target / "important.docx").exists()


def test_accepts_an_empty_folder_and_its_own_output(base_site):
    target = base_site / "site"
    target.mkdir()
    check_target(base_site, target)
    (target / MARKER).write_text("x")
    (target / "index.html").write_text("old")
    check_target(base_site, target)


def test_swap_replaces_the_whole_site(base_site):
    target = base_site / "site"
    first = prepare(base_site, target)
    (first.temporary / "index.html").write_text("v1")
    (first.temporary / "old-only.html").write_text("gone next time")
    finish(first)
    second = prepare(base_site, target)
    (second.temporary / "index.html").write_text("v2")
    finish(second)
    assert (target / "index.html").read_text() == "v2"
    assert not (target / "old-only.html").exists()
    assert (target / MARKER).exists()
    assert [p.name for p in base_site.iterdir() if "exemplar-tmp" in p.name] == []


def test_abandoned_build_leaves_the_previous_site(base_site):
    target = base_site / "site"
    first = prepare(base_site, target)
    (first.temporary / "index.html").write_text("v1")
    finish(first)
    second = prepare(base_site, target)
    (second.temporary / "index.html").write_text("half")
    second.abandon()
    assert (target / "index.html").read_text() == "v1"
    assert not second.temporary.exists()


def test_a_killed_build_leaves_the_previous_site_and_is_cleaned_up(base_site):
    target = base_site / "site"
    first = prepare(base_site, target)
    (first.temporary / "index.html").write_text("v1")
    finish(first)
    script = textwrap.dedent(f"""
        import os, time
        from pathlib import Path
        from exemplar.output import prepare
        out = prepare(Path({str(base_site)!r}), Path({str(target)!r}))
        (out.temporary / "index.html").write_text("partial")
        print("ready", flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert (target / "index.html").read_text() == "v1"
    leftovers = [p for p in base_site.iterdir() if "exemplar-tmp" in p.name]
    assert len(leftovers) == 1
    third = prepare(base_site, target)  # the lock died with the process; the leftover is removed
    assert [p for p in base_site.iterdir() if "exemplar-tmp" in p.name] == [third.temporary]
    third.abandon()


@pytest.mark.parametrize("rm", ["rm", None])
def test_the_previous_site_is_removed_whole_with_or_without_rm(tmp_path, monkeypatch, rm):
    old = tmp_path / ".site.exemplar-tmp-1-abcd"
    for folder in ("stories/zhang-san", "assets/media", "深/层/目录"):
        (old / folder).mkdir(parents=True)
        (old / folder / "index.html").write_text("<p>旧</p>", encoding="utf-8")
    (old / "stories" / "link").symlink_to(tmp_path / "keep")  # a link is removed, never followed
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "file").write_text("kept", encoding="utf-8")
    if rm is None:
        monkeypatch.setattr(output.shutil, "which", lambda name: None)
    output.remove_tree(old)
    assert not old.exists()
    assert (tmp_path / "keep" / "file").read_text(encoding="utf-8") == "kept"
