"""Finding a CJK font for the media kit's images.

Input: an optional configured path (``campaign``/``mkdocs.yml`` setting, or a
command-line option), the environment, fontconfig, and well-known Debian
paths. Output: a font file that really draws Chinese, and for a collection
(``.ttc``) the index of its Simplified Chinese face.

Guarantees:
- a configured path is taken as given or refused (``FontNotFound``): a typo in
  a setting must not silently fall back to another font;
- a font found by looking around (fontconfig, known paths) is accepted only if
  '中' draws as a real glyph, not as the .notdef box ("tofu");
- every failure is one ``FontNotFound`` whose message tells the editor, in
  Chinese, what to install or set.

No MkDocs, no site model: this module only knows about fonts.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import PIL
from PIL import ImageFont

__all__ = ["CJKFonts", "FontFace", "FontNotFound", "find_cjk_font", "has_cjk_glyphs", "load_fonts",
           "simplified_chinese_index"]

ENV_REGULAR = "EXEMPLAR_FONT"
ENV_BOLD = "EXEMPLAR_FONT_BOLD"
ENV_SERIF = "EXEMPLAR_FONT_SERIF"
ENV_SERIF_BOLD = "EXEMPLAR_FONT_SERIF_BOLD"

_NOTO = Path("/usr/share/fonts/opentype/noto")
_NOTO_TT = Path("/usr/share/fonts/truetype/noto")  # where some older packages put them
# Debian's fonts-noto-cjk. The sans faces are the default; the serif ones are
# used for quotations, as a newspaper would set them.
KNOWN_PATHS: dict[tuple[bool, bool], tuple[Path, ...]] = {
    # (serif, bold) -> candidates, best first
    (False, False): (_NOTO / "NotoSansCJK-Regular.ttc", _NOTO_TT / "NotoSansCJK-Regular.ttc"),
    (False, True): (_NOTO / "NotoSansCJK-Bold.ttc", _NOTO_TT / "NotoSansCJK-Bold.ttc"),
    (True, False): (_NOTO / "NotoSerifCJK-Regular.ttc", _NOTO_TT / "NotoSerifCJK-Regular.ttc"),
    (True, True): (_NOTO / "NotoSerifCJK-Bold.ttc", _NOTO_TT / "NotoSerifCJK-Bold.ttc"),
}
_FONTCONFIG_PATTERN = {
    (False, False): "Noto Sans CJK SC",
    (False, True): "Noto Sans CJK SC:bold",
    (True, False): "Noto Serif CJK SC",
    (True, True): "Noto Serif CJK SC:bold",
}
_ENV = {(False, False): ENV_REGULAR, (False, True): ENV_BOLD, (True, False): ENV_SERIF, (True, True): ENV_SERIF_BOLD}

_INSTALL_HINT = ("请安装中文字体（Debian/Ubuntu：sudo apt-get install fonts-noto-cjk），"
                 f"或在配置中写明字体文件路径，或设置环境变量 {ENV_REGULAR}（粗体用 {ENV_BOLD}）。")


class FontNotFound(Exception):
    """No usable CJK font; the message is for the editor (Chinese)."""


def find_cjk_font(configured: str | Path | None = None, bold: bool = False, *, serif: bool = False) -> Path:
    """The font file to use for Chinese text.

    Order: ``configured`` (must exist), the environment variable
    (``EXEMPLAR_FONT``, ``EXEMPLAR_FONT_BOLD``; ``EXEMPLAR_FONT_SERIF[_BOLD]``
    with ``serif``), fontconfig, the known Debian paths. A configured or
    environment path is the editor's explicit choice and is refused, not
    skipped, when it is missing or cannot draw Chinese.
    """
    weight = "粗体" if bold else "常规"
    if configured is not None and str(configured) != "":
        return _explicit(Path(configured).expanduser(), f"配置的{weight}字体")
    env_name = _ENV[(serif, bold)]
    env_value = os.environ.get(env_name, "").strip()
    if env_value:
        return _explicit(Path(env_value).expanduser(), f"环境变量 {env_name} 指定的字体")
    for candidate in (_fontconfig_match(_FONTCONFIG_PATTERN[(serif, bold)]), *KNOWN_PATHS[(serif, bold)]):
        if candidate is not None and candidate.is_file() and has_cjk_glyphs(candidate):
            return candidate
    family = "衬线（宋体类）" if serif else "无衬线（黑体类）"
    raise FontNotFound(f"找不到可以显示中文的{family}{weight}字体，无法生成分享卡片和海报。{_INSTALL_HINT}")


def _explicit(path: Path, what: str) -> Path:
    if not path.is_file():
        raise FontNotFound(f"{what}不存在：{path}。请检查路径是否写对。{_INSTALL_HINT}")
    try:
        ok = has_cjk_glyphs(path)
    except OSError:
        raise FontNotFound(f"{what}无法读取，不是有效的字体文件：{path}。{_INSTALL_HINT}") from None
    if not ok:
        raise FontNotFound(f"{what}不含中文字形，中文会显示成方框：{path}。{_INSTALL_HINT}")
    return path


def _fontconfig_match(pattern: str) -> Path | None:
    """fontconfig's choice for ``pattern``, or None without fontconfig.

    fontconfig always answers with *some* font (DejaVu when nothing matches),
    so the caller checks the answer for CJK glyphs.
    """
    if pattern not in _fontconfig_answers:
        _ask_fontconfig([pattern])
    return _fontconfig_answers[pattern]


_fontconfig_answers: dict[str, Path | None] = {}


def _ask_fontconfig(patterns: list[str]) -> None:
    """Run one fc-match per pattern, all at once (each takes ~0.1 s, mostly waiting)."""
    fc_match = shutil.which("fc-match")
    running = []
    for pattern in patterns:
        try:
            process = None if fc_match is None else subprocess.Popen(
                [fc_match, "-f", "%{file}", pattern], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        except OSError:
            process = None
        running.append((pattern, process))
    for pattern, process in running:
        answer = None
        if process is not None:
            try:
                out, _ = process.communicate(timeout=10)
                if process.returncode == 0 and out.strip():
                    answer = Path(out.strip())
            except subprocess.SubprocessError:
                process.kill()
                process.wait()
        _fontconfig_answers[pattern] = answer


@functools.lru_cache(maxsize=32)
def _faces(path: Path) -> tuple[tuple[str, str], ...]:
    """(family, style) of every face in a font file or collection."""
    names = []
    for index in range(64):
        try:
            font = ImageFont.truetype(str(path), 16, index=index)
        except OSError:
            if index == 0:
                raise
            break
        names.append(font.getname())
        if path.suffix.lower() not in (".ttc", ".otc"):
            break
    return tuple((family or "", style or "") for family, style in names)


def simplified_chinese_index(path: Path) -> int:
    """Index of the Simplified Chinese face in a collection, 0 for a single font.

    Noto CJK collections hold JP, KR, SC, TC, HK (and Mono) faces that share
    most glyphs but differ in punctuation position and some character forms;
    "SC" puts ，。 at the bottom left as mainland typesetting expects. The
    index is read from the face names, never assumed (it is 2 in Debian's
    files today).
    """
    faces = _faces(path)
    ranked = sorted(range(len(faces)), key=lambda i: _sc_rank(faces[i][0]))
    return ranked[0] if faces else 0


def _sc_rank(family: str) -> tuple[int, int]:
    words = family.replace("-", " ").split()
    if "Mono" in words:  # a monospaced face sets Latin too wide for headlines
        return (3, len(family))
    if "SC" in words or "CN" in words or "Simplified" in family or "GB" in words:
        return (0, len(family))
    if "CJK" in words or not ({"JP", "KR", "TC", "HK"} & set(words)):
        return (1, len(family))
    return (2, len(family))


@functools.lru_cache(maxsize=32)
def has_cjk_glyphs(path: Path, index: int | None = None) -> bool:
    """True when '中' draws as a real glyph in this font (not empty, not .notdef)."""
    if index is None:
        index = simplified_chinese_index(path)
    font = ImageFont.truetype(str(path), 48, index=index, layout_engine=ImageFont.Layout.BASIC)
    zhong = font.getmask("中")
    if zhong.getbbox() is None:
        return False
    # A code point no font maps (a noncharacter) draws the .notdef glyph.
    notdef = font.getmask("\uffff")
    return not (zhong.size == notdef.size and bytes(zhong) == bytes(notdef))


@dataclass(frozen=True)
class FontFace:
    path: Path
    index: int = 0


@dataclass(frozen=True)
class CJKFonts:
    """The faces the media graphics draw with; ``font(role, size)`` gives a cached Pillow font.

    Roles: "regular", "bold", "serif", "serif_bold". The serif faces fall back
    to the sans ones when no serif CJK font is installed.
    """

    regular: FontFace
    bold: FontFace
    serif: FontFace | None = None
    serif_bold: FontFace | None = None
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def face(self, role: str) -> FontFace:
        if role == "regular":
            return self.regular
        if role == "bold":
            return self.bold
        if role == "serif":
            return self.serif or self.regular
        if role == "serif_bold":
            return self.serif_bold or self.serif or self.bold
        raise ValueError(f"unknown font role {role!r}")

    def font(self, role: str, size: int) -> ImageFont.FreeTypeFont:
        key = (role, size)
        font = self._cache.get(key)
        if font is None:
            face = self.face(role)
            # BASIC layout: the same glyph positions whether or not libraqm is
            # installed, so the same item gives the same bytes on every
            # machine with the same font files. CJK needs no shaping.
            font = ImageFont.truetype(str(face.path), size, index=face.index,
                                      layout_engine=ImageFont.Layout.BASIC)
            self._cache[key] = font
        return font

    def fingerprint(self) -> str:
        """Part of a cache key: changes when a font file or Pillow changes."""
        digest = hashlib.sha256(f"pillow {PIL.__version__}".encode())
        for role in ("regular", "bold", "serif", "serif_bold"):
            face = self.face(role)
            stat = face.path.stat()
            digest.update(f"|{role}:{face.path}:{face.index}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        return digest.hexdigest()[:16]


def load_fonts(regular: str | Path | None = None, bold: str | Path | None = None,
               serif: str | Path | None = None, serif_bold: str | Path | None = None) -> CJKFonts:
    """Find all four faces (see ``find_cjk_font``); serif is optional, sans is not.

    A configured regular font without a configured bold one is used for both
    rather than mixing it with another family.
    """
    wanted = [(False, False, regular), (False, True, bold), (True, False, serif), (True, True, serif_bold)]
    _ask_fontconfig([_FONTCONFIG_PATTERN[(is_serif, is_bold)] for is_serif, is_bold, configured in wanted
                     if configured is None and not os.environ.get(_ENV[(is_serif, is_bold)], "").strip()
                     and _FONTCONFIG_PATTERN[(is_serif, is_bold)] not in _fontconfig_answers])
    regular_path = find_cjk_font(regular, bold=False)
    if bold is None and regular is not None:
        bold_path = regular_path
    else:
        bold_path = find_cjk_font(bold, bold=True)
    serif_path = _optional(serif, bold=False)
    serif_bold_path = _optional(serif_bold, bold=True) if serif_path is not None else None
    return CJKFonts(
        regular=_face(regular_path),
        bold=_face(bold_path),
        serif=_face(serif_path) if serif_path else None,
        serif_bold=_face(serif_bold_path) if serif_bold_path else None,
    )


def _optional(configured: str | Path | None, bold: bool) -> Path | None:
    if configured is not None:
        return find_cjk_font(configured, bold=bold, serif=True)
    try:
        return find_cjk_font(None, bold=bold, serif=True)
    except FontNotFound:
        return None


def _face(path: Path) -> FontFace:
    return FontFace(path, simplified_chinese_index(path))
