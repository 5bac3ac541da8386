"""cachefile: a large cache whose entries barely changed is updated by a small delta beside it."""

import pickle

import pytest

from exemplar import cachefile


@pytest.fixture(autouse=True)
def fresh_process():
    """Each test reads as a new process would (no memory of earlier reads)."""
    cachefile._read.clear()
    yield
    cachefile._read.clear()


def entries(n=100):
    return {f"page-{i}": [f"text {i}"] for i in range(n)}


def reread(path):
    cachefile._read.clear()
    return cachefile.read_cache(path, "fp")


def with_one_edit(path):
    """A cache written whole, then one entry edited (which goes to the delta)."""
    cachefile.write_cache(path, "fp", entries())
    stored = reread(path)
    stored["page-1"] = ["edited"]
    cachefile.write_cache(path, "fp", stored)
    assert path.with_name(path.name + ".delta").exists()
    return stored


def test_a_few_changes_go_to_a_delta_and_read_back_merged(tmp_path):
    path = tmp_path / "search.pickle"
    cachefile.write_cache(path, "fp", entries())
    whole = path.read_bytes()
    stored = reread(path)
    stored["page-3"] = ["edited"]
    del stored["page-4"]
    stored["page-new"] = ["added"]
    cachefile.write_cache(path, "fp", stored)
    assert path.read_bytes() == whole  # the large file is not written again
    delta = pickle.loads(path.with_name("search.pickle.delta").read_bytes())
    assert delta["changed"] == {"page-3": ["edited"], "page-new": ["added"]} and delta["removed"] == ["page-4"]
    again = reread(path)
    assert again == stored
    again["page-5"] = ["edited later"]  # a second rebuild: the delta still holds the first one's changes
    cachefile.write_cache(path, "fp", again)
    assert reread(path) == again and path.read_bytes() == whole


def test_many_changes_rewrite_the_whole_file_and_drop_the_delta(tmp_path):
    path = tmp_path / "stage.pickle"
    stored = with_one_edit(path)
    everything = {key: ["new"] for key in stored}
    cachefile.write_cache(path, "fp", everything)
    assert not path.with_name("stage.pickle.delta").exists()
    assert reread(path) == everything


def test_a_delta_made_against_another_version_of_the_file_is_ignored(tmp_path):
    path = tmp_path / "check.pickle"
    with_one_edit(path)
    delta = path.with_name("check.pickle.delta").read_bytes()
    cachefile._read.clear()
    cachefile.write_cache(path, "fp", entries())  # another process replaced the whole file
    path.with_name("check.pickle.delta").write_bytes(delta)  # and an old delta was left behind
    assert reread(path) == entries()


def test_a_damaged_delta_or_another_fingerprint_means_no_delta_or_no_cache(tmp_path):
    path = tmp_path / "check.pickle"
    cachefile.write_cache(path, "fp", entries())
    path.with_name("check.pickle.delta").write_bytes(b"\x80\x05 damaged")
    assert reread(path) == entries()
    cachefile._read.clear()
    assert cachefile.read_cache(path, "another fingerprint") is None
