"""The MkDocs adapter: ``Staged`` pages and assets -> MkDocs files and pages.

With ``plugin.py`` this is the only module that imports MkDocs. A later
engine (Zensical, which reads mkdocs.yml but has no plugin API) would replace
these two modules and nothing else.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import escape

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .cachefile import CACHE_DIR, template_cache
from .searchcache import SearchEntryCache
from .searchworker import SearchWorker
from .stage import Staged, StagedPage

THEME_DIR = Path(__file__).parent / "theme"
# Changes whenever our CSS or JavaScript changes, so browsers fetch the new files.
ASSET_VERSION = hashlib.sha256(b"".join(
    p.read_bytes() for p in sorted((THEME_DIR / "assets" / "exemplar").glob("*")))).hexdigest()[:10]


def configure(config: MkDocsConfig, staged: Staged) -> None:
    """Settings exemplar owns: navigation, fonts, the theme layer, language."""
    # Our templates sit between the site's own overrides and mkdocs-material.
    dirs = config.theme.dirs
    position = 1 if config.theme.custom_dir else 0
    if str(THEME_DIR) not in dirs:
        dirs.insert(position, str(THEME_DIR))
    # Never load Google Fonts: requests to foreign hosts are blocked or slow in mainland China.
    config.theme["font"] = False
    config.theme["language"] = "zh"
    # Titles are escaped here because mkdocs-material prints nav titles unescaped.
    config["nav"] = [{str(escape(item.title)): item.path} for item in staged.nav]
    campaign = staged.campaign
    config.extra["exemplar"] = {
        "campaign": campaign,
        "preview": staged.preview,
        "icp": campaign.site.icp,
        "psb": campaign.site.psb,
        "psb_code": campaign.site.psb_code,
        "mourning": [[p.start.isoformat(), p.end.isoformat()] for p in campaign.site.mourning],
        "asset_version": ASSET_VERSION,
        # The 404 page is served at any depth, so its links start from the site's root path.
        "root_path": urlsplit(campaign.media.site_url).path or "/",
    }


class StagedMkDocsPage(Page):
    """A page whose HTML the stage made.

    MkDocs would run Python-Markdown (a fresh instance per page) over an empty
    source for it; ``render`` hands over the staged HTML and headings instead.
    """

    def __init__(self, title: str | None, file: File, config: MkDocsConfig, staged: StagedPage) -> None:
        super().__init__(title, file, config)
        self.staged = staged

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = self.staged.html
        self.toc = toc_of(self.staged)
        self._title_from_render = None
        self.present_anchor_ids = {entry.id for entry in self.staged.toc}


def files(config: MkDocsConfig, existing: Files, staged: Staged) -> Files:
    """Theme files plus exactly the staged pages and assets; nothing from the docs folder."""
    docs_dir = Path(config.docs_dir).resolve()
    kept = [f for f in existing if not f.abs_src_path or not Path(f.abs_src_path).resolve().is_relative_to(docs_dir)
            or f.generated_by]
    result = Files(kept)
    nav_titles = {item.path: str(escape(item.title)) for item in staged.nav}  # as configure() puts them in nav
    for page in staged.pages:
        file = File.generated(config, page.path, content="")
        StagedMkDocsPage(nav_titles.get(page.path), file, config, page)
        result.append(file)
    made_here = os.path.join(Path(config.config_file_path).resolve().parent, CACHE_DIR, "")
    for asset in staged.assets:
        source = str(asset.source)  # absolute, under the resolved site root (pipeline.compile_site)
        kind = CachedFile if source.startswith(made_here) else File
        result.append(kind.generated(config, asset.dest, abs_src_path=source))
    return result


class CachedFile(File):
    """A file exemplar made in its cache (a processed photo, a media kit), linked into the site, not copied.

    Cache entries are written under a temporary name and renamed, never
    changed in place, so the link is the very file the build published; it
    also keeps its modification time from build to build, and with it the
    ETag browsers revalidate against. The file is made read-only, since a
    write through the site's name would change the cache. Where a link cannot
    be made (another file system) the file is copied as MkDocs would.
    """

    def copy_file(self, dirty: bool = False) -> None:
        output = self.abs_dest_path
        os.makedirs(os.path.dirname(output), exist_ok=True)
        try:
            os.unlink(output)  # whatever is there is replaced, never written through (it may be a link too)
        except FileNotFoundError:
            pass
        try:
            os.link(self.abs_src_path, output)
        except OSError:
            super().copy_file(dirty)
            return
        # Read-only, in the site and so in the cache: an editor, optimiser or shell redirect writing to the
        # site's file in place is refused, rather than changing what every later build publishes.
        mode = stat.S_IMODE(os.stat(output).st_mode)
        if mode & 0o222:
            os.chmod(output, mode & ~0o222)


def toc_of(page: StagedPage):
    tokens = []
    for entry in page.toc:
        token = {"level": entry.level, "id": entry.id, "name": entry.title, "children": []}
        if entry.level > 2 and tokens:
            tokens[-1]["children"].append(token)
        else:
            tokens.append(token)
    return get_toc(tokens)


def apply_meta(page: Page, staged: StagedPage) -> None:
    # mkdocs-material prints page.meta.title and .description without escaping
    # (autoescape is off for theme templates): hand it escaped markup.
    meta = {"title": escape(staged.title), "description": escape(staged.description), "exemplar_kind": staged.kind,
            "exemplar_unpublished": staged.unpublished, "exemplar_image": staged.image,
            "exemplar_head": staged.head}
    hide = list(staged.hide) + (["toc"] if not staged.toc and "toc" not in staged.hide else [])
    if hide:
        meta["hide"] = hide
    if not staged.searchable:
        meta["search"] = {"exclude": True}
    page.meta = meta


class RenderFailed(Exception):
    """MkDocs could not render the site; the message is already readable."""


def run_build(root: Path, site_dir: Path | None, drafts: bool) -> None:
    """Run MkDocs' build with the site's mkdocs.yml (our plugin does the rest)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    import_jieba_quickly()  # before mkdocs-material's search plugin imports it
    # Content always lives in content/ (MkDocs' docs_dir); exemplar decides what is published.
    overrides = {"docs_dir": str(root / "content")}
    if site_dir:
        overrides["site_dir"] = str(site_dir)
    try:
        config = load_config(str(root / "mkdocs.yml"), **overrides)
        plugin = config.plugins.get("exemplar")
        if plugin is None:
            raise RenderFailed("mkdocs.yml 的 plugins 中没有 exemplar；请加入：\nplugins:\n  - search\n  - exemplar")
        plugin.config.drafts = drafts or plugin.config.drafts
        mkdocs_build(config)
    except MkDocsException as exc:
        raise RenderFailed(str(exc)) from None


def cache_templates(env: Any, root: Path) -> None:
    """The theme's templates compiled once, not on every build (see cachefile.template_cache)."""
    if env.bytecode_cache is None:
        env.bytecode_cache = template_cache(root)


def cache_search(config: MkDocsConfig, root: Path, staged: Staged, parallel: bool = True,
                 after_known: Callable[[Page], None] = lambda page: None) -> SearchEntryCache | None:
    """Let mkdocs-material's search reuse the entries of pages unchanged since the last build,
    and make the others on both cores (``parallel``: from a few dozen pages up).
    ``after_known(page)`` runs once a page's entries came from the cache."""
    search = config.plugins.get("material/search") or config.plugins.get("search")
    index = getattr(search, "search_index", None)
    if index is None or not hasattr(index, "add_entry_from_context"):
        return None  # search is off, or not mkdocs-material's: nothing to cache
    cache = SearchEntryCache.open(root, dict(search.config), staged.dictionary)
    # Loading jieba's dictionary takes seconds: on a rebuild only the worker does it, while this process
    # renders. Either way jieba learns the same words first.
    teach = functools.cache(functools.partial(add_search_words, staged.dictionary))
    if not cache.previous and parallel:  # nothing remembered: this process segments too, and the worker
        teach()  # forked below starts with the dictionary already loaded instead of loading it again
    worker = SearchWorker(type(index), index.config, teach) if parallel and hasattr(os, "fork") else None
    cache.install(index, worker, before_segmenting=teach, after_known=after_known)
    write_index_as_utf8(index)
    return cache


def write_index_as_utf8(index: Any) -> None:
    """Have mkdocs-material's search index written as UTF-8 rather than ``\\uXXXX`` escapes.

    Chinese text escaped takes six bytes a character instead of three: the
    index is half the size on disk (a third smaller gzipped, for visitors who
    open search), and the gate reads a fifth of the characters, and reads them
    as the text they are (a keyword such as 身份证 next to a number is visible
    to it only unescaped). The JSON is the same data: a test compares the two.
    A rebuild under ``mkdocs serve``'s dirty reload (``prev``) keeps
    mkdocs-material's own writer.
    """
    generate = index.generate_search_index

    def generate_search_index(prev: Any) -> str:
        if prev:
            return generate(prev)
        config = {key: index.config[key] for key in ("lang", "separator", "pipeline", "fields")}
        data = {"config": config, "docs": index.entries}
        text = json.dumps(data, separators=(",", ":"), default=str, ensure_ascii=False)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (no UTF-8 form) somewhere: escaped, as before
            return json.dumps(data, separators=(",", ":"), default=str)
        return text

    index.generate_search_index = generate_search_index


def import_jieba_quickly() -> None:
    """Import jieba (the Chinese segmenter of mkdocs-material's search) without pkg_resources.

    jieba 0.42 imports pkg_resources only to open its own dictionary files,
    and opens them directly where it is missing (as on Python 3.12, whose
    virtual environments have no setuptools). Importing pkg_resources scans
    every installed distribution: about 0.2 s of every build, a twentieth of a
    rebuild. Other code importing pkg_resources afterwards gets it as usual.
    """
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        return
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    try:
        import jieba  # noqa: F401
    except ImportError:
        pass  # search then falls back to whole phrases
    finally:
        del sys.modules["pkg_resources"]


def add_search_words(words: tuple[str, ...]) -> None:
    """Teach the Chinese segmenter names, affiliations and vocabulary terms (loads its dictionary)."""
    try:
        import jieba
    except ImportError:  # search then falls back to whole phrases
        return
    jieba.setLogLevel(60)  # silence "Building prefix dict ..." chatter
    for word in words:
        jieba.add_word(word, freq=100000)
