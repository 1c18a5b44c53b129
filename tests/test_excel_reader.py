"""The workbook form: Vietnamese headings, located errors as (code, sheet, cell), hostile workbooks.

Workbooks are built here, small and fast: with openpyxl where the content
matters, and as a hand-made zip where the XML itself is the point (hostile
shapes openpyxl would never write).
"""

from __future__ import annotations

import datetime
import os
import struct
import threading
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook

from simplify import parallel
from simplify.analysis import Settings, analyse
from simplify.catalog import excel_reader
from simplify.catalog.excel_reader import inspect_workbook, read_workbook
from simplify.catalog.loader import load_catalog
from simplify.catalog.yaml_reader import Limits
from simplify.cost import annual_cost, catalog_costs
from simplify.rules.engine import load_rules
from simplify.settings import load_cost_model

MINI = Path(__file__).resolve().parent / "data" / "mini"


def located(diags):
    return [(d.code, d.location.sheet, d.location.cell) for d in diags]


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


# The mini catalogue as an officer would type it: Vietnamese headings (some
# without accents or in capitals), có/không, x and 1 for booleans, numbers
# as numbers, a date cell, a version typed as a number, `Mã TTHC` naming the
# procedure of a step, sheet names in another case.
MINI_VI = {
    "catalog": [
        ["key", "value"],
        ["name", "Ví dụ nhỏ"],
        ["version", 1],
        ["jurisdiction", "Việt Nam"],
        ["baseline.date", datetime.date(2024, 8, 1)],
        ["baseline.internal_procedures", 2],
    ],
    "Procedures": [
        ["Mã TTHC", "Tên thủ tục", "kind", "subject", "Cấp thực hiện", "ministry", "Lĩnh vực", "life_event",
         "essential", "online_eligible", "volume_per_year", "frequency", "population", "online_share", "channels",
         "Căn cứ pháp lý"],
        ["1.000001", "Đăng ký khai sinh (ví dụ)", "external", "citizen", "commune", "Bộ Tư pháp", "Hộ tịch", "birth",
         "không", "có", 1000, None, None, 0.5, "online; counter", "Luật Hộ tịch 2014"],
        ["1.000002", "Đăng ký thường trú (ví dụ)", "external", "citizen", "commune", "Bộ Công an",
         "Đăng ký, quản lý cư trú", "birth", None, None, None, 1, 200, None, None, "Luật Cư trú 2020"],
        ["2.000003", "Báo cáo định kỳ (ví dụ)", "internal", None, "province", "Bộ Nội vụ", None, None,
         None, None, 50, None, None, None, None, None],
    ],
    "steps": [
        ["Mã TTHC", "id", "Tên bước", "actor", "hours", "cost", "days", "in_person", "in_person_basis", "online", "after"],
        ["1.000001", "prepare", "Chuẩn bị hồ sơ", None, 1, None, None, None, None, None, None],
        ["1.000001", "submit", "Nộp hồ sơ", None, 0.5, None, None, "có", None, "x", None],
        ["1.000001", "process", "Giải quyết", "agency", None, None, 3, "không", None, 0, None],
        ["1.000001", "receive", "Nhận kết quả", None, None, None, None, "Có", None, None, None],
        ["1.000002", "submit", "Nộp hồ sơ", None, 0.5, 5000, None, 1, None, None, None],
        ["2.000003", "draft", "Soạn báo cáo", None, 8, None, None, None, None, None, None],
        ["2.000003", "send", "Gửi báo cáo", None, None, None, None, "yes", "Quy chế văn thư", None, "draft"],
    ],
    "documents": [
        ["procedure", "evidence", "ten giay to", "BẢN CHÍNH", "Bản sao", "certified", "pages", "hours"],
        ["1.000001", "to_khai", None, None, None, None, None, 0.5],
        ["1.000001", "cccd", None, None, 1, "có", 3, None],
        ["1.000002", "to_khai", None, None, None, None, None, None],
        ["1.000002", "giay_khai_sinh", None, None, 2, "không", 1, None],
    ],
    "outputs": [["procedure", "evidence"], ["1.000001", "giay_khai_sinh"], ["2.000003", "bao_cao"]],
    "fees": [["procedure", "name", "Phí, lệ phí", "online_amount", "payable_online"],
             ["1.000001", "Lệ phí", 10000, 5000, "có"]],
    "Evidence_Types": [
        ["id", "name", "name_en", "held_in"],
        ["to_khai", "Tờ khai"], ["cccd", "Căn cước công dân", None, "dan_cu"],
        ["giay_khai_sinh", "Giấy khai sinh"], ["bao_cao", "Báo cáo kết quả"],
    ],
    "databases": [["id", "name", "connected", "legal_basis"],
                  ["dan_cu", "Cơ sở dữ liệu quốc gia về dân cư", "có", "Nghị định 47/2024/NĐ-CP"]],
}


def test_vietnamese_headings_load_the_same_model_costs_and_findings_as_yaml(tmp_path):
    from_yaml, yaml_diags = load_catalog(MINI)
    from_book, diags = load_catalog(workbook(tmp_path / "mini.xlsx", MINI_VI))
    assert diags == [] and yaml_diags == []
    assert replace(from_book, path="") == replace(from_yaml, path="")
    cccd = from_book.procedure("1.000001").documents[1]
    assert (cccd.copies, cccd.pages, cccd.original) == (1, 3, 0) and type(cccd.copies) is int
    model = load_cost_model()
    assert catalog_costs(from_book, model) == catalog_costs(from_yaml, model)
    assert annual_cost(from_book, model) == 450_200_000  # EXPECTED.md, worked by hand
    settings = Settings(cost_model=model, rules=load_rules())
    yaml_findings = [(f.key(), f.annual_saving) for f in analyse(from_yaml, settings).findings]
    book_findings = [(f.key(), f.annual_saving) for f in analyse(from_book, settings).findings]
    assert book_findings == yaml_findings and len(book_findings) == 11  # the 11 findings of EXPECTED.md
    # Findings point at cells: the certified copy of 1.000001 is documents!B3.
    doc001 = next(f for f in analyse(from_book, settings).findings if f.rule == "DOC001")
    assert (doc001.location.sheet, doc001.location.cell) == ("documents", "B3")


def _broken(tmp_path: Path) -> Path:
    return workbook(tmp_path / "broken.xlsx", {
        "catalog": [["key", "value"], ["name", "Thử nghiệm"]],
        "procedures": [["code", "name", "volume_per_year", "ministy"], ["1.000010", "Thủ tục", 10, "Bộ X"],
                       [1.5, "Mã là số", 10]],
        "steps": [["procedure", "id", "name", "actor", "hours"],
                  ["1.000010", "submit", "Nộp", None, 1],
                  ["1.000010", "check", "Kiểm tra", "agency", "abc"]],
        "documents": [["procedure", "evidence"], ["1.000010", "to_khai"], ["1.000010", "to_khai"],
                      ["1.000010", "to_khai"], ["1.000010", "khong_co"]],
        "outputs": [["procedure", "evidence"], ["9.999999", "to_khai"]],
        "evidence_types": [["id", "name"], ["to_khai", "Tờ khai"]],
    })


def test_every_problem_is_located_to_its_cell_at_once(tmp_path):
    catalog, diags = load_catalog(_broken(tmp_path))
    assert catalog is None
    assert located(diags) == [
        ("E106", "documents", "B5"),    # unknown evidence type
        ("E106", "outputs", "A2"),      # a row for a procedure that does not exist
        ("E104", "procedures", "D1"),   # 'ministy'; did you mean 'ministry'?
        ("E102", "procedures", "A3"),   # a code typed as a number loses digits
        ("E102", "steps", "E3"),        # hours: abc
    ]
    messages = {(d.location.sheet, d.location.cell): d.message("en") for d in diags}
    assert messages[("procedures", "D1")] == "unknown column 'ministy' in sheet procedures; did you mean 'ministry'?"
    assert messages[("steps", "E3")] == "'hours' must be a number, not 'abc'"
    assert "format the cell as Text" in messages[("procedures", "A3")]
    assert messages[("documents", "B5")] == "1.000010 names unknown evidence type 'khong_co'"
    assert str(diags[-1].location) == "broken.xlsx:steps!E3"


def test_missing_sheet_names_it(tmp_path):
    book = workbook(tmp_path / "nosheet.xlsx", {"catalog": [["key", "value"], ["name", "X"]]})
    catalog, diags = load_catalog(book)
    assert catalog is None and located(diags) == [("E101", None, None)]
    assert diags[0].message("en") == "the workbook has no sheet 'procedures'"


def test_sheet_names_and_layout_problems(tmp_path):
    book = workbook(tmp_path / "layout.xlsx", {
        "catalog": [["key", "value"], ["name", "X"], ["name", "Y"]],
        "procedures": [["code", "name", "Mã TTHC"], ["1", "A"]],
        "step": [["procedure", "id"]],            # a typo of steps
        "ghi chú": [["anything"]],                 # a notes sheet is nobody's business
        "fees": [["procedure", "amount"], ["1", 5]],
    })
    catalog, diags = load_catalog(book)
    assert located(diags) == [
        ("E105", "catalog", "A3"),       # name given twice (at the key, as in YAML)
        ("E103", "fees", "A1"),          # no name column
        ("E101", "procedures", "C1"),    # code twice (as Mã TTHC)
        ("W101", "procedures", "A2"),    # no volume
        ("E104", "step", None),          # did you mean 'steps'?
    ]


def test_limits_on_rows_and_procedures_say_how_to_raise_them(tmp_path):
    steps = [["procedure", "id"]] + [["1", f"s{i}"] for i in range(5)]
    book = workbook(tmp_path / "rows.xlsx", {
        "catalog": [["key", "value"], ["name", "X"]],
        "procedures": [["code", "name", "volume_per_year"], ["1", "A", 1], ["2", "B", 1], ["3", "C", 1]],
        "steps": steps,
    })
    _, diags = read_workbook(book, Limits(max_rows=4))
    assert located(diags) == [("E108", "steps", "B6")]
    assert "--max-rows" in diags[0].message("en")
    _, diags = read_workbook(book, Limits(max_procedures=2))
    assert [d.code for d in diags] == ["E108"] and "--max-procedures" in diags[0].message("en")


def test_legal_bases_from_the_cell_come_before_the_legal_basis_sheet(tmp_path):
    book = workbook(tmp_path / "legal.xlsx", {
        "catalog": [["key", "value"], ["name", "X"]],
        "procedures": [["code", "name", "volume_per_year", "Căn cứ pháp lý"], ["1", "A", 1, "Luật A; Luật B"]],
        "legal_basis": [["procedure", "ref", "title", "date", "issuer"],
                        ["1", "02/2021/NĐ-CP", "Nghị định", datetime.date(2021, 1, 2), "Chính phủ"]],
    })
    catalog, diags = load_catalog(book)
    assert diags == []
    assert [(r.ref, r.title, r.date) for r in catalog.procedures[0].legal_basis] == [
        ("Luật A", None, None), ("Luật B", None, None), ("02/2021/NĐ-CP", "Nghị định", "2021-01-02")]


# -- hostile workbooks ------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_SHEET = '<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'


def raw_book(path: Path, sheets: dict[str, str], extra: dict[str, bytes] | None = None, doctype: str = "") -> Path:
    """A workbook zipped by hand from the <sheetData> XML of each sheet."""
    names = list(sheets)
    book = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
            + "</sheets></workbook>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                      f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
            + "</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        for i, name in enumerate(names, 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", _SHEET.format(doctype=doctype, rows=sheets[name]))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def rows_xml(rows: list[list[str]], first: int = 1) -> str:
    return "".join(
        f'<row r="{r}">' + "".join(f'<c r="{chr(65 + j)}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
                                   for j, v in enumerate(row) if v) + "</row>"
        for r, row in enumerate(rows, first))


def small_sheets(procedure_rows: str = "") -> dict[str, str]:
    return {"catalog": rows_xml([["key", "value"], ["name", "X"]]),
            "procedures": rows_xml([["code", "name"], ["1", "A"]]) + procedure_rows}


def test_the_hand_made_workbook_reads(tmp_path):
    catalog, diags = load_catalog(raw_book(tmp_path / "ok.xlsx", small_sheets()))
    assert [p.name for p in catalog.procedures] == ["A"] and [d.code for d in diags] == ["W101"]


def test_binary_parts_are_not_read_as_cells(tmp_path):
    # An image's bytes may spell `<c ` or `x:c>` by chance: only XML and sheet parts are scanned for cells.
    image = b"\x89PNG\r\n\x1a\n" + b"<c >" + b"x:c>" + bytes(range(256)) * 4
    catalog, diags = load_catalog(raw_book(tmp_path / "logo.xlsx", small_sheets(), extra={"xl/media/image1.png": image}))
    assert catalog is not None and [d.code for d in diags] == ["W101"]


def _codes(path: Path, limits: Limits = Limits()) -> list[tuple[str, str]]:
    catalog, diags = load_catalog(path, limits)
    assert catalog is None
    return [(d.code, d.location.file) for d in diags]


@pytest.mark.parametrize("content", [b"", b"not a workbook at all", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
                                     b"PK\x03\x04" + bytes(40)], ids=["empty", "text", "xls-or-encrypted", "broken-zip"])
def test_not_a_zip_is_e101(tmp_path, content):
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    assert _codes(path) == [("E101", "book.xlsx")]


def test_a_zip_that_is_no_workbook_is_e101(tmp_path):
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert _codes(path) == [("E101", "book.xlsx")]


def test_zip_bomb_by_ratio_is_e108(tmp_path):
    path = raw_book(tmp_path / "bomb.xlsx", small_sheets(), extra={"xl/media/zeros.bin": bytes(4 << 20)})
    assert _codes(path) == [("E108", "bomb.xlsx")]
    assert "zip bomb: xl/media/zeros.bin unpacks to" in load_catalog(path)[1][0].message("en")


def test_zip_bomb_by_total_size_is_e108(tmp_path):
    path = raw_book(tmp_path / "big.xlsx", small_sheets(rows_xml([["x" * 50, "y" * 50]] * 2000, first=3)))
    assert _codes(path, Limits(max_file_bytes=4000)) == [("E108", "big.xlsx")]
    assert "--max-file-size" in load_catalog(path, Limits(max_file_bytes=4000))[1][0].message("en")


def declaring_1000(path: Path, member: str) -> Path:
    """The workbook at `path`, with `member` declaring 1,000 bytes unpacked."""
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the central directory, which zip readers trust
    while not data[entry + 46:].startswith(member.encode()):
        entry = data.index(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", data, entry + 24, 1000)  # declared uncompressed size
    path.write_bytes(bytes(data))
    return path


def test_a_member_larger_than_it_declares_is_e108(tmp_path):
    path = raw_book(tmp_path / "liar.xlsx", small_sheets(), extra={"xl/media/zeros.bin": bytes(3 << 20)})
    declaring_1000(path, "xl/media/zeros.bin")
    assert _codes(path) == [("E108", "liar.xlsx")]
    assert "declares 1,000" in load_catalog(path)[1][0].message("en")


def test_xml_entities_are_e108(tmp_path):
    doctype = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    path = raw_book(tmp_path / "laughs.xlsx", small_sheets(), doctype=doctype)
    assert _codes(path) == [("E108", "laughs.xlsx")]


@pytest.mark.parametrize("cell, code", [
    ('<c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c>', "E108"),
    # calamine places a cell by its last r: a second one must not slip past, even after a quoted >
    ('<c r="A1" t="inlineStr" r="XFD1048576"><is><t>x</t></is></c>', "E101"),
    ('<c r="A1" t="a>b" r="XFD1048576"><v>1</v></c>', "E101"),
    ('<c r="A1"\n r = "XFD1048576"><v>1</v></c>', "E101"),
    ('<c t="inlineStr"><is><t>no reference</t></is></c>', "E101"),
    ('<c s="0" r="XFD1048576"><v>1</v></c>', "E101"),
    ('<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="XFD1048576"><x:v>1</x:v></x:c>', "E101"),
    ('<c r="A99999999"><v>1</v></c>', "E101"),
], ids=["far-cell", "second-r", "second-r-after-gt", "second-r-spaced", "no-r", "r-not-first", "prefixed", "row-too-long"])
def test_cells_that_would_make_a_huge_grid_are_refused(tmp_path, cell, code):
    sheets = small_sheets(f'<row r="9">{cell}</row>')
    catalog, diags = load_catalog(raw_book(tmp_path / "grid.xlsx", sheets))  # must not abort the process
    assert catalog is None and located(diags) == [(code, "procedures", None)]
    assert diags[0].message("en").startswith("sheet procedures (xl/worksheets/sheet2.xml) ")


def test_a_million_empty_rows_are_skipped(tmp_path):
    rows = small_sheets('<row r="1000000"><c r="B1000000" t="inlineStr"><is><t> </t></is></c></row>'
                        + "".join(f'<row r="{r}" s="1" customFormat="1"/>' for r in range(1_000_001, 1_000_100)))
    started = time.perf_counter()
    catalog, diags = load_catalog(raw_book(tmp_path / "empty.xlsx", rows))
    assert [p.code for p in catalog.procedures] == ["1"] and [d.code for d in diags] == ["W101"]
    assert time.perf_counter() - started < 10


# -- split across processes: what one process finds, in the same order --------------------------

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="work is split by forking")


def one_and_two_processes(monkeypatch, read):
    """`read()` in one process, then with its work split across two (which it must be)."""
    started = []
    real_start = parallel._start
    monkeypatch.setattr(parallel, "_start", lambda work, share: started.append(share) or real_start(work, share))
    results = []
    for jobs in ("1", "2"):
        monkeypatch.setenv("SIMPLIFY_JOBS", jobs)
        results.append(read())
    assert started, "the work was not split"
    return results


_FAR = '<row r="9"><c r="XFD1048576"><v>1</v></c></row>'
_LARGE = rows_xml([["x" * 60, "y" * 60]] * 3000, first=10)  # the largest member: scanned by this process
_ENTITY = '<!ENTITY a "a">'
_LATER_ENTITY = {"xl/z.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><x/>'}
_CATALOG = rows_xml([["key", "value"], ["name", "X"]])


@needs_fork
@pytest.mark.parametrize("sheets, extra, limits, expected", [
    ({"catalog": _CATALOG, "procedures": _LARGE}, {}, Limits(), None),
    ({"catalog": _CATALOG, "procedures": _FAR}, _LATER_ENTITY, Limits(), ("E108", "procedures", "sheet procedures")),
    ({"catalog": _CATALOG, "procedures": _FAR + _LARGE}, _LATER_ENTITY, Limits(), ("E108", "procedures", "sheet procedures")),
    ({"catalog": _ENTITY + _CATALOG, "procedures": _FAR + _LARGE}, {}, Limits(), ("E108", "catalog", "sheet catalog")),
    ({"catalog": _CATALOG, "procedures": _LARGE}, {"xl/media/zeros.bin": bytes(3 << 20), **_LATER_ENTITY}, Limits(),
     ("E108", None, "a zip bomb: xl/media/zeros.bin holds 3,145,728 bytes but declares 1,000")),
    ({"catalog": _CATALOG, "procedures": _CATALOG}, {"xl/media/zeros.bin": bytes(3 << 20), **_LATER_ENTITY},
     Limits(max_file_bytes=20_000), ("E101", None, "not an Excel .xlsx workbook (Bad CRC-32 for file 'xl/media/zeros.bin')")),
], ids=["clean", "far-cell-then-entity", "large-far-cell-then-entity", "entity-then-large-far-cell",
        "holds-more-than-declared", "holds-more-than-the-budget"])
def test_the_scan_split_across_processes_finds_the_same_first_problem(tmp_path, monkeypatch, sheets, extra, limits,
                                                                      expected):
    monkeypatch.setattr(excel_reader, "SCAN_SHARE", 1)  # every workbook is worth splitting
    path = raw_book(tmp_path / "book.xlsx", sheets, extra=extra)
    if "xl/media/zeros.bin" in extra:
        declaring_1000(path, "xl/media/zeros.bin")
    one, two = one_and_two_processes(monkeypatch, lambda: inspect_workbook(path, limits, path.read_bytes())[0])
    assert two == one
    assert [(d.code, d.location.sheet, d.message("en")[:len(expected[2])]) for d in one] == ([expected] if expected else [])


@needs_fork
def test_rows_made_records_in_other_processes_give_the_same_catalogue_and_problems(tmp_path, monkeypatch):
    codes = [f"1.{i:06d}" for i in range(450)]  # enough procedures to build them in two processes
    book = workbook(tmp_path / "many.xlsx", {
        "catalog": [["key", "value"], ["name", "X"]],
        "procedures": [["code", "name", "volume_per_year", "Căn cứ pháp lý"]]
                      + [[c, f"Thủ tục {i}", 10, "Luật A; Luật B" if i % 7 == 0 else None] for i, c in enumerate(codes)],
        "steps": [["procedure", "id", "name", "hours"]]
                 + [[c, f"s{j}", " Bước ", "abc" if i % 97 == 0 else 1] for i, c in enumerate(codes) for j in range(2)]
                 + [["9.999999", "x", "Lạc", 1], [None, "y", "Không mã", 1], [None, None, None, None], ["  ", "z", None, 1]],
        "legal_basis": [["procedure", "ref"]] + [[c, "Nghị định 1"] for c in codes[::9]] + [[0, "Nghị định 2"]],
    })
    for limits, codes_found in ((Limits(), {"E102", "E103", "E106"}), (Limits(max_rows=700), {"E102", "E106", "E108"})):
        one, two = one_and_two_processes(monkeypatch, lambda limits=limits: read_workbook(book, limits))
        assert two == one
        catalog, diags = one
        assert {d.code for d in diags} == codes_found
    assert [r.ref for r in catalog.procedures[0].legal_basis] == ["Luật A", "Luật B", "Nghị định 1"]


# A spreadsheet's cells as the reader hands them over: stripped text, floats for numbers, words for yes/no,
# and the values a careless or hostile sheet holds.
CELL_VALUES = [0.0, 1.0, 2.0, 2.5, -1.0, float("nan"), float("inf"), 1e16, 3, -3, True, False, "có", "Có", "x", "X",
               "không", "KHÔNG", "yes", "No", "sai", "y", "abc", "2.5", "7", "1", "0", "external", "internal",
               "citizen", "a_b", "A b", "2024-01-31"]


@pytest.mark.parametrize("cls_name", ["Procedure", "Step", "Document", "Fee", "Output", "Waiver", "LegalRef"])
def test_the_quick_checks_of_cells_take_what_converting_them_would(cls_name, monkeypatch):
    """Each field's quick check on a spreadsheet's values (build._acceptors) gives the same object and the
    same problems as the full conversion, which every value went through before."""
    from simplify import model
    from simplify.catalog import build
    from simplify.catalog.raw import cell_map

    cls = getattr(model, cls_name)
    fields = {name: f for name, f in build.fields_of(cls).items() if f.metadata["kind"] not in ("list", model.LEGAL)}
    required = {"code": "1.000001", "name": "Khai sinh", "id": "s1", "evidence": "giay_khai_sinh", "rule": "DOC001",
                "ref": "60/2014/QH13"}

    def built(name: str, value) -> tuple:
        values = {key: text for key, text in required.items() if key in fields and key != name}
        values[name] = value
        cells = {key: model.Location("book.xlsx", sheet="s", cell=f"{key}9") for key in values}
        builder = build.Builder()
        obj = builder.record(cls, cell_map(values, model.Location("book.xlsx", sheet="s", cell="A9"), cells),
                             model.NOWHERE, "row")
        return repr(obj), [(d.code, str(d.location), d.en, d.vi) for d in builder.diagnostics]

    converted = []
    real_convert = build.Builder.convert
    monkeypatch.setattr(build.Builder, "convert", lambda self, *a: converted.append(a[-1]) or real_convert(self, *a))
    quick = {(name, repr(value)): built(name, value) for name in fields for value in CELL_VALUES}
    quickly = len(converted)
    monkeypatch.setattr(build, "_ACCEPT", {})
    monkeypatch.setattr(build, "_acceptors", lambda cls, lenient: {})  # every value converted, as before
    assert {(name, repr(value)): built(name, value) for name in fields for value in CELL_VALUES} == quick
    assert quickly < len(converted) - quickly  # the quick checks took most values


def test_steps_numbered_in_number_cells_can_follow_each_other(tmp_path):
    """Officers number steps 1, 2, 3: an `after` cell holding the number 1 names step 1, as its id cell does."""
    book = workbook(tmp_path / "numbered.xlsx", {
        "catalog": [["key", "value"], ["name", "Thử nghiệm"]],
        "procedures": [["code", "name", "volume_per_year", "channels"], ["1.000010", "Thủ tục", 10, "[]"]],
        "steps": [["procedure", "id", "after"], ["1.000010", 1, None], ["1.000010", 2, 1], ["1.000010", 3, 1.0]],
    })
    catalog, diags = load_catalog(book)
    assert diags == []
    p = catalog.procedures[0]
    assert [(s.id, s.after) for s in p.steps] == [("1", ()), ("2", ("1",)), ("3", ("1",))] and p.channels == ()


def test_the_catalog_sheet_locates_a_key_at_its_key_and_a_value_at_its_value(tmp_path):
    book = workbook(tmp_path / "keys.xlsx", {
        "catalog": [["key", "value"], ["name", "Thử nghiệm "], ["nam", "X"], ["baseline.annual_cost", "abc"],
                    ["name", "Lại"]],
        "procedures": [["code", "name", "volume_per_year"], ["1.000010", "Thủ tục", 10]],
    })
    catalog, diags = load_catalog(book)
    assert located(diags) == [("E104", "catalog", "A3"), ("E102", "catalog", "B4"), ("E105", "catalog", "A5")]
    assert diags[2].message("en") == "key 'name' is given twice (first at keys.xlsx:catalog!A2)"


def test_a_cell_whose_value_the_workbook_does_not_hold_is_said_not_taken_for_the_default(tmp_path):
    """An Excel error (#N/A from a failed lookup) or a formula never calculated reads as empty in calamine, which
    would mean the default (0 hours): each is E102 at its cell, on the catalogue's sheets only."""
    book = Workbook()
    book.active.title = "catalog"
    book.active.append(["key", "value"])
    book.active.append(["name", "Thử nghiệm"])
    procedures = book.create_sheet("procedures")
    procedures.append(["code", "name", "volume_per_year"])
    procedures.append(["1.000010", "Thủ tục", "=SUM(A9:A10)"])  # openpyxl saves no value for it
    steps = book.create_sheet("steps")
    steps.append(["procedure", "id", "hours"])
    steps.append(["1.000010", "submit", "#N/A"])
    steps["C2"].data_type = "e"
    notes = book.create_sheet("ghi chú")
    notes.append(["=A1"])
    path = tmp_path / "errors.xlsx"
    book.save(path)
    catalog, diags = load_catalog(path)
    assert catalog is None
    assert located(diags) == [("W101", "procedures", "A2"), ("E102", "procedures", "C2"), ("E102", "steps", "C2")]
    assert diags[1].message("en").startswith("the cell holds an Excel error (#N/A, #REF!...) or a formula")


def test_a_formula_excel_calculated_to_an_empty_text_holds_its_value(tmp_path):
    """IFERROR(VLOOKUP(...), "") is how officers hide #N/A: Excel saves it typed t="str" with an empty value, which
    is a value (empty: the default), unlike a formula never calculated or an error."""
    procedures = (rows_xml([["code", "name", "life_event", "sector"]])
                  + '<row r="2"><c r="A2" t="inlineStr"><is><t>1</t></is></c><c r="B2" t="inlineStr"><is><t>A</t></is></c>'
                  '<c r="C2" t="str"><f>IFERROR(VLOOKUP(A2,lookup!A:B,2,FALSE),"")</f><v/></c>'
                  '<c r="D2" s="1"><f>A2&amp;"x"</f><v></v></c></row>')
    path = raw_book(tmp_path / "iferror.xlsx", {"catalog": rows_xml([["key", "value"], ["name", "X"]]),
                                                 "procedures": procedures})
    _, diags = load_catalog(path)
    assert [(d.code, d.location.sheet, d.location.cell) for d in diags if d.code == "E102"] == [
        ("E102", "procedures", "D2")]


class _FakeBook:
    """Stands for calamine's workbook: records which threads parse with it; 'broken' panics as calamine can."""

    def __init__(self):
        self.threads, self.closed = set(), False

    def get_sheet_by_name(self, name):
        self.threads.add(threading.get_ident())
        time.sleep(0.02)  # long enough for the other lane to take a turn
        if name == "broken":
            raise BaseException("calamine panicked")
        return f"parsed {name}"

    def close(self):
        self.closed = True


def test_lanes_parse_each_sheet_once_each_book_on_one_thread_and_leave_no_thread(monkeypatch):
    monkeypatch.setenv("SIMPLIFY_JOBS", "2")
    first, opened = _FakeBook(), []

    def open_book():
        opened.append(_FakeBook())
        return opened[-1], None

    names = ["catalog", "procedures", "broken", "steps", "documents"]
    before = threading.active_count()
    with excel_reader._Lanes(first, open_book, names) as lanes:
        got = {name: lanes.sheet(name) for name in names}
    assert threading.active_count() == before
    assert got["steps"] == ("parsed steps", None)
    assert got["broken"] == (None, "BaseException: calamine panicked")
    assert len(opened) == 1 and opened[0].closed and not first.closed  # the caller closes its own
    assert len(first.threads) == 1 and len(opened[0].threads) == 1 and first.threads != opened[0].threads


def test_a_read_that_stops_early_leaves_no_thread_behind(tmp_path):
    book = workbook(tmp_path / "early.xlsx", {
        "catalog": [["key", "value"], ["name", "X"]],
        "procedures": [["code", "name", "volume_per_year"], ["1", "A", 1], ["2", "B", 1], ["3", "C", 1]],
        "steps": [["procedure", "id"], ["1", "s"]],
        "documents": [["procedure", "evidence"], ["1", "e"]],
    })
    before = threading.active_count()
    _, diags = read_workbook(book, Limits(max_procedures=2))  # stops before the child sheets are read
    assert [d.code for d in diags] == ["E108"]
    assert threading.active_count() == before


def test_sheets_whose_grids_together_pass_what_one_may_take_are_read_one_at_a_time(tmp_path, monkeypatch):
    # Parsed ahead, every sheet's grid would be in memory at once: a workbook of many sheets each just under
    # the limit (a few far-flung cells each) must not take that many times the memory of one.
    import openpyxl

    path = workbook(tmp_path / "mini.xlsx", MINI_VI)
    ahead = read_workbook(path)
    sheets = openpyxl.load_workbook(path).worksheets
    largest = max(ws.max_row * ws.max_column for ws in sheets)
    assert sum(ws.max_row * ws.max_column for ws in sheets) > largest
    monkeypatch.setattr(excel_reader, "MAX_SHEET_CELLS", largest)
    lanes = []
    enter = excel_reader._Lanes.__enter__
    monkeypatch.setattr(excel_reader._Lanes, "__enter__", lambda self: lanes.append(len(self._threads)) or enter(self))
    alone = read_workbook(path)
    assert lanes == [0]
    assert alone[0] == ahead[0] and alone[1] == ahead[1]
    monkeypatch.setattr(excel_reader, "MAX_SHEET_CELLS", 20_000_000)
    read_workbook(path)
    assert lanes[1] > 0


def test_lanes_that_cannot_open_a_workbook_or_start_leave_the_sheets_to_those_that_can(monkeypatch):
    monkeypatch.setenv("SIMPLIFY_JOBS", "2")
    names = ["catalog", "procedures", "steps", "documents"]
    first = _FakeBook()
    with excel_reader._Lanes(first, lambda: (None, "MemoryError: no memory"), names) as lanes:
        assert {name: lanes.sheet(name) for name in names} == {name: (f"parsed {name}", None) for name in names}
    assert first.threads  # the caller's workbook read them all

    real_start = threading.Thread.start
    for failing in (1, 0):  # the second lane cannot start, then none can
        calls = []

        def start(thread, failing=failing):
            calls.append(thread)
            if len(calls) > failing:
                raise RuntimeError("can't start new thread")
            real_start(thread)

        monkeypatch.setattr(threading.Thread, "start", start)
        before = threading.active_count()
        with excel_reader._Lanes(_FakeBook(), lambda: (_FakeBook(), None), names) as lanes:
            assert [lanes.sheet(name) for name in names] == [(f"parsed {name}", None) for name in names]
        assert threading.active_count() == before
