"""The hostile corpus: what an editor's files can throw at `exemplar check` and the build.

One table, one row per attack. Each row lays files over tests/sites/base and
states the exact outcome:

- ``problems``: every problem `exemplar check --format json` reports, as
  ``"FILE:LINE:COLUMN CODE"`` (plus, after a space, a fragment its message must
  contain), in the order check prints them; ``()`` means the content is accepted.
  No traceback, and the exit code follows the errors.
- ``html``: for Markdown, the exact HTML the sanitizer lets through
  (``exemplar.markup.render_markdown``), so what check accepts or the build
  would meet is pinned too.
- ``isolate``: pathological input, checked (``exemplar check``) and rendered
  (``render_markdown``) in a subprocess under a timeout: a hang fails the test
  instead of stalling CI.

The second table, ``BUILT``, is content that check accepts but that carries
markup in front-matter text (names, headlines, alt text, captions, link titles,
campaign and vocabulary values): one build of all of it together, then the exact
escaped text is looked up in the built pages and the live markup in none.

The tests/sites/bad-* fixtures already cover: an alias bomb in a story, a
python tag, a top-level duplicate key, a GBK story, a PNG bomb, a text file
named .jpg, a truncated JPEG, an image symlink, ``..`` and remote portrait
paths, javascript: in ``links`` and in Markdown links, data: images, raw
<img>, <script> and onclick in Markdown, and lists nested 25 deep (17 attacks,
summed in the last test); none of them is repeated here.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from conftest import SITES, copy_fixture_site
from exemplar.markup import render_markdown

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
TIMEOUT = 20  # seconds for one pathological check; every one of them takes under 3 on this machine

LI_SI = "stories/li-si/index.md"
HEAD = """---
name: 李四
affiliation: 某医院
region: 竞秀区
fields: [医疗卫生]
headline: 基层医生
summary: 李四扎根基层三十年，走遍全区一百多个村庄，为群众义诊十万余人次，培养乡村医生两百余名，被群众称为“健康守门人”，多次获得市级表彰和奖励。
"""
CAMPAIGN = (SITES / "base/content/campaign.yml").read_text(encoding="utf-8")
MATTERS = (SITES / "base/content/matters.yml").read_text(encoding="utf-8")
PORTRAIT = (SITES / "base/stories/zhang-san/portrait.jpg").read_bytes()
# the activity of the base site lists a matter: when matters.yml cannot be read, that reference breaks too
MATTER_REF = "content/activities/2021-05-30-kejigongzuozhe-ri/index.md:8:11 E302"


def story(front: str = "", body: str = "") -> str:
    """A draft story; ``front`` lines start at line 8, ``body`` two lines after the line "正文。"."""
    return HEAD + front + "status: draft\n---\n\n正文。\n" + (f"\n{body}\n" if body else "")


def portrait(name: str) -> str:
    return f"portrait: {{file: {name}, alt: 李四}}\n"


# ------------------------------------------------------------------ byte makers

def _png(width: int = 400, height: int = 500) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


def _encoded(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 500), (40, 90, 160)).save(out, kind)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_bomb() -> bytes:
    """A valid PNG header claiming 100,000 × 100,000 pixels (10 gigapixels) over 1 KB of data."""
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\0" * 1000))
            + _chunk(b"IEND", b""))


def _jpeg_claiming(width: int, height: int) -> bytes:
    data = _encoded("JPEG")
    sof = data.index(b"\xff\xc0")
    return data[:sof + 5] + struct.pack(">HH", height, width) + data[sof + 9:]


def _symlink(target: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(target)
    return make


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _directory(path: Path) -> None:
    path.mkdir()
    (path / "x").write_text("x", encoding="utf-8")


OUTSIDE = f"/tmp/exemplar-hostile-outside-{os.getpid()}"  # made by the fixture below: outside every site


# ------------------------------------------------------------------ the table

@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes | Callable[[Path], None]]
    problems: tuple[str, ...]
    html: tuple[str, str] | None = None  # (Markdown, the exact sanitized HTML)
    isolate: bool = False


def md(id: str, body: str, problems: tuple[str, ...], html: str) -> Case:
    """A Markdown body in a story: check's verdict and the sanitizer's output."""
    return Case(id, {LI_SI: story(body=body)}, problems, (body, html))


ALIAS_BOMB = "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
                     for p, c in zip(" abcdefgh", "abcdefghi"))

CASES = [
    # --------------------------------------------------------------- YAML traps
    Case("yaml-billion-laughs-in-matters", {"content/matters.yml": ALIAS_BOMB},
         (MATTER_REF, "content/matters.yml:1:4 E109 &a")),
    Case("yaml-merge-key-with-alias", {LI_SI: story("consent: &c {obtained: true}\nportrait:\n  <<: *c\n")},
         (f"{LI_SI}:8:10 E109 &c",)),
    Case("yaml-merge-key-without-alias", {LI_SI: story("<<: {title: 研究员}\n")},
         (f"{LI_SI}:8:1 E201 <<",)),
    Case("yaml-deep-flow-nesting", {LI_SI: story("tags: " + "[" * 200 + "]" * 200 + "\n")},
         (f"{LI_SI}:8:70 E104 64",)),
    Case("yaml-deep-block-nesting", {LI_SI: story("tags:\n" + "".join(" " * (2 * i) + "-\n" for i in range(100)))},
         (f"{LI_SI}:72:127 E104 64",)),
    Case("yaml-binary-tag", {LI_SI: story("quote: !!binary aGVsbG8=\n")}, (f"{LI_SI}:8:8 E110 !!binary",)),
    Case("yaml-tag-directive-python", {"content/matters.yml": '%TAG !py! tag:yaml.org,2002:python/\n---\n'
                                                              '- !py!object/apply:os.system ["id"]\n'},
         (MATTER_REF, "content/matters.yml:3:3 E110 !!python/object/apply:os.system")),
    Case("yaml-local-tag-in-campaign", {"content/campaign.yml": CAMPAIGN.replace("theme: ", "theme: !custom ")},
         ("content/campaign.yml:4:8 E110 !custom",)),
    Case("yaml-duplicate-key-in-flow-mapping", {LI_SI: story("consent: {obtained: false, obtained: true}\n")},
         (f"{LI_SI}:8:28 E108 第 8 行",)),
    Case("yaml-duplicate-key-quoted", {LI_SI: story('"name": 王五\n')}, (f"{LI_SI}:8:1 E108 第 2 行",)),
    Case("yaml-second-document", {"content/campaign.yml": CAMPAIGN + "---\nname: 另一个活动\n"},
         ("content/campaign.yml:18:1 E104 一个文件里只能有一个 YAML 文档",)),
    Case("yaml-huge-scalar", {LI_SI: story("quote: " + "长" * 300_000 + "\n")},
         (f"{LI_SI}:8:8 E207 300000",)),
    Case("yaml-huge-key", {LI_SI: story("k" * 200_000 + ": 1\n")}, (f"{LI_SI}:8:200001 E104",)),
    Case("yaml-control-character", {LI_SI: story("title: 研究\x07员\n")}, (f"{LI_SI}:8:10 E101 U+0007",)),
    Case("yaml-control-character-by-escape", {LI_SI: story('title: "研究\\x1b[2J员"\n')},
         (f"{LI_SI}:8:8 E104 控制字符",)),
    Case("yaml-nul", {LI_SI: story("title: 研究\x00员\n")}, (f"{LI_SI}:8:10 E101 NUL",)),
    Case("yaml-nul-by-escape-in-image-path", {LI_SI: story('portrait: {file: "portrait.jpg\\0.png", alt: 李四}\n')},
         (f"{LI_SI}:8:18 E104 控制字符",)),
    Case("yaml-line-separator", {LI_SI: story("title: 研究\u2028员\n")}, (f"{LI_SI}:8:10 E104 U+2028",)),
    # ------------------------------------------------------------------ encodings
    Case("utf16-with-bom", {LI_SI: story().encode("utf-16")}, (f"{LI_SI}:1:1 E101 UTF-16",)),
    Case("utf16-without-bom", {LI_SI: story().encode("utf-16-le")}, (f"{LI_SI}:2:16 E101 UTF-8",)),
    Case("utf32", {LI_SI: story().encode("utf-32")}, (f"{LI_SI}:1:1 E101",)),
    Case("bom-and-crlf-keep-positions",
         {LI_SI: b"\xef\xbb\xbf" + story().replace("竞秀区", "北京").replace("\n", "\r\n").encode()},
         (f"{LI_SI}:4:9 E204 北京",)),
    Case("mixed-newlines-keep-positions",
         {LI_SI: story().replace("竞秀区", "北京").replace("\n", "\r", 2).replace("\n", "\r\n", 2).encode()},
         (f"{LI_SI}:4:9 E204 北京",)),
    Case("invalid-utf8-in-body", {LI_SI: story().encode() + "\n中文 ab".encode() + b"\xff\xfe cd\n"},
         (f"{LI_SI}:13:6 E101",)),
    Case("overlong-utf8-slash", {LI_SI: story().encode().replace("正文".encode(), b"\xc0\xaf")},
         (f"{LI_SI}:11:1 E101",)),
    Case("gbk-campaign", {"content/campaign.yml": CAMPAIGN.encode("gbk")}, ("content/campaign.yml:1:7 E101 GBK",)),
    Case("terminal-escape-in-body", {LI_SI: story(body="正文\x1b[2J\x1b[31m红字")}, (f"{LI_SI}:13:3 E101 U+001B",)),
    # ------------------------------------------------------------- links: fields
    Case("links-data-url", {LI_SI: story("links:\n  - {title: 链接, url: 'data:text/html,<script>alert(1)</script>'}\n")},
         (f"{LI_SI}:9:22 E210 data:",)),
    Case("links-vbscript", {LI_SI: story("links:\n  - {title: 链接, url: 'vbscript:msgbox(1)'}\n")},
         (f"{LI_SI}:9:22 E210 vbscript:",)),
    Case("links-javascript-mixed-case-and-space",
         {LI_SI: story("links:\n  - {title: 链接, url: ' JaVaScRiPt:alert(1)'}\n")}, (f"{LI_SI}:9:22 E210",)),
    Case("links-javascript-with-tab", {LI_SI: story('links:\n  - {title: 链接, url: "java\\tscript:alert(1)"}\n')},
         (f"{LI_SI}:9:22 E210",)),
    Case("links-protocol-relative", {LI_SI: story("links:\n  - {title: 链接, url: //evil.example/x}\n")},
         (f"{LI_SI}:9:22 E210 //evil.example/x",)),
    # ------------------------------------------------------------- Markdown bodies
    md("md-iframe", '<iframe src="https://evil.example/"></iframe>', (f"{LI_SI}:13:1 E501 <iframe>",), ""),
    md("md-svg-onload", "前文<svg onload=alert(1)><circle r=1 /></svg>后文",
       (f"{LI_SI}:13:3 E501 <svg>", f"{LI_SI}:13:24 E501 <circle>"), "<p>前文后文</p>"),
    md("md-entity-tab-javascript", "[点我](jav&#x09;ascript:alert(1))", (f"{LI_SI}:13:6 E502 javascript:",),
       "<p><a>点我</a></p>"),
    md("md-entity-newline-javascript", "[点我](jav&#x0A;ascript:alert(1))", (f"{LI_SI}:13:6 E502 javascript:",),
       "<p><a>点我</a></p>"),
    md("md-decimal-entity-javascript", "[点我](&#106;avascript:alert(1))", (f"{LI_SI}:13:6 E502 javascript:",),
       "<p><a>点我</a></p>"),
    md("md-backslash-javascript", "[点我](javascript\\:alert(1))", (f"{LI_SI}:13:6 E502",), "<p><a>点我</a></p>"),
    md("md-reference-javascript", "[点我][r]\n\n[r]: javascript:alert(1)", (f"{LI_SI}:15:6 E502 javascript:",),
       "<p><a>点我</a></p>"),
    md("md-angle-javascript", "[点我](<javascript:alert(1)>)",
       (f"{LI_SI}:13:6 E501", f"{LI_SI}:13:7 E502 javascript:"), "<p><a>点我</a></p>"),
    md("md-vbscript-link", "[点我](vbscript:msgbox(1))", (f"{LI_SI}:13:6 E502 vbscript:",), "<p><a>点我</a></p>"),
    md("md-data-html-link", "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
       (f"{LI_SI}:13:6 E502 data:",), "<p><a>点我</a></p>"),
    md("md-javascript-image", "![图](javascript:alert(1))", (f"{LI_SI}:13:6 E502 javascript:",),
       '<figure><img alt="图" decoding="async" loading="lazy"><figcaption>图</figcaption>\n</figure>'),
    md("md-backslash-host", "[x](\\\\evil.example\\a)", (f"{LI_SI}:13:5 E502 反斜杠",), "<p><a>x</a></p>"),
    md("md-backslash-slash-host", "[x](\\/evil.example/a)", (f"{LI_SI}:13:5 E502 反斜杠",), "<p><a>x</a></p>"),
    md("md-abrupt-comment", "<!--><script>alert(1)</script>-->", (f"{LI_SI}:13:1 E501 注释",), "--&gt;"),
    md("md-noscript-mutation", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
       (f"{LI_SI}:13:1 E501 <noscript>", f"{LI_SI}:13:11 E501 <p>"), '<img src="x">"&gt;'),
    md("md-style", "<style>body{display:none}</style>正文", (f"{LI_SI}:13:1 E501 <style>",), "\n<p>正文</p>"),
    md("md-details-ontoggle", "<details open ontoggle=alert(1)>x</details>", (f"{LI_SI}:13:1 E501 <details>",),
       "x"),
    md("md-split-script-tag", "<scr<script>ipt>alert(1)</script>",
       (f"{LI_SI}:13:1 E501", f"{LI_SI}:13:25 E501 <script>"), "<p>&lt;scr</p>"),
    md("md-code-stays-text", "`<script>alert(1)</script>`", (),
       "<p><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></p>"),
    md("md-quote-breakout-in-url", '[x](https://example.cn/"onmouseover="alert(1))', (),
       '<p><a href="https://example.cn/&quot;onmouseover=&quot;alert(1" rel="noopener noreferrer">x</a>)</p>'),
    md("md-unclosed-tag-stays-text", "<img src=x onerror=alert(1)//", (),
       "<p>&lt;img src=x onerror=alert(1)//</p>"),
    # ------------------------------------------------------- paths and symlinks
    Case("image-absolute-path", {LI_SI: story(portrait("/etc/passwd"))}, (f"{LI_SI}:8:18 E401 /etc/passwd",)),
    Case("image-windows-drive", {LI_SI: story('portrait: {file: "C:\\\\Windows\\\\win.ini", alt: 李四}\n')},
         (f"{LI_SI}:8:18 E401",)),
    Case("image-backslash-traversal",
         {LI_SI: story('portrait: {file: "..\\\\zhang-san\\\\portrait.jpg", alt: 李四}\n')},
         (f"{LI_SI}:8:18 E401 指向本条目目录之外",)),
    Case("image-file-url", {LI_SI: story(portrait("'file:///etc/passwd'"))}, (f"{LI_SI}:8:18 E401",)),
    Case("image-unc-path", {LI_SI: story(portrait("//server/share/a.jpg"))}, (f"{LI_SI}:8:18 E401",)),
    Case("image-percent-encoded-traversal", {LI_SI: story(portrait("..%2Fzhang-san%2Fportrait.jpg"))},
         (f"{LI_SI}:8:18 E402",)),
    Case("image-is-a-directory", {LI_SI: story(portrait("album.jpg")), "stories/li-si/album.jpg": _directory},
         (f"{LI_SI}:8:18 E402",)),
    Case("image-is-a-fifo", {LI_SI: story(portrait("pipe.jpg")), "stories/li-si/pipe.jpg": _fifo},
         (f"{LI_SI}:8:18 E402",), isolate=True),  # opening a FIFO would block for ever
    Case("body-images-outside-the-bundle",
         {LI_SI: story(body="![a](/etc/passwd)\n\n![b](C:\\x.jpg)\n\n![c](..%2Fzhang-san%2Fportrait.jpg)\n\n"
                            "![d](file:///etc/passwd)")},
         (f"{LI_SI}:13:6 E401", f"{LI_SI}:15:6 E502 c:", f"{LI_SI}:17:6 E402", f"{LI_SI}:19:6 E502 file:")),
    Case("symlinked-bundle-folder", {"stories/li-si": _symlink(OUTSIDE)}, (f"{LI_SI}:1:1 E403 符号链接",)),
    Case("symlinked-page", {"content/pages/passwd.md": _symlink("/etc/passwd")},
         ("content/pages/passwd.md:1:1 E403 符号链接",)),
    Case("symlinked-matters", {"content/matters.yml": _symlink(f"{OUTSIDE}/matters.yml")},
         (MATTER_REF, "content/matters.yml:1:1 E403 符号链接")),
    Case("symlinked-pages-folder", {"content/pages": _symlink(OUTSIDE)}, ("content/pages:: E403 站点目录之外",)),
    # -------------------------------------------------- image bombs and damage
    Case("png-bomb-in-body", {LI_SI: story(body="![炸弹](bomb.png)"), "stories/li-si/bomb.png": _png_bomb()},
         (f"{LI_SI}:13:7 E405",)),
    Case("jpeg-header-claiming-4-gigapixels",
         {LI_SI: story(portrait("p.jpg")), "stories/li-si/p.jpg": _jpeg_claiming(65535, 65535)},
         (f"{LI_SI}:8:18 E405",)),
    Case("zero-byte-image", {LI_SI: story(portrait("p.jpg")), "stories/li-si/p.jpg": b""}, (f"{LI_SI}:8:18 E404",)),
    Case("truncated-png", {LI_SI: story(portrait("p.png")), "stories/li-si/p.png": _png()[:len(_png()) // 2]},
         (f"{LI_SI}:8:18 E406",)),
    Case("truncated-webp", {LI_SI: story(portrait("p.webp")), "stories/li-si/p.webp": _encoded("WEBP")[:-10]},
         (f"{LI_SI}:8:18 E406",)),
    Case("gif-named-png", {LI_SI: story(portrait("p.png")), "stories/li-si/p.png": _encoded("GIF")},
         (f"{LI_SI}:8:18 E404 GIF",)),
    Case("svg-with-script", {LI_SI: story(portrait("p.svg")),
                             "stories/li-si/p.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'},
         (f"{LI_SI}:8:18 E404",)),
    Case("jpeg-with-html-appended-is-re-encoded",
         {LI_SI: story(portrait("p.jpg")), "stories/li-si/p.jpg": PORTRAIT + b"<script>alert(1)</script>"}, ()),
    # -------------------------------------------------------------- huge files
    Case("index-md-of-2-mb", {LI_SI: story(body="正" * 700_000)}, (f"{LI_SI}:1:1 E111",), isolate=True),
    Case("campaign-of-2-mb", {"content/campaign.yml": CAMPAIGN + "# " + "x" * 2_000_000 + "\n"},
         ("content/campaign.yml:1:1 E111",), isolate=True),
    # ---------------------------------------------------- pathological Markdown
    Case("md-20000-open-brackets", {LI_SI: story(body="[" * 20_000)}, (f"{LI_SI}:10:1 E504",), isolate=True),
    Case("md-40000-open-brackets-after-chinese", {LI_SI: story(body="中文abc" + "[" * 40_000)},
         (f"{LI_SI}:10:1 E504",), isolate=True),  # house style's autocorrect took 25 s on this line
    Case("md-300-nested-lists", {LI_SI: story(body="".join("    " * i + "- 第 1 层\n" for i in range(300)))},
         (f"{LI_SI}:312:1197 E504 嵌套",), isolate=True),
    Case("md-300-nested-quotes", {LI_SI: story(body=">" * 300 + " 引用")}, (f"{LI_SI}:13:302 E504 嵌套",),
         isolate=True),
    Case("md-50000-stars", {LI_SI: story(body="正文" + "*" * 50_000)}, (),
         ("正文" + "*" * 50_000, "<p>正文" + "*" * 50_000 + "</p>"), isolate=True),
    Case("md-line-of-1-mb", {LI_SI: story(body="a" * 1_000_000)}, (f"{LI_SI}:10:1 E504 200000",), isolate=True),
    Case("md-deep-strong-emphasis", {LI_SI: story(body="**" * 49_000 + "a" + "**" * 49_000)},
         (f"{LI_SI}:10:1 E504 嵌套",), isolate=True),
    Case("md-deep-strong-emphasis-of-600-kb", {LI_SI: story(body="**" * 150_000 + "a" + "**" * 150_000)},
         (f"{LI_SI}:10:1 E504 200000",), isolate=True),
    Case("md-nested-links-and-emphasis", {LI_SI: story(body="*[" * 20_000 + "a" + "](b)*" * 20_000)},
         (f"{LI_SI}:10:1 E504",), isolate=True),
    Case("md-10000-empty-images", {LI_SI: story(body="中文abc" + "![](" * 10_000)}, (f"{LI_SI}:10:1 E504",),
         isolate=True),  # autocorrect took a minute
    Case("md-10000-fences", {LI_SI: story(body="```\n" * 10_000)}, (f"{LI_SI}:10:1 E504 3000",), isolate=True),
    Case("md-20000-setext-headings", {LI_SI: story(body="标题\n===\n" * 20_000)}, (f"{LI_SI}:10:1 E504 3000",),
         isolate=True),
    Case("md-200000-ampersands", {LI_SI: story(body="&" * 300_000)}, (f"{LI_SI}:10:1 E504 200000",), isolate=True),
    Case("md-unclosed-tags", {LI_SI: story(body="<a" * 60_000)}, (f"{LI_SI}:10:1 E504 <",), isolate=True),
]


@pytest.fixture(scope="module", autouse=True)
def outside_folder():
    """A folder outside the site with a valid story and matters file in it, for the symlink attacks."""
    outside = Path(OUTSIDE)
    shutil.rmtree(outside, ignore_errors=True)
    outside.mkdir()
    (outside / "index.md").write_text(story(), encoding="utf-8")
    (outside / "matters.yml").write_text(MATTERS, encoding="utf-8")
    (outside / "about.md").write_text("---\ntitle: 外面的页面\n---\n\n正文。\n", encoding="utf-8")
    yield outside
    shutil.rmtree(outside, ignore_errors=True)


def lay_out(root: Path, files: dict) -> None:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(content):
            content(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def described(problems: list[dict]) -> list[dict]:
    return [{"at": f"{p['file']}:{p['line'] or ''}:{p['column'] or ''} {p['code']}", "message": p["message"]}
            for p in problems]


def assert_outcome(case: Case, code: int, out: str, err: str) -> None:
    assert "Traceback" not in out + err, out + err
    report = json.loads(out)
    found = described(report["problems"])
    assert [f["at"] for f in found] == [" ".join(e.split(" ", 2)[:2]) for e in case.problems], \
        [f"{f['at']} {f['message']}" for f in found]
    for expected, problem in zip(case.problems, found):
        fragment = expected.split(" ", 2)[2] if expected.count(" ") >= 2 else ""
        assert fragment in problem["message"], (expected, problem["message"])
    assert code == (1 if report["errors"] else 0)


# `exemplar check --format json`, then the sanitizer on every story body (what a build would render, were
# check bypassed): both must finish within TIMEOUT.
CHECK_AND_RENDER = """
import sys
from pathlib import Path, PurePosixPath
from exemplar.cli import main
from exemplar.load import decode, split_front_matter
from exemplar.markup import render_markdown

code = main(["check", sys.argv[1], "--format", "json"])
for index in sorted(Path(sys.argv[1], "stories").glob("*/index.md")):
    text, problem = decode(index.read_bytes(), PurePosixPath("index.md"))
    split = split_front_matter(text, PurePosixPath("index.md")) if problem is None else None
    if isinstance(split, tuple):
        render_markdown(split[1])
sys.exit(code)
"""


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_gets_its_exact_outcome(case: Case, tmp_path: Path, run_cli):
    root = copy_fixture_site("base", tmp_path / "site")
    lay_out(root, case.files)
    if case.isolate:
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-c", CHECK_AND_RENDER, str(root)],
                                capture_output=True, text=True, timeout=TIMEOUT, env=ENV)
        assert time.monotonic() - started < TIMEOUT
        assert_outcome(case, result.returncode, result.stdout, result.stderr)
    else:
        assert_outcome(case, *run_cli("check", root, "--format", "json"))
    if case.html is not None:
        body, html = case.html
        assert render_markdown(body).html == html


def test_the_corpus_is_large_and_its_names_unique():
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


# ------------------------------------------------- accepted, escaped when built

PUBLISHED = (SITES / "base/stories/zhang-san/index.md").read_text(encoding="utf-8")


def published(slug: str, replacements: dict[str, str], extra: str = "") -> dict:
    text = PUBLISHED
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return {f"stories/{slug}/index.md": text.replace("status: published", extra + "status: published"),
            f"stories/{slug}/portrait.jpg": PORTRAIT}


@dataclass(frozen=True)
class Built:
    id: str
    files: dict
    page: str  # the built page the value shows on
    shown: tuple[str, ...]  # exact escaped text in that page
    live: tuple[str, ...]  # markup that must be in no HTML or XML file of the site


BUILT = [
    Built("name", published("x-name", {"name: 张三": "name: '张三<script>alert(1)</script>'"}),
          "stories/x-name/index.html",
          ('<h1 class="ex-profile__name">张三&lt;script&gt;alert(1)&lt;/script&gt;</h1>',
           "<title>张三&lt;script&gt;alert(1)&lt;/script&gt; - 测试</title>",
           '"name": "张三\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"'),
          ("<script>alert(1)",)),
    Built("headline", published("x-headline", {"headline: 扎根田间二十年的小麦育种人": "headline: '<img src=x onerror=alert(2)>麦'"}),
          "stories/x-headline/index.html",
          ('<p class="ex-profile__headline">&lt;img src=x onerror=alert(2)&gt;麦</p>',),
          ("<img src=x onerror=alert(2)>",)),
    Built("summary", published("x-summary", {"summary: 张三": "summary: </script><script>alert(3)</script>张三"}),
          "stories/x-summary/index.html",
          ('<meta name="description" content="&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;张三',
           '<p class="ex-summary">&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;张三'),
          ("<script>alert(3)",)),
    Built("quote", published("x-quote", {}, "quote: '\"><svg onload=alert(4)>'\n"), "stories/x-quote/index.html",
          ('<blockquote class="ex-quote"><p>&#34;&gt;&lt;svg onload=alert(4)&gt;</p>',), ("<svg onload=alert(4)>",)),
    Built("portrait-alt", published("x-alt", {"alt: 张三在试验田里查看麦穗（示意插画）": "alt: '\" onerror=\"alert(5)'"}),
          "stories/x-alt/index.html",
          ('alt="&#34; onerror=&#34;alert(5)"', '<meta property="og:image:alt" content="&#34; onerror=&#34;alert(5)">'),
          ('onerror="alert(5)"',)),
    Built("photo-caption-and-credit",
          published("x-caption", {}, "photos:\n  - {file: portrait.jpg, "
                                     "caption: '<a href=\"javascript:alert(6)\">说明</a>', "
                                     "credit: '</figcaption><script>alert(7)</script>'}\n"),
          "stories/x-caption/index.html",
          ("<figcaption>&lt;a href=&#34;javascript:alert(6)&#34;&gt;说明&lt;/a&gt;<span class=\"ex-credit\">"
           "&lt;/figcaption&gt;&lt;script&gt;alert(7)&lt;/script&gt;</span></figcaption>",),
          ('<a href="javascript:alert(6)">', "<script>alert(7)")),
    Built("honor-and-affiliation",
          published("x-honor", {"affiliation: 某市农业科学研究所": "affiliation: 某所<style>body{display:none}</style>"},
                    "honors:\n  - {year: 2020, title: '<iframe src=//evil.example>'}\n"),
          "stories/x-honor/index.html",
          ("</span>&lt;iframe src=//evil.example&gt;</li>", "<dd>某所&lt;style&gt;body{display:none}&lt;/style&gt;</dd>"),
          ("<iframe src=//evil.example>", "<style>body{display:none}")),
    Built("link-title", published("x-link", {}, "links:\n  - {title: '<script>alert(8)</script>', "
                                                "url: 'https://example.org/?a=1&b=2'}\n"),
          "stories/x-link/index.html",
          ('<a href="https://example.org/?a=1&amp;b=2" rel="noopener noreferrer">'
           '&lt;script&gt;alert(8)&lt;/script&gt;</a>',),
          ("<script>alert(8)",)),
    Built("activity-title-and-place",
          {"content/activities/2021-09-18-kepu/index.md":
           "---\ntitle: '科普<script>alert(9)</script>'\ndate: 2021-09-18\ntype: 科普活动\nsummary: 一次科普活动。\n"
           "location: '<b onmouseover=alert(10)>礼堂</b>'\nstatus: published\nreviewed_by: 李四\npublished: 2021-09-19\n"
           "---\n\n正文。\n"},
          "activities/2021-09-18-kepu/index.html",
          ("科普&lt;script&gt;alert(9)&lt;/script&gt;", "&lt;b onmouseover=alert(10)&gt;礼堂&lt;/b&gt;"),
          ("<script>alert(9)", "<b onmouseover=alert(10)>")),
    Built("page-title", {"content/pages/notice.md": "---\ntitle: '公告</title><script>alert(11)</script>'\n---\n\n正文。\n"},
          "notice/index.html", ("<title>公告&lt;/title&gt;&lt;script&gt;alert(11)&lt;/script&gt; - 测试</title>",),
          ("<script>alert(11)",)),
    Built("campaign-notice",
          {"content/campaign.yml": CAMPAIGN.replace("theme: 弘扬科学家精神\n",
                                                    "theme: 弘扬科学家精神\nnotice: '<a href=javascript:alert(12)>通知</a>'\n")},
          "index.html", ("&lt;a href=javascript:alert(12)&gt;通知&lt;/a&gt;",), ("<a href=javascript:alert(12)>",)),
    Built("vocabulary-dot-dot",
          {**published("x-vocab", {"fields: [农业科技]": "fields: ['..']"}),
           "content/campaign.yml#vocab": ("fields: [农业科技, 医疗卫生, 先进制造]", "fields: [农业科技, 医疗卫生, 先进制造, '..']")},
          "stories/fields/-/index.html", ("<h1>..</h1>",), ()),
    Built("vocabulary-dot-dot-keeps-the-gallery", {}, "stories/index.html", ("<h1>人物风采</h1>",), ()),
]


def _site_with(files_of: list[dict], root: Path) -> Path:
    copy_fixture_site("base", root)
    for files in files_of:
        for relative, content in files.items():
            if "#" in relative:  # "file#label": (old, new), a replacement in a file another row also changes
                path = root / relative.split("#")[0]
                old, new = content
                text = path.read_text(encoding="utf-8")
                assert old in text, old
                path.write_text(text.replace(old, new), encoding="utf-8")
            else:
                lay_out(root, {relative: content})
    return root


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    root = _site_with([b.files for b in BUILT], tmp_path_factory.mktemp("hostile") / "site")
    result = subprocess.run([sys.executable, "-m", "exemplar", "build", str(root)], capture_output=True, text=True,
                            timeout=300, env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    markup = {p.relative_to(root / "site").as_posix(): p.read_text(encoding="utf-8")
              for p in (root / "site").rglob("*") if p.suffix in (".html", ".xml", ".svg")}
    return root / "site", markup


@pytest.mark.parametrize("case", BUILT, ids=[b.id for b in BUILT])
def test_front_matter_markup_is_built_as_text(case: Built, built_site):
    site, markup = built_site
    page = (site / case.page).read_text(encoding="utf-8")
    for text in case.shown:
        assert text in page, text
    for live in case.live:
        leaks = [name for name, content in markup.items() if live in content]
        assert not leaks, f"{live} is live markup in {leaks}"


def test_corpus_size_with_the_fixture_sites():
    """The attacks covered: this module's rows plus the bad-* fixture sites listed in the docstring."""
    fixtures = ("bad-alias-bomb", "bad-yaml-tag", "bad-duplicate-key", "bad-gbk-encoding", "bad-image-bomb",
                "bad-image-not-image", "bad-image-truncated", "bad-image-symlink", "bad-image-path-escape",
                "bad-image-remote", "bad-url-scheme", "bad-md-javascript-link", "bad-md-image-data-url",
                "bad-md-raw-img", "bad-md-script", "bad-md-event-attribute", "bad-md-too-deep")
    assert all((SITES / name / "expected.txt").is_file() for name in fixtures)
    assert len(CASES) + len(BUILT) + len(fixtures) >= 100
