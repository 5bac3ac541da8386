"""Browser tests (a package so that its conftest and helpers import as browser.*)."""
