"""WeChat copy: what survives a paste into the 公众号 editor, and what a reader sees."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

from exemplar.markup import render_markdown
from exemplar.media import MediaCampaign, MediaItem, MediaPhoto
from exemplar.media.wechat import article_title, render_wechat, render_wechat_text

SITE = "https://kx.example.cn/"
PAGE = f"{SITE}stories/zhang-san/"

CAMPAIGN = MediaCampaign(
    name="2021年度优秀科技工作者宣传活动", short_name="科技工作者风采", organizer="某市科学技术协会",
    theme="弘扬科学家精神", reprint="本文由某市科学技术协会提供，转载请注明出处。", contact_name="宣传部",
    contact_phone="0312-0000000", contact_email="xcb@kx.example.cn", site_url=SITE, primary_color="#1f4e8c")


def make_item(body_html: str = "<p>正文第一段。</p>", **changes) -> MediaItem:
    item = MediaItem(
        kind="exemplar", page_path="stories/zhang-san/", url=PAGE, title="张三", headline="把论文写在大地上",
        summary="张三扎根基层二十年。", body_html=body_html, body_text="正文第一段。",
        sections=(("", ("正文第一段。",)),), campaign=CAMPAIGN, date=dt.date(2021, 5, 30), image=None,
        quote="科研要解决实际问题。", name_reading="Zhāng Sān",
        facts=(("单位", "某市农业科学院"), ("职称", "研究员")), categories=("农业科技",))
    return dataclasses.replace(item, **changes)


class Page(HTMLParser):
    """Start tags (with attributes) and text (with the elements around it) inside <body>."""

    def __init__(self, document: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.texts: list[tuple[str, list[tuple[str, dict[str, str]]]]] = []
        self.in_body = False
        self.feed(document)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "body":
            self.in_body = True
        if self.in_body:
            self.tags.append((tag, attributes))
        if tag not in ("br", "img", "hr", "meta"):
            self.stack.append((tag, attributes))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.in_body and data.strip():
            self.texts.append((data, list(self.stack)))

    def attributes(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]

    @property
    def text(self) -> str:
        return "".join(data for data, _ in self.texts)


# ------------------------------------------------------------------ the shape

def test_a_complete_utf8_document_with_only_inline_styles():
    document = render_wechat(make_item("<h2>小标题</h2><p>段落</p><ul><li>一</li></ul><blockquote><p>引</p></blockquote>"
                                       "<table><tr><th>甲</th></tr><tr><td>乙</td></tr></table><pre><code>x = 1</code></pre>"))
    assert document.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in document
    assert "<title>张三：把论文写在大地上</title>" in document
    for forbidden in ("class=", "<style", "<script", "<link", "<div", "<a ", "<ul", "<li", "<blockquote"):
        assert forbidden not in document, forbidden


def test_every_element_in_the_body_has_an_inline_style_and_text_sits_in_a_text_element():
    body = render_markdown(
        "## 小标题\n\n有**加粗**、*强调*、`代码`和[链接](https://example.org/)。[^1]\n\n"
        "- 一\n- 二\n    1. 甲\n\n> 引用\n\n| 甲 | 乙 |\n| :-: | -: |\n| 1 | 2 |\n\n---\n\n"
        "![图注](https://kx.example.cn/assets/a.jpg)\n\n[^1]: 注释内容。\n").html
    page = Page(render_wechat(make_item(body)))
    for tag, attrs in page.tags:
        if tag not in ("br", "tbody", "tr"):
            assert attrs.get("style"), f"<{tag}> has no inline style"
    for data, ancestors in page.texts:
        assert ancestors[-1][0] in ("p", "h2", "h3", "strong", "em", "span", "sup", "code", "th", "td"), data
        assert ancestors[-1][1].get("style"), data


def test_typography_for_phones():
    document = render_wechat(make_item("<p>段落</p><h2>小标题</h2><h3>小小标题</h3>"))
    page = Page(document)
    paragraph = next(attrs["style"] for attrs in page.attributes("p") if "font-size:16px" in attrs["style"])
    assert "text-align:justify" in paragraph
    assert "line-height:1.75" in paragraph and "letter-spacing:0.5px" in paragraph and "color:#333333" in paragraph
    assert "border-left:4px solid #1f4e8c" in page.attributes("h2")[0]["style"]
    assert "border-left:3px solid #1f4e8c" in page.attributes("h3")[0]["style"]


def test_campaign_colour_is_used_and_a_hostile_colour_is_refused():
    red = render_wechat(make_item("<h2>题</h2>", campaign=dataclasses.replace(CAMPAIGN, primary_color="#b3261e")))
    assert "border-left:4px solid #b3261e" in red
    hostile = dataclasses.replace(CAMPAIGN, primary_color='red;background:url("https://evil.example/x")')
    document = render_wechat(make_item("<h2>题</h2>", campaign=hostile))
    assert "evil.example" not in document and "border-left:4px solid #1f4e8c" in document


def test_lead_quote_and_profile_card_come_before_the_story():
    text = Page(render_wechat(make_item())).text
    order = [text.index(s) for s in ("科技工作者风采", "把论文写在大地上", "张三扎根基层二十年。", "人物名片", "Zhāng Sān",
                                     "单位：", "某市农业科学院", "“科研要解决实际问题。”", "正文第一段。")]
    assert order == sorted(order)


def test_an_activity_has_an_information_card_and_no_quote_attribution():
    item = make_item(kind="activity", title="科普日活动", headline="科普活动 · 2021年9月18日", quote=None,
                     facts=(("时间", "2021年9月18日"), ("地点", "市科技馆")))
    text = Page(render_wechat(item)).text
    assert "活动信息" in text and "人物名片" not in text and "市科技馆" in text
    assert text.startswith("科技工作者风采 · 科普活动 · 2021年9月18日") and text.count("科普活动 · 2021年9月18日") == 1
    assert render_wechat_text(item).startswith("科普日活动\n\n科普活动 · 2021年9月18日\n\n张三扎根基层二十年。")
    assert article_title(item) == "科普日活动"


# ------------------------------------------------------------------ links

def test_links_become_numbered_footnotes_and_no_link_remains():
    body = ('<p>见<a href="https://example.org/a" rel="noopener noreferrer">甲</a>、'
            '<a href="https://example.org/b">乙</a>和<a href="https://example.org/a">甲again</a>。</p>'
            '<p>本站<a href="../../activities/">活动</a>，<a href="https://kx.example.cn/matters/">实事</a>，'
            '<a href="#top">回到顶部</a>，写信<a href="mailto:xcb@kx.example.cn">联系我们</a>。</p>')
    item = make_item(body, links=(("单位主页", "https://unit.example.com/"), ("又是甲", "https://example.org/a")))
    document = render_wechat(item)
    page = Page(document)
    assert "<a" not in document and "href=" not in document
    assert "甲[1]、乙[2]和甲again[1]。" in page.text
    assert "活动[3]，实事[4]，回到顶部，写信联系我们（xcb@kx.example.cn）。" in page.text
    references = page.text[page.text.index("参考链接"):]
    assert "[1] 甲：https://example.org/a" in references
    assert "[2] 乙：https://example.org/b" in references
    assert "[3] 活动：https://kx.example.cn/activities/" in references  # relative: resolved against the page
    assert "[4] 实事：https://kx.example.cn/matters/" in references
    assert "[5] 单位主页：https://unit.example.com/" in references
    assert references.count("https://example.org/a") == 1 and "[6]" not in references
    for attrs in page.attributes("sup"):
        assert "#1f4e8c" in attrs["style"]


def test_a_link_whose_text_is_its_address_is_listed_by_address_only():
    page = Page(render_wechat(make_item('<p><a href="https://example.org/x">https://example.org/x</a></p>')))
    assert "[1] https://example.org/x" in page.text


def test_a_mailto_link_showing_its_address_is_plain_text():
    page = Page(render_wechat(make_item('<p>邮箱：<a href="mailto:a@b.cn">a@b.cn</a></p>')))
    assert "邮箱：a@b.cn" in page.text and "参考链接" not in page.text


def test_no_reference_list_without_links():
    assert "参考链接" not in render_wechat(make_item("<p>没有链接。</p>", links=()))


def test_markdown_footnotes_become_notes():
    body = render_markdown("数据来自调查。[^src]\n\n[^src]: 见[报告](https://example.org/report)。\n").html
    document = render_wechat(make_item(body))
    text = Page(document).text
    assert "数据来自调查。[注1]" in text
    assert "注释" in text and "[注1] 见报告[1]。" in text
    assert "[1] 报告：https://example.org/report" in text
    assert "↩" not in text and "fnref" not in document


# ------------------------------------------------------------------ images

def test_images_are_absolute_with_captions_and_credits():
    body = ('<figure><img src="https://kx.example.cn/assets/a-1440.jpg" alt="田间" width="1440" height="960" '
            'srcset="x 1w"><figcaption>在田间</figcaption></figure>'
            '<p>行内<img src="images/b.png" alt="b">图，<img src="javascript:alert(1)" alt="bad"></p>')
    photos = (MediaPhoto(Path("a.jpg"), "https://kx.example.cn/assets/a-1440.jpg", "在田间", "摄影：李四"),
              MediaPhoto(Path("c.jpg"), "https://kx.example.cn/assets/c-1440.jpg", "在实验室", "摄影：王五"),
              MediaPhoto(Path("d.jpg"), "file:///etc/passwd", "坏地址", None))
    document = render_wechat(make_item(body, photos=photos))
    page = Page(document)
    sources = [attrs["src"] for attrs in page.attributes("img")]
    assert sources == ["https://kx.example.cn/assets/a-1440.jpg", "https://kx.example.cn/stories/zhang-san/images/b.png",
                       "https://kx.example.cn/assets/c-1440.jpg"]
    assert all("max-width:100%" in attrs["style"] for attrs in page.attributes("img"))
    assert not any("width" in attrs or "srcset" in attrs for attrs in page.attributes("img"))
    assert "在田间（摄影：李四）" in page.text  # the body figure takes the photo's credit, and is not repeated
    assert page.text.count("在田间") == 1
    assert "在实验室（摄影：王五）" in page.text
    assert "javascript" not in document and "坏地址" not in page.text


def test_a_portrait_url_in_extra_is_shown_narrower():
    document = render_wechat(make_item(extra={"image_url": "https://kx.example.cn/assets/p-960.jpg"},
                                       image_alt="张三肖像"))
    page = Page(document)
    portrait = page.attributes("img")[0]
    assert portrait["src"] == "https://kx.example.cn/assets/p-960.jpg" and portrait["alt"] == "张三肖像"
    assert "width:64%" in portrait["style"]
    assert not Page(render_wechat(make_item())).attributes("img")


# ------------------------------------------------------------------ the end

def test_ends_with_reprint_canonical_url_and_organizer():
    text = Page(render_wechat(make_item())).text
    tail = text[text.index("正文第一段。"):]
    assert "本文由某市科学技术协会提供，转载请注明出处。" in tail
    assert f"原文链接：{PAGE}" in tail
    assert "来源：某市科学技术协会" in tail


# ------------------------------------------------------------------ hostile input

def test_hostile_text_is_escaped_everywhere():
    item = make_item(
        '<p onclick="steal()" class="x" style="color:red">安全<script>steal()</script><style>p{}</style></p>'
        '<iframe src="https://evil.example/"></iframe>',
        title='<script>alert("t")</script>', headline='"引号" & <b>加粗</b>', summary="A & B < C",
        quote='</p><script>q()</script>', facts=(("单位", '<img src=x onerror="f()">'),),
        name_reading='"><script>',
        photos=(MediaPhoto(Path("a.jpg"), 'https://kx.example.cn/a.jpg" onerror="f()', '<b>说明</b>', "&"),),
        links=(("<i>标题</i>", "https://example.org/?a=1&b=<2>"),))
    document = render_wechat(item)
    page = Page(document)
    assert {tag for tag, _ in page.tags} <= {"body", "section", "p", "h2", "h3", "strong", "span", "sup", "img"}
    assert {name for _, attrs in page.tags for name in attrs} <= {"style", "src", "alt"}
    assert "<script" not in document and "steal()" not in document and "p{}" not in document
    assert "evil.example" not in document and "color:red" not in document
    assert '<title>&lt;script&gt;alert("t")&lt;/script&gt;：' in document
    text = page.text  # escaped text reads as written
    for written in ('"引号" & <b>加粗</b>', "A & B < C", '<img src=x onerror="f()">', "<b>说明</b>（&）",
                    "<i>标题</i>：https://example.org/?a=1&b=<2>", '“</p><script>q()</script>”'):
        assert written in text
    assert [attrs["src"] for attrs in page.attributes("img")] == ['https://kx.example.cn/a.jpg" onerror="f()']


def test_deeply_nested_markup_does_not_break_the_writer():
    document = render_wechat(make_item("<span>" * 5000 + "深处" + "</span>" * 5000 + "<p>之后</p>"))
    text = Page(document).text
    assert "深处" in text and "之后" in text


# ------------------------------------------------------------------ plain text

def test_plain_text_fallback():
    body = render_markdown("## 小标题\n\n第一段见[甲](https://example.org/a)。\n\n- 要点一\n- 要点二\n").html
    text = render_wechat_text(make_item(body, links=(("单位主页", "https://unit.example.com/"),)))
    assert text.startswith("张三：把论文写在大地上\n\n张三扎根基层二十年。\n\n")
    assert text.count("把论文写在大地上") == 1
    assert "小标题\n\n第一段见甲[1]。\n\n• 要点一\n\n• 要点二" in text
    assert "参考链接\n\n[1] 甲：https://example.org/a\n\n[2] 单位主页：https://unit.example.com/" in text
    assert f"原文链接：{PAGE}" in text and "本文由某市科学技术协会提供" in text
    assert "<" not in text.replace("< C", "")
    assert not re.search(r"&[a-z]+;", text)
