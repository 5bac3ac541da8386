"""WeChat copy: a story as HTML that survives pasting into the 公众号 editor.

Input: one ``MediaItem``. Output: ``render_wechat(item)``, a small complete
HTML document (UTF-8) whose ``<body>`` an editor opens in a browser, selects
whole, copies and pastes into the public-account editor; and
``render_wechat_text(item)``, the same words as plain text.

Guarantees, because the editor keeps little of what a web page relies on
(the techniques follow doocs/md, ``apps/web/src/services/export/clipboard.ts``):

- Every style is inline: no class, ``<style>``, ``<link>`` or ``<script>``;
  ``section`` instead of ``div``. Every element that shows text carries its own
  ``style`` (the editor drops inheritance from wrappers it rewrites).
- No ``<a>`` remains. The editor refuses links outside WeChat, so every web link
  (external or to the campaign site, which it refuses too) becomes its text and
  a superscript ``[n]``; the URLs are listed under “参考链接” at the end,
  followed by ``item.links``. One URL has one number wherever it appears.
  ``mailto:`` links become plain text (with the address when the text lacks it);
  in-page links (``#…``) just their text.
- Images are absolute ``http(s)`` URLs (the editor fetches and re-hosts them);
  anything else is left out. Photos get their caption and credit; a photo
  already shown in the body is not repeated, but lends the body figure its credit.
- Lists become paragraphs with their own bullet or number and a hanging indent,
  and block quotes become a styled ``section``: the editor restyles pasted
  ``ul``/``li`` (nested lists fall apart) and refuses a ``blockquote`` longer
  than about 300 characters. doocs/md makes the same two changes.
- Markdown footnotes of the story become ``[注n]`` markers and a “注释” list.
- Text and attributes are escaped on output. The body is re-parsed with
  ``html.parser`` into a small tree and written back from an allowlist of
  elements, so whatever ``body_html`` holds, only the elements and attributes
  written here come out (content of ``script``, ``style`` and the like is dropped).
- Ends with the reprint line, “原文链接：<canonical URL>” and the organizer, as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from ..markup import CLEAN_CONTENT_TAGS, plain_text
from . import MediaCampaign, MediaItem, MediaPhoto

__all__ = ["article_title", "render_wechat", "render_wechat_text"]


def article_title(item: MediaItem) -> str:
    """The title a repost carries: “name：headline” for an exemplar, the title for an activity."""
    if item.kind == "exemplar" and item.headline:
        return f"{item.title}：{item.headline}"
    return item.title


def render_wechat(item: MediaItem) -> str:
    """wechat.html: the story as inline-styled HTML for the WeChat editor."""
    body = _Writer(item).article()
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(article_title(item))}</title>\n</head>\n"
        f'<body style="margin:0;padding:0;background-color:#ffffff">\n{body}\n</body>\n</html>\n'
    )


def render_wechat_text(item: MediaItem) -> str:
    """The same copy as plain text: title, lead, paragraphs with [n] markers, notes, links, reprint, URL."""
    lines = plain_text(_Writer(item, titled=True).article()).split("\n")
    return "\n\n".join([article_title(item), *lines]) + "\n"


# ------------------------------------------------------------------ styles

_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
_DEFAULT_PRIMARY = MediaCampaign.__dataclass_fields__["primary_color"].default
_TEXT_COLOUR = "#333333"
_BODY_TEXT = "font-size:16px;line-height:1.75;letter-spacing:0.5px;color:#333333;text-align:justify"
_SMALL_TEXT = "font-size:13px;line-height:1.7;letter-spacing:0.5px;color:#888888;text-align:left"
_MONOSPACE = "font-family:Menlo,Consolas,Courier New,monospace"
_FONT = "font-family:-apple-system,BlinkMacSystemFont,PingFang SC,Hiragino Sans GB,Microsoft YaHei,sans-serif"

# {primary} is the campaign colour, {tint} a pale wash of it, {line} a light line of it.
_STYLES = {
    "article": f"max-width:677px;margin:0 auto;padding:24px 16px 40px;box-sizing:border-box;{_FONT};"
               f"{_BODY_TEXT};word-wrap:break-word",
    "p": f"margin:0 0 20px;{_BODY_TEXT}",
    "kicker": "margin:0 0 14px;font-size:13px;line-height:1.6;letter-spacing:2px;color:{primary};text-align:left",
    "lead": "margin:0 0 24px;padding:16px 18px;background-color:{tint};border-left:4px solid {primary};"
            "border-radius:0 6px 6px 0",
    "lead_headline": "margin:0 0 8px;font-size:19px;font-weight:bold;line-height:1.6;letter-spacing:1px;"
                     "color:{primary};text-align:left",
    "lead_meta": "margin:0 0 6px;font-size:14px;line-height:1.6;letter-spacing:1px;color:{primary};text-align:left",
    "lead_summary": "margin:0;font-size:15px;line-height:1.8;letter-spacing:0.5px;color:#555555;text-align:justify",
    "card": "margin:0 0 28px;border:1px solid {line};border-radius:6px;overflow:hidden",
    "card_title": "margin:0;padding:8px 16px;background-color:{primary};font-size:15px;font-weight:bold;"
                  "line-height:1.6;letter-spacing:2px;color:#ffffff;text-align:left",
    "card_body": "padding:12px 16px 8px",
    "card_name": "margin:0 0 8px;font-size:18px;font-weight:bold;line-height:1.6;letter-spacing:1px;"
                 "color:#333333;text-align:left",
    "card_reading": "font-size:13px;font-weight:normal;letter-spacing:0.5px;color:#888888",
    "card_fact": "margin:0 0 6px;font-size:15px;line-height:1.7;letter-spacing:0.5px;color:#333333;text-align:left",
    "card_label": "font-weight:bold;color:{primary}",
    "quote": "margin:0 0 28px;padding:18px 20px 14px;background-color:{tint};border-radius:6px",
    "quote_text": "margin:0 0 8px;font-size:17px;font-weight:bold;line-height:1.8;letter-spacing:1px;"
                  "color:{primary};text-align:center",
    "quote_by": "margin:0;font-size:14px;line-height:1.6;letter-spacing:0.5px;color:#888888;text-align:right",
    "h2": "margin:36px 0 18px;padding:2px 0 2px 12px;border-left:4px solid {primary};font-size:18px;"
          "font-weight:bold;line-height:1.5;letter-spacing:1px;color:{primary};text-align:left",
    "h3": "margin:28px 0 14px;padding:0 0 0 10px;border-left:3px solid {primary};font-size:17px;font-weight:bold;"
          "line-height:1.5;letter-spacing:0.5px;color:#333333;text-align:left",
    "h4": "margin:24px 0 12px;font-size:16px;font-weight:bold;line-height:1.6;letter-spacing:0.5px;"
          "color:#333333;text-align:left",
    "minor_heading": "margin:36px 0 12px;padding:0 0 0 10px;border-left:3px solid {primary};font-size:15px;"
                     "font-weight:bold;line-height:1.5;letter-spacing:1px;color:#555555;text-align:left",
    "blockquote": "margin:0 0 20px;padding:12px 16px;background-color:#f7f7f7;border-left:3px solid {line}",
    "blockquote_p": "margin:0 0 8px;font-size:15px;line-height:1.75;letter-spacing:0.5px;color:#666666;"
                    "text-align:justify",
    "list": "margin:0 0 20px",
    # Left-aligned: a short line ending before a long word (an address) would be stretched apart.
    "item": "margin:0 0 8px;font-size:16px;line-height:1.75;letter-spacing:0.5px;color:#333333;text-align:left",
    "marker": "display:inline-block;text-indent:0;color:{primary}",
    "figure": "margin:0 0 24px;text-align:center",
    "img": "display:block;max-width:100%;height:auto;margin:0 auto;border-radius:4px",
    "portrait": "display:block;width:64%;max-width:100%;height:auto;margin:0 auto;border-radius:4px",
    "inline_img": "max-width:100%;height:auto;vertical-align:middle",
    "caption": "margin:8px 0 0;font-size:13px;line-height:1.6;letter-spacing:0.5px;color:#888888;text-align:center",
    "credit": "color:#aaaaaa",
    "table_wrap": "margin:0 0 20px;overflow-x:auto",
    "table": "width:100%;border-collapse:collapse;font-size:14px;line-height:1.6",
    "th": "padding:6px 8px;border:1px solid #dfe2e5;background-color:{tint};font-size:14px;font-weight:bold;"
          "line-height:1.6;color:#333333;text-align:{align}",
    "td": "padding:6px 8px;border:1px solid #dfe2e5;font-size:14px;line-height:1.6;color:#333333;text-align:{align}",
    "pre": "margin:0 0 20px;padding:12px 14px;background-color:#f6f8fa;border-radius:4px;overflow-x:auto",
    "pre_text": f"margin:0;{_MONOSPACE};font-size:13px;line-height:1.6;letter-spacing:0;color:#333333;"
                "text-align:left;white-space:pre-wrap",
    "code": f"{_MONOSPACE};font-size:14px;padding:1px 4px;background-color:#f3f3f3;border-radius:3px;"
            "color:#c7254e",
    "hr": "margin:28px 0;border:0;border-top:1px solid #e5e5e5",
    "strong": "font-weight:bold;color:{primary}",
    "em": "font-style:italic",
    "u": "text-decoration:underline",
    "s": "text-decoration:line-through",
    "mark": "background-color:#fff3b0",
    "small": "font-size:13px",
    "sup": "font-size:12px;line-height:0;vertical-align:super",
    "sub": "font-size:12px;line-height:0;vertical-align:sub",
    "ref": "font-size:12px;line-height:0;vertical-align:super;color:{primary}",
    "note": f"margin:0 0 6px;{_SMALL_TEXT};word-wrap:break-word;overflow-wrap:break-word",
    "footer": "margin:40px 0 0;padding:16px 0 0;border-top:1px solid #e5e5e5",
    "footer_p": f"margin:0 0 6px;{_SMALL_TEXT};word-wrap:break-word;overflow-wrap:break-word",
}
_INLINE_STYLE = {"strong": "strong", "b": "strong", "em": "em", "i": "em", "u": "u", "ins": "u", "s": "s",
                 "del": "s", "mark": "mark", "small": "small", "sup": "sup", "sub": "sub"}
_INLINE_ELEMENT = {"strong": "strong", "b": "strong", "em": "em", "i": "em", "sup": "sup", "sub": "sub"}  # else span
_INLINE_TAGS = frozenset({*_INLINE_STYLE, "a", "br", "code", "img", "span", "abbr", "q", "cite", "time"})
_VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"})
_DROPPED = frozenset(CLEAN_CONTENT_TAGS | {"head", "link", "meta", "base", "source"})
_MAX_DEPTH = 60  # deeper markup is flattened (the sanitizer already stops bodies at 40)
_HANG = {"ul": 1.2, "ol": 1.8}  # em reserved for a list marker


def _colour(value: str) -> str:
    return value if _HEX_COLOUR.fullmatch(value or "") else _DEFAULT_PRIMARY


def _mix_with_white(colour: str, share: float) -> str:
    """``colour`` at ``share`` opacity over white, as a hex colour (the editor drops rgba and opacity)."""
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    channels = (int(digits[i:i + 2], 16) for i in (0, 2, 4))
    return "#" + "".join(f"{round(255 - (255 - c) * share):02x}" for c in channels)


def _styles(campaign: MediaCampaign) -> dict[str, str]:
    primary = _colour(campaign.primary_color)
    values = {"{primary}": primary, "{tint}": _mix_with_white(primary, 0.07), "{line}": _mix_with_white(primary, 0.3)}
    styles = dict(_STYLES)
    for placeholder, value in values.items():  # not str.format: the styles are full of other braces' neighbours
        styles = {name: style.replace(placeholder, value) for name, style in styles.items()}
    return styles


# --------------------------------------------------------------- the tree

@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)

    def elements(self, *tags: str) -> Iterable[_Node]:
        return (c for c in self.children if isinstance(c, _Node) and (not tags or c.tag in tags))

    def find(self, *tags: str) -> _Node | None:
        """The first descendant with one of ``tags``, in document order."""
        for child in self.elements():
            if child.tag in tags:
                return child
            found = child.find(*tags)
            if found is not None:
                return found
        return None

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children if isinstance(c, str) or
                       c.tag not in _DROPPED)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _TreeBuilder(HTMLParser):
    """A forgiving tree: void elements never open, an end tag closes up to its start tag or nothing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(self.stack) > _MAX_DEPTH and tag not in _DROPPED:
            return
        node = _Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _parse(fragment: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(fragment)
    builder.close()
    return builder.root


# ------------------------------------------------------------------ writing

def _text(value: str) -> str:
    return html.escape(value, quote=False)


def _element(tag: str, style: str, content: str = "", **attrs: str) -> str:
    attributes = "".join(f' {name}="{html.escape(value)}"' for name, value in attrs.items())
    return f'<{tag}{attributes} style="{html.escape(style)}">{content}</{tag}>'


def _http_url(url: str, base: str) -> str | None:
    """``url`` made absolute against ``base``, if it is http(s); None for any other scheme or an empty URL."""
    if not url.strip():
        return None  # urljoin would return the base itself
    absolute = urljoin(base, url.strip())
    parts = urlsplit(absolute)
    return absolute if parts.scheme in ("http", "https") and parts.netloc else None


@dataclass(frozen=True)
class _Context:
    """How paragraphs are written where the writer is: the body, a quote, a list item, a note."""

    para: str  # style of a paragraph
    first_para: str | None = None  # style of the first paragraph, which carries ``prefix``; None: ``para``
    depth: int = 0  # list nesting


class _References:
    """Web links in order of first appearance; one number per URL."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.entries: list[tuple[int, str, str]] = []  # number, title, url

    def number(self, url: str, title: str) -> int:
        if url not in self.numbers:
            self.numbers[url] = len(self.numbers) + 1
            self.entries.append((self.numbers[url], "" if title.strip() == url else title.strip(), url))
        return self.numbers[url]


class _Writer:
    """One item's article: the body tree written back element by element, from an allowlist."""

    def __init__(self, item: MediaItem, titled: bool = False) -> None:
        self.item = item
        self.titled = titled  # the title is written above (plain text): no kicker, no repeated headline
        self.s = _styles(item.campaign)
        self.references = _References()
        self.notes: list[_Node] = []  # the story's Markdown footnotes, in order
        self.photos = [p for p in item.photos if _http_url(p.web_url, item.url)]
        self.shown: set[int] = set()  # indexes of photos already shown in the body

    # --- the article --------------------------------------------------------

    def article(self) -> str:
        parts = [self.kicker(), self.lead(), self.portrait(), self.card(), self.quote(),
                 self.blocks(_parse(self.item.body_html).children, _Context(self.s["p"])),
                 self.remaining_photos(), self.note_list(), self.reference_list(), self.footer()]
        return _element("section", self.s["article"], "\n".join(p for p in parts if p))

    def kicker(self) -> str:
        if self.titled:
            return ""
        item = self.item
        # An activity's headline is its type and date line: it belongs up here, not in the lead.
        words = [item.campaign.short_name, *(item.categories[:2] if item.kind == "exemplar" else [item.headline])]
        return _element("p", self.s["kicker"], _text(" · ".join(w for w in words if w)))

    def lead(self) -> str:
        item, parts = self.item, []
        if item.kind == "exemplar" and item.headline and not self.titled:
            parts.append(_element("p", self.s["lead_headline"], _text(item.headline)))
        elif item.kind != "exemplar" and item.headline and self.titled:
            parts.append(_element("p", self.s["lead_meta"], _text(item.headline)))
        if item.summary:
            parts.append(_element("p", self.s["lead_summary"], _text(item.summary)))
        return _element("section", self.s["lead"], "".join(parts)) if parts else ""

    def portrait(self) -> str:
        # Optional: the page's published portrait or cover, when stage.py puts its URL in extra.
        url = _http_url(str(self.item.extra.get("image_url") or ""), self.item.url)
        style = "portrait" if self.item.kind == "exemplar" else "img"  # a portrait full width fills the screen
        return self.figure(url, self.item.image_alt, "", None, style) if url else ""

    def card(self) -> str:
        item = self.item
        lines = []
        if item.kind == "exemplar":
            reading = _element("span", self.s["card_reading"], "　" + _text(item.name_reading)) \
                if item.name_reading else ""
            lines.append(_element("p", self.s["card_name"], _text(item.title) + reading))
        for label, value in item.facts:
            lines.append(_element("p", self.s["card_fact"],
                                  _element("strong", self.s["card_label"], _text(f"{label}：")) + _text(value)))
        if len(lines) <= (item.kind == "exemplar"):
            return ""
        title = "人物名片" if item.kind == "exemplar" else "活动信息"
        return _element("section", self.s["card"],
                        _element("p", self.s["card_title"], title) +
                        _element("section", self.s["card_body"], "".join(lines)))

    def quote(self) -> str:
        if not self.item.quote:
            return ""
        by = _element("p", self.s["quote_by"], _text(f"—— {self.item.title}")) \
            if self.item.kind == "exemplar" else ""
        return _element("section", self.s["quote"],
                        _element("p", self.s["quote_text"], _text(f"“{self.item.quote.strip('“”')}”")) + by)

    def remaining_photos(self) -> str:
        return "".join(self.figure(p.web_url, p.caption, _text(p.caption), p.credit)
                       for index, p in enumerate(self.photos) if index not in self.shown)

    def note_list(self) -> str:
        if not self.notes:
            return ""
        items = [self.blocks(note.children, _Context(self.s["note"]), prefix=_text(f"[注{number}] "))
                 for number, note in enumerate(self.notes, 1)]
        return _element("h3", self.s["minor_heading"], "注释") + "".join(items)

    def reference_list(self) -> str:
        for title, url in self.item.links:
            absolute = _http_url(url, self.item.url)
            if absolute:
                self.references.number(absolute, title)
        if not self.references.entries:
            return ""
        lines = [_element("p", self.s["note"], _text(f"[{number}] " + (f"{title}：" if title else "") + url))
                 for number, title, url in self.references.entries]
        return _element("h3", self.s["minor_heading"], "参考链接") + "".join(lines)

    def footer(self) -> str:
        campaign = self.item.campaign
        parts = [_element("p", self.s["footer_p"], _text(campaign.reprint)) if campaign.reprint else "",
                 _element("p", self.s["footer_p"], _text(f"原文链接：{self.item.url}")),
                 _element("p", self.s["footer_p"], _text(f"来源：{campaign.organizer}")) if campaign.organizer else ""]
        return _element("section", self.s["footer"], "".join(parts))

    # --- blocks -------------------------------------------------------------

    def blocks(self, nodes: Sequence[_Node | str], ctx: _Context, prefix: str = "") -> str:
        """Block content; loose inline content becomes a paragraph. The first paragraph starts with ``prefix``."""
        out: list[str] = []
        run: list[_Node | str] = []

        def flush() -> None:
            nonlocal prefix
            if run and not _blank(run):
                out.append(self.paragraph(run, ctx, prefix))
                prefix = ""
            run.clear()

        for node in nodes:
            if isinstance(node, str) or node.tag in _INLINE_TAGS:
                run.append(node)
            elif node.tag == "p":
                flush()
                run.extend(node.children)
                flush()
            else:
                flush()
                out.append(self.block(node, ctx))
        flush()
        if prefix:  # nothing to carry it (an empty list item): the marker alone
            out.insert(0, self.paragraph([], ctx, prefix))
        return "".join(out)

    def paragraph(self, nodes: Sequence[_Node | str], ctx: _Context, prefix: str = "") -> str:
        style = ctx.first_para if prefix and ctx.first_para else ctx.para
        nodes = list(nodes)
        if nodes and isinstance(nodes[0], str):
            nodes[0] = nodes[0].lstrip()
        if nodes and isinstance(nodes[-1], str):
            nodes[-1] = nodes[-1].rstrip()  # also the no-break space Markdown puts before a footnote's back link
        return _element("p", style, prefix + self.inlines(nodes))

    def block(self, node: _Node, ctx: _Context) -> str:
        tag = node.tag
        if tag in _DROPPED:
            return ""
        if tag in ("h1", "h2"):
            return _element("h2", self.s["h2"], self.inlines(node.children))
        if tag == "h3":
            return _element("h3", self.s["h3"], self.inlines(node.children))
        if tag in ("h4", "h5", "h6"):
            return _element("p", self.s["h4"], self.inlines(node.children))
        if tag in ("ul", "ol"):
            return self.list(node, ctx.depth + 1)
        if tag == "blockquote":
            return _element("section", self.s["blockquote"],
                            self.blocks(node.children, _Context(self.s["blockquote_p"], depth=ctx.depth)))
        if tag in ("figure", "picture"):
            return self.body_figure(node)
        if tag == "table":
            return self.table(node)
        if tag == "pre":
            return self.pre(node)
        if tag == "hr":
            return f'<hr style="{html.escape(self.s["hr"])}">'
        if tag == "div" and "footnote" in node.classes():
            self.notes.extend(li for ol in node.elements("ol") for li in ol.elements("li"))
            return ""
        return self.blocks(node.children, ctx)  # div, section, li out of a list, unknown: their content

    def list(self, node: _Node, depth: int) -> str:
        hang = _HANG[node.tag]
        indent = (depth - 1) * 1.2 + hang
        first = f"{self.s['item']};padding-left:{indent:g}em;text-indent:-{hang:g}em"
        rest = f"{self.s['item']};padding-left:{indent:g}em"
        ctx = _Context(rest, first, depth)
        items = []
        for number, li in enumerate(node.elements("li"), 1):
            label = f"{number}." if node.tag == "ol" else "•"
            marker = _element("span", f"{self.s['marker']};width:{hang:g}em", _text(label) + " ")
            items.append(self.blocks(li.children, ctx, prefix=marker))
        content = "".join(items)
        return _element("section", self.s["list"], content) if depth == 1 else content

    def body_figure(self, node: _Node) -> str:
        img = node if node.tag == "img" else node.find("img")
        url = _http_url(img.attrs.get("src", ""), self.item.url) if img else None
        if not url:
            return ""
        caption_node = node.find("figcaption")
        caption = caption_node.text().strip() if caption_node else ""
        photo = self.match_photo(url, caption)
        caption_html = self.inlines(caption_node.children) if caption_node else ""
        if photo and not caption:
            caption, caption_html = photo.caption, _text(photo.caption)
        return self.figure(url, img.attrs.get("alt", "") or caption, caption_html, photo.credit if photo else None)

    def match_photo(self, url: str, caption: str) -> MediaPhoto | None:
        """The item's photo shown by a body figure: same URL, else same caption. Marked as shown."""
        for test in (lambda p: _http_url(p.web_url, self.item.url) == url,
                     lambda p: bool(caption) and p.caption.strip() == caption):
            for index, photo in enumerate(self.photos):
                if index not in self.shown and test(photo):
                    self.shown.add(index)
                    return photo
        return None

    def figure(self, url: str, alt: str, caption_html: str, credit: str | None, style: str = "img") -> str:
        src = _http_url(url, self.item.url)
        if not src:
            return ""
        img = f'<img src="{html.escape(src)}" alt="{html.escape(alt)}" style="{html.escape(self.s[style])}">'
        if credit:
            caption_html += _element("span", self.s["credit"], _text(f"（{credit}）"))
        caption = _element("p", self.s["caption"], caption_html) if caption_html else ""
        return _element("section", self.s["figure"], img + caption)

    def table(self, node: _Node) -> str:
        rows = []
        for tr in _descendants(node, "tr"):
            cells = []
            for cell in tr.elements("th", "td"):
                align = cell.attrs.get("align", "left")
                style = self.s[cell.tag].replace("{align}", align if align in ("left", "center", "right") else "left")
                cells.append(_element(cell.tag, style, self.inlines(cell.children)))
            rows.append(f"<tr>{''.join(cells)}</tr>")
        return _element("section", self.s["table_wrap"],
                        _element("table", self.s["table"], f"<tbody>{''.join(rows)}</tbody>"))

    def pre(self, node: _Node) -> str:
        # Leading spaces as no-break spaces and lines as <br>: the editor collapses white space.
        lines = [_text(line[:len(line) - len(line.lstrip(" "))].replace(" ", "\u00a0") + line.lstrip(" "))
                 for line in node.text().rstrip("\n").split("\n")]
        return _element("section", self.s["pre"], _element("p", self.s["pre_text"], "<br>".join(lines)))

    # --- inline -------------------------------------------------------------

    def inlines(self, nodes: Sequence[_Node | str]) -> str:
        return "".join(self.inline(node) for node in nodes)

    def inline(self, node: _Node | str) -> str:
        if isinstance(node, str):
            return _text(node)
        tag = node.tag
        if tag in _DROPPED:
            return ""
        if tag == "br":
            return "<br>"
        if tag == "a":
            return self.link(node)
        if tag == "sup" and any("footnote-ref" in a.classes() for a in node.elements("a")):
            return self.inlines(node.children)  # the marker is written by the link, as its own <sup>
        if tag in _INLINE_STYLE:
            return _element(_INLINE_ELEMENT.get(tag, "span"), self.s[_INLINE_STYLE[tag]], self.inlines(node.children))
        if tag == "code":
            return _element("code", self.s["code"], _text(node.text()))
        if tag == "img":
            src = _http_url(node.attrs.get("src", ""), self.item.url)
            return f'<img src="{html.escape(src)}" alt="{html.escape(node.attrs.get("alt", ""))}" ' \
                   f'style="{html.escape(self.s["inline_img"])}">' if src else ""
        return self.inlines(node.children)  # span, a block inside inline content, unknown: the content

    def link(self, node: _Node) -> str:
        href = node.attrs.get("href", "").strip()
        classes = node.classes()
        if "footnote-backref" in classes:
            return ""
        if "footnote-ref" in classes:
            return _element("sup", self.s["ref"], _text(f"[注{node.text().strip()}]"))
        content = self.inlines(node.children)
        if href.startswith("#") or not href:
            return content
        if href.lower().startswith("mailto:"):
            address = unquote(href[len("mailto:"):].split("?", 1)[0])
            return content if address in node.text() else content + _text(f"（{address}）")
        url = _http_url(href, self.item.url)
        if not url:
            return content
        return content + _element("sup", self.s["ref"], f"[{self.references.number(url, node.text())}]")


def _blank(nodes: Sequence[_Node | str]) -> bool:
    return all(isinstance(n, str) and not n.strip() for n in nodes)


def _descendants(node: _Node, tag: str) -> Iterable[_Node]:
    for child in node.elements():
        if child.tag == tag:
            yield child
        else:
            yield from _descendants(child, tag)
