"""`check` spreads documents over two processes on large campaigns; the report must not change."""

import pytest

from exemplar import forked as forked_module
from exemplar import pipeline

from conftest import copy_fixture_site

# Sites whose problems come from every kind of check: per-file schema, images,
# story text, and references across files (which need the other process's results).
SITES = ["bad-many-problems", "bad-related-missing", "bad-activity-unknown-exemplar", "bad-image-truncated",
         "bad-md-script", "bad-duplicate-key"]


@pytest.mark.parametrize("name", SITES)
def test_two_processes_report_exactly_what_one_does(tmp_path, monkeypatch, name):
    monkeypatch.setenv("EXEMPLAR_NO_CACHE", "1")  # both runs must really check
    root = copy_fixture_site(name, tmp_path / name)
    serial = pipeline.check(root)
    monkeypatch.setattr(pipeline, "_PARALLEL_MIN", 1)
    forked, here = [], []
    real_fork, real_check = forked_module.fork, pipeline.check_documents
    monkeypatch.setattr(forked_module, "fork", lambda: forked.append(1) or real_fork())
    monkeypatch.setattr(pipeline, "check_documents", lambda *a: here.append(1) or real_check(*a))
    parallel = pipeline.check(root)
    assert forked, "the second process was not used"
    assert len(here) == 1, "the second half was checked here, not in the child"
    assert parallel.report() == serial.report()
    assert parallel.problems == serial.problems and serial.problems


def test_a_valid_campaign_gives_the_same_model_either_way(tmp_path, monkeypatch):
    monkeypatch.setenv("EXEMPLAR_NO_CACHE", "1")
    root = copy_fixture_site("base", tmp_path / "base")
    serial = pipeline.check(root)
    monkeypatch.setattr(pipeline, "_PARALLEL_MIN", 1)
    parallel = pipeline.check(root)
    assert serial.site is not None and parallel.site == serial.site


def test_a_failing_child_costs_time_not_results(tmp_path, monkeypatch):
    monkeypatch.setenv("EXEMPLAR_NO_CACHE", "1")
    root = copy_fixture_site("bad-many-problems", tmp_path / "site")
    serial = pipeline.check(root)
    monkeypatch.setattr(pipeline, "_PARALLEL_MIN", 1)
    monkeypatch.setattr(forked_module.pickle, "dumps", lambda *a, **k: 1 / 0)  # only the child pickles
    assert pipeline.check(root).report() == serial.report()
