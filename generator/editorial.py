"""Editorial rules applied to the text of one file: personal data and house style.

``pii`` and ``style`` know nothing of exemplar's files; this module turns
their findings into located ``Problem`` values, decides which YAML lines are
prose (house style applies to an affiliation or a caption, never to a file
name, a vocabulary value or a date), and computes the fixed text for
``exemplar fix``. It is called per file by ``validate``, on both cores.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from .model import Rules, Term
from .pii import KIND_NAMES, find_personal_data
from .problems import Problem, Severity
from .style import StyleFinding, find_style_issues, fix_text
from .style import Term as StyleTerm
from .yamlsafe import YMap, YNode, YSeq

# ------------------------------------------------------------ personal data

_PII_CODES = {"id_card": "E601", "mobile": "E602"}
_PII_HINTS = {
    "id_card": "公开内容不能出现身份证号：删除它；确需说明时写“身份证号已核验”",
    "mobile": "不能公开个人手机号：删除它，或改为单位电话；公开热线请列入 campaign.yml 的 rules.public_numbers",
    "bank_card": "不能公开银行卡号：删除它；如果不是卡号，可以忽略这条提醒",
}


def personal_data_problems(text: str, source: PurePosixPath, public_numbers: Sequence[str]) -> list[Problem]:
    """Every ID, mobile and bank-card number in a file's text, at its line and column, masked."""
    problems = []
    for finding in find_personal_data(text, public_numbers):
        line_start = text.rfind("\n", 0, finding.start) + 1
        line = text.count("\n", 0, finding.start) + 1
        if finding.kind == "bank_card":
            code, severity = ("E603", Severity.ERROR) if finding.strong else ("W603", Severity.WARNING)
        else:
            code, severity = _PII_CODES[finding.kind], Severity.ERROR
        line_end = text.find("\n", finding.start)
        length = min(finding.end, line_end if line_end >= 0 else len(text)) - finding.start
        problems.append(Problem(code, f"疑似{KIND_NAMES[finding.kind]}：{finding.masked}", source, line,
                                finding.start - line_start + 1, hint=_PII_HINTS[finding.kind], severity=severity,
                                length=length))
    return problems


def file_name_problems(root: Path, source: PurePosixPath, public_numbers: Sequence[str]) -> list[Problem]:
    """Personal data in the names of an entry's folder and files (a scan named after an ID card…)."""
    names = [source.parent.name] + sorted(name for name in os.listdir(root / source.parent)
                                          if not name.startswith("."))
    if not find_personal_data("\n".join(names), public_numbers):
        return []  # one scan for the usual folder with nothing in its names
    problems = []
    for name in names:
        for finding in find_personal_data(name, public_numbers):
            if finding.strong:
                shown = name[:finding.start] + finding.masked + name[finding.end:]
                problems.append(Problem(_PII_CODES.get(finding.kind, "E603"),
                                        f"文件名“{shown}”含有{KIND_NAMES[finding.kind]}", source.parent / name,
                                        hint="给文件换一个不含个人信息的名字（例如 photo-1.jpg），并改正引用它的地方"))
    return problems


# ------------------------------------------------------------ house style

# Values that must stay exactly as written: names of files, vocabulary values
# (matched exactly against campaign.yml), ids and references, dates, reviewer
# names and fingerprints, URLs.
NOT_PROSE = frozenset({
    "file", "poster", "url", "site_url", "email", "phone", "region", "regions", "fields", "groups", "activity_types",
    "type", "era", "gender", "status", "key_date", "related", "exemplars", "matters", "activities", "id", "date",
    "end_date", "published", "updated", "born", "died", "pledged", "due", "done", "start", "end", "year",
    "name_pinyin", "by", "hash", "reviewed_by", "icp", "psb", "review_stages", "wrong", "right", "level",
    "public_numbers", "order", "participants", "featured", "typical_case", "obtained", "guardian", "consent",
})


def non_prose_lines(tree: YNode | None, text: str = "") -> set[int]:
    """File lines holding only values that house style must not touch.

    Besides the values above, whole-line YAML comments: they are never
    published, and are often commented-out YAML (``# consent: {…, note: …}``)
    that a punctuation fix would break.
    """
    fixed: set[int] = set()
    prose: set[int] = set()
    stack: list[tuple[YNode, str | None]] = [(tree, None)] if tree is not None else []
    while stack:
        node, key = stack.pop()
        if isinstance(node, YMap):
            stack += [(value, k.text) for k, value in node.items]
        elif isinstance(node, YSeq):
            stack += [(item, key) for item in node.items]
        else:
            (fixed if key in NOT_PROSE else prose).add(node.pos.line)
    return (fixed - prose) | _yaml_comment_lines(text)


def _yaml_comment_lines(text: str) -> set[int]:
    lines = text.split("\n")
    in_front_matter = bool(lines) and lines[0].rstrip() == "---"
    comments = set()
    for number, line in enumerate(lines[1:] if in_front_matter else lines, start=2 if in_front_matter else 1):
        if in_front_matter and line.rstrip() in ("---", "..."):
            break
        if line.lstrip().startswith("#"):
            comments.add(number)
    return comments


_STYLE_CODES = {"spacing": "W802", "traditional": "W803"}


def style_problems(text: str, source: PurePosixPath, tree: YNode | None, rules: Rules) -> list[Problem]:
    problems = []
    for finding in find_style_issues(text, _style_terms(rules.terms), non_prose_lines(tree, text), rules.spacing):
        problems.append(_style_problem(finding, source))
    return problems


def _style_problem(finding: StyleFinding, source: PurePosixPath) -> Problem:
    if finding.kind == "term":
        error = finding.level == "error"
        return Problem("E801" if error else "W801", f"“{finding.old}”应写作“{finding.new}”", source, finding.line,
                       finding.column, hint="运行 exemplar fix 自动改正，或手动修改",
                       severity=Severity.ERROR if error else Severity.WARNING, length=len(finding.old))
    if finding.kind == "spacing":
        return Problem("W802", "中英文之间的空格或标点不规范", source, finding.line, finding.column,
                       hint=f"改为：{finding.new.strip()}（exemplar fix 可自动改正）", severity=Severity.WARNING,
                       length=1)
    return Problem("W803", f"“{finding.old}”是繁体字", source, finding.line, finding.column,
                   hint=f"改为“{finding.new}”（exemplar fix 可自动改正）", severity=Severity.WARNING,
                   length=len(finding.old))


def fixed_text(text: str, tree: YNode | None, rules: Rules) -> str:
    """``text`` with every house-style correction applied (``exemplar fix``)."""
    return fix_text(text, _style_terms(rules.terms), non_prose_lines(tree, text), rules.spacing)


def _style_terms(terms: Sequence[Term]) -> tuple[StyleTerm, ...]:
    return tuple(StyleTerm(t.wrong, t.right, t.level) for t in terms)
