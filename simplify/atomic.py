"""The one way this tool writes files: atomically, so nothing is ever half-written.

Content goes to a temporary file in the destination's folder, is flushed and
fsynced, then renamed over the destination; an interruption at any point
leaves the previous file as it was. A cache file is not fsynced: one a crash
cut short is detected and rebuilt, and waiting for the disk would cost a cold
run of a national catalogue a few tenths of a second (170 MB of caches).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: str | Path, fill: Callable[[BinaryIO], None], *, durable: bool = True) -> None:
    """Call `fill` with a binary file object, then move the result to `path`, on the disk first when `durable`."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); a report should get the permissions
        # of the file it replaces, or those a newly created file would get.
        os.chmod(tmp, _mode_for(target))
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write UTF-8 text to `path` atomically."""
    data = text.encode("utf-8")
    write_atomic(path, lambda handle: handle.write(data))
