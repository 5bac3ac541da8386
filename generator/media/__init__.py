"""Media kit: what every medium needs to repost a story (全媒体).

Input: ``MediaItem`` values, one per published exemplar or activity, built
by ``stage.py`` from the publish set (so a draft never gets a media kit).
Output: files next to each page (card.png, poster.png, qr.png, qr.svg,
wechat.html, press.docx, press.txt, press-kit.zip, broadcast.txt) and the
site-wide feeds. Every generator here is a pure function of its ``MediaItem``
(plus fonts), so results are cached by a hash of the item.

Modules:
  share.py      share metadata (Open Graph, Twitter, JSON-LD) for the page head
  graphics.py   card.png (1200×630), poster.png (1080×1920), qr.png/qr.svg
  wechat.py     wechat.html: inline-styled copy for the WeChat editor
  press.py      press.docx (通稿), press.txt, press-kit.zip
  broadcast.py  broadcast.txt (口播稿)
  feeds.py      feed.xml (RSS 2.0), feed.json (JSON Feed 1.1)
  fonts.py      finding a CJK font (configurable path, fontconfig, known paths)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class MediaPhoto:
    path: Path  # the editor's original (full resolution; metadata is stripped when it is written anywhere)
    web_url: str  # absolute URL of the published web variant (for WeChat copy and feeds)
    caption: str
    credit: str | None = None


@dataclass(frozen=True)
class MediaCampaign:
    name: str
    short_name: str
    organizer: str
    theme: str
    reprint: str  # the attribution line, media.reprint
    contact_name: str
    contact_phone: str
    contact_email: str
    site_url: str  # ends with "/"
    primary_color: str = "#1f4e8c"
    accent_color: str = "#b3261e"


@dataclass(frozen=True)
class MediaItem:
    kind: str  # "exemplar" | "activity"
    page_path: str  # the page's folder relative to the site root, e.g. "stories/zhang-san/"
    url: str  # canonical absolute URL of the page
    title: str  # exemplar: the name; activity: the title
    headline: str  # exemplar: headline; activity: its type and date line
    summary: str
    body_html: str  # sanitized HTML of the story (relative image URLs already absolute)
    body_text: str  # plain text of the story, paragraphs separated by blank lines
    sections: tuple[tuple[str, tuple[str, ...]], ...]  # (heading or "", paragraphs) in order
    campaign: MediaCampaign
    date: dt.date | None  # publication date (exemplar) or activity date
    image: Path | None  # portrait or cover original, for card and poster
    image_alt: str = ""
    quote: str | None = None
    name_reading: str = ""  # pinyin of the person's name (exemplar only)
    facts: tuple[tuple[str, str], ...] = ()  # label, value: 单位, 职称, 地区, 领域 / 时间, 地点, 主办, 参与人数
    photos: tuple[MediaPhoto, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # external links (title, url) beyond those in the body
    categories: tuple[str, ...] = ()  # fields / activity type, for feeds
    location: str | None = None  # activities
    end_date: dt.date | None = None  # activities
    extra: dict = field(default_factory=dict)
