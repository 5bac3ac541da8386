"""House style checks: terms, CJK spacing and punctuation, traditional characters."""

import random

import autocorrect_py
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from exemplar.style import (
    StyleFinding,
    Term,
    _needs_autocorrect,
    _spacing_candidates,
    find_style_issues,
    fix_text,
)

TERMS = [
    Term("科协", "科学技术协会", "warning"),
    Term("电脑", "计算机", "error"),
    Term("科学院", "中国科学院", "warning"),  # right contains wrong
]


def located(findings, kind=None):
    return [(f.kind, f.line, f.column, f.old, f.new, f.level)
            for f in findings if kind is None or f.kind == kind]


# ---------------------------------------------------------------------------
# Terms

TERM_DOC = """\
---
name: 科协电脑
affiliation: 市科协电脑中心，科协
科协: 键里的科协不算
tags: [科协, 电脑]
links:
  - 科协: 不是键的科协
photo: https://example.cn/科协/电脑.jpg
---

## 科协简介

科协和电脑，还有科协。见[科协报道](https://example.cn/科协?q=电脑)，代码 `科协 电脑` 不算。
<!-- 编辑注：科协 -->
```
科协 电脑
```
"""


def test_terms_are_located_exactly_and_never_in_keys_code_or_urls():
    assert located(find_style_issues(TERM_DOC, TERMS), "term") == [
        ("term", 2, 7, "科协", "科学技术协会", "warning"),
        ("term", 2, 9, "电脑", "计算机", "error"),
        ("term", 3, 15, "科协", "科学技术协会", "warning"),
        ("term", 3, 17, "电脑", "计算机", "error"),
        ("term", 3, 22, "科协", "科学技术协会", "warning"),
        ("term", 4, 8, "科协", "科学技术协会", "warning"),  # the key 科协 is left alone
        ("term", 5, 8, "科协", "科学技术协会", "warning"),
        ("term", 5, 12, "电脑", "计算机", "error"),
        ("term", 7, 13, "科协", "科学技术协会", "warning"),
        ("term", 11, 4, "科协", "科学技术协会", "warning"),
        ("term", 13, 1, "科协", "科学技术协会", "warning"),
        ("term", 13, 4, "电脑", "计算机", "error"),
        ("term", 13, 9, "科协", "科学技术协会", "warning"),
        ("term", 13, 14, "科协", "科学技术协会", "warning"),  # link text is prose, its target is not
        ("term", 14, 10, "科协", "科学技术协会", "warning"),  # comments are editors' text
    ]
    lines = TERM_DOC.split("\n")
    for finding in find_style_issues(TERM_DOC, TERMS):
        if finding.kind == "term":
            start = finding.column - 1
            assert lines[finding.line - 1][start:start + len(finding.old)] == finding.old


def test_an_occurrence_inside_the_right_phrase_is_not_one():
    text = "中国科学院和科学院，中国科学院。\n"
    assert located(find_style_issues(text, TERMS)) == [
        ("term", 1, 7, "科学院", "中国科学院", "warning")]
    fixed = fix_text(text, TERMS)
    assert fixed == "中国科学院和中国科学院，中国科学院。\n"
    assert find_style_issues(fixed, TERMS) == []


def test_levels_come_from_the_term_and_other_kinds_are_warnings():
    findings = find_style_issues("用电脑和科协的CT影像，他們\n", TERMS)
    assert {(f.kind, f.old, f.level) for f in findings} == {
        ("term", "电脑", "error"), ("term", "科协", "warning"),
        ("traditional", "們", "warning"),
        ("spacing", "用电脑和科协的CT影像，他們", "warning")}
    assert findings[0].message == "“电脑”应写作“计算机”"


def test_terms_are_validated():
    with pytest.raises(ValueError):
        Term("", "对", "warning")
    with pytest.raises(ValueError):
        Term("错", "对", "fatal")
    with pytest.raises(ValueError):
        Term("错\n", "对", "error")


def test_overlapping_terms_are_all_reported_and_fixed_to_a_fixed_point():
    terms = [Term("市科协", "市科学技术协会", "warning"), Term("科协", "科学技术协会", "warning")]
    text = "name: 市科协\n"
    assert located(find_style_issues(text, terms)) == [
        ("term", 1, 7, "市科协", "市科学技术协会", "warning"),
        ("term", 1, 8, "科协", "科学技术协会", "warning")]
    assert fix_text(text, terms) == "name: 市科学技术协会\n"


# ---------------------------------------------------------------------------
# Spacing and punctuation

SPACING_DOC = """\
---
name: 张三
summary: 2021年使用CT影像,效果很好.
- 列表项abc
  - key_name: 值abc
---

## 标题abc

中文https://example.cn 和 <https://example.cn/中文abc> 不动
"""


def test_spacing_findings_carry_the_corrected_line_and_first_difference():
    assert located(find_style_issues(SPACING_DOC, [])) == [
        ("spacing", 3, 14, "summary: 2021年使用CT影像,效果很好.",
         "summary: 2021 年使用 CT 影像，效果很好。", "warning"),
        ("spacing", 4, 6, "- 列表项abc", "- 列表项 abc", "warning"),
        ("spacing", 5, 16, "  - key_name: 值abc", "  - key_name: 值 abc", "warning"),
        ("spacing", 8, 6, "## 标题abc", "## 标题 abc", "warning"),
        # A space before a bare URL; the CJK inside the autolink is its path.
        ("spacing", 10, 3, "中文https://example.cn 和 <https://example.cn/中文abc> 不动",
         "中文 https://example.cn 和 <https://example.cn/中文abc> 不动", "warning"),
    ]


def test_yaml_keys_are_kept_byte_for_byte():
    text = "说明abc: 中文abc\n- 条目abc: 中文abc\nCT影像:\n  - 影像abc\n"
    fixed = fix_text(text, [])
    assert fixed == "说明abc: 中文 abc\n- 条目abc: 中文 abc\nCT影像:\n  - 影像 abc\n"
    assert all(f.line in (1, 2, 4) for f in find_style_issues(text, []))


def test_quoted_values_keep_their_quotes_and_are_left_alone_when_a_quote_would_appear():
    text = (
        'a: "他说abc"\n'
        "b: '图片abc'\n"
        'c: "他说\\"好\\"中文abc"\n'  # escaped quotes: the result would hold a bare "
        "d: '他''s 中文abc'\n"
        "tags: [中文abc, 科技, 汽车abc]\n"  # items, not a sentence: the commas stay
    )
    assert fix_text(text, []) == (
        'a: "他说 abc"\n'
        "b: '图片 abc'\n"
        'c: "他说\\"好\\"中文abc"\n'
        "d: '他''s 中文abc'\n"
        "tags: [中文 abc, 科技, 汽车 abc]\n"
    )
    assert [f.line for f in find_style_issues(text, [])] == [1, 2, 5]


def test_block_scalars_and_continued_flow_sequences_are_prose_item_by_item():
    text = ("---\nsummary: |\n  第一行abc\n  第二行: 说明abc\n"
            "tags: [老科技工作者abc,\n  工艺改进abc, 师带徒]\n---\n")
    assert fix_text(text, []) == ("---\nsummary: |\n  第一行 abc\n  第二行：说明 abc\n"
                                  "tags: [老科技工作者 abc,\n  工艺改进 abc, 师带徒]\n---\n")


def test_fenced_code_inline_code_and_link_targets_are_not_spaced():
    text = ("---\nname: 张三\n---\n\n```python\nprint('中文abc')\n```\n\n"
            "~~~\n中文abc\n~~~\n代码 `中文abc` 与[链接](图片abc.png)。\n")
    assert find_style_issues(text, []) == []


def test_skip_lines_are_left_alone():
    text = "---\nslug: 中文abc\nname: 科协abc\n---\n"
    assert [f.line for f in find_style_issues(text, TERMS, skip_lines={2})] == [3, 3]
    assert fix_text(text, TERMS, skip_lines={2, 3}) == text


# ---------------------------------------------------------------------------
# Traditional characters

def test_traditional_characters_are_located_with_simplified_suggestions():
    text = "---\nname: 他們在實驗室裡\n---\n\n乾隆年间，他們在實驗室裡工作。\n`實驗` 不查\n"
    assert located(find_style_issues(text, []), "traditional") == [
        ("traditional", 2, 8, "們", "们", "warning"),
        ("traditional", 2, 10, "實驗", "实验", "warning"),
        ("traditional", 2, 13, "裡", "里", "warning"),
        ("traditional", 5, 7, "們", "们", "warning"),
        ("traditional", 5, 9, "實驗", "实验", "warning"),
        ("traditional", 5, 12, "裡", "里", "warning"),
    ]
    fixed = fix_text(text, [])
    assert "乾隆年间，他们在实验室里工作。" in fixed and "`實驗`" in fixed


def test_qianlong_is_not_traditional():
    assert find_style_issues("乾隆年间，乾隆皇帝下江南。\n", []) == []


# ---------------------------------------------------------------------------
# Fixing

MESSY = """\
---
name: 張三
affiliation: 市科协电脑中心
summary: 2021年,他們用CT影像做了5G远程诊断.
tags: [科协, 电脑abc]
cover:
  file: cover.jpg
---

## 科协的工作abc

他們使用电脑( 个人 )完成了100%的任务!详见[报道](https://example.cn/a?b=1)。
"""


def test_fix_round_trip_and_idempotence():
    fixed = fix_text(MESSY, TERMS)
    assert fixed != MESSY
    assert fixed.count("\n") == MESSY.count("\n") and fixed.endswith("\n")
    assert find_style_issues(fixed, TERMS) == []
    assert fix_text(fixed, TERMS) == fixed
    assert "summary: 2021 年，他们用 CT 影像做了 5G 远程诊断。" in fixed
    assert "tags: [科学技术协会, 计算机 abc]" in fixed
    assert "  file: cover.jpg" in fixed and "[报道](https://example.cn/a?b=1)" in fixed


def test_fixing_repeats_until_nothing_changes():
    # t2s is not idempotent on every character (薴 -> 苧 -> 苎), and a term's
    # right phrase can be another term's wrong one.
    assert fix_text("薴麻纤维\n", []) == "苎麻纤维\n"
    chain = [Term("电脑", "计算机", "warning"), Term("计算机", "计算设备", "warning")]
    assert fix_text("用电脑\n", chain) == "用计算设备\n"


def test_a_right_phrase_that_cannot_stand_in_a_quoted_value_is_reported_not_fixed():
    terms = [Term("科协", '"科协"组织', "warning")]
    text = 'a: "科协"\n'
    assert fix_text(text, terms) == text
    assert [f.kind for f in find_style_issues(text, terms)] == ["term"]


# ---------------------------------------------------------------------------
# Well-formed text

WELL_FORMED = """\
---
name: 王晓明
gender: 男
affiliation: 河北大学附属医院影像中心
title: 主任医师、教授
summary: 2021 年，王晓明带领团队将 CT 影像与 5G 远程会诊结合，为基层医院提供诊断支持，累计服务患者 3 万余人次。
fields: [医疗卫生, 信息技术]
tags: [CT 影像, 5G, 远程医疗]
photos:
  - file: lab.jpg
    caption: 示意插画：影像中心的 AI 辅助诊断工作站
published: 2021-06-28
---

## 从胶片到云端

早上八点，王晓明已经在阅片室里。他把 2019 年引进的 AI 辅助诊断系统称为“第二双眼睛”。中国科学院的专家也曾来交流。

### 主要成果

- 建成覆盖 12 个县的 5G 远程影像网络
- 牵头制定《基层 CT 检查规范》
- 相关报道见[报道](https://example.cn/a?b=1)，数据接口为 `api/v2`。

```python
print("中文abc")  # 代码里的科协不算
```

| 年份 | 项目 | 说明 |
| --- | --- | --- |
| 2020 年 | CT 影像 | 完成 3 项 5G 应用 |
| 2021 年 | AI 诊断 | 服务 200 余家医院 |

<!-- 编辑注：图片由本人提供 -->
"""


def test_well_formed_text_has_no_findings():
    assert find_style_issues(WELL_FORMED, TERMS) == []
    assert fix_text(WELL_FORMED, TERMS) == WELL_FORMED


# ---------------------------------------------------------------------------
# The prefilter: autocorrect only runs on candidate lines, so the candidate
# regexes must never miss a line autocorrect would change.

CORPUS = [
    # lines autocorrect changes
    "我们在2021年使用CT影像",
    "5G网络覆盖全市",
    "效果很好.",
    "你好,世界",
    "他说:好的",
    "真的吗?",
    "太好了!",
    "abc,中文",
    "中文(英文)",
    "(注)中文",
    "室[",
    "中文[ 1",
    "100%中文",
    "C++中文",
    "X#한",
    "中文-100",
    "你好-世界",
    "!中文",
    "中文 ，abc",
    "CT “影像”",
    "中文 “引号” 中文",
    "中文、 abc",
    "他说：我们将在16：32分出发",
    "ＡＢＣ中文１２３",
    "中文\u3000中文",
    "Hello world。",
    "Said：Come and，Join us！",
    "The Exchange’s view",
    "<b>中文</b> Hello world。",
    "<!-- 注释abc -->",
    "中文https://example.cn",
    "1你好[世界]",
    "ㄅ·6号",
    "|,中文",
    "中文 。",
    "x ：中文",
    "pīn中文",
    "温度30°C中文",
    "  缩进中文abc",
    "> 引用abc",
    "| 表格abc | 中文 |",
    "[链接abc](https://a.cn/x)中文",
    "Ａ开头",
    # lines it leaves alone
    "在 2021 年使用 CT 影像，效果很好。",
    "中文 `code` 中文",
    "中文`code`中文",
    "详见[报道](https://example.cn/a?b=1)，配置文件为 `config.yml`。",
    "tags: [远程医疗, 心电诊断]",
    "中文[abc]中文",
    "“中文”abc",
    "C#中文",
    "中文……abc",
    "中文；中文",
    "- “引号”开头",
    "http://a.com/中文abc",
    "",
    "name: 张三",
    "乾隆年间",
]

# Well-formed lines the prefilter should not even consider: this is what
# keeps checking a thousand documents cheap.
QUIET = [
    "在 2021 年使用 CT 影像，效果很好。",
    "summary: 2021 年，王晓明带领团队将 CT 影像与 5G 远程会诊结合。",
    "- 建成覆盖 12 个县的 5G 远程影像网络",
    "| 2020 年 | CT 影像 | 完成 3 项 5G 应用 |",
    "详见[报道](https://example.cn/a?b=1)，配置文件为 `config.yml`。",
    "published: 2021-06-28",
    "他把 2019 年引进的 AI 辅助诊断系统称为“第二双眼睛”。",
]


def changes(line: str) -> bool:
    return autocorrect_py.format_for(line, "markdown") != line


def test_prefilter_never_misses_a_line_autocorrect_changes():
    assert len(CORPUS) >= 40
    changed = [index for index, line in enumerate(CORPUS) if changes(line)]
    assert len(changed) >= 40 and len(CORPUS) - len(changed) >= 10  # the corpus tests both ways
    candidates = _spacing_candidates("\n".join(CORPUS))
    missed = [CORPUS[index] for index in changed
              if index + 1 not in candidates or not _needs_autocorrect(CORPUS[index])]
    assert missed == []


def test_prefilter_never_misses_on_random_mixed_lines():
    alphabet = ("中文科技年月人员" * 4 + "abcXYZ019" * 2 + "     " + ",.:;!?()[]-+|%#`*_<>/\"'"
                + "，。、！？：；（）「」《》【】“”‘’…" + "Ａ１\u3000ㄅ한カé²")
    rng = random.Random(20210530)
    lines = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16))) for _ in range(3000)]
    candidates = _spacing_candidates("\n".join(lines))
    missed = [line for number, line in enumerate(lines, 1)
              if changes(line) and (number not in candidates or not _needs_autocorrect(line))]
    assert missed == []


def test_prefilter_stays_quiet_on_well_formed_lines():
    assert not any(changes(line) for line in QUIET)
    assert _spacing_candidates("\n".join(QUIET)) == set()


# ---------------------------------------------------------------------------
# Any text

FRAGMENTS = ["---", "```", "~~~", "\n", "\n", ": ", "- ", "  ", "name: ", "tags: [", "]", ", ", '"', "'",
             "|", "#", "科协", "科学院", "中国科学院", "电脑", "中文", "abc", "2021", "他們", "乾隆", "。", ".",
             ",", "(", "[报道](https://a.cn/科协abc)", "`科协abc`", "<!-- 注释abc -->", "Ａ", "\u3000", "“"]


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=80),
                 st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join)))
def test_fix_text_never_raises_and_is_idempotent(text):
    fixed = fix_text(text, TERMS)
    assert fixed.count("\n") == text.count("\n")
    assert fix_text(fixed, TERMS) == fixed
    # What may stay is the documented exception: a term inside a quoted YAML
    # value that holds a quote of its own kind is reported but left for an editor.
    lines = fixed.split("\n")
    assert all(f.kind == "term" and ("'" in lines[f.line - 1] or '"' in lines[f.line - 1])
               for f in find_style_issues(fixed, TERMS))


def test_a_term_in_a_quoted_value_with_its_own_quote_is_reported_not_fixed():
    text = "'" * 3 + "科协'"  # YAML: the single-quoted value '科协
    assert fix_text(text, TERMS) == text
    assert [(f.kind, f.old) for f in find_style_issues(text, TERMS)] == [("term", "科协")]


def test_findings_are_plain_values():
    finding = StyleFinding("spacing", 1, 3, "中文abc", "中文 abc", "warning")
    assert finding.message == "中英文之间的空格或标点不合规范，应改为：中文 abc"
    with pytest.raises(AttributeError):
        finding.line = 2
