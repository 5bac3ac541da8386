#!/usr/bin/env python3
"""Write the README's examples of the media kit's images.

Reads the sample campaign with ``exemplar check``'s model, builds a
``MediaItem`` for one exemplar and one activity the way the build does
(facts: 职称, 单位, 生卒年 / 时间, 地点, 主办, 参与人数), and writes:

* docs/media/card-exemplar.png    the exemplar's share card (1200×630)
* docs/media/poster-exemplar.png  the exemplar's poster (1080×1920)
* docs/media/card-activity.png    the activity's share card

The PNGs are reduced to 256 colours when larger than 300 KB, to keep the
repository small; the build writes full-colour PNGs.

Usage::

    .venv/bin/python scripts/media_examples.py [--exemplar SLUG] [--activity ID] [--out DIR]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

from PIL import Image

from exemplar.media import MediaCampaign, MediaItem
from exemplar.media.fonts import load_fonts
from exemplar.media.graphics import render_card, render_poster
from exemplar.model import Activity, Campaign, Exemplar
from exemplar.pipeline import check
from exemplar.reading import name_reading

REPO = Path(__file__).resolve().parents[1]
MAX_BYTES = 300_000


def media_campaign(campaign: Campaign) -> MediaCampaign:
    media = campaign.media
    return MediaCampaign(name=campaign.name, short_name=campaign.short_name, organizer=campaign.organizer,
                         theme=campaign.theme, reprint=media.reprint, contact_name=media.contact.name,
                         contact_phone=media.contact.phone, contact_email=media.contact.email,
                         site_url=media.site_url)


def exemplar_item(root: Path, exemplar: Exemplar, campaign: MediaCampaign) -> MediaItem:
    facts = [("职称", exemplar.title or ""), ("单位", exemplar.affiliation)]
    if exemplar.era == "historical" and exemplar.born:
        facts.append(("生卒年", f"{exemplar.born}—{exemplar.died or ''}"))
    return MediaItem(
        kind="exemplar", page_path=f"stories/{exemplar.slug}/", url=f"{campaign.site_url}stories/{exemplar.slug}/",
        title=exemplar.name, headline=exemplar.headline, summary=exemplar.summary, body_html="", body_text="",
        sections=(), campaign=campaign, date=exemplar.publication.published,
        image=root / exemplar.portrait.file if exemplar.portrait else None,
        image_alt=exemplar.portrait.alt if exemplar.portrait else "", quote=exemplar.quote,
        name_reading=name_reading(exemplar.name, exemplar.name_pinyin), facts=tuple(f for f in facts if f[1]))


def activity_item(root: Path, activity: Activity, campaign: MediaCampaign) -> MediaItem:
    date = f"{activity.date.year}年{activity.date.month}月{activity.date.day}日"
    facts = [("时间", date), ("地点", activity.location or ""), ("主办", "、".join(activity.organizers)),
             ("参与人数", f"{activity.participants}人" if activity.participants else "")]
    return MediaItem(
        kind="activity", page_path=f"activities/{activity.id}/", url=f"{campaign.site_url}activities/{activity.id}/",
        title=activity.title, headline=f"{activity.type} · {date}", summary=activity.summary, body_html="",
        body_text="", sections=(), campaign=campaign, date=activity.date,
        image=root / activity.cover.file if activity.cover else None,
        image_alt=activity.cover.alt if activity.cover else "", location=activity.location,
        end_date=activity.end_date, facts=tuple(f for f in facts if f[1]))


def small_png(data: bytes) -> bytes:
    if len(data) <= MAX_BYTES:
        return data
    image = Image.open(io.BytesIO(data))
    palette = image.quantize(256, method=Image.Quantize.MEDIANCUT)
    # Pillow dithers only when mapping onto a given palette: without it the
    # portrait's gradients would band.
    buffer = io.BytesIO()
    image.quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exemplar", default="zeng-haitao")
    parser.add_argument("--activity", default="2021-09-18-kepuri-zhuchang")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "media")
    args = parser.parse_args(argv)

    result = check(REPO)
    if result.site is None:
        print(result.report(), file=sys.stderr)
        return 1
    site = result.site
    campaign = media_campaign(site.campaign)
    exemplar = next((e for e in site.exemplars if e.slug == args.exemplar), None)
    activity = next((a for a in site.activities if a.id == args.activity), None)
    if exemplar is None or activity is None:
        print(f"no exemplar {args.exemplar!r} or no activity {args.activity!r} in the sample", file=sys.stderr)
        return 2
    fonts = load_fonts()
    person, event = exemplar_item(REPO, exemplar, campaign), activity_item(REPO, activity, campaign)
    args.out.mkdir(parents=True, exist_ok=True)
    jobs = [("card-exemplar.png", render_card, person), ("poster-exemplar.png", render_poster, person),
            ("card-activity.png", render_card, event)]
    for name, render, item in jobs:
        started = time.perf_counter()
        data = render(item, fonts)
        seconds = time.perf_counter() - started
        written = small_png(data)
        (args.out / name).write_bytes(written)
        print(f"{args.out / name}: {seconds:.2f} s, {len(data) // 1024} KB → {len(written) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
