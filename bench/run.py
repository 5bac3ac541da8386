"""Benchmarks, run by hand: `make bench` (never part of `make test`).

Every measurement is reported as a ratio against a baseline measured in the
same run, interleaved, so machine noise affects both alike.

Now measured:
  check  - `exemplar check` on N synthetic stories, against the floor of
           reading the same files with PyYAML's C loader and opening every
           image header with Pillow (what any checker must at least do).
"""

from __future__ import annotations

import argparse
import json
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


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def bench_check(n: int, work: Path, repeat: int) -> dict:
    root = work / f"corpus-{n}"
    if not (root / "stories").is_dir() or len(list((root / "stories").iterdir())) != n:
        generate(n, root)
    exemplar = [sys.executable, "-m", "exemplar", "check", str(root)]
    baseline = [sys.executable, "-c", BASELINE, str(root)]
    ours, floor = [], []
    for _ in range(repeat):  # interleaved
        ours.append(timed(exemplar))
        floor.append(timed(baseline))
    return {"n": n, "check_s": statistics.median(ours), "floor_s": statistics.median(floor),
            "ratio": statistics.median(ours) / statistics.median(floor)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", default=str(HERE / "work"))
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    rows = [bench_check(int(n), work, args.repeat) for n in args.sizes.split(",")]
    print("| stories | exemplar check (median) | floor: parse YAML + open images | ratio |")
    print("| ---: | ---: | ---: | ---: |")
    for row in rows:
        print(f"| {row['n']:,} | {row['check_s']:.2f} s | {row['floor_s']:.2f} s | {row['ratio']:.2f}× |")
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "check.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
