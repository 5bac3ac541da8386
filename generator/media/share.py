"""Share metadata for a page's <head>: Open Graph, Twitter card, JSON-LD.

Pure functions from page facts to values; ``templates/_head.html`` prints
them with autoescape on, and JSON-LD is serialised here so that nothing in
it can close its <script> element.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass


@dataclass(frozen=True)
class ShareInfo:
    title: str
    description: str
    url: str  # canonical, absolute
    image: str | None  # absolute
    image_alt: str
    type: str  # og:type: website | profile | article
    site_name: str
    json_ld: str  # already serialised, safe inside <script type="application/ld+json">


def json_for_script(data: dict) -> str:
    """JSON that cannot end a <script> element or open a comment inside it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def person_ld(*, name: str, url: str, image: str | None, description: str, affiliation: str,
              job_title: str | None, region: str, born: int | None, died: int | None,
              honors: tuple[str, ...], same_as: tuple[str, ...]) -> dict:
    data = {"@context": "https://schema.org", "@type": "Person", "name": name, "url": url,
            "description": description, "worksFor": {"@type": "Organization", "name": affiliation},
            "homeLocation": {"@type": "Place", "name": region}}
    if image:
        data["image"] = image
    if job_title:
        data["jobTitle"] = job_title
    if born:
        data["birthDate"] = str(born)
    if died:
        data["deathDate"] = str(died)
    if honors:
        data["award"] = list(honors)
    if same_as:
        data["sameAs"] = list(same_as)
    return data


def event_ld(*, name: str, url: str, image: str | None, description: str, start: dt.date, end: dt.date | None,
             location: str | None, organizers: tuple[str, ...], published: dt.date | None,
             publisher: str) -> dict:
    data = {"@context": "https://schema.org", "@type": "Event", "name": name, "url": url,
            "description": description, "startDate": start.isoformat(),
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "organizer": [{"@type": "Organization", "name": o} for o in organizers or (publisher,)]}
    if end:
        data["endDate"] = end.isoformat()
    if location:
        data["location"] = {"@type": "Place", "name": location, "address": location}
    if image:
        data["image"] = image
    return data


def website_ld(*, name: str, url: str, description: str, publisher: str) -> dict:
    return {"@context": "https://schema.org", "@type": "WebSite", "name": name, "url": url,
            "description": description, "publisher": {"@type": "Organization", "name": publisher},
            "inLanguage": "zh-CN"}


def article_ld(*, headline: str, url: str, description: str, image: str | None, published: dt.date | None,
               publisher: str) -> dict:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline[:110], "url": url,
            "description": description, "publisher": {"@type": "Organization", "name": publisher},
            "inLanguage": "zh-CN"}
    if image:
        data["image"] = [image]
    if published:
        data["datePublished"] = published.isoformat()
    return data
