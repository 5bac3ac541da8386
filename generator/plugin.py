"""MkDocs plugin hooks: thin glue between MkDocs and the pipeline.

Listed in mkdocs.yml as ``- exemplar``. ``mkdocs build``/``serve`` and
``exemplar build``/``serve`` all run through these hooks, so they produce
the same site, including the atomic swap into the site directory.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from . import render
from .gate import CleanFiles, scan_site
from .media.fonts import FontNotFound
from .pagecache import RenderedPages, SiteChanged
from .pipeline import BuildFailed, Compiled, SiteDirError, compile_site, finish_output, prepare_output

log = logging.getLogger("mkdocs.plugins.exemplar")
SEARCH_WORKER_MIN_PAGES = 60  # below this a second process costs more than it saves


class ExemplarConfig(base.Config):
    drafts = c.Type(bool, default=False)
    """Preview build: include drafts, each marked 未发布, the whole site marked as a preview."""


class ExemplarPlugin(BasePlugin[ExemplarConfig]):
    def __init__(self) -> None:
        self.compiled: Compiled | None = None
        self.output = None
        self.by_path: dict = {}
        self.search_cache = None
        self.pages: RenderedPages | None = None
        self.root: Path | None = None  # the site root: mkdocs.yml's folder

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = self.root = Path(config.config_file_path).resolve().parent
        drafts = self.config.drafts or os.environ.get("EXEMPLAR_DRAFTS") == "1"
        try:
            self.compiled = compile_site(root, drafts=drafts)
            self.output = prepare_output(root, Path(config.site_dir))
        except BuildFailed as failed:
            raise PluginError(f"内容检查未通过，未生成网站：\n{failed.report}") from None
        except (SiteDirError, FontNotFound) as error:
            raise PluginError(str(error)) from None
        self.pages = RenderedPages.open(root, self.output.target)
        config.site_dir = str(self.output.temporary)
        self.by_path = {page.path: page for page in self.compiled.staged.pages}
        render.configure(config, self.compiled.staged)
        if self.compiled.warnings:
            log.warning("\n" + self.compiled.warnings)
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        # Every plugin's on_config has run: the search plugin's index exists whatever the order in mkdocs.yml.
        staged = self.compiled.staged
        self.pages.start(config)
        self.search_cache = render.cache_search(config, self.root, staged,
                                                parallel=len(staged.pages) >= SEARCH_WORKER_MIN_PAGES,
                                                after_known=self.pages.drop_content)

    @event_priority(100)  # before other plugins see the files
    def on_files(self, files, config):
        return render.files(config, files, self.compiled.staged)

    def on_page_markdown(self, markdown, page, config, files):
        staged = self.by_path.get(page.file.src_uri)
        if staged is not None:
            render.apply_meta(page, staged)
            return ""
        return markdown

    def on_page_content(self, html, page, config, files):
        if page.file.src_uri in self.by_path:  # render.StagedMkDocsPage: html and toc are the stage's
            self.pages.reuse(page)  # unchanged since the last build: MkDocs need not render it again
        return html

    def on_env(self, env, config, files):
        render.cache_templates(env, self.root)
        return env

    @event_priority(-100)  # after every other plugin: a kept page is exactly what they made of it last time
    def on_post_page(self, output, page, config):
        try:
            return self.pages.output(page, output)
        except SiteChanged as changed:
            raise PluginError(str(changed)) from None

    @event_priority(100)  # before the search plugin writes its index
    def _finish_search_index(self, config: MkDocsConfig) -> None:
        if self.search_cache is not None:
            self.search_cache.finish()

    @event_priority(-100)  # after every plugin has written its files: the gate sees the whole site
    def _scan_and_swap(self, config: MkDocsConfig) -> None:
        public_numbers = self.compiled.publish_set.campaign.public_numbers
        clean = CleanFiles(self.root, public_numbers)
        leaks = scan_site(self.output.temporary, public_numbers, clean)
        if leaks:  # on_build_error drops the unfinished site; the previous one stays
            listing = "\n".join(leak.describe() for leak in leaks[:50])
            more = f"\n……共 {len(leaks)} 处" if len(leaks) > 50 else ""
            raise PluginError(f"生成的网站里有个人信息，已停止发布（原有网站保持不变）：\n{listing}{more}\n"
                              "这些内容不是来自编辑的文件（exemplar check 已检查过），请检查模板、主题覆盖和插件。")
        self.pages.written(self.output.temporary)
        finish_output(self.output)
        self.pages.save()
        clean.save()
        if self.search_cache is not None:
            self.search_cache.save()

    on_post_build = CombinedEvent(_finish_search_index, _scan_and_swap)

    def on_build_error(self, error: Exception) -> None:
        if self.search_cache is not None and self.search_cache.worker is not None:
            self.search_cache.worker.close(stop=True)
        if self.output is not None:
            self.output.abandon()

    def on_serve(self, server, config, builder):
        root = Path(config.config_file_path).resolve().parent
        for folder in ("stories", "content"):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server
