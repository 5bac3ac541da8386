"""Chinese search: recall and bytes per query, mkdocs-material + jieba vs Pagefind.

Run by hand (needs Chromium, and Pagefind in some Python: `pip install
'pagefind[extended]'`, passed with --pagefind-python):

    python bench/search_eval.py SITE_DIR [--pagefind-python /path/to/python]

SITE_DIR is a built exemplar site (e.g. `exemplar build . --site-dir /tmp/s`).
The query set comes from the sample itself: for every published exemplar, its
name, its affiliation, and a word from the middle of its story (a jieba word of
2-4 characters that occurs in no other story); each query must find that
exemplar's page among the first 10 results. Bytes are what a fresh visitor
downloads to get the results of one query (search index, worker, Pagefind
chunks), measured in Chromium.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).parent
REPO = HERE.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def queries() -> list[tuple[str, str, str]]:
    """(kind, query, expected page path)"""
    import jieba

    from exemplar.markup import render_markdown
    from exemplar.pipeline import check

    site = check(REPO).site
    published = [e for e in site.exemplars if e.publication.is_published]
    texts = {e.slug: render_markdown(e.body).text for e in published}
    found = []
    for e in published:
        path = f"/stories/{e.slug}/"
        found.append(("name", e.name, path))
        found.append(("affiliation", e.affiliation, path))
        text = texts[e.slug]
        middle = text[len(text) // 3: 2 * len(text) // 3]
        for word in jieba.cut(middle):
            if 2 <= len(word) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in word) \
                    and not any(word in t for slug, t in texts.items() if slug != e.slug) \
                    and word not in e.name + e.headline + e.summary:
                found.append(("mid-story word", word, path))
                break
    return found


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def measure(base: str, query_set, run_query) -> dict:
    from playwright.sync_api import sync_playwright

    hits, sizes = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for kind, query, expected in query_set:
            context = browser.new_context(base_url=base)
            page = context.new_page()
            received = []
            page.on("requestfinished", lambda request: received.append(request))
            page.goto("/")
            page.wait_for_load_state("networkidle")
            urls = run_query(page, query)
            page.wait_for_load_state("networkidle")
            total = 0
            # What searching costs a fresh visitor: Material fetches its whole index when the
            # page loads; Pagefind fetches its entry files and the chunks the query needs.
            for request in received:
                if "/search/" not in request.url and "/workers/search" not in request.url \
                        and "/pagefind/" not in request.url:
                    continue
                sizes_info = request.sizes()
                total += sizes_info["responseBodySize"] + sizes_info["responseHeadersSize"]
            hits.append((kind, query, expected in urls))
            sizes.append(total)
            context.close()
        browser.close()
    by_kind: dict[str, list[bool]] = {}
    for kind, _, hit in hits:
        by_kind.setdefault(kind, []).append(hit)
    return {"recall": sum(h for *_, h in hits) / len(hits),
            "recall_by_kind": {k: sum(v) / len(v) for k, v in by_kind.items()},
            "misses": [q for _, q, h in hits if not h],
            "bytes_per_query_median": statistics.median(sizes), "bytes_per_query_max": max(sizes)}


def material_query(page, query: str) -> list[str]:
    box = page.get_by_role("textbox", name="搜索")
    box.click()
    box.fill(query)
    box.press("End")
    page.wait_for_selector(".md-search-result__item, .md-search-result__meta", timeout=10000)
    page.wait_for_timeout(300)
    return page.eval_on_selector_all(".md-search-result__item a",
                                     "els => els.map(e => new URL(e.href).pathname)")[:10]


def pagefind_query(page, query: str) -> list[str]:
    return page.evaluate("""async (q) => {
        const pagefind = await import("/pagefind/pagefind.js");
        const search = await pagefind.search(q);
        const top = await Promise.all(search.results.slice(0, 10).map(r => r.data()));
        return top.map(d => d.url.replace(/index\\.html$/, ""));
    }""", query)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=Path)
    parser.add_argument("--pagefind-python", help="a Python with pagefind[extended] installed")
    args = parser.parse_args()
    query_set = queries()
    results = {"queries": len(query_set)}
    server, base = serve(args.site)
    results["material+jieba"] = measure(base, query_set, material_query)
    results["material+jieba"]["index_bytes"] = (args.site / "search" / "search_index.json").stat().st_size
    server.shutdown()
    if args.pagefind_python:
        copy = Path(tempfile.mkdtemp()) / "site"
        shutil.copytree(args.site, copy)
        subprocess.run([args.pagefind_python, "-m", "pagefind", "--site", str(copy), "--force-language", "zh-cn"],
                       check=True, stdout=subprocess.DEVNULL)
        server, base = serve(copy)
        results["pagefind"] = measure(base, query_set, pagefind_query)
        results["pagefind"]["index_bytes"] = sum(p.stat().st_size for p in (copy / "pagefind").rglob("*")
                                                 if p.is_file())
        server.shutdown()
    print(json.dumps(results, ensure_ascii=False, indent=2))
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "search.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
