"""Read the Excel form of a catalogue (spec section 6) into the model, safely.

Before python-calamine sees a workbook, `inspect_workbook` looks at it as a
zip without trusting it: the file's size, each member's declared and real
unpacked size and compression ratio, XML entity declarations, and the grid
each sheet spans. calamine lays a sheet out as one dense grid from A1 to its
farthest cell and aborts the whole process when that allocation fails, so a
5 kB file with one value at XFD1048576 would take the machine down; cells
are therefore only accepted in the shape every spreadsheet program writes
(`<c r="B12" ...>`, one `r`, no namespace prefix) and the grid is bounded.
The members are scanned on every core, what is found judged in their order.
Then each sheet's header is matched to the model's keys or the accepted
Vietnamese headings (accents and case ignored), child rows are grouped under
their procedure by the cell that names it, and whichever process builds a
procedure makes each of its rows the raw record the YAML reader would make
(`RowMap`, located to its cells when asked); the shared `Builder` builds and validates
them, so every rule of the spec is written once for both forms.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import html
import io
import queue
import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, diag
from ..i18n import os_error
from ..model import Catalog, Location, format_fields
from ..parallel import jobs, pickled_once, split_map, unpickled_once
from .build import VERBATIM_KEYS, Builder, check_unique_codes
from .cache import cache_dir, pickled_tuple
from .convert import CATALOG_SHEET, CHILD_TABLES, DATABASES, EVIDENCE_TYPES, PROCEDURES, TABLES, Table, fold
from .raw import CellList, CellMap, RowMap, cell_list, cell_map, row_map
from .yaml_reader import Limits
from .yaml_values import nfc

PACKED_FACTOR = 20      # the workbook file may be 20 x --max-file-size (200 MB by default)
UNPACKED_FACTOR = 50    # and unpack to 50 x --max-file-size (500 MB; the 20,000-procedure workbook is 105 MB)
MAX_MEMBERS = 10_000
MAX_RATIO = 100         # spreadsheet XML compresses 5 to 15 times; a bomb, thousands of times
RATIO_FLOOR = 1 << 20   # only members unpacking to more than this are judged by their ratio
MAX_SHEET_CELLS = 20_000_000  # calamine's grid takes 32 bytes a cell: about 640 MB at most
_CHUNK = 1 << 22
SCAN_SHARE = 8 << 20    # unpacked bytes worth a process of their own in the scan (a tenth of a second)
MAX_LANES = 4           # threads parsing sheets ahead: a catalogue has two large sheets, steps and documents

# A cell as spreadsheet programs write it, its reference captured; any other
# start of a cell (attributes first, a second `r`, no `r`) matches the second
# branch and captures nothing. A quoted attribute value may hold `>`.
_CELL = re.compile(rb'<c r="([A-Za-z]{1,3})([0-9]{1,7})"'
                   rb'(?=(?:[^>"\'\s]++|\s(?!r\s*=)|"[^"]*+"|\'[^\']*+\')*+>)|<c[\s>]')
_PREFIXED_CELL = re.compile(rb":c[\s>]")
# Cells whose value the workbook does not hold: an error (#N/A, #REF!, ...) or a formula never calculated and
# saved (no type and no value: a calculated one that gave "" is typed t="str"). calamine reads both as empty,
# which would mean "the default": said instead (at most this many a sheet).
_VALUELESS = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"(?:[^>]*?\st="e"[^>]*>|(?:\s+(?!t=)[\w:]+="[^"]*")*\s*>'
                        rb'(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>)')
MAX_VALUELESS = 50
_ENTITY_MARKS = (b"<!DOCTYPE", b"<!ENTITY")


# -- the zip, before calamine ----------------------------------------------------

# What can be wrong with one part of the zip: (code, English, Vietnamese), filled in by `_inspect_members`.
_MEMBER_PROBLEMS = {
    "size": ("E108", "{part} unpacks past what the workbook may hold, {limit:,} bytes (raise it with --max-file-size)",
             "{part} giải nén vượt quá dung lượng cho phép của bảng tính, {limit:,} byte (nâng bằng --max-file-size)"),
    "declared": ("E108", "a zip bomb: {part} holds {size:,} bytes but declares {declared:,}",
                 "zip bomb: {part} chứa {size:,} byte nhưng khai báo {declared:,}"),
    "entities": ("E108", "{part} declares XML entities (<!DOCTYPE, <!ENTITY), which a workbook never needs",
                 "{part} khai báo thực thể XML (<!DOCTYPE, <!ENTITY), điều bảng tính không bao giờ cần"),
    "cells": ("E101", "{part} writes cells in an unusual way (not <c r=\"A1\" ...); open and save the workbook in Excel or LibreOffice",
              "{part} ghi ô theo cách bất thường (không phải <c r=\"A1\" ...); hãy mở và lưu lại bằng Excel hoặc LibreOffice"),
    "grid": ("E108", "{part} spans {rows:,} rows x {columns:,} columns, over the limit of {cells:,} cells; delete the far-away cells",
             "{part} trải trên {rows:,} dòng x {columns:,} cột, vượt giới hạn {cells:,} ô; hãy xóa các ô nằm quá xa"),
}


def inspect_workbook(path: Path, limits: Limits, data: bytes | None = None) -> tuple[list[Diagnostic],
                                                                                 list[tuple[str, str]], int]:
    """Reasons not to hand the workbook at `path` (or its bytes `data`, already read) to calamine: not an xlsx
    (E101), too large or hostile (E108); (sheet, cell) of the cells whose value it does not hold; and the cells
    of the grids calamine would lay out for all its parts together (rows x columns of each)."""
    where = Location(path.name)
    try:
        size = path.stat().st_size if data is None else len(data)
    except OSError as exc:
        en, vi = os_error(exc)
        return [diag("E101", where, f"cannot read the file: {en}", f"không đọc được tệp: {vi}")], [], 0
    packed, unpacked = PACKED_FACTOR * limits.max_file_bytes, UNPACKED_FACTOR * limits.max_file_bytes
    if size > packed:
        return [_too_large(where, f"the workbook is {size:,} bytes", f"bảng tính có {size:,} byte", packed)], [], 0

    def open_zip() -> zipfile.ZipFile:
        return zipfile.ZipFile(path if data is None else io.BytesIO(data))

    try:
        with open_zip() as archive:
            return _inspect_members(archive, where, unpacked, open_zip)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError,
            ValueError, OSError) as exc:
        return [diag("E101", where,
                     f"not an Excel .xlsx workbook ({exc}); save it as .xlsx (Excel Workbook), without a password",
                     f"không phải bảng tính Excel .xlsx ({exc}); hãy lưu dưới dạng .xlsx (Excel Workbook), không đặt mật khẩu")], [], 0


def _inspect_members(archive: zipfile.ZipFile, where: Location, unpacked: int,
                     open_zip: Callable[[], zipfile.ZipFile]) -> tuple[list[Diagnostic], list[tuple[str, str]], int]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        return [diag("E108", where, f"the zip holds {len(infos):,} parts, over the limit of {MAX_MEMBERS:,}",
                     f"tệp zip chứa {len(infos):,} phần, vượt giới hạn {MAX_MEMBERS:,}")], [], 0
    declared = sum(i.file_size for i in infos)
    if declared > unpacked:
        return [_too_large(where, f"the workbook unpacks to {declared:,} bytes",
                           f"bảng tính giải nén ra {declared:,} byte", unpacked)], [], 0
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            return [diag("E108", where, f"a zip bomb: {info.filename} unpacks to {ratio:,} times its size",
                         f"zip bomb: {info.filename} giải nén ra gấp {ratio:,} lần kích thước")], [], 0
    sheets = _sheet_parts(archive)
    left = unpacked
    valueless: list[tuple[str, str]] = []
    grids = 0
    for info, scan in zip(infos, _prescan(open_zip, infos)):
        size, rows, columns, problem, cells = scan or _scan_member(archive, info, left)
        left -= size
        grids += rows * columns
        if info.filename in sheets:
            valueless += [(sheets[info.filename], ref) for ref in cells]
        if problem is None and size != info.file_size:
            problem = "declared"
        if problem is None and rows * columns > MAX_SHEET_CELLS:
            problem = "grid"
        if problem is not None:
            code, en, vi = _MEMBER_PROBLEMS[problem]
            sheet = sheets.get(info.filename)
            facts = dict(size=size, declared=info.file_size, rows=rows, columns=columns, limit=unpacked,
                         cells=MAX_SHEET_CELLS, name=info.filename, sheet=sheet)
            part_en = info.filename if sheet is None else "sheet {sheet} ({name})".format(**facts)
            part_vi = info.filename if sheet is None else "trang {sheet} ({name})".format(**facts)
            here = where if sheet is None else Location(where.file, sheet=sheet)
            return [diag(code, here, en.format(part=part_en, **facts), vi.format(part=part_vi, **facts))], [], 0
    return [], valueless, grids


def _scan_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> tuple[int, int, int, str | None,
                                                                                      tuple[str, ...]]:
    """`_scan` of one member, read no further than `budget` bytes."""
    # Open with the budget as the size, so a member that holds more than it declares is read as far as the budget.
    probe = copy.copy(info)
    probe.file_size = budget + 1
    with archive.open(probe) as stream:
        return _scan(stream, budget, cells=_may_hold_cells(info.filename))


_Scan = tuple[int, int, int, str | None, tuple[str, ...]] | None


def _prescan(open_zip: Callable[[], zipfile.ZipFile], infos: list[zipfile.ZipInfo]) -> list[_Scan]:
    """Every member scanned ahead, on every core, no further than its declared size; None where the scan must be
    done in order (`_inspect_members`), with what the members before it left of the budget.

    The scan in order reaches a member only when every member before it held
    what it declared: its budget is then the total less their declared sizes,
    at least its own declared size, so a scan that stayed within that size is
    the scan in order. One that went past it or failed is done again in order,
    where it is the first problem. The members are shared out by size, not by
    count: a few sheets hold nearly every byte.
    """
    sizes = [i.file_size for i in infos]
    groups = _balanced(sizes, min(jobs(), max(1, sum(sizes) // SCAN_SHARE)))
    scans: list[_Scan] = [None] * len(infos)
    done = split_map(lambda share: [_prescan_group(open_zip, [infos[i] for i in group]) for group in share], groups, 1)
    for group, results in zip(groups, done):
        for i, scan in zip(group, results):  # the members a group did not reach stay None
            scans[i] = scan
    return scans


def _prescan_group(open_zip: Callable[[], zipfile.ZipFile], infos: list[zipfile.ZipInfo]) -> list[_Scan]:
    """One process's scans ahead, in order, as far as the first member where the scan in order stops."""
    scans: list[_Scan] = []
    try:
        with open_zip() as archive:  # its own: a forked copy of the caller's would share the file's offset
            for info in infos:
                scan = _scan_member(archive, info, info.file_size)
                problem = scan[3]
                if problem == "size":  # it holds more than it declares: in order, its budget is another
                    break
                scans.append(scan)
                if problem is not None:  # the scan in order stops here
                    break
    except Exception:  # whatever it was, the scan in order meets it again
        pass
    return scans


def _balanced(sizes: list[int], count: int) -> list[list[int]]:
    """The indexes of `sizes` in at most `count` groups of about equal sums, each group in order."""
    groups: list[list[int]] = [[] for _ in range(count)]
    loads = [0] * count
    for i in sorted(range(len(sizes)), key=sizes.__getitem__, reverse=True):  # the largest first, to the lightest
        lightest = loads.index(min(loads))
        groups[lightest].append(i)
        loads[lightest] += sizes[i]
    return [sorted(group) for group in groups if group]


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Zip part -> sheet name, as far as workbook.xml and its relationships tell; only to name parts in messages."""
    def small(name: str) -> str:
        try:
            info = archive.getinfo(name)
        except KeyError:
            return ""
        return archive.read(info).decode("utf-8", "replace") if info.file_size <= RATIO_FLOOR else ""

    targets = {}
    for tag in re.findall(r"<Relationship\b[^>]*>", small("xl/_rels/workbook.xml.rels")):
        rel_id, target = re.search(r'\bId="([^"]*)"', tag), re.search(r'\bTarget="([^"]*)"', tag)
        if rel_id and target:
            path = target.group(1)  # resolved as calamine does
            targets[rel_id.group(1)] = path[1:] if path.startswith("/xl/") else path if path.startswith("xl/") else f"xl/{path}"
    parts = {}
    for tag in re.findall(r"<sheet\b[^>]*>", small("xl/workbook.xml")):
        name, rel_id = re.search(r'\bname="([^"]*)"', tag), re.search(r'\br:id="([^"]*)"', tag)
        if name and rel_id and rel_id.group(1) in targets:
            parts[targets[rel_id.group(1)]] = html.unescape(name.group(1))
    return parts


def _may_hold_cells(name: str) -> bool:
    """Parts calamine could read as a sheet (it reads sheets only under these folders), and any XML.

    Images and other binary parts are left out of the cell scan: their random
    bytes would now and then spell `<c ` and look like a cell.
    """
    folded = name.casefold()
    return folded.endswith(".xml") or folded.startswith(("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/"))


def _scan(stream, budget: int, cells: bool) -> tuple[int, int, int, str | None, tuple[str, ...]]:
    """Bytes unpacked, the rows and columns its cells reach, what is wrong (size, entities, cells or None), and
    the cells whose value it does not hold (`_VALUELESS`)."""
    size = rows = columns = 0
    tail = b""
    valueless: list[str] = []
    while True:
        chunk = stream.read(_CHUNK)
        size += len(chunk)
        if size > budget:
            return size, rows, columns, "size", ()
        data = tail + chunk
        cut = data.rfind(b"<") if chunk else 0
        # Scan up to the last tag start and carry that tag over: no pattern is cut in two.
        region, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        if b"<!" in region and any(mark in region for mark in _ENTITY_MARKS):
            return size, rows, columns, "entities", ()
        if cells:
            if b":c" in region and _PREFIXED_CELL.search(region):
                return size, rows, columns, "cells", ()
            refs = _CELL.findall(region)
            if refs:
                letters = set(map(itemgetter(0), refs))
                if b"" in letters:
                    return size, rows, columns, "cells", ()
                rows = max(rows, max(map(int, set(map(itemgetter(1), refs)))))
                columns = max(columns, max(map(_column_number, letters)))
            if len(valueless) < MAX_VALUELESS and (b't="e"' in region or b"<f" in region):
                valueless += [ref.decode("ascii") for ref in _VALUELESS.findall(region)]
        if not chunk:
            return size, rows, columns, None, tuple(valueless[:MAX_VALUELESS])


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _too_large(where: Location, what_en: str, what_vi: str, limit: int) -> Diagnostic:
    return diag("E108", where, f"{what_en}, over the limit of {limit:,} (raise it with --max-file-size)",
                f"{what_vi}, vượt giới hạn {limit:,} (nâng bằng --max-file-size)")


# -- sheets into raw records ------------------------------------------------------


def read_workbook(path: Path, limits: Limits = Limits(), data: bytes | None = None) -> tuple[Catalog | None, list[Diagnostic]]:
    """The catalogue in an .xlsx workbook (from `data`, its bytes, when they were read already) and every
    diagnostic; None when the workbook cannot be read."""
    path = Path(path)
    problems, valueless, grids = inspect_workbook(path, limits, data)
    if problems:
        return None, problems
    from python_calamine import CalamineWorkbook

    def open_book() -> tuple[Any, str | None]:
        # What was inspected is what calamine reads, even if the file changes meanwhile.
        return (_calamine(CalamineWorkbook.from_path, str(path)) if data is None
                else _calamine(CalamineWorkbook.from_filelike, io.BytesIO(data)))

    book, error = open_book()
    if book is None:
        return None, [diag("E101", Location(path.name), f"not a readable .xlsx workbook: {error}",
                           f"không đọc được bảng tính .xlsx: {error}")]
    try:
        reader = _Reader(book, open_book, path, limits)
        reader.valueless(valueless)
        # Parsed ahead, the grids of the sheets are all in memory at once: only while together they are within
        # what one sheet may take (a hostile workbook of many far-flung sheets is read a sheet at a time).
        return reader.catalog(ahead=grids <= MAX_SHEET_CELLS)
    finally:
        book.close()


def _calamine(call: Callable, *args: Any) -> tuple[Any, str | None]:
    """A python-calamine call's result, or None and what went wrong."""
    try:
        return call(*args), None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a Rust panic arrives as pyo3's PanicException, a BaseException
        return None, f"{type(exc).__name__}: {exc}"


class _Lanes:
    """The sheets a reader will ask for, parsed ahead in that order on threads of their own.

    calamine parses a sheet without holding the GIL, so while the lanes parse
    the next sheets this thread lays out the rows of the one before: the parse
    (most of calamine's time) overlaps the Python work and, on two lanes, itself.
    Each lane has its own workbook (calamine's is used by one thread at a time),
    the first the caller's. Leaving the `with` block joins every lane, so no
    thread is left when the procedures are built in forked processes.
    """

    def __init__(self, book: Any, open_book: Callable[[], tuple[Any, str | None]], names: list[str]):
        self._wanted: queue.SimpleQueue[tuple[str, Future]] = queue.SimpleQueue()
        self._sheets: dict[str, Future] = {}
        for name in names:
            self._sheets[name] = Future()
            self._wanted.put((name, self._sheets[name]))
        self._book = book
        self._stopped = False
        count = min(max(1, jobs()), MAX_LANES, len(names))
        self._threads = [threading.Thread(target=self._lane, args=(book if i == 0 else None, open_book), daemon=True)
                         for i in range(count)]

    def __enter__(self) -> _Lanes:
        started = []
        for thread in self._threads:
            try:
                thread.start()
            except RuntimeError:  # no thread to be had: the lanes started read every sheet, or this thread does
                break
            started.append(thread)
        self._threads = started
        if not started:
            self._sheets.clear()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped = True
        for thread in self._threads:
            thread.join()

    def sheet(self, name: str) -> tuple[Any, str | None]:
        """The parsed sheet `name`, or None and what went wrong (calamine's sheet object, once); parsed here,
        with the caller's workbook, when no sheet was wanted ahead (then no lane runs)."""
        ahead = self._sheets.pop(name, None)
        return ahead.result() if ahead is not None else _calamine(self._book.get_sheet_by_name, name)

    def _lane(self, book: Any, open_book: Callable[[], tuple[Any, str | None]]) -> None:
        own = book is None
        if own:
            book, _ = open_book()
            if book is None:  # the lanes with a workbook read every sheet (the first has the caller's)
                return
        try:
            while not self._stopped:
                try:
                    name, future = self._wanted.get_nowait()
                except queue.Empty:
                    return
                future.set_result(_calamine(book.get_sheet_by_name, name))
        finally:
            if own:
                book.close()


# The sheets of the workbook form, folded as their names are matched.
_KNOWN_SHEETS = (*(fold(t.sheet) for t in TABLES), CATALOG_SHEET)


class _Reader:
    """One workbook being read: its sheets by folded name, the builder and its diagnostics."""

    def __init__(self, book: Any, open_book: Callable[[], tuple[Any, str | None]], path: Path, limits: Limits):
        self.book, self.open_book, self.path, self.file, self.limits = book, open_book, path, path.name, limits
        self.lanes: _Lanes | None = None
        self.builder = Builder()
        self.sheets: dict[str, str] = {}
        for name in book.sheet_names:
            folded = fold(name)
            if folded in self.sheets:
                self.report("E101", Location(self.file, sheet=name), f"sheet '{name}' has the same name as '{self.sheets[folded]}'",
                            f"trang '{name}' trùng tên với trang '{self.sheets[folded]}'")
            self.sheets.setdefault(folded, name)
            close = difflib.get_close_matches(folded, _KNOWN_SHEETS, n=1, cutoff=0.8)
            if folded not in _KNOWN_SHEETS and close:
                self.report("E104", Location(self.file, sheet=name), f"unknown sheet '{name}'; did you mean '{close[0]}'?",
                            f"trang tính không xác định '{name}'; có phải ý bạn là '{close[0]}'?")

    def report(self, code: str, where: Location, en: str, vi: str) -> None:
        self.builder.report(code, where, en, vi)

    def _wanted_sheets(self) -> list[str]:
        """The sheets `catalog` reads, in the order it reads them."""
        folded = [CATALOG_SHEET, fold(DATABASES.sheet), fold(EVIDENCE_TYPES.sheet), fold(PROCEDURES.sheet),
                  *(fold(t.sheet) for t in CHILD_TABLES)]
        return [self.sheets[f] for f in folded if f in self.sheets]

    def valueless(self, cells: list[tuple[str, str]]) -> None:
        """E102 for each cell of a catalogue sheet whose value the workbook does not hold: calamine reads it as
        empty, which would silently mean the default."""
        for sheet, ref in cells:
            if fold(sheet) in _KNOWN_SHEETS:
                self.report("E102", Location(self.file, sheet=sheet, cell=ref),
                            "the cell holds an Excel error (#N/A, #REF!...) or a formula whose value was never saved; "
                            "type the value, or open and save the workbook in Excel",
                            "ô chứa lỗi Excel (#N/A, #REF!...) hoặc công thức chưa được tính và lưu giá trị; hãy nhập giá trị, "
                            "hoặc mở và lưu lại bảng tính bằng Excel")

    def catalog(self, ahead: bool = True) -> tuple[Catalog | None, list[Diagnostic]]:
        """Build everything in the loader's order: catalog info, databases, evidence types, procedures; the
        sheets parsed `ahead` on threads of their own (`_Lanes`), or each when it is read."""
        b = self.builder
        with _Lanes(self.book, self.open_book, self._wanted_sheets() if ahead else []) as self.lanes:
            info_raw = self._catalog_raw()
            info = b.catalog_info(info_raw, info_raw.loc()) if info_raw is not None else None
            databases, evidence_types = b.references(
                self._table_list(DATABASES), Location(self.file, sheet=DATABASES.sheet),
                self._table_list(EVIDENCE_TYPES), Location(self.file, sheet=EVIDENCE_TYPES.sheet))
            rows = self._procedures()
        caching = cache_dir() is not None

        def build(share: list) -> list[tuple]:
            """(the procedures built, `pickled_once`; each record's problems)"""
            pairs = [b.procedure_alone(raw, raw.loc()) for raw in map(_procedure_record, share)]
            return [(pickled_once([p for p, _ in pairs if p is not None], caching), [found for _, found in pairs])]

        # Made into records and built on every core (simplify.parallel). Each process pickles what it built
        # once: a child to send it, and both for the cache file, which keeps those bytes (`pickled_tuple`).
        procedures, segments = [], []
        for handed, problems in split_map(build, rows, 200):
            made, data = unpickled_once(handed)
            procedures += made
            segments.append(data)
            for found in problems:
                b.diagnostics += found
        unique = check_unique_codes(procedures, b)
        if info is None:
            return None, b.diagnostics
        kept = pickled_tuple(unique, segments) if len(unique) == len(procedures) and None not in segments else tuple(unique)
        return Catalog(info, tuple(evidence_types), tuple(databases), kept, str(self.path)), b.diagnostics

    # -- one sheet ----------------------------------------------------------------

    def _sheet_rows(self, sheet: str) -> tuple[int, Iterator[tuple[int, list]]]:
        """The first column's index and the numbered rows of a sheet (none when it cannot be read)."""
        ws, error = self.lanes.sheet(sheet)
        if ws is None:
            self.report("E101", Location(self.file, sheet=sheet), f"cannot read the sheet: {error}",
                        f"không đọc được trang tính: {error}")
            return 0, iter(())
        start = ws.start
        if start is None:  # an empty sheet: calamine's row iterator would panic
            return 0, iter(())
        return start[1], enumerate(ws.iter_rows(), 1)

    def _header(self, sheet: str, offset: int, rows: Iterator[tuple[int, list]],
                headings: dict[str, tuple[str, str]]) -> tuple[int, dict[str, str], list[tuple[str, int]]]:
        """The header row's number, the column letter of each key, and (key, index) pairs to read rows with."""
        for number, row in rows:
            texts = [_text(v) for v in row]
            if any(texts):
                break
        else:
            return 0, {}, []
        letters: dict[str, str] = {}
        pairs: list[tuple[str, int]] = []
        for j, text in enumerate(texts):
            if not text:
                continue
            letter = _letter(offset + j)
            here = Location(self.file, sheet=sheet, cell=f"{letter}{number}")
            key, _ = headings.get(fold(text), (None, None))
            if key is None:
                self._unknown_column(here, sheet, text, headings)
            elif key in letters:
                self.report("E101", here, f"column '{key}' appears twice (first in column {letters[key]})",
                            f"cột '{key}' xuất hiện hai lần (lần đầu ở cột {letters[key]})")
            else:
                letters[key] = letter
                pairs.append((key, j))
        return number, letters, pairs

    def _unknown_column(self, here: Location, sheet: str, text: str, headings: dict[str, tuple[str, str]]) -> None:
        close = difflib.get_close_matches(fold(text), list(headings), n=1, cutoff=0.6)
        shown = headings[close[0]][1] if close else None
        known = ", ".join(sorted({key for key, _ in headings.values()}))
        self.report("E104", here,
                    f"unknown column '{text}' in sheet {sheet}" + (f"; did you mean '{shown}'?" if shown else f"; known columns: {known}"),
                    f"cột không xác định '{text}' trong trang {sheet}"
                    + (f"; có phải ý bạn là '{shown}'?" if shown else f"; các cột hợp lệ: {known}"))

    def _rows(self, table: Table, key: str) -> tuple[_Layout | None, Iterator[tuple[int, list, Any]]]:
        """The layout of a table's sheet and its rows that hold a value: number, cells and the value under `key`
        (no layout and no rows when the sheet is missing, empty or lacks a required column)."""
        sheet = self.sheets.get(fold(table.sheet))
        if sheet is None:
            return None, iter(())
        offset, rows = self._sheet_rows(sheet)
        header, letters, pairs = self._header(sheet, offset, rows, _headings(table))
        missing = [k for k in _required(table) if k not in letters]
        if not header:  # an empty sheet is an empty table
            return None, iter(())
        if missing:
            self.report("E103", Location(self.file, sheet=sheet, cell=f"{_letter(offset)}{header}"),
                        f"sheet {sheet} has no column {', '.join(missing)}",
                        f"trang {sheet} thiếu cột {', '.join(missing)}")
            return None, iter(())
        layout = _Layout(self.file, sheet, letters, pairs, letters[table.id_column])
        return layout, self._kept(layout, rows, key)

    def _kept(self, layout: _Layout, rows: Iterator[tuple[int, list]], key: str) -> Iterator[tuple[int, list, Any]]:
        """The rows that hold a value, as far as --max-rows, with their value under `key`."""
        index, count, limit = dict(layout.pairs)[key], 0, self.limits.max_rows
        for number, row in rows:
            value = _value(row[index])
            if value is None and not layout.values(row):  # the key's cell is enough to tell, unless it is empty
                continue
            count += 1
            if count > limit:
                self.report("E108", layout.where(number),
                            f"sheet {layout.sheet} has more than {limit:,} rows (raise the limit with --max-rows)",
                            f"trang {layout.sheet} có hơn {limit:,} dòng (nâng giới hạn bằng --max-rows)")
                return
            yield number, row, value

    def _table_list(self, table: Table) -> CellList | None:
        sheet = self.sheets.get(fold(table.sheet))
        if sheet is None:
            return None
        layout, rows = self._rows(table, table.id_column)
        return cell_list([layout.record(number, layout.values(row)) for number, row, _ in rows],
                         Location(self.file, sheet=sheet))

    # -- the catalogue's parts ----------------------------------------------------

    def _catalog_raw(self) -> CellMap | None:
        """catalog.yaml from the key/value rows of the catalog sheet; dotted keys nest (baseline.date)."""
        sheet = self.sheets.get(CATALOG_SHEET)
        if sheet is None:
            self.report("E103", Location(self.file), "the workbook has no sheet 'catalog' (key/value rows: name, version, ...)",
                        "bảng tính thiếu trang 'catalog' (các dòng key/value: name, version, ...)")
            return None
        offset, rows = self._sheet_rows(sheet)
        headings = {"key": ("key", "key"), "value": ("value", "value")}
        header, letters, pairs = self._header(sheet, offset, rows, headings)
        if len(pairs) != 2:
            self.report("E101", Location(self.file, sheet=sheet), "the catalog sheet needs the columns key and value",
                        "trang catalog cần hai cột key và value")
            return None
        index = dict(pairs)
        top: dict[str, Any] = {}
        top_cells: dict[str, Location] = {}  # where each value is, and (below) each key
        top_keys: dict[str, Location] = {}
        for number, row in rows:
            key, value = _text(row[index["key"]]), _value(row[index["value"]])
            if not key or value is None:
                continue
            if key in VERBATIM_KEYS and isinstance(row[index["value"]], str):  # the catalogue's name, as written
                value = nfc(row[index["value"]])
            here = Location(self.file, sheet=sheet, cell=f"{letters['value']}{number}")
            key_here = Location(self.file, sheet=sheet, cell=f"{letters['key']}{number}")
            head, _, rest = key.partition(".")
            values, cells, keys = top, top_cells, top_keys
            if rest and (head not in top or isinstance(top[head], CellMap)):
                if head not in top:
                    top[head], top_cells[head], top_keys[head] = cell_map({}, here, {}, {}), here, key_here
                values, cells, keys, key = top[head], top[head].cells, top[head].key_cells, rest
            if key in values:
                self.report("E105", key_here, f"key '{key}' is given twice (first at {keys[key]})",
                            f"khóa '{key}' được ghi hai lần (lần đầu ở {keys[key]})")
                continue
            values[key] = value
            cells[key] = here
            keys[key] = key_here
        return cell_map(top, Location(self.file, sheet=sheet, cell=f"{_letter(offset)}{max(header, 1)}"), top_cells,
                        top_keys)

    def _procedures(self) -> list[_Procedure]:
        """Each procedure's row with its child rows from the other sheets, to be made into one record
        (`_procedure_record`) by whichever process builds it; only the cells naming a procedure are read here."""
        if fold(PROCEDURES.sheet) not in self.sheets:
            self.report("E101", Location(self.file), "the workbook has no sheet 'procedures'",
                        "bảng tính thiếu trang 'procedures'")
            return []
        procedures: list[_Procedure] = []
        by_code: dict[str, _Procedure] = {}
        layout, rows = self._rows(PROCEDURES, "code")
        for number, row, code in rows:
            procedure = _Procedure(layout, number, row)
            procedures.append(procedure)
            if len(procedures) > self.limits.max_procedures:
                self.report("E108", layout.where(number),
                            f"more than {self.limits.max_procedures:,} procedures (raise the limit with --max-procedures)",
                            f"hơn {self.limits.max_procedures:,} thủ tục (nâng giới hạn bằng --max-procedures)")
                return []
            if code is not None:
                by_code.setdefault(_code(code), procedure)
        for table in CHILD_TABLES:
            layout, rows = self._rows(table, "procedure")
            for number, row, code in rows:
                owner = by_code.get(_code(code)) if code is not None else None
                if owner is not None:
                    owner.children.append((table.parent_key, layout, number, row))
                elif code is None:
                    self.report("E103", layout.cell("procedure", number), f"this {table.sheet} row names no procedure",
                                f"dòng {table.sheet} này không ghi mã thủ tục")
                else:
                    self.report("E106", layout.cell("procedure", number),
                                f"{table.sheet} row for unknown procedure '{_code(code)}'",
                                f"dòng {table.sheet} thuộc thủ tục không tồn tại '{_code(code)}'")
        return procedures


class _Layout:
    """Where a table's keys are in its sheet: what makes a row its record, in any process."""

    __slots__ = ("file", "sheet", "letters", "pairs", "id_letter", "_columns")

    def __init__(self, file: str, sheet: str, letters: dict[str, str], pairs: list[tuple[str, int]], id_letter: str):
        self.file, self.sheet, self.letters, self.pairs, self.id_letter = file, sheet, letters, pairs, id_letter
        self._columns = [(key, j, key in VERBATIM_KEYS) for key, j in pairs]

    def values(self, row: list) -> dict[str, Any]:
        """The row's non-empty values by key."""
        values = {}
        texts = _TEXTS
        for key, j, verbatim in self._columns:
            value = row[j]
            if value.__class__ is str:  # the common case, inlined: this loop runs for every cell
                if not value:  # how calamine reads an empty cell
                    continue
                if verbatim:
                    if value.strip():  # a cell of spaces is empty
                        values[key] = nfc(value)
                elif text := texts.get(value) or _text_of(value):
                    values[key] = text
            elif (value := _value(value)) is not None:
                values[key] = value
        return values

    def where(self, number: int) -> Location:
        """Where row `number` is located: the cell that names it."""
        return Location(self.file, sheet=self.sheet, cell=f"{self.id_letter}{number}")

    def cell(self, key: str, number: int) -> Location:
        """Where row `number` has its value for `key`."""
        return Location(self.file, sheet=self.sheet, cell=f"{self.letters[key]}{number}")

    def record(self, number: int, values: dict[str, Any]) -> RowMap:
        return row_map(values, self, number)


# A cell's text as the builder takes it (stripped, NFC), by the text calamine read: a national workbook repeats
# the same codes, ids and agencies hundreds of thousands of times. Bounded, as the YAML reader's scalars are.
_TEXTS: dict[str, str] = {}
_REMEMBERED = 100_000
_LONGEST_REMEMBERED = 100


def _text_of(value: str) -> str:
    """A text cell stripped and NFC ('' when it holds only spaces), remembered in `_TEXTS`."""
    stripped = value.strip()
    text = nfc(stripped) if stripped else ""
    if len(_TEXTS) < _REMEMBERED and len(value) <= _LONGEST_REMEMBERED:
        _TEXTS[value] = text
    return text


class _Procedure:
    """A procedure's row and its child rows: (procedure key they fill, layout, number, cells), in the sheets' order."""

    __slots__ = ("layout", "number", "row", "children")

    def __init__(self, layout: _Layout, number: int, row: list):
        self.layout, self.number, self.row = layout, number, row
        self.children: list[tuple[str, _Layout, int, list]] = []


def _procedure_record(procedure: _Procedure) -> RowMap:
    """The procedure's record, each child sheet's records under its key as a list."""
    raw = procedure.layout.record(procedure.number, procedure.layout.values(procedure.row))
    lists: dict[str, list] = {}
    for key, layout, number, row in procedure.children:
        values = layout.values(row)
        del values["procedure"]  # it placed the row here; the record has no such key
        lists.setdefault(key, []).append(layout.record(number, values))
    for key, items in lists.items():
        if key == "legal_basis" and key in raw:  # references in the cell come first
            cell = raw[key]
            items = ([v.strip() for v in cell.split(";") if v.strip()] if isinstance(cell, str) else [cell]) + items
        raw[key] = cell_list(items, raw.key_loc(key))
    return raw


def _headings(table: Table) -> dict[str, tuple[str, str]]:
    """Folded heading -> (key, heading as shown) for a table's English keys and Vietnamese headings."""
    fields = {f.name: f for f in format_fields(table.cls)}
    code_heading = next(f.metadata["vi"] for f in format_fields(PROCEDURES.cls) if f.name == "code")
    out: dict[str, tuple[str, str]] = {}
    for key in table.columns:
        vi = code_heading if key == "procedure" else fields[key].metadata["vi"]
        out[fold(key)] = (key, key)
        if vi:
            out[fold(vi)] = (key, vi)
    return out


def _required(table: Table) -> list[str]:
    own = [f.name for f in format_fields(table.cls) if f.metadata["required"]]
    return ["procedure", *own] if table.parent_key else own


def _letter(index: int) -> str:
    """Column letters of a 0-based index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _value(v: Any) -> Any:
    """A cell's value as the builder takes it: text stripped and NFC, dates as ISO text; None when empty."""
    if isinstance(v, str):
        return _TEXTS.get(v) or _text_of(v) or None
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return v


def _text(v: Any) -> str:
    """A header or key cell as text ('' when empty)."""
    v = _value(v)
    return "" if v is None else _code(v)


def _code(v: Any) -> str:
    """A code as text, as the builder will see it: 5.0 typed in a cell is '5'."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
