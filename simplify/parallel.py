"""Use the machine's other cores: split independent work across forked children, write caches in the background.

A fork, not a fresh interpreter, because the work needs what this process
already holds (the catalogue, the settings, the rules): a forked child sees
it without copying or pickling. Each child sends its result back pickled
through a pipe, read with the caches' restricted unpickler. The split never
changes a result: shares are consecutive and joined in order, and a child
that fails for any reason (killed, out of memory, an exception) has its
share done again here. Where fork is missing (Windows), for small inputs, or
with SIMPLIFY_JOBS=1, everything runs in this process.

SIMPLIFY_JOBS sets how many processes may work at once (default: the cores
this process may run on, at most MAX_JOBS).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_JOBS = 8


def jobs() -> int:
    """How many processes may work at once."""
    if not hasattr(os, "fork"):
        return 1
    wanted = os.environ.get("SIMPLIFY_JOBS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS has no affinity
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_JOBS))


def split_map(work: Callable[[Sequence[T]], list[R]], items: Sequence[T], min_share: int,
              first_share: float = 1.0) -> list[R]:
    """`work` of consecutive shares of `items`, joined in order: one share per process, at least `min_share` items each.

    The first share is done here, the others in forked children. `first_share`
    weights this process's share against a child's: a child also pickles its
    result when done, so this process can take a little more in that time.
    """
    count = min(jobs(), len(items) // max(1, min_share))
    if count <= 1:
        return work(items)
    bounds = _bounds(len(items), count, first_share)
    children = [_start(work, items[a:b]) for a, b in bounds[1:]]
    try:
        mine = work(items[bounds[0][0]:bounds[0][1]])
    except BaseException:
        for pid, read_end in children:  # a child blocked on a full pipe would wait for ever
            os.close(read_end)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        raise
    for child, (a, b) in zip(children, bounds[1:]):
        mine += _finish(child, work, items[a:b])
    return mine


def _bounds(total: int, count: int, first_share: float) -> list[tuple[int, int]]:
    weights = [first_share] + [1.0] * (count - 1)
    cuts, acc = [0], 0.0
    for w in weights[:-1]:
        acc += w
        cuts.append(round(total * acc / sum(weights)))
    cuts.append(total)
    return list(zip(cuts, cuts[1:]))


def _fork(body: Callable[[], None]) -> int:
    """The pid of a forked child that runs `body` and leaves, with status 0 if it returned and 1 if not,
    without running anything of the parent's (atexit handlers, finally blocks, buffered output)."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            body()
            status = 0
        finally:
            os._exit(status)
    return pid


def _start(work: Callable[[Sequence[T]], list[R]], share: Sequence[T]) -> tuple[int, int]:
    read_end, write_end = os.pipe()

    def send() -> None:
        from .catalog.cache import dumped

        os.close(read_end)
        data = dumped(work(share))
        with os.fdopen(write_end, "wb") as out:
            out.write(data)

    pid = _fork(send)
    os.close(write_end)
    return pid, read_end


def _finish(child: tuple[int, int], work: Callable[[Sequence[T]], list[R]], share: Sequence[T]) -> list[R]:
    pid, read_end = child
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status == 0:
        from .catalog.cache import load_trusted

        try:
            return load_trusted(data)
        except Exception:  # a child cut short: fall through and do its share here
            pass
    return work(share)


# -- work after the result: cache files written while the output is made --

_pending: list[tuple[Callable[[], None], Callable[[], None] | None]] = []
_running: list[tuple[int, list[tuple[Callable[[], None], Callable[[], None] | None]]]] = []
_deferring = False


def defer_writes() -> None:
    """From now until `wait_later()`, `later` writes wait for `start_later()` (a command's run)."""
    global _deferring
    _deferring = True


def later(write: Callable[[], None], then: Callable[[], None] | None = None) -> None:
    """Run `write`, then `then` here once it is done: in the background when a command deferred writes.

    For writes whose result this run does not wait for (cache files): a
    background child does them while this process goes on with the output.
    Outside a command (the library used directly) they are done at once.
    """
    _pending.append((write, then))
    if not _deferring:
        _run_here()


def start_later() -> None:
    """Start the pending writes in one forked child (here, at once, when fork is not to be used)."""
    if not _pending:
        return
    if jobs() <= 1:
        _run_here()
        return
    batch = list(_pending)
    _pending.clear()

    def write_all() -> None:
        for write, _ in batch:
            write()

    _running.append((_fork(write_all), batch))


def wait_later() -> None:
    """Do what is pending here, wait for every background write, and stop deferring; follow-ups run here.

    What is still pending at the end is written by this process: it would
    only wait for a child, which would first copy the pages it touches.
    """
    global _deferring
    _run_here()
    _deferring = False
    while _running:
        pid, batch = _running.pop(0)
        _, status = os.waitpid(pid, 0)
        if status == 0:
            for _, then in batch:
                if then is not None:
                    then()


def _run_here() -> None:
    batch = list(_pending)
    _pending.clear()
    for write, then in batch:
        write()
        if then is not None:
            then()
