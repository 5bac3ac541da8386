"""The check cache: unchanged documents are not checked again, and any change is seen."""

import pytest
from PIL import Image

from exemplar import validate
from exemplar.checkcache import CACHE_FILE
from exemplar.pipeline import check

from conftest import copy_fixture_site

STORY = "stories/zhang-san/index.md"


@pytest.fixture
def checked(monkeypatch):
    """The sources check_document actually ran on, per check."""
    calls = []
    real = validate.check_document

    def counting(root, ref, *args):
        calls.append(str(ref.source))
        return real(root, ref, *args)

    monkeypatch.setattr(validate, "check_document", counting)
    return calls


def test_an_unchanged_site_is_not_checked_again(tmp_path, checked):
    root = copy_fixture_site("bad-many-problems", tmp_path / "site")
    first = check(root)
    assert checked and (root / CACHE_FILE).is_file()
    checked.clear()
    second = check(root)
    assert checked == []
    assert second.report() == first.report() and second.problems == first.problems


def test_an_edit_rechecks_that_document_only(tmp_path, checked):
    root = copy_fixture_site("base", tmp_path / "site")
    assert check(root).ok
    checked.clear()
    story = root / STORY
    story.write_text(story.read_text(encoding="utf-8").replace("region: 莲池区", "region: 火星"), encoding="utf-8")
    result = check(root)
    assert checked == [STORY]
    assert [(p.code, str(p.file), p.line) for p in result.problems] == [("E204", STORY, 4)]


def test_a_damaged_photo_with_the_same_name_is_seen(tmp_path, checked):
    root = copy_fixture_site("base", tmp_path / "site")
    assert check(root).ok
    portrait = root / "stories/zhang-san/portrait.jpg"
    portrait.write_bytes(portrait.read_bytes()[:-200])  # truncated: no end-of-image marker
    assert [p.code for p in check(root).problems] == ["E406"]


def test_a_photo_replaced_by_a_symlink_is_seen(tmp_path):
    root = copy_fixture_site("base", tmp_path / "site")
    assert check(root).ok
    portrait = root / "stories/zhang-san/portrait.jpg"
    outside = tmp_path / "elsewhere.jpg"
    Image.open(portrait).save(outside)
    portrait.unlink()
    portrait.symlink_to(outside)
    assert "E403" in [p.code for p in check(root).problems]


def test_new_campaign_settings_recheck_everything(tmp_path, checked):
    root = copy_fixture_site("base", tmp_path / "site")
    check(root)
    checked.clear()
    campaign = root / "content/campaign.yml"
    campaign.write_text(campaign.read_text(encoding="utf-8").replace("regions: [莲池区, 竞秀区, 涿州市]",
                                                                     "regions: [竞秀区, 涿州市]"), encoding="utf-8")
    result = check(root)
    assert sorted(set(checked)) == sorted(["content/activities/2021-05-30-kejigongzuozhe-ri/index.md",
                                           "content/pages/about.md", STORY])
    assert ("E204", STORY) in [(p.code, str(p.file)) for p in result.problems]


def test_a_damaged_or_unwritable_cache_is_ignored(tmp_path, checked):
    root = copy_fixture_site("bad-many-problems", tmp_path / "site")
    expected = check(root).report()
    (root / CACHE_FILE).write_bytes(b"not a pickle")
    assert check(root).report() == expected
    # A file where the cache folder should be: unwritable even for root.
    (root / CACHE_FILE).unlink()
    (root / CACHE_FILE).parent.rmdir()
    (root / CACHE_FILE).parent.write_text("not a folder", encoding="utf-8")
    assert check(root).report() == expected
    assert check(root).report() == expected


def test_it_can_be_turned_off(tmp_path, checked, monkeypatch):
    root = copy_fixture_site("base", tmp_path / "site")
    monkeypatch.setenv("EXEMPLAR_NO_CACHE", "1")
    check(root)
    checked.clear()
    check(root)
    assert len(checked) == 3 and not (root / CACHE_FILE).exists()
