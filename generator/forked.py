"""Independent work split over this process and one forked child: both cores, no pool.

``check`` (one document at a time), the stage (one page at a time) and the
last gate (one output file at a time) each do the same work over many
independent items. ``in_halves`` runs the first half here and the second in a
child made by ``fork``: the child starts with everything this process has
(imports, the campaign, templates, caches) and sends back only its result,
pickled through a pipe, then ends at once without tearing its objects down.
A process pool would pay for starting, for shipping the work there, and for
its own shutdown; on two cores that is what the second half saves.

Where ``fork`` is missing, below ``minimum`` items, or when the child fails,
the work runs here (an error then shows with its real traceback).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def in_halves(work: Callable[[Sequence[T]], R], items: Sequence[T], *, minimum: int,
              split: int | None = None) -> list[R]:
    """``[work(items[:split]), work(items[split:])]``, the second computed in a forked child; one result when small.

    ``split`` defaults to the middle.
    """
    if len(items) < max(minimum, 2) or not hasattr(os, "fork"):
        return [work(items)]
    half = len(items) // 2 if split is None else split
    read_end, write_end = os.pipe()
    pid = fork()
    if pid == 0:
        os.close(read_end)
        status = 1
        try:
            data = pickle.dumps(work(items[half:]), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        first = work(items[:half])
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if status != 0:
        return [first, work(items[half:])]
    return [first, pickle.loads(data)]


def fork() -> int:
    """``os.fork``; tests replace it to see that the child was used."""
    return os.fork()
