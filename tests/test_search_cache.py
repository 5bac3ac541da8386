"""A rebuild reuses the search entries of unchanged pages, and its index is the one a cold build makes."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SITES, copy_fixture_site
from exemplar.searchcache import CACHE_FILE

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
MARKER = "缓存里的旧文字"


def build(root: Path, site: Path, *, cache: bool = True) -> dict:
    env = ENV if cache else {**ENV, "EXEMPLAR_NO_CACHE": "1"}
    result = subprocess.run([sys.executable, "-m", "exemplar", "build", str(root), "--site-dir", str(site)],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def poison(root: Path) -> None:
    """Replace every remembered entry's text, so a reused entry shows in the built index."""
    path = root / CACHE_FILE
    stored = pickle.loads(path.read_bytes())
    for entries in stored["entries"].values():
        for entry in entries:
            entry["text"] = MARKER
    path.write_bytes(pickle.dumps(stored))


def texts(index: dict) -> list[str]:
    return [doc["text"] for doc in index["docs"]]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_fixture_site("base", tmp_path_factory.mktemp("search-cache") / "site")
    first = build(root, root / "site")
    return root, first


def test_an_unchanged_rebuild_reuses_every_entry_and_gives_the_same_index(site):
    root, first = site
    assert build(root, root / "site") == first
    poison(root)
    reused = build(root, root / "site")
    assert set(texts(reused)) == {MARKER}  # every page came from the cache
    assert [doc["location"] for doc in reused["docs"]] == [doc["location"] for doc in first["docs"]]
    (root / CACHE_FILE).unlink()
    assert build(root, root / "site") == first


def test_an_edited_story_is_indexed_afresh_and_matches_a_cold_build(site, tmp_path):
    root, _ = site
    build(root, root / "site")
    poison(root)
    story = root / "stories" / "zhang-san" / "index.md"
    original = story.read_text(encoding="utf-8")
    try:
        story.write_text(original + "\n## 新的一节\n\n他在盐碱地上试种了耐盐小麦。\n", encoding="utf-8")
        warm = build(root, root / "site")
        edited = [doc for doc in warm["docs"] if "zhang-san" in doc["location"] and doc["text"] != MARKER]
        assert edited and any("耐盐" in doc["text"] for doc in edited)
        # Every other page was reused; the story's own entries were made again.
        assert all(doc["text"] == MARKER for doc in warm["docs"] if "zhang-san" not in doc["location"])
        (root / CACHE_FILE).unlink()
        assert build(root, root / "site") == build(root, tmp_path / "cold", cache=False)
    finally:
        story.write_text(original, encoding="utf-8")


def test_a_new_word_for_the_segmenter_starts_afresh(site):
    root, _ = site
    build(root, root / "site")
    poison(root)
    # A new exemplar's name is taught to jieba: every sentence may now split differently.
    bundle = root / "stories" / "li-xinren"
    shutil.copytree(SITES / "base" / "stories" / "zhang-san", bundle)
    story = bundle / "index.md"
    story.write_text(story.read_text(encoding="utf-8").replace("name: 张三", "name: 黎新韧"), encoding="utf-8")
    try:
        index = build(root, root / "site")
        assert MARKER not in texts(index)
    finally:
        shutil.rmtree(bundle)


def test_a_damaged_cache_is_ignored(site):
    root, first = site
    (root / CACHE_FILE).write_bytes(b"not a pickle")
    assert build(root, root / "site") == first


@pytest.fixture
def one_core_index(tmp_path, monkeypatch):
    """The base site built with search indexed in this process alone; the worker is switched on after."""
    from exemplar import plugin
    from exemplar.pipeline import build as build_site

    root = copy_fixture_site("base", tmp_path / "site")
    monkeypatch.setenv("EXEMPLAR_NO_CACHE", "1")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setattr(plugin, "SEARCH_WORKER_MIN_PAGES", 10**6)
    build_site(root, tmp_path / "one")
    monkeypatch.setattr(plugin, "SEARCH_WORKER_MIN_PAGES", 1)

    def build_with_worker() -> bytes:
        build_site(root, tmp_path / "two")
        return (tmp_path / "two" / "search" / "search_index.json").read_bytes()

    return (tmp_path / "one" / "search" / "search_index.json").read_bytes(), build_with_worker


def test_the_second_core_indexes_exactly_what_one_would(one_core_index, monkeypatch):
    from exemplar import searchworker

    one, build_with_worker = one_core_index
    forks = []
    real_fork = searchworker.os.fork
    monkeypatch.setattr(searchworker.os, "fork", lambda: forks.append(1) or real_fork())
    made_here = []  # the child's calls are counted in the child, so these are the fallback's
    real_entries_for = searchworker.entries_for
    monkeypatch.setattr(searchworker, "entries_for", lambda *a: made_here.append(1) or real_entries_for(*a))
    two = build_with_worker()
    assert forks == [1] and not made_here
    assert two == one and len(json.loads(one)["docs"]) > 10


def test_a_failing_search_worker_costs_time_not_entries(one_core_index, monkeypatch):
    from exemplar import searchworker

    one, build_with_worker = one_core_index
    monkeypatch.setattr(searchworker, "_serve", lambda *a: 1 / 0)  # the child dies at once
    assert build_with_worker() == one


def test_the_index_is_written_as_utf8_and_holds_what_mkdocs_material_writes(tmp_path, monkeypatch):
    """render.write_index_as_utf8: the same JSON data, half the bytes, Chinese readable to the gate."""
    from exemplar import render
    from exemplar.pipeline import build as build_site

    root = copy_fixture_site("base", tmp_path / "site")
    monkeypatch.setenv("EXEMPLAR_NO_CACHE", "1")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    build_site(root, tmp_path / "ours")
    monkeypatch.setattr(render, "write_index_as_utf8", lambda index: None)
    build_site(root, tmp_path / "material")
    ours = (tmp_path / "ours" / "search" / "search_index.json").read_bytes()
    material = (tmp_path / "material" / "search" / "search_index.json").read_bytes()
    assert "张三".encode() in ours and b"\\u5f20" not in ours
    assert b"\\u5f20" in material  # mkdocs-material escapes every Chinese character
    assert json.loads(ours) == json.loads(material)
    assert len(ours) < 0.75 * len(material)
