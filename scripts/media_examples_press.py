#!/usr/bin/env python3
"""Write example press-release and broadcast files for one sample exemplar.

    .venv/bin/python scripts/media_examples_press.py [SLUG]     # default: zeng-haitao

Writes, for README and for review by eye:

* docs/media/press-exemplar.docx     the Word press release (press.docx)
* docs/media/broadcast-exemplar.txt  the broadcast script (broadcast.txt)
* docs/media/press-exemplar-page1.png  page 1 of the Word file as LibreOffice
  prints it, only when ``soffice`` and ``pdftoppm`` are installed (the fonts
  are whatever this machine substitutes for 仿宋_GB2312 and 方正小标宋简体)

The MediaItem is built here by hand from the checked sample, the way stage.py
is meant to build it; the photos go through the site's own image processing
(960 px, metadata stripped), as the build passes them.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from exemplar.images import process_images  # noqa: E402
from exemplar.markup import render_markdown  # noqa: E402
from exemplar.media import MediaCampaign, MediaItem, MediaPhoto  # noqa: E402
from exemplar.media.broadcast import render_broadcast  # noqa: E402
from exemplar.media.press import render_docx, text_file  # noqa: E402
from exemplar.pipeline import check  # noqa: E402
from exemplar.reading import name_reading  # noqa: E402

OUT = REPO / "docs" / "media"


def sections(body: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(heading, paragraphs) from the rendered body; figures are left out."""
    rendered = render_markdown(body).html
    found: list[tuple[str, list[str]]] = [("", [])]
    for tag, inner in re.findall(r"<(h[23]|p)\b[^>]*>(.*?)</\1>", rendered, re.S):
        text = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        if tag == "p":
            found[-1][1].append(text)
        else:
            found.append((text, []))
    return tuple((heading, tuple(paragraphs)) for heading, paragraphs in found if heading or paragraphs)


def exemplar_item(root: Path, slug: str) -> MediaItem:
    result = check(root)
    if result.site is None:
        sys.exit(result.report())
    site, campaign = result.site, result.site.campaign
    story = next(e for e in site.exemplars if e.slug == slug)
    media = campaign.media
    page = f"stories/{slug}/"
    facts = [("单位", story.affiliation), ("职称", story.title), ("地区", story.region), ("领域", "、".join(story.fields))]
    return MediaItem(
        kind="exemplar", page_path=page, url=media.site_url + page, title=story.name, headline=story.headline,
        summary=story.summary, body_html=render_markdown(story.body).html, body_text="", sections=sections(story.body),
        campaign=MediaCampaign(campaign.name, campaign.short_name, campaign.organizer, campaign.theme, media.reprint,
                               media.contact.name, media.contact.phone, media.contact.email, media.site_url),
        date=story.publication.published, image=root / story.portrait.file if story.portrait else None,
        quote=story.quote, name_reading=name_reading(story.name, story.name_pinyin),
        facts=tuple((label, value) for label, value in facts if value),
        photos=tuple(MediaPhoto(root / p.file, f"{media.site_url}{p.file}", p.caption, p.credit) for p in story.photos),
        categories=story.fields,
    )


def web_photos(item: MediaItem, cache: Path) -> list[tuple[MediaPhoto, bytes]]:
    processed = process_images([p.path for p in item.photos], cache, widths=(960,), workers=1)
    return [(photo, next(v for v in processed[photo.path].variants if v.format == "jpeg").cache_path.read_bytes())
            for photo in item.photos]


# Linux has none of the Windows fonts a press release names: show each as the
# nearest Noto CJK face (serif for 仿宋/楷体/宋体, bold serif for 小标宋, sans for
# 黑体) rather than whatever fontconfig falls back to.
FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{}
</fontconfig>
"""
STAND_INS = {"仿宋_GB2312": "Noto Serif CJK SC", "楷体_GB2312": "Noto Serif CJK SC", "宋体": "Noto Serif CJK SC",
             "方正小标宋简体": "Noto Serif CJK SC Black", "黑体": "Noto Sans CJK SC"}


def page_one_png(docx: Path, target: Path) -> bool:
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not (soffice and pdftoppm):
        return False
    with tempfile.TemporaryDirectory() as work:
        aliases = "\n".join(f'  <alias binding="same"><family>{name}</family><prefer><family>{face}</family>'
                            f"</prefer></alias>" for name, face in STAND_INS.items())
        (Path(work) / "fonts.conf").write_text(FONTCONFIG.format(aliases), encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(Path(work) / "fonts.conf")}
        subprocess.run([soffice, f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", work, str(docx)], check=True, capture_output=True, timeout=180, env=env)
        pdf = Path(work) / (docx.stem + ".pdf")
        subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(target.with_suffix(""))], check=True, timeout=60)
    return True


def main(argv: list[str]) -> int:
    slug = argv[0] if argv else "zeng-haitao"
    item = exemplar_item(REPO, slug)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as cache:
        photos = web_photos(item, Path(cache))
    docx = OUT / "press-exemplar.docx"
    docx.write_bytes(render_docx(item, photos))
    (OUT / "broadcast-exemplar.txt").write_bytes(text_file(render_broadcast(item)))
    written = [docx, OUT / "broadcast-exemplar.txt"]
    if page_one_png(docx, OUT / "press-exemplar-page1.png"):
        written.append(OUT / "press-exemplar-page1.png")
    for path in written:
        print(path.relative_to(REPO))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
