"""Use the machine's other cores: split independent work across forked children, write caches in the background.

A fork, not a fresh interpreter, because the work needs what this process
already holds (the catalogue, the settings, the rules): a forked child sees
it without copying or pickling. Each child sends its result back pickled,
in a file of its own with no name, read with the caches' restricted
unpickler. The split never changes a result: shares are consecutive and
joined in order, and a child that fails for any reason (killed, out of
memory, an exception) has its share done again here. Where fork is
missing (Windows), for small inputs, or with SIMPLIFY_JOBS=1, everything
runs in this process.

SIMPLIFY_JOBS sets how many processes may work at once (default: the cores
this process may run on, at most MAX_JOBS).
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO, TypeVar

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
    _reap(block=False)
    children = [(_start(work, items[a:b]), items[a:b]) for a, b in bounds[1:]]
    try:
        mine = work(items[bounds[0][0]:bounds[0][1]])
        while children:
            child, share = children.pop(0)  # from here on, _finish answers for it
            mine += _finish(child, work, share)
    except BaseException:  # interrupted or failed here: no child is left running
        for (pid, out, done), _ in children:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            out.close()
            os.close(done)
        raise
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
    global _in_child
    pid = os.fork()
    if pid == 0:
        _in_child = True
        status = 1
        try:
            body()
            status = 0
        finally:
            os._exit(status)
    return pid


_in_child = False


def in_child() -> bool:
    """Whether this process is a forked child (doing a share of some work, or the background writes)."""
    return _in_child


def pickled_once(value: Any, keep: bool) -> tuple[Any, bytes | None]:
    """`value` as a share's work hands it back to be pickled only once: from a child, only its bytes (they are
    what travels); here, the value itself, with its bytes when `keep` (a cache file then holds them as they
    are). `unpickled_once` reads either back."""
    from .catalog.cache import dumped

    if _in_child:
        return None, dumped(value)
    return value, dumped(value) if keep else None


def unpickled_once(handed: tuple[Any, bytes | None]) -> tuple[Any, bytes | None]:
    """(the value, its bytes or None) of what `pickled_once` handed back, here or from a child."""
    value, data = handed
    if value is None:
        from .catalog.cache import load_trusted

        value = load_trusted(data)
    return value, data


def _start(work: Callable[[Sequence[T]], list[R]], share: Sequence[T]) -> tuple[int, BinaryIO, int]:
    # The result goes through a file with no name, not a pipe: a pipe passes tens of megabytes 64 KB at a
    # time, waking both processes for each. The pipe only says the file is complete: a child that has
    # touched a large inherited memory takes a while to exit, and its result is not held up by that.
    out = tempfile.TemporaryFile()
    done, said = os.pipe()

    def send() -> None:
        from .catalog.cache import dumped

        os.close(done)
        out.write(dumped(work(share)))
        out.flush()
        os.write(said, b"1")

    pid = _fork(send)
    os.close(said)
    return pid, out, done


def _finish(child: tuple[int, BinaryIO, int], work: Callable[[Sequence[T]], list[R]], share: Sequence[T]) -> list[R]:
    pid, out, done = child
    complete = False
    with out:
        try:
            complete = os.read(done, 1) == b"1"  # nothing (the end of the pipe) if the child failed
        finally:
            os.close(done)
            if not complete:  # failed, or this process interrupted while waiting: none is left running
                os.kill(pid, signal.SIGKILL)
            _unreaped.append(pid)
        if complete:
            from .catalog.cache import load_trusted

            out.seek(0)
            try:
                return load_trusted(out.read())
            except Exception:  # a file cut short: fall through and do its share here
                pass
    return work(share)


_unreaped: list[int] = []  # children done with (their result read, or failed) that may still be exiting


def _reap(block: bool) -> None:
    """Collect the exit of the children that are done (all of them, waiting, with `block`)."""
    for pid in list(_unreaped):
        if os.waitpid(pid, 0 if block else os.WNOHANG)[0]:
            _unreaped.remove(pid)


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
    _reap(block=True)  # long done exiting by now; their CPU time is then counted as this process's
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
