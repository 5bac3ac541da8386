#!/usr/bin/env python3
"""Generate the illustrations used by the sample campaign content.

Every image the sample site shows is drawn here, so the repository never has
to carry photographs of real people. The script reads which images the
content references (``file:`` entries in front matter and ``![..](x)`` in the
body of ``stories/*/index.md`` and ``content/activities/*/index.md``) and draws
each one into its bundle folder:

* portraits: 600×800 flat-style bust silhouettes on a soft gradient, no text;
* photos and covers: 1200×800 flat geometric scenes (fields, labs, gears,
  charts, a stage with an audience …), no text.

Output is deterministic: every drawing is seeded from its path, so running the
script twice with the same Pillow version writes the same bytes. JPEGs are
written without EXIF or other metadata.

Usage::

    python3 scripts/sample_images.py            # site root = repository root
    python3 scripts/sample_images.py PATH       # another site root
    python3 scripts/sample_images.py --check    # only report missing images

Needs Pillow (``python3 -m pip install pillow``); nothing else.
"""

from __future__ import annotations

import math
import random
import re
import sys
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

SUPERSAMPLE = 2  # draw at 2× and downscale: smooth edges without antialiasing support in ImageDraw
PORTRAIT_SIZE = (600, 800)
SCENE_SIZE = (1200, 800)
JPEG_QUALITY = 80
BUNDLE_GLOBS = ("stories/*/index.md", "content/activities/*/index.md")

# ---------------------------------------------------------------- what to draw

# Portraits match the alt text written in each story's front matter.
PORTRAITS: dict[str, dict] = {
    "stories/han-lizhong/portrait.jpg": dict(
        bg=("#fbf1d6", "#ecd39b"), skin="#e6c3a1", hair="short", hair_color="#cfcac2",
        outfit="zhongshan", cloth="#5b6770", age="old"),
    "stories/su-xiaolan/portrait.jpg": dict(
        bg=("#e7f1fb", "#b9d3ee"), skin="#f0cfb4", hair="bob", hair_color="#2f2a2b",
        outfit="blouse", cloth="#3f6f9e"),
    "stories/gao-zhenyue/portrait.jpg": dict(
        bg=("#e3f4f0", "#a9d8cc"), skin="#e3bf9e", hair="short", hair_color="#3a3633",
        outfit="suit", cloth="#2f4f5f", glasses=True),
    "stories/liu-chunmei/portrait.jpg": dict(
        bg=("#eef7e6", "#c2e0a8"), skin="#e4bb97", hair="ponytail", hair_color="#33291f",
        outfit="vest", cloth="#6d8f4e"),
    "stories/ma-jianping/portrait.jpg": dict(
        bg=("#eaf0f5", "#bccbd9"), skin="#e0b995", hair="short", hair_color="#2b2827",
        outfit="whitecoat", cloth="#f7f9fb"),
    "stories/zhou-wenbin/portrait.jpg": dict(
        bg=("#f8f2e8", "#e2d2b6"), skin="#e2bd9c", hair="short", hair_color="#e4e1dc",
        outfit="cardigan", cloth="#7c6a55", age="old", glasses=True),
    "stories/du-yuqing/portrait.jpg": dict(
        bg=("#e4f6f6", "#a8dcdc"), skin="#e8c2a0", hair="long", hair_color="#2a2523",
        outfit="outdoor", cloth="#4f8a7b", hat=True),
    "stories/zeng-haitao/portrait.jpg": dict(
        bg=("#efedf5", "#cbc6dc"), skin="#e1ba97", hair="short", hair_color="#262324",
        outfit="workjacket", cloth="#45536e"),
    "stories/xu-ning/portrait.jpg": dict(
        bg=("#fdf0e4", "#f4c9a0"), skin="#f0cdb0", hair="shoulder", hair_color="#3b2c25",
        outfit="blouse", cloth="#d27d4f"),
    "stories/he-xiuzhi/portrait.jpg": dict(
        bg=("#fbecef", "#eec3cc"), skin="#ecc6a8", hair="bun", hair_color="#2e2624",
        outfit="whitecoat", cloth="#fbfbfc"),
    "stories/wang-caogao/portrait.jpg": dict(
        bg=("#fbf6de", "#efe0a0"), skin="#e6bf9c", hair="short", hair_color="#2a2624",
        outfit="vest", cloth="#8a7a3c"),
}

# Scene kind of every photo and cover; names not listed fall back to their stem.
SCENES: dict[str, str] = {
    "stories/han-lizhong/field.jpg": "field",
    "stories/su-xiaolan/chart.jpg": "chart",
    "stories/gao-zhenyue/solar.jpg": "solar",
    "stories/gao-zhenyue/lab.jpg": "lab",
    "stories/liu-chunmei/herbs.jpg": "herbs",
    "stories/ma-jianping/clinic.jpg": "clinic",
    "stories/zhou-wenbin/gears.jpg": "gears",
    "stories/du-yuqing/mountain.jpg": "mountain",
    "stories/zeng-haitao/line.jpg": "line",
    "stories/xu-ning/classroom.jpg": "classroom",
    "stories/he-xiuzhi/lecture.jpg": "stage",
    "content/activities/2021-03-18-banshishi-zuotanhui/cover.jpg": "meeting",
    "content/activities/2021-04-22-anguo-yaocai-peixun/cover.jpg": "herbs",
    "content/activities/2021-05-27-kejigongzuozhe-ri-zoufang/cover.jpg": "visit",
    "content/activities/2021-05-30-youxiu-kejigongzuozhe-fabu/cover.jpg": "stage",
    "content/activities/2021-05-30-youxiu-kejigongzuozhe-fabu/audience.jpg": "audience",
    "content/activities/2021-06-29-dangqi-piaopiao-fuping/cover.jpg": "village",
    "content/activities/2021-07-12-lingjun-rencai-yanxiu/cover.jpg": "lecturehall",
    "content/activities/2021-09-18-kepuri-zhuchang/cover.jpg": "fair",
    "content/activities/2021-09-18-kepuri-zhuchang/experiment.jpg": "experiment",
    "content/activities/2021-09-28-yingguoqing-zuotanhui/cover.jpg": "roundtable",
    "content/activities/2021-11-16-rencai-gongyu-jiaofu/cover.jpg": "apartments",
}

# ------------------------------------------------------------------ discovery

_FILE_LINE = re.compile(r"^\s*(?:-\s+)?file:\s*['\"]?([^'\"#\s]+)")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")


def referenced_images(root: Path) -> list[str]:
    """Site-root-relative POSIX paths of every image the content points at."""
    found: set[str] = set()
    for pattern in BUNDLE_GLOBS:
        for index in sorted(root.glob(pattern)):
            bundle = index.parent.relative_to(root).as_posix()
            text = index.read_text(encoding="utf-8")
            names = [m.group(1) for line in text.splitlines() if (m := _FILE_LINE.match(line))]
            names += _MD_IMAGE.findall(text)
            for name in names:
                if "/" in name or name.startswith("."):
                    continue  # not a bundle-local file name; the site checker reports it
                found.add(f"{bundle}/{name}")
    return sorted(found)


# ------------------------------------------------------------------- drawing


def _seed(path: str) -> random.Random:
    return random.Random(zlib.crc32(path.encode("utf-8")))


def _rgb(color: str | tuple[int, int, int]) -> tuple[int, int, int]:
    if isinstance(color, tuple):
        return color
    color = color.lstrip("#")
    return tuple(int(color[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def _mix(a: str, b: str, t: float) -> tuple[int, int, int]:
    ca, cb = _rgb(a), _rgb(b)
    return tuple(round(x + (y - x) * t) for x, y in zip(ca, cb))  # type: ignore[return-value]


class Canvas:
    """A supersampled canvas addressed in fractions: x of the width, y and radii of the height."""

    def __init__(self, size: tuple[int, int], top: str, bottom: str) -> None:
        self.out_size = size
        self.w, self.h = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
        mask = Image.linear_gradient("L").resize((self.w, self.h))
        self.img = Image.composite(Image.new("RGB", (self.w, self.h), _rgb(bottom)),
                                   Image.new("RGB", (self.w, self.h), _rgb(top)), mask)
        self.d = ImageDraw.Draw(self.img)

    def px(self, x: float, y: float) -> tuple[float, float]:
        return x * self.w, y * self.h

    def rect(self, x0, y0, x1, y1, fill, radius=0.0, outline=None, width=0.0):
        box = [x0 * self.w, y0 * self.h, x1 * self.w, y1 * self.h]
        kw = dict(fill=fill, outline=outline, width=max(1, round(width * self.h)) if outline else 0)
        if radius:
            self.d.rounded_rectangle(box, radius=radius * self.h, **kw)
        else:
            self.d.rectangle(box, **kw)

    def circle(self, cx, cy, r, fill=None, outline=None, width=0.0, ry=None):
        ry = r if ry is None else ry
        x, y = self.px(cx, cy)
        box = [x - r * self.h, y - ry * self.h, x + r * self.h, y + ry * self.h]
        self.d.ellipse(box, fill=fill, outline=outline,
                       width=max(1, round(width * self.h)) if outline else 1)

    def half_top(self, cx, cy, rx, ry, fill):
        """The upper half of an ellipse centred at (cx, cy)."""
        x, y = self.px(cx, cy)
        self.d.pieslice([x - rx * self.h, y - ry * self.h, x + rx * self.h, y + ry * self.h], 180, 360, fill=fill)

    def poly(self, points, fill, outline=None):
        self.d.polygon([self.px(x, y) for x, y in points], fill=fill, outline=outline)

    def line(self, points, fill, width):
        self.d.line([self.px(x, y) for x, y in points], fill=fill, width=max(1, round(width * self.h)),
                    joint="curve")

    def pie(self, cx, cy, r, start, end, fill):
        x, y = self.px(cx, cy)
        self.d.pieslice([x - r * self.h, y - r * self.h, x + r * self.h, y + r * self.h], start, end, fill=fill)

    def arc(self, cx, cy, r, start, end, fill, width):
        x, y = self.px(cx, cy)
        self.d.arc([x - r * self.h, y - r * self.h, x + r * self.h, y + r * self.h], start, end, fill=fill,
                   width=max(1, round(width * self.h)))

    def result(self) -> Image.Image:
        return self.img.resize(self.out_size, Image.LANCZOS)


# ---- portraits ---------------------------------------------------------------


def draw_portrait(spec: dict, rng: random.Random) -> Image.Image:
    """A flat bust: hair behind, shoulders, neck, head, hair cap, hairline, clothes, accessories."""
    c = Canvas(PORTRAIT_SIZE, *spec["bg"])
    # a soft halo and two quiet shapes behind the figure
    c.circle(0.5, 0.42, 0.31, fill=_mix(spec["bg"][0], "#ffffff", 0.25))
    c.circle(0.5, 0.42, 0.25, fill=_mix(spec["bg"][0], "#ffffff", 0.45))
    c.circle(rng.uniform(0.08, 0.2), rng.uniform(0.08, 0.2), 0.05, fill=_mix(spec["bg"][1], "#ffffff", 0.3))
    c.circle(rng.uniform(0.82, 0.92), rng.uniform(0.58, 0.66), 0.03, fill=_mix(spec["bg"][1], "#ffffff", 0.2))

    skin, hair, cloth = spec["skin"], spec["hair_color"], spec["cloth"]
    cloth_dark = _mix(cloth, "#000000", 0.22)
    shade = _mix(skin, "#000000", 0.10)
    style = spec["hair"]
    old = spec.get("age") == "old"

    # hair that falls behind the head and shoulders
    if style in ("long", "shoulder"):
        c.rect(0.30, 0.36, 0.70, 0.68 if style == "long" else 0.58, fill=hair, radius=0.06)
    elif style == "ponytail":
        c.circle(0.675, 0.46, 0.045, ry=0.10, fill=hair)
    elif style == "bun":
        c.circle(0.5, 0.225, 0.058, fill=hair)

    c.circle(0.5, 1.05, 0.55, ry=0.38, fill=cloth)  # shoulders
    c.rect(0.435, 0.50, 0.565, 0.70, fill=shade, radius=0.03)  # neck
    c.circle(0.335, 0.415, 0.022, ry=0.036, fill=shade)  # ears
    c.circle(0.665, 0.415, 0.022, ry=0.036, fill=shade)
    c.circle(0.5, 0.40, 0.13, ry=0.155, fill=skin)  # head

    if not spec.get("hat"):
        _draw_hair(c, style, hair, skin, old)
    _draw_outfit(c, spec["outfit"], cloth, cloth_dark, skin)
    if spec.get("glasses"):
        frame = "#4a4440" if old else _mix(hair, "#000000", 0.3)
        for x in (0.448, 0.552):
            c.circle(x, 0.415, 0.034, ry=0.027, outline=frame, width=0.005)
        c.line([(0.473, 0.412), (0.527, 0.412)], fill=frame, width=0.004)
    if spec.get("hat"):  # a sun hat over the hair
        c.half_top(0.5, 0.39, 0.142, 0.15, fill=hair)
        c.circle(0.5, 0.44, 0.122, ry=0.15, fill=skin)
        brim = _mix(spec["bg"][1], "#6b5a3a", 0.55)
        c.circle(0.5, 0.215, 0.12, ry=0.085, fill=_mix(brim, "#ffffff", 0.15))
        c.rect(0.355, 0.245, 0.645, 0.27, fill=_mix(brim, "#000000", 0.25))
        c.circle(0.5, 0.285, 0.23, ry=0.032, fill=brim)
    return c.result()


def _draw_hair(c: Canvas, style: str, hair: str, skin: str, old: bool) -> None:
    """The hair cap over the head, then the face again below the hairline."""
    if style == "bob":
        c.half_top(0.5, 0.40, 0.15, 0.17, fill=hair)
        c.rect(0.30, 0.39, 0.37, 0.53, fill=hair, radius=0.02)
        c.rect(0.63, 0.39, 0.70, 0.53, fill=hair, radius=0.02)
        c.circle(0.5, 0.45, 0.118, ry=0.15, fill=skin)
        c.poly([(0.38, 0.33), (0.50, 0.255), (0.64, 0.30), (0.62, 0.35), (0.52, 0.31), (0.42, 0.36)], fill=hair)
        return
    cap_ry = 0.155 if old else 0.16
    c.half_top(0.5, 0.39, 0.142, cap_ry, fill=hair)
    if old:  # a higher hairline
        c.circle(0.5, 0.425, 0.12, ry=0.16, fill=skin)
    else:
        c.circle(0.5, 0.445, 0.12, ry=0.15, fill=skin)
    if style in ("long", "shoulder", "ponytail", "bun"):  # a side parting
        c.poly([(0.40, 0.32), (0.47, 0.28), (0.62, 0.30), (0.64, 0.36), (0.55, 0.31), (0.45, 0.325)], fill=hair)


def _draw_outfit(c: Canvas, outfit: str, cloth: str, dark, skin: str) -> None:
    if outfit == "zhongshan":  # stand collar, centre buttons, four pockets hinted
        c.rect(0.43, 0.66, 0.57, 0.71, fill=dark, radius=0.01)
        c.line([(0.5, 0.71), (0.5, 1.0)], fill=dark, width=0.004)
        for y in (0.76, 0.83, 0.90, 0.97):
            c.circle(0.5, y, 0.008, fill=_mix(cloth, "#ffffff", 0.5))
        c.rect(0.30, 0.82, 0.40, 0.84, fill=dark)
        c.rect(0.60, 0.82, 0.70, 0.84, fill=dark)
    elif outfit == "suit":
        c.poly([(0.44, 0.69), (0.56, 0.69), (0.5, 0.86)], fill="#f4f6f7")
        c.poly([(0.485, 0.71), (0.515, 0.71), (0.52, 0.86), (0.5, 0.89), (0.48, 0.86)], fill="#8b3a3a")
        c.poly([(0.40, 0.69), (0.44, 0.68), (0.5, 0.89), (0.45, 1.0), (0.37, 0.78)], fill=dark)
        c.poly([(0.60, 0.69), (0.56, 0.68), (0.5, 0.89), (0.55, 1.0), (0.63, 0.78)], fill=dark)
    elif outfit == "whitecoat":
        inner = "#8fb3c9"
        c.poly([(0.43, 0.69), (0.57, 0.69), (0.5, 0.90)], fill=inner)
        edge = "#d5dde3"
        c.poly([(0.40, 0.69), (0.44, 0.68), (0.5, 0.90), (0.5, 1.0), (0.38, 0.80)], fill=edge)
        c.poly([(0.60, 0.69), (0.56, 0.68), (0.5, 0.90), (0.5, 1.0), (0.62, 0.80)], fill=edge)
        c.rect(0.64, 0.84, 0.72, 0.86, fill="#9fb3c2")  # breast pocket
        c.rect(0.665, 0.80, 0.675, 0.85, fill="#3f6f9e")  # a pen
    elif outfit == "workjacket":
        c.poly([(0.40, 0.67), (0.5, 0.72), (0.47, 0.77)], fill=dark)
        c.poly([(0.60, 0.67), (0.5, 0.72), (0.53, 0.77)], fill=dark)
        c.line([(0.5, 0.72), (0.5, 1.0)], fill=_mix(cloth, "#ffffff", 0.35), width=0.005)
        c.rect(0.31, 0.86, 0.41, 0.88, fill=_mix(cloth, "#e0a040", 0.6))  # reflective strip
        c.rect(0.59, 0.86, 0.69, 0.88, fill=_mix(cloth, "#e0a040", 0.6))
    elif outfit == "cardigan":
        c.poly([(0.44, 0.69), (0.56, 0.69), (0.5, 0.80)], fill="#ece6dc")
        c.poly([(0.42, 0.69), (0.5, 0.84), (0.5, 1.0), (0.46, 1.0)], fill=dark)
        c.poly([(0.58, 0.69), (0.5, 0.84), (0.5, 1.0), (0.54, 1.0)], fill=dark)
        for y in (0.88, 0.95):
            c.circle(0.515, y, 0.007, fill=_mix(cloth, "#ffffff", 0.45))
    elif outfit == "vest":
        c.poly([(0.43, 0.69), (0.57, 0.69), (0.5, 0.79)], fill=_mix(skin, "#000000", 0.12))
        c.rect(0.30, 0.74, 0.36, 1.0, fill=_mix(cloth, "#ffffff", 0.55))
        c.rect(0.64, 0.74, 0.70, 1.0, fill=_mix(cloth, "#ffffff", 0.55))
    elif outfit == "outdoor":
        c.poly([(0.43, 0.68), (0.5, 0.74), (0.57, 0.68), (0.57, 0.71), (0.5, 0.77), (0.43, 0.71)], fill=dark)
        c.line([(0.5, 0.77), (0.5, 1.0)], fill=dark, width=0.005)
        c.rect(0.56, 0.82, 0.66, 0.90, fill=dark, radius=0.01)
    else:  # blouse
        c.poly([(0.44, 0.69), (0.56, 0.69), (0.5, 0.78)], fill=_mix(skin, "#000000", 0.12))
        c.poly([(0.41, 0.68), (0.44, 0.68), (0.5, 0.78), (0.44, 0.75)], fill=_mix(cloth, "#ffffff", 0.6))
        c.poly([(0.59, 0.68), (0.56, 0.68), (0.5, 0.78), (0.56, 0.75)], fill=_mix(cloth, "#ffffff", 0.6))


# ---- scenes ------------------------------------------------------------------


def _sky(rng: random.Random, top="#cfe6f5", bottom="#f6efe0") -> Canvas:
    return Canvas(SCENE_SIZE, top, bottom)


def _sun(c: Canvas, x, y, r=0.07, color="#f7c65a"):
    c.circle(x, y, r * 1.6, fill=_mix(color, "#ffffff", 0.65))
    c.circle(x, y, r, fill=color)


def _hills(c: Canvas, rng: random.Random, base: float, colors: list[str], amp=0.08):
    for i, color in enumerate(colors):
        y0 = base + i * 0.05
        pts = [(0, 1.0)]
        phase = rng.uniform(0, math.tau)
        freq = rng.uniform(1.2, 2.2)
        for k in range(41):
            x = k / 40
            pts.append((x, y0 - amp * (0.55 + 0.45 * math.sin(phase + x * freq * math.pi)) / (1 + i * 0.5)))
        pts.append((1, 1.0))
        c.poly(pts, fill=color)


def _tree(c: Canvas, x, y, s, leaf="#5d9b5a", trunk="#8a6a4a"):
    c.rect(x - 0.004 * s, y - 0.05 * s, x + 0.004 * s, y, fill=trunk)
    c.circle(x, y - 0.08 * s, 0.045 * s, fill=leaf)


def _pine(c: Canvas, x, y, s, leaf="#3f7d5a"):
    c.poly([(x - 0.025 * s, y), (x + 0.025 * s, y), (x, y - 0.16 * s)], fill=leaf)


def _person(c: Canvas, x, y, s, body, head="#e6c3a1", hair="#2f2a28"):
    """A simple standing figure whose feet are at (x, y)."""
    c.rect(x - 0.022 * s, y - 0.19 * s, x + 0.022 * s, y, fill=body, radius=0.02 * s)
    c.circle(x, y - 0.225 * s, 0.032 * s, fill=head)
    c.circle(x, y - 0.24 * s, 0.032 * s, ry=0.018 * s, fill=hair)


def _seated_back(c: Canvas, x, y, s, body, hair):
    """A person seen from behind: shoulders and the back of the head."""
    c.circle(x, y + 0.05 * s, 0.06 * s, ry=0.05 * s, fill=body)
    c.circle(x, y - 0.02 * s, 0.032 * s, fill=hair)


def scene_field(c: Canvas, rng: random.Random, crop="#d9b54a", rows="#c49a36"):
    _sun(c, rng.uniform(0.7, 0.85), 0.18)
    _hills(c, rng, 0.45, ["#b8cfa0", "#9cbf84"], amp=0.06)
    c.rect(0, 0.52, 1, 1, fill=crop)
    horizon, vanish = 0.52, rng.uniform(0.4, 0.6)
    for i in range(-12, 13):
        x_bottom = 0.5 + i * 0.09
        c.poly([(vanish + i * 0.004, horizon), (vanish + i * 0.004 + 0.002, horizon),
                (x_bottom + 0.025, 1.0), (x_bottom, 1.0)], fill=rows)
    for _ in range(3):
        _tree(c, rng.uniform(0.05, 0.95), 0.52, rng.uniform(0.6, 0.9))


def scene_herbs(c: Canvas, rng: random.Random):
    _sun(c, rng.uniform(0.12, 0.3), 0.17, color="#f5b94e")
    _hills(c, rng, 0.42, ["#bcd6b0", "#a5c99a"], amp=0.05)
    c.rect(0, 0.5, 1, 1, fill="#8fbf6c")
    # a farmhouse
    c.rect(0.74, 0.40, 0.88, 0.50, fill="#efe4d2")
    c.poly([(0.72, 0.41), (0.81, 0.34), (0.90, 0.41)], fill="#b5564a")
    c.rect(0.79, 0.44, 0.82, 0.50, fill="#8a6a4a")
    for row in range(6):
        y = 0.56 + row * 0.075
        n = 9 + row * 2
        r = 0.016 + row * 0.006
        for k in range(n):
            x = (k + 0.5 + (row % 2) * 0.5) / n
            c.circle(x, y, r * 1.4, ry=r, fill="#4f8f4a" if row % 2 else "#5c9c52")
            if rng.random() < 0.7:
                c.circle(x + rng.uniform(-r, r) / 2, y - r * 0.5, r * 0.45,
                         fill=rng.choice(["#f4d35e", "#fbfbf4", "#f2b63c"]))


def scene_solar(c: Canvas, rng: random.Random):
    _sun(c, 0.82, 0.17, color="#f8c15a")
    _hills(c, rng, 0.46, ["#c7d9c5", "#b1cdb1"], amp=0.05)
    c.rect(0, 0.5, 1, 1, fill="#cfe0b8")
    for row in range(4):
        y = 0.55 + row * 0.11
        h = 0.06 + row * 0.015
        for k in range(6):
            w = 0.12 + row * 0.015
            x = 0.04 + k * (w + 0.035) - row * 0.03
            c.poly([(x + 0.03, y), (x + w + 0.03, y), (x + w, y + h), (x, y + h)], fill="#2f4e7a")
            for g in range(1, 4):
                gx = x + 0.03 + w * g / 4
                c.line([(gx, y), (gx - 0.03, y + h)], fill="#5f82b3", width=0.002)
            c.line([(x + 0.015, y + h / 2), (x + w + 0.015, y + h / 2)], fill="#5f82b3", width=0.002)
            c.rect(x + w / 2 - 0.003, y + h, x + w / 2 + 0.003, y + h + 0.02, fill="#8c98a3")


def scene_lab(c: Canvas, rng: random.Random):
    c.rect(0, 0.62, 1, 1, fill="#dfe6ea")
    # shelves and a window
    c.rect(0.06, 0.10, 0.34, 0.46, fill="#f4f8fb", outline="#c7d3db", width=0.006)
    c.line([(0.20, 0.10), (0.20, 0.46)], fill="#c7d3db", width=0.006)
    for y in (0.18, 0.30):
        c.rect(0.44, y, 0.94, y + 0.015, fill="#b9c6cf")
        for k in range(7):
            x = 0.47 + k * 0.065
            c.rect(x, y - 0.06, x + 0.035, y, fill=rng.choice(["#7fb7be", "#e3a37a", "#a7c7e7", "#c3b1d8"]),
                   radius=0.005)
    # bench
    c.rect(0.05, 0.56, 0.95, 0.62, fill="#6d7f8c")
    c.rect(0.08, 0.62, 0.12, 0.95, fill="#56656f")
    c.rect(0.88, 0.62, 0.92, 0.95, fill="#56656f")
    # flasks and beakers
    colors = ["#6cc3b5", "#f29e7d", "#8fb2e8", "#f3cf68"]
    for k, x in enumerate((0.16, 0.27, 0.62, 0.72)):
        liquid = colors[k]
        if k % 2 == 0:
            c.poly([(x - 0.01, 0.40), (x + 0.01, 0.40), (x + 0.045, 0.56), (x - 0.045, 0.56)], fill="#eaf3f6")
            c.poly([(x - 0.028, 0.49), (x + 0.028, 0.49), (x + 0.045, 0.56), (x - 0.045, 0.56)], fill=liquid)
        else:
            c.rect(x - 0.03, 0.44, x + 0.03, 0.56, fill="#eaf3f6", radius=0.004)
            c.rect(x - 0.03, 0.50, x + 0.03, 0.56, fill=liquid, radius=0.004)
    # a monitor with a curve
    c.rect(0.38, 0.32, 0.55, 0.52, fill="#37474f", radius=0.01)
    c.rect(0.39, 0.335, 0.54, 0.505, fill="#e9f4f7")
    pts = [(0.395 + i * 0.0075, 0.47 - 0.1 * (1 - math.exp(-i / 6))) for i in range(19)]
    c.line(pts, fill="#2a9d8f", width=0.006)
    c.rect(0.455, 0.52, 0.475, 0.56, fill="#37474f")
    # a module on a test stand
    c.rect(0.80, 0.36, 0.93, 0.55, fill="#2f4e7a")
    c.line([(0.865, 0.36), (0.865, 0.55)], fill="#5f82b3", width=0.003)
    c.line([(0.80, 0.455), (0.93, 0.455)], fill="#5f82b3", width=0.003)


def scene_chart(c: Canvas, rng: random.Random):
    c.rect(0.04, 0.06, 0.96, 0.94, fill="#ffffff", radius=0.03)
    c.rect(0.04, 0.06, 0.96, 0.15, fill="#3f6f9e", radius=0.03)
    c.rect(0.04, 0.11, 0.96, 0.15, fill="#3f6f9e")
    for k in range(3):
        c.circle(0.08 + k * 0.03, 0.105, 0.012, fill="#dbe7f3")
    # bar chart card
    c.rect(0.07, 0.20, 0.52, 0.58, fill="#f2f6fa", radius=0.02)
    for k in range(8):
        h = rng.uniform(0.08, 0.3)
        x = 0.10 + k * 0.052
        c.rect(x, 0.54 - h, x + 0.03, 0.54, fill="#5b9bd5" if k != 5 else "#f29e4c", radius=0.005)
    # line chart card
    c.rect(0.07, 0.62, 0.52, 0.90, fill="#f2f6fa", radius=0.02)
    ys = [rng.uniform(0.70, 0.86) for _ in range(12)]
    c.line([(0.10 + i * 0.036, y) for i, y in enumerate(ys)], fill="#2a9d8f", width=0.006)
    for i, y in enumerate(ys):
        c.circle(0.10 + i * 0.036, y, 0.007, fill="#2a9d8f")
    # donut and status cards
    c.rect(0.56, 0.20, 0.93, 0.58, fill="#f2f6fa", radius=0.02)
    start = -90.0
    for share, color in ((0.62, "#2a9d8f"), (0.25, "#5b9bd5"), (0.13, "#f29e4c")):
        c.pie(0.745, 0.39, 0.14, start, start + share * 360, fill=color)
        start += share * 360
    c.circle(0.745, 0.39, 0.08, fill="#f2f6fa")
    for k in range(3):
        y = 0.62 + k * 0.095
        c.rect(0.56, y, 0.93, y + 0.08, fill="#f2f6fa", radius=0.015)
        c.circle(0.59, y + 0.04, 0.015, fill=["#2a9d8f", "#2a9d8f", "#f29e4c"][k])
        c.rect(0.62, y + 0.03, 0.62 + rng.uniform(0.12, 0.25), y + 0.05, fill="#d6e1ea", radius=0.01)


def _gear(c: Canvas, cx, cy, r, teeth, color, hole, angle=0.0):
    pts = []
    for k in range(teeth * 4):
        a = angle + k * math.pi * 2 / (teeth * 4)
        rr = r if (k % 4) in (0, 1) else r * 0.84
        pts.append((cx + rr * math.cos(a) * c.h / c.w, cy + rr * math.sin(a)))
    c.poly(pts, fill=color)
    c.circle(cx, cy, r * 0.62, fill=color)
    c.circle(cx, cy, r * 0.25, fill=hole)


def scene_gears(c: Canvas, rng: random.Random):
    c.rect(0, 0.78, 1, 1, fill="#56606a")
    c.rect(0, 0.76, 1, 0.78, fill="#f2b63c")
    bg = "#e9e4da"
    _gear(c, 0.30, 0.42, 0.26, 14, "#3f5a73", bg, rng.uniform(0, 1))
    _gear(c, 0.58, 0.30, 0.16, 10, "#e07a4f", bg, rng.uniform(0, 1))
    _gear(c, 0.73, 0.55, 0.20, 12, "#6c8a9e", bg, rng.uniform(0, 1))
    _gear(c, 0.90, 0.22, 0.10, 8, "#f2b63c", bg, rng.uniform(0, 1))
    for k in range(6):
        x = 0.06 + k * 0.16
        c.rect(x, 0.82, x + 0.1, 0.9, fill="#8c98a3", radius=0.01)
        c.circle(x + 0.05, 0.86, 0.02, fill="#c8d0d6")


def scene_line(c: Canvas, rng: random.Random):
    c.rect(0, 0.72, 1, 1, fill="#9aa5ae")
    for k in range(6):  # roof trusses
        x = k * 0.2
        c.poly([(x, 0.0), (x + 0.1, 0.08), (x + 0.2, 0.0)], fill="#d9dee2")
    # conveyor
    c.rect(0.02, 0.62, 0.98, 0.68, fill="#4a5660", radius=0.02)
    for k in range(20):
        c.circle(0.05 + k * 0.048, 0.65, 0.012, fill="#8c98a3")
    for k in range(4):
        x = 0.06 + k * 0.24
        c.rect(x, 0.50, x + 0.16, 0.62, fill="#c8c2b8")
        c.rect(x + 0.03, 0.53, x + 0.07, 0.59, fill="#aaa398")
        c.rect(x + 0.10, 0.53, x + 0.14, 0.59, fill="#aaa398")
    # robot arm
    base_x = 0.58
    c.rect(base_x - 0.05, 0.40, base_x + 0.05, 0.50, fill="#e07a4f", radius=0.01)
    c.line([(base_x, 0.42), (base_x - 0.08, 0.18), (base_x + 0.12, 0.16), (base_x + 0.16, 0.38)],
           fill="#f29e4c", width=0.035)
    for x, y in ((base_x, 0.42), (base_x - 0.08, 0.18), (base_x + 0.12, 0.16)):
        c.circle(x, y, 0.03, fill="#3f4a54")
    c.rect(base_x + 0.14, 0.38, base_x + 0.18, 0.44, fill="#3f4a54")
    # control cabinet
    c.rect(0.86, 0.28, 0.96, 0.62, fill="#3f6f9e", radius=0.01)
    for k in range(3):
        c.circle(0.91, 0.35 + k * 0.06, 0.012, fill=["#6cc3b5", "#f3cf68", "#f29e7d"][k])


def scene_clinic(c: Canvas, rng: random.Random):
    c.rect(0, 0.70, 1, 1, fill="#cfd8de")
    # window with mountains
    c.rect(0.06, 0.10, 0.40, 0.52, fill="#ffffff")
    c.rect(0.08, 0.12, 0.38, 0.50, fill="#cfe6f5")
    c.poly([(0.08, 0.50), (0.16, 0.30), (0.24, 0.42), (0.31, 0.26), (0.38, 0.40), (0.38, 0.50)], fill="#7fae8a")
    c.poly([(0.08, 0.50), (0.12, 0.42), (0.22, 0.47), (0.30, 0.40), (0.38, 0.46), (0.38, 0.50)], fill="#5d9b5a")
    c.line([(0.23, 0.12), (0.23, 0.50)], fill="#ffffff", width=0.008)
    # health cross sign
    c.rect(0.78, 0.10, 0.90, 0.28, fill="#ffffff", radius=0.02)
    c.rect(0.825, 0.13, 0.855, 0.25, fill="#3aa17e")
    c.rect(0.795, 0.175, 0.885, 0.205, fill="#3aa17e")
    # desk with monitor showing an ECG trace
    c.rect(0.30, 0.62, 0.95, 0.67, fill="#8a6a4a")
    c.rect(0.34, 0.67, 0.37, 0.95, fill="#74583d")
    c.rect(0.88, 0.67, 0.91, 0.95, fill="#74583d")
    c.rect(0.48, 0.30, 0.78, 0.56, fill="#263238", radius=0.01)
    pts, x = [], 0.50
    while x < 0.76:
        pts += [(x, 0.44), (x + 0.03, 0.44), (x + 0.04, 0.36), (x + 0.05, 0.49), (x + 0.06, 0.44)]
        x += 0.075
    c.line(pts, fill="#6cf0b0", width=0.006)
    c.rect(0.62, 0.56, 0.64, 0.62, fill="#263238")
    # the patch cable to a small device
    c.rect(0.38, 0.55, 0.45, 0.62, fill="#eef2f4", radius=0.01)
    c.circle(0.415, 0.585, 0.015, fill="#3aa17e")


def scene_mountain(c: Canvas, rng: random.Random):
    _sun(c, 0.18, 0.16, color="#f7c65a")
    _hills(c, rng, 0.36, ["#c9d8cf", "#a9c6b3"], amp=0.12)
    # the restored slope: terraces with plants
    c.poly([(0.0, 1.0), (0.0, 0.55), (0.45, 0.40), (1.0, 0.62), (1.0, 1.0)], fill="#b9a58a")
    for k in range(6):
        y = 0.52 + k * 0.08
        c.poly([(0.0, y + 0.04), (0.45, y - 0.11 + k * 0.012), (1.0, y + 0.1), (1.0, y + 0.13),
                (0.45, y - 0.08 + k * 0.012), (0.0, y + 0.07)], fill="#7fae6a" if k % 2 else "#8dbb74")
    for _ in range(26):
        x = rng.uniform(0.02, 0.98)
        y = rng.uniform(0.62, 0.97)
        _pine(c, x, y, rng.uniform(0.35, 0.6), leaf=rng.choice(["#3f7d5a", "#4f8f5a", "#2f6b4f"]))


def scene_classroom(c: Canvas, rng: random.Random):
    c.rect(0, 0.66, 1, 1, fill="#e9dcc4")
    # blackboard with an atom and a wave
    c.rect(0.18, 0.08, 0.82, 0.42, fill="#2f5d50", radius=0.01)
    c.rect(0.17, 0.42, 0.83, 0.44, fill="#8a6a4a")
    for angle in (0, 60, 120):
        pts = []
        for k in range(41):
            t = k / 40 * math.tau
            x, y = 0.12 * math.cos(t), 0.045 * math.sin(t)
            a = math.radians(angle)
            pts.append((0.36 + (x * math.cos(a) - y * math.sin(a)) * 0.55, 0.25 + (x * math.sin(a) + y * math.cos(a))))
        c.line(pts, fill="#dfeee8", width=0.004)
    c.circle(0.36, 0.25, 0.018, fill="#f3cf68")
    c.line([(0.52 + i * 0.01, 0.25 - 0.06 * math.sin(i / 3)) for i in range(25)], fill="#dfeee8", width=0.005)
    # experiment table and beakers
    c.rect(0.30, 0.55, 0.70, 0.60, fill="#8a6a4a")
    for k, color in enumerate(("#6cc3b5", "#f29e7d", "#8fb2e8")):
        x = 0.40 + k * 0.1
        c.rect(x - 0.025, 0.47, x + 0.025, 0.55, fill="#eaf3f6", radius=0.004)
        c.rect(x - 0.025, 0.51, x + 0.025, 0.55, fill=color, radius=0.004)
    c.circle(0.64, 0.44, 0.04, ry=0.05, fill="#f29e4c")
    c.line([(0.64, 0.49), (0.64, 0.55)], fill="#7a6a5a", width=0.003)
    # children from behind
    bodies = ["#e07a4f", "#3f6f9e", "#f3cf68", "#6cc3b5", "#c3b1d8", "#e5989b"]
    for row, y in enumerate((0.74, 0.88)):
        for k in range(7):
            x = 0.08 + k * 0.14 + (row * 0.07)
            if x > 0.96:
                continue
            _seated_back(c, x, y, 1.1 + row * 0.2, rng.choice(bodies), rng.choice(["#2f2a28", "#3b2c25"]))


def scene_stage(c: Canvas, rng: random.Random):
    c.img.paste(Image.new("RGB", (c.w, c.h), _rgb("#2d3a4f")))
    # stage, banner and screen (no lettering)
    c.rect(0.05, 0.08, 0.95, 0.16, fill="#c8423b")
    c.rect(0.30, 0.19, 0.70, 0.46, fill="#dbe8f4", radius=0.01)
    c.rect(0.32, 0.21, 0.68, 0.44, fill="#9ec3e6")
    c.circle(0.50, 0.325, 0.07, fill="#f3cf68")
    c.rect(0.0, 0.50, 1.0, 0.56, fill="#8a5a44")
    c.rect(0.0, 0.56, 1.0, 0.58, fill="#6d4533")
    c.rect(0.78, 0.38, 0.84, 0.50, fill="#6d4533")  # lectern
    c.rect(0.77, 0.37, 0.85, 0.39, fill="#8a5a44")
    _person(c, 0.81, 0.39, 0.6, "#3f6f9e")
    for x in (0.12, 0.88):  # potted plants
        c.rect(x - 0.02, 0.44, x + 0.02, 0.50, fill="#b5564a")
        c.circle(x, 0.41, 0.045, fill="#4f8f4a")
    # the audience, row by row towards the viewer
    palette = ["#e07a4f", "#3f6f9e", "#6c8a9e", "#8fb2e8", "#c3b1d8", "#5a6b7a", "#2a9d8f"]
    for row in range(4):
        y = 0.66 + row * 0.1
        s = 1.0 + row * 0.25
        n = 12 - row * 2
        for k in range(n):
            x = (k + 0.5 + (row % 2) * 0.3) / n
            _seated_back(c, x, y, s, rng.choice(palette), rng.choice(["#1f1b1a", "#2f2a28", "#4a3f3a", "#cfcac2"]))


def scene_audience(c: Canvas, rng: random.Random):
    c.img.paste(Image.new("RGB", (c.w, c.h), _rgb("#34465e")))
    for k in range(7):  # warm ceiling lights
        c.circle(0.07 + k * 0.145, 0.06, 0.05, fill="#4a5d78")
        c.circle(0.07 + k * 0.145, 0.06, 0.02, fill="#f7e3a8")
    palette = ["#e07a4f", "#3f6f9e", "#6c8a9e", "#8fb2e8", "#c3b1d8", "#5a6b7a", "#2a9d8f", "#f3cf68"]
    for row in range(4):
        y = 0.30 + row * 0.19
        s = 1.3 + row * 0.3
        n = 10 - row * 2
        c.rect(0, y + 0.08 * s, 1, y + 0.11 * s, fill="#b5564a")  # seat backs
        for k in range(n):
            x = (k + 0.5 + (row % 2) * 0.4) / n
            _seated_back(c, x, y, s, rng.choice(palette), rng.choice(["#1f1b1a", "#2f2a28", "#4a3f3a"]))


def scene_meeting(c: Canvas, rng: random.Random):
    c.img.paste(Image.new("RGB", (c.w, c.h), _rgb("#efe9df")))
    c.rect(0.12, 0.30, 0.88, 0.70, fill="#8a6a4a", radius=0.18)
    c.rect(0.14, 0.32, 0.86, 0.68, fill="#9c7a58", radius=0.16)
    c.rect(0.30, 0.47, 0.70, 0.53, fill="#4f8f4a", radius=0.03)  # plants down the middle
    for k in range(6):
        c.circle(0.33 + k * 0.068, 0.50, 0.025, fill="#f3cf68" if k % 2 else "#e5989b")
    palette = ["#3f6f9e", "#5a6b7a", "#2a9d8f", "#e07a4f", "#6c8a9e", "#c3b1d8"]
    for side, y in ((0, 0.22), (1, 0.78)):
        for k in range(6):
            x = 0.22 + k * 0.112
            body = rng.choice(palette)
            c.circle(x, y, 0.065, ry=0.05, fill=body)
            c.circle(x, y, 0.035, fill=rng.choice(["#2f2a28", "#3b2c25", "#cfcac2"]))
            ty = 0.36 if side == 0 else 0.60  # notebook and cup in front of each person
            c.rect(x - 0.03, ty - 0.03, x + 0.01, ty + 0.03, fill="#fbfbf4")
            c.circle(x + 0.03, ty, 0.016, fill="#ffffff", outline="#c7d3db", width=0.003)


def scene_visit(c: Canvas, rng: random.Random):
    _sun(c, 0.85, 0.14, color="#f7c65a")
    c.rect(0, 0.72, 1, 1, fill="#d9d2c3")
    # the institute building
    c.rect(0.12, 0.22, 0.70, 0.72, fill="#e9eef2")
    c.rect(0.12, 0.19, 0.70, 0.23, fill="#9fb3c2")
    for r in range(4):
        for k in range(7):
            x, y = 0.15 + k * 0.078, 0.27 + r * 0.1
            c.rect(x, y, x + 0.05, y + 0.06, fill="#8fb2e8")
    c.rect(0.37, 0.62, 0.45, 0.72, fill="#5a6b7a")
    _tree(c, 0.80, 0.72, 1.4)
    _tree(c, 0.92, 0.72, 1.1, leaf="#6ba368")
    # people greeting each other
    palette = ["#3f6f9e", "#5a6b7a", "#e07a4f", "#2a9d8f", "#f7f9fb"]
    xs = [0.30, 0.37, 0.50, 0.57, 0.66]
    for x in xs:
        _person(c, x, 0.93, 1.4, rng.choice(palette))
    c.line([(0.40, 0.80), (0.47, 0.80)], fill="#e6c3a1", width=0.012)  # a handshake


def scene_village(c: Canvas, rng: random.Random):
    _sun(c, 0.2, 0.15, color="#f7c65a")
    _hills(c, rng, 0.34, ["#a9c6b3", "#86b095", "#6a9f7e"], amp=0.14)
    c.rect(0, 0.66, 1, 1, fill="#cdbf9f")
    for k in range(5):  # village houses
        x = 0.05 + k * 0.12
        c.rect(x, 0.55, x + 0.09, 0.66, fill="#efe4d2")
        c.poly([(x - 0.01, 0.56), (x + 0.045, 0.50), (x + 0.10, 0.56)], fill="#8a6a5a")
    # service tents
    for k, color in enumerate(("#c8423b", "#3f6f9e", "#2a9d8f")):
        x = 0.64 + k * 0.12
        c.poly([(x - 0.01, 0.62), (x + 0.05, 0.55), (x + 0.11, 0.62)], fill=color)
        c.rect(x, 0.62, x + 0.10, 0.70, fill="#fbfbf4")
        c.rect(x, 0.70, x + 0.10, 0.72, fill=_mix(color, "#000000", 0.2))
    palette = ["#e07a4f", "#3f6f9e", "#f7f9fb", "#2a9d8f", "#c3b1d8", "#5a6b7a"]
    for k in range(9):
        _person(c, 0.58 + k * 0.045 + rng.uniform(-0.01, 0.01), 0.92 + rng.uniform(-0.03, 0.03), 1.1,
                rng.choice(palette), hair=rng.choice(["#2f2a28", "#cfcac2"]))
    for x in (0.03, 0.12, 0.22, 0.33, 0.45):
        _tree(c, x, 0.78 + rng.uniform(-0.02, 0.02), 1.0)


def scene_lecturehall(c: Canvas, rng: random.Random):
    c.img.paste(Image.new("RGB", (c.w, c.h), _rgb("#e8e4dc")))
    c.rect(0.22, 0.06, 0.78, 0.40, fill="#ffffff", radius=0.01)
    c.rect(0.24, 0.08, 0.76, 0.38, fill="#e6eff7")
    for k in range(6):
        h = rng.uniform(0.08, 0.22)
        c.rect(0.30 + k * 0.07, 0.35 - h, 0.34 + k * 0.07, 0.35, fill="#5b9bd5" if k % 3 else "#f29e4c")
    for row in range(5):
        y = 0.50 + row * 0.11
        c.rect(0, y + 0.05 + row * 0.012, 1, y + 0.075 + row * 0.012, fill="#a07f5e")  # desk rows
        n = 10 - row
        for k in range(n):
            x = (k + 0.5 + (row % 2) * 0.3) / n
            _seated_back(c, x, y, 0.9 + row * 0.22, rng.choice(["#3f6f9e", "#5a6b7a", "#6c8a9e", "#2a9d8f",
                                                               "#8b3a3a"]),
                         rng.choice(["#1f1b1a", "#2f2a28", "#cfcac2"]))


def scene_fair(c: Canvas, rng: random.Random):
    _sun(c, 0.12, 0.14)
    c.rect(0, 0.58, 1, 1, fill="#e7dfcf")
    for k in range(9):  # paving lines
        c.line([(0.5, 0.58), (-0.4 + k * 0.225, 1.0)], fill="#d8cdb8", width=0.003)
    colors = ["#e07a4f", "#3f6f9e", "#2a9d8f", "#f3cf68", "#c3b1d8"]
    for k in range(5):
        x = 0.03 + k * 0.195
        color = colors[k]
        c.rect(x, 0.40, x + 0.16, 0.58, fill="#fbfbf4")
        c.poly([(x - 0.01, 0.40), (x + 0.08, 0.30), (x + 0.17, 0.40)], fill=color)
        for s in range(4):
            c.rect(x + s * 0.04, 0.40, x + s * 0.04 + 0.02, 0.43, fill=color)
    for _ in range(9):  # balloons on strings
        x, y = rng.uniform(0.05, 0.95), rng.uniform(0.08, 0.26)
        c.line([(x, y + 0.04), (x + rng.uniform(-0.02, 0.02), y + 0.16)], fill="#9a8f80", width=0.002)
        c.circle(x, y, 0.03, ry=0.04, fill=rng.choice(colors))
    palette = ["#e07a4f", "#3f6f9e", "#2a9d8f", "#f3cf68", "#c3b1d8", "#5a6b7a", "#e5989b"]
    for k in range(16):
        s = rng.uniform(0.9, 1.4)
        _person(c, rng.uniform(0.03, 0.97), rng.uniform(0.70, 0.98), s, rng.choice(palette),
                hair=rng.choice(["#2f2a28", "#3b2c25"]))


def scene_experiment(c: Canvas, rng: random.Random):
    c.img.paste(Image.new("RGB", (c.w, c.h), _rgb("#f3efe6")))
    c.circle(0.5, 0.3, 0.45, fill="#fbf7ef")
    c.rect(0.05, 0.62, 0.95, 0.70, fill="#3f6f9e", radius=0.01)
    c.rect(0.10, 0.70, 0.14, 1.0, fill="#2f5a82")
    c.rect(0.86, 0.70, 0.90, 1.0, fill="#2f5a82")
    # a tall cylinder with a floating egg, a flask with bubbles, a balloon on a bottle
    c.rect(0.16, 0.30, 0.26, 0.62, fill="#e3f1f6", radius=0.01)
    c.rect(0.16, 0.42, 0.26, 0.62, fill="#9ed0e6", radius=0.01)
    c.circle(0.21, 0.40, 0.035, ry=0.045, fill="#f6e7c8")
    c.poly([(0.43, 0.28), (0.47, 0.28), (0.47, 0.40), (0.56, 0.62), (0.34, 0.62), (0.43, 0.40)], fill="#e3f1f6")
    c.poly([(0.39, 0.51), (0.51, 0.51), (0.56, 0.62), (0.34, 0.62)], fill="#f29e7d")
    for _ in range(8):
        c.circle(rng.uniform(0.42, 0.48), rng.uniform(0.18, 0.48), rng.uniform(0.008, 0.02),
                 outline="#f29e7d", width=0.004)
    c.rect(0.70, 0.44, 0.78, 0.62, fill="#cfe8d8", radius=0.015)
    c.rect(0.725, 0.40, 0.755, 0.44, fill="#cfe8d8")
    c.circle(0.74, 0.30, 0.07, ry=0.09, fill="#e07a4f")
    c.poly([(0.725, 0.385), (0.755, 0.385), (0.74, 0.405)], fill="#e07a4f")
    for k in range(5):  # salt grains dancing on a drum
        c.circle(0.86 + rng.uniform(-0.03, 0.03), 0.52 + rng.uniform(-0.05, 0.0), 0.006, fill="#7a6a5a")
    c.rect(0.82, 0.54, 0.92, 0.62, fill="#f3cf68", radius=0.01)


def scene_roundtable(c: Canvas, rng: random.Random):
    c.img.paste(Image.new("RGB", (c.w, c.h), _rgb("#f1e9dc")))
    for k, x in enumerate((0.08, 0.92)):  # red lanterns
        c.line([(x, 0.0), (x, 0.08)], fill="#8a5a44", width=0.004)
        c.circle(x, 0.15, 0.06, ry=0.07, fill="#c8423b")
        c.rect(x - 0.02, 0.21, x + 0.02, 0.24, fill="#f3cf68")
    c.rect(0.25, 0.04, 0.75, 0.08, fill="#c8423b", radius=0.01)
    c.circle(0.5, 0.55, 0.30, ry=0.20, fill="#8a6a4a")
    c.circle(0.5, 0.54, 0.28, ry=0.18, fill="#a07f5e")
    c.circle(0.5, 0.54, 0.06, ry=0.04, fill="#4f8f4a")
    c.circle(0.5, 0.52, 0.025, fill="#f3cf68")
    palette = ["#3f6f9e", "#5a6b7a", "#2a9d8f", "#e07a4f", "#6c8a9e", "#c3b1d8", "#8b3a3a", "#7c6a55"]
    hairs = ["#cfcac2", "#e4e1dc", "#2f2a28", "#3b2c25", "#2f2a28", "#cfcac2", "#1f1b1a", "#3b2c25"]
    for k in range(8):
        a = math.pi / 2 + k * math.tau / 8 + 0.2
        x, y = 0.5 + 0.27 * math.cos(a) * 1.0, 0.54 + 0.27 * math.sin(a) * 0.95
        c.circle(x, y, 0.07, ry=0.055, fill=palette[k])
        c.circle(x, y - 0.01, 0.035, fill=hairs[k])
        c.circle(0.5 + 0.18 * math.cos(a), 0.54 + 0.12 * math.sin(a), 0.014,
                 fill="#ffffff", outline="#c7d3db", width=0.003)


def scene_apartments(c: Canvas, rng: random.Random):
    _sun(c, 0.88, 0.14, color="#f7c65a")
    _hills(c, rng, 0.55, ["#d3e2cf"], amp=0.05)
    c.rect(0, 0.80, 1, 1, fill="#a9c99a")
    c.poly([(0.42, 1.0), (0.48, 0.80), (0.54, 0.80), (0.62, 1.0)], fill="#e7dfcf")
    for k, (x, top, color) in enumerate(((0.08, 0.22, "#f4ede2"), (0.34, 0.12, "#eef2f4"),
                                         (0.62, 0.26, "#f6efe6"))):
        w = 0.22
        c.rect(x, top, x + w, 0.80, fill=color)
        c.rect(x, top, x + w, top + 0.025, fill="#c9b79c")
        rows = int((0.80 - top - 0.08) / 0.07)
        for r in range(rows):
            for col in range(4):
                wx, wy = x + 0.02 + col * 0.05, top + 0.05 + r * 0.07
                c.rect(wx, wy, wx + 0.03, wy + 0.04, fill="#8fb2e8" if (r + col + k) % 5 else "#f3cf68")
                c.rect(wx - 0.004, wy + 0.04, wx + 0.034, wy + 0.045, fill="#b9a58a")
    for x in (0.03, 0.30, 0.58, 0.86, 0.96):
        _tree(c, x, 0.82, 1.3, leaf=rng.choice(["#5d9b5a", "#6ba368", "#4f8f4a"]))


def scene_abstract(c: Canvas, rng: random.Random):
    colors = ["#3f6f9e", "#2a9d8f", "#f3cf68", "#e07a4f", "#c3b1d8", "#8fb2e8"]
    for _ in range(12):
        c.circle(rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.05, 0.25), fill=rng.choice(colors))


SCENE_DRAWERS = {
    "field": scene_field, "herbs": scene_herbs, "solar": scene_solar, "lab": scene_lab,
    "chart": scene_chart, "gears": scene_gears, "line": scene_line, "clinic": scene_clinic,
    "mountain": scene_mountain, "classroom": scene_classroom, "stage": scene_stage,
    "lecture": scene_stage, "audience": scene_audience, "meeting": scene_meeting, "visit": scene_visit,
    "village": scene_village, "lecturehall": scene_lecturehall, "fair": scene_fair,
    "experiment": scene_experiment, "roundtable": scene_roundtable, "apartments": scene_apartments,
    "abstract": scene_abstract,
}

SCENE_SKIES = {  # background gradient per kind (top, bottom)
    "field": ("#cfe6f5", "#f6efe0"), "herbs": ("#d6ecf7", "#f4f1e4"), "solar": ("#bfe0f6", "#eef6fb"),
    "lab": ("#eef3f6", "#e2e9ee"), "chart": ("#e3ebf3", "#d3dee9"), "gears": ("#f1ece3", "#e4ddd0"),
    "line": ("#eef1f3", "#dfe4e8"), "clinic": ("#f3f6f7", "#e6ecef"), "mountain": ("#d4e9f5", "#f3efe4"),
    "classroom": ("#f6efe2", "#efe3cd"), "visit": ("#d3e8f6", "#f5efe3"), "village": ("#cfe6f5", "#f6f0e2"),
    "fair": ("#cfe6f5", "#f8f1e3"), "apartments": ("#cde5f6", "#f6f1e6"),
}


def draw_scene(kind: str, rng: random.Random) -> Image.Image:
    c = Canvas(SCENE_SIZE, *SCENE_SKIES.get(kind, ("#eef1f4", "#e2e7ec")))
    SCENE_DRAWERS[kind](c, rng)
    return c.result()


def scene_kind(path: str) -> str:
    if path in SCENES:
        return SCENES[path]
    stem = Path(path).stem.lower()
    return stem if stem in SCENE_DRAWERS else "abstract"


def render(path: str) -> Image.Image:
    rng = _seed(path)
    stem = Path(path).stem.lower()
    if path in PORTRAITS:
        return draw_portrait(PORTRAITS[path], rng)
    if stem.startswith("portrait"):  # a portrait nobody described: pick calm colours from the seed
        pair = rng.choice([("#e7f1fb", "#b9d3ee"), ("#eef7e6", "#c2e0a8"), ("#fdf0e4", "#f4c9a0")])
        return draw_portrait(dict(bg=pair, skin="#e6c3a1", hair="short", hair_color="#2f2a28",
                                  outfit="blouse", cloth="#5a6b7a"), rng)
    return draw_scene(scene_kind(path), rng)


def save_jpeg(image: Image.Image, target: Path) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    # No exif/icc arguments: Pillow then writes a bare JFIF file without metadata.
    image.convert("RGB").save(target, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False)
    return target.stat().st_size


def main(argv: list[str]) -> int:
    check_only = "--check" in argv
    args = [a for a in argv if a != "--check"]
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    paths = referenced_images(root)
    if check_only:
        missing = [p for p in paths if not (root / p).is_file()]
        for p in missing:
            print(f"missing: {p}")
        print(f"{len(paths)} images referenced, {len(missing)} missing")
        return 1 if missing else 0
    total = 0
    for path in paths:
        size = save_jpeg(render(path), root / path)
        total += size
        print(f"{size / 1024:6.1f} KB  {path}")
    print(f"{len(paths)} images, {total / 1024:.0f} KB in total")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
