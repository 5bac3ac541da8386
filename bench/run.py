"""Benchmarks, run by hand: `make bench` (never part of `make test`).

Every measurement is reported as a ratio against a baseline measured in the
same run, interleaved, so machine noise affects both alike.

Now measured:
  check  - `exemplar check` on N synthetic stories, against the floor of
           reading the same files with PyYAML's C loader and opening every
           image header with Pillow (what any checker must at least do).
  build  - `exemplar build` of the sample campaign: cold (empty image and
           media caches), warm (nothing changed), and after editing one story;
           warm and one-edit reported as ratios of cold.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from corpus import generate  # noqa: E402

BASELINE = r"""
import sys, yaml
from pathlib import Path
from PIL import Image
root = Path(sys.argv[1])
for index in sorted(root.glob("stories/*/index.md")) + sorted(root.glob("content/activities/*/index.md")):
    text = index.read_text(encoding="utf-8")
    yaml.load(text.split("---\n")[1], Loader=yaml.CSafeLoader)
    for image in index.parent.glob("*.jpg"):
        Image.open(image).close()
"""


def timed(command: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def bench_check(n: int, work: Path, repeat: int) -> dict:
    root = work / f"corpus-{n}"
    if not (root / "stories").is_dir() or len(list((root / "stories").iterdir())) != n:
        generate(n, root)
    exemplar = [sys.executable, "-m", "exemplar", "check", str(root)]
    baseline = [sys.executable, "-c", BASELINE, str(root)]
    cold_env = {**os.environ, "EXEMPLAR_NO_CACHE": "1"}  # every document checked, as on a fresh clone
    timed(exemplar)  # primes the check cache for the warm runs
    ours, warm, floor = [], [], []
    for _ in range(repeat):  # interleaved
        ours.append(timed(exemplar, cold_env))
        warm.append(timed(exemplar))
        floor.append(timed(baseline))
    return {"n": n, "check_s": statistics.median(ours), "warm_s": statistics.median(warm),
            "floor_s": statistics.median(floor), "ratio": statistics.median(ours) / statistics.median(floor),
            "warm_ratio": statistics.median(warm) / statistics.median(floor)}


def bench_build(work: Path, repeat: int) -> dict:
    import shutil

    repo = HERE.parent
    root = work / "sample"
    cold, warm, edited = [], [], []
    for _ in range(repeat):
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(repo, root, ignore=shutil.ignore_patterns(".git", ".venv", ".cache", "site", "bench", "tests",
                                                                  "docs", "__pycache__"))
        command = [sys.executable, "-m", "exemplar", "build", str(root)]
        cold.append(timed(command))
        warm.append(timed(command))
        story = next((root / "stories").glob("*/index.md"))
        story.write_text(story.read_text(encoding="utf-8") + "\n\n本文于年底补充了一段新的内容。\n", encoding="utf-8")
        edited.append(timed(command))
    result = {"cold_s": statistics.median(cold), "warm_s": statistics.median(warm),
              "one_story_s": statistics.median(edited)}
    result["warm_ratio"] = result["warm_s"] / result["cold_s"]
    result["one_story_ratio"] = result["one_story_s"] / result["cold_s"]
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", default=str(HERE / "work"))
    parser.add_argument("--only", choices=("check", "build"), help="run one benchmark")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    if args.only in (None, "check"):
        rows = [bench_check(int(n), work, args.repeat) for n in args.sizes.split(",")]
        print("| stories | check, cold (median) | check, warm cache | floor: parse YAML + open images | cold/floor |"
              " warm/floor |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for row in rows:
            print(f"| {row['n']:,} | {row['check_s']:.2f} s | {row['warm_s']:.2f} s | {row['floor_s']:.2f} s "
                  f"| {row['ratio']:.2f}× | {row['warm_ratio']:.2f}× |")
        (results / "check.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    if args.only in (None, "build"):
        row = bench_build(work, max(1, args.repeat // 2))
        print("| sample build | cold | warm (nothing changed) | one story edited |")
        print("| --- | ---: | ---: | ---: |")
        print(f"| median | {row['cold_s']:.1f} s | {row['warm_s']:.1f} s ({row['warm_ratio']:.2f}× cold) "
              f"| {row['one_story_s']:.1f} s ({row['one_story_ratio']:.2f}× cold) |")
        (results / "build.json").write_text(json.dumps(row, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
