"""Write a catalogue as a workbook in the Excel form of the spec (section 6).

One sheet per table, English keys as headers (bold, frozen), a row per
object in the order of the catalogue, defaults left as empty cells (the
tidy records of `convert.py`), lists joined with "; ". Legal bases that are
more than a reference go to the `legal_basis` sheet, one row each. Text is
always stored as text, never as a formula, whatever it starts with; text a
workbook cannot hold (control characters) is a located error, not a crash.
Written with openpyxl's streaming writer to a temporary file moved into place.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..diagnostics import InputError, diag
from ..model import Catalog, Location, Procedure
from .build import EMPTY_LIST_CELL
from .convert import (
    CATALOG_SHEET, CHILD_TABLES, DATABASES, EVIDENCE_TYPES, LIST_SEPARATOR, PROCEDURES, info_record, plain_record,
    procedure_record,
)

_WIDE = frozenset({"name", "name_en", "ministry", "agency", "sector", "title", "reason", "legal_basis", "required_by",
                   "in_person_basis", "value"})
_FORMULA_FIRST = ("=", "+", "-", "@")

Row = tuple[list[Any], Location]


def write_workbook(catalog: Catalog, path: Path) -> None:
    """Write `catalog` to `path` (.xlsx) atomically; InputError if a text cannot be stored in a workbook."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    problems = []
    for sheet, header, rows in workbook_tables(catalog):
        ws = book.create_sheet(sheet)
        ws.freeze_panes = "A2"
        for i, key in enumerate(header, 1):
            ws.column_dimensions[get_column_letter(i)].width = 40 if key in _WIDE else max(12, len(key) + 2)
        heads = []
        for key in header:
            cell = WriteOnlyCell(ws, value=key)
            cell.font = bold
            heads.append(cell)
        ws.append(heads)
        for values, where in rows:
            cells = []
            for value in values:
                if isinstance(value, str):
                    if ILLEGAL_CHARACTERS_RE.search(value):
                        problems.append(diag("E102", where, f"{value!r} holds control characters that a workbook cannot store",
                                             f"{value!r} chứa ký tự điều khiển mà bảng tính không lưu được"))
                        value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    if value.startswith(_FORMULA_FIRST):
                        value = WriteOnlyCell(ws, value=value)
                        value.data_type = "s"  # text, never a live formula
                cells.append(value)
            ws.append(cells)

    # Saved first, whatever follows: openpyxl closes its sheets and temporary files only in save, and a
    # destination that cannot be written would otherwise leave them to fail noisily at exit.
    saved = io.BytesIO()
    book.save(saved)
    if problems:
        raise InputError(problems)
    write_atomic(path, lambda handle: handle.write(saved.getbuffer()))


def workbook_tables(catalog: Catalog) -> Iterator[tuple[str, tuple[str, ...], Iterator[Row]]]:
    """(sheet, header, rows) for every sheet of the workbook form, each row with where its object was read."""
    evidence = catalog.evidence_index()
    records = [(p, procedure_record(p, evidence)) for p in catalog.procedures]
    info = info_record(catalog.info)
    baseline = info.pop("baseline", {})
    yield CATALOG_SHEET, ("key", "value"), iter(
        [([key, value], catalog.info.location) for key, value in info.items()]
        + [([f"baseline.{key}", value], catalog.info.location) for key, value in baseline.items()])
    yield PROCEDURES.sheet, PROCEDURES.columns, (_procedure_row(p, record) for p, record in records)
    for table in CHILD_TABLES:
        yield table.sheet, table.columns, _child_rows(table.parent_key, table.columns, records)
    for table, objects in ((EVIDENCE_TYPES, catalog.evidence_types), (DATABASES, catalog.databases)):
        yield table.sheet, table.columns, ((_cells(plain_record(o), table.columns), o.location) for o in objects)


def _procedure_row(p: Procedure, record: dict[str, Any]) -> Row:
    refs = record.get("legal_basis")
    if refs is not None and _in_one_cell(refs):
        record = {**record, "legal_basis": LIST_SEPARATOR.join(refs)}
    else:
        record = {k: v for k, v in record.items() if k != "legal_basis"}
    return _cells(record, PROCEDURES.columns), p.location


def _child_rows(key: str, columns: tuple[str, ...], records: list[tuple[Procedure, dict[str, Any]]]) -> Iterator[Row]:
    for p, record in records:
        items = record.get(key, [])
        if key == "legal_basis":
            items = [] if _in_one_cell(items) else [i if isinstance(i, dict) else {"ref": i} for i in items]
        for obj, item in zip(getattr(p, key), items):
            yield _cells({**item, "procedure": p.code}, columns), getattr(obj, "location", p.location)


def _in_one_cell(refs: list) -> bool:
    """Bare references fit in the procedures sheet's cell, unless one holds the separator or edge spaces."""
    return all(isinstance(r, str) and ";" not in r and r == r.strip() for r in refs)


def _cells(record: dict[str, Any], columns: tuple[str, ...]) -> list[Any]:
    return [(LIST_SEPARATOR.join(v) if v else EMPTY_LIST_CELL) if isinstance(v := record.get(c), list) else v
            for c in columns]
