"""Sign-offs bound to content (三审: 初审, 复审, 终审).

A sign-off records who approved an entry at a stage, when, and a digest of
exactly what they approved. ``content_digest`` covers what the public will
see: the front matter except the publication bookkeeping (``review``,
``status``, ``published``, ``updated``, ``reviewed_by``, which change *because*
of sign-off), the story text, and every file in the entry's folder (a photo
swapped after sign-off is a change too). ``check`` compares the final stage's
digest with the current content; ``diff`` shows what changed since, from the
snapshot ``sign`` keeps under ``signoffs/``.

``sign`` is one of the two commands that write an editor's file (the other
is ``exemplar fix``): it replaces the ``review:`` block of the front matter and
nothing else (see ``writeback``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .load import decode, split_front_matter
from .model import REVIEW_STAGES, STAGE_NAMES
from .problems import Problem
from .writeback import atomic_write, write_like
from .yamlsafe import YMap, YScalar, parse_yaml

SNAPSHOT_DIR = PurePosixPath("signoffs")
BOOKKEEPING_KEYS = frozenset({"review", "status", "published", "updated", "reviewed_by"})
DIGEST_PREFIX = "sha256:"
_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:")


class SignOffError(Exception):
    """Why a file cannot be signed or compared; the message is for editors."""


@dataclass(frozen=True)
class Content:
    canonical: str  # what the digest is computed from, and what diff compares
    digest: str


def content_of(root: Path, source: PurePosixPath, text: str) -> Content:
    """The signed-off content of ``source`` whose decoded text is ``text``."""
    split = split_front_matter(text, source)
    if isinstance(split, Problem):
        raise SignOffError(split.message)
    front, body, _ = split
    kept = [line for line, key in _front_lines(front) if key not in BOOKKEEPING_KEYS and line.strip()]
    parts = ["\n".join(kept), "---", body.strip("\n"), "=== 条目目录中的文件 ==="]
    folder = root / source.parent
    if source.name == "index.md" and folder.is_dir():  # pages have no folder of their own
        for path in sorted(folder.iterdir()):
            if path.name != "index.md" and not path.name.startswith(".") and path.is_file() and not path.is_symlink():
                parts.append(f"{path.name} {hashlib.sha256(path.read_bytes()).hexdigest()[:20]}")
    canonical = "\n".join(parts) + "\n"
    return Content(canonical, DIGEST_PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20])


def _front_lines(front: str) -> list[tuple[str, str | None]]:
    """Each front-matter line with the top-level key whose block it belongs to."""
    current = None
    out = []
    for line in front.split("\n"):
        match = _TOP_LEVEL_KEY.match(line)
        if match:
            current = match.group(1)
        elif line and not line[0].isspace() and not line.startswith("#"):
            current = None  # a stray top-level line: content, keep it
        out.append((line, current))
    return out


def snapshot_path(source: PurePosixPath, stage: str) -> PurePosixPath:
    return SNAPSHOT_DIR / source.parent / f"{source.stem}.{stage}.txt"


def read_source(root: Path, source: PurePosixPath) -> tuple[bytes, str]:
    path = root / source
    if not path.is_file() or path.is_symlink():
        raise SignOffError(f"找不到文件 {source}")
    raw = path.read_bytes()
    text, problem = decode(raw, source)
    if problem is not None:
        raise SignOffError(problem.message)
    return raw, text


def sign(root: Path, source: PurePosixPath, stage: str, by: str, today: dt.date) -> str:
    """Record ``stage`` by ``by`` in the file's ``review`` block; returns the digest."""
    if stage not in REVIEW_STAGES:
        raise SignOffError(f"没有“{stage}”这个审核环节，只能是 {'、'.join(REVIEW_STAGES)}")
    by = by.strip()
    if not by or "\n" in by:
        raise SignOffError("--by 需要审核人的名字")
    raw, text = read_source(root, source)
    content = content_of(root, source, text)
    split = split_front_matter(text, source)
    assert not isinstance(split, Problem)  # content_of has checked
    front, body, _ = split
    stages = existing_review(front, source)
    stages[stage] = {"by": by, "date": today.isoformat(), "hash": content.digest}
    block = ["review:"] + [
        f"  {name}: {{by: {json.dumps(stages[name]['by'], ensure_ascii=False)}, date: {stages[name]['date']}"
        + (f", hash: \"{stages[name]['hash']}\"" if stages[name].get("hash") else "") + "}"
        for name in REVIEW_STAGES if name in stages
    ]
    lines = _front_lines(front)
    kept = [line for line, key in lines if key != "review"]
    start = next((i for i, (_, key) in enumerate(lines) if key == "review"), None)
    if start is None:  # before the publication fields when there are any, else at the end
        at = next((i for i, (_, key) in enumerate(lines) if key in BOOKKEEPING_KEYS), len(kept))
        while at > 0 and not kept[at - 1].strip():
            at -= 1
    else:
        at = sum(1 for _, key in lines[:start] if key != "review")
    new_front = "\n".join(kept[:at] + block + kept[at:])
    new_text = f"---\n{new_front}\n---\n{body}"
    write_like(root / source, new_text, raw)
    snapshot = root / snapshot_path(source, stage)
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(snapshot, content.canonical.encode("utf-8"))
    return content.digest


def existing_review(front: str, source: PurePosixPath) -> dict[str, dict[str, str]]:
    """The stages already recorded, as the texts the editor wrote."""
    tree, problems = parse_yaml(front, source, line_offset=1)
    if problems:
        raise SignOffError(f"front matter 有错误，先运行 exemplar check 修正：{problems[0].message}")
    review = tree.get("review") if isinstance(tree, YMap) else None
    stages: dict[str, dict[str, str]] = {}
    if isinstance(review, YMap):
        for name in REVIEW_STAGES:
            node = review.get(name)
            if isinstance(node, YMap):
                stages[name] = {key.text: value.text.strip() for key, value in node.items if isinstance(value, YScalar)}
    return stages


def diff(root: Path, source: PurePosixPath, stage: str = "final") -> tuple[str, list[str]]:
    """(the digest recorded at ``stage``, unified diff lines from then to now)."""
    _, text = read_source(root, source)
    split = split_front_matter(text, source)
    if isinstance(split, Problem):
        raise SignOffError(split.message)
    recorded = existing_review(split[0], source).get(stage, {})
    if not recorded:
        raise SignOffError(f"{source} 还没有{STAGE_NAMES.get(stage, stage)}签发（review.{stage}）")
    snapshot = root / snapshot_path(source, stage)
    if not snapshot.is_file():
        raise SignOffError(f"找不到签发时的内容快照 {snapshot_path(source, stage)}；它由 exemplar sign 写入，"
                           "请确认已一起提交到版本库")
    before = snapshot.read_text(encoding="utf-8")
    now = content_of(root, source, text).canonical
    lines = list(difflib.unified_diff(before.splitlines(), now.splitlines(), f"{STAGE_NAMES[stage]}签发时",
                                      "现在", lineterm=""))
    return recorded.get("hash", ""), lines
