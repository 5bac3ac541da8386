"""Story text: Markdown → safe HTML, and the lint that reports what would not publish."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exemplar.markup import (
    ImageHTML, ImageSource, Rendered, TocEntry, _convert, audit_html, html_depth, html_scan_cost, lint_markdown,
    render_markdown, sanitize, url_allowed,
)

STORY = PurePosixPath("stories/zhang-san/index.md")
PAGE = PurePosixPath("content/pages/about.md")


# ------------------------------------------------------------------ rendering

def test_heading_ids_keep_chinese_and_the_toc_lists_h2_and_h3():
    rendered = render_markdown("## 从一片荒滩说起\n\n正文\n\n### 十年 A&B 磨一剑\n\n#### 细节\n")
    assert '<h2 id="从一片荒滩说起">从一片荒滩说起</h2>' in rendered.html
    assert rendered.toc == (TocEntry(2, "从一片荒滩说起", "从一片荒滩说起"), TocEntry(3, "十年-ab-磨一剑", "十年 A&B 磨一剑"))
    assert '<h4 id="细节">' in rendered.html


def test_repeated_headings_get_distinct_ids():
    rendered = render_markdown("## 成果\n\n## 成果\n")
    assert [entry.id for entry in rendered.toc] == ["成果", "成果_1"]


def test_an_h1_in_the_body_moves_every_heading_down_a_level():
    rendered = render_markdown("# 一\n\n## 二\n\n###### 六\n")
    assert "<h1" not in rendered.html
    assert '<h2 id="一">一</h2>' in rendered.html and '<h3 id="二">二</h3>' in rendered.html
    assert '<h6 id="六">' in rendered.html
    assert [(e.level, e.title) for e in rendered.toc] == [(2, "一"), (3, "二")]


def test_without_an_h1_headings_keep_their_levels():
    assert '<h2 id="二">' in render_markdown("## 二\n").html


def test_soft_breaks_between_chinese_are_removed_and_between_latin_kept():
    rendered = render_markdown("他从城里\n回到麦田，\n“庄稼不会说假话”\n他说。\nThe field\nnotes\n中文\nEnglish\n")
    assert "他从城里回到麦田，“庄稼不会说假话”他说。" in rendered.html
    assert "The field\nnotes" in rendered.html
    assert "中文\nEnglish" in rendered.html  # Chinese next to Latin keeps its space


def test_soft_breaks_join_across_inline_markup():
    assert "<strong>成果</strong>显著" in render_markdown("取得了**成果**\n显著").html
    assert "取得了<em>重大突破</em>" in render_markdown("取得了*重大\n突破*").html


def test_code_keeps_its_line_breaks():
    rendered = render_markdown("```\n第一行\n第二行\n```\n\n    缩进代码\n    第二行\n\n行内 `代码\n换行` 结束\n")
    assert "第一行\n第二行" in rendered.html
    assert "缩进代码\n第二行" in rendered.html
    assert "<code>代码\n换行</code>" in rendered.html


def test_a_hard_break_stays():
    assert "<br>" in render_markdown("第一行  \n第二行").html


def _image(name: str) -> ImageHTML | None:
    if name == "missing.jpg":
        return None
    return ImageHTML(src=f"/assets/{name}", width=720, height=480, srcset=f"/assets/{name} 720w",
                     sizes="(max-width: 760px) 100vw, 720px")


def test_an_image_alone_in_its_paragraph_becomes_a_figure_with_the_callbacks_attributes():
    rendered = render_markdown("正文。\n\n![盐碱地上的光伏试验场](field.jpg)\n", image_src=_image)
    figure = re.search(r"<figure>.*</figure>", rendered.html, flags=re.S).group(0)
    assert figure.startswith("<figure><img ") and "<figcaption>盐碱地上的光伏试验场</figcaption>" in figure
    for attribute in ('src="/assets/field.jpg"', 'srcset="/assets/field.jpg 720w"', 'width="720"', 'height="480"',
                      'sizes="(max-width: 760px) 100vw, 720px"', 'alt="盐碱地上的光伏试验场"', 'loading="lazy"',
                      'decoding="async"'):
        assert attribute in figure
    assert rendered.images == ("field.jpg",)


def test_the_callback_may_return_a_dict_or_a_picture():
    as_dict = render_markdown("![a](a.jpg)", image_src=lambda n: {"src": "/x.jpg", "width": 10, "height": 5})
    assert 'src="/x.jpg"' in as_dict.html and 'width="10"' in as_dict.html
    picture = render_markdown("![a](a.jpg)", image_src=lambda n: ImageHTML(
        "/a.jpg", sources=(ImageSource("/a.webp 720w", "image/webp"),)))
    assert re.search(r'<figure><picture><source srcset="/a.webp 720w" type="image/webp"><img [^>]*src="/a.jpg"',
                     picture.html)


def test_inline_images_stay_inline_and_images_are_listed_in_order():
    calls = []

    def image_src(name):
        calls.append(name)
        return _image(name)

    rendered = render_markdown("图 ![一](a.jpg) 和 ![二](b.png)\n\n![三](a.jpg)\n\n![远](https://x.cn/r.jpg)"
                               "\n\n![外](../li-si/c.jpg)\n\n![缺](missing.jpg)", image_src=image_src)
    assert rendered.images == ("a.jpg", "b.png", "a.jpg", "missing.jpg")
    assert calls == ["a.jpg", "b.png", "a.jpg", "missing.jpg"]  # never a URL or a path outside the bundle
    assert '<p>图 <img alt="一"' in rendered.html
    assert 'src="missing.jpg"' in rendered.html and 'src="../li-si/c.jpg"' in rendered.html  # left as written


def test_an_image_without_alt_has_no_empty_caption():
    assert "<figcaption>" not in render_markdown("![](a.jpg)").html


def test_external_links_get_rel_and_internal_ones_do_not():
    rendered = render_markdown("[新华网](https://www.news.cn) [另一篇](../li-si/) [信箱](mailto:a@b.cn) [协议](//x.cn)")
    assert '<a href="https://www.news.cn" rel="noopener noreferrer">新华网</a>' in rendered.html
    assert '<a href="../li-si/">另一篇</a>' in rendered.html
    assert '<a href="mailto:a@b.cn">信箱</a>' in rendered.html
    assert '<a href="//x.cn" rel="noopener noreferrer">' in rendered.html


def test_a_table_renders_with_alignment_but_no_style_attribute():
    rendered = render_markdown("| 年份 | 产量 |\n|:--|--:|\n| 1964 | 三百斤 |\n")
    assert "<table>" in rendered.html and '<th align="left">年份</th>' in rendered.html
    assert '<td align="right">三百斤</td>' in rendered.html and "style" not in rendered.html


def test_footnotes_render_with_chinese_back_links_and_their_markers_stay_out_of_the_text():
    rendered = render_markdown("正文[^1]。\n\n[^1]: 据 1982 年县志。\n")
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in rendered.html
    assert '<div class="footnote">' in rendered.html and 'title="返回正文"' in rendered.html
    assert rendered.text == "正文。\n据 1982 年县志。"


def test_lists_quotes_and_emphasis():
    rendered = render_markdown("- 一\n- 二\n\n1. 甲\n2. 乙\n\n> 引用\n\n**粗** *斜* ~~不~~\n\n---\n")
    for fragment in ("<ul>\n<li>一</li>", "<ol>\n<li>甲</li>", "<blockquote>\n<p>引用</p>", "<strong>粗</strong>",
                     "<em>斜</em>", "<hr>"):
        assert fragment in rendered.html


def test_plain_text_has_one_line_per_block():
    rendered = render_markdown("## 标题\n\n第一段 **粗体**。\n\n- 甲\n- 乙\n")
    assert rendered.text == "标题\n第一段 粗体。\n甲\n乙"


def test_a_fenced_code_language_class_is_kept_but_nothing_else():
    assert '<code class="language-python">' in render_markdown("```python\nx = 1\n```").html
    assert "class" not in sanitize('<code class="x onclick">a</code>')


# ---------------------------------------------------------------- sanitizing

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "<svg onload=alert(1)><circle/></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    "[x](&#106;avascript:alert(1))",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    "[x](java\tscript:alert(1))",
    '<a href="  javascript:alert(1)">x</a>',
    "[x](vbscript:msgbox)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<form action=/x><input name=a><button formaction=javascript:alert(1)>b</button></form>",
    '<object data="x.swf"></object><embed src="x.swf">',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">x</p>',
    '<div onmouseover="alert(1)">x</div>',
    "<details open ontoggle=alert(1)>",
    '<base href="javascript:/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!--><script>alert(1)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<template><script>alert(1)</script></template>',
    "<<script>alert(1)//<</script>",
    '<a href="x" target="_blank">x</a>',
    '<img src="x" srcset="javascript:alert(1) 1x">',
]


FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "form", "input", "button", "style", "svg", "math", "base",
                  "meta", "link", "template", "noscript", "frame", "frameset"}


class _Harm(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.harm: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.harm.append(f"<{tag}>")
        for name, value in attrs:
            # as a browser reads a URL: C0 controls and spaces trimmed, tabs and newlines removed
            url = re.sub(r"[\t\n\r]", "", (value or "").strip("".join(map(chr, range(33))))).lower()
            if name.startswith("on") or name in ("style", "target", "formaction", "action"):
                self.harm.append(f"{tag} {name}=")
            elif name in ("href", "src", "srcset") and re.match(r"(javascript|vbscript|data):", url):
                self.harm.append(f"{tag} {name}={value}")

    handle_startendtag = handle_starttag


def _assert_harmless(output: str) -> None:
    parser = _Harm()
    parser.feed(output)
    parser.close()
    assert parser.harm == [], output
    assert not re.search(r"<script", output, flags=re.I)


@pytest.mark.parametrize("text", HOSTILE)
def test_the_renderer_strips_everything_hostile(text):
    _assert_harmless(render_markdown(text).html)
    _assert_harmless(sanitize(text))


@pytest.mark.parametrize("text", HOSTILE)
def test_the_lint_reports_every_hostile_sample(text, tmp_path):
    problems = lint_markdown(text, 5, STORY, tmp_path)
    assert {p.code for p in problems} & {"E501", "E502"}, text


def test_harmless_inline_tags_are_allowed_silently(tmp_path):
    body = "H<sub>2</sub>O 与 10<sup>3</sup>，<br>第二行 <strong>粗</strong> <del>删</del> <mark>亮</mark>"
    assert lint_markdown(body, 5, STORY, tmp_path) == []
    assert "<sub>2</sub>" in render_markdown(body).html and "<mark>亮</mark>" in render_markdown(body).html


def test_url_allowed_asks_the_sanitizer():
    assert url_allowed("https://example.cn/a?b=1") and url_allowed("../li-si/") and url_allowed("mailto:a@b.cn")
    assert url_allowed("#fn:1")
    assert not url_allowed("javascript:alert(1)") and not url_allowed("ftp://x.cn") and not url_allowed("tel:110")


HOSTILE_ALPHABET = st.sampled_from([
    "<", ">", "/", "=", '"', "'", " ", "\n", "\t", "&", "#", ";", ":", "(", ")", "[", "]", "!", "`", "*", "-", "x",
    "中", "script", "img", "svg", "a", "iframe", "style", "math", "p", "br", "sup", "table", "td", "ul", "li",
    "onerror", "onload", "src", "href", "srcset", "javascript", "JaVaScRiPt", "&#106;", "&#x6A;", "data", "alert(1)",
    "<!--", "-->", "<![CDATA[", "]]>", "<?", "?>", "    ", "```", "](", "![", "&lt;", "\\",
])
hostile_text = st.lists(HOSTILE_ALPHABET, max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(hostile_text)
def test_sanitize_is_idempotent(text):
    once = sanitize(text)
    assert sanitize(once) == once
    rendered = render_markdown(text).html
    assert sanitize(rendered) == rendered


@settings(max_examples=400, deadline=None)
@given(hostile_text)
def test_nothing_hostile_survives_random_input(text):
    _assert_harmless(render_markdown(text).html)
    _assert_harmless(sanitize(text))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        self.tags[(tag, tuple(sorted((k, v or "") for k, v in attrs)))] += 1

    handle_startendtag = handle_starttag


def _tags(fragment: str) -> Counter:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser.tags


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile_text)
def test_when_the_lint_is_silent_the_sanitizer_removes_nothing(tmp_path, text):
    """The lint's promise: anything the sanitizer would strip or change is reported."""
    problems = lint_markdown(text, 1, STORY, tmp_path)
    if any(p.code in ("E501", "E502", "E504") for p in problems):
        return
    raw = _convert(text, None).html
    assert not audit_html(raw)
    assert not _tags(raw) - _tags(sanitize(raw))  # every start tag, with every attribute, is still there


# ----------------------------------------------------------- bounded work

PATHOLOGICAL = {
    "unclosed brackets": "[" * 20000,
    "unclosed image brackets": "![" * 20000,
    "unclosed link destinations": "[a](" * 20000 + ")",
    "nested brackets": "[" * 5000 + "]" * 5000 + "(x)",
    "300 nested lists": "".join("    " * i + "- x\n" for i in range(300)),
    "300 nested quotes": "".join(">" * i + " x\n" for i in range(300)),
    "a megabyte of stars": "*" * 1_000_000,
    "alternating emphasis": "*a" * 100_000,
    "unclosed tags": "<a" * 100_000,
    "deep raw lists": "<ul><li>" * 30_000,
    "backtick staircase": "".join("`" * (i % 60 + 1) + "a" for i in range(20_000)),
    "a huge table": "|a|b|\n|-|-|\n" + "|x|y|\n" * 20_000,
    "many footnotes": "".join(f"[^{i}]" for i in range(5000)) + "\n\n" + "".join(f"[^{i}]: x\n" for i in range(5000)),
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_bodies_render_and_lint_in_bounded_time(name, tmp_path):
    body = PATHOLOGICAL[name]
    rendered = render_markdown(body)
    assert isinstance(rendered, Rendered)
    _assert_harmless(rendered.html)
    problems = lint_markdown(body, 5, STORY, tmp_path)
    assert len(problems) <= 3 * 21  # listed per code up to MAX_REPORTS, the rest counted


def test_a_body_too_complex_to_render_is_shown_as_plain_paragraphs_and_reported(tmp_path):
    body = "".join("    " * i + "- x\n" for i in range(300))
    rendered = render_markdown(body)
    assert rendered.html.startswith("<p>- x") and rendered.toc == () and rendered.images == ()
    (problem,) = lint_markdown(body, 5, STORY, tmp_path)
    assert problem.code == "E504" and problem.line > 5  # at the deepest line


def test_html_scan_cost_and_depth():
    assert html_scan_cost("<a><b>") == 4 and html_scan_cost("<a<a") == 6
    assert html_depth("<ul><li>" * 10) == 20 and html_depth("<p>x</p>" * 100) == 0
    assert html_depth("<br><img>") == 0


# ----------------------------------------------------------------------- lint

def codes(problems):
    return [(p.code, p.line, p.column) for p in problems]


def test_raw_html_is_located_at_its_tag(tmp_path):
    body = "第一段。\n\n第二段 <font color=red>红字</font>，<sup onclick=x>1</sup>。"
    assert codes(lint_markdown(body, 12, STORY, tmp_path)) == [("E501", 14, 5), ("E501", 14, 31)]


def test_html_in_code_is_not_html(tmp_path):
    body = ("用 `<script>` 标签，或 ``<iframe>`` 都只是文字。\n\n```\n<script>alert(1)</script>\n```\n\n"
            "    <style>缩进代码</style>\n\n- 列表\n\n        <iframe>列表里的代码</iframe>\n")
    assert lint_markdown(body, 5, STORY, tmp_path) == []


def test_a_list_items_continued_paragraph_is_checked(tmp_path):
    body = "- 列表\n\n    续段 <script>x</script>\n"
    assert codes(lint_markdown(body, 5, STORY, tmp_path)) == [("E501", 7, 8)]


def test_comments_are_a_warning(tmp_path):
    (problem,) = lint_markdown("正文\n<!-- 待核实：获奖年份 -->\n", 5, STORY, tmp_path)
    assert (problem.code, problem.severity.value, problem.line, problem.column) == ("W501", "warning", 6, 1)


def test_links_with_bad_schemes_are_located_at_the_url(tmp_path):
    body = "见 [这里](javascript:alert(1)) 和 <ftp://x.cn>。\n\n[参考]: data:text/html,x\n"
    assert codes(lint_markdown(body, 5, STORY, tmp_path)) == [("E502", 5, 8), ("E502", 5, 32), ("E502", 7, 7)]


def test_good_links_pass(tmp_path):
    body = "[新华网](https://www.news.cn \"标题\") [信](mailto:a@b.cn) [站内](../li-si/) <https://x.cn> <a@b.cn>"
    assert lint_markdown(body, 5, STORY, tmp_path) == []


def _bundle(tmp_path: Path) -> Path:
    from PIL import Image

    bundle = tmp_path / "stories" / "zhang-san"
    bundle.mkdir(parents=True)
    Image.new("RGB", (800, 600), "white").save(bundle / "field.jpg")
    return bundle


def test_body_images_are_checked_like_front_matter_images(tmp_path):
    bundle = _bundle(tmp_path)
    body = ("![田](field.jpg)\n\n![外](../li-si/a.jpg)\n\n![远](https://x.cn/a.jpg)\n\n![缺](feild.jpg)\n\n"
            "![引用][图]\n\n[图]: nothing.png\n")
    problems = lint_markdown(body, 20, STORY, bundle)
    assert codes(problems) == [("E401", 22, 6), ("E401", 24, 6), ("E402", 26, 6), ("E402", 28, 1)]
    assert problems[0].message == "正文图片的路径“../li-si/a.jpg”指向本条目目录之外"
    assert problems[2].hint == "是否想写“field.jpg”？"


def test_pages_may_not_show_images(tmp_path):
    (problem,) = lint_markdown("介绍。\n\n![标志](logo.png)\n", 4, PAGE, None)
    assert (problem.code, problem.line, problem.column) == ("E503", 6, 7)


def test_raw_html_images_are_refused(tmp_path):
    bundle = _bundle(tmp_path)
    (problem,) = lint_markdown('<img src="field.jpg" alt="田">', 5, STORY, bundle)
    assert problem.code == "E501" and "![图片说明](文件名.jpg)" in problem.hint


def test_a_pasted_web_page_lists_twenty_problems_and_counts_the_rest(tmp_path):
    problems = lint_markdown("<span>x</span>" * 50, 5, STORY, tmp_path)
    assert len(problems) == 21 and problems[-1].message == "另有 30 处同类问题（E501）没有逐一列出"


MARKDOWN_ALPHABET = st.sampled_from([
    "![", "](", "[", "]", "(", ")", "field.jpg", "a.jpg", "https://x.cn/p", "http://", "javascript:alert(1)",
    "mailto:a@b.cn", "Note:", ":", "\n", "\n\n", "    ", "- ", "1. ", "> ", "`", "*", "中文", "“", " ", "|",
    "## ", "!", "\\", '"', "'", "<br>", "&", "x", "[^1]", "[r]: ", "[r]", "\t", "data:", "../",
])
markdown_text = st.lists(MARKDOWN_ALPHABET, max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(markdown_text)
def test_skipping_the_render_when_the_scan_is_exact_changes_no_problem(tmp_path, text):
    import exemplar.markup as markup

    bundle = tmp_path / "stories" / "zhang-san"
    if not bundle.exists():
        bundle = _bundle(tmp_path)
    fast = lint_markdown(text, 3, STORY, bundle)
    markup.AUDIT_SHORTCUT = False
    try:
        full = lint_markdown(text, 3, STORY, bundle)
    finally:
        markup.AUDIT_SHORTCUT = True
    assert fast == full


@pytest.mark.parametrize("body", [
    "正文。\n\n![说明](photo.jpg)\n\n再一段。",
    "![a](a.jpg) 和 ![b](b.png \"标题\")\n\n[链接](https://example.cn) ![远程](https://x.cn/c.jpg)",
    "`![不是图片](code.jpg)`\n\n    ![缩进代码](indented.jpg)\n\n![真的](real.jpg)",
    "![ref][p]\n\n[p]: photo.jpg\n",
    "<p>html</p>\n\n![x](../escape.jpg) ![y](ok.webp)",
])
def test_images_in_agrees_with_rendering(body):
    from exemplar.markup import images_in

    assert images_in(body) == render_markdown(body).images


def test_images_in_agrees_with_rendering_on_the_sample():
    from conftest import REPO
    from exemplar.markup import images_in
    from exemplar.pipeline import check

    site = check(REPO).site
    for entry in (*site.exemplars, *site.activities):
        assert images_in(entry.body) == render_markdown(entry.body).images, entry.source
