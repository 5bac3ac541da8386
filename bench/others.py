"""The same corpus as a plain MkDocs project and as a Hugo project, for comparison.

    python bench/others.py CORPUS_DIR OUT_DIR    # writes OUT_DIR/mkdocs and OUT_DIR/hugo

Both get the same pages exemplar publishes for people to read: one page per
story (name, headline, summary, portrait, photo with caption, the story body)
and one per activity (title, summary, body), plus a home page. Images are the
corpus's own files, published unchanged (hard links, so generation is cheap):
neither tool resizes or re-encodes them, unlike exemplar.

Plain MkDocs uses the corpus's mkdocs.yml minus the exemplar plugin: the same
theme (material, zh, no web fonts, same features), the same search plugin
settings (lang zh, same separator, jieba installed) and the same
markdown_extensions. Like exemplar's config, the nav is a handful of section
pages and every page hides the sidebar (`hide: [navigation]`), so no page lists
every other page (that would make the build quadratic in pages).

Hugo gets a minimal theme of our own (baseof, single, list and a JSON search
index of every page's plain text, like MkDocs' search_index.json).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import yaml


def _front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    return yaml.load(head, Loader=yaml.CSafeLoader), body


def _link(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, dest)
    except OSError:  # another filesystem
        shutil.copy2(source, dest)


def _entries(corpus: Path):
    """(kind, slug, front matter, body, bundle folder) for every story and activity."""
    for index in sorted((corpus / "stories").glob("*/index.md")):
        meta, body = _front_matter(index)
        yield "stories", index.parent.name, meta, body, index.parent
    for index in sorted((corpus / "content" / "activities").glob("*/index.md")):
        meta, body = _front_matter(index)
        yield "activities", index.parent.name, meta, body, index.parent


def _story_markdown(meta: dict, body: str) -> str:
    """The reader-facing content of a story page as bare Markdown (no front matter)."""
    lines = [f"# {meta['name']}", "", f"**{meta['headline']}**", "", meta["summary"], ""]
    if meta.get("portrait"):
        lines += [f"![{meta['portrait']['alt']}]({meta['portrait']['file']})", ""]
    for photo in meta.get("photos", []):
        lines += [f"![{photo.get('caption', '')}]({photo['file']})", "", photo.get("caption", ""), ""]
    return "\n".join(lines) + "\n" + body


def _activity_markdown(meta: dict, body: str) -> str:
    return f"# {meta['title']}\n\n{meta['summary']}\n\n{body}"


def plain_mkdocs(corpus: Path, out: Path) -> Path:
    """A plain MkDocs project with the corpus's theme, search and Markdown settings."""
    if out.exists():
        shutil.rmtree(out)
    docs = out / "docs"
    config = yaml.load((corpus / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    config["plugins"] = [p for p in config.get("plugins", []) if p != "exemplar" and "exemplar" not in p]
    config["docs_dir"] = "docs"
    config["nav"] = [{"首页": "index.md"}, {"人物风采": "stories/index.md"}, {"活动动态": "activities/index.md"}]
    out.mkdir(parents=True)
    (out / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    hide = "---\nhide: [navigation]\n---\n\n"
    (docs / "stories").mkdir(parents=True)
    (docs / "activities").mkdir(parents=True)
    (docs / "index.md").write_text(hide + "# 基准\n\n基准测试。\n", encoding="utf-8")
    (docs / "stories" / "index.md").write_text(hide + "# 人物风采\n", encoding="utf-8")
    (docs / "activities" / "index.md").write_text(hide + "# 活动动态\n", encoding="utf-8")
    for kind, slug, meta, body, bundle in _entries(corpus):
        page = docs / kind / slug
        page.mkdir(parents=True)
        text = _story_markdown(meta, body) if kind == "stories" else _activity_markdown(meta, body)
        (page / "index.md").write_text(hide + text, encoding="utf-8")
        for image in bundle.glob("*.jpg"):
            _link(image, page / image.name)
    return out


HUGO_CONFIG = """baseURL = "https://bench.example.cn/"
languageCode = "zh-cn"
title = "基准"
hasCJKLanguage = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
[outputs]
  home = ["HTML", "JSON"]
"""

BASEOF = """<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} - {{ site.Title }}</title>
<meta name="description" content="{{ .Summary | plainify | truncate 120 }}">
<style>body{max-width:46rem;margin:auto;padding:1rem;font:1rem/1.7 sans-serif}img{max-width:100%;height:auto}</style>
</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

SINGLE = """{{ define "main" }}<article>{{ .Content }}</article>{{ end }}
"""

LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"""

# The search index: every page's title, URL and plain text (what search_index.json holds).
SEARCH_INDEX = """{{- $pages := slice -}}
{{- range site.RegularPages -}}
{{- $pages = $pages | append (dict "title" .Title "url" .RelPermalink "text" .Plain) -}}
{{- end -}}
{{- $pages | jsonify -}}
"""


def hugo(corpus: Path, out: Path) -> Path:
    """A Hugo project: the same pages as page bundles, a minimal theme of our own."""
    if out.exists():
        shutil.rmtree(out)
    layouts = out / "layouts"
    layouts.mkdir(parents=True)
    (out / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (layouts / "baseof.html").write_text(BASEOF, encoding="utf-8")
    (layouts / "single.html").write_text(SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(LIST, encoding="utf-8")
    (layouts / "home.json").write_text(SEARCH_INDEX, encoding="utf-8")
    content = out / "content"
    content.mkdir()
    (content / "_index.md").write_text("---\ntitle: 基准\n---\n\n基准测试。\n", encoding="utf-8")
    for kind, title in (("stories", "人物风采"), ("activities", "活动动态")):
        (content / kind).mkdir()
        (content / kind / "_index.md").write_text(f"---\ntitle: {title}\n---\n", encoding="utf-8")
    for kind, slug, meta, body, bundle in _entries(corpus):
        page = content / kind / slug
        page.mkdir()
        title = meta["name"] if kind == "stories" else meta["title"]
        text = _story_markdown(meta, body) if kind == "stories" else _activity_markdown(meta, body)
        (page / "index.md").write_text(f"---\ntitle: {title}\n---\n\n{text}", encoding="utf-8")
        for image in bundle.glob("*.jpg"):
            _link(image, page / image.name)
    return out


if __name__ == "__main__":
    corpus_dir, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    print(plain_mkdocs(corpus_dir, out_dir / "mkdocs"))
    print(hugo(corpus_dir, out_dir / "hugo"))
