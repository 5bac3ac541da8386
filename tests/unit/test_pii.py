"""Personal data detection: a corpus of hits and look-alikes, offsets, masking, public numbers."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings, strategies as st

from exemplar import pii
from exemplar.pii import Finding, find_personal_data, mask, normalise_number

# Independent implementations of the two check algorithms, so that the corpus
# does not rely on the code under test to say which numbers are valid.
ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # GB 11643: W_i = 2^(i-1) mod 11, i = 18..2


def id_number(first17: str) -> str:
    """``first17`` completed with its GB 11643-1999 MOD 11-2 check character."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS))
    return first17 + "10X98765432"[total % 11]


def luhn_number(prefix: str) -> str:
    """``prefix`` completed with the digit that makes it pass the Luhn check."""
    for check in "0123456789":
        candidate = prefix + check
        digits = [int(d) for d in reversed(candidate)]
        total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in s)


# Literal numbers, each checked against the helpers in test_literal_numbers_are_what_they_claim.
ID_A = "11010519491231002X"   # the example from GB 11643-1999 itself
ID_B = "440306198503151234"
ID_C = "320582199001010014"
ID_D = "110105194901010021"
ID_BAD_CHECK = "110105194912310021"   # ID_A with a digit where X belongs
ID_BAD_MONTH = "110105194913310021"   # check character right, month 13
ID_1899 = "110105189912310023"        # check character right, year out of range
ID_LUHN = "320582199001010006"        # a valid ID that also passes Luhn and starts with 3
CARD_16 = "6228480012345671"
CARD_16B = "4367420012345673"
CARD_19 = "6222021234567890128"       # UnionPay, 19 digits
CARD_BAD_LUHN = "6222021234567890127"
GEN_ID = id_number("51010720001229305")
GEN_CARD = luhn_number("621483" + "0123456789")

ZW = "\u200b"


def hit(kind: str, masked: str, strong: bool, original: str) -> tuple:
    return (kind, masked, strong, original)


def id_hit(original: str, digits: str | None = None) -> tuple:
    d = digits or original
    return hit("id_card", d[:4] + "*" * 10 + d[-4:], True, original)


def mobile_hit(original: str, digits: str) -> tuple:
    return hit("mobile", digits[:3] + "****" + digits[-4:], True, original)


def card_hit(original: str, strong: bool, digits: str | None = None) -> tuple:
    d = digits or original
    return hit("bank_card", d[:4] + "*" * (len(d) - 8) + d[-4:], strong, original)


CORPUS = [
    # --- resident ID numbers -------------------------------------------------
    ("id plain", f"申报人身份证号码为{ID_A}，请核对。", [id_hit(ID_A)]),
    ("id lowercase x", f"身份证：{ID_A.lower()}", [id_hit(ID_A.lower(), ID_A)]),
    ("id full-width digits", f"证件号 {fullwidth(ID_B)} 。", [id_hit(fullwidth(ID_B), ID_B)]),
    ("id full-width X", "证件号" + fullwidth(ID_A[:17]) + "Ｘ", [id_hit(fullwidth(ID_A[:17]) + "Ｘ", ID_A)]),
    ("id spaced groups", "身份证 110105 19491231 002X 已登记", [id_hit("110105 19491231 002X", ID_A)]),
    ("id ideographic and nbsp spaces", "440306\u300019850315\u00a01234", [id_hit("440306\u300019850315\u00a01234", ID_B)]),
    ("id zero-width inside", f"号码4403{ZW}0619850315\u200d1234。", [id_hit(f"4403{ZW}0619850315\u200d1234", ID_B)]),
    ("id zero-width beside a space", f"110105{ZW} 19491231 \ufeff002X", [id_hit(f"110105{ZW} 19491231 \ufeff002X", ID_A)]),
    ("id in html comment", f"<!-- 身份证 {ID_D} -->", [id_hit(ID_D)]),
    ("id in yaml line", f"name: 张三\nnote: 身份证号{ID_C}\n", [id_hit(ID_C)]),
    ("id in markdown table", f"| 张三 | {ID_C} | 研究员 |", [id_hit(ID_C)]),
    ("id generated", f"（{GEN_ID}）", [id_hit(GEN_ID)]),
    ("valid id that passes luhn is an id only", f"号码{ID_LUHN}", [id_hit(ID_LUHN)]),
    ("id wrong check character", f"身份证{ID_BAD_CHECK}", []),
    ("id impossible birth date", f"身份证{ID_BAD_MONTH}", []),
    ("id born 1899", f"身份证{ID_1899}", []),
    ("17 digits", "编号11010519491231002。", []),
    ("id inside grant number", f"项目编号2021YFB{ID_A}", []),
    ("id inside hex", f"0x{ID_A}ff", []),
    # --- mobiles -------------------------------------------------------------
    ("mobile plain", "联系电话：13812345678", [mobile_hit("13812345678", "13812345678")]),
    ("mobile after chinese", "电话13812345678。", [mobile_hit("13812345678", "13812345678")]),
    ("mobile +86", "Tel: +86 13912345678.", [mobile_hit("+86 13912345678", "13912345678")]),
    ("mobile +86 grouped", "请拨 +86 138 1234 5678 联系", [mobile_hit("+86 138 1234 5678", "13812345678")]),
    ("mobile +86 dashes", "+86-150-1234-5678", [mobile_hit("+86-150-1234-5678", "15012345678")]),
    ("mobile 0086", "0086 18612345678", [mobile_hit("0086 18612345678", "18612345678")]),
    ("mobile dashes", "手机 138-1234-5678", [mobile_hit("138-1234-5678", "13812345678")]),
    ("mobile spaces", "手机 177 1234 5678", [mobile_hit("177 1234 5678", "17712345678")]),
    ("mobile full-width", "电话：１９９１２３４５６７８", [mobile_hit("１９９１２３４５６７８", "19912345678")]),
    ("two mobiles one space apart", "13812345678 13987654321",
     [mobile_hit("13812345678", "13812345678"), mobile_hit("13987654321", "13987654321")]),
    ("mobile and id", f"{ID_C}，手机13512345678",
     [id_hit(ID_C), mobile_hit("13512345678", "13512345678")]),
    ("count of visits", "累计服务13800000000 人次", []),
    ("amount", "总投资15900000000元", []),
    ("count in ten thousands", "覆盖13912345678万户", []),
    ("12 digits", "编号138123456789", []),
    ("mobile inside hex", "a1381234567b8", []),
    ("mobile touching letters", "sha:deadbeef13812345678cafe", []),
    ("public hotline", "服务热线13800138000", []),
    ("plus prefix touching a letter", "x+8613812345678", []),
    ("landline", "电话010-12345678", []),
    ("landline province", "电话：0571-87654321", []),
    ("landline spaced", "电话 010 12345678", []),
    # --- bank cards ----------------------------------------------------------
    ("card with 卡号", f"卡号：{CARD_16}", [card_hit(CARD_16, True)]),
    ("card without keyword", f"请转入 {CARD_16B} 。", [card_hit(CARD_16B, False)]),
    ("unionpay 19 digits spaced", "银行卡 6222 0212 3456 7890 128",
     [card_hit("6222 0212 3456 7890 128", True, CARD_19)]),
    ("card with 账号", f"账号{CARD_19}", [card_hit(CARD_19, True)]),
    ("card keyword too far", f"开户行为中国农业银行某某支行营业部，{CARD_19}", [card_hit(CARD_19, False)]),
    ("card generated with 开户", f"开户：{GEN_CARD}", [card_hit(GEN_CARD, True)]),
    ("card full-width", f"卡号{fullwidth(CARD_16)}", [card_hit(fullwidth(CARD_16), True, CARD_16)]),
    ("card failing luhn", f"卡号{CARD_BAD_LUHN}", []),
    ("card-like amount", f"{CARD_19} 元", []),
    ("years run together", "2019 2020 2021 2022", []),
    # --- dates, grants, ISBNs, registrations -----------------------------------
    ("date iso", "2021-05-30", []),
    ("date dots", "2021.05.30", []),
    ("date compact", "20210530", []),
    ("date chinese", "2021年5月30日", []),
    ("date range", "2021-05-30至2021-06-01", []),
    ("date range compact", "20210530-20210601", []),
    ("date range spaced", "20210530 20210601", []),
    ("grant number", "国家重点研发计划 2021YFB1234500", []),
    ("nsfc grant", "NSFC 81973092", []),
    ("nsfc grant no", "国家自然科学基金 No. 62073012", []),
    ("isbn dashes", "ISBN 978-7-04-012345-6", []),
    ("isbn compact", "ISBN 9787040123456", []),
    ("icp", "京ICP备12345678号-1", []),
    ("psb", "京公网安备11010502030000号", []),
]


def described(text: str, findings: list[Finding]) -> list[tuple]:
    return [(f.kind, f.masked, f.strong, text[f.start:f.end]) for f in findings]


@pytest.mark.parametrize("label, text, expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_corpus(label, text, expected):
    found = find_personal_data(text, public_numbers=["138-0013-8000"])
    assert described(text, found) == expected


def test_corpus_is_large_and_labels_are_unique():
    assert len(CORPUS) >= 40
    assert len({c[0] for c in CORPUS}) == len(CORPUS)


def test_literal_numbers_are_what_they_claim():
    for value in (ID_A, ID_B, ID_C, ID_D, ID_LUHN, GEN_ID):
        assert id_number(value[:17]) == value
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))  # a real birth date
    assert id_number(ID_BAD_MONTH[:17]) == ID_BAD_MONTH and id_number(ID_1899[:17]) == ID_1899
    assert id_number(ID_BAD_CHECK[:17]) != ID_BAD_CHECK
    for value in (CARD_16, CARD_16B, CARD_19, ID_LUHN):
        assert luhn_number(value[:-1]) == value
    assert luhn_number(CARD_BAD_LUHN[:-1]) != CARD_BAD_LUHN


def test_offsets_point_into_the_original_text():
    text = f"甲{ZW}乙 4403{ZW}06１９８５０３１５ 1234，电话 ＋86 138\u00a01234\u30005678，卡号 6222 0212 3456 7890 128"
    found = find_personal_data(text)
    assert [(f.kind, f.start, f.end) for f in found] == [
        ("id_card", 4, 24), ("mobile", 28, 45), ("bank_card", 49, 72)]
    assert text[4:24] == f"4403{ZW}06１９８５０３１５ 1234"
    assert text[28:45] == "＋86 138\u00a01234\u30005678"
    assert text[49:72] == "6222 0212 3456 7890 128"
    assert [f.masked for f in found] == ["4403**********1234", "138****5678", "6222***********0128"]


def test_trailing_zero_width_is_not_part_of_the_finding():
    text = f"{ZW}13812345678{ZW}{ZW}。"
    [finding] = find_personal_data(text)
    assert (finding.start, finding.end) == (1, 12)


def test_mask():
    assert mask("id_card", "11010519491231002X") == "1101**********002X"
    assert mask("mobile", "13812345678") == "138****5678"
    assert mask("bank_card", "6228480012345671") == "6228********5671"
    assert mask("bank_card", CARD_19) == "6222***********0128"
    assert mask("bank_card", "1234") == "****"
    with pytest.raises(ValueError):
        mask("passport", "E12345678")


def test_normalise_number():
    assert normalise_number("+86 138-0013-8000") == "13800138000"
    assert normalise_number("0086 13800138000") == "13800138000"
    assert normalise_number("8613800138000") == "13800138000"
    assert normalise_number("１３８ ００１３ ８０００") == "13800138000"
    assert normalise_number("010-12345678") == "01012345678"
    assert normalise_number("+86 10 1234 5678") == "1012345678"  # a Beijing landline from abroad
    assert normalise_number("0086-10-12345678") == "1012345678"
    assert normalise_number("") == ""


@pytest.mark.parametrize("listed", ["+86 138 0013 8000", "138-0013-8000", "0086-13800138000", "１３８００１３８０００"])
@pytest.mark.parametrize("written", ["13800138000", "+86-138-0013-8000", "138 0013 8000"])
def test_public_numbers_compare_after_normalisation(listed, written):
    text = f"热线 {written}，联系人手机 13912345678"
    found = find_personal_data(text, public_numbers=[listed])
    assert described(text, found) == [mobile_hit("13912345678", "13912345678")]
    assert len(find_personal_data(text)) == 2  # without the list both are reported


def test_public_bank_accounts_are_not_reported():
    text = f"捐款账号：{CARD_16}"
    assert find_personal_data(text, public_numbers=["6228 4800 1234 5671"]) == []
    assert described(text, find_personal_data(text)) == [card_hit(CARD_16, True)]


def test_fast_path_skips_normalisation(monkeypatch):
    def forbidden(*args):
        raise AssertionError("normalised text that has no 11-digit run")

    monkeypatch.setattr(pii, "_normalise", forbidden)
    text = "科技工作者在2021年5月30日获得表彰，编号12345，电话010-1234。" * 20000
    assert find_personal_data(text) == []
    with pytest.raises(AssertionError):
        find_personal_data(text + "13812345678")


_ALPHABET = st.sampled_from(list("0123456789０１２３４５６７８９xXｘＸ+-  \u00a0\u3000\u200b\u200d\ufeff人元卡号开户aZ。\n"))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_ALPHABET, max_size=80).map("".join)),
       st.lists(st.text(max_size=20), max_size=3))
def test_never_raises_and_offsets_are_in_range(text, public):
    found = find_personal_data(text, public)
    for f in found:
        assert 0 <= f.start < f.end <= len(text)
        assert f.kind in pii.KIND_NAMES
    assert [f.start for f in found] == sorted(f.start for f in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([ID_A, ID_B, "13812345678", CARD_19]),
       st.text(alphabet="。，的人 \n", max_size=5), st.text(alphabet="。，的 \n", max_size=5))
def test_a_number_is_found_wherever_it_stands(number, before, after):
    text = before + number + after
    found = find_personal_data(text)
    assert [text[f.start:f.end] for f in found] == [number]


def reference(text: str) -> list[Finding]:
    """The detector run over the whole text normalised at once, without windows."""
    found: list[Finding] = []
    for join in (True, False):
        for f in pii._scan(text, text, 0, join, set()):
            if not any(g.start < f.end and f.start < g.end for g in found):
                found.append(f)
    return sorted(found, key=lambda f: (f.start, f.end))


_PIECES = st.sampled_from([ID_A, ID_A.lower(), "13812345678", CARD_19, "+86", "＋", " ", "  ", ZW, "a", "x",
                           "人", "卡号", "。", "1", "6", "-", "１", "\u3000", "\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=16).map("".join))
def test_scanning_windows_matches_scanning_the_whole_text(text):
    assert find_personal_data(text) == reference(text)
