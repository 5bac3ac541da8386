"""Faults: a build killed at random moments, a full disk, two builds at once into one folder.

Whatever happens, the site folder holds a complete site, byte for byte the
previous build or the new one, and no temporary folder stays behind once a
build has finished. (tests/test_build.py kills a build that rebuilds the same
content at three fixed moments; here the content changes, so "old" and "new"
differ and a half-swapped site would show.)
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import copy_fixture_site

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
STORY = "stories/zhang-san/index.md"
KILLS = 3


def build_command(root: Path, site: Path | None = None) -> list[str]:
    return [sys.executable, "-m", "exemplar", "build", str(root)] + (["--site-dir", str(site)] if site else [])


def build(root: Path, site: Path | None = None, **options) -> subprocess.CompletedProcess:
    return subprocess.run(build_command(root, site), capture_output=True, text=True, timeout=300, env=ENV, **options)


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def leftovers(site: Path) -> list[str]:
    return [p.name for p in site.parent.iterdir() if "exemplar-tmp" in p.name or "exemplar-old" in p.name]


class Versions:
    """One site root whose story can be switched between two versions, and the site each version builds."""

    def __init__(self, root: Path, texts: dict[str, str], sites: dict[str, dict[str, bytes]], seconds: float):
        self.root, self.texts, self.sites, self.seconds = root, texts, sites, seconds
        self.site = root / "site"

    def current(self) -> str:
        now = snapshot(self.site)
        matches = [name for name, files in self.sites.items() if files == now]
        assert matches, f"the site is neither version: {sorted(set(now) ^ set(self.sites['old']))[:10]}"
        return matches[0]

    def write(self, name: str) -> None:
        (self.root / STORY).write_text(self.texts[name], encoding="utf-8")

    def other(self, name: str) -> str:
        return "new" if name == "old" else "old"


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> Versions:
    root = copy_fixture_site("base", tmp_path_factory.mktemp("faults") / "root")
    old = (root / STORY).read_text(encoding="utf-8")
    new = old.replace("扎根田间二十年的小麦育种人", "把论文写在麦田里的育种人").replace(
        "这是一篇示例人物故事。请把它换成真实的内容。", "新版本的故事：" + "他每天清晨五点走进试验田。" * 40)
    result = build(root)
    assert result.returncode == 0, result.stderr
    sites = {"old": snapshot(root / "site")}
    (root / STORY).write_text(new, encoding="utf-8")
    reference = root.parent / "reference"
    started = time.monotonic()
    result = build(root, reference)  # the new version, built elsewhere: the site must become exactly this
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    sites["new"] = snapshot(reference)
    assert sites["new"] != sites["old"] and set(sites["new"]) == set(sites["old"])
    (root / STORY).write_text(old, encoding="utf-8")
    return Versions(root, {"old": old, "new": new}, sites, seconds)


def test_a_build_killed_at_random_moments_leaves_the_old_or_the_new_site(versions):
    seed = random.randrange(2 ** 32)
    rng = random.Random(seed)
    # spread over the whole build, swap included: the last draw is near its end
    delays = [rng.uniform(0.1, versions.seconds) for _ in range(KILLS - 1)] + [rng.uniform(0.8, 1.1) * versions.seconds]
    outcomes = []
    for delay in delays:
        before = versions.current()
        versions.write(versions.other(before))
        child = subprocess.Popen(build_command(versions.root), env=ENV, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        try:
            os.killpg(child.pid, signal.SIGKILL)  # the build and any worker it started
        except ProcessLookupError:
            pass  # it had already finished
        child.wait()
        try:
            outcomes.append((round(delay, 2), before, versions.current()))  # current() fails on a partial site
        except AssertionError as partial:
            raise AssertionError(f"killed {delay:.2f} s into the build (seed {seed}): {partial}") from None
    # the next build clears what the killed ones left and finishes the change
    target = versions.other(versions.current())
    versions.write(target)
    result = build(versions.root)
    assert result.returncode == 0, result.stderr
    assert versions.current() == target, (seed, outcomes)
    assert not leftovers(versions.site), (seed, outcomes)


# A build whose swap (output._exchange, one renameat2 call) waits for a kill just before or just after it.
SWAP_HOOK = """
import sys, time
from pathlib import Path
import exemplar.output as output
from exemplar.cli import main

phase, flag = sys.argv[1], Path(sys.argv[2])
exchange = output._exchange

def caught(a, b):
    if phase == "after":
        exchange(a, b)
    flag.write_text(phase)
    time.sleep(60)
    if phase == "before":
        exchange(a, b)

output._exchange = caught
sys.exit(main(["build", sys.argv[3]]))
"""


@pytest.mark.parametrize("phase", ["before", "after"])
def test_a_build_killed_at_the_swap_leaves_the_old_or_the_new_site(versions, tmp_path, phase):
    """The riskiest moments, reached on purpose: the new site is complete and about to be swapped in, or
    has just been, with the previous one still beside it. The next build must tidy up either way."""
    before = versions.current()
    target = versions.other(before)
    versions.write(target)
    flag = tmp_path / "at-the-swap"
    child = subprocess.Popen([sys.executable, "-c", SWAP_HOOK, phase, str(flag), str(versions.root)], env=ENV,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not flag.exists():
        assert child.poll() is None and time.monotonic() < deadline, "the build never reached the swap"
        time.sleep(0.01)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    assert versions.current() == (before if phase == "before" else target)
    assert leftovers(versions.site)  # the killed build's folder: the new site, or the previous one
    result = build(versions.root)
    assert result.returncode == 0, result.stderr
    assert versions.current() == target
    assert not leftovers(versions.site)


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_a_full_disk_gives_a_clear_error_and_keeps_the_previous_site(versions, cache):
    """RLIMIT_FSIZE makes every write past 64 KB fail with EFBIG, as a full disk fails with ENOSPC.

    With a cold cache the photos and media kit are the first big writes (before MkDocs runs), with a warm
    cache it is MkDocs copying the theme's scripts into the new site.
    """
    before = snapshot(versions.site)
    current = versions.current()
    versions.write(versions.other(current))
    cache_dir, kept = versions.root / ".cache", versions.root.parent / "cache-kept"
    if cache == "cold":
        shutil.copytree(cache_dir, kept)
        shutil.rmtree(cache_dir)

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the writer instead of failing the write
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    result = build(versions.root, preexec_fn=full_disk)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert "写入文件失败（文件超过了系统允许的大小）" in result.stderr, result.stderr
    assert "没有生成网站；原有网站保持不变。" in result.stderr
    assert snapshot(versions.site) == before
    assert not leftovers(versions.site)
    if cache == "cold":  # put the photos and media kits back rather than make them all again
        shutil.rmtree(cache_dir)
        kept.rename(cache_dir)
        return
    # once there is room again, the build goes through
    result = build(versions.root)
    assert result.returncode == 0, result.stderr
    assert versions.current() == versions.other(current)


def test_a_site_folder_under_a_regular_file_is_refused_clearly(versions, tmp_path, run_cli):
    blocker = tmp_path / "site"
    blocker.write_text("不是目录", encoding="utf-8")
    code, out, err = run_cli("build", versions.root, "--site-dir", blocker / "public")
    assert code == 1
    assert f"无法创建网站输出目录 {blocker / 'public'}：{blocker} 是一个文件，不是目录" in err
    assert "没有生成网站；原有网站保持不变。" in err
    assert blocker.read_text(encoding="utf-8") == "不是目录"


def test_two_builds_at_once_leave_one_complete_site(versions):
    target = versions.other(versions.current())
    versions.write(target)
    def start() -> subprocess.Popen:
        return subprocess.Popen(build_command(versions.root), env=ENV, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    first = start()
    deadline = time.monotonic() + 120
    while not leftovers(versions.site):  # the second starts while the first is writing its new site
        assert first.poll() is None and time.monotonic() < deadline, "the first build never started writing"
        time.sleep(0.01)
    second = start()
    for child in (first, second):
        code = child.wait(timeout=300)
        out, err = child.communicate()
        assert code == 0, out + err  # the second waits for the first (the lock), then builds too
        assert "Traceback" not in out + err
        assert versions.current() == target  # complete after each, exactly one build's files
    assert not leftovers(versions.site)
