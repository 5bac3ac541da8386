"""Site-wide feeds: feed.xml (RSS 2.0) and feed.json (JSON Feed 1.1).

Input: the published ``MediaItem`` values, the ``MediaCampaign``, the feed's
own absolute URL and the build time. Output: the feed file's bytes (UTF-8).

Guarantees:

- Items newest first: by ``item.date`` (undated items last), then title, then URL,
  so the same input always gives the same bytes.
- Every text is escaped by its writer (``xml.etree`` for RSS, ``json`` for
  JSON Feed); nothing is assembled by string concatenation.
- Dates are Beijing time: a publication date is midnight +08:00; ``updated``,
  if naive, is taken as Beijing time, if aware, converted to it. RSS dates are
  RFC 822 (``Wed, 15 Sep 2021 00:00:00 +0800``), JSON Feed dates RFC 3339
  (``2021-09-15T00:00:00+08:00``).
- An item's share image is ``item.extra["card_url"]`` (absolute, http(s)) when
  present: an RSS ``<enclosure>`` and the JSON Feed ``image``. RSS requires the
  enclosure's length; ``item.extra["card_length"]`` (bytes) when known, else 0,
  as the RSS Advisory Board advises for an unknown size.
"""

from __future__ import annotations

import datetime as dt
import json
import mimetypes
import re
from collections.abc import Sequence
from email.utils import format_datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from . import MediaCampaign, MediaItem
from .wechat import article_title

__all__ = ["BEIJING", "render_json_feed", "render_rss"]

BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")
ATOM = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def render_rss(items: Sequence[MediaItem], campaign: MediaCampaign, *, feed_url: str,
               updated: dt.datetime) -> bytes:
    """feed.xml: RSS 2.0 with an ``atom:link rel="self"``."""
    ET.register_namespace("atom", ATOM)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", campaign.name)
    _text(channel, "link", campaign.site_url)
    _text(channel, "description", campaign.theme or campaign.name)
    _text(channel, "language", "zh-cn")
    _text(channel, "copyright", campaign.organizer)
    if campaign.contact_email:
        _text(channel, "managingEditor", f"{campaign.contact_email} ({campaign.contact_name or campaign.organizer})")
    _text(channel, "lastBuildDate", format_datetime(beijing(updated)))
    _text(channel, "generator", "exemplar")
    ET.SubElement(channel, f"{{{ATOM}}}link", {"href": feed_url, "rel": "self", "type": "application/rss+xml"})
    for item in newest_first(items):
        entry = ET.SubElement(channel, "item")
        _text(entry, "title", article_title(item))
        _text(entry, "link", item.url)
        _text(entry, "guid", item.url).set("isPermaLink", "true")
        if item.date:
            _text(entry, "pubDate", format_datetime(published(item.date)))
        _text(entry, "description", item.summary)
        for category in item.categories:
            _text(entry, "category", category)
        card = share_image(item)
        if card:
            length = item.extra.get("card_length")
            ET.SubElement(entry, "enclosure", {
                "url": card, "length": str(length if isinstance(length, int) and length >= 0 else 0),
                "type": mimetypes.guess_type(urlsplit(card).path)[0] or "image/png"})
    ET.indent(rss)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n").encode("utf-8")


def render_json_feed(items: Sequence[MediaItem], campaign: MediaCampaign, *, feed_url: str,
                     updated: dt.datetime) -> bytes:
    """feed.json: JSON Feed 1.1.

    JSON Feed has no feed-level date; ``updated`` is taken for the same call
    shape as ``render_rss`` and is not written.
    """
    del updated
    feed = {
        "version": JSON_FEED_VERSION,
        "title": campaign.name,
        "home_page_url": campaign.site_url,
        "feed_url": feed_url,
        "description": campaign.theme,
        "language": "zh-CN",
        "authors": [{"name": campaign.organizer, "url": campaign.site_url}],
        "items": [_json_item(item) for item in newest_first(items)],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(item: MediaItem) -> dict:
    entry: dict = {"id": item.url, "url": item.url, "title": article_title(item), "summary": item.summary,
                   # The spec requires content_html or content_text; the summary stands in for an empty body.
                   "content_text": item.body_text or item.summary}
    card = share_image(item)
    if card:
        entry["image"] = card
    if item.date:
        entry["date_published"] = published(item.date).isoformat()
    if item.categories:
        entry["tags"] = list(item.categories)
    return entry


def newest_first(items: Sequence[MediaItem]) -> list[MediaItem]:
    """By date, newest first (undated last); the same date by title, then URL."""
    return sorted(items, key=lambda i: (i.date is None, -(i.date.toordinal() if i.date else 0), i.title, i.url))


def published(date: dt.date) -> dt.datetime:
    """A publication date as a moment: midnight in Beijing."""
    return dt.datetime.combine(date, dt.time(0, 0), tzinfo=BEIJING)


def beijing(moment: dt.datetime) -> dt.datetime:
    """``moment`` in Beijing time; a naive one is taken to be Beijing time already."""
    return moment.replace(tzinfo=BEIJING) if moment.tzinfo is None else moment.astimezone(BEIJING)


def share_image(item: MediaItem) -> str | None:
    url = str(item.extra.get("card_url") or "")
    return url if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc else None


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _NOT_XML.sub("", text)  # characters XML 1.0 cannot hold at all, even escaped
    return element
