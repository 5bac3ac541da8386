"""The stage renders pages (and media-kit texts) on both cores; what it stages must not change."""

from __future__ import annotations

import os

from conftest import copy_fixture_site
from exemplar import forked, stage as stage_module
from exemplar.pipeline import check
from exemplar.publish import select


def test_two_processes_stage_exactly_what_one_does(tmp_path, monkeypatch):
    root = copy_fixture_site("base", tmp_path / "site")
    publish_set = select(check(root).site, drafts=True)
    serial = stage_module.stage(publish_set, root)

    statuses = []
    real_waitpid = os.waitpid
    monkeypatch.setattr(stage_module, "PARALLEL_MIN_JOBS", 1)
    monkeypatch.setattr(forked.os, "waitpid", lambda pid, options: statuses.append(real_waitpid(pid, options)[1])
                        or (pid, statuses[-1]))
    parallel = stage_module.stage(publish_set, root)

    assert len(statuses) == 2 and statuses == [0, 0], "pages and media texts are each split with a child"
    assert parallel.pages == serial.pages
    assert parallel.assets == serial.assets and serial.assets
    assert [p.path for p in parallel.pages] == [p.path for p in serial.pages]
