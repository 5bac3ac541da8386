"""Image processing benchmark, run by hand: cold and warm cache, as a ratio.

    python bench/images_bench.py [--photos 100] [--repeat 3] [--size 1200x800] [--workers N]

Writes N photo-like JPEGs (smooth colour fields, hard-edged shapes and sensor
grain, quality 90; deterministic), then times ``process_images`` into an empty
cache (cold) and again into the filled one (warm), each in its own fresh
process state, interleaved; reports medians, the CPU time per photo of a
serial cold run, and cold / warm.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).parent.parent))  # run from a checkout without installing
from exemplar.images import process_images  # noqa: E402


def photo(size: tuple[int, int], seed: int) -> Image.Image:
    rng = random.Random(seed)
    width, height = size
    bands = []
    for _ in range(3):
        band = Image.new("L", size, 128)
        for rows, weight in ((4, 0.5), (16, 0.3), (64, 0.2)):  # coarse to fine colour fields
            columns = rows * width // height + 1
            field = Image.frombytes("L", (columns, rows), rng.randbytes(columns * rows))
            band = Image.blend(band, field.resize(size, Image.Resampling.BICUBIC), weight)
        bands.append(band)
    image = Image.merge("RGB", bands)
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(10, height // 4)
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x - r, y - r, x + r, y + r // 2), fill=tuple(rng.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    grain = Image.frombytes("L", size, rng.randbytes(width * height)).point(lambda v: 128 + (v - 128) // 24)
    return ImageChops.add(image, grain.convert("RGB"), offset=-128)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--size", default="1200x800")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: every core)")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.split("x"))

    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        sources = []
        for seed in range(args.photos):
            path = root / "photos" / f"{seed:04}.jpg"
            path.parent.mkdir(exist_ok=True)
            photo(size, seed).save(path, quality=90)
            sources.append(path)
        megabytes = sum(p.stat().st_size for p in sources) / 1e6
        print(f"{args.photos} photos {size[0]}×{size[1]}, {megabytes:.1f} MB")

        cache = root / "cache"
        start = time.process_time()
        process_images(sources, cache, workers=1)
        cpu = (time.process_time() - start) / args.photos
        colds, warms = [], []
        for _ in range(args.repeat):
            shutil.rmtree(cache)
            start = time.perf_counter()
            process_images(sources, cache, workers=args.workers)
            colds.append(time.perf_counter() - start)
            start = time.perf_counter()
            process_images(sources, cache, workers=args.workers)
            warms.append(time.perf_counter() - start)
    cold, warm = statistics.median(colds), statistics.median(warms)
    print(f"serial CPU per photo {cpu:.3f} s")
    print(f"cold {cold:.2f} s   warm {warm:.3f} s   cold/warm {cold / warm:.0f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
