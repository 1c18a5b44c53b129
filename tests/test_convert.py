"""Converting between forms: YAML -> workbook -> YAML gives the same model, tidy YAML, `simplify convert`."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from simplify.catalog.convert import convert_catalog, procedure_record
from simplify.catalog.excel_writer import write_workbook
from simplify.catalog.loader import load_catalog
from simplify.catalog.yaml_writer import dump_procedure, procedure_filenames, write_yaml_file, write_yaml_folder
from simplify.diagnostics import InputError
from simplify.model import Catalog, Document, LegalRef, Procedure, Step, resolve_procedure

TESTS = Path(__file__).resolve().parent
MINI = TESTS / "data" / "mini"
GOLDEN = TESTS / "data" / "excel" / "golden"
BUNDLED = TESTS.parent / "procedures_catalog"


def same(a, b) -> bool:
    return replace(a, path="") == replace(b, path="")


def round_trip(catalog, tmp_path: Path):
    """catalog -> workbook -> YAML folder -> catalog, each step loaded by the normal loader."""
    write_workbook(catalog, tmp_path / "book.xlsx")
    from_book, diags = load_catalog(tmp_path / "book.xlsx")
    assert [d for d in diags if d.is_error] == []
    write_yaml_folder(from_book, tmp_path / "yaml")
    back, diags = load_catalog(tmp_path / "yaml")
    assert [d for d in diags if d.is_error] == []
    return from_book, back


def test_mini_round_trips_through_a_workbook(tmp_path):
    mini, _ = load_catalog(MINI)
    from_book, back = round_trip(mini, tmp_path)
    assert same(from_book, mini) and same(back, mini)
    write_yaml_file(mini, tmp_path / "one.yaml")
    assert same(load_catalog(tmp_path / "one.yaml")[0], mini)


def test_bundled_catalogue_round_trips_through_a_workbook(tmp_path):
    bundled, diags = load_catalog(BUNDLED)
    if bundled is None:
        pytest.skip(f"the bundled catalogue does not validate yet: {diags[0].render() if diags else 'absent'}")
    from_book, back = round_trip(bundled, tmp_path)
    assert same(from_book, bundled) and same(back, bundled)
    assert len(back.procedures) == len(bundled.procedures) > 40
    # Legal bases with a title or issuer travel through the legal_basis sheet.
    detailed = [r for p in bundled.procedures for r in p.legal_basis if r != LegalRef(r.ref)]
    assert detailed and load_workbook(tmp_path / "book.xlsx")["legal_basis"].max_row == len(detailed) + 1


def test_written_yaml_is_tidy(tmp_path):
    mini, _ = load_catalog(MINI)
    write_workbook(mini, tmp_path / "book.xlsx")
    write_yaml_folder(load_catalog(tmp_path / "book.xlsx")[0], tmp_path / "yaml")
    written = tmp_path / "yaml" / "procedures" / "1.000001-dang-ky-khai-sinh-vi-du.yaml"
    golden = GOLDEN / written.name
    if os.environ.get("SIMPLIFY_UPDATE_GOLDEN") == "1":
        golden.write_bytes(written.read_bytes())
    assert written.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")
    assert sorted(f.name for f in (tmp_path / "yaml" / "procedures").iterdir()) == [
        "1.000001-dang-ky-khai-sinh-vi-du.yaml", "1.000002-dang-ky-thuong-tru-vi-du.yaml",
        "2.000003-bao-cao-dinh-ky-vi-du.yaml"]
    internal = (tmp_path / "yaml" / "procedures" / "2.000003-bao-cao-dinh-ky-vi-du.yaml").read_text(encoding="utf-8")
    assert "subject" not in internal and "after" not in internal  # agency and [draft] are the defaults
    assert (tmp_path / "yaml" / "catalog.yaml").read_text(encoding="utf-8") == (
        'name: Ví dụ nhỏ\nversion: "1"\njurisdiction: Việt Nam\nbaseline:\n  date: "2024-08-01"\n'
        "  internal_procedures: 2\n")


def _everything() -> Catalog:
    """A catalogue where every field of every record differs from its default."""
    from simplify.model import CatalogInfo, Database, EvidenceType, Fee, Output, Waiver

    steps = (Step(id="a", name="Nộp", actor="applicant", hours=1.5, cost=2000, days=0.5, in_person=True,
                  in_person_basis="Điều 9", online=True),
             Step(id="b", actor="agency", days=3, after=("a",)), Step(id="c", after=("a",)), Step(id="d", after=("b", "c")))
    p = Procedure(
        code="1.000100", name="Thủ tục đầy đủ", name_en="Full procedure", kind="internal", subject="business",
        level="central", ministry="Bộ A", agency="Cục B", sector="Lĩnh vực C", life_event="birth", essential=True,
        online_eligible=False, volume_per_year=12.5, frequency=2, population=30, online_share=0.25,
        legal_basis=(LegalRef("01/2020/QH14"), LegalRef("02/2021/NĐ-CP", title="Nghị định", date="2021-01-02", issuer="Chính phủ")),
        fees=(Fee(name="Phí", amount=1000, online_amount=0, payable_online=True),),
        steps=steps,
        documents=(Document(evidence="e1", name="Tên khác", original=2, copies=1, certified=True, pages=4, hours=0.25,
                            cost=300, step="c", required_by="Thông tư 1"),),
        outputs=(Output(evidence="e1"),),
        channels=("post",),
        waivers=(Waiver(rule="DOC001", evidence="e1", step="a", reason="Luật X"),),
    )
    evidence = EvidenceType(id="e1", name="Giấy 1", name_en="Paper 1", held_in="db")
    return Catalog(
        info=CatalogInfo(name="Đủ", version="2.0", jurisdiction="Hà Nội", baseline=(("date", "2024-01-01"), ("annual_cost", 1.5e9))),
        evidence_types=(evidence,),
        databases=(Database(id="db", name="CSDL", connected=True, legal_basis="Luật Y"),),
        procedures=(resolve_procedure(p, {"e1": evidence}),),  # as the builder leaves it: defaults filled in
    )


def test_every_field_travels_through_both_forms(tmp_path):
    catalog = _everything()
    write_yaml_folder(catalog, tmp_path / "yaml")
    from_yaml, diags = load_catalog(tmp_path / "yaml")
    assert [d for d in diags if d.is_error] == [] and same(from_yaml, catalog)
    from_book, back = round_trip(from_yaml, tmp_path)
    assert same(from_book, catalog) and same(back, catalog)


TRICKY = ["1.5", "yes", "No", "null", "~", "2024-08-01", "10:30", "0x1F", "1_000", "-x", "= 1+1", "+84", "@admin",
          "a: b", "a #b", "#x", "'quoted'", '"double"', "back\\slash", "line\nbreak", "tab\there", " lead", "trail ",
          "[list]", "{map}", "*star", "&anchor", "!tag", "%pct", "|pipe", ">fold", "`tick`", "?q", ",c", "Đ đ ư",
          "emoji 🙂", "nel\x85x", "ls\u2028x", "bom\ufeffx", "ctrl\x07x", "", "x" * 300, "Ðiều 5, khoản 2 (sửa đổi)"]


@pytest.mark.parametrize("text", TRICKY)
def test_any_text_dumps_to_yaml_that_reads_back_the_same(tmp_path, text):
    p = Procedure(code=text or "c", name=text or "n", ministry=text, steps=(Step(id="s", name=text),),
                  documents=(Document(evidence="to_khai", name=text),), legal_basis=(LegalRef(text or "r"),))
    (tmp_path / "procedures").mkdir()
    (tmp_path / "catalog.yaml").write_text("name: X\n", encoding="utf-8")
    (tmp_path / "evidence_types.yaml").write_text("evidence_types:\n  - id: to_khai\n    name: Tờ khai\n", encoding="utf-8")
    (tmp_path / "procedures" / "p.yaml").write_text(dump_procedure(p), encoding="utf-8")
    catalog, diags = load_catalog(tmp_path)
    assert [d for d in diags if d.is_error] == []
    got = catalog.procedures[0]
    assert (got.code, got.name, got.ministry, got.steps[0].name, got.documents[0].name, got.legal_basis[0].ref) == (
        p.code, p.name, p.ministry, p.steps[0].name, p.documents[0].name, p.legal_basis[0].ref)


def test_file_names_are_safe_and_unique():
    procs = (Procedure(code="1.001193", name="Đăng ký khai sinh"), Procedure(code="../../etc/x", name="Thủ tục"),
             Procedure(code="A", name="Tên rất dài " * 10), Procedure(code="a", name="Tên rất dài " * 10),
             Procedure(code="2", name="???"))
    assert procedure_filenames(procs) == [
        "1.001193-dang-ky-khai-sinh.yaml", ".._.._etc_x-thu-tuc.yaml",
        "A-ten-rat-dai-ten-rat-dai-ten-rat-dai-ten-rat-dai.yaml",
        "a-ten-rat-dai-ten-rat-dai-ten-rat-dai-ten-rat-dai-2.yaml", "2.yaml"]


def test_defaults_implied_by_other_values_are_left_out():
    p = Procedure(code="1", name="X", kind="internal", subject="agency",
                  steps=(Step(id="a", name="a", after=()), Step(id="b", name="Bước b", after=("a",)),
                         Step(id="c", name="c", after=("a",))),
                  documents=(Document(evidence="e", name="Tên e", original=1, step="a"),
                             Document(evidence="f", name="f", copies=2, original=0, step="b")))
    assert procedure_record(p, {}) == {
        "code": "1", "name": "X", "kind": "internal",
        "steps": [{"id": "a"}, {"id": "b", "name": "Bước b"}, {"id": "c", "after": ["a"]}],
        "documents": [{"evidence": "e", "name": "Tên e"}, {"evidence": "f", "copies": 2, "step": "b"}],
    }


def test_workbook_stores_formula_like_text_as_text(tmp_path):
    mini, _ = load_catalog(MINI)
    hostile = '=HYPERLINK("http://x","y")'
    first = replace(mini.procedures[0], name=hostile, ministry="+84 123", agency="-1", sector="@sum(A1)")
    catalog = mini.with_procedures((first, *mini.procedures[1:]))
    write_workbook(catalog, tmp_path / "book.xlsx")
    sheet = load_workbook(tmp_path / "book.xlsx")["procedures"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b and sheet["A1"].value == "code"
    assert (sheet["B2"].value, sheet["B2"].data_type) == (hostile, "s")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert same(load_catalog(tmp_path / "book.xlsx")[0], catalog)


def test_text_a_workbook_cannot_hold_is_a_located_error(tmp_path):
    mini, _ = load_catalog(MINI)
    catalog = mini.with_procedures((replace(mini.procedures[0], name="bell\x07"), *mini.procedures[1:]))
    with pytest.raises(InputError) as raised:
        write_workbook(catalog, tmp_path / "book.xlsx")
    assert [(d.code, d.location.file, d.location.line) for d in raised.value.diagnostics] == [
        ("E102", "procedures/1.000001-khai-sinh.yaml", 1)]
    assert not (tmp_path / "book.xlsx").exists()


def test_convert_to_a_folder_with_force_removes_stale_procedure_files(tmp_path):
    mini, _ = load_catalog(MINI)
    (tmp_path / "out" / "procedures").mkdir(parents=True)
    (tmp_path / "out" / "procedures" / "9.999999-old.yaml").write_text("code: '9'\n", encoding="utf-8")
    (tmp_path / "out" / "README.md").write_text("kept\n", encoding="utf-8")
    removed = convert_catalog(mini, tmp_path / "out")
    assert [f.name for f in removed] == ["9.999999-old.yaml"]
    assert (tmp_path / "out" / "README.md").exists() and same(load_catalog(tmp_path / "out")[0], mini)


# -- the command ----------------------------------------------------------------------


@pytest.fixture
def simplify(cli):
    """`simplify convert ...` in this process (test_check's runner), quiet and in English."""
    return lambda *args: cli(*args, "--no-progress", "--lang", "en")


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(f.relative_to(root)): (f.read_bytes(), f.stat().st_mtime_ns) for f in sorted(root.rglob("*")) if f.is_file()}


def test_convert_both_ways_leaves_the_source_untouched(simplify, tmp_path):
    before = _snapshot(MINI)
    code, out, err = simplify("convert", MINI, tmp_path / "mini.xlsx")
    assert (code, out, err) == (0, "", f"{MINI} -> {tmp_path / 'mini.xlsx'}: 3 procedures\n")
    assert _snapshot(MINI) == before
    book = _snapshot(tmp_path)
    assert simplify("convert", tmp_path / "mini.xlsx", tmp_path / "yaml")[0] == 0
    assert _snapshot(tmp_path)["mini.xlsx"] == book["mini.xlsx"]
    assert same(load_catalog(tmp_path / "yaml")[0], load_catalog(MINI)[0])


def test_convert_refuses_to_overwrite_without_force(simplify, tmp_path):
    assert simplify("convert", MINI, tmp_path / "mini.xlsx")[0] == 0
    written = _snapshot(tmp_path)
    code, _, err = simplify("convert", MINI, tmp_path / "mini.xlsx")
    assert code == 2 and "E101 cannot write: the file exists; add --force to overwrite it" in err
    assert _snapshot(tmp_path) == written
    assert simplify("convert", MINI, tmp_path / "mini.xlsx", "--force")[0] == 0
    (tmp_path / "yaml").mkdir()
    (tmp_path / "yaml" / "notes.txt").write_text("mine\n", encoding="utf-8")
    code, _, err = simplify("convert", tmp_path / "mini.xlsx", tmp_path / "yaml")
    assert code == 2 and "the folder is not empty; add --force" in err
    assert simplify("convert", tmp_path / "mini.xlsx", tmp_path / "yaml", "--force")[0] == 0
    assert (tmp_path / "yaml" / "notes.txt").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("dst", ["{src}", "{src}/procedures", "{src}/all.yaml", "{src}/../x.xlsm"])
def test_convert_never_writes_over_or_into_its_source(simplify, tmp_path, dst):
    import shutil

    src = tmp_path / "mini"
    shutil.copytree(MINI, src)
    before = _snapshot(src)
    code, _, err = simplify("convert", src, dst.format(src=src), "--force")
    assert code == 2 and "E101" in err and "Traceback" not in err
    assert _snapshot(src) == before


def test_convert_of_an_invalid_catalogue_exits_2_with_located_errors(simplify, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "catalog"
    book.active.append(["key", "value"])
    book.active.append(["name", "X"])
    steps = book.create_sheet("steps")
    procedures = book.create_sheet("procedures")
    procedures.append(["code", "name"])
    procedures.append(["1", "A"])
    steps.append(["procedure", "id", "name", "actor", "hours"])
    steps.append(["1", "a", "A", None, 1])
    steps.append(["1", "b", "B", None, "abc"])
    book.save(tmp_path / "bad.xlsx")
    code, out, err = simplify("convert", tmp_path / "bad.xlsx", tmp_path / "out")
    assert code == 2 and out == ""
    assert "bad.xlsx:steps!E3: E102 'hours' must be a number, not 'abc'" in err
    assert not (tmp_path / "out").exists()


def test_no_channels_and_an_explicit_first_after_travel_through_a_workbook(tmp_path):
    """An empty cell means the default ([counter] for channels), so an empty list is written as []."""
    p = resolve_procedure(Procedure(code="1.000001", name="Không kênh", channels=(), steps=(
        Step(id="1", after=()), Step(id="2"), Step(id="3", after=("1",)))), {})
    catalog = replace(_everything(), procedures=(p,))
    write_workbook(catalog, tmp_path / "book.xlsx")
    cells = [c.value for c in load_workbook(tmp_path / "book.xlsx")["procedures"][2]]
    assert "[]" in cells
    from_book, back = round_trip(catalog, tmp_path)
    assert from_book.procedures[0].channels == () and same(from_book, catalog) and same(back, catalog)


def test_a_destination_under_a_file_is_refused_before_anything_is_written(simplify, tmp_path):
    (tmp_path / "file.yaml").write_text("x\n", encoding="utf-8")
    code, _, err = simplify("convert", MINI, tmp_path / "file.yaml" / "c.xlsx", "--lang", "en")
    assert code == 2 and err.startswith(f"{tmp_path / 'file.yaml' / 'c.xlsx'}: E101 cannot write: {tmp_path / 'file.yaml'} is a file")


def test_a_workbook_that_cannot_be_written_leaves_no_noise_behind(tmp_path):
    """openpyxl closes its sheets only when it saves: the workbook is saved before the file is opened."""
    import subprocess
    import sys

    script = (
        "import simplify.catalog.excel_writer as w\n"
        "from simplify.catalog.loader import load_catalog\n"
        "def refuse(path, fill): raise PermissionError(13, 'Permission denied')\n"
        "w.write_atomic = refuse\n"
        f"catalog, _ = load_catalog({str(MINI)!r})\n"
        "try:\n"
        f"    w.write_workbook(catalog, __import__('pathlib').Path({str(tmp_path / 'c.xlsx')!r}))\n"
        "except PermissionError:\n"
        "    print('refused')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (0, "refused\n", "")


def test_names_keep_their_spaces_through_a_workbook_while_ids_lose_them(tmp_path):
    """Values round-trip byte for byte (catalogue.md): a name a national database exported with a trailing space
    comes back with it; a cell's stray spaces around an id or a reference are typing, and dropped."""
    p = resolve_procedure(Procedure(code="1.000001", name="Đăng ký khai sinh ", ministry="  Bộ Tư pháp",
                                    steps=(Step(id="submit", name=" Nộp hồ sơ "),),
                                    documents=(Document(evidence="e1", name="Tờ khai ", required_by=" TT 04/2020 "),)),
                          {})
    catalog = replace(_everything(), procedures=(p,))
    from_book, back = round_trip(catalog, tmp_path)
    assert same(from_book, catalog) and same(back, catalog)
    assert from_book.procedures[0].steps[0].name == " Nộp hồ sơ "
