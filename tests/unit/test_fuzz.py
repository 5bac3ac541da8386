"""Fuzzing with hypothesis: loaders never raise, sanitizing is a fixed point, personal data never passes.

Sizes are set for CI: the whole module takes about ten seconds.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import copy_fixture_site
from exemplar.load import decode, split_front_matter
from exemplar.markup import TAGS, lint_markdown, render_markdown, sanitize
from exemplar.pipeline import check
from exemplar.yamlsafe import parse_yaml

STORY = PurePosixPath("stories/li-si/index.md")
FIXTURE = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

# Any text an editor's file can hold once decoded: every code point but surrogates.
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
# Characters YAML and Markdown give meaning to, in bulk, with some Chinese and the invisible troublemakers.
SYNTAX = list(":-[]{},#&*!|>'\"\n\t?%@`~.\\/<>=()_+ ") + list("张三莲池区：，。“”") + [
    "\r", "\r\n", "\x00", "\x07", "\x1b", "\x85", "\u2028", "\ufeff", "\u200b", "---\n", "...\n", "!!str ", "&a ", "*a"]
syntax_text = st.lists(st.sampled_from(SYNTAX) | st.text(max_size=3), max_size=80).map("".join)


def within(problem, text: str, first_line: int = 1) -> bool:
    """A located problem points at a line of ``text`` (which starts at file line ``first_line``),
    or at the line after it: YAML reports an unexpected end of the text there (in a story, the closing ---)."""
    last = first_line + text.count("\n") + text.count("\r") + 1  # CR alone is a newline too
    return problem.line is not None and first_line <= problem.line <= last


# ---------------------------------------------------------------- loaders

@settings(max_examples=200, deadline=None)
@given(st.one_of(any_text, syntax_text))
def test_yaml_of_any_text_is_a_tree_or_located_problems(text):
    node, problems = parse_yaml(text, PurePosixPath("x.yml"), line_offset=1)
    assert node is None or not problems
    for problem in problems:
        assert problem.code in ("E104", "E105", "E106", "E107", "E108", "E109", "E110", "E113"), problem
        assert within(problem, text, first_line=2), (problem, text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), any_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
                 syntax_text.map(lambda t: t.encode("utf-8"))))
def test_any_bytes_decode_to_text_or_a_problem_inside_the_file(data):
    text, problem = decode(data, STORY)
    if problem is None:
        assert "\r" not in text and "\x00" not in text
        split = split_front_matter(text, STORY)  # never raises either
        assert split.code in ("E102", "E103") if not isinstance(split, tuple) else split[2] >= 2
    else:
        assert problem.code == "E101" and 1 <= problem.line <= data.count(b"\n") + data.count(b"\r") + 1


@settings(max_examples=150, deadline=None)
@given(st.one_of(any_text, syntax_text))
def test_markdown_of_any_text_renders_and_lints_without_raising(body):
    rendered = render_markdown(body)
    assert isinstance(rendered.html, str)
    for problem in lint_markdown(body, 10, STORY, None):
        assert problem.code.startswith(("E5", "W5")) and within(problem, body, first_line=10), problem


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE)
@given(front=syntax_text, body=st.one_of(any_text, syntax_text))
def test_any_story_file_gives_problems_inside_the_file(base_site, front, body):
    """Not only YAML-looking text (test_properties): anything, control characters and all."""
    (base_site / "stories" / "li-si").mkdir(exist_ok=True)
    data = f"---\n{front}\n---\n{body}".encode("utf-8")
    (base_site / STORY).write_bytes(data)
    result = check(base_site)
    for problem in result.problems:
        if problem.file == STORY and problem.line is not None:
            assert 1 <= problem.line <= data.count(b"\n") + data.count(b"\r") + 1, problem


# ------------------------------------------------------------- sanitizer

HTML_TOKENS = [
    "<script>", "</script>", "<a href=\"", "\">", "</a>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    "<iframe src=//evil.example>", "<p>", "</p>", "<div class=\"footnote\">", "</div>", "<sup id=\"x\">", "</sup>",
    "<ul><li>", "</li></ul>", "<table><tr><td align=\"center\">", "</td></tr></table>", "<code class=\"language-py\">",
    "<noscript>", "</noscript>", "<style>", "</style>", "<template>", "<math>", "<title>", "<!--", "-->", "--!>",
    "<![CDATA[", "]]>", "javascript:", "jav&#x09;ascript:", "&#106;", "&amp;", "&lt;", "&quot;", "\"", "'", "=",
    "<", ">", "/", "\\", " ", "\n", "<br>", "<b>", "</b>", "<em>", "</em>", "<h2 id=\"x\">", "</h2>",
    "<source srcset=\"a.jpg 1x, javascript:x 2x\">", "<img srcset=\"a.jpg 480w\" src=\"a.jpg\" loading=\"lazy\">",
    "<a rel=\"noopener noreferrer\" href=\"https://example.cn/\">", "<a href=\"\\\\evil.example\">", "onclick=",
]
html_text = st.lists(st.sampled_from(HTML_TOKENS) | st.text(max_size=4), max_size=60).map("".join)
MARKDOWN_TOKENS = ["[", "](", ")", "![", "*", "**", "_", "`", "```\n", "\n\n", "\n", "> ", "- ", "1. ", "# ", "## ",
                   "|", "|-|\n", "[^1]", "[^1]: ", "    ", "\\", "https://example.cn/", "javascript:alert(1)",
                   "<https://example.cn>", "字", "a"]
markdown_text = st.lists(st.sampled_from(MARKDOWN_TOKENS + HTML_TOKENS) | st.text(max_size=3), max_size=60).map(
    "".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(html_text, any_text))
def test_sanitizing_twice_changes_nothing(fragment):
    once = sanitize(fragment)
    assert sanitize(once) == once


@settings(max_examples=200, deadline=None)
@given(st.one_of(markdown_text, any_text))
def test_rendered_markdown_is_already_sanitized(body):
    html = render_markdown(body).html
    assert sanitize(html) == html
    for tag, attributes in Tags.of(html):
        assert tag in TAGS, (tag, html)
        for name, value in attributes:
            assert not name.startswith("on") and name != "style", (tag, name, html)
            if name in ("href", "src"):
                assert not urlsplit(value or "").scheme or urlsplit(value).scheme in ("http", "https", "mailto")


class Tags(HTMLParser):
    """Every start tag of a fragment as the browser's tokenizer sees it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    @classmethod
    def of(cls, fragment: str) -> list[tuple[str, list]]:
        parser = cls()
        parser.feed(fragment)
        parser.close()
        return parser.found


# ------------------------------------------------------- personal data

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def resident_id(region: int, born: dt.date, sequence: int) -> str:
    body = f"{region:06d}{born:%Y%m%d}{sequence:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@st.composite
def id_numbers(draw) -> str:
    number = resident_id(draw(st.integers(110000, 659999)),
                         draw(st.dates(dt.date(1900, 1, 1), dt.date(2024, 12, 31))), draw(st.integers(0, 999)))
    style = draw(st.sampled_from(["plain", "groups", "full-width", "lower-x", "zero-width"]))
    if style == "groups":
        return f"{number[:6]} {number[6:14]} {number[14:]}"
    if style == "full-width":
        return number.translate(FULL_WIDTH)
    if style == "lower-x":
        return number.replace("X", "x")
    if style == "zero-width":
        return "\u200b".join(number)
    return number


@st.composite
def mobile_numbers(draw) -> str:
    digits = f"1{draw(st.integers(3, 9))}{draw(st.integers(0, 999_999_999)):09d}"
    style = draw(st.sampled_from(["plain", "spaces", "dashes", "+86", "+86 spaces"]))
    return {"plain": digits, "spaces": f"{digits[:3]} {digits[3:7]} {digits[7:]}",
            "dashes": f"{digits[:3]}-{digits[3:7]}-{digits[7:]}", "+86": f"+86{digits}",
            "+86 spaces": f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}"}[style]


# Surrounding text: anything a file may hold (no control characters: those make the whole file unreadable, E101,
# which stops the build before personal data is even looked for).
prose = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n，。<>[]()*`#-!&"),
                max_size=120)
HEAD = ("---\nname: 李四\naffiliation: 某医院\nregion: 竞秀区\nfields: [医疗卫生]\nheadline: 基层医生\n"
        "summary: 李四扎根基层三十年，走遍全区一百多个村庄，为群众义诊十万余人次，培养乡村医生两百余名，"
        "被群众称为“健康守门人”，多次获得市级表彰和奖励。\nstatus: draft\n---\n")
BODY_LINE = HEAD.count("\n") + 1


@pytest.fixture
def story_site(tmp_path) -> Path:
    root = copy_fixture_site("base", tmp_path / "site")
    (root / "stories" / "li-si").mkdir()
    return root


def reported(root: Path, before: str, number: str, after: str, code: str) -> None:
    text = f"{before}，{number}。{after}"
    (root / STORY).write_text(HEAD + text, encoding="utf-8")
    result = check(root)
    line = BODY_LINE + before.count("\n")
    found = [p for p in result.problems if p.code == code and p.file == STORY]
    assert any(p.line == line for p in found), (number, [(p.code, p.line, p.message) for p in result.problems])
    assert not result.ok and result.site is None  # so it cannot be built
    assert all(number not in p.message for p in found)  # reported masked


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE)
@given(before=prose, number=id_numbers(), after=prose)
def test_a_resident_id_in_any_story_text_is_reported(story_site, before, number, after):
    reported(story_site, before, number, after, "E601")


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE)
@given(before=prose, number=mobile_numbers(), after=prose)
def test_a_mobile_number_in_any_story_text_is_reported(story_site, before, number, after):
    reported(story_site, before, number, after, "E602")
