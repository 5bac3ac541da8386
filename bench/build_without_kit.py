"""`exemplar build` with the media kit switched off, for benchmarks only.

    python bench/build_without_kit.py ROOT --site-dir DIR

Exactly the command line's build (check, image processing, pages, MkDocs,
the personal-data scan, the atomic swap), except that the stage runs with
``stage(..., media=False)``: no media kit (cards, posters, QR codes, Word and
text releases, zip) and therefore no feeds, which list the kits' cards. That
parameter exists in generator/stage.py but the command line does not expose
it, so this wrapper sets it before handing over to ``exemplar.cli.main``.
Plain MkDocs and Hugo make no media kit, so this is the build to compare with
them; bench/run.py measures the kit's own cost on the sample campaign.
"""

from __future__ import annotations

import functools
import sys

from exemplar import cli
from exemplar import stage as stage_module

# pipeline.compile_site imports `stage` from the module when it runs, so it picks this up.
stage_module.stage = functools.partial(stage_module.stage, media=False)

if __name__ == "__main__":
    sys.argv[1:1] = ["build"]
    cli.entry()  # as the command line ends: at once, without the interpreter's teardown
