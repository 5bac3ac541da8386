"""Shared fixtures: build sites from files, copy fixture sites, run the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from exemplar.cli import main

TESTS = Path(__file__).parent
REPO = TESTS.parent
SITES = TESTS / "sites"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite expected outputs of fixture sites and golden files (review the diff!)")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def copy_fixture_site(name: str, destination: Path) -> Path:
    """The base site with fixture ``name`` laid over it (its remove.txt deletes files)."""
    shutil.copytree(SITES / "base", destination, symlinks=True)
    overlay = SITES / name
    if overlay.is_dir() and name != "base":
        for source in sorted(overlay.rglob("*")):
            relative = source.relative_to(overlay)
            if relative.parts[0] in ("expected.txt", "remove.txt"):
                continue
            target = destination / relative
            if source.is_dir() and not source.is_symlink():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target, follow_symlinks=False)
        removals = overlay / "remove.txt"
        if removals.exists():
            for line in removals.read_text(encoding="utf-8").split():
                (destination / line).unlink()
    return destination


@pytest.fixture
def base_site(tmp_path: Path) -> Path:
    return copy_fixture_site("base", tmp_path / "site")


@pytest.fixture
def make_site(tmp_path: Path):
    """make_site({"stories/a/index.md": "..."}) -> a copy of the base site with those files."""

    def make(files: dict[str, str | bytes] | None = None, base: str = "base") -> Path:
        root = copy_fixture_site(base, tmp_path / "site")
        for relative, content in (files or {}).items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    """run_cli("check", path) -> (exit code, stdout, stderr)."""

    def run(*argv: str | Path) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
