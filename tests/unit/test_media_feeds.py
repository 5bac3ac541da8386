"""Feeds: RSS 2.0 and JSON Feed 1.1, newest first, valid, escaped, dated in Beijing time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import xml.etree.ElementTree as ET

import feedparser

from exemplar.media import MediaCampaign, MediaItem
from exemplar.media.feeds import render_json_feed, render_rss

SITE = "https://kx.example.cn/"
ATOM = "{http://www.w3.org/2005/Atom}"
UPDATED = dt.datetime(2021, 10, 1, 9, 30)  # naive: Beijing time

CAMPAIGN = MediaCampaign(
    name="2021年度优秀科技工作者宣传活动", short_name="科技工作者风采", organizer="某市科学技术协会",
    theme="弘扬科学家精神", reprint="转载请注明出处。", contact_name="宣传部", contact_phone="0312-0000000",
    contact_email="xcb@kx.example.cn", site_url=SITE)


def make_item(slug: str, date: dt.date | None, **changes) -> MediaItem:
    item = MediaItem(
        kind="exemplar", page_path=f"stories/{slug}/", url=f"{SITE}stories/{slug}/", title=slug,
        headline=f"{slug}的故事", summary=f"{slug}的摘要。", body_html="<p>正文。</p>", body_text="正文。",
        sections=(), campaign=CAMPAIGN, date=date, image=None, categories=("农业科技", "科学普及"))
    return dataclasses.replace(item, **changes)


ITEMS = [
    make_item("b", dt.date(2021, 5, 30)),
    make_item("undated", None),
    make_item("c", dt.date(2021, 9, 15), extra={"card_url": f"{SITE}stories/c/card.png", "card_length": 12345}),
    make_item("a", dt.date(2021, 5, 30)),
    make_item("2021-09-18-kepu", dt.date(2021, 9, 18), kind="activity", title="科普日活动", headline="科普活动",
              categories=("科普活动",)),
]
ORDER = ["2021-09-18-kepu", "c", "a", "b", "undated"]


def rss(items=ITEMS, updated=UPDATED) -> bytes:
    return render_rss(items, CAMPAIGN, feed_url=f"{SITE}feed.xml", updated=updated)


def json_feed(items=ITEMS, updated=UPDATED) -> dict:
    return json.loads(render_json_feed(items, CAMPAIGN, feed_url=f"{SITE}feed.json", updated=updated))


# ------------------------------------------------------------------ RSS

def test_rss_channel_has_the_required_elements_and_a_self_link():
    data = rss()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") == CAMPAIGN.name
    assert channel.findtext("link") == SITE
    assert channel.findtext("description") == CAMPAIGN.theme
    assert channel.findtext("language") == "zh-cn"
    assert channel.findtext("lastBuildDate") == "Fri, 01 Oct 2021 09:30:00 +0800"
    self_link = channel.find(f"{ATOM}link")
    assert self_link.attrib == {"href": f"{SITE}feed.xml", "rel": "self", "type": "application/rss+xml"}


def test_rss_items_newest_first_with_link_guid_date_description_and_categories():
    items = ET.fromstring(rss()).findall("channel/item")
    assert [i.findtext("link") for i in items] == [f"{SITE}stories/{slug}/" for slug in ORDER]
    first = items[0]
    assert first.findtext("title") == "科普日活动"  # an activity: its title
    assert items[1].findtext("title") == "c：c的故事"  # an exemplar: name and headline
    guid = first.find("guid")
    assert guid.text == first.findtext("link") and guid.get("isPermaLink") == "true"
    assert first.findtext("pubDate") == "Sat, 18 Sep 2021 00:00:00 +0800"
    assert first.findtext("description") == "2021-09-18-kepu的摘要。"
    assert [c.text for c in items[1].findall("category")] == ["农业科技", "科学普及"]
    assert items[-1].find("pubDate") is None  # undated: no date rather than a made-up one


def test_rss_enclosure_only_for_a_share_card():
    items = ET.fromstring(rss()).findall("channel/item")
    assert items[1].find("enclosure").attrib == {"url": f"{SITE}stories/c/card.png", "length": "12345",
                                                 "type": "image/png"}
    assert [i.find("enclosure") is None for i in items] == [True, False, True, True, True]


def test_rss_last_build_date_converts_an_aware_time_to_beijing():
    channel = ET.fromstring(rss(updated=dt.datetime(2021, 9, 30, 23, 0, tzinfo=dt.timezone.utc))).find("channel")
    assert channel.findtext("lastBuildDate") == "Fri, 01 Oct 2021 07:00:00 +0800"


def test_rss_as_a_feed_reader_sees_it():
    parsed = feedparser.parse(rss())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.title == CAMPAIGN.name
    assert [e.link for e in parsed.entries] == [f"{SITE}stories/{slug}/" for slug in ORDER]
    c = parsed.entries[1]
    assert c.id == f"{SITE}stories/c/"
    assert c.published_parsed[:6] == (2021, 9, 14, 16, 0, 0)  # midnight in Beijing, in UTC
    assert c.enclosures[0].href == f"{SITE}stories/c/card.png"
    assert [t.term for t in c.tags] == ["农业科技", "科学普及"]


def test_rss_escapes_hostile_text_and_drops_characters_xml_cannot_hold():
    hostile = make_item("x", dt.date(2021, 1, 1), title='<script>alert("x")</script>', headline="A & B",
                        summary="]]> <b>粗</b> \x01\x0b", categories=("<i>类</i>",))
    campaign = dataclasses.replace(CAMPAIGN, name="科协 & <科技>")
    data = render_rss([hostile], campaign, feed_url=f"{SITE}feed.xml", updated=UPDATED)
    assert b"<script>" not in data and b"<b>" not in data and b"\x01" not in data
    root = ET.fromstring(data)
    assert root.findtext("channel/title") == "科协 & <科技>"
    item = root.find("channel/item")
    assert item.findtext("title") == '<script>alert("x")</script>：A & B'
    assert item.findtext("description") == "]]> <b>粗</b> "
    assert item.findtext("category") == "<i>类</i>"
    assert not feedparser.parse(data).bozo


def test_rss_for_no_items_is_still_a_valid_channel():
    root = ET.fromstring(rss(items=[]))
    assert root.find("channel/title") is not None and root.findall("channel/item") == []


# ------------------------------------------------------------------ JSON Feed

def test_json_feed_top_level():
    feed = json_feed()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == CAMPAIGN.name
    assert feed["home_page_url"] == SITE
    assert feed["feed_url"] == f"{SITE}feed.json"
    assert feed["language"] == "zh-CN"
    assert feed["authors"] == [{"name": CAMPAIGN.organizer, "url": SITE}]


def test_json_feed_items_newest_first_with_required_keys():
    items = json_feed()["items"]
    assert [i["url"] for i in items] == [f"{SITE}stories/{slug}/" for slug in ORDER]
    for item in items:
        assert isinstance(item["id"], str) and item["id"] == item["url"]
        assert "content_text" in item or "content_html" in item  # the spec requires one of them
    c = items[1]
    assert c == {"id": f"{SITE}stories/c/", "url": f"{SITE}stories/c/", "title": "c：c的故事", "summary": "c的摘要。",
                 "content_text": "正文。", "image": f"{SITE}stories/c/card.png",
                 "date_published": "2021-09-15T00:00:00+08:00", "tags": ["农业科技", "科学普及"]}
    assert dt.datetime.fromisoformat(c["date_published"]).utcoffset() == dt.timedelta(hours=8)
    assert "image" not in items[0] and "date_published" not in items[-1]


def test_json_feed_escapes_by_json_and_reads_back_as_written():
    hostile = make_item("x", dt.date(2021, 1, 1), title='"</script><script>', headline="\\ & \n",
                        extra={"card_url": "javascript:alert(1)"})
    data = render_json_feed([hostile], CAMPAIGN, feed_url=f"{SITE}feed.json", updated=UPDATED)
    item = json.loads(data.decode("utf-8"))["items"][0]
    assert item["title"] == '"</script><script>：\\ & \n'
    assert "image" not in item  # only an http(s) card is an image


def test_json_feed_body_text_falls_back_to_the_summary():
    item = json_feed(items=[make_item("x", dt.date(2021, 1, 1), body_text="")])["items"][0]
    assert item["content_text"] == "x的摘要。"
