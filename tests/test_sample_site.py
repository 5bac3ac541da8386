"""The repository's own sample campaign is complete and clean."""

from collections import Counter

import pytest

from conftest import REPO
from exemplar.pipeline import check


@pytest.fixture(scope="module")
def sample():
    result = check(REPO)
    assert result.problems == [], result.problems
    return result.site


def test_sample_covers_every_field_and_group(sample):
    published = [e for e in sample.exemplars if e.publication.is_published]
    assert len(published) >= 8
    vocab = sample.campaign.vocabularies
    assert {f for e in published for f in e.fields} == set(vocab.fields)
    assert {g for e in published for g in e.groups} == set(vocab.groups)
    assert len({e.region for e in published}) >= 5
    assert any(e.era == "historical" for e in published)
    assert {e.gender for e in published} == {"男", "女"}


def test_sample_has_a_draft_that_must_never_be_published(sample):
    drafts = [e for e in sample.exemplars if not e.publication.is_published]
    assert drafts and any("哨兵" in e.body for e in drafts)


def test_sample_activities_spread_over_the_key_dates(sample):
    published = [a for a in sample.activities if a.publication.is_published]
    assert len(published) >= 6
    assert len({a.key_date for a in published if a.key_date}) >= 3
    assert len({a.date.month for a in published}) >= 5


def test_sample_matters_in_every_status(sample):
    assert len(sample.matters) >= 10
    statuses = Counter(m.status for m in sample.matters)
    assert set(statuses) == {"planned", "in_progress", "done"}
    assert any(m.typical_case for m in sample.matters)


def test_sample_says_it_is_fictional(sample):
    assert "虚构" in sample.campaign.notice
    about = next(p for p in sample.pages if p.slug == "about")
    assert "虚构" in about.body
