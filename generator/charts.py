"""Campaign statistics and their charts, computed at build time.

``summary_tables`` counts the publish set by field, region, group, activity
type and month; ``bar_chart_svg`` draws one table as an inline SVG bar chart
(no chart library reaches the browser). Every label is escaped here, because
the SVG is inserted into the page as markup.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from markupsafe import escape

from .publish import PublishSet


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    unit: str
    rows: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.rows)


def summary_tables(publish: PublishSet) -> list[Table]:
    vocab = publish.campaign.vocabularies
    exemplars, activities = publish.exemplars, publish.activities

    def ordered(counter: Counter, order: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
        return tuple((value, counter[value]) for value in order if counter[value])

    fields = Counter(f for e in exemplars for f in e.fields)
    regions = Counter(e.region for e in exemplars) + Counter(a.region for a in activities if a.region)
    groups = Counter(g for e in exemplars for g in e.groups)
    types = Counter(a.type for a in activities)
    months = Counter((a.date.year, a.date.month) for a in activities)
    return [
        Table("fields", "典型人物：按领域", "人", ordered(fields, vocab.fields)),
        Table("groups", "典型人物：按群体", "人", ordered(groups, vocab.groups)),
        Table("regions", "人物与活动：按地区", "项", ordered(regions, vocab.regions)),
        Table("types", "活动：按类型", "场", ordered(types, vocab.activity_types)),
        Table("months", "活动：按月份", "场",
              tuple((f"{y}年{m}月", months[(y, m)]) for y, m in sorted(months))),
    ]


def totals(publish: PublishSet) -> list[tuple[str, int | str]]:
    done = sum(m.status == "done" for m in publish.matters)
    participants = sum(a.participants or 0 for a in publish.activities)
    return [("典型人物", len(publish.exemplars)), ("活动报道", len(publish.activities)),
            ("参与人次", participants), ("实事已办结", f"{done}/{len(publish.matters)}")]


def bar_chart_svg(table: Table, bar_height: int = 26, gap: int = 10, label_width: int = 132,
                  width: int = 640) -> str:
    """A horizontal bar chart; scales to its container (viewBox), readable at 390 px."""
    if not table.rows:
        return ""
    peak = max(count for _, count in table.rows) or 1
    chart_width = width - label_width - 48
    height = len(table.rows) * (bar_height + gap) + gap
    parts = [f'<svg class="ex-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="chart-{table.id}-title" preserveAspectRatio="xMinYMin meet">',
             f'<title id="chart-{table.id}-title">{escape(table.title)}</title>']
    for index, (label, count) in enumerate(table.rows):
        y = gap + index * (bar_height + gap)
        bar = max(2, round(chart_width * count / peak))
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" class="ex-chart-label">'
            f'{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{bar}" height="{bar_height}" rx="3" class="ex-chart-bar"/>'
            f'<text x="{label_width + bar + 6}" y="{y + bar_height * 0.7:.1f}" class="ex-chart-value">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)
