"""Small MediaItems and photos for the media tests, written out by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
from pathlib import Path

from PIL import Image

from exemplar.media import MediaCampaign, MediaItem, MediaPhoto

CAMPAIGN = MediaCampaign(
    name="2021年度优秀科技工作者宣传活动", short_name="科技工作者风采", organizer="保定市科学技术协会",
    theme="弘扬科学家精神", reprint="本文由保定市科学技术协会提供，转载请注明出处并保持内容完整。",
    contact_name="市科协宣传部", contact_phone="0312-5012021", contact_email="xcb@kx.example.cn",
    site_url="https://kx.example.cn/",
)


def make_item(**changes) -> MediaItem:
    """An exemplar, 曾海涛; ``changes`` replace fields."""
    item = MediaItem(
        kind="exemplar", page_path="stories/zeng-haitao/", url="https://kx.example.cn/stories/zeng-haitao/",
        title="曾海涛", headline="装配式建筑生产线上的“智造”领跑者",
        summary="曾海涛带领团队攻关装配式建筑预制构件生产线关键装备，研制的成套生产线实现关键装备自主可控。",
        body_html="<p>…</p>", body_text="…",
        sections=(("", ("在高碑店市的示范车间里，一条全自动生产线正在有序运转。",)),
                  ("啃下装备自主化的“硬骨头”", ("2014年，曾海涛带领团队开始攻关。", "经过五年努力，价格只有进口产品的一半。")),
                  ("做产学研的“连接器”", ("研究院已集聚起一支百余人的研发队伍。",))),
        campaign=CAMPAIGN, date=dt.date(2021, 5, 28), image=None, name_reading="Zēng Hǎitāo",
        facts=(("单位", "京南智能装备创新研究院"), ("职称", "院长、正高级工程师"), ("地区", "高碑店市"),
               ("领域", "先进制造、信息技术")),
        photos=(MediaPhoto(Path("stories/zeng-haitao/line.jpg"), "https://kx.example.cn/a/line.jpg",
                           "预制构件智能生产线", "插画：示例"),
                MediaPhoto(Path("stories/zeng-haitao/实验室.jpg"), "https://kx.example.cn/a/lab.jpg", "研究院实验室")),
        categories=("先进制造", "信息技术"),
    )
    return dataclasses.replace(item, **changes)


def make_activity(**changes) -> MediaItem:
    item = make_item(
        kind="activity", page_path="activities/2021-05-30-ri/", url="https://kx.example.cn/activities/2021-05-30-ri/",
        title="全国科技工作者日走访慰问活动", headline="走访慰问 · 2021年5月30日", name_reading="",
        summary="5月30日，市科协走访慰问了12位优秀科技工作者代表。", date=dt.date(2021, 5, 30), location="莲池区",
        facts=(("时间", "2021年5月30日"), ("地点", "莲池区"), ("主办", "保定市科学技术协会"), ("参与人数", "120人")),
        photos=(),
    )
    return dataclasses.replace(item, **changes)


def picture(size: tuple[int, int] = (96, 64), seed: int = 0) -> Image.Image:
    """A small deterministic picture with some grain, like a photo."""
    noise = Image.frombytes("RGB", size, random.Random(seed).randbytes(size[0] * size[1] * 3))
    gradient = Image.merge("RGB", [Image.linear_gradient("L").resize(size)] * 3)
    return Image.blend(gradient, noise, 0.3)


def jpeg(image: Image.Image | None = None, **options) -> bytes:
    buffer = io.BytesIO()
    (image or picture()).save(buffer, format="JPEG", quality=90, **options)
    return buffer.getvalue()


def photo_pairs(item: MediaItem) -> list[tuple[MediaPhoto, bytes]]:
    return [(photo, jpeg(picture(seed=number))) for number, photo in enumerate(item.photos)]
