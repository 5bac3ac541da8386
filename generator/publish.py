"""The publish set: what is public in this build.

Input: a valid ``Site``. Output: a ``PublishSet`` holding only the entries that
may appear in the output, with every reference between entries pruned to
entries that are themselves in the set. Later stages read nothing else, so a
draft is absent from the site because it never entered the set, not because a
template remembered to filter it.

With ``drafts=True`` (a preview) every entry is included and the set is marked
as a preview so that each page and the whole site can say so.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .model import Activity, Campaign, Exemplar, Matter, Page, Site


@dataclass(frozen=True)
class PublishSet:
    campaign: Campaign
    exemplars: tuple[Exemplar, ...]
    activities: tuple[Activity, ...]
    matters: tuple[Matter, ...]
    pages: tuple[Page, ...]
    preview: bool = False  # drafts included: never deploy this


def select(site: Site, drafts: bool = False) -> PublishSet:
    def public(status: str) -> bool:
        return drafts or status == "published"

    exemplars = [e for e in site.exemplars if public(e.publication.status)]
    activities = [a for a in site.activities if public(a.publication.status)]
    pages = [p for p in site.pages if public(p.status)]
    slugs = {e.slug for e in exemplars}
    activity_ids = {a.id for a in activities}
    matter_ids = {m.id for m in site.matters}

    # A photo of a person who has not agreed (consent: false) never leaves the
    # editors' folder, not even in a preview.
    exemplars = [dataclasses.replace(e, related=tuple(s for s in e.related if s in slugs),
                                     photos=tuple(p for p in e.photos if p.consent),
                                     portrait=e.portrait if e.portrait is None or e.portrait.consent else None)
                 for e in exemplars]
    activities = [dataclasses.replace(a, exemplars=tuple(s for s in a.exemplars if s in slugs),
                                      matters=tuple(m for m in a.matters if m in matter_ids),
                                      photos=tuple(p for p in a.photos if p.consent),
                                      cover=a.cover if a.cover is None or a.cover.consent else None)
                  for a in activities]
    # The practical-matters list is public by design; only its links to
    # activity reports that are not published are dropped.
    matters = [dataclasses.replace(m, activities=tuple(a for a in m.activities if a in activity_ids))
               for m in site.matters]
    return PublishSet(site.campaign, tuple(exemplars), tuple(activities), tuple(matters), tuple(pages),
                      preview=drafts)


def is_unpublished(entry: Exemplar | Activity | Page) -> bool:
    """True for an entry shown only in a preview build."""
    status = entry.status if isinstance(entry, Page) else entry.publication.status
    return status != "published"
