"""Fuzzing the workbook reader: hostile edits of the mini catalogue's workbook end in a model or located diagnostics.

Each case starts from the sheets of the workbook `write_workbook` makes of
tests/data/mini, edits them as a spreadsheet user (or attacker) could: cells
replaced with random values of every type a cell holds (text, numbers,
booleans, dates, times, durations, formulas), header cells renamed, sheets
dropped, renamed, emptied or added, rows inserted, columns swapped. They are
written back by a small xlsx writer of this file (ten times faster than
openpyxl, and willing to write what openpyxl refuses), and sometimes the zip
is edited too: truncated, bytes flipped, parts dropped, XML entity
declarations, a cell at XFD1048576, control characters, shared-string
indexes and numbers that do not exist. Loading must give a catalogue with no
errors, or errors and no catalogue, every diagnostic naming the workbook and
a sheet and cell (or, for a problem of a whole sheet or workbook, the sheet
or the workbook), within a bounded time, and leave the workbook's bytes as
they were.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from simplify.catalog.excel_writer import write_workbook
from simplify.catalog.loader import load_catalog
from simplify.diagnostics import Diagnostic
from test_fuzz_yaml import (
    KEYS, KNOWN_WORDS, MINI, NUMBERS, ODD_WORDS, SECONDS_PER_CASE, SUITE, assert_outcome, hostile_text, time_limit,
    workdir,
)

NAME = "mini.xlsx"
# Problems of a whole sheet (unknown, unreadable or hostile sheet, a catalog sheet without key/value
# columns) and of a whole workbook (not an xlsx, a zip bomb, a missing sheet) have nothing narrower to point at.
SHEET_LEVEL = {"E101", "E104", "E108"}
WORKBOOK_LEVEL = {"E101", "E103", "E108"}
HEADINGS = ("Mã TTHC", "Tên thủ tục", "Cấp thực hiện", "Cơ quan thực hiện", "Lĩnh vực", "Căn cứ pháp lý", "Tên bước",
            "Tên giấy tờ", "Bản chính", "Bản sao", "Phí, lệ phí", "MÃ TTHC", "ten_thu_tuc")


@functools.cache
def base_workbook() -> bytes:
    """The mini catalogue as `write_workbook` writes it, once."""
    catalog, _ = load_catalog(MINI)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / NAME
        write_workbook(catalog, path)
        return path.read_bytes()


@functools.cache
def base_tables() -> tuple[tuple[str, tuple[tuple, ...]], ...]:
    """The sheets of the base workbook as (title, rows of values)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(base_workbook()), read_only=True)
    return tuple((ws.title, tuple(tuple(row) for row in ws.iter_rows(values_only=True))) for ws in book)


def _xml_text(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # Characters XML cannot hold make the whole sheet unreadable; the zip edits put them in on purpose.
    return ILLEGAL_CHARACTERS_RE.sub("", text).replace("\ufffe", "").replace("\uffff", "")


cell_values = st.one_of(
    st.none(),
    st.sampled_from((*KNOWN_WORDS, *ODD_WORDS, *KEYS, *HEADINGS, "=1/0", "=A2", "=SUM(A1:A9)", "@x", "+1", "-")),
    hostile_text,
    st.sampled_from(NUMBERS),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.times(),
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=9999)),
)


@st.composite
def workbook_cases(draw) -> bytes:
    """The bytes of a mutated mini workbook."""
    sheets = [(title, [list(row) for row in rows]) for title, rows in base_tables()]
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        _edit_sheets(draw, sheets)
    data = xlsx_bytes(sheets)
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        data = _edit_zip(draw, data)
    return data


def _edit_sheets(draw, sheets: list[tuple[str, list[list]]]) -> None:
    op = draw(st.sampled_from(("cell",) * 6 + ("header", "drop-sheet", "rename-sheet", "insert-row", "append-row",
                                              "new-sheet", "clear-sheet", "swap-columns")))
    if not sheets or op == "new-sheet":
        title = draw(st.sampled_from(("Catalog", "procedures2", "extra", "Thủ tục", "procedures", "x")))
        if title.casefold() not in {t.casefold() for t, _ in sheets}:
            sheets.append((title, [draw(st.lists(cell_values, max_size=4))]))
        return
    i = draw(st.integers(min_value=0, max_value=len(sheets) - 1))
    title, rows = sheets[i]
    width = max((len(r) for r in rows), default=0)
    if op in ("cell", "header"):
        r = 0 if op == "header" else draw(st.integers(min_value=0, max_value=len(rows) + 1))
        c = draw(st.integers(min_value=0, max_value=width))
        while len(rows) <= r:
            rows.append([])
        rows[r] += [None] * (c + 1 - len(rows[r]))
        rows[r][c] = draw(cell_values)
    elif op == "drop-sheet":
        del sheets[i]
    elif op == "rename-sheet":
        wanted = draw(st.sampled_from(("Procedures", "steps ", "Bước", "x")) | hostile_text)
        new = re.sub(r"[\\/*?:\[\]]", "", _xml_text(wanted))[:31]  # what a sheet name may not hold
        if new.strip() and new.casefold() not in {t.casefold() for t, _ in sheets}:
            sheets[i] = (new, rows)
    elif op == "insert-row":
        rows.insert(draw(st.integers(min_value=0, max_value=len(rows))), draw(st.lists(cell_values, max_size=width)))
    elif op == "append-row":
        rows.append(draw(st.lists(cell_values, max_size=width + 1)))
    elif op == "clear-sheet":
        rows.clear()
    elif width > 1:  # swap two columns, header and all: columns are found by name, in any order
        a, b = draw(st.lists(st.integers(min_value=0, max_value=width - 1), min_size=2, max_size=2, unique=True))
        for row in rows:
            row += [None] * (width - len(row))
            row[a], row[b] = row[b], row[a]


# -- a small xlsx writer: fast, and writes what openpyxl would refuse to --------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_STYLES = (  # style 1 formats dates, so that calamine reads those cells as dates
    f'<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>'
)
_EPOCH = dt.datetime(1899, 12, 30)


def xlsx_bytes(sheets: list[tuple[str, list[list]]]) -> bytes:
    """A minimal valid workbook: one worksheet part per sheet, inline strings, one date style."""
    from openpyxl.utils import get_column_letter

    numbers = range(1, len(sheets) + 1)
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_TYPE}.worksheet+xml"/>'
                      for i in numbers) + "</Types>"),
        "_rels/.rels": (f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
                        'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
                            + "".join(f'<sheet name="{_escape(title)}" sheetId="{i}" r:id="rId{i}"/>'
                                      for i, (title, _) in zip(numbers, sheets)) + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_REL}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in numbers)
            + f'<Relationship Id="rIdStyles" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": _STYLES,
    }
    for i, (_, rows) in zip(numbers, sheets):
        body = "".join(f'<row r="{r}">' + "".join(_cell(f"{get_column_letter(c)}{r}", v) for c, v in enumerate(row, 1))
                       + "</row>" for r, row in enumerate(rows, 1))
        parts[f"xl/worksheets/sheet{i}.xml"] = f'<worksheet xmlns="{_MAIN}"><sheetData>{body}</sheetData></worksheet>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml.encode("utf-8", "surrogatepass"))
    return out.getvalue()


def _cell(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, (dt.datetime, dt.date)):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        return f'<c r="{ref}" s="1"><v>{(moment - _EPOCH).total_seconds() / 86400!r}</v></c>'
    if isinstance(value, dt.time):
        return f'<c r="{ref}" s="1"><v>{(value.hour * 3600 + value.minute * 60 + value.second) / 86400!r}</v></c>'
    if isinstance(value, dt.timedelta):
        return f'<c r="{ref}" s="1"><v>{value.total_seconds() / 86400!r}</v></c>'
    if value.startswith("=") and len(value) > 1:
        return f'<c r="{ref}"><f>{_escape(value[1:])}</f></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_escape(value)}</t></is></c>'


def _escape(text: str) -> str:
    return _xml_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _edit_zip(draw, data: bytes) -> bytes:
    op = draw(st.sampled_from(("truncate", "flip", "junk", "drop-part", "entity", "far-cell", "control", "shared-index",
                               "bad-number")))
    if op == "truncate":
        return data[:draw(st.integers(min_value=0, max_value=len(data)))]
    if op == "flip":
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        return data[:at] + bytes([data[at] ^ draw(st.integers(min_value=1, max_value=255))]) + data[at + 1:]
    if op == "junk":
        return data + draw(st.binary(min_size=1, max_size=64))
    parts = zipfile.ZipFile(io.BytesIO(data)).namelist()
    sheets = [p for p in parts if p.startswith("xl/worksheets/sheet")] or parts
    if op == "drop-part":
        return _rezip(data, draw(st.sampled_from(parts)), lambda xml: None)
    target = draw(st.sampled_from(sheets))
    edits = {
        "entity": with_entity,
        "far-cell": with_far_cell,
        "control": lambda xml: re.sub(rb"(<t[^>]*>)", "\\g<1>\x01\x1b[2J&#1;\u202e".encode(), xml, count=1),
        "shared-index": lambda xml: re.sub(rb't="inlineStr"><is><t[^>]*>[^<]*</t></is>', b't="s"><v>99999</v>', xml,
                                           count=1),
        "bad-number": lambda xml: re.sub(rb"(<c r=\"[A-Z]+[0-9]+\"[^>t]*><v>)[^<]*",
                                         rb"\g<1>" + draw(st.sampled_from((b"abc", b"1e999", b"-", b"", b"NaN"))), xml,
                                         count=1),
    }
    return _rezip(data, target, edits[op])


def with_entity(xml: bytes) -> bytes:
    """An XML part that declares an entity (the start of a billion-laughs attack)."""
    declaration = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>'
    return xml.replace(b"?>", b"?>" + declaration, 1) if xml.startswith(b"<?xml") else declaration + xml


def with_far_cell(xml: bytes) -> bytes:
    """A sheet whose first cell sits at the last cell a sheet can have, XFD1048576."""
    return re.sub(rb'<c r="[A-Z]+[0-9]+"', b'<c r="XFD1048576"', xml, count=1)


def _rezip(data: bytes, part: str, edit) -> bytes:
    """`data` with one part edited (or dropped when the edit gives None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == part:
                content = edit(content)
            if content is not None:
                dst.writestr(info.filename, content)
    return out.getvalue()


def located_in_workbook(d: Diagnostic) -> bool:
    """Names the workbook and a sheet and cell, or the sheet or workbook for problems of a whole one."""
    where = d.location
    if where.file != NAME or where.line is not None:
        return False
    if where.cell is not None:
        return where.sheet is not None and re.fullmatch(r"[A-Z]{1,3}[1-9][0-9]*", where.cell) is not None
    return d.code in (SHEET_LEVEL if where.sheet is not None else WORKBOOK_LEVEL)


def check_workbook_case(data: bytes) -> None:
    """Load a workbook's bytes and check the outcome; the file is left as it was."""
    path = workdir() / NAME
    path.write_bytes(data)
    with time_limit(SECONDS_PER_CASE):
        catalog, diags = load_catalog(path)
        assert_outcome(catalog, diags, located_in_workbook)
    assert path.read_bytes() == data


@settings(SUITE, max_examples=60)
@given(workbook_cases())
def test_mutated_workbooks_load_or_are_located(data):
    check_workbook_case(data)


def test_the_fuzzers_starting_points_are_the_mini_catalogue(tmp_path):
    """The workbook `write_workbook` makes, and its tables as `xlsx_bytes` writes them, load to the folder's model."""
    folder, _ = load_catalog(MINI)
    for i, data in enumerate((base_workbook(), xlsx_bytes([(t, [list(r) for r in rows]) for t, rows in base_tables()]))):
        path = tmp_path / str(i) / NAME
        path.parent.mkdir()
        path.write_bytes(data)
        catalog, diags = load_catalog(path)
        assert diags == []
        assert (catalog.info, catalog.evidence_types, catalog.databases, catalog.procedures) == (
            folder.info, folder.evidence_types, folder.databases, folder.procedures)


def test_hostile_workbooks_through_the_cli_exit_2_without_a_traceback(cli, tmp_path):
    sheets = {title: [list(row) for row in rows] for title, rows in base_tables()}
    sheets["procedures"][1][12] = "=1/0"          # volume_per_year as a formula with no value: not the default
    sheets["steps"][1][4] = "nhiều"               # hours as a word
    del sheets["catalog"]
    cases = {
        "cells.xlsx": (xlsx_bytes(list(sheets.items())), [("cells.xlsx", "E103"), ("cells.xlsx:procedures!M2", "E102"),
                                                           ("cells.xlsx:steps!E2", "E102")]),
        "entity.xlsx": (_rezip(base_workbook(), "xl/worksheets/sheet1.xml", with_entity), [("entity.xlsx:catalog", "E108")]),
        "far.xlsx": (_rezip(base_workbook(), "xl/worksheets/sheet2.xml", with_far_cell), [("far.xlsx:procedures", "E108")]),
        "truncated.xlsx": (base_workbook()[:3000], [("truncated.xlsx", "E101")]),
    }
    for name, (data, expected) in cases.items():
        (tmp_path / name).write_bytes(data)
        code, _, err = cli("validate", tmp_path / name, "--lang", "en")
        assert code == 2 and "E299" not in err, err
        assert re.findall(r"^(\S+): (E1\d\d) ", err, re.M) == expected
        assert (tmp_path / name).read_bytes() == data
    # once as a user runs it: a process of its own, its stderr as it is
    done = subprocess.run([sys.executable, "-m", "simplify", "audit", str(tmp_path / "cells.xlsx"), "--lang", "en"],
                          capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr and "E299" not in done.stderr
    assert "cells.xlsx: E103 the workbook has no sheet 'catalog'" in done.stderr
    assert "cells.xlsx:steps!E2: E102 'hours' must be a number, not 'nhiều'" in done.stderr
