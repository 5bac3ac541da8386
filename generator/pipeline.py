"""The stages in order.

``check(root)`` runs load → validate and returns every problem with the source
lines needed to print them. ``build`` (the public site) is added on top of the
same result, so a build can never see content that ``check`` did not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .images import prefetch
from .load import Loaded, bundle_images, load_campaign, load_site
from .model import Campaign, Site
from .problems import Problem, has_errors, sort_problems
from .validate import validate, validate_campaign


@dataclass(frozen=True)
class CheckResult:
    site: Site | None  # None when there are errors
    problems: list[Problem]
    sources: dict[PurePosixPath, list[str]]

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def check(root: Path, today: dt.date | None = None) -> CheckResult:
    prefetch(bundle_images(root))  # header checks on the second core while YAML is parsed
    loaded = load_site(root)
    validated = validate(loaded, today=today)
    return CheckResult(validated.site, sort_problems(validated.problems), loaded.sources)


def campaign_of(root: Path) -> Campaign | None:
    """The campaign alone, for commands that need its vocabularies, not the stories."""
    loaded = Loaded(root=root)
    loaded.campaign = load_campaign(loaded)
    campaign, _ = validate_campaign(loaded, [])
    return campaign
