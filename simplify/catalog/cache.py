"""Caches that make a second run over an unchanged catalogue nearly free.

Files in the user's cache directory (`$SIMPLIFY_CACHE_DIR`, else
`$XDG_CACHE_HOME/simplify`, else `~/.cache/simplify`), named by kind and by
the catalogue's path. For a folder, the top cache keeps what its catalog,
databases and evidence types files gave, and the parse cache maps each
procedure file to the digest of its bytes and what building it gave (the
procedure and its diagnostics); an entry is used only when the file's bytes
and the evidence types and databases it was checked against are unchanged.
For a workbook or a single file the parse cache holds one entry, the whole
catalogue and its diagnostics under the digest of the file's bytes: one byte
changed reads it all again. The analysis cache maps each procedure to its
cost and findings under a key that covers everything they depend on (see
`AnalysisCache`), the projected cache keeps the projected metrics of the
last run, and the JSON cache the JSON of each procedure's findings. All are
safe to delete; a corrupt, stale or foreign file is ignored and rebuilt, and
is read with an unpickler that can only make the model's own classes (and
the costs and findings), never run code. What a run parsed is kept as the
bytes each process pickled it to (`put_pickled`, `PickledTuple`): the same
bytes a forked worker sent back, not pickled a second time. Every file is
marked with the package's version and a digest of its source (`code_stamp`):
one made by other code (an upgrade, a checkout of another commit) is never
read.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import io
import os
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .. import __version__
from ..atomic import write_atomic

if TYPE_CHECKING:
    from ..model import Catalog

FORMAT = 5
# Classes a cache file may hold, with the module each is defined in.
_CLASSES = {
    "simplify.model": ("Location", "LegalRef", "Step", "Document", "Fee", "Output", "Waiver", "Procedure",
                       "EvidenceType", "Database", "CatalogInfo", "Catalog"),
    "simplify.diagnostics": ("Diagnostic",),
    "simplify.cost": ("ProcedureCost",),
    "simplify.measures": ("Measure",),
    "simplify.rules.finding": ("Finding", "Part"),
}
_ALLOWED = {(module, name) for module, names in _CLASSES.items() for name in names}


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while making objects that all live on, and freeze them after.

    Loading and analysing a national catalogue make millions of objects and
    free almost none: the collector's repeated full scans would find nothing.
    Frozen, they are never scanned again; the model holds no cycles, so they
    are still freed when dropped.
    """
    with _collector_off():
        try:
            yield
        finally:
            gc.freeze()


@contextmanager
def _collector_off() -> Iterator[None]:
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def cache_dir() -> Path | None:
    """Where cache files live; None when caching is switched off (SIMPLIFY_CACHE_DIR empty)."""
    explicit = os.environ.get("SIMPLIFY_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "simplify"


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@functools.cache
def code_stamp() -> str:
    """The version and a digest of the package's source: what a cache file was made by.

    The version alone would let a cache made by other code of the same
    version (a development install at another commit) give stale findings.
    Reading the package's source takes a few milliseconds, once a run.
    """
    root = Path(__file__).resolve().parents[1]
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
    return f"{__version__}+{h.hexdigest()}"


def folder_key(root: Path) -> str:
    """The name a catalogue folder's cache files share."""
    return hashlib.blake2b(str(root.resolve()).encode("utf-8"), digest_size=12).hexdigest()


# -- pickling the model's frozen classes quickly --------------------------
#
# A frozen dataclass pickles through dataclasses' own __getstate__/__setstate__,
# which look the fields up again for every object: a national catalogue has a
# million of them. Here each is written as its class and the tuple of its
# fields, and made again by calling the class (its generated __init__ takes
# the fields in that order), a third faster to read.

_REDUCERS: dict[type, Any] = {}


def _reducers() -> dict[type, Any]:
    if not _REDUCERS:
        import importlib

        for module, names in _CLASSES.items():
            for name in names:
                cls = getattr(importlib.import_module(module), name)
                # attrgetter of several names gives a tuple; every class here has at least two fields
                values = attrgetter(*cls.__slots__)
                _REDUCERS[cls] = lambda obj, cls=cls, values=values: (cls, values(obj))
        from ..rules.finding import Part

        _REDUCERS[PickledTuple] = lambda items: (_joined, (items.segments,))
        # A procedure's findings are written pickled on their own, to be read only when looked at.
        # (Their JSON, made for one language, is the JSON cache's business.)
        _REDUCERS[Part] = lambda part: (Part, (part.procedure, part.count, part.waived, part.key, part.before,
                                               part.after, part.reaching, None, part.blob(), None))
    return _REDUCERS


def dump(value: Any, handle: BinaryIO) -> None:
    """Pickle `value` to `handle`, the model's classes as their fields."""
    pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _reducers()
    # Each object's reduction makes tuples, which would start the collector thousands of times over
    # objects that all live on (pickling a national catalogue takes twice as long with it).
    with _collector_off():
        pickler.dump(value)


class PickledTuple(tuple):
    """A tuple of model objects that also holds the bytes they were pickled to (`dump` of lists of them, in
    order): it is pickled as those bytes, not again."""

    segments: tuple[bytes, ...]


def pickled_tuple(items: list, segments: list[bytes]) -> PickledTuple:
    """`items`, which `segments` hold pickled (each a list of consecutive ones), as a `PickledTuple`."""
    out = PickledTuple(items)
    out.segments = tuple(segments)
    return out


def _joined(segments: tuple[bytes, ...]) -> tuple:
    """What a `PickledTuple` is read back as: the items of its segments, in order."""
    return tuple(item for data in segments for item in load_trusted(data))


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == (__name__, "_joined"):
            return _joined
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        from ..model import maker

        # Each object is written as its class and its fields (see `dump`): made from them directly.
        return maker(super().find_class(module, name))


def dumped(value: Any) -> bytes:
    """`value` pickled by `dump`, as bytes (what `load_trusted` reads back)."""
    buffer = io.BytesIO()
    dump(value, buffer)
    return buffer.getvalue()


def load_trusted(data: bytes) -> Any:
    """What `dump` wrote, read back with the unpickler that can only make the model's classes."""
    with collector_paused():
        return _ModelUnpickler(io.BytesIO(data)).load()


# -- cache files ----------------------------------------------------------


class _CacheFile:
    """One cache file of a catalogue folder: read once, looked up by entry, written once if it changed."""

    kind = ""
    # The entries this process last read or wrote, by file, with the file's size and time then: a
    # second load of the same folder in one run (check --baseline on itself) does not unpickle it again.
    _recent: dict[Path, tuple[tuple, bytes, dict]] = {}

    def __init__(self, name: str, context: bytes):
        self.name, self.context = name, context
        self.path: Path | None = None
        self.entries: dict = {}
        self.fresh: dict = {}
        self.segments: list[tuple[bytes, tuple]] = []  # entries given already pickled, and their names
        self.changed = False
        folder = cache_dir()
        if folder is None:
            return
        self.path = folder / f"{self.kind}-{name}.pickle"
        self.entries = self._read()

    def get(self, name: str, key: bytes) -> tuple | None:
        """What was kept under `name` with `key` (the digest of what it depends on), else None; a hit is kept
        again, and an entry no run asks for is dropped when the file is next written."""
        entry = self.entries.get(name)
        if entry is None or entry[0] != key:
            return None
        self.fresh[name] = entry
        return entry[1:]

    def put(self, name: str, key: bytes, *values: Any) -> None:
        self.fresh[name] = (key, *values)
        self.changed = True

    def put_pickled(self, entries: dict, data: bytes) -> None:
        """`put` every entry of `entries` (name -> (key, values...)), which `data` holds pickled by `dump`: the
        file is written with those bytes as they are, not pickling the entries again."""
        self.fresh.update(entries)
        self.segments.append((data, tuple(entries)))
        self.changed = True

    def _read(self) -> dict:
        recent = self._recent.get(self.path)
        if recent is not None and recent[0] in (_PENDING, _stamp(self.path)) and recent[1] == self.context:
            return recent[2]
        try:
            with open(self.path, "rb") as handle, collector_paused():
                stored = _ModelUnpickler(handle).load()
                if (isinstance(stored, tuple) and len(stored) == 5 and stored[0] == FORMAT
                        and stored[1] == code_stamp() and stored[2] == self.context and isinstance(stored[3], dict)
                        and isinstance(stored[4], tuple)):
                    entries = stored[3]
                    for data in stored[4]:
                        entries.update(load_trusted(data))
                    self._remember(entries, _stamp(self.path))
                    return entries
        except Exception:  # a missing, corrupt or foreign cache is simply rebuilt
            pass
        return {}

    def save(self) -> None:
        """Write the entries of this run (dropping those not asked for), if anything changed, in the background.

        Until the file is written, a second read of it in this run gets these
        entries (they are what is being written; each is checked against its
        file's digest when used anyway).
        """
        if self.path is None or not (self.changed or len(self.fresh) != len(self.entries)):
            return
        from ..parallel import later

        given = {name for _, names in self.segments for name in names}
        loose = {name: entry for name, entry in self.fresh.items() if name not in given}
        segments = tuple(data for data, _ in self.segments)
        path, kind, stored = self.path, self.kind, (FORMAT, code_stamp(), self.context, loose, segments)
        self._remember(self.fresh, _PENDING)
        later(lambda: _write(path, kind, stored), lambda: self._remember(self.fresh, _stamp(path)))

    def _remember(self, entries: dict, stamp: tuple) -> None:
        recent = type(self)._recent
        recent.pop(self.path, None)
        recent[self.path] = (stamp, self.context, entries)
        while len(recent) > 2:
            del recent[next(iter(recent))]


_PENDING = ("being written by this run",)


def _write(path: Path, kind: str, stored: tuple) -> None:
    try:
        # Not fsynced: a file a crash cut short fails to unpickle, and is rebuilt (see _read).
        write_atomic(path, lambda handle: dump(stored, handle), durable=False)
    except (OSError, pickle.PicklingError):  # a read-only or full cache directory must not fail the run
        return
    _prune(path.parent, kind)


KEEP = 16  # cache files of each kind: a folder read once (a git: baseline's copy) is not kept for ever


def _prune(folder: Path, kind: str) -> None:
    """Delete all but the KEEP most recently written cache files of `kind`."""
    try:
        files = sorted(((f.stat().st_mtime_ns, f) for f in folder.glob(f"{kind}-*.pickle")), reverse=True)
        for _, old in files[KEEP:]:
            old.unlink()
    except OSError:  # another run pruned it first, or the folder is read-only: it is only a cache
        pass


def _stamp(path: Path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return ()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


class ParseCache(_CacheFile):
    """The parse cache of one catalogue folder (entries by procedure file) or file (one entry, the catalogue)."""

    kind = "parse"
    _recent: dict[Path, tuple[tuple, bytes, dict]] = {}

    def __init__(self, root: Path, context: bytes):
        self.folder = folder_key(root)
        super().__init__(self.folder, context)

    # Entries: file name -> (digest of its bytes, what it gave or None, diagnostics).


class TopCache(ParseCache):
    """What a catalogue folder's catalog.yaml, databases.yaml and evidence_types.yaml gave, under the digest
    of their bytes (the parse cache's context is built from them)."""

    kind = "top"
    _recent: dict[Path, tuple[tuple, bytes, dict]] = {}


class Sourced(tuple):
    """The procedures of a catalogue folder, knowing the file each was read from.

    `fingerprints[i]` is the name and the digest of the bytes of the file
    procedure `i` was read from; `folder` names the folder's cache files. Any
    new tuple of procedures (a scenario, a measure applied) is a plain tuple,
    so what is known of the files never outlives the procedures read from them.
    """

    folder: str
    fingerprints: tuple[bytes, ...]


def sourced(procedures: list, fingerprints: list[bytes], folder: str) -> Sourced:
    out = Sourced(procedures)
    out.folder = folder
    out.fingerprints = tuple(fingerprints)
    return out


class AnalysisCache(_CacheFile):
    """Costs and findings of each procedure of one catalogue folder, and the projected metrics.

    A procedure's entry is keyed by the digest of: the settings (rule packs
    and cost model, as loaded), the evidence types and databases, its own
    file (name and bytes), and for every evidence type it asks for, the files
    of the procedures that issue it, and for every one it issues, the files of
    the procedures that ask for it. That covers all a rule can read about it
    (its suppliers, consumers and their kinds and life events, the issuers of
    its documents) and what pricing a merge into its consumer reads. The
    projected metrics are kept under the digest of every procedure's key.
    """

    kind = "analysis"
    _recent: dict[Path, tuple[tuple, bytes, dict]] = {}

    def __init__(self, procedures: Sourced, context: bytes):
        super().__init__(procedures.folder, b"")
        self.keys = _procedure_keys(procedures, digest(context))
        self.metrics = _ProjectedCache(procedures.folder, b"")

    @classmethod
    def open(cls, catalog: Catalog, settings_key: Callable[[], bytes]) -> AnalysisCache | None:
        """The cache for `catalog` analysed with the settings `settings_key()` describes, if it was read from a folder.

        None when caching is off, or the procedures are not those read from
        files (a scenario's, a workbook's): nothing then says what they hold.
        """
        if not isinstance(catalog.procedures, Sourced) or cache_dir() is None:
            return None
        context = repr((catalog.evidence_types, catalog.databases)).encode("utf-8")
        return cls(catalog.procedures, settings_key() + b"\0" + context)

    def costs_and_findings(self, code: str) -> tuple | None:
        """(cost, findings as a `Part`) of the procedure `code` when nothing they depend on changed."""
        return self.get(code, self.keys[code])

    def put_costs_and_findings(self, code: str, cost: Any, findings: Any) -> None:
        """Keep the cost and the findings (a `Part`, which takes the procedure's key) of `code`."""
        findings.key = self.keys[code]
        self.put(code, self.keys[code], cost, findings)

    def projected(self) -> dict | None:
        """The projected metrics, when no procedure's key changed."""
        entry = self.metrics.entries.get(None)
        return entry[1] if entry is not None and entry[0] == self._run_key() else None

    def put_projected(self, metrics: dict) -> None:
        """Keep the projected metrics, written at once (a small file of their own: the costs and findings
        are written in the background while they are worked out)."""
        self.metrics.fresh[None] = (self._run_key(), metrics)
        self.metrics.changed = self.metrics.entries.get(None) != self.metrics.fresh[None]
        self.metrics.save()

    def _run_key(self) -> bytes:
        return digest(b"".join(self.keys.values()))


class _ProjectedCache(_CacheFile):
    kind = "projected"
    _recent: dict[Path, tuple[tuple, bytes, dict]] = {}


class JsonCache(_CacheFile):
    """The JSON of each procedure's reported findings in one language, as a compact audit writes them.

    Kept under the procedure's analysis key (see `AnalysisCache`), so an entry
    is exactly what writing its findings again would give; the file is named
    by the analysis cache's name, the language and --show-waived, and its
    context is the JSON encoder's version (which spells the floats).
    """

    kind = "json"
    _recent: dict[Path, tuple[tuple, bytes, dict]] = {}

    @classmethod
    def open(cls, name: str | None, lang: str, show_waived: bool, encoder: str) -> JsonCache | None:
        if name is None or cache_dir() is None:
            return None
        return cls(f"{name}-{lang}{'-waived' if show_waived else ''}", encoder.encode("utf-8"))

    # Entries: procedure code -> (its analysis key, the JSON).


def fingerprint(rel: str, file_digest: bytes) -> bytes:
    """What the analysis cache knows of the file a procedure was read from: its name and its bytes."""
    return digest(rel.encode("utf-8") + b"\0" + file_digest)


_NONE = bytes(16)  # an evidence type no procedure issues, or none asks for


def _procedure_keys(procedures: Sourced, settings: bytes) -> dict[str, bytes]:
    issuers: dict[str, list[bytes]] = {}
    askers: dict[str, list[bytes]] = {}
    for p, mark in zip(procedures, procedures.fingerprints):
        for o in p.outputs:
            issuers.setdefault(o.evidence, []).append(mark)
        for d in p.documents:
            askers.setdefault(d.evidence, []).append(mark)
    issued = {e: digest(b"".join(found)) for e, found in issuers.items()}
    asked = {e: digest(b"".join(found)) for e, found in askers.items()}
    return {
        p.code: digest(b"".join([settings, mark, *(issued.get(d.evidence, _NONE) for d in p.documents),
                                 *(asked.get(o.evidence, _NONE) for o in p.outputs)]))
        for p, mark in zip(procedures, procedures.fingerprints)
    }
