"""Story text: Markdown bodies to safe HTML, and the lint that reports what would not publish.

``render_markdown(body, image_src=...)`` turns the Markdown body of a story,
activity or page into a ``Rendered`` value: a sanitized HTML fragment, the
h2/h3 table of contents, plain text and the bundle images the body shows.
``lint_markdown(...)`` reports, at file:line:column and in Chinese, everything
in a body that the renderer would strip, change or refuse.

Guarantees:

- The HTML holds only the tags, attributes and URL schemes of the policy below,
  enforced by nh3 (an allowlist sanitizer) after Markdown, whatever the input:
  no script, style, iframe, form, event-handler or style attribute survives,
  and links and images use http, https, mailto or relative URLs only.
  ``sanitize`` is idempotent.
- Editors' Markdown: headings, paragraphs, lists, block quotes, emphasis,
  links, images, tables, footnotes and code. Heading ids keep Chinese
  (pymdownx's slugify; MkDocs' default drops it). When the body has an h1,
  every heading moves down one level, since the page title is the h1. A line
  break inside a paragraph between two Chinese characters is removed (it would
  show as a space); between Latin words it stays a space; code is untouched.
- Bounded work. Python-Markdown is quadratic on some inputs (each unmatched
  ``[`` scans the rest of its paragraph: ``"[" * 20000`` takes minutes),
  recursive on nesting (300 nested lists raise RecursionError) and slow per
  element (a 20,000-row table takes seconds); HTMLParser rescans the text for
  every unclosed ``<tag`` (``"<a" * 100000`` takes minutes); html5ever, in nh3,
  is cubic on deeply nested lists. Python-Markdown's block parser is also
  quadratic in the lines of a block (``"a\n===\n" * 20000``, setext headings,
  takes minutes) and its inline pass in the depth of one match's elements
  (``"**" * 200000 + "a" + "**" * 200000``), and nh3 is quadratic in the
  character references of a text (1 MiB of ``&`` takes 25 s). So a body longer
  than ``MAX_BODY_CHARS`` or ``MAX_BODY_LINES``, with unclosed tags costing
  more than ``HTML_SCAN_BUDGET``, whose inline parsing would cost more than
  ``WORK_BUDGET`` (metered as it runs, see ``_meter``), nested too deep for the
  parser or inside one inline match, or rendering to HTML nested
  deeper than ``MAX_NESTING`` is not rendered as Markdown: it is shown as
  escaped plain paragraphs, and ``lint_markdown`` reports E504, so ``check``
  stops it before any build.
- The lint reports everything the sanitizer would strip or change. Positions
  come from a scan of the source that skips code (HTMLParser for raw HTML, a
  bracket matcher for links and images). Unless the scan is provably complete
  (no ``<``, ``&``, backslash or code, every link plain: most stories, see
  ``_scan_is_exact``), the body is also rendered and its HTML audited against
  the same policy, and anything the scan did not locate is still reported, at
  its first occurrence in the source. The lint is stricter than the sanitizer
  in one place: editors may write only a few harmless inline tags
  (``EDITOR_TAGS``: ``<br>``, ``<sup>``, ``<sub>``, … without attributes),
  because raw ``<img>``, ``<a>`` or ``<table>`` would bypass image processing
  and the site's styles; for everything else there is Markdown. Images in the
  body are checked like front-matter images (E401–E406, ``check_bundle_file``).
"""

from __future__ import annotations

import bisect
import html
import re
import threading
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any

import markdown
import nh3
from markdown.blockprocessors import ReferenceProcessor
from markdown.extensions import Extension
from markdown.extensions.fenced_code import FencedBlockPreprocessor, FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import AUTOLINK_RE, AUTOMAIL_RE, InlineProcessor
from markdown.treeprocessors import Treeprocessor
from pymdownx.slugs import slugify

from .problems import Problem, Severity
from .schema import Context, check_bundle_file
from .yamlsafe import Pos

# ------------------------------------------------------------------ the policy
# One set of tables configures nh3 and the lint's audit, so the two agree.

HEADINGS = ("h2", "h3", "h4", "h5", "h6")
EDITOR_TAGS = frozenset({"br", "sup", "sub", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "small"})
TAGS = EDITOR_TAGS | frozenset({
    "p", *HEADINGS, "ul", "ol", "li", "blockquote", "a", "img", "figure", "figcaption", "picture", "source",
    "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "hr",
    "div",  # only <div class="footnote">, the footnotes' container
})
ATTRIBUTES: dict[str, set[str]] = {
    **{h: {"id"} for h in HEADINGS},
    "a": {"href", "title"},
    "img": {"src", "srcset", "sizes", "alt", "title", "width", "height"},
    "source": {"srcset", "type", "sizes"},
    "sup": {"id"},  # footnote references
    "li": {"id"},  # footnotes
    "code": {"class"},  # language-* of a fenced block, checked by _filter_attribute
}
ATTRIBUTE_VALUES: dict[str, dict[str, set[str]]] = {
    "a": {"rel": {"noopener noreferrer"}},  # set by the renderer on external links
    "img": {"loading": {"lazy"}, "decoding": {"async"}},
    "th": {"align": {"left", "center", "right"}},  # table column alignment (style= is not allowed)
    "td": {"align": {"left", "center", "right"}},
}
CLASSES: dict[str, set[str]] = {"a": {"footnote-ref", "footnote-backref"}, "div": {"footnote"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src"})
SRCSET_ATTRIBUTES = frozenset({"srcset"})
# Removed with their content, not just unwrapped: none of them holds prose.
CLEAN_CONTENT_TAGS = frozenset({
    "script", "style", "template", "noscript", "iframe", "object", "embed", "applet", "svg", "math", "textarea",
    "select", "title", "xmp", "noembed", "noframes", "frameset", "frame",
})
_CODE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")

MAX_BODY_CHARS = 200_000  # characters; a long story has 5,000 (the loader refuses files over 1 MiB: E111)
MAX_BODY_LINES = 3_000  # lines; a long story has 100
MAX_NESTING = 40  # open elements; real bodies stay under 10
WORK_BUDGET = 3_000_000  # characters inline parsing may scan (see _meter); a 4,000-character story uses 0.1 %
AUDIT_SHORTCUT = True  # skip rendering when the scan is provably complete (tests turn it off to compare)
MAX_REPORTS = 20  # problems of one code listed per body; the rest are counted
HTML_SCAN_BUDGET = 50_000_000  # characters HTMLParser may scan for the ends of tags (see html_scan_cost)


# ------------------------------------------------------------------------ API

@dataclass(frozen=True)
class TocEntry:
    level: int  # 2 or 3
    id: str
    title: str  # plain text


@dataclass(frozen=True)
class Rendered:
    html: str  # sanitized HTML fragment
    toc: tuple[TocEntry, ...]
    text: str  # plain text: one line per block, footnote markers dropped
    images: tuple[str, ...]  # bundle-relative image file names in the body, in order (repeats kept)


@dataclass(frozen=True)
class ImageSource:
    """One ``<source>`` of a ``<picture>``, e.g. a WebP rendition."""

    srcset: str
    type: str | None = None  # "image/webp"
    sizes: str | None = None


@dataclass(frozen=True)
class ImageHTML:
    """What the caller puts on a body image in place of the editor's file name."""

    src: str
    width: int | None = None
    height: int | None = None
    srcset: str | None = None
    sizes: str | None = None
    sources: tuple[ImageSource, ...] = ()  # non-empty: wrap the <img> in a <picture>


ImageSrc = Callable[[str], "ImageHTML | Mapping[str, Any] | None"]  # a mapping holds ImageHTML's fields


def render_markdown(body: str, *, image_src: ImageSrc | None = None) -> Rendered:
    """Render a Markdown body to sanitized HTML.

    ``image_src(name)`` is called once per image written ``![alt](name)`` with a
    bundle-relative ``name`` (no scheme, not absolute, no ``..``), in document
    order, exactly as written (not percent-decoded). It returns an ``ImageHTML``
    (or a dict of its fields: ``{"src": …, "srcset": …, "sizes": …, "width": …,
    "height": …}``) whose values replace the ``<img>``'s (with ``sources``, the
    ``<img>`` is wrapped in a ``<picture>``), or None to leave the image as
    written. Other images (URLs, paths outside the bundle) are left as written:
    ``lint_markdown`` has already reported them. A paragraph holding only an
    image becomes ``<figure><img …><figcaption>alt</figcaption></figure>``; every
    body image gets ``loading="lazy" decoding="async"``. The callback's values
    pass through the sanitizer like everything else.

    Never raises for any text: a body too large or too complex to render (see
    the module docstring) comes back as escaped plain paragraphs, no toc, no images.
    """
    try:
        converted = _convert(body, image_src)
    except _TooComplex:
        return _plain_rendering(body)
    clean = sanitize(converted.html)
    return Rendered(clean, converted.toc, plain_text(clean), converted.images)


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes=ATTRIBUTES,
    attribute_filter=lambda tag, name, value: _filter_attribute(tag, name, value),  # defined below
    strip_comments=True,
    link_rel=None,  # rel is set by the renderer on external links only, and allowed with that one value
    tag_attribute_values=ATTRIBUTE_VALUES,
    url_schemes=set(URL_SCHEMES),
    allowed_classes=CLASSES,
)


def sanitize(fragment: str) -> str:
    """The allowlist above applied to an HTML fragment. Idempotent.

    A fragment nested deeper than ``MAX_NESTING`` is escaped whole instead:
    html5ever's cost grows with the cube of the depth.

    html5ever serialises some misnested input as markup that parses into
    another tree (``<h2><a><h2>`` comes out as an ``<h2>`` inside an ``<h2>``,
    which a browser splits in two), so the result is cleaned again until it is
    a fixed point: what the browser builds is then what was checked.
    """
    if html_depth(fragment) > MAX_NESTING:
        fragment = html.escape(fragment, quote=False)
    clean = _CLEANER.clean(fragment)
    for _ in range(_MAX_CLEAN_PASSES):
        again = _CLEANER.clean(clean)
        if again == clean:
            return clean
        clean = again
    return _CLEANER.clean(html.escape(fragment, quote=False))  # never seen: text cannot misnest


_MAX_CLEAN_PASSES = 3


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    if name in URL_ATTRIBUTES and "\\" in value:
        return None  # browsers read "\\" as "/": "\\\\evil.example\\a" is a link to another host
    if name in SRCSET_ATTRIBUTES:
        return value if all(url_allowed(url) for url in _srcset_urls(value)) else None
    if tag == "code" and name == "class":
        return value if _CODE_CLASS.fullmatch(value) else None
    return value


def _srcset_urls(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]


_PROBE = nh3.Cleaner(tags={"a"}, attributes={"a": {"href"}}, link_rel=None, url_schemes=set(URL_SCHEMES))


@lru_cache(maxsize=4096)
def url_allowed(url: str) -> bool:
    """Whether the sanitizer keeps ``url`` in an href or src: asked of nh3 itself, so the lint agrees."""
    if "\\" in url:
        return False  # dropped by _filter_attribute
    return "href=" in _PROBE.clean(f'<a href="{html.escape(url)}">x</a>')


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr", "param", "keygen"})
_TAG_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_TAG_OPENER = re.compile(r"<[A-Za-z!?/]")


def html_scan_cost(text: str) -> int:
    """How far HTMLParser looks for tag ends: from each ``<tag`` to the next ``>``.

    HTMLParser (in Python-Markdown and in the lint) rescans the rest of the text
    for every tag left open, so ``"<a" * 100000`` takes minutes: this is the
    sum of those distances.
    """
    closes = [m.start() for m in re.finditer(">", text)]
    cost = 0
    for m in _TAG_OPENER.finditer(text):
        index = bisect.bisect_left(closes, m.start())
        cost += (closes[index] if index < len(closes) else len(text)) - m.start()
    return cost


def html_depth(fragment: str, limit: int = MAX_NESTING) -> int:
    """How deep elements nest, over-estimated (stray end tags close nothing); stops counting past ``limit``."""
    stack: list[str] = []
    for match in _TAG_TOKEN.finditer(fragment):
        name = match.group(2).lower()
        if match.group(1):
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name):]
        elif name not in _VOID:
            stack.append(name)
            if len(stack) > limit:
                return len(stack)
    return len(stack)


# ------------------------------------------------------------------ rendering

class _TooComplex(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "size", "lines", "html", "work" or "nesting"


@dataclass
class _State:
    """Per-conversion values the tree processors share."""

    image_src: ImageSrc | None = None
    budget: int = WORK_BUDGET
    images: list[str] = field(default_factory=list)  # bundle names, for Rendered.images
    sources: list[str] = field(default_factory=list)  # every Markdown image src, for the lint


@dataclass(frozen=True)
class _Converted:
    html: str  # not yet sanitized
    toc: tuple[TocEntry, ...]
    images: tuple[str, ...]
    sources: tuple[str, ...]


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """One Markdown instance per thread: building one costs more than converting a story."""
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(extensions=[
            TableExtension(use_align_attribute=True),
            SaneListExtension(),
            FootnoteExtension(BACKLINK_TITLE="返回正文"),
            FencedCodeExtension(),
            TocExtension(slugify=slugify(case="lower"), toc_depth="2-3", marker=""),
            _ExemplarExtension(),
        ], output_format="html")
        md.exemplar_state = _State()
        _meter(md)
        _local.md = md
    return md


# Python-Markdown's inline patterns scan in Python loops: a link's text and
# destination (getText, getLink) and a code span's closing backticks
# (find_code_spans) are searched to the end of the paragraph when they do not
# close, once per opening bracket or backtick; and each match rebuilds the
# paragraph's string. The meter charges the characters each of these actually
# covers (a rebuild at 1/16, as it runs at C speed) against WORK_BUDGET.
_REBUILD_SHARE = 16
ELEMENT_COST = 100  # the inline pass tries every pattern on every element: about 100 characters' scanning


def _meter(md: markdown.Markdown) -> None:
    def charge(amount: int) -> None:
        state = md.exemplar_state
        state.budget -= amount
        if state.budget < 0:
            raise _TooComplex("work")

    for pattern in md.inlinePatterns:
        if not isinstance(pattern, InlineProcessor):
            continue
        handle_match = pattern.handleMatch

        def metered_match(m: re.Match[str], data: str, handle_match=handle_match):
            charge(len(data) // _REBUILD_SHARE + 1)
            result = handle_match(m, data)
            if isinstance(result[0], etree.Element) and _deeper_than(result[0], MAX_NESTING):
                raise _TooComplex("nesting")  # the inline pass copies the ancestors of every nested element
            return result

        pattern.handleMatch = metered_match
        if hasattr(pattern, "getText"):
            get_text, get_link = pattern.getText, pattern.getLink

            def metered_text(data: str, index: int, get_text=get_text):
                result = get_text(data, index)
                charge(result[1] - index + 1)
                return result

            def metered_link(data: str, index: int, get_link=get_link):
                result = get_link(data, index)
                opened = data.startswith("(", index)
                charge((result[2] if result[3] else len(data)) - index + 1 if opened else 1)
                return result

            pattern.getText, pattern.getLink = metered_text, metered_link
        if hasattr(pattern, "find_code_spans"):
            find = pattern.find_code_spans

            def metered_find(start: int, text: str, find=find):
                result = find(start, text)
                charge((result[1] if result[1] is not None else len(text)) - start + 1)
                return result

            pattern.find_code_spans = metered_find


def _deeper_than(element: etree.Element, limit: int) -> bool:
    """Whether elements nest more than ``limit`` deep under ``element`` (stops looking past ``limit``)."""
    stack = [(element, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in node)
    return False


def _convert(body: str, image_src: ImageSrc | None) -> _Converted:
    if len(body) > MAX_BODY_CHARS:
        raise _TooComplex("size")
    if body.count("\n") >= MAX_BODY_LINES:
        raise _TooComplex("lines")
    if html_scan_cost(body) > HTML_SCAN_BUDGET:
        raise _TooComplex("html")
    md = _markdown()
    md.reset()
    state = md.exemplar_state = _State(image_src=image_src)
    try:
        output = md.convert(body)
    except RecursionError:
        _local.md = None  # a half-finished conversion may have left state behind
        raise _TooComplex("nesting") from None
    if html_depth(output) > MAX_NESTING:
        raise _TooComplex("nesting")
    toc = tuple(_flatten_toc(md.toc_tokens))
    return _Converted(output, toc, tuple(state.images), tuple(state.sources))


def _flatten_toc(tokens: list[dict]) -> Iterator[TocEntry]:
    for token in tokens:
        if token["level"] in (2, 3):
            yield TocEntry(token["level"], token["id"], html.unescape(token["name"]))
        yield from _flatten_toc(token["children"])


def _plain_rendering(body: str) -> Rendered:
    paragraphs = (p.strip() for p in re.split(r"\n[ \t]*\n", body[:MAX_BODY_CHARS]))
    clean = sanitize("".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p))
    return Rendered(clean, (), plain_text(clean), ())


class _ExemplarExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After the inline patterns (20), before the toc reads headings (5).
        md.treeprocessors.register(_DemoteHeadings(md), "exemplar-headings", 30)
        md.treeprocessors.register(_MeterElements(md), "exemplar-meter", 21)
        md.treeprocessors.register(_JoinCjkLines(md), "exemplar-cjk-lines", 18)
        md.treeprocessors.register(_Images(md), "exemplar-images", 17)
        md.treeprocessors.register(_ExternalLinks(md), "exemplar-links", 16)


class _MeterElements(Treeprocessor):
    """Charge the inline pass its fixed cost per element: a table of 20,000 rows takes seconds."""

    def run(self, root: etree.Element) -> None:
        state: _State = self.md.exemplar_state
        state.budget -= ELEMENT_COST * sum(1 for _ in root.iter())
        if state.budget < 0:
            raise _TooComplex("work")


class _DemoteHeadings(Treeprocessor):
    """The page title is the h1: if the body has one, every heading moves down a level."""

    def run(self, root: etree.Element) -> None:
        if not any(el.tag == "h1" for el in root.iter()):
            return
        for el in root.iter():
            if el.tag in ("h1", "h2", "h3", "h4", "h5"):
                el.tag = f"h{int(el.tag[1]) + 1}"


_INLINE_TAGS = frozenset({"a", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "small", "sup", "sub",
                          "span"})
_SOFT_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_CJK_PUNCTUATION = frozenset("“”‘’…—·")  # ambiguous width: Chinese when next to Chinese


def is_wide(ch: str) -> bool:
    """A Chinese or Japanese character or full-width punctuation (not Korean, which spaces its words)."""
    if not ch or ch.isspace():
        return False
    code = ord(ch)
    if 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F or 0xAC00 <= code <= 0xD7AF:
        return False
    return unicodedata.east_asian_width(ch) in ("W", "F")


def joins_lines(before: str, after: str) -> bool:
    """Whether a soft line break between these characters is dropped rather than shown as a space."""
    if is_wide(before):
        return is_wide(after) or after in _CJK_PUNCTUATION
    return before in _CJK_PUNCTUATION and is_wide(after)


class _JoinCjkLines(Treeprocessor):
    """Drop soft line breaks between Chinese characters, across inline elements, never in code."""

    def run(self, root: etree.Element) -> None:
        slots: list[tuple[etree.Element, str] | None] = []  # text runs in reading order; None is a boundary
        self._collect(root, slots)
        texts = [getattr(slot[0], slot[1]) if slot else None for slot in slots]
        for index, slot in enumerate(slots):
            text = texts[index]
            if slot is None or not text or "\n" not in text:
                continue

            def join(m: re.Match[str]) -> str:
                before = text[m.start() - 1] if m.start() > 0 else _neighbour(texts, index, -1)
                after = text[m.end()] if m.end() < len(text) else _neighbour(texts, index, 1)
                return "" if joins_lines(before, after) else m.group(0)

            setattr(slot[0], slot[1], _SOFT_BREAK.sub(join, text))

    def _collect(self, el: etree.Element, slots: list) -> None:
        if el.tag in ("pre", "code"):
            return
        if el.text:
            slots.append((el, "text"))
        for child in el:
            inline = child.tag in _INLINE_TAGS
            if not inline:
                slots.append(None)
            self._collect(child, slots)
            if not inline:
                slots.append(None)
            if child.tail:
                slots.append((child, "tail"))


def _neighbour(texts: list[str | None], index: int, step: int) -> str:
    """The character just before (step -1) or after (+1) text run ``index``; "" at a boundary."""
    index += step
    while 0 <= index < len(texts):
        text = texts[index]
        if text is None:
            return ""
        if text:
            return text[-1] if step < 0 else text[0]
        index += step
    return ""


def images_in(body: str) -> tuple[str, ...]:
    """The bundle file names a body shows, as ``render_markdown(body).images`` gives them.

    The build needs this list before it can render (images are processed
    first); the lint's scan answers without rendering whenever it provably saw
    every image, which is almost every story.
    """
    scan = _scan(body)
    if not scan.exact:
        return render_markdown(body).images
    return tuple(link.url for link in scan.links if link.image and is_bundle_name(link.url))


def is_bundle_name(src: str) -> bool:
    """A file name relative to the entry's own folder: no scheme, not absolute, no ``..``."""
    if not src or src.startswith(("/", "\\")) or _scheme(src) is not None:
        return False
    return ".." not in PurePosixPath(src.replace("\\", "/")).parts


class _Images(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        state: _State = self.md.exemplar_state
        for parent in list(root.iter()):
            for index, img in enumerate(list(parent)):
                if img.tag != "img":
                    continue
                src = img.get("src", "")
                state.sources.append(src)
                shown = img
                if is_bundle_name(src):
                    state.images.append(src)
                    replacement = state.image_src(src) if state.image_src else None
                    if replacement is not None:
                        shown = _apply_image(img, replacement)
                        parent[index] = shown
                img.set("loading", "lazy")
                img.set("decoding", "async")
                if parent.tag == "p" and len(parent) == 1 and not (parent.text or "").strip() \
                        and not (shown.tail or "").strip():
                    _make_figure(parent, shown, img.get("alt", ""))


def _apply_image(img: etree.Element, replacement: ImageHTML | Mapping[str, Any]) -> etree.Element:
    if isinstance(replacement, Mapping):
        replacement = ImageHTML(**replacement)
    img.set("src", replacement.src)
    for name in ("srcset", "sizes", "width", "height"):
        value = getattr(replacement, name)
        if value is not None:
            img.set(name, str(value))
    if not replacement.sources:
        return img
    picture = etree.Element("picture")
    for source in replacement.sources:
        attributes = {"srcset": source.srcset, "type": source.type, "sizes": source.sizes}
        etree.SubElement(picture, "source", {k: v for k, v in attributes.items() if v is not None})
    picture.append(img)
    picture.tail, img.tail = img.tail, None
    return picture


def _make_figure(paragraph: etree.Element, image: etree.Element, alt: str) -> None:
    paragraph.tag = "figure"
    paragraph.text = None
    image.tail = None
    if alt.strip():
        etree.SubElement(paragraph, "figcaption").text = alt


class _ExternalLinks(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for a in root.iter("a"):
            href = a.get("href", "")
            if href.startswith("//") or _scheme(href) in ("http", "https"):
                a.set("rel", "noopener noreferrer")


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_URL_IGNORED = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def _scheme(url: str) -> str | None:
    """The URL's scheme, lowercased, as a browser reads it (entities decoded, tabs and newlines ignored)."""
    text = _URL_IGNORED.sub("", html.unescape(url)).strip(_C0_AND_SPACE)
    match = _SCHEME.match(text)
    return match.group(1).lower() if match else None


# ----------------------------------------------------------------- plain text

_BLOCK_TAGS = frozenset({"p", "li", "blockquote", "figure", "figcaption", "pre", "tr", "table", "div", "ul", "ol",
                         "hr", "br", *HEADINGS})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0  # inside a footnote marker

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip or (tag == "a" and dict(attrs).get("class") in ("footnote-ref", "footnote-backref")):
            self.skip += tag == "a"
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.skip:
            self.skip -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def plain_text(fragment: str) -> str:
    """The words of a sanitized fragment: one line per block, spaces collapsed, footnote markers dropped."""
    parser = _TextExtractor()
    parse_html(parser, fragment)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


# ----------------------------------------------------------------------- lint

def lint_markdown(body: str, body_line: int, source: PurePosixPath, bundle_dir_on_disk: Path | None) -> list[Problem]:
    """Every problem in a Markdown body, located in the file.

    ``body_line`` is the file line on which ``body`` starts; ``bundle_dir_on_disk``
    is the entry's folder (``root / source.parent``), or None for a page, which
    has no folder and so may not show images.
    """
    lint = _Lint(body, body_line, source, bundle_dir_on_disk)
    lint.run()
    lint.summarize_unshown()
    return lint.problems


@dataclass(frozen=True)
class _Finding:
    """Something the sanitizer would drop: its identity (to match scan and audit) and how to say it."""

    key: tuple[str, ...]
    code: str
    message: str
    hint: str
    needle: str  # text to look for in the source when the scan did not locate it


class _Lint:
    def __init__(self, body: str, body_line: int, source: PurePosixPath, bundle: Path | None) -> None:
        self.body = body
        self.body_line = body_line
        self.source = source
        self.bundle = bundle
        self.problems: list[Problem] = []
        self.covered: set[tuple[str, ...]] = set()
        self.shown: dict[str, int] = {}
        self.first_unshown: dict[str, Problem] = {}
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", body)]

    # positions
    def position(self, offset: int) -> Pos:
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return Pos(self.body_line + index, offset - self.line_starts[index] + 1)

    def report(self, code: str, message: str, at: Pos | None, hint: str | None,
               severity: Severity = Severity.ERROR) -> None:
        problem = Problem(code, message, self.source, at.line if at else self.body_line,
                          at.column if at else None, hint=hint, severity=severity)
        shown = self.shown.get(code, 0)
        self.shown[code] = shown + 1
        if shown < MAX_REPORTS:
            self.problems.append(problem)
        elif shown == MAX_REPORTS:
            self.first_unshown[code] = problem

    def summarize_unshown(self) -> None:
        """A pasted web page can hold thousands of tags: list the first MAX_REPORTS of each code, count the rest."""
        for code, first in self.first_unshown.items():
            more = self.shown[code] - MAX_REPORTS
            self.problems.append(replace(first, message=f"另有 {more} 处同类问题（{code}）没有逐一列出",
                                         hint="改正上面列出的问题后再运行 exemplar check"))

    def report_finding(self, finding: _Finding, at: Pos | None) -> None:
        self.covered.add(finding.key)
        self.report(finding.code, finding.message, at, finding.hint)

    def run(self) -> None:
        scan = _scan(self.body)
        for item in scan.html:
            self.check_html(item)
        for link in scan.links:
            self.check_link(link)
        if scan.exact and AUDIT_SHORTCUT:
            return
        try:
            converted = _convert(self.body, None)
        except _TooComplex as too:
            self.report_complexity(too.reason)
            return
        self.audit(converted, scan)

    # raw HTML, located by the scan
    def check_html(self, item: _HtmlItem) -> None:
        at = self.position(item.offset)
        if item.kind == "comment" and _abrupt_comment(item.text):
            self.report_finding(_ABRUPT_COMMENT, at)
            return
        if item.kind == "comment":
            self.report("W501", "HTML 注释不会发布到网站上", at,
                        "注释只留在源文件里；给编辑看的备注可以保留，要让读者看到的内容请写进正文",
                        severity=Severity.WARNING)
            return
        if item.kind == "declaration":
            self.report_finding(_Finding(("declaration",), "E501", f"正文里的“{_shorten(item.text)}”不是允许的 HTML",
                                         "请删除它", item.text), at)
            return
        tag = item.tag
        if item.kind == "end":
            if tag in EDITOR_TAGS or item.opened:
                return
            self.report_finding(_tag_finding(tag), at)
            return
        if tag not in EDITOR_TAGS:
            finding = _tag_finding(tag)
            self.report_finding(finding, at)
            for name, value in item.attrs:  # one message per tag: its attributes go with it
                self.covered.add(("attribute", tag, name))
                if name in URL_ATTRIBUTES | SRCSET_ATTRIBUTES:
                    self.covered.add(("url", _url_key(value or "")))
            return
        if item.attrs:
            names = "、".join(name for name, _ in item.attrs)
            for name, _ in item.attrs:
                self.covered.add(("attribute", tag, name))
            self.report("E501", f"正文里的 <{tag}> 不能带属性 {names}", at, _attribute_hint(tag, item.attrs[0][0]))

    # Markdown links and images, located by the scan
    def check_link(self, link: _Link) -> None:
        at = self.position(link.offset)
        key = ("url", _url_key(link.url))
        scheme = _scheme(link.url)
        bad_scheme = (scheme is not None and scheme not in URL_SCHEMES) or not url_allowed(_unescape(link.url))
        if bad_scheme and (not link.image or scheme not in ("http", "https")):
            self.covered.add(key)
            message, hint = _url_message(link.url, "图片地址" if link.image else "链接")
            self.report("E502", message, at, hint)
            return
        self.covered.add(key)
        if link.image:
            self.check_image(link.url, at)

    def check_image(self, name: str, at: Pos | None) -> None:
        if self.bundle is None:
            self.report("E503", f"页面正文不能插入图片“{_shorten(name)}”", at,
                        "页面（content/pages/）没有存放图片的目录；请删除这张图片，或把内容写进人物或活动条目")
            return
        root = self.bundle
        for _ in self.source.parent.parts:
            root = root.parent
        problems: list[Problem] = []
        ctx = Context(self.source, problems, root=root, bundle=self.source.parent)
        check_bundle_file(name.strip(), self.source.parent, ctx, at, "正文图片")
        # Its messages start "{field} 的…"; without a field name in front, the space goes.
        self.problems += [replace(p, field=None, line=p.line or self.body_line,
                                  message=p.message.replace("正文图片 ", "正文图片", 1)) for p in problems]

    def report_complexity(self, reason: str) -> None:
        if reason == "nesting":
            self.report("E504", "正文的列表或引用嵌套太深，无法排版", self.position(_deepest_line(self.body)),
                        "减少列表和引用的嵌套层次；检查是否误加了大量缩进或“>”")
        elif reason == "html":
            self.report("E504", "正文里有太多没有写完的 HTML 标签（“<”后面缺少“>”），无法排版", self.position(0),
                        "要显示小于号请写成 &lt;；检查是否误粘贴了网页源代码")
        elif reason == "size":
            self.report("E504", f"正文超过 {MAX_BODY_CHARS} 个字符，无法排版", self.position(0),
                        "把内容拆成几篇，或删去误粘贴的数据")
        elif reason == "lines":
            self.report("E504", f"正文超过 {MAX_BODY_LINES} 行，无法排版", self.position(0),
                        "把内容拆成几篇，或删去误粘贴的数据")
        else:
            self.report("E504", "正文的段落太长或符号太多，无法在合理时间内排版", self.position(0),
                        "把很长的段落分开，检查是否误粘贴了大量 [、*、` 等符号")

    # the rendered HTML, audited against the policy: what the scan missed
    def audit(self, converted: _Converted, scan: _Scan) -> None:
        auditor = _audit(converted.html)
        for finding in dict.fromkeys(auditor.findings):
            if finding.key not in self.covered:
                self.report_finding(finding, self.locate(finding.needle))
        located = [_url_key(link.url) for link in scan.links if link.image]
        for src in converted.sources:
            if _url_key(src) in located:
                located.remove(_url_key(src))
            elif url_allowed(src) or _scheme(src) in ("http", "https"):  # else the audit reported it
                self.check_image(src, self.locate(src))
        if auditor.images > len(converted.sources) and ("tag", "img") not in self.covered:
            # an <img> no Markdown image made: raw HTML, which bypasses image processing
            self.report_finding(_tag_finding("img"), self.locate("<img"))

    def locate(self, needle: str) -> Pos | None:
        """The first occurrence of ``needle`` in the body, for what the scan could not place."""
        if needle:
            found = self.body.lower().find(needle.lower())
            if found >= 0:
                return self.position(found)
        return None


_LINK_HINT = "链接只能以 https://、http:// 或 mailto: 开头，或是站内的相对路径；出于安全考虑不接受 javascript:、data: 等"
_UNSAFE_TAGS = CLEAN_CONTENT_TAGS | {"form", "input", "button", "link", "meta", "base", "object", "embed", "frame",
                                    "iframe", "dialog", "portal", "video", "audio", "source", "track", "canvas"}
_KNOWN_TAGS = TAGS | _UNSAFE_TAGS | {
    "h1", "span", "font", "center", "section", "article", "header", "footer", "nav", "aside", "main", "address",
    "caption", "col", "colgroup", "tfoot", "dl", "dt", "dd", "abbr", "cite", "q", "dfn", "kbd", "samp", "var",
    "time", "big", "tt", "strike", "label", "fieldset", "legend", "details", "summary", "area", "map", "wbr",
    "body", "html", "head", "marquee", "blink", "image", "body", "o:p",
}
_TAG_HINTS = {
    "img": "插图请用 Markdown 写法：![图片说明](文件名.jpg)，图片放在本条目的目录里",
    "picture": "插图请用 Markdown 写法：![图片说明](文件名.jpg)",
    "a": "链接请用 Markdown 写法：[文字](https://…)",
    "table": "表格请用 Markdown 表格：| 列 | 列 |",
    "h1": "标题请用 Markdown 写法：## 小标题",
    "p": "分段只需空一行，不需要 <p>",
    "div": "排版由网站统一处理，请删除这个标签",
    "span": "排版由网站统一处理，请删除这个标签",
    "font": "字体和颜色由网站统一设置，请删除这个标签",
}
for _name in ("thead", "tbody", "tfoot", "tr", "th", "td", "caption", "col", "colgroup"):
    _TAG_HINTS[_name] = _TAG_HINTS["table"]
for _name in HEADINGS:
    _TAG_HINTS[_name] = _TAG_HINTS["h1"]


def _abrupt_comment(data: str) -> bool:
    """A comment that HTMLParser reads whole but a browser ends early (``<!-->``, ``<!--->``, ``--!>``)."""
    return data.startswith((">", "->")) or "--!>" in data


_ABRUPT_COMMENT = _Finding(("comment",), "E501", "HTML 注释写法不完整，浏览器会把其中的内容当作 HTML",
                           "注释写成 <!-- 内容 -->，或直接删除", "<!--")


def _url_message(url: str, what: str) -> tuple[str, str]:
    scheme = _scheme(url)
    if scheme in URL_SCHEMES:  # an allowed scheme, but not a URL a browser can parse
        return f"{what}“{_shorten(url)}”不是有效的网址", "检查网址是否写完整，有没有多余的空格或符号"
    if scheme is None and "\\" in _unescape(url):
        return f"{what}“{_shorten(url)}”里有反斜杠“\\”", "网址和路径都用斜杠“/”；浏览器会把反斜杠当作斜杠，可能指向别的网站"
    return f"{what}“{_shorten(url)}”使用了不允许的协议" + (f" {scheme}:" if scheme else ""), _LINK_HINT


def _tag_finding(tag: str) -> _Finding:
    if tag in _UNSAFE_TAGS:
        hint = "出于安全考虑，正文不能嵌入脚本、样式、表单或外部页面；请删除这段 HTML"
        if tag in ("iframe", "video", "audio", "embed", "object"):
            hint += "；视频请写在 front matter 的 video 字段"
    elif tag in _KNOWN_TAGS:
        hint = _TAG_HINTS.get(tag, "请删除这个标签，改用 Markdown 写法")
    else:
        hint = f"如果想显示尖括号本身，请写成 &lt;{tag}&gt;，或放进 `代码` 里"
    return _Finding(("tag", tag), "E501", f"正文里的 HTML 标签 <{tag}> 不允许使用", hint, f"<{tag}")


def _attribute_hint(tag: str, name: str) -> str:
    if name.startswith("on"):
        return f"{name} 是会执行脚本的事件属性，请删除"
    if name == "style":
        return "样式由网站统一设置，请删除 style=…"
    return f"请删除 {name}=…，只写 <{tag}>"


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Python-Markdown's escapable characters (Markdown.ESCAPED_CHARS with the tables extension's "|"), not
# CommonMark's: "\\/" stays a backslash and a slash in the href, which a browser reads as "//".
_BACKSLASH_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()>#+\-.!|])")


def _unescape(url: str) -> str:
    return _BACKSLASH_ESCAPE.sub(r"\1", html.unescape(url.strip().removeprefix("<").removesuffix(">")))


def _url_key(url: str) -> str:
    return _URL_IGNORED.sub("", _unescape(url)).strip()


class _Auditor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[_Finding] = []
        self.images = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.images += tag == "img"
        if tag not in TAGS:
            self.findings.append(_tag_finding(tag))
            return
        for name, value in attrs:
            value = value or ""
            if not _attribute_kept(tag, name, value):
                self.findings.append(_Finding(("attribute", tag, name), "E501",
                                              f"正文里 <{tag}> 的属性 {name} 不允许使用，发布时会被删除",
                                              _attribute_hint(tag, name), name))
            elif (name in URL_ATTRIBUTES and not url_allowed(value)) or \
                    (name in SRCSET_ATTRIBUTES and _filter_attribute(tag, name, value) is None):
                self.findings.append(_Finding(("url", _url_key(value)), "E502",
                                              *_url_message(value, "链接或图片地址"), value))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag not in TAGS:
            self.findings.append(_tag_finding(tag))

    def handle_comment(self, data: str) -> None:
        if _abrupt_comment(data):
            self.findings.append(_ABRUPT_COMMENT)

    def handle_decl(self, decl: str) -> None:
        self.findings.append(_Finding(("declaration",), "E501", f"正文里的“<!{_shorten(decl)}>”不是允许的 HTML",
                                      "请删除它", "<!" + decl[:10]))

    def unknown_decl(self, data: str) -> None:
        self.handle_decl(data)

    def handle_pi(self, data: str) -> None:
        self.findings.append(_Finding(("declaration",), "E501", f"正文里的“<?{_shorten(data)}”不是允许的 HTML",
                                      "请删除它", "<?"))


def _attribute_kept(tag: str, name: str, value: str) -> bool:
    if name in ATTRIBUTES.get(tag, ()):
        # URLs are judged (and reported as E502) by url_allowed below
        return _filter_attribute(tag, name, value) is not None or name in SRCSET_ATTRIBUTES or name in URL_ATTRIBUTES
    if name in ATTRIBUTE_VALUES.get(tag, {}):
        return value in ATTRIBUTE_VALUES[tag][name]
    if name == "class" and tag in CLASSES:
        return all(c in CLASSES[tag] for c in value.split())
    return False


def _audit(fragment: str) -> _Auditor:
    auditor = _Auditor()
    if not parse_html(auditor, fragment):
        auditor.findings.append(_UNPARSABLE)
    return auditor


_MARKED_SECTION = re.compile(r"<!\[(?!CDATA\[)")
_UNPARSABLE = _Finding(("unparsable",), "E501", "正文里有无法解析的 HTML 声明", "请删除以 <! 开头的这段文字", "<!")


def parse_html(parser: HTMLParser, text: str) -> bool:
    """Feed ``text`` to ``parser``; False if it gave up (3.11's HTMLParser asserts on some ``<![…`` input)."""
    # Python-Markdown shows "<![" that does not start CDATA as text; so does the lint.
    text = _MARKED_SECTION.sub(" ![", text)
    try:
        parser.feed(text)
        parser.close()
    except AssertionError:
        return False
    return True


def audit_html(fragment: str) -> list[_Finding]:
    """What the sanitizer would drop from ``fragment``, by the same policy tables, de-duplicated."""
    return list(dict.fromkeys(_audit(fragment).findings))


# ------------------------------------------------------------- the source scan

@dataclass(frozen=True)
class _HtmlItem:
    kind: str  # "start", "end", "comment", "declaration"
    offset: int
    tag: str = ""
    attrs: tuple[tuple[str, str | None], ...] = ()
    text: str = ""
    opened: bool = False  # an end tag whose start tag was already reported


@dataclass(frozen=True)
class _Link:
    url: str
    offset: int  # where the URL starts (for a reference image: where the image starts)
    image: bool


@dataclass
class _Scan:
    html: list[_HtmlItem] = field(default_factory=list)
    links: list[_Link] = field(default_factory=list)
    masked_guesses: bool = False  # indented code or code spans were blanked: the scan's guesses at the parse
    destinations: int = 0  # inline "(url)"s found
    plain_links: bool = True  # every link and image is [text](simple-url) on one line, no "|" inside
    exact: bool = False  # the scan saw every link, image and tag the renderer will (see _scan_is_exact)


def _scan(body: str) -> _Scan:
    """Raw HTML, links and images of a body with their offsets, skipping code as Python-Markdown does."""
    scan = _Scan()
    masked = _mask_code(body, scan)
    masked, definitions = _mask_links(masked, scan)
    _links(masked, definitions, scan)
    scan.exact = _scan_is_exact(body, masked, scan)
    if "<" in masked and html_scan_cost(masked) <= HTML_SCAN_BUDGET:  # else rendering fails too: E504
        parser = _SourceHtml(scan)
        if not parse_html(parser, masked):
            scan.html.append(_HtmlItem("declaration", masked.find("<!"), text="<!"))
    scan.links.sort(key=lambda link: link.offset)
    return scan


_FENCE = FencedBlockPreprocessor.FENCED_BLOCK_RE
_LIST_START = re.compile(r"[ ]{0,3}(?:[*+-]|\d+\.)[ ]+")
_BACKTICKS = re.compile(r"`+")


def _mask_code(body: str, scan: _Scan) -> str:
    """Blank fenced and indented code blocks and inline code spans."""
    text = _blank(body, [m.span() for m in _FENCE.finditer(body)]) if "```" in body or "~~~" in body else body
    if "`" not in text and not _INDENTED.search(text):
        return text  # no code span and no indented block: nothing to mask (most stories; check stays fast)
    ranges: list[tuple[int, int]] = []
    in_list = False
    for start, end in _blocks(text):
        indent = len(_LEADING.match(text, start).group().expandtabs(4))
        if indent >= 4 and (not in_list or indent >= 8):
            ranges.append((start, end))  # an indented code block (in a list, one level deeper)
            scan.masked_guesses = True
        elif indent < 4:  # (else: a list item's continued paragraph)
            in_list = bool(_LIST_START.match(text, start))
            if text.find("`", start, end) >= 0:
                scan.masked_guesses = True
                ranges += _code_spans(text, start, end)
    return _blank(text, ranges)


def _blank(text: str, ranges: list[tuple[int, int]]) -> str:
    """``text`` with the given (sorted, disjoint) ranges turned into spaces, newlines kept, so offsets stay."""
    if not ranges:
        return text
    parts, position = [], 0
    for start, end in ranges:
        parts += [text[position:start], _NOT_NEWLINE.sub(" ", text[start:end])]
        position = end
    parts.append(text[position:])
    return "".join(parts)


_NOT_NEWLINE = re.compile(r"[^\n]")
_LEADING = re.compile(r"[ \t]*")
_INDENTED = re.compile(r"^(?: {4}|[ ]{0,3}\t)", flags=re.MULTILINE)
_BLOCK = re.compile(r"(?:^[ \t]*\S[^\n]*(?:\n|$))+", flags=re.MULTILINE)


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Offsets of the runs of non-blank lines."""
    for m in _BLOCK.finditer(text):
        yield m.span()


def _code_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Python-Markdown's code spans (``BacktickInlineProcessor.find_code_spans``) in linear time.

    An opening run of n backticks (its first one escaped by a backslash does not
    count) closes at the next run of exactly n; failing that, at the first of the
    longest later runs if that is shorter than n; otherwise it is literal text.
    """
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text, start, end)]
    by_length: dict[int, list[int]] = {}
    for index, (run_start, run_end) in enumerate(runs):
        by_length.setdefault(run_end - run_start, []).append(index)
    longest_after: list[tuple[int, int]] = [(0, -1)] * (len(runs) + 1)  # (length, first run of it) after i
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        best = longest_after[index + 1]
        longest_after[index] = (length, index) if length >= best[0] else best
    spans = []
    index = 0
    while index < len(runs):
        run_start, run_end = runs[index]
        if _escaped(text, run_start):
            run_start += 1
        ticks = run_end - run_start
        candidates = by_length.get(ticks, [])
        later = bisect.bisect_right(candidates, index)
        if ticks and later < len(candidates):
            close, close_length = candidates[later], ticks
        elif 0 < longest_after[index + 1][0] < ticks:
            close_length, close = longest_after[index + 1]
            run_start += ticks - close_length
        else:
            index += 1
            continue
        spans.append((run_start, runs[close][0] + close_length))
        index = close + 1
    return spans


def _deepest_line(body: str) -> int:
    """The offset of the text on the most indented or most quoted line, where nesting problems are shown."""
    best, best_offset, offset = -1, 0, 0
    for line in body.split("\n"):
        lead = line[:len(line) - len(line.lstrip(" \t>"))]
        if len(lead.expandtabs(4)) > best:
            best, best_offset = len(lead.expandtabs(4)), offset + len(lead)
        offset += len(line) + 1
    return best_offset


_REFERENCE = ReferenceProcessor.RE
_AUTOLINK = re.compile(AUTOLINK_RE)
_AUTOMAIL = re.compile(AUTOMAIL_RE)


def _mask_links(masked: str, scan: _Scan) -> tuple[str, dict[str, str]]:
    """Reference definitions ``[id]: url`` and autolinks ``<https://…>``, ``<name@host>``.

    Their URLs are links; the text itself is neither prose nor HTML, so it is blanked.
    """
    ranges = []
    definitions: dict[str, str] = {}
    if "]:" in masked:
        for m in _REFERENCE.finditer(masked):
            url = m.group(2).lstrip("<").rstrip(">")
            definitions[" ".join(m.group(1).split()).lower()] = url
            scan.links.append(_Link(url, m.start(2) + m.group(2).startswith("<"), False))
            ranges.append(m.span())
    if "<" in masked:
        for m in _AUTOLINK.finditer(masked):
            scan.links.append(_Link(m.group(1), m.start(1), False))
            ranges.append(m.span())
        ranges += [m.span() for m in _AUTOMAIL.finditer(masked)]
    return _blank(masked, _disjoint(ranges)), definitions


def _disjoint(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# (url) or (<url>), an optional "title"; one level of parentheses inside the URL, spaces too (as
# Python-Markdown's getLink allows). Every alternative starts differently, so no catastrophic backtracking.
_DESTINATION = re.compile(r"""\(\s*(?:<([^<>\n]*)>|((?:[^()\s]|\([^()\s]*\)|[ \t]+(?=[^ \t"'()\n]))*))"""
                          r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)""")
_BRACKET = re.compile(r"[\[\]]")
_REFERENCE_ID = re.compile(r"\s?\[([^\]]*)\]")


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _links(masked: str, definitions: dict[str, str], scan: _Scan) -> None:
    """Inline links and images ``[text](url)``, ``![alt](url)``, and reference images ``![alt][id]``."""
    if "]" not in masked:
        return  # no link, image or reference in the body
    for block_start, block_end in _blocks(masked):
        if masked.find("]", block_start, block_end) < 0:
            continue
        stack: list[int] = []
        # where a link's text crosses a line or a table cell; bisected, since nested brackets would make
        # searching each text quadratic ("*[" * 20000 + "a" + "](b)*" * 20000)
        crossings = [m.start() for m in _CROSSES.finditer(masked, block_start, block_end)]
        for m in _BRACKET.finditer(masked, block_start, block_end):
            index = m.start()
            if _escaped(masked, index):
                continue
            if masked[index] == "[":
                stack.append(index)
                continue
            if not stack:
                continue
            opening = stack.pop()
            image = opening > 0 and masked[opening - 1] == "!" and not _escaped(masked, opening - 1)
            destination = _DESTINATION.match(masked, index + 1, block_end)
            if destination:
                scan.destinations += 1
                group = 1 if destination.group(1) is not None else 2
                url = destination.group(group)
                crossing = bisect.bisect_left(crossings, opening)
                crosses = crossing < len(crossings) and crossings[crossing] < index
                scan.plain_links &= bool(_SIMPLE_URL.fullmatch(url)) and not crosses
                if url.strip():
                    scan.links.append(_Link(url.strip(), destination.start(group) + len(url) - len(url.lstrip()),
                                            image))
                continue
            if image:
                reference = _REFERENCE_ID.match(masked, index + 1, block_end)
                label = (reference.group(1) if reference and reference.group(1) else
                         masked[opening + 1:index])
                target = definitions.get(" ".join(label.split()).lower())
                if target is not None:
                    scan.links.append(_Link(target, opening - 1, True))


_SIMPLE_URL = re.compile(r"[^\s()<>\"'\\&`]+")
_CROSSES = re.compile(r"[\n|]")
_SCHEME_LIKE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_INLINE_TRIGGERS = "[]!*_^`<&\\"  # each may start an inline pattern; so may a hard break, "  \n"
FAST_PATH_MAX_CHARS = 100_000
# Nine columns of indentation or quote markers: a third nesting level, too deep to rule out E504 cheaply.
_DEEP_LINE = re.compile(r"^[ >]{9}", flags=re.MULTILINE)


def _scan_is_exact(body: str, masked: str, scan: _Scan) -> bool:
    """Whether the scan provably found every link, image and tag Python-Markdown will, and no limit can trip.

    Then the lint need not render the body (which triples the time ``check``
    takes) to audit it: no raw HTML or entity can hide (no ``<``, ``&``), no
    code span or indented block was guessed at, every ``![`` and ``](`` was read
    as a link or image with a plain URL, every ``scheme:`` in the text is an
    allowed one, and the body is small and shallow enough that no E504 limit can
    be reached. Anything else is rendered and audited. A property test checks
    that both ways give the same problems.
    """
    if len(body) > FAST_PATH_MAX_CHARS or scan.masked_guesses or not scan.plain_links:
        return False
    if any(char in masked for char in "<&\\`"):
        return False
    if any(m.group(1).lower() not in URL_SCHEMES for m in _SCHEME_LIKE.finditer(masked)):
        return False
    images = sum(1 for link in scan.links if link.image)
    if masked.count("![") != images or masked.count("](") != scan.destinations:
        return False
    if ("\t" in masked or ">" in masked or " " * 9 in masked) and _DEEP_LINE.search(masked.expandtabs(4)):
        return False
    # An upper bound of what _meter would charge: each trigger character may start a match costing about two
    # scans of its element, and placeholders can grow an element to 7 times its length; a line makes at most
    # four elements, a table cell one more.
    elements = 4 * (masked.count("\n") + 1) + masked.count("|")
    longest_block = max((end - start for start, end in _blocks(masked)), default=0)
    triggers = sum(map(masked.count, _INLINE_TRIGGERS)) + masked.count("  \n")  # str.count: twice a regex's speed
    return 16 * triggers * longest_block + ELEMENT_COST * elements <= WORK_BUDGET // 2


class _SourceHtml(HTMLParser):
    """Raw HTML in the (masked) source, with positions."""

    def __init__(self, scan: _Scan) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = scan
        self._line_starts: list[int] = []
        self.reported: dict[str, int] = {}

    def feed(self, data: str) -> None:
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", data)]
        super().feed(data)

    def _here(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in EDITOR_TAGS:
            self.reported[tag] = self.reported.get(tag, 0) + 1
        self.scan.html.append(_HtmlItem("start", self._here(), tag, tuple(attrs)))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        opened = self.reported.get(tag, 0) > 0
        if opened:
            self.reported[tag] -= 1
        self.scan.html.append(_HtmlItem("end", self._here(), tag, opened=opened))

    def handle_comment(self, data: str) -> None:
        self.scan.html.append(_HtmlItem("comment", self._here(), text=data))

    def handle_decl(self, decl: str) -> None:
        self.scan.html.append(_HtmlItem("declaration", self._here(), text=f"<!{decl}>"))

    def unknown_decl(self, data: str) -> None:
        self.scan.html.append(_HtmlItem("declaration", self._here(), text=f"<![{data}]>"))

    def handle_pi(self, data: str) -> None:
        self.scan.html.append(_HtmlItem("declaration", self._here(), text=f"<?{data}>"))
