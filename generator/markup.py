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
  ``[`` scans the rest of its paragraph: ``"[" * 20000`` takes minutes) and
  recursive on nesting (300 nested lists raise RecursionError); html5ever, in
  nh3, is cubic on deeply nested lists. So a body larger than the loader's
  1 MiB, inline patterns that would scan more than ``WORK_BUDGET`` characters,
  Markdown nested too deep for the parser, or HTML nested deeper than
  ``MAX_NESTING`` elements is not rendered as Markdown: the body is shown as
  escaped plain paragraphs instead, and ``lint_markdown`` reports E504, so
  ``check`` stops such a body before any build.
- The lint reports everything the sanitizer would strip or change. Positions
  come from a scan of the source that skips code (HTMLParser for raw HTML, a
  bracket matcher for links and images); the rendered HTML is then audited
  against the same policy, and anything the scan did not locate is still
  reported, at its first occurrence in the source. The lint is stricter than
  the sanitizer in one place: editors may write only a few harmless inline
  tags (``EDITOR_TAGS``: ``<br>``, ``<sup>``, ``<sub>``, … without attributes),
  because raw ``<img>``, ``<a>`` or ``<table>`` would bypass image processing
  and the site's styles; for everything else there is Markdown.
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

from .load import MAX_FILE_BYTES
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

MAX_BODY_CHARS = MAX_FILE_BYTES  # the loader refuses larger files (E111)
MAX_NESTING = 40  # open elements; real bodies stay under 10
WORK_BUDGET = 8_000_000  # characters inline patterns may scan; a long story uses well under 1 %


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
    ``<img>`` is wrapped in a ``<picture>``), or None to leave the image as written; other images are left as written, as
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
    attribute_filter=lambda tag, name, value: _filter_attribute(tag, name, value),
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
    """
    if html_depth(fragment) > MAX_NESTING:
        fragment = html.escape(fragment, quote=False)
    return _CLEANER.clean(fragment)


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
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
    return "href=" in _PROBE.clean(f'<a href="{html.escape(url)}">x</a>')


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr", "param", "keygen"})
_TAG_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")


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
        self.reason = reason  # "size", "work" or "nesting"


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
        for pattern in md.inlinePatterns:
            if isinstance(pattern, InlineProcessor):
                pattern.handleMatch = _charged(pattern.handleMatch, md)
        _local.md = md
    return md


def _charged(handle_match: Callable, md: markdown.Markdown) -> Callable:
    """Charge each inline match the text it may scan (the rest of its element), up to the budget."""

    def charged(m: re.Match[str], data: str):
        state = md.exemplar_state
        state.budget -= len(data) - m.start(0)
        if state.budget < 0:
            raise _TooComplex("work")
        return handle_match(m, data)

    return charged


def _convert(body: str, image_src: ImageSrc | None) -> _Converted:
    if len(body) > MAX_BODY_CHARS:
        raise _TooComplex("size")
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
        md.treeprocessors.register(_JoinCjkLines(md), "exemplar-cjk-lines", 18)
        md.treeprocessors.register(_Images(md), "exemplar-images", 17)
        md.treeprocessors.register(_ExternalLinks(md), "exemplar-links", 16)


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


def _scheme(url: str) -> str | None:
    """The URL's scheme, lowercased, as a browser reads it (entities decoded, tabs and newlines ignored)."""
    text = _URL_IGNORED.sub("", html.unescape(url)).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                                          "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
                                                          "\x1c\x1d\x1e\x1f ")
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
    parser.feed(fragment)
    parser.close()
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
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", body)]

    # positions
    def position(self, offset: int) -> Pos:
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return Pos(self.body_line + index, offset - self.line_starts[index] + 1)

    def report(self, code: str, message: str, at: Pos | None, hint: str | None,
               severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(code, message, self.source, at.line if at else self.body_line,
                                     at.column if at else None, hint=hint, severity=severity))

    def report_finding(self, finding: _Finding, at: Pos | None) -> None:
        self.covered.add(finding.key)
        self.report(finding.code, finding.message, at, finding.hint)

    def run(self) -> None:
        scan = _scan(self.body)
        for item in scan.html:
            self.check_html(item)
        for link in scan.links:
            self.check_link(link)
        try:
            converted = _convert(self.body, None)
        except _TooComplex as too:
            self.report_complexity(too.reason, scan)
            return
        self.audit(converted, scan)

    # raw HTML, located by the scan
    def check_html(self, item: _HtmlItem) -> None:
        at = self.position(item.offset)
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
            what = "图片地址" if link.image else "链接"
            self.report("E502", f"{what}“{_shorten(link.url)}”使用了不允许的协议"
                        + (f" {scheme}:" if scheme else ""), at, _LINK_HINT)
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

    def report_complexity(self, reason: str, scan: _Scan) -> None:
        if reason == "nesting":
            self.report("E504", "正文的列表或引用嵌套太深，无法排版", self.position(scan.deepest_offset),
                        "列表和引用最多嵌套几层；检查是否误加了大量缩进或“>”")
        elif reason == "size":
            self.report("E504", "正文太长，无法排版", self.position(0), "把内容拆成几篇，或删去误粘贴的数据")
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


_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


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
                                              f"链接或图片地址“{_shorten(value)}”使用了不允许的协议", _LINK_HINT,
                                              value))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag not in TAGS:
            self.findings.append(_tag_finding(tag))

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
        return _filter_attribute(tag, name, value) is not None or name in SRCSET_ATTRIBUTES
    if name in ATTRIBUTE_VALUES.get(tag, {}):
        return value in ATTRIBUTE_VALUES[tag][name]
    if name == "class" and tag in CLASSES:
        return all(c in CLASSES[tag] for c in value.split())
    return False


def _audit(fragment: str) -> _Auditor:
    auditor = _Auditor()
    auditor.feed(fragment)
    auditor.close()
    return auditor


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
    deepest_offset: int = 0  # the most indented line, for nesting problems


def _scan(body: str) -> _Scan:
    """Raw HTML, links and images of a body with their offsets, skipping code as Python-Markdown does."""
    scan = _Scan(deepest_offset=_deepest_line(body))
    masked = _mask_code(body)
    masked, definitions = _mask_links(masked, scan)
    _links(masked, definitions, scan)
    parser = _SourceHtml(scan)
    parser.feed(masked)
    parser.close()
    scan.links.sort(key=lambda link: link.offset)
    return scan


_FENCE = FencedBlockPreprocessor.FENCED_BLOCK_RE
_LIST_START = re.compile(r"[ ]{0,3}(?:[*+-]|\d+\.)[ ]+")
_BACKTICKS = re.compile(r"`+")


def _mask_code(body: str) -> str:
    """Blank fenced and indented code blocks and inline code spans."""
    chunks = list(body)
    for m in _FENCE.finditer(body):
        _blank_list(chunks, m.start(), m.end())
    text = "".join(chunks)
    in_list = False
    for start, end in _blocks(text):
        first = text[start:end].split("\n", 1)[0]
        indent = len(first.expandtabs(4)) - len(first.expandtabs(4).lstrip(" "))
        if indent >= 4 and (not in_list or indent >= 8):
            _blank_list(chunks, start, end)  # an indented code block (in a list, one level deeper)
        elif indent >= 4:
            pass  # a list item's continued paragraph
        else:
            in_list = bool(_LIST_START.match(first))
            _mask_code_spans(text, start, end, chunks)
    return "".join(chunks)


def _blank_list(chunks: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chunks[i] != "\n":
            chunks[i] = " "


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Offsets of the runs of non-blank lines."""
    for m in re.finditer(r"(?:^[ \t]*\S[^\n]*(?:\n|$))+", text, flags=re.MULTILINE):
        yield m.start(), m.end()


def _mask_code_spans(text: str, start: int, end: int, chunks: list[str]) -> None:
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
        _blank_list(chunks, run_start, runs[close][0] + close_length)
        index = close + 1


def _deepest_line(body: str) -> int:
    best, best_offset, offset = -1, 0, 0
    for line in body.split("\n"):
        stripped = line.expandtabs(4)
        depth = len(stripped) - len(stripped.lstrip(" >"))
        if depth > best:
            best, best_offset = depth, offset
        offset += len(line) + 1
    return best_offset


_REFERENCE = ReferenceProcessor.RE
_AUTOLINK = re.compile(AUTOLINK_RE)
_AUTOMAIL = re.compile(AUTOMAIL_RE)


def _mask_links(masked: str, scan: _Scan) -> tuple[str, dict[str, str]]:
    """Reference definitions ``[id]: url`` and autolinks ``<https://…>``, ``<name@host>``.

    Their URLs are links; the text itself is neither prose nor HTML, so it is blanked.
    """
    chunks = list(masked)
    definitions: dict[str, str] = {}
    for m in _REFERENCE.finditer(masked):
        url = m.group(2).lstrip("<").rstrip(">")
        definitions[" ".join(m.group(1).split()).lower()] = url
        scan.links.append(_Link(url, m.start(2) + m.group(2).startswith("<"), False))
        _blank_list(chunks, m.start(), m.end())
    for m in _AUTOLINK.finditer(masked):
        scan.links.append(_Link(m.group(1), m.start(1), False))
        _blank_list(chunks, m.start(), m.end())
    for m in _AUTOMAIL.finditer(masked):
        _blank_list(chunks, m.start(), m.end())
    return "".join(chunks), definitions


# (url) or (<url>), an optional "title"; one level of parentheses inside the URL, spaces too (as
# Python-Markdown's getLink allows). Every alternative starts differently, so no catastrophic backtracking.
_DESTINATION = re.compile(r"""\(\s*(?:<([^<>\n]*)>|((?:[^()\s]|\([^()\s]*\)|[ \t]+(?=[^ \t"'()\n]))*))"""
                          r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)""")
_REFERENCE_ID = re.compile(r"\s?\[([^\]]*)\]")


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _links(masked: str, definitions: dict[str, str], scan: _Scan) -> None:
    """Inline links and images ``[text](url)``, ``![alt](url)``, and reference images ``![alt][id]``."""
    for block_start, block_end in _blocks(masked):
        stack: list[int] = []
        for m in re.finditer(r"[\[\]]", masked[block_start:block_end]):
            index = block_start + m.start()
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
                group = 1 if destination.group(1) is not None else 2
                url = destination.group(group)
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
