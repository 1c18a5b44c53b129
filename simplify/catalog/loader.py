"""Load a catalogue from any of its three forms into the model.

A folder (catalog.yaml, evidence_types.yaml, databases.yaml, procedures/),
a single YAML file with the same top-level keys, or an Excel workbook. Every
problem in every file is collected; the caller decides what errors mean
(`require_catalog` raises `InputError`, which the CLI turns into exit 2).
Input files are only ever opened for reading.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..diagnostics import Diagnostic, InputError, diag, has_errors, sort_diagnostics
from ..i18n import os_error
from ..model import Catalog, CatalogInfo, Location, Procedure
from ..parallel import in_child, pickled_once, split_map, unpickled_once
from .build import Builder, check_unique_codes
from .cache import ParseCache, TopCache, collector_paused, digest, fingerprint, sourced
from .raw import RawMap
from .yaml_reader import Limits, read_yaml

Progress = Callable[[int, int], None]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
YAML_SUFFIXES = (".yaml", ".yml")
# Spreadsheets officers may hand over that are not the workbook form: said so, not read as YAML.
OTHER_SPREADSHEETS = (".xls", ".ods", ".csv", ".xlsb")


def load_catalog(
    path: str | Path, limits: Limits = Limits(), progress: Progress | None = None
) -> tuple[Catalog | None, list[Diagnostic]]:
    """The catalogue at `path` and every diagnostic; the catalogue is None on errors."""
    with collector_paused():
        return _load(Path(path), limits, progress)


def _load(root: Path, limits: Limits, progress: Progress | None) -> tuple[Catalog | None, list[Diagnostic]]:
    if root.is_dir():
        catalog, diags = _load_folder(root, limits, progress)
    elif root.suffix.lower() in OTHER_SPREADSHEETS and root.is_file():
        return None, [diag("E101", Location(root.name),
                           f"a {root.suffix} file is not read: save it as .xlsx (Excel Workbook), or convert it to YAML",
                           f"không đọc tệp {root.suffix}: hãy lưu thành .xlsx (Excel Workbook) hoặc chuyển sang YAML")]
    elif root.is_file():
        catalog, diags = _load_file(root, limits)
    else:
        return None, [
            diag("E101", Location(str(root)), "no such catalogue folder or file", "không có thư mục hoặc tệp danh mục này")
        ]
    diags = sort_diagnostics(diags)
    return (None if has_errors(diags) else catalog), diags


def require_catalog(path: str | Path, limits: Limits = Limits(), progress: Progress | None = None) -> tuple[Catalog, list[Diagnostic]]:
    """The catalogue and its warnings, or InputError carrying every problem."""
    catalog, diags = load_catalog(path, limits, progress)
    if catalog is None:
        raise InputError(diags)
    return catalog, diags


def _read_bytes(path: Path | str, rel: str, diags: list[Diagnostic]) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        en, vi = os_error(exc)
        diags.append(diag("E101", Location(rel), f"cannot read the file: {en}", f"không đọc được tệp: {vi}"))
        return None


def _parsed(data: bytes, rel: str, limits: Limits, diags: list[Diagnostic]):
    value, problems = read_yaml(data, rel, limits)
    diags.extend(problems)
    return value


def _section(top, key: str, rel: str, builder: Builder):
    """The value under `key` of a file's top-level mapping; other keys are E104."""
    if top is None:
        return None
    if not isinstance(top, RawMap):
        builder.report("E101", Location(rel, 1, 1), f"expected a mapping with the key '{key}'", f"cần một ánh xạ có khóa '{key}'")
        return None
    for other in top:
        if other != key:
            builder.unknown_key(top, other, {key: None})
    return top.get(key)


TOP_FILES = ("catalog.yaml", "databases.yaml", "evidence_types.yaml")


def _load_folder(root: Path, limits: Limits, progress: Progress | None) -> tuple[Catalog | None, list[Diagnostic]]:
    info, databases, evidence_types, found = _top_files(root, limits)
    diags = list(found)
    builder = Builder()
    builder.knowing(databases, evidence_types)

    folder = root / "procedures"
    files = _procedure_files(folder) if folder.is_dir() else []
    if len(files) > limits.max_procedures:
        builder.report("E108", Location("procedures"),
                       f"{len(files):,} procedure files, over the limit of {limits.max_procedures:,} (raise it with --max-procedures)",
                       f"{len(files):,} tệp thủ tục, vượt giới hạn {limits.max_procedures:,} (nâng bằng --max-procedures)")
        files = []
    cache = ParseCache(root, _context_key(evidence_types, databases, limits))
    procedures, fingerprints = _procedure_files_read(files, limits, builder, cache, diags, progress)
    cache.save()
    unique = check_unique_codes(procedures, builder)
    diags.extend(builder.diagnostics)
    if info is None or len(unique) != len(procedures):
        return None, diags
    return Catalog(info, evidence_types, databases, sourced(procedures, fingerprints, cache.folder), str(root)), diags


def _top_files(root: Path, limits: Limits) -> tuple:
    """(catalog info, databases, evidence types, diagnostics) of the folder's top files, from the parse cache
    while their bytes are unchanged (a national catalogue's evidence types take a tenth of a second to read)."""
    diags: list[Diagnostic] = []
    datas = {name: _read_bytes(root / name, name, diags) for name in TOP_FILES if (root / name).is_file()}
    if diags:  # unreadable: said, and nothing to keep
        return _top_built(datas, limits, diags)
    key = digest(b"".join(name.encode("utf-8") + b"\0" + digest(data) for name, data in datas.items()))
    cache = TopCache(root, repr(limits).encode("utf-8"))
    hit = cache.get("top", key)
    if hit is not None:
        return hit
    built = _top_built(datas, limits, diags)
    cache.put("top", key, *built)
    cache.save()
    return built


def _top_built(datas: dict[str, bytes | None], limits: Limits, diags: list[Diagnostic]) -> tuple:
    builder = Builder()
    info = None
    if "catalog.yaml" in datas:
        data = datas["catalog.yaml"]
        info_raw = None if data is None else _parsed(data, "catalog.yaml", limits, diags)
        if info_raw is not None or not diags:
            info = builder.catalog_info(info_raw, Location("catalog.yaml", 1, 1))
    else:
        builder.report("E103", Location("catalog.yaml"), "the catalogue folder has no catalog.yaml",
                       "thư mục danh mục không có catalog.yaml")
    sections = {}
    for name in ("databases", "evidence_types"):
        file = f"{name}.yaml"
        data = datas.get(file)
        top = None if data is None else _parsed(data, file, limits, diags)
        sections[name] = _section(top, name, file, builder)
    databases, evidence_types = builder.references(sections["databases"], Location("databases.yaml", 1, 1),
                                                   sections["evidence_types"], Location("evidence_types.yaml", 1, 1))
    return info, tuple(databases), tuple(evidence_types), tuple(diags + builder.diagnostics)


# Below this many files to parse, a forked process costs more than it saves.
PARALLEL_FROM = 400


def _procedure_files_read(files: list[str], limits: Limits, builder: Builder, cache: ParseCache,
                          diags: list[Diagnostic], progress: Progress | None) -> tuple[list[Procedure], list[bytes]]:
    """The procedures of the files and the fingerprints of their files, unchanged ones from the cache.

    The files are split across the machine's cores (simplify.parallel): each
    process reads its share and parses those the cache does not have. It
    pickles the entries it made once: those bytes are what a child sends back
    and what the parse cache file holds (`put_pickled`).
    """
    rels = [f"procedures/{os.path.basename(file)}" for file in files]
    caching = cache.path is not None

    def read(share: range) -> list[tuple]:
        """(the entries parsed, `pickled_once`; (index, digest) of the files the cache has; (index, problems)
        of those that could not be read)"""
        entries, known, unread = {}, [], []
        # Only this process shows progress: a forked child must not touch the terminal's (locked) display.
        shown = None if in_child() else progress
        for j, i in enumerate(share):
            problems: list[Diagnostic] = []
            data = _read_bytes(files[i], rels[i], problems)
            if data is None:
                unread.append((i, problems))
                continue
            key = digest(data)
            if cache.get(rels[i], key) is not None:
                known.append((i, key))
                continue
            p, problems = _parse_procedure(data, rels[i], limits, builder)
            entries[rels[i]] = (key, p, tuple(problems))
            if shown is not None and j % 64 == 63:
                shown(min(len(files), round((j + 1) * len(files) / len(share))), len(files))
        # Pickled once, for the cache file and (from a child) to come back here.
        return [(pickled_once(entries, caching), known, unread)]

    found: list[tuple[Procedure | None, bytes, list[Diagnostic]] | None] = [None] * len(files)
    index = {rel: i for i, rel in enumerate(rels)}
    for handed, known, unread in split_map(read, range(len(files)), PARALLEL_FROM // 2):
        for i, problems in unread:
            found[i] = (None, b"", problems)
        for i, key in known:
            hit = cache.get(rels[i], key)  # (again, in this process: a child's lookup kept nothing here)
            found[i] = (hit[0], key, list(hit[1]))
        entries, data = unpickled_once(handed)
        if caching and entries:
            cache.put_pickled(entries, data)
        for rel, (key, p, problems) in entries.items():
            found[index[rel]] = (p, key, list(problems))
    if progress is not None:
        progress(len(files), len(files))
    procedures: list[Procedure] = []
    fingerprints: list[bytes] = []
    for rel, (p, key, problems) in zip(rels, found):
        diags.extend(problems)
        if p is not None:
            procedures.append(p)
            fingerprints.append(fingerprint(rel, key))
    return procedures, fingerprints


def _procedure_files(folder: Path) -> list[str]:
    """The paths of the folder's YAML files, sorted by name: as strings, since 20,000 Path objects take a tenth
    of a second to make and compare."""
    with os.scandir(folder) as entries:
        found = [entry.name for entry in entries
                 if os.path.splitext(entry.name)[1].lower() in YAML_SUFFIXES and entry.is_file()]
    return [os.path.join(folder, name) for name in sorted(found, key=os.path.normcase)]


def _context_key(evidence_types, databases, limits: Limits) -> bytes:
    """What a procedure file's result depends on besides its own bytes."""
    parts = [repr(limits)]
    parts += [f"e\t{e.id}\t{e.name}" for e in evidence_types]
    parts += [f"d\t{d.id}" for d in databases]
    return digest("\n".join(parts).encode("utf-8"))


def _parse_procedure(data: bytes, rel: str, limits: Limits, builder: Builder) -> tuple[Procedure | None, list[Diagnostic]]:
    """The procedure of one file's bytes and every problem found in it."""
    raw, problems = read_yaml(data, rel, limits)
    if raw is None:  # a save cut short must not make a procedure vanish silently
        return None, problems or [diag("E101", Location(rel, 1, 1), "the file is empty: it holds no procedure",
                                       "tệp rỗng: không chứa thủ tục nào")]
    p, found = builder.procedure_alone(raw, Location(rel, 1, 1))
    return p, problems + found


def _load_file(path: Path, limits: Limits) -> tuple[Catalog | None, list[Diagnostic]]:
    """A workbook or a single YAML file, from the parse cache when its bytes are those of a run before."""
    from .excel_reader import PACKED_FACTOR, read_workbook

    workbook = path.suffix.lower() in WORKBOOK_SUFFIXES
    rel = path.name
    if workbook and _size(path) > PACKED_FACTOR * limits.max_file_bytes:  # said without reading it
        return read_workbook(path, limits)
    diags: list[Diagnostic] = []
    data = _read_bytes(path, rel, diags)
    if data is None:
        return None, diags
    key = digest(data)
    cache = ParseCache(path, repr(limits).encode("utf-8"))
    hit = cache.get(rel, key)
    if hit is None:
        catalog, diags = read_workbook(path, limits, data) if workbook else _load_single_file(path, data, limits)
        cache.put(rel, key, catalog, tuple(diags))
        cache.save()
    else:
        catalog, diags = hit[0], list(hit[1])
    if catalog is None:
        return None, diags
    # Every procedure is known by the whole file: the analysis cache then reuses its findings while no byte changed.
    marks = [fingerprint(f"{rel}\0{p.code}", key) for p in catalog.procedures]
    return catalog.with_procedures(sourced(list(catalog.procedures), marks, cache.folder)), diags


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # reading it says what is wrong
        return 0


def _load_single_file(path: Path, data: bytes, limits: Limits) -> tuple[Catalog | None, list[Diagnostic]]:
    rel = path.name
    top, diags = read_yaml(data, rel, limits)
    builder = Builder()
    if top is None:
        if not diags:
            builder.report("E101", Location(rel, 1, 1), "the file is empty", "tệp rỗng")
        return None, diags + builder.diagnostics
    if not isinstance(top, RawMap):
        builder.report("E101", Location(rel, 1, 1),
                       "expected a mapping with the keys catalog, evidence_types, databases and procedures",
                       "cần một ánh xạ có các khóa catalog, evidence_types, databases và procedures")
        return None, diags + builder.diagnostics
    known = {"catalog": None, "evidence_types": None, "databases": None, "procedures": None}
    for key in top:
        if key not in known:
            builder.unknown_key(top, key, known)
    info: CatalogInfo | None = None
    if "catalog" in top:
        info = builder.catalog_info(top["catalog"], top.value_loc("catalog"))
    else:
        builder.report("E103", top.loc(), "required key 'catalog' is missing", "thiếu khóa bắt buộc 'catalog'")
    databases, evidence_types = builder.references(top.get("databases"), top.value_loc("databases"),
                                                   top.get("evidence_types"), top.value_loc("evidence_types"))
    raw_procedures = top.get("procedures")
    procedures: list[Procedure] = []
    if raw_procedures is not None and not isinstance(raw_procedures, list):
        builder.report("E102", top.value_loc("procedures"), "'procedures' must be a list", "'procedures' phải là một danh sách")
    elif raw_procedures:
        if len(raw_procedures) > limits.max_procedures:
            builder.report("E108", top.value_loc("procedures"),
                           f"{len(raw_procedures):,} procedures, over the limit of {limits.max_procedures:,} (raise it with --max-procedures)",
                           f"{len(raw_procedures):,} thủ tục, vượt giới hạn {limits.max_procedures:,} (nâng bằng --max-procedures)")
            raw_procedures = []
        for i, raw in enumerate(raw_procedures):
            p = builder.procedure(raw, raw_procedures.item_loc(i))
            if p is not None:
                procedures.append(p)
    procedures = check_unique_codes(procedures, builder)
    diags.extend(builder.diagnostics)
    if info is None:
        return None, diags
    return Catalog(info, tuple(evidence_types), tuple(databases), tuple(procedures), str(path)), diags
