"""What the sample campaign should show, computed from the content model.

Expected values come from ``exemplar.pipeline.check(REPO).site`` (the
editors' files as read), not from the generator's later stages, so a bug in
publishing or staging cannot hide itself by changing the expectation too.
Formatting (dates) is written out here on purpose for the same reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TypeVar

from exemplar.model import Activity, Exemplar, Site

T = TypeVar("T", Exemplar, Activity)

HAN = re.compile(r"[\u4e00-\u9fff]")


def published(entries: Iterable[T]) -> list[T]:
    return [e for e in entries if e.publication.is_published]


def unpublished(entries: Iterable[T]) -> list[T]:
    return [e for e in entries if not e.publication.is_published]


def cn_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def markdown_headings(body: str, level: int = 2) -> list[str]:
    """The text of the ATX headings of one level in a Markdown body (emphasis marks dropped)."""
    marks = "#" * level
    return [re.sub(r"[*_`]", "", line[level + 1:]).strip()
            for line in body.splitlines() if line.startswith(marks + " ")]


def profile_to_visit(site: Site) -> Exemplar:
    """A published exemplar with everything a profile can show: portrait, photos, related people, headings."""
    public = {e.slug for e in published(site.exemplars)}
    candidates = [e for e in published(site.exemplars)
                  if e.portrait and e.photos and any(s in public for s in e.related) and markdown_headings(e.body)]
    assert candidates, "the sample has no published exemplar with portrait, photos, related people and headings"
    return min(candidates, key=lambda e: (-len(e.photos), e.slug))


def activity_to_visit(site: Site) -> Activity:
    candidates = [a for a in published(site.activities) if a.cover and a.location]
    assert candidates, "the sample has no published activity with a cover and a location"
    return min(candidates, key=lambda a: a.id)


def field_to_filter(site: Site, preferred: str = "医疗卫生") -> str:
    """A field that some, but not all, published exemplars have."""
    people = published(site.exemplars)
    counts = {f: sum(f in e.fields for e in people) for f in site.campaign.vocabularies.fields}
    usable = [f for f, n in counts.items() if 0 < n < len(people)]
    assert usable, "no field narrows the sample gallery"
    return preferred if preferred in usable else usable[0]
