"""The content model: what a campaign is made of, as validated values.

Plain frozen dataclasses, no I/O. ``validate.py`` is the only producer; every
value here has passed the schema, so later stages never re-check types.
Paths to files are ``PurePosixPath`` relative to the site root.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

STATUSES = ("draft", "review", "published")
MATTER_STATUSES = ("planned", "in_progress", "done")
ERAS = ("current", "historical")
GENDERS = ("男", "女")


@dataclass(frozen=True, slots=True)
class Image:
    file: PurePosixPath  # relative to the site root
    alt: str
    credit: str | None = None
    consent: bool = True  # False: the person shown has not agreed; never published


@dataclass(frozen=True, slots=True)
class Photo:
    file: PurePosixPath
    caption: str
    credit: str | None = None
    consent: bool = True


@dataclass(frozen=True, slots=True)
class Honor:
    year: int
    title: str


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Video:
    file: PurePosixPath | None = None
    url: str | None = None
    poster: PurePosixPath | None = None


@dataclass(frozen=True, slots=True)
class Consent:
    obtained: bool
    date: dt.date | None = None
    note: str | None = None
    guardian: bool | None = None  # a parent or guardian agreed (required under 14)


REVIEW_STAGES = ("first", "second", "final")  # 初审, 复审, 终审
STAGE_NAMES = {"first": "初审", "second": "复审", "final": "终审"}


@dataclass(frozen=True, slots=True)
class SignOff:
    by: str
    date: dt.date
    hash: str | None = None  # signoff.content_digest of what was approved (exemplar sign)


@dataclass(frozen=True, slots=True)
class Review:
    first: SignOff | None = None
    second: SignOff | None = None
    final: SignOff | None = None


@dataclass(frozen=True, slots=True)
class Publication:
    status: str = "draft"
    reviewed_by: str | None = None
    published: dt.date | None = None
    updated: dt.date | None = None
    review: Review | None = None

    @property
    def is_published(self) -> bool:
        return self.status == "published"


@dataclass(frozen=True, slots=True)
class Exemplar:
    slug: str
    source: PurePosixPath
    body: str
    body_line: int
    name: str
    affiliation: str
    region: str
    fields: tuple[str, ...]
    headline: str
    summary: str
    publication: Publication
    gender: str | None = None
    born: int | None = None
    died: int | None = None
    era: str = "current"
    title: str | None = None
    groups: tuple[str, ...] = ()
    quote: str | None = None
    portrait: Image | None = None
    photos: tuple[Photo, ...] = ()
    honors: tuple[Honor, ...] = ()
    video: Video | None = None
    links: tuple[Link, ...] = ()
    related: tuple[str, ...] = ()
    featured: bool = False
    tags: tuple[str, ...] = ()
    name_pinyin: str | None = None
    consent: Consent | None = None


@dataclass(frozen=True, slots=True)
class Activity:
    id: str  # the folder name, YYYY-MM-DD-slug; also its URL segment
    source: PurePosixPath
    body: str
    body_line: int
    title: str
    date: dt.date
    type: str
    summary: str
    publication: Publication
    end_date: dt.date | None = None
    key_date: str | None = None
    region: str | None = None
    location: str | None = None
    organizers: tuple[str, ...] = ()
    participants: int | None = None
    exemplars: tuple[str, ...] = ()
    matters: tuple[str, ...] = ()
    cover: Image | None = None
    photos: tuple[Photo, ...] = ()


@dataclass(frozen=True, slots=True)
class Matter:
    id: str
    title: str
    demand: str
    source: str
    department: str
    region: str
    status: str
    pledged: dt.date
    due: dt.date
    done: dt.date | None = None
    result: str | None = None
    typical_case: bool = False
    activities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    slug: str
    source: PurePosixPath
    body: str
    body_line: int
    title: str
    summary: str | None = None
    order: int = 0
    status: str = "published"


@dataclass(frozen=True, slots=True)
class KeyDate:
    id: str
    name: str
    date: dt.date
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Vocabularies:
    fields: tuple[str, ...]
    groups: tuple[str, ...]
    regions: tuple[str, ...]
    activity_types: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    phone: str
    email: str


@dataclass(frozen=True, slots=True)
class Media:
    site_url: str
    reprint: str
    contact: Contact


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """Conventions of Chinese government sites."""

    icp: str | None = None  # ICP filing number, e.g. 冀ICP备12345678号-1
    psb: str | None = None  # public-security filing, e.g. 冀公网安备13060202000123号
    mourning: tuple[Period, ...] = ()  # the whole site turns grey on these days

    @property
    def psb_code(self) -> str:
        return "".join(ch for ch in self.psb or "" if ch.isdigit())


@dataclass(frozen=True, slots=True)
class Term:
    wrong: str
    right: str
    level: str = "warning"  # "warning" | "error"


@dataclass(frozen=True, slots=True)
class Rules:
    """The campaign's editorial rules (campaign.yml ``rules``)."""

    review_stages: int = 1  # 1: a final sign-off (or v1 reviewed_by); 3: 初审, 复审 and 终审
    terms: tuple[Term, ...] = ()
    public_numbers: tuple[str, ...] = ()  # phone numbers that may appear (hotlines)
    spacing: bool = True  # W802: spaces between Chinese and Latin letters or digits, full-width punctuation


@dataclass(frozen=True, slots=True)
class Campaign:
    name: str
    organizer: str
    short_name: str
    theme: str
    period_start: dt.date
    period_end: dt.date
    key_dates: tuple[KeyDate, ...]
    vocabularies: Vocabularies
    media: Media
    description: str | None = None
    notice: str | None = None
    site: SiteSettings = SiteSettings()
    rules: Rules = Rules()

    @property
    def public_numbers(self) -> tuple[str, ...]:
        """Phone numbers published on purpose: the office contact and the listed hotlines."""
        return (self.media.contact.phone, *self.rules.public_numbers)


@dataclass(frozen=True)
class Site:
    """Everything a valid campaign contains, whatever its publication status."""

    root: Path
    campaign: Campaign
    exemplars: tuple[Exemplar, ...] = ()
    activities: tuple[Activity, ...] = ()
    matters: tuple[Matter, ...] = ()
    pages: tuple[Page, ...] = ()
    extra: dict = field(default_factory=dict)
