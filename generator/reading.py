"""How a Chinese name is read aloud: pinyin with tone marks.

pypinyin reads characters by their most common reading, which is wrong for
many surnames (曾 is Zēng as a surname, not céng). Surnames are read from a
table first; editors override any reading with ``name_pinyin``.
"""

from __future__ import annotations

# Surnames whose reading differs from the character's most common one.
SURNAME_READINGS = {
    "万俟": "Mòqí", "尉迟": "Yùchí", "长孙": "Zhǎngsūn", "单于": "Chányú",
    "曾": "Zēng", "单": "Shàn", "解": "Xiè", "朴": "Piáo", "区": "Ōu", "仇": "Qiú", "查": "Zhā",
    "乐": "Yuè", "盖": "Gě", "缪": "Miào", "翟": "Zhái", "召": "Shào", "种": "Chóng", "秘": "Bì",
    "覃": "Qín", "员": "Yùn", "黑": "Hè", "重": "Chóng", "华": "Huà", "纪": "Jǐ", "任": "Rén",
    "宁": "Nìng", "燕": "Yān", "尉": "Yù", "相": "Xiàng", "沈": "Shěn", "石": "Shí", "柏": "Bǎi",
    "朝": "Cháo", "藏": "Zàng", "都": "Dū", "折": "Shé", "阚": "Kàn", "盛": "Shèng", "蕃": "Pí",
}


def name_reading(name: str, override: str | None = None) -> str:
    """'韩立中' -> 'Hán Lìzhōng'; the editor's ``name_pinyin`` wins."""
    if override:
        return override
    from pypinyin import Style, lazy_pinyin  # its dictionary takes 0.4 s to load: only when a name is read

    if not name or not all("\u4e00" <= ch <= "\u9fff" for ch in name):
        return ""  # not a Han name: nothing useful to add
    surname = next((s for s in sorted(SURNAME_READINGS, key=len, reverse=True) if name.startswith(s)), None)
    if surname:
        family, given = SURNAME_READINGS[surname], name[len(surname):]
    else:
        family, given = lazy_pinyin(name[0], style=Style.TONE)[0].capitalize(), name[1:]
    given_reading = "".join(lazy_pinyin(given, style=Style.TONE)).capitalize()
    return f"{family} {given_reading}".strip()


def polyphonic(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Characters of ``text`` that have more than one reading, with the readings."""
    from pypinyin import Style, pinyin

    found = []
    for ch, readings in zip(text, pinyin(text, style=Style.TONE, heteronym=True)):
        if len(readings) > 1 and (ch, tuple(readings)) not in found:
            found.append((ch, tuple(readings)))
    return found
