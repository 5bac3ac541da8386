"""The broadcast script: numbers as they are read, reading hints for names, reading time."""

from __future__ import annotations

import pytest

from exemplar.media.broadcast import reading_hints, reading_time, render_broadcast, short_lines, spoken_numbers
from exemplar.reading import name_reading
from media_fixtures import make_activity, make_item

SPOKEN = [
    # years: digit by digit, 〇 for zero
    ("2021年", "二〇二一年"),
    ("1921年出生", "一九二一年出生"),
    ("2021年度", "二〇二一年度"),
    ("5000年历史", "五千年历史"),  # not a year: a length of time
    ("20世纪50年代", "二十世纪五十年代"),
    # dates
    ("2021年5月30日", "二〇二一年五月三十日"),
    ("10月1日", "十月一日"),
    ("2021-05-30", "二〇二一年五月三十日"),
    ("2021.9.18", "二〇二一年九月十八日"),
    # quantities
    ("120余名", "一百二十余名"),
    ("40余项", "四十余项"),
    ("10人", "十人"),
    ("110", "一百一十"),
    ("1005", "一千零五"),
    ("100010", "十万零一十"),
    ("1,200名", "一千二百名"),
    ("4000万千瓦时", "四千万千瓦时"),
    ("120000000", "一亿二千万"),
    ("0", "零"),
    # 两 before 千/万 and measure words, 二 elsewhere
    ("2000人", "两千人"),
    ("2万", "两万"),
    ("2名", "两名"),
    ("2月", "二月"),
    ("第2届", "第二届"),
    ("200", "二百"),
    # decimals
    ("3.5万", "三点五万"),
    ("1.2亿", "一点二亿"),
    ("0.5", "零点五"),
    ("12.05", "十二点零五"),
    # percents
    ("35%", "百分之三十五"),
    ("3.5％", "百分之三点五"),
    ("100%", "百分之百"),
    ("5%-8%", "百分之五至百分之八"),
    ("5‰", "千分之五"),
    # ranges
    ("5至8名", "五至八名"),
    ("5-8名", "五至八名"),
    ("3～5年", "三至五年"),
    ("2019—2021年", "二〇一九至二〇二一年"),
    # ordinals, names with numbers
    ("第3届", "第三届"),
    ("第10次", "第十次"),
    ("清旱3号", "清旱三号"),
    # phone numbers: digit by digit, 幺 for 1, a space between groups
    ("0312-5012021", "〇三幺二 五〇幺二〇二幺"),
    ("13812345678", "幺三八 幺二三四 五六七八"),
    ("400-123-4567", "四〇〇 幺二三 四五六七"),
    ("拨打12345", "拨打幺二三四五"),
    ("12345热线", "幺二三四五热线"),
    # times, fractions
    ("14:30", "十四点三十分"),
    ("9:05", "九点零五分"),
    ("8:00", "八点"),
    ("1/3", "三分之一"),
    # full-width digits; addresses left alone
    ("２０２１年", "二〇二一年"),
    ("xcb@kx.example.cn", "xcb@kx.example.cn"),
    ("https://kx.example.cn/2021/", "https://kx.example.cn/2021/"),
    ("见https://kx.example.cn/2021/，2021年", "见https://kx.example.cn/2021/，二〇二一年"),
    ("邮箱xcb2021@kx.example.cn，3人", "邮箱xcb2021@kx.example.cn，三人"),
    ("没有数字", "没有数字"),
]


@pytest.mark.parametrize(("written", "spoken"), SPOKEN)
def test_spoken_numbers(written, spoken):
    assert spoken_numbers(written) == spoken


def test_spoken_numbers_in_a_sentence():
    assert spoken_numbers("2021年5月30日，120余名科技工作者参加，参与率达35%，咨询电话0312-5012021。") == (
        "二〇二一年五月三十日，一百二十余名科技工作者参加，参与率达百分之三十五，咨询电话〇三幺二 五〇幺二〇二幺。")


# --------------------------------------------------------------- reading hints

@pytest.mark.parametrize(("name", "override", "expected"), [
    ("曾海涛", "Zēng Hǎitāo", ["曾海涛　Zēng Hǎitāo", "　曾 读 zēng（不读 céng）"]),
    ("单雪梅", None, ["单雪梅　Shàn Xuěméi", "　单 读 shàn（不读 dān）"]),
    ("解晓东", None, ["解晓东　Xiè Xiǎodōng", "　解 读 xiè（不读 jiě）"]),
    ("曾海涛", "Zeng Haitao", ["曾海涛　Zeng Haitao", "　曾 读 zeng（不读 céng）"]),  # an override without tones
    ("曾海涛", "Tsang Hoi-tao", ["曾海涛　Tsang Hoi-tao"]),  # does not divide into the characters: shown whole
    ("韩立中", None, ["韩立中　Hán Lìzhōng", "　立 读 lì", "　中 读 zhōng"]),  # the usual reading: no warning
    ("苏晓兰", None, ["苏晓兰　Sū Xiǎolán"]),  # nothing polyphonic
])
def test_the_name_is_read_as_the_reading_says(name, override, expected):
    item = make_item(title=name, name_reading=name_reading(name, override), facts=())
    assert reading_hints(item) == expected


def test_other_names_list_their_polyphonic_characters_with_the_reading_meant():
    hints = reading_hints(make_item())
    assert hints[:2] == ["曾海涛　Zēng Hǎitāo", "　曾 读 zēng（不读 céng）"]
    assert hints[2:] == ["京南智能装备创新研究院", "　南 nán　智 zhì　能 néng", "高碑店市", "　高 gāo　市 shì"]


def test_an_activity_has_no_person_but_its_place_and_organizers():
    hints = reading_hints(make_activity(facts=(("地点", "莲池区"), ("主办", "保定市科学技术协会、单县科协"))))
    assert hints[0] == "莲池区"
    assert "保定市科学技术协会" in hints and "单县科协" in hints


# --------------------------------------------------------------- reading time and the script

@pytest.mark.parametrize(("characters", "expected"), [
    (100, "约 25 秒（100 字，按每分钟 250 字计）"),  # 24 s, to the nearest 5
    (250, "约 1 分钟（250 字，按每分钟 250 字计）"),
    (300, "约 1 分 10 秒（300 字，按每分钟 250 字计）"),  # 72 s
    (1, "约 5 秒（1 字，按每分钟 250 字计）"),
])
def test_reading_time(characters, expected):
    assert reading_time("字" * characters + "，。“”") == expected  # punctuation is not read


def test_broadcast_script_reads_title_and_summary_aloud():
    item = make_item(summary="2021年，曾海涛带领团队研制成套生产线，获得授权专利40余项，价格只有进口产品的一半，"
                             "已在多个省份的构件工厂投入使用。")
    script = render_broadcast(item)
    lines = script.splitlines()
    assert lines[lines.index("【标题】") + 1] == item.headline
    body = lines[lines.index("【正文】") + 1:lines.index("【读音提示】") - 1]
    assert "".join(body) == ("二〇二一年，曾海涛带领团队研制成套生产线，获得授权专利四十余项，价格只有进口产品的一半，"
                             "已在多个省份的构件工厂投入使用。")
    assert all(len(line) <= 24 for line in body)
    assert "　曾 读 zēng（不读 céng）" in lines
    time = lines[lines.index("【时长】") + 1]
    assert time.startswith("约 ") and "按每分钟 250 字计" in time
    assert item.url in script and script.endswith("\n") and not any(ch.isdigit() for ch in "".join(body))


def test_activity_script_uses_the_title():
    activity = make_activity()
    lines = render_broadcast(activity).splitlines()
    assert lines[lines.index("【标题】") + 1] == activity.title
    assert "五月三十日，" in lines


def test_short_lines_break_sentences_then_long_clauses():
    assert short_lines("第一句。第二句很长很长很长很长，还有后半句很长很长很长很长。“引语。”") == [
        "第一句。", "第二句很长很长很长很长，", "还有后半句很长很长很长很长。", "“引语。”"]
