"""Stage: the publish set -> pages and assets for the renderer.

Input: a ``PublishSet``. Output: ``Staged``: every page of the site as a
finished HTML fragment (rendered with the package's own Jinja templates,
autoescape on) plus the files it needs (processed images, videos). Nothing
else reaches the output: the renderer copies exactly these assets, so a file
that no public page references is never published.

This module does not import MkDocs; ``render.py`` turns ``Staged`` into
MkDocs files and pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from markupsafe import Markup

from . import charts
from .cachefile import template_cache
from .forked import in_halves
from .images import ProcessedImage, image_cache_dir, process_images
from .markup import ImageHTML, ImageSource, Rendered, TocEntry, images_in
from .media import MediaCampaign, MediaItem, MediaPhoto
from .media.feeds import render_json_feed, render_rss
from .media.kit import generate_kits, media_cache_dir
from .media.share import ShareInfo, article_ld, event_ld, json_for_script, person_ld, website_ld
from .model import Activity, Campaign, Exemplar, Matter, Page, Photo
from .publish import PublishSet, is_unpublished
from .stagecache import StageCache

MATTER_STATUS_NAMES = {"planned": "计划中", "in_progress": "推进中", "done": "已办结"}
ERA_NAMES = {"current": "当代", "historical": "历史人物"}
FACETS = (("fields", "领域"), ("groups", "群体"), ("regions", "地区"), ("era", "年代"))
ASSET_DIR = "assets/media"  # content-addressed files: cached for a year
PARALLEL_MIN_JOBS = 100  # pages; below this a second process costs more than it saves


@dataclass(frozen=True)
class StagedPage:
    path: str  # the page's source URI, e.g. "stories/zhang-san/index.md"; its URL is the folder
    title: str
    html: str
    kind: str  # home | gallery | listing | profile | timeline | activity | matters | summary | page
    description: str = ""
    toc: tuple[TocEntry, ...] = ()
    unpublished: bool = False  # preview only: shown with a 未发布 banner
    searchable: bool = True
    # mkdocs-material "hide": the tabs are the navigation, so no page shows the
    # sidebar (which would also make every page list every story).
    hide: tuple[str, ...] = ("navigation",)
    image: str | None = None  # site-root-relative path of the share image
    search_text: str = ""
    head: str = ""  # share metadata (Open Graph, Twitter, JSON-LD), escaped HTML for the <head>


@dataclass(frozen=True)
class StagedAsset:
    dest: str  # output path relative to the site directory
    source: Path


@dataclass(frozen=True)
class NavItem:
    title: str
    path: str


@dataclass(frozen=True)
class Staged:
    campaign: Campaign
    pages: tuple[StagedPage, ...]
    assets: tuple[StagedAsset, ...]
    nav: tuple[NavItem, ...]
    dictionary: tuple[str, ...]  # words for the Chinese search segmenter
    preview: bool


# ------------------------------------------------------------------ helpers

def url_segment(value: str) -> str:
    """A vocabulary value as one URL path segment (Chinese kept, separators replaced; never "." or "..")."""
    segment = re.sub(r"[\s/\\?#%&\"'<>]+", "-", value).strip("-")
    return segment if segment.strip(".") else "-"


def page_dir(path: str) -> str:
    """'stories/zhang-san/index.md' -> 'stories/zhang-san/'."""
    parent = posixpath.dirname(path)
    return f"{parent}/" if parent else ""


@lru_cache(maxsize=4096)  # asked for every card and link on every page
def relative_root(path: str) -> str:
    """The relative prefix from a page's URL back to the site root."""
    depth = page_dir(path).count("/")
    return "../" * depth


PAGE_SIZE = 60  # cards per gallery or listing page: whole rows of 2, 3, 4, 5 or 6 across


@dataclass(frozen=True)
class Pager:
    """Where one page of a paginated list sits among its pages; every href relative to that page."""

    number: int  # 1-based
    count: int
    previous: str | None
    next: str | None
    links: tuple[tuple[int | None, str | None], ...]  # (page number, href); (None, None) is a gap


def paginate(items: list, base: str, size: int = PAGE_SIZE) -> list[tuple[str, list, Pager | None]]:
    """Split a list over pages: 'stories/index.md', then 'stories/page/2/index.md', ...

    A list that fits on one page has no pager. The page count grows with the
    campaign; what one page weighs does not.
    """
    chunks = [items[start:start + size] for start in range(0, len(items), size)] or [[]]
    if len(chunks) == 1:
        return [(base, chunks[0], None)]
    folder = page_dir(base)
    paths = [base] + [f"{folder}page/{number}/index.md" for number in range(2, len(chunks) + 1)]
    result = []
    for index, (path, chunk) in enumerate(zip(paths, chunks)):
        def href(target: int, _from: str = path) -> str:
            return relative_root(_from) + page_dir(paths[target])
        shown = sorted({0, len(chunks) - 1, *range(max(0, index - 2), min(len(chunks), index + 3))})
        links: list[tuple[int | None, str | None]] = []
        for position, target in enumerate(shown):
            if position and target - shown[position - 1] > 1:
                links.append((None, None))
            links.append((target + 1, href(target)))
        pager = Pager(index + 1, len(chunks), href(index - 1) if index else None,
                      href(index + 1) if index + 1 < len(chunks) else None, tuple(links))
        result.append((path, chunk, pager))
    return result


def _numbered(title: str, pager: Pager | None) -> str:
    return f"{title}（第 {pager.number} 页）" if pager and pager.number > 1 else title


@dataclass(frozen=True)
class Picture:
    """An image ready to print: every URL already relative to the page."""

    src: str
    srcset: str
    webp_srcset: str
    width: int
    height: int
    alt: str
    credit: str | None = None
    caption: str | None = None


class Assets:
    """Processed images and copied files, named by content, collected as pages ask for them."""

    def __init__(self, root: Path, processed: dict[Path, ProcessedImage]) -> None:
        self.root = root
        self.processed = processed
        self.files: dict[str, Path] = {}
        self._by_file: dict[PurePosixPath, ProcessedImage] = {}

    def image(self, file: PurePosixPath) -> ProcessedImage:
        """The processed image of a bundle file (looked up by the file's name in the model: a card is
        printed on several listings, and joining paths again each time costs more than the card)."""
        image = self._by_file.get(file)
        if image is None:
            image = self._by_file[file] = self.processed[self.root / file]
        return image

    def picture(self, file: PurePosixPath, alt: str, root_prefix: str, *, max_width: int = 1440,
                credit: str | None = None, caption: str | None = None) -> Picture:
        image = self.image(file)
        fallback = [v for v in image.variants if v.format != "webp" and v.width <= max_width] or \
            [min((v for v in image.variants if v.format != "webp"), key=lambda v: v.width)]
        webp = [v for v in image.variants if v.format == "webp" and v.width <= max_width]
        for variant in (*fallback, *webp):
            self.files[f"{ASSET_DIR}/{variant.name}"] = variant.cache_path
        largest = fallback[-1]

        def srcset(variants) -> str:
            return ", ".join(f"{root_prefix}{ASSET_DIR}/{v.name} {v.width}w" for v in variants)

        return Picture(src=f"{root_prefix}{ASSET_DIR}/{largest.name}", srcset=srcset(fallback),
                       webp_srcset=srcset(webp), width=largest.width, height=largest.height,
                       alt=alt, credit=credit, caption=caption)

    def share_image(self, file: PurePosixPath) -> str:
        image = self.image(file)
        variant = max((v for v in image.variants if v.format != "webp" and v.width <= 1440), key=lambda v: v.width)
        self.files[f"{ASSET_DIR}/{variant.name}"] = variant.cache_path
        return f"{ASSET_DIR}/{variant.name}"

    def copy(self, file: PurePosixPath) -> str:
        """A non-image file (a video) published under a content-addressed name."""
        path = self.root / file
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        name = f"{ASSET_DIR}/{digest}{path.suffix.lower()}"
        self.files[name] = path
        return name


def _environment(root: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("exemplar", "templates"),
        bytecode_cache=template_cache(root) if root is not None else None,
        autoescape=True,  # every value from front matter is escaped; sanitized HTML is marked safe explicitly
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cn_date"] = cn_date
    return env


def cn_date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def date_range(start: dt.date, end: dt.date | None) -> str:
    if not end or end == start:
        return cn_date(start)
    if end.year == start.year:
        if end.month == start.month:
            return f"{cn_date(start)}至{end.day}日"
        return f"{cn_date(start)}至{end.month}月{end.day}日"
    return f"{cn_date(start)}至{cn_date(end)}"


# ------------------------------------------------------------------- stage

def stage(publish_set: PublishSet, root: Path, *, workers: int | None = None, media: bool = True) -> Staged:
    cache = StageCache.open(root)
    processed = process_images(_image_sources(publish_set, root, cache.images_in), image_cache_dir(root),
                               workers=workers, digest_of=cache.file_digest)
    builder = _Builder(publish_set, root, Assets(root, processed), _environment(root), cache)
    builder.kits = builder.media_kits(workers) if media else {}
    pages = builder.all_pages()
    if media:
        builder.feeds()
    builder.cache.save()
    assets = tuple(StagedAsset(dest, source) for dest, source in sorted(builder.assets.files.items()))
    return Staged(publish_set.campaign, tuple(pages), assets, builder.nav(), builder.dictionary(),
                  publish_set.preview)


def _image_sources(publish_set: PublishSet, root: Path,
                   images_in: Callable[[str], tuple[str, ...]] = images_in) -> list[Path]:
    files: list[PurePosixPath] = []
    for entry in (*publish_set.exemplars, *publish_set.activities):
        files += _entry_images(entry)
        files += [entry.source.parent / name for name in images_in(entry.body)]
    return [root / f for f in sorted(set(files), key=str)]  # strings compare faster than paths


def _entry_images(entry: Exemplar | Activity) -> list[PurePosixPath]:
    files = [p.file for p in entry.photos]
    if isinstance(entry, Exemplar):
        if entry.portrait:
            files.append(entry.portrait.file)
        if entry.video and entry.video.poster:
            files.append(entry.video.poster)
    elif entry.cover:
        files.append(entry.cover.file)
    return files


@dataclass
class _Builder:
    publish: PublishSet
    root: Path
    assets: Assets
    env: jinja2.Environment
    cache: StageCache
    kits: dict[str, list[tuple[str, Path]]] = field(default_factory=dict)  # page folder -> media kit files
    items: list[MediaItem] = field(default_factory=list)

    # --- shared pieces ----------------------------------------------------

    @cached_property
    def exemplars_by_slug(self) -> dict[str, Exemplar]:
        return {e.slug: e for e in self.publish.exemplars}

    @cached_property
    def activities_with(self) -> defaultdict[str, list[Activity]]:
        """Exemplar slug -> the activities that feature them, in activity order (made once, not per profile)."""
        found: defaultdict[str, list[Activity]] = defaultdict(list)
        for activity in self.publish.activities:
            for slug in dict.fromkeys(activity.exemplars):
                found[slug].append(activity)
        return found

    def render(self, template: str, path: str, **values) -> str:
        return self.template(template, {"root": relative_root(path), "kit": page_dir(path) in self.kits, **values})

    def template(self, name: str, values: dict[str, Any]) -> str:
        """One of exemplar's templates; the stage cache keeps its HTML between builds."""
        return self.cache.template(self.env.get_template(name), {
            "campaign": self.publish.campaign, "preview": self.publish.preview, **values})

    def image_resolver(self, entry: Exemplar | Activity, prefix: str, *, responsive: bool) -> Callable:
        """For the Markdown renderer: an image named in a story body -> its processed variants."""
        bundle = entry.source.parent
        sizes = "(max-width: 760px) 100vw, 720px"

        def image_src(name: str) -> ImageHTML | None:
            file = bundle / name
            if self.root / file not in self.assets.processed:
                return None
            picture = self.assets.picture(file, "", prefix, max_width=1440 if responsive else 960)
            if not responsive:  # the WeChat copy and the press release want one absolute URL
                return ImageHTML(src=picture.src, width=picture.width, height=picture.height)
            sources = (ImageSource(srcset=picture.webp_srcset, type="image/webp", sizes=sizes),) \
                if picture.webp_srcset else ()
            return ImageHTML(src=picture.src, width=picture.width, height=picture.height, srcset=picture.srcset,
                             sizes=sizes, sources=sources)

        return image_src

    def body(self, entry: Exemplar | Activity | Page, path: str) -> Rendered:
        resolver = None if isinstance(entry, Page) else self.image_resolver(entry, relative_root(path), responsive=True)
        return self.cache.render(entry.body, resolver)

    def card(self, exemplar: Exemplar, path: str) -> dict:
        prefix = relative_root(path)
        return {
            "exemplar": exemplar,
            "url": f"{prefix}stories/{exemplar.slug}/",
            "picture": self.assets.picture(exemplar.portrait.file, exemplar.portrait.alt, prefix, max_width=480)
            if exemplar.portrait else None,
            "facets": {"fields": "|".join(exemplar.fields), "groups": "|".join(exemplar.groups),
                       "regions": exemplar.region, "era": exemplar.era},
            "unpublished": is_unpublished(exemplar),
        }

    def activity_item(self, activity: Activity, path: str) -> dict:
        prefix = relative_root(path)
        key_dates = {k.id: k for k in self.publish.campaign.key_dates}
        return {
            "activity": activity,
            "url": f"{prefix}activities/{activity.id}/",
            "when": date_range(activity.date, activity.end_date),
            "key_date": key_dates.get(activity.key_date) if activity.key_date else None,
            "picture": self.assets.picture(activity.cover.file, activity.cover.alt, prefix, max_width=480)
            if activity.cover else None,
            "unpublished": is_unpublished(activity),
        }

    # --- pages ------------------------------------------------------------

    def all_pages(self) -> list[StagedPage]:
        jobs = [lambda: [self.home(), *self.gallery()],
                *self.listings(),
                *_each(self.profile, self.publish.exemplars),
                lambda: [self.timeline()],
                *_each(self.activity, self.publish.activities),
                lambda: [self.matters(), self.summary()],
                *_each(self.free_page, self.publish.pages)]
        pages = self._in_halves(jobs)
        return [page if page.head else dataclasses.replace(page, head=self.generic_head(page)) for page in pages]

    def _in_halves(self, jobs: list[Callable[[], Iterable]]) -> list:
        """Run independent jobs on both cores (forked.py), keeping their order and the files they publish.

        Each core takes every other job, so heavy jobs (long listings) next to each other are shared.
        """
        def run(part: Sequence[Callable[[], Iterable]]) -> tuple[list[list], dict[str, Path], dict, set, set]:
            made = [list(job()) for job in part]
            self.cache.write_html()
            return made, self.assets.files, self.cache.made, self.cache.used, self.cache.html_used

        order = [*range(0, len(jobs), 2), *range(1, len(jobs), 2)]
        produced: list[list] = []
        for made, files, cache_made, cache_used, html_used in in_halves(
                run, [jobs[i] for i in order], minimum=PARALLEL_MIN_JOBS, split=(len(jobs) + 1) // 2):
            produced += made
            self.assets.files.update(files)
            self.cache.join(cache_made, cache_used, html_used)
        in_order: list[list] = [[] for _ in jobs]
        for position, results in zip(order, produced):
            in_order[position] = results
        return [result for results in in_order for result in results]

    def head_html(self, info: ShareInfo, path: str) -> str:
        # Feed links are relative: mkdocs-material fetches sitemap.xml next to every
        # <link rel="alternate">, and an absolute one would call the production host.
        prefix = relative_root(path)
        return self.template("_head.html", {"s": info, "feed_rss": f"{prefix}feed.xml", "feed_json": f"{prefix}feed.json"})

    def generic_head(self, page: StagedPage) -> str:
        campaign = self.publish.campaign
        url = self.absolute(page_dir(page.path))
        description = page.description or campaign.theme
        if page.kind == "home":
            ld = website_ld(name=campaign.name, url=url, description=description, publisher=campaign.organizer)
        else:
            ld = article_ld(headline=page.title, url=url, description=description, image=None, published=None,
                            publisher=campaign.organizer)
        return self.head_html(ShareInfo(page.title if page.kind != "home" else campaign.name, description, url,
                                        None, "", "website" if page.kind == "home" else "article",
                                        campaign.short_name, json_for_script(ld)), page.path)

    def entry_head(self, entry: Exemplar | Activity, path: str, title: str, ld: dict, image_alt: str) -> str:
        folder = page_dir(path)
        image = self.absolute(folder + "card.png") if folder in self.kits else None
        return self.head_html(ShareInfo(title, entry.summary, self.absolute(folder), image, image_alt,
                                        "profile" if isinstance(entry, Exemplar) else "article",
                                        self.publish.campaign.short_name, json_for_script(ld)), path)

    def home(self) -> StagedPage:
        path = "index.md"
        campaign = self.publish.campaign
        exemplars = self.publish.exemplars
        featured = _gallery_order(exemplars)[:6]  # featured first, then the newest
        latest = sorted(self.publish.activities, key=lambda a: (a.date, a.id), reverse=True)[:4]
        matters = self.publish.matters
        numbers = [
            ("典型人物", len(exemplars), "stories/"),
            ("活动报道", len(self.publish.activities), "activities/"),
            ("实事已办结", f"{sum(m.status == 'done' for m in matters)}/{len(matters)}", "matters/"),
        ]
        html = self.render("home.html", path, featured=[self.card(e, path) for e in featured],
                           latest=[self.activity_item(a, path) for a in latest], numbers=numbers,
                           key_dates=campaign.key_dates)
        return StagedPage(path, campaign.short_name, html, "home", description=campaign.description or campaign.theme,
                          hide=("navigation", "toc"), search_text=campaign.theme)

    def facet_values(self) -> dict[str, list[tuple[str, str, int]]]:
        """facet -> [(value, label, count)] in vocabulary order, only values in use."""
        vocab = self.publish.campaign.vocabularies
        counts: dict[str, Counter] = {name: Counter() for name, _ in FACETS}
        for e in self.publish.exemplars:
            counts["fields"].update(e.fields)
            counts["groups"].update(e.groups)
            counts["regions"][e.region] += 1
            counts["era"][e.era] += 1
        order = {"fields": vocab.fields, "groups": vocab.groups, "regions": vocab.regions,
                 "era": tuple(ERA_NAMES)}
        return {name: [(v, ERA_NAMES.get(v, v) if name == "era" else v, counts[name][v])
                       for v in order[name] if counts[name][v]] for name, _ in FACETS}

    @cached_property
    def gallery_order(self) -> list[Exemplar]:
        return _gallery_order(self.publish.exemplars)

    def gallery(self) -> Iterable[StagedPage]:
        exemplars = self.gallery_order
        facet_values = self.facet_values()
        for path, members, pager in paginate(exemplars, "stories/index.md"):
            facets = [(name, label, [(value, text, count, f"{relative_root(path)}stories/{name}/{url_segment(value)}/")
                                     for value, text, count in facet_values[name]])
                      for name, label in FACETS]
            html = self.render("gallery.html", path, facets=facets, cards=[self.card(e, path) for e in members],
                               total=len(exemplars), pager=pager)
            yield StagedPage(path, _numbered("人物风采", pager), html, "gallery",
                             description=f"{self.publish.campaign.name}：典型人物", hide=("navigation", "toc"),
                             searchable=False)

    def listings(self) -> list[Callable[[], list[StagedPage]]]:
        """One job per facet value (a field, a group, a region, an era): its listing pages."""
        facet_values = self.facet_values()
        return [partial(self.listing, name, label, value, text)
                for name, label in FACETS for value, text, _ in facet_values[name]]

    def listing(self, name: str, label: str, value: str, text: str) -> list[StagedPage]:
        base = f"stories/{name}/{url_segment(value)}/index.md"
        members = [e for e in self.gallery_order if _has_facet(e, name, value)]
        pages = []
        for path, cards, pager in paginate(members, base):
            html = self.render("listing.html", path, label=label, value=text, total=len(members),
                               cards=[self.card(e, path) for e in cards], pager=pager)
            pages.append(StagedPage(path, _numbered(f"{label}：{text}", pager), html, "listing",
                                    description=f"{label}为“{text}”的典型人物", hide=("navigation", "toc"),
                                    searchable=False))
        return pages

    def profile(self, exemplar: Exemplar) -> StagedPage:
        path = f"stories/{exemplar.slug}/index.md"
        prefix = relative_root(path)
        body = self.body(exemplar, path)
        by_slug = self.exemplars_by_slug
        portrait = self.assets.picture(exemplar.portrait.file, exemplar.portrait.alt, prefix, max_width=960,
                                       credit=exemplar.portrait.credit) if exemplar.portrait else None
        # A photo the story already shows inline is not repeated in the gallery below it.
        photos = [self._photo(p, prefix) for p in exemplar.photos
                  if p.file.name not in body.images]
        featured_in = [self.activity_item(a, path) for a in self.activities_with[exemplar.slug]]
        video = None
        if exemplar.video:
            video = {"src": prefix + self.assets.copy(exemplar.video.file) if exemplar.video.file else None,
                     "url": exemplar.video.url,
                     "poster": self.assets.picture(exemplar.video.poster, "", prefix, max_width=960).src
                     if exemplar.video.poster else None}
        html = self.render(
            "profile.html", path, e=exemplar, body=_safe(body.html), portrait=portrait, photos=photos,
            reading=self.cache.reading(exemplar.name, exemplar.name_pinyin),
            related=[self.card(by_slug[s], path) for s in exemplar.related], featured_in=featured_in,
            era=ERA_NAMES[exemplar.era], unpublished=is_unpublished(exemplar), video=video,
            field_links=[(f, f"{prefix}stories/fields/{url_segment(f)}/") for f in exemplar.fields],
            group_links=[(g, f"{prefix}stories/groups/{url_segment(g)}/") for g in exemplar.groups],
            region_link=f"{prefix}stories/regions/{url_segment(exemplar.region)}/",
            canonical=self.absolute(page_dir(path)),
        )
        image = self.assets.share_image(exemplar.portrait.file) if exemplar.portrait else None
        ld = person_ld(name=exemplar.name, url=self.absolute(page_dir(path)),
                       image=self.absolute(image) if image else None, description=exemplar.summary,
                       affiliation=exemplar.affiliation, job_title=exemplar.title, region=exemplar.region,
                       born=exemplar.born, died=exemplar.died, honors=tuple(h.title for h in exemplar.honors),
                       same_as=tuple(link.url for link in exemplar.links))
        head = self.entry_head(exemplar, path, f"{exemplar.name}：{exemplar.headline}", ld,
                               exemplar.portrait.alt if exemplar.portrait else "")
        return StagedPage(path, exemplar.name, html, "profile", description=exemplar.summary, toc=body.toc,
                          unpublished=is_unpublished(exemplar), image=image, head=head,
                          search_text=" ".join([exemplar.name, exemplar.headline, exemplar.affiliation, body.text]))

    def _photo(self, photo: Photo, prefix: str) -> Picture:
        return self.assets.picture(photo.file, photo.caption, prefix, max_width=960, credit=photo.credit,
                                   caption=photo.caption)

    def timeline(self) -> StagedPage:
        path = "activities/index.md"
        months: dict[tuple[int, int], list[dict]] = defaultdict(list)
        for activity in self.publish.activities:
            months[(activity.date.year, activity.date.month)].append(self.activity_item(activity, path))
        key_dates_by_month: dict[tuple[int, int], list] = defaultdict(list)
        for key_date in self.publish.campaign.key_dates:
            key_dates_by_month[(key_date.date.year, key_date.date.month)].append(key_date)
        groups = [{"label": f"{year}年{month}月", "id": f"m{year}-{month:02d}", "entries": months[(year, month)],
                   "key_dates": key_dates_by_month.get((year, month), [])}
                  for year, month in sorted(set(months) | set(key_dates_by_month))]
        counts = Counter(a.key_date for a in self.publish.activities if a.key_date)
        key_dates = [{"key_date": k, "count": counts[k.id], "anchor": f"m{k.date.year}-{k.date.month:02d}"}
                     for k in self.publish.campaign.key_dates]
        html = self.render("timeline.html", path, groups=groups, key_dates=key_dates)
        return StagedPage(path, "活动动态", html, "timeline", description="活动时间线", searchable=False)

    def activity(self, activity: Activity) -> StagedPage:
        path = f"activities/{activity.id}/index.md"
        prefix = relative_root(path)
        body = self.body(activity, path)
        by_slug = self.exemplars_by_slug
        by_id = {m.id: m for m in self.publish.matters}
        cover = self.assets.picture(activity.cover.file, activity.cover.alt, prefix, max_width=1440,
                                    credit=activity.cover.credit) if activity.cover else None
        html = self.render(
            "activity.html", path, a=activity, item=self.activity_item(activity, path), cover=cover,
            body=_safe(body.html), photos=[self._photo(p, prefix) for p in activity.photos
                                           if p.file.name not in body.images],
            exemplars=[self.card(by_slug[s], path) for s in activity.exemplars],
            matters=[self._matter_view(by_id[m], prefix) for m in activity.matters],
            unpublished=is_unpublished(activity), canonical=self.absolute(page_dir(path)),
        )
        image = self.assets.share_image(activity.cover.file) if activity.cover else None
        ld = event_ld(name=activity.title, url=self.absolute(page_dir(path)),
                      image=self.absolute(image) if image else None, description=activity.summary,
                      start=activity.date, end=activity.end_date,
                      location=" ".join(x for x in (activity.region, activity.location) if x) or None,
                      organizers=activity.organizers, published=activity.publication.published,
                      publisher=self.publish.campaign.organizer)
        head = self.entry_head(activity, path, activity.title, ld, activity.cover.alt if activity.cover else "")
        return StagedPage(path, activity.title, html, "activity", description=activity.summary, toc=body.toc,
                          unpublished=is_unpublished(activity), image=image, head=head,
                          search_text=" ".join([activity.title, activity.summary, body.text]))

    def _matter_view(self, matter: Matter, prefix: str) -> dict:
        titles = {a.id: a.title for a in self.publish.activities}
        return {"m": matter, "status": MATTER_STATUS_NAMES[matter.status],
                "url": f"{prefix}matters/#{matter.id}",
                "activities": [(titles[a], f"{prefix}activities/{a}/") for a in matter.activities]}

    def matters(self) -> StagedPage:
        path = "matters/index.md"
        prefix = relative_root(path)
        matters = self.publish.matters
        by_status = Counter(m.status for m in matters)
        departments: dict[str, Counter] = defaultdict(Counter)
        for m in matters:
            departments[m.department][m.status] += 1
        status_counts = [(MATTER_STATUS_NAMES[s], s, by_status[s]) for s in MATTER_STATUS_NAMES]
        order = {s: i for i, s in enumerate(("in_progress", "planned", "done"))}
        views = [self._matter_view(m, prefix) for m in sorted(matters, key=lambda m: (order[m.status], m.due, m.id))]
        html = self.render(
            "matters.html", path, matters=views, status_counts=status_counts, total=len(matters),
            done_percent=round(100 * by_status["done"] / len(matters)) if matters else 0,
            typical=[v for v in views if v["m"].typical_case],
            departments=sorted(((d, c["done"], sum(c.values())) for d, c in departments.items()),
                               key=lambda row: (-row[2], row[0])),
        )
        text = " ".join(f"{m.title} {m.demand} {m.result or ''}" for m in matters)
        return StagedPage(path, "办实事清单", html, "matters", description="我为科技工作者办实事清单",
                          search_text=text)

    def summary(self) -> StagedPage:
        path = "summary/index.md"
        tables = charts.summary_tables(self.publish)
        html = self.render("summary.html", path, tables=[(t, _safe(charts.bar_chart_svg(t))) for t in tables],
                           totals=charts.totals(self.publish))
        return StagedPage(path, "活动总结", html, "summary", description=f"{self.publish.campaign.name}：数据总结",
                          searchable=False)

    def free_page(self, page: Page) -> StagedPage:
        path = f"{page.slug}/index.md"
        body = self.body(page, path)
        html = self.render("page.html", path, p=page, body=_safe(body.html), unpublished=is_unpublished(page))
        return StagedPage(path, page.title, html, "page", description=page.summary or "", toc=body.toc,
                          unpublished=is_unpublished(page), search_text=f"{page.title} {body.text}")

    # --- media kit ----------------------------------------------------------

    def absolute(self, path: str) -> str:
        return self.publish.campaign.media.site_url.rstrip("/") + "/" + path.lstrip("/")

    def media_kits(self, workers: int | None) -> dict[str, list[tuple[str, Path]]]:
        """Kits for published entries only: a preview never makes a draft's media files."""
        entries = [e for e in (*self.publish.exemplars, *self.publish.activities) if not is_unpublished(e)]
        self.items = self._in_halves(_each(self._media_item, entries))
        web = {}
        for item in self.items:
            for photo in item.photos:
                image = self.assets.processed[photo.path]
                web[photo.path] = max((v for v in image.variants if v.format == "jpeg" and v.width <= 960),
                                      key=lambda v: v.width, default=image.variants[0]).cache_path
        kits = generate_kits(self.items, media_cache_dir(self.root), web, workers=workers)
        for page, files in kits.items():
            for name, cached in files:
                self.assets.files[f"{page}{name}"] = cached
        return kits

    def _media_item(self, entry: Exemplar | Activity) -> MediaItem:
        campaign = self.publish.campaign
        if isinstance(entry, Exemplar):
            page = f"stories/{entry.slug}/"
        else:
            page = f"activities/{entry.id}/"
        prefix = self.absolute("")
        rendered = self.cache.render(entry.body, self.image_resolver(entry, prefix, responsive=False))
        photos = tuple(MediaPhoto(self.root / p.file, self.assets.picture(p.file, p.caption, prefix, max_width=960).src,
                                  p.caption, p.credit) for p in entry.photos)
        media_campaign = MediaCampaign(
            name=campaign.name, short_name=campaign.short_name, organizer=campaign.organizer, theme=campaign.theme,
            reprint=campaign.media.reprint, contact_name=campaign.media.contact.name,
            contact_phone=campaign.media.contact.phone, contact_email=campaign.media.contact.email,
            site_url=campaign.media.site_url if campaign.media.site_url.endswith("/") else campaign.media.site_url + "/")
        common = dict(page_path=page, url=self.absolute(page), summary=entry.summary, body_html=rendered.html,
                      body_text=rendered.text, sections=sections_of(rendered.html), campaign=media_campaign,
                      photos=photos)
        if isinstance(entry, Exemplar):
            image = entry.portrait
            facts = [("职称", entry.title or ""), ("单位", entry.affiliation), ("地区", entry.region),
                     ("领域", "、".join(entry.fields))]
            if entry.era == "historical" and entry.born:
                facts.append(("生卒年", f"{entry.born}—{entry.died or ''}"))
            return MediaItem(kind="exemplar", title=entry.name, headline=entry.headline,
                             date=entry.publication.published, image=self.root / image.file if image else None,
                             image_alt=image.alt if image else "", quote=entry.quote,
                             name_reading=self.cache.reading(entry.name, entry.name_pinyin),
                             facts=tuple((k, v) for k, v in facts if v),
                             links=tuple((link.title, link.url) for link in entry.links),
                             categories=entry.fields + entry.groups,
                             extra={"image_url": self.absolute(self.assets.share_image(image.file)) if image else ""},
                             **common)
        cover = entry.cover
        place = " ".join(x for x in (entry.region, entry.location) if x)
        facts = [("时间", date_range(entry.date, entry.end_date)), ("地点", place),
                 ("主办", "、".join(entry.organizers)),
                 ("参与人数", f"{entry.participants}人" if entry.participants is not None else "")]
        return MediaItem(kind="activity", title=entry.title, headline=f"{entry.type} · {date_range(entry.date, entry.end_date)}",
                         date=entry.date, image=self.root / cover.file if cover else None,
                         image_alt=cover.alt if cover else "", facts=tuple((k, v) for k, v in facts if v),
                         categories=(entry.type,), location=place or None, end_date=entry.end_date,
                         extra={"image_url": self.absolute(self.assets.share_image(cover.file)) if cover else ""},
                         **common)

    def feeds(self) -> None:
        """feed.xml and feed.json: published stories and activities, newest first."""
        campaign = self.items[0].campaign if self.items else None
        if campaign is None:
            return
        items = []
        for item in self.items:
            card = dict(self.kits[item.page_path])["card.png"]
            items.append(dataclasses.replace(item, extra={**item.extra, "card_url": self.absolute(item.page_path + "card.png"),
                                                          "card_length": card.stat().st_size}))
        updated = dt.datetime.combine(max((i.date for i in items if i.date), default=dt.date(2000, 1, 1)),
                                      dt.time(12, 0))
        folder = media_cache_dir(self.root) / "feeds"
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in (("feed.xml", render_rss(items, campaign, feed_url=self.absolute("feed.xml"), updated=updated)),
                           ("feed.json", render_json_feed(items, campaign, feed_url=self.absolute("feed.json"),
                                                          updated=updated))):
            path = folder / name
            if not path.exists() or path.read_bytes() != data:
                temporary = folder / f".{name}.tmp"
                temporary.write_bytes(data)
                temporary.replace(path)
            self.assets.files[name] = path

    # --- navigation and search -------------------------------------------

    def nav(self) -> tuple[NavItem, ...]:
        items = [NavItem("首页", "index.md"), NavItem("人物风采", "stories/index.md"),
                 NavItem("活动动态", "activities/index.md"), NavItem("办实事清单", "matters/index.md"),
                 NavItem("活动总结", "summary/index.md")]
        items += [NavItem(p.title, f"{p.slug}/index.md") for p in self.publish.pages]
        return tuple(items)

    def dictionary(self) -> tuple[str, ...]:
        """Names, affiliations and vocabulary values: words the segmenter must keep whole."""
        vocab = self.publish.campaign.vocabularies
        words = {*vocab.fields, *vocab.groups, *vocab.regions, *vocab.activity_types}
        for e in self.publish.exemplars:
            words |= {e.name, e.affiliation, *e.tags}
        for a in self.publish.activities:
            words |= {*a.organizers, *([a.location] if a.location else [])}
        return tuple(sorted(w for w in words if w and not re.search(r"\s", w)))


class _SectionParser(HTMLParser):
    """Headings and paragraphs of rendered story HTML, for the press release and broadcast."""

    BLOCKS = {"p", "li", "blockquote", "figcaption", "td", "th"}

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[tuple[str, list[str]]] = [("", [])]
        self.text: list[str] | None = None
        self.kind = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("h2", "h3", "h4") or (tag in self.BLOCKS and self.text is None):
            self.text, self.kind = [], ("heading" if tag.startswith("h") else "para")

    def handle_endtag(self, tag):
        if self.text is None:
            return
        if (self.kind == "heading" and tag in ("h2", "h3", "h4")) or (self.kind == "para" and tag in self.BLOCKS):
            text = "".join(self.text).strip()
            if text and self.kind == "heading":
                self.sections.append((text, []))
            elif text:
                self.sections[-1][1].append(text)
            self.text = None

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)


def sections_of(html: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    parser = _SectionParser()
    parser.feed(html)
    return tuple((heading, tuple(paragraphs)) for heading, paragraphs in parser.sections if heading or paragraphs)


def _safe(html: str) -> Markup:
    """Mark HTML that was sanitized (or built from escaped parts) as safe to print."""
    return Markup(html)


def _each(make: Callable[[Any], Any], items: Iterable) -> list[Callable[[], list]]:
    """One job per item: ``make(item)``, as a list (jobs may make several pages)."""
    return [partial(_as_list, make, item) for item in items]


def _as_list(make: Callable[[Any], Any], item: Any) -> list:
    return [make(item)]


def _gallery_order(exemplars: Iterable[Exemplar]) -> list[Exemplar]:
    # Featured first, then current before historical, then by published date (newest first), then name.
    return sorted(exemplars, key=lambda e: (not e.featured, e.era != "current",
                                            -(e.publication.published or dt.date.min).toordinal(), e.slug))


def _has_facet(exemplar: Exemplar, facet: str, value: str) -> bool:
    return {"fields": value in exemplar.fields, "groups": value in exemplar.groups,
            "regions": exemplar.region == value, "era": exemplar.era == value}[facet]
