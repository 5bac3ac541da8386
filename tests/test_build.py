"""Building a site: the output is an allowlist, images are clean, swaps are atomic."""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from conftest import SITES
from exemplar.output import MARKER

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
SENTINEL = "这段草稿绝不能出现在公开网站上。"


def gps_jpeg(path: Path) -> None:
    image = Image.new("RGB", (800, 1000), (90, 120, 160))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (38.0, 52.0, 10.0), "E", (115.0, 28.0, 5.0)
    image.save(path, exif=exif, quality=85)
    assert Image.open(path).getexif().get_ifd(0x8825)  # the fixture really carries GPS


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The base site plus a draft (with a sentinel), a stray file and a photo with GPS EXIF."""
    from conftest import copy_fixture_site

    root = copy_fixture_site("base", tmp_path_factory.mktemp("build") / "site")
    draft = root / "stories" / "wang-caogao"
    draft.mkdir()
    (draft / "index.md").write_text(
        (SITES / "base/stories/zhang-san/index.md").read_text(encoding="utf-8")
        .replace("name: 张三", "name: 王草稿").replace("status: published", "status: draft")
        .replace("这是一篇示例人物故事。", SENTINEL), encoding="utf-8")
    (draft / "portrait.jpg").write_bytes((SITES / "base/stories/zhang-san/portrait.jpg").read_bytes())
    gps_jpeg(root / "stories" / "zhang-san" / "field.jpg")
    story = root / "stories" / "zhang-san" / "index.md"
    story.write_text(story.read_text(encoding="utf-8").replace(
        "status: published", "photos:\n  - {file: field.jpg, caption: 试验田}\nstatus: published"), encoding="utf-8")
    (root / "stories" / "zhang-san" / "报名表.xlsx").write_bytes(b"PK\x03\x04 secret")
    (root / "stories" / "zhang-san" / "notes.txt").write_text("内部备注：不要发布", encoding="utf-8")
    (root / "content" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    result = subprocess.run([sys.executable, "-m", "exemplar", "build", str(root)], env=ENV,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return root, root / "site", before


def all_output(site: Path):
    for path in sorted(site.rglob("*")):
        if path.is_file():
            yield path


def test_build_writes_the_pages_of_the_contract(built):
    _, site, _ = built
    for page in ("index.html", "stories/index.html", "stories/zhang-san/index.html", "activities/index.html",
                 "activities/2021-05-30-kejigongzuozhe-ri/index.html", "matters/index.html", "summary/index.html",
                 "about/index.html", "404.html", "stories/fields/农业科技/index.html",
                 "stories/regions/莲池区/index.html", "stories/era/current/index.html"):
        assert (site / page).is_file(), page
    assert (site / MARKER).exists()


def test_draft_leaks_nowhere(built):
    _, site, _ = built
    for path in all_output(site):
        data = path.read_bytes()
        for needle in ("王草稿", "wang-caogao", SENTINEL):
            assert needle.encode() not in data, f"{needle} leaked into {path.relative_to(site)}"


def test_stray_files_are_never_copied(built):
    _, site, _ = built
    names = {p.name for p in all_output(site)}
    assert not names & {"报名表.xlsx", "notes.txt", ".DS_Store", "index.md", "campaign.yml", "matters.yml",
                        "portrait.jpg", "field.jpg"}
    assert not any(b"secret" in p.read_bytes() for p in all_output(site) if p.suffix not in (".js",))


def test_output_images_carry_no_metadata(built):
    _, site, _ = built
    images = [p for p in all_output(site) if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp")
              and "media" in p.parts]
    assert images, "no processed images in the output"
    for path in images:
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info), (path, image.info.keys())
        assert b"PhoneMaker" not in path.read_bytes()


def test_pages_use_sized_variants(built):
    _, site, _ = built
    html = (site / "stories/zhang-san/index.html").read_text(encoding="utf-8")
    assert re.search(r'srcset="[^"]*assets/media/[0-9a-f]{12}-\d+\.(jpg|webp) \d+w', html)
    assert 'loading="lazy"' in html and 'alt="张三在试验田里查看麦穗' in html


def test_processed_photos_and_kits_are_linked_from_the_cache_not_copied(built):
    """render.CachedFile: no second copy on disk, and the same file (time, ETag) from build to build;
    editors' own files are never linked into the site."""
    root, site, _ = built

    def identity(path: Path) -> tuple[int, int]:
        status = path.stat()
        return status.st_dev, status.st_ino

    cached = {identity(p) for p in (root / ".cache" / "exemplar").rglob("*") if p.is_file()}
    photos = list((site / "assets" / "media").iterdir())
    assert photos and all(identity(p) in cached for p in photos)
    assert identity(site / "stories" / "zhang-san" / "press.docx") in cached
    editors = {identity(p) for folder in ("stories", "content") for p in (root / folder).rglob("*") if p.is_file()}
    assert not editors & {identity(p) for p in all_output(site)}


def test_editors_files_are_untouched(built):
    root, _, before = built
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and "site" not in p.relative_to(root).parts
             and ".cache" not in p.relative_to(root).parts}
    assert after == before


def test_no_external_resource_is_referenced(built):
    _, site, _ = built
    resource = re.compile(r'<(?:script|img|source|iframe|link)[^>]+(?:src|href|srcset)="(?:https?:)?//', re.I)
    css_import = re.compile(r"url\(\s*['\"]?(?:https?:)?//|@import\s+['\"]?(?:https?:)?//", re.I)
    for path in all_output(site):
        if path.name == "wechat.html":
            continue  # pasted into the WeChat editor: its images must be absolute URLs of the site itself
        if path.suffix in (".html", ".css"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in resource.finditer(text):
                assert "rel=\"canonical\"" in match.group(0), (path, match.group(0))
            assert not css_import.search(text), path


def test_a_failed_build_keeps_the_previous_site(built, tmp_path):
    root, site, _ = built
    before = (site / "index.html").read_bytes()
    story = root / "stories" / "zhang-san" / "index.md"
    original = story.read_text(encoding="utf-8")
    try:
        story.write_text(original.replace("region: 莲池区", "region: 不存在区"), encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "exemplar", "build", str(root)], env=ENV,
                                capture_output=True, text=True, timeout=300)
    finally:
        story.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert "stories/zhang-san/index.md:4:9: error E204" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert (site / "index.html").read_bytes() == before


def test_personal_data_injected_by_a_template_stops_the_build(built):
    """The last gate: check never sees templates, so the finished site itself is scanned."""
    root, site, _ = built
    before = {p.relative_to(site): p.read_bytes() for p in all_output(site)}
    config = root / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    override = root / "overrides" / "main.html"
    override.parent.mkdir()
    override.write_text('{% extends "base.html" %}\n{% block footer %}{{ super() }}'
                        "<p>值班手机 139 1234 5678，负责人身份证 11010519491231002X</p>{% endblock %}\n",
                        encoding="utf-8")
    try:
        config.write_text(original.replace("  language: zh\n", "  language: zh\n  custom_dir: overrides\n"),
                          encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "exemplar", "build", str(root)], env=ENV,
                                capture_output=True, text=True, timeout=300)
    finally:
        config.write_text(original, encoding="utf-8")
        override.unlink()
        override.parent.rmdir()
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "生成的网站里有个人信息" in output and "Traceback" not in output
    assert "index.html:" in output and "手机号码 139****5678" in output and "居民身份证号 1101**********002X" in output
    assert "13912345678" not in output and "11010519491231002X" not in output  # reported masked
    assert {p.relative_to(site): p.read_bytes() for p in all_output(site)} == before
    assert not [p for p in site.parent.iterdir() if "exemplar-tmp" in p.name]


def test_a_killed_build_leaves_the_previous_site_intact(built):
    root, site, _ = built
    before = {p.relative_to(site): p.read_bytes() for p in all_output(site)}
    for delay in (0.8, 2.0, 3.5):
        child = subprocess.Popen([sys.executable, "-m", "exemplar", "build", str(root)], env=ENV,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        after = {p.relative_to(site): p.read_bytes() for p in all_output(site)}
        assert after == before, f"site changed after a kill at {delay}s"


def test_refuses_a_site_dir_inside_content(base_site, run_cli):
    code, out, err = run_cli("build", base_site, "--site-dir", base_site / "content" / "out")
    assert code == 1 and "content/" in err
    assert not (base_site / "content" / "out").exists()


def test_relative_folders_are_taken_from_where_the_command_runs(base_site, tmp_path, monkeypatch):
    monkeypatch.chdir(base_site.parent)
    for argv, expected in (([base_site.name], base_site / "site"),
                           ([base_site.name, "--site-dir", "public"], base_site.parent / "public")):
        result = subprocess.run([sys.executable, "-m", "exemplar", "build", *argv], env=ENV,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        assert (expected / "index.html").is_file(), argv
    assert not (base_site / base_site.name / "site").exists() and not (base_site / "public").exists()


def test_hostile_markdown_is_neutralised_even_if_check_were_bypassed(base_site):
    """Defence in depth: the stage sanitizes whatever reaches it."""
    from exemplar.pipeline import check
    from exemplar.publish import select
    from exemplar.stage import stage

    site = check(base_site).site
    hostile = ('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[点我](javascript:alert(3))\n\n'
               '<iframe src="https://evil.example"></iframe>\n\n<a href="&#106;avascript:alert(4)">x</a>\n\n'
               '<svg onload=alert(5)></svg><style>body{display:none}</style>\n')
    exemplar = dataclasses.replace(site.exemplars[0], body=hostile)
    staged = stage(select(dataclasses.replace(site, exemplars=(exemplar,))), base_site)
    html = next(p.html for p in staged.pages if p.path == "stories/zhang-san/index.md")
    lowered = html.lower()
    for bad in ("<script", "onerror", "javascript:", "<iframe", "onload", "<style", "<svg"):
        assert bad not in lowered, bad


KIT = ("card.png", "poster.png", "qr.png", "qr.svg", "wechat.html", "press.docx", "press.txt", "press-kit.zip",
       "broadcast.txt")


def test_every_published_page_has_its_media_kit_and_drafts_none(built):
    root, site, _ = built
    for folder in ("stories/zhang-san", "activities/2021-05-30-kejigongzuozhe-ri"):
        for name in KIT:
            path = site / folder / name
            assert path.is_file() and path.stat().st_size > 0, path
    with Image.open(site / "stories/zhang-san/card.png") as card:
        assert card.size == (1200, 630)
    with Image.open(site / "stories/zhang-san/poster.png") as poster:
        assert poster.size == (1080, 1920)
    assert not (site / "stories" / "wang-caogao").exists()


def test_wechat_copy_refers_only_to_the_site_itself(built):
    _, site, _ = built
    text = (site / "stories/zhang-san/wechat.html").read_text(encoding="utf-8")
    hosts = set(re.findall(r'src="https?://([^/"]+)', text))
    assert hosts == {"example.cn"}
    assert "<a " not in text and "class=" not in text and "<style" not in text


def test_share_metadata_points_at_the_card(built):
    _, site, _ = built
    html = (site / "stories/zhang-san/index.html").read_text(encoding="utf-8")
    assert '<meta property="og:image" content="https://example.cn/stories/zhang-san/card.png">' in html
    assert '<meta property="og:url" content="https://example.cn/stories/zhang-san/">' in html
    assert '"@type": "Person"' in html and '<link rel="canonical"' in html
    assert 'class="md-button md-button--primary ex-copy-wechat" data-src="wechat.html"' in html


def test_feeds_list_published_entries_only(built):
    import json
    import xml.etree.ElementTree as ET

    _, site, _ = built
    rss = ET.fromstring((site / "feed.xml").read_bytes())
    links = [item.findtext("link") for item in rss.iter("item")]
    assert links == ["https://example.cn/activities/2021-05-30-kejigongzuozhe-ri/",
                     "https://example.cn/stories/zhang-san/"]
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["url"] for i in feed["items"]] == links
    assert "王草稿" not in (site / "feed.xml").read_text(encoding="utf-8")


def test_a_second_build_regenerates_no_media(built):
    root, site, _ = built
    cache = root / ".cache" / "exemplar"
    media = [cache / "media", cache / "images"]  # the kits and the processed photos
    before = {p: p.stat().st_mtime_ns for folder in media for p in folder.rglob("*") if p.is_file()}
    assert any("media" in p.parts for p in before) and any("images" in p.parts for p in before)
    result = subprocess.run([sys.executable, "-m", "exemplar", "build", str(root)], env=ENV,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    after = {p: p.stat().st_mtime_ns for folder in media for p in folder.rglob("*") if p.is_file()}
    assert after == before


def test_qr_codes_decode_to_the_canonical_url(built):
    from pyzbar.pyzbar import decode

    _, site, _ = built
    for folder in ("stories/zhang-san/", "activities/2021-05-30-kejigongzuozhe-ri/"):
        for name in ("qr.png", "poster.png"):
            with Image.open(site / folder / name) as image:
                found = [symbol.data.decode() for symbol in decode(image)]
            assert found == [f"https://example.cn/{folder}"], (folder, name, found)


def test_front_matter_values_are_escaped_in_every_page(base_site):
    """A name or headline full of markup prints as text: in cards, profiles, share tags and JSON-LD."""
    from exemplar.pipeline import check
    from exemplar.publish import select
    from exemplar.render import apply_meta
    from exemplar.stage import stage

    site = check(base_site).site
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    exemplar = dataclasses.replace(site.exemplars[0], name="张" + evil, headline="标题" + evil,
                                   summary=site.exemplars[0].summary + evil, quote=evil)
    staged = stage(select(dataclasses.replace(site, exemplars=(exemplar,))), base_site, media=False)
    for page in staged.pages:
        for text in (page.html, page.head):
            assert "<script>alert" not in text and "<img src=x" not in text, page.path
    profile = next(p for p in staged.pages if p.path == "stories/zhang-san/index.md")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in profile.html
    assert "\\u003cscript\\u003e" in profile.head  # inside JSON-LD

    class FakePage:
        meta: dict = {}

    page = FakePage()
    apply_meta(page, profile)
    assert "<script>" not in str(page.meta["title"]) and "&lt;script&gt;" in str(page.meta["title"])
