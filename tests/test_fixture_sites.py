"""One fixture site per failure mode: the exact lines `exemplar check` prints.

Each tests/sites/bad-*/ folder holds the files that differ from tests/sites/base
and expected.txt, the exact output (location, code, message, code frame, hint).
Run `pytest --update-golden` to rewrite expected.txt after a deliberate change,
then review the diff like code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SITES, copy_fixture_site

BAD_SITES = sorted(p.name for p in SITES.iterdir() if p.name.startswith("bad-"))


def test_there_is_a_fixture_per_failure_mode():
    assert len(BAD_SITES) >= 25


def test_base_site_is_clean(base_site, run_cli):
    code, out, err = run_cli("check", base_site)
    assert (code, out) == (0, "")


@pytest.mark.parametrize("name", BAD_SITES)
def test_bad_site_reports_exact_problems(name: str, tmp_path: Path, run_cli, update_golden: bool):
    root = copy_fixture_site(name, tmp_path / "site")
    code, out, err = run_cli("check", root)
    assert "Traceback" not in out + err
    assert code == 1, out
    expected = SITES / name / "expected.txt"
    if update_golden or not expected.exists():
        expected.write_text(out, encoding="utf-8")
        if not update_golden:
            pytest.fail(f"wrote {expected}; review it and run again")
    assert out == expected.read_text(encoding="utf-8")
