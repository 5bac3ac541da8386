"""A rebuild keeps what did not change: MkDocs' pages (pagecache.py), rendered bodies and name
readings (stagecache.py), the gate's verdicts (gate.CleanFiles); the site is the one a cold build makes."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import copy_fixture_site

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
POISON = "STALE"
STAGE = Path(".cache/exemplar/stage.pickle")
PROFILE = Path("stories/zhang-san/index.html")


def build(root: Path, site: Path, *, cache: bool = True, ok: bool = True) -> subprocess.CompletedProcess:
    env = ENV if cache else {**ENV, "EXEMPLAR_NO_CACHE": "1"}
    result = subprocess.run([sys.executable, "-m", "exemplar", "build", str(root), "--site-dir", str(site)],
                            env=env, capture_output=True, text=True, timeout=300)
    assert (result.returncode == 0) == ok, result.stdout + result.stderr
    return result


def tree(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*"))
            if path.is_file()}


def poison_pages(root: Path, site: Path) -> None:
    """Write a marker into every page of the built site, keeping each file's size and time, and record
    the new digests: a page the next build keeps then shows the marker."""
    [path] = (root / ".cache" / "exemplar").glob("pages-*.pickle")  # the record of the one site folder built
    stored = pickle.loads(path.read_bytes())
    for dest, recorded in stored["entries"].items():
        file = site / dest
        status = file.stat()
        data = file.read_bytes()
        start = data.index(b"<title>") + len(b"<title>")
        end = data.index(b"</title>")
        title = POISON.encode().ljust(end - start)  # the same number of bytes, still UTF-8
        assert len(title) == end - start
        changed = data[:start] + title + data[end:]
        file.write_bytes(changed)
        os.utime(file, ns=(status.st_atime_ns, status.st_mtime_ns))
        stored["entries"][dest] = recorded._replace(digest=hashlib.sha256(changed).hexdigest())
    path.write_bytes(pickle.dumps(stored))


def poisoned(site: Path) -> set[str]:
    return {name for name, data in tree(site).items() if name.endswith(".html") and POISON.encode() in data}


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """The base site and its cold build (no cache at all)."""
    root = copy_fixture_site("base", tmp_path_factory.mktemp("rebuild") / "site")
    build(root, root / "cold", cache=False)
    return root


@pytest.fixture()
def site(cold, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(cold, root, ignore=shutil.ignore_patterns("cold", ".cache"))
    build(root, root / "site")
    return root


def test_a_rebuild_with_nothing_changed_keeps_every_page_and_gives_the_cold_site(site, cold):
    assert tree(site / "site") == tree(cold / "cold")
    build(site, site / "site")
    assert tree(site / "site") == tree(cold / "cold")
    poison_pages(site, site / "site")
    build(site, site / "site")
    pages = {name for name in tree(site / "site") if name.endswith("index.html")}
    assert poisoned(site / "site") == pages  # every page was kept, none rendered again


def test_a_kept_page_keeps_its_modification_time_so_browsers_keep_their_copy(site):
    """nginx's ETag and Last-Modified come from the file's size and time."""
    times = {path: path.stat().st_mtime_ns for path in (site / "site").rglob("index.html")}
    [record] = (site / ".cache" / "exemplar").glob("pages-*.pickle")
    recorded = record.stat().st_mtime_ns
    story = site / "stories" / "zhang-san" / "index.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    build(site, site / "site")
    changed = {path.relative_to(site / "site").as_posix() for path, time in times.items()
               if path.stat().st_mtime_ns != time}
    assert changed == {PROFILE.as_posix()}
    build(site, site / "site")  # nothing changed: the record is not written again either
    assert record.stat().st_mtime_ns != recorded
    recorded = record.stat().st_mtime_ns
    build(site, site / "site")
    assert record.stat().st_mtime_ns == recorded


def test_an_edited_story_renders_its_own_page_again_and_matches_a_cold_build(site, tmp_path):
    story = site / "stories" / "zhang-san" / "index.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n## 新的一节\n\n他在盐碱地上试种了耐盐小麦。\n",
                     encoding="utf-8")
    build(site, site / "site")
    build(site, tmp_path / "cold", cache=False)
    assert tree(site / "site") == tree(tmp_path / "cold")

    poison_pages(site, site / "site")
    story.write_text(story.read_text(encoding="utf-8") + "\n后来他又试种了耐盐水稻。\n", encoding="utf-8")
    build(site, site / "site")
    page = (site / "site" / PROFILE).read_text(encoding="utf-8")
    assert "耐盐水稻" in page and POISON not in page
    kept = poisoned(site / "site")
    assert PROFILE.as_posix() not in kept
    assert "index.html" in kept  # the home page does not show the story's text: kept


def test_a_settings_or_theme_change_renders_every_page_again(site):
    config = site / "mkdocs.yml"
    overrides = site / "overrides" / "partials"
    overrides.mkdir(parents=True)
    (overrides / "logo.html").write_text("<span>主办单位 甲</span>\n", encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace("  name: material\n",
                                                                 "  name: material\n  custom_dir: overrides\n"),
                      encoding="utf-8")
    build(site, site / "site")
    assert "主办单位 甲" in (site / "site" / PROFILE).read_text(encoding="utf-8")
    poison_pages(site, site / "site")
    (overrides / "logo.html").write_text("<span>主办单位 乙</span>\n", encoding="utf-8")
    build(site, site / "site")
    assert poisoned(site / "site") == set()
    assert "主办单位 乙" in (site / "site" / PROFILE).read_text(encoding="utf-8")
    poison_pages(site, site / "site")
    config.write_text(config.read_text(encoding="utf-8").replace("site_name: 科技工作者风采", "site_name: 科技之星"),
                      encoding="utf-8")
    build(site, site / "site")
    assert poisoned(site / "site") == set()
    assert "科技之星" in (site / "site" / PROFILE).read_text(encoding="utf-8")


def test_a_kept_page_changed_in_the_published_site_stops_the_build_and_the_next_build_mends_it(site, cold):
    page = site / "site" / PROFILE
    status = page.stat()
    data = page.read_bytes()
    page.write_bytes(data.replace("张三".encode(), "李四".encode(), 1))  # same size
    os.utime(page, ns=(status.st_atime_ns, status.st_mtime_ns))
    before = tree(site / "site")
    result = build(site, site / "site", ok=False)
    assert "stories/zhang-san/index.html 在上次构建之后被改动过" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert tree(site / "site") == before  # the published site is as it was
    build(site, site / "site")
    assert tree(site / "site") == tree(cold / "cold")


def test_a_page_removed_from_the_published_site_is_rendered_again(site, cold):
    (site / "site" / PROFILE).unlink()
    build(site, site / "site")
    assert tree(site / "site") == tree(cold / "cold")


def test_rendered_bodies_come_from_the_stage_cache_until_the_story_changes(site):
    stored = pickle.loads((site / STAGE).read_bytes())
    bodies = [key for key, value in stored["entries"].items() if dataclasses.is_dataclass(value)]
    assert bodies
    for key in bodies:
        value = stored["entries"][key]
        stored["entries"][key] = dataclasses.replace(value, html=value.html.replace("</p>", f"{POISON}</p>", 1))
    (site / STAGE).write_bytes(pickle.dumps(stored))
    build(site, site / "site")
    assert POISON in (site / "site" / PROFILE).read_text(encoding="utf-8")  # the remembered body was used
    story = site / "stories" / "zhang-san" / "index.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    build(site, site / "site")
    page = (site / "site" / PROFILE).read_text(encoding="utf-8")
    assert "补充一句。" in page and POISON not in page


def test_page_html_comes_from_the_stage_cache_until_what_it_shows_changes(site):
    """Each template's HTML is kept by a digest of the values it shows (stagecache.StageCache.template)."""
    folder = site / ".cache" / "exemplar" / "stage-html"
    kept = sorted(folder.iterdir())
    assert len(kept) > 10  # every page and head of the fixture site
    for file in kept:  # each file is the digest of its HTML, then the HTML: recorded as theirs
        html = f"<!-- {POISON} -->".encode() + file.read_bytes()[32:]
        file.write_bytes(hashlib.sha256(html).digest() + html)
    (folder / ".abandoned.123.tmp").write_text("half a page", encoding="utf-8")  # a killed build's
    build(site, site / "site")
    other = site / "site" / "about" / "index.html"
    assert POISON in (site / "site" / PROFILE).read_text(encoding="utf-8")
    assert POISON in other.read_text(encoding="utf-8")
    story = site / "stories" / "zhang-san" / "index.md"
    story.write_text(story.read_text(encoding="utf-8").replace("headline: ", "headline: 新"), encoding="utf-8")
    build(site, site / "site")
    profile = (site / "site" / PROFILE).read_text(encoding="utf-8")
    assert POISON not in profile.split("<article", 1)[1]  # its page is rendered again (its head too)
    assert POISON in other.read_text(encoding="utf-8")  # an unrelated page is still read back
    after = sorted(folder.iterdir())
    assert len(after) <= len(kept) and not any(f.name.endswith(".tmp") for f in after)  # stale ones removed


def test_page_html_damaged_in_the_cache_is_rendered_again(site, cold):
    """A crash can leave a cache file empty or cut short: such a file is never published."""
    folder = site / ".cache" / "exemplar" / "stage-html"
    for number, file in enumerate(sorted(folder.iterdir())):
        data = file.read_bytes()
        file.write_bytes(b"" if number % 2 else data[:len(data) // 2])
    shutil.rmtree(site / "site")
    build(site, site / "site")
    assert tree(site / "site") == tree(cold / "cold")


def test_a_replaced_photo_is_processed_again_even_with_its_name_and_size_kept(site):
    """The stage remembers photo digests by size, time and inode: a replaced file has a new inode or time."""
    from PIL import Image

    photo = site / "stories" / "zhang-san" / "portrait.jpg"
    before = {name for name in tree(site / "site") if name.startswith("assets/media/")}
    with Image.open(photo) as image:
        flipped = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        replacement = photo.with_name("replacement" + photo.suffix)
        flipped.save(replacement)
    os.replace(replacement, photo)
    build(site, site / "site")
    after = {name for name in tree(site / "site") if name.startswith("assets/media/")}
    assert after - before  # new variants, named by the new bytes


def test_a_small_rebuild_leaves_jieba_to_the_worker(site, cold):
    """The worker takes the few changed pages: this process never loads jieba's dictionary,
    and jieba is imported without pkg_resources (render.import_jieba_quickly), yet segments."""
    script = textwrap.dedent(f"""
        import sys
        import exemplar.plugin as plugin
        plugin.SEARCH_WORKER_MIN_PAGES = 0  # the fixture site is small; a campaign has thousands of pages
        from exemplar import cli
        code = cli.main(["build", {str(site)!r}, "--site-dir", {str(site / "site")!r}])
        import jieba
        print("jieba loaded here:", jieba.dt.initialized)
        print("pkg_resources imported:", "pkg_resources" in sys.modules)
        sys.exit(code)
    """)
    story = site / "stories" / "zhang-san" / "index.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n他在盐碱地上试种了耐盐小麦。\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", script], env=ENV, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "jieba loaded here: False" in result.stdout
    assert "pkg_resources imported: False" in result.stdout
    index = json.loads((site / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    words = [doc["text"] for doc in index["docs"] if "zhang-san" in doc["location"]]
    assert any("耐盐小麦" in text.replace("\u200b", "") for text in words)  # indexed by the worker
    assert any("\u200b" in text for text in words)  # segmented
