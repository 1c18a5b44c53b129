"""A parse cache, so that an unchanged procedure file is not parsed twice across runs.

One file per catalogue folder in the user's cache directory
(`$SIMPLIFY_CACHE_DIR`, else `$XDG_CACHE_HOME/simplify`, else
`~/.cache/simplify`), mapping each procedure file to the digest of its bytes
and what building it gave: the procedure and its diagnostics. An entry is
used only when the file's bytes and the evidence types and databases it was
checked against are unchanged. The cache is safe to delete; a corrupt,
stale or foreign cache file is ignored and rebuilt, and it is read with an
unpickler that can only make the model's own classes, never run code.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import write_atomic

FORMAT = 1
_ALLOWED = {
    ("simplify.model", name)
    for name in ("Location", "LegalRef", "Step", "Document", "Fee", "Output", "Waiver", "Procedure")
} | {("simplify.diagnostics", "Diagnostic")}


def cache_dir() -> Path | None:
    """Where cache files live; None when caching is switched off (SIMPLIFY_CACHE_DIR empty)."""
    explicit = os.environ.get("SIMPLIFY_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "simplify"


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return super().find_class(module, name)


class ParseCache:
    """The cache of one catalogue folder: load once, look up per file, save once."""

    def __init__(self, root: Path, context: bytes):
        self.context = context
        self.path: Path | None = None
        self.entries: dict[str, tuple[bytes, Any, tuple]] = {}
        self.fresh: dict[str, tuple[bytes, Any, tuple]] = {}
        self.changed = False
        folder = cache_dir()
        if folder is None:
            return
        key = hashlib.blake2b(str(root.resolve()).encode("utf-8"), digest_size=12).hexdigest()
        self.path = folder / f"parse-{key}.pickle"
        self.entries = self._read()

    def _read(self) -> dict:
        try:
            with open(self.path, "rb") as handle:
                stored = _ModelUnpickler(handle).load()
            if (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == FORMAT
                    and stored[1] == __version__ and stored[2] == self.context and isinstance(stored[3], dict)):
                return stored[3]
        except Exception:  # a missing, corrupt or foreign cache is simply rebuilt
            pass
        return {}

    def get(self, rel: str, file_digest: bytes) -> tuple[Any, tuple] | None:
        """(procedure or None, diagnostics) for an unchanged file, else None."""
        entry = self.entries.get(rel)
        if entry is None or entry[0] != file_digest:
            return None
        self.fresh[rel] = entry
        return entry[1], entry[2]

    def put(self, rel: str, file_digest: bytes, procedure: Any, diagnostics: list) -> None:
        self.fresh[rel] = (file_digest, procedure, tuple(diagnostics))
        self.changed = True

    def save(self) -> None:
        """Write the entries of this run (dropping files that are gone), if anything changed."""
        if self.path is None or not (self.changed or len(self.fresh) != len(self.entries)):
            return
        buffer = io.BytesIO()
        pickle.dump((FORMAT, __version__, self.context, self.fresh), buffer, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            write_atomic(self.path, lambda handle: handle.write(buffer.getvalue()))
        except OSError:  # a read-only or full cache directory must not fail the run
            pass
