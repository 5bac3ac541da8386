"""Generate a realistic synthetic campaign of N stories for benchmarks.

Each story is 1,500-3,000 Chinese characters in 5-8 sections with a portrait
and photos; there are N/10 activities and N/10 matters. Everything validates
under the content model. Deterministic for a given N and seed.

mkdocs.yml is the one `exemplar init` writes (the package's scaffold): the
Material theme in Chinese and the search plugin with lang zh, as every real
campaign site has it.

Photos: story i's portrait and photo are drawn from seed and i % IMAGE_POOL:
up to 100 stories every photo is different; above that they repeat (each
bundle still has its own files, byte-identical to story i % 100's). The build
processes images by content, so 1,000 and 5,000 stories cost the image
processing of 100. Processing is linear in distinct photos (cached per photo);
bench/run.py measures it at 100 stories and reports it per photo, since
processing 2,000 or 10,000 distinct photos would take the run far past its
time budget.

Camera photos (``with_camera_photos``): the same campaign with every story's
photos replaced by 12-megapixel JPEGs of about 4 MB, as editors' phones and
cameras take them (hard links to two files, so the copy costs no disk), for
measuring what ``check`` pays per megabyte of photo.

    python bench/corpus.py 1000 /tmp/corpus
    python bench/corpus.py --camera /tmp/corpus /tmp/corpus-camera
"""

from __future__ import annotations

import functools
import io
import os
import random
import shutil
import sys
from importlib import resources
from pathlib import Path

from PIL import Image, ImageDraw

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍建国志红文斌宇浩凯晨瑞博鑫鹏雪琳"
FIELDS = ["农业科技", "医疗卫生", "先进制造", "新能源与新材料", "信息技术", "生态环境", "科学普及"]
GROUPS = ["青年科技工作者", "女科技工作者", "老科技工作者", "基层一线科技工作者", "科技领军人才"]
REGIONS = ["竞秀区", "莲池区", "满城区", "清苑区", "徐水区", "涿州市", "安国市", "高碑店市", "易县", "阜平县"]
TYPES = ["走访慰问", "座谈交流", "科普活动", "表彰宣传", "培训研修", "创新服务"]
ORGS = ["研究院", "研究所", "创新中心", "技术服务站", "工程中心", "实验室", "卫生院", "科技公司"]
PHRASES = [
    "扎根基层一线", "带领团队攻坚克难", "在实验室里反复试验", "把论文写在大地上", "推动科技成果转化",
    "服务乡村振兴", "解决群众急难愁盼", "培养青年科研骨干", "攻克关键核心技术", "建立示范基地",
    "深入田间地头", "开展科普讲座", "守护群众健康", "推进智能制造升级", "研发节能新材料",
    "完善监测预警体系", "建设数字化平台", "带动农民增收致富", "获得发明专利授权", "填补国内技术空白",
]
IMAGE_POOL = 100  # distinct portraits and photos
SECTIONS = ["初心", "攻关", "转化", "育人", "服务", "坚守", "传承", "展望"]


def sentence(rng: random.Random) -> str:
    parts = rng.sample(PHRASES, 3)
    # House style (W802): a space between Chinese and digits, as `exemplar fix` would leave it.
    return f"{rng.randint(2001, 2021)} 年以来，他{parts[0]}，{parts[1]}，{parts[2]}，累计服务群众 {rng.randint(100, 9000)} 人次。"


def story_text(rng: random.Random) -> str:
    sections = rng.sample(SECTIONS, rng.randint(5, 8))
    out = []
    for title in sections:
        paragraphs = ["".join(sentence(rng) for _ in range(rng.randint(3, 5))) for _ in range(rng.randint(2, 3))]
        out.append(f"## {title}\n\n" + "\n\n".join(paragraphs))
    return "\n\n".join(out) + "\n"


@functools.lru_cache(maxsize=2 * IMAGE_POOL)
def image_bytes(size: tuple[int, int], seed: int) -> bytes:
    rng = random.Random(seed)
    img = Image.new("RGB", size, tuple(rng.randint(150, 230) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rng.randint(0, size[0]), rng.randint(0, size[1])
        r = rng.randint(20, size[0] // 3)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randint(40, 200) for _ in range(3)))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=75)
    return out.getvalue()


def image(path: Path, size: tuple[int, int], seed: int) -> None:
    path.write_bytes(image_bytes(size, seed))


def camera_photo(path: Path, size: tuple[int, int], seed: int) -> None:
    """A 12-megapixel photo-like JPEG (smooth gradients under coarse grain, quality 92): about 4 MB."""
    rng = random.Random(seed)
    gradients = [Image.linear_gradient("L"), Image.radial_gradient("L"), Image.linear_gradient("L").rotate(90)]
    base = Image.merge("RGB", [g.resize(size) for g in gradients])
    small = (size[0] // 4, size[1] // 4)
    grain = Image.frombytes("RGB", small, rng.randbytes(small[0] * small[1] * 3)).resize(size, Image.Resampling.BICUBIC)
    Image.blend(base, grain, 0.35).save(path, "JPEG", quality=92)


def with_camera_photos(root: Path, target: Path) -> Path:
    """A copy of the campaign at ``root`` (hard links) whose stories' photos are camera-sized."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(root, target, copy_function=os.link, ignore=shutil.ignore_patterns(".cache", "*.jpg"))
    originals = target / ".camera"
    originals.mkdir()
    portrait, photo = originals / "portrait.jpg", originals / "photo.jpg"
    camera_photo(portrait, (3000, 4000), 1)
    camera_photo(photo, (4000, 3000), 2)
    for bundle in sorted((target / "stories").iterdir()):
        os.link(portrait, bundle / "portrait.jpg")
        os.link(photo, bundle / "photo-1.jpg")
    return target


CAMPAIGN = """name: 基准测试活动
organizer: 基准市科学技术协会
short_name: 基准
theme: 弘扬科学家精神
period: {{start: 2021-01-01, end: 2021-12-31}}
key_dates:
  - {{id: kejigongzuozhe-ri, name: 全国科技工作者日, date: 2021-05-30}}
vocabularies:
  fields: [{fields}]
  groups: [{groups}]
  regions: [{regions}]
  activity_types: [{types}]
media:
  site_url: https://bench.example.cn/
  reprint: 转载请注明出处。
  contact: {{name: 宣传部, phone: 0312-0000000, email: a@example.cn}}
"""


def generate(n: int, root: Path, seed: int = 1) -> Path:
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    (root / "content" / "pages").mkdir(parents=True)
    scaffold = resources.files("exemplar").joinpath("scaffold", "site", "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(scaffold.replace("site_name: 科技工作者风采", "site_name: 基准"), encoding="utf-8")
    (root / "content" / "campaign.yml").write_text(CAMPAIGN.format(
        fields=", ".join(FIELDS), groups=", ".join(GROUPS), regions=", ".join(REGIONS), types=", ".join(TYPES)),
        encoding="utf-8")
    (root / "content" / "pages" / "about.md").write_text("---\ntitle: 关于\n---\n\n基准测试。\n", encoding="utf-8")
    slugs = []
    for i in range(n):
        slug = f"ren-wu-{i:05d}"
        slugs.append(slug)
        bundle = root / "stories" / slug
        bundle.mkdir(parents=True)
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))
        image(bundle / "portrait.jpg", (480, 640), seed * 100000 + i % IMAGE_POOL)
        image(bundle / "photo-1.jpg", (960, 640), seed * 200000 + i % IMAGE_POOL)
        summary = (f"{name}长期{rng.choice(PHRASES)}，{rng.choice(PHRASES)}，{rng.choice(PHRASES)}，"
                   f"在{rng.choice(FIELDS)}领域取得了一系列成果，获得群众和同行的广泛认可，是新时代科技工作者的优秀代表。")
        (bundle / "index.md").write_text(f"""---
name: {name}
affiliation: {rng.choice(REGIONS)}{rng.choice(FIELDS)}{rng.choice(ORGS)}
region: {rng.choice(REGIONS)}
fields: [{rng.choice(FIELDS)}]
groups: [{rng.choice(GROUPS)}]
headline: {rng.choice(PHRASES)}的{rng.choice(["科研人", "带头人", "守护者", "追梦人"])}
summary: {summary}
title: 高级工程师
portrait: {{file: portrait.jpg, alt: {name}的肖像（示意）}}
photos:
  - {{file: photo-1.jpg, caption: {name}在工作中, credit: 基准测试}}
honors:
  - {{year: {rng.randint(2010, 2021)}, title: 优秀科技工作者}}
related: [{slugs[i - 1] if i else f"ren-wu-{1:05d}" if n > 1 else ""}]
status: published
reviewed_by: 审核人
published: 2021-05-30
consent: {{obtained: true, date: 2021-05-01}}
---

{story_text(rng)}""", encoding="utf-8")
    matter_ids = []
    for i in range(max(1, n // 10)):
        matter_ids.append(f"shi-shi-{i:04d}")
    activities = []
    for i in range(max(1, n // 10)):
        day = 1 + i % 28
        folder = f"2021-{1 + i % 12:02d}-{day:02d}-huo-dong-{i:04d}"
        activities.append(folder)
        bundle = root / "content" / "activities" / folder
        bundle.mkdir(parents=True)
        (bundle / "index.md").write_text(f"""---
title: 第 {i + 1} 场科技工作者主题活动
date: {folder[:10]}
type: {rng.choice(TYPES)}
summary: 市科协组织开展主题活动，{rng.choice(PHRASES)}。
region: {rng.choice(REGIONS)}
participants: {rng.randint(20, 500)}
exemplars: [{", ".join(rng.sample(slugs, min(3, len(slugs))))}]
matters: [{matter_ids[i]}]
status: published
reviewed_by: 审核人
published: {folder[:10]}
---

{story_text(rng)[:800]}
""", encoding="utf-8")
    matters = []
    for i, mid in enumerate(matter_ids):
        status = ["planned", "in_progress", "done"][i % 3]
        done = "\n  done: 2021-09-30\n  result: 已办结。" if status == "done" else ""
        matters.append(f"""- id: {mid}
  title: 第 {i + 1} 件实事
  demand: 科技工作者反映的问题。
  source: 走访座谈
  department: 市科协
  region: {rng.choice(REGIONS)}
  status: {status}
  pledged: 2021-03-01
  due: 2021-12-31{done}
  activities: [{activities[i]}]
""")
    (root / "content" / "matters.yml").write_text("".join(matters), encoding="utf-8")
    return root


if __name__ == "__main__":
    if sys.argv[1] == "--camera":
        with_camera_photos(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        generate(int(sys.argv[1]), Path(sys.argv[2]))
