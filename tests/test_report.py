"""`simplify report`: the Excel workbook read back with openpyxl; figures as worked in tests/data/mini/EXPECTED.md."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from simplify.commands.request import Request
from simplify.commands.pipeline import run_analysis
from simplify.plan import analysis_plan
from simplify.report.excel import plan_measures, report_bytes, scenario_measures, write_report
from conftest import edited_mini

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"
PLAN_CATALOG = DATA / "plan" / "catalog"
CUT = DATA / "scenario" / "cut.yaml"
REPO = Path(__file__).resolve().parents[1]
TODAY = date(2025, 3, 1)
SHEETS_VI = ["Tổng quan", "Thủ tục", "Phát hiện", "Tái sử dụng", "Giấy tờ", "Phương án"]
SHEETS_EN = ["Summary", "Procedures", "Findings", "Reuse", "Documents", "Plan"]
MONEY, SHARE = "#,##0", "0.0%"
GREEN, AMBER, RED = "C6EFCE", "FFEB9C", "FFC7CE"
INJECTED = '=HYPERLINK("http://x","y")'


def analysis_of(path: Path, scenario: Path | None = None):
    return run_analysis(Request(path=path, scenario=scenario, progress=False, quiet=True))


def workbook(path: Path, lang: str = "vi", scenario: Path | None = None):
    """The report of a catalogue as the command writes it, opened again with openpyxl."""
    analysis = analysis_of(path, scenario)
    measures = (scenario_measures(analysis, lang) if scenario is not None
                else plan_measures(analysis_plan(analysis), lang))
    return openpyxl.load_workbook(io.BytesIO(report_bytes(analysis, measures, lang, TODAY)))


def rows(ws, first: int = 1) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=first, values_only=True)]


def row_of(ws, label: str, col: int = 1):
    """The cells of the first row whose column `col` holds `label`."""
    for row in ws.iter_rows():
        if row[col - 1].value == label:
            return row
    raise AssertionError(f"no row {label!r} in {ws.title}")


@pytest.fixture(scope="module")
def vi():
    return workbook(MINI)


@pytest.fixture(scope="module")
def en_scenario():
    return workbook(MINI, "en", CUT)


def test_six_sheets_named_in_each_language(vi, en_scenario):
    assert vi.sheetnames == SHEETS_VI
    assert en_scenario.sheetnames == SHEETS_EN


def test_summary_holds_the_metrics_of_the_mini_catalogue(vi):
    ws = vi["Tổng quan"]
    assert ws["B2"].value == "Ví dụ nhỏ"
    assert ws["B3"].value.date() == TODAY
    annual = row_of(ws, "Chi phí tuân thủ/năm")[1]
    assert (annual.value, annual.number_format) == (450_200_000, MONEY)
    internal = row_of(ws, "Chi phí TTHC nội bộ/năm")[1]
    assert (internal.value, internal.number_format) == (24_000_000, MONEY)
    online = row_of(ws, "Tỷ lệ hồ sơ trực tuyến")[1]
    assert (online.value, online.number_format) == (pytest.approx(0.4), SHARE)
    assert row_of(ws, "DVC thiết yếu toàn trình")[1].value == "–"  # no essential procedure: a share of nothing
    assert row_of(ws, "Phát hiện")[1].value == 11
    assert row_of(ws, "Tiết kiệm tiềm năng/năm")[1].value == 183_700_000
    assert ws.freeze_panes == "A4"


def test_summary_targets_with_status_colours(vi):
    ws = vi["Tổng quan"]
    header = row_of(ws, "Mục tiêu")
    assert [c.value for c in header] == ["Mục tiêu", "Mốc", "Hiện tại", "Dự kiến", "Đích", "Trạng thái"]
    cut = row_of(ws, "Cắt giảm ít nhất 50% TTHC nội bộ")
    # baseline 2 from catalog.yaml, current 1: a cut of 50%, met (EXPECTED.md)
    assert [c.value for c in cut] == [cut[0].value, 2, 1, 1, 1, "Đạt"]
    assert cut[5].fill.fgColor.rgb[-6:] == GREEN
    assert {c.number_format for c in cut[1:5]} == {"#,##0"}  # whole counts: "#,##0.#" shows 2 as "2." in Excel
    cost = row_of(ws, "Cắt giảm ít nhất 50% chi phí tuân thủ TTHC nội bộ")
    assert [c.value for c in cost[1:]] == [24_000_000, 24_000_000, 24_000_000, 12_000_000, "Chưa đạt"]
    assert cost[1].number_format == MONEY and cost[5].fill.fgColor.rgb[-6:] == RED
    full = row_of(ws, "100% TTHC đủ điều kiện cung cấp dịch vụ công trực tuyến toàn trình")
    assert full[3].value == pytest.approx(2 / 3) and full[3].number_format == "0.00%"  # 99.96% is not 100.0%
    # No essential procedure: the share is over an empty set, and the target does not apply (met only vacuously).
    essential = row_of(ws, "100% dịch vụ công thiết yếu được cung cấp trực tuyến toàn trình")
    assert [c.value for c in essential[2:]] == ["–", "–", 1, "Không áp dụng"]
    assert essential[5].fill.fgColor.rgb[-6:] == "EDEDED"


def test_amber_when_the_findings_measures_would_meet_a_target(en_scenario):
    # After the scenario only 1.000002 is left; fixing its findings would make it fully online.
    ws = en_scenario["Summary"]
    # With a scenario, the targets before and after it (as the metrics above), then projected.
    assert [c.value for c in row_of(ws, "Target")][:7] == [
        "Target", "Baseline", "Before", "After", "Projected", "Goal", "Status"]
    full = row_of(ws, "100% of eligible procedures offered fully online")
    assert (full[2].value, full[3].value, full[4].value, full[6].value) == (0, 0, 1, "Will be met")
    assert full[6].fill.fgColor.rgb[-6:] == AMBER


def test_summary_compares_before_and_after_a_scenario(en_scenario):
    ws = en_scenario["Summary"]
    assert row_of(ws, "Scenario")[1].value == "Phương án đơn giản hóa thử nghiệm"
    assert [c.value for c in row_of(ws, "Metric")][:3] == ["Metric", "Before", "After"]
    # 450,200,000 before; after it only 1.000002 is left, less 1,000 a dossier: 145,000 x 200
    assert [c.value for c in row_of(ws, "Annual compliance cost")[:3]] == [
        "Annual compliance cost", 450_200_000, 29_000_000]


def test_summary_cost_by_ministry_with_a_bar_chart(vi):
    ws = vi["Tổng quan"]
    header = row_of(ws, "Bộ, ngành")[0].row
    assert rows(ws, header + 1) == [
        ("Bộ Tư pháp", 1, 397_000_000, pytest.approx(397 / 450.2), None, None),
        ("Bộ Công an", 1, 29_200_000, pytest.approx(29.2 / 450.2), None, None),
        ("Bộ Nội vụ", 1, 24_000_000, pytest.approx(24 / 450.2), None, None),
    ]
    assert ws.cell(header + 1, 3).number_format == MONEY
    assert ws.auto_filter.ref == f"A{header}:D{header + 3}"
    [chart] = ws._charts
    assert type(chart).__name__ == "BarChart" and chart.type == "bar"


def test_procedures_sorted_by_annual_cost_with_every_cost_column(vi):
    ws = vi["Thủ tục"]
    header = [c.value for c in ws[1]]
    assert header == [
        "Mã TTHC", "Tên thủ tục", "Bộ, ngành", "Loại", "Đối tượng", "Mức trực tuyến", "Hồ sơ/năm",
        "Chi phí nộp trực tiếp", "Chi phí nộp trực tuyến", "Chi phí/hồ sơ", "Chi phí tuân thủ/năm", "Tỷ trọng",
        "Tỷ trọng lũy kế", "Giờ (trực tiếp)", "Giờ (trực tuyến)", "Lượt đi lại (trực tiếp)",
        "Lượt đi lại (trực tuyến)", "Thời gian giải quyết (ngày)",
    ]
    body = rows(ws, 2)
    assert [r[0] for r in body] == ["1.000001", "1.000002", "2.000003"]
    # EXPECTED.md: 458,500 offline, 335,500 online, 397,000 a dossier, x 1,000 a year; 8 h / 6 h; 3 / 2 visits
    assert body[0][:11] == ("1.000001", "Đăng ký khai sinh (ví dụ)", "Bộ Tư pháp", "bên ngoài", "người dân",
                            "một phần", 1000, 458_500, 335_500, 397_000, 397_000_000)
    assert body[0][13:] == (8, 6, 3, 2, 3)
    assert body[2][10] == 24_000_000 and body[2][4] == "cơ quan"
    assert [r[12] for r in body] == [pytest.approx(397 / 450.2), pytest.approx(426.2 / 450.2), 1]
    for col in "HIJK":
        assert ws[f"{col}2"].number_format == MONEY
    assert ws["L2"].number_format == ws["M2"].number_format == SHARE
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == "A1:R4"
    assert ws.column_dimensions["B"].width == len("Đăng ký thường trú (ví dụ)") + 2


def test_pareto_chart_bars_and_cumulative_line_on_a_secondary_axis(vi):
    [chart] = vi["Thủ tục"]._charts
    kinds = [type(c).__name__ for c in chart._charts]
    assert kinds == ["BarChart", "LineChart"]
    bars, line = chart._charts
    assert bars.series[0].val.numRef.f == "'Thủ tục'!$K$2:$K$4"  # annual cost of the top 20 (here all 3)
    assert line.series[0].val.numRef.f == "'Thủ tục'!$M$2:$M$4"  # cumulative share
    assert line.y_axis.axId == 200 and line.y_axis.crosses == "max"


def test_findings_with_rule_saving_and_location(vi):
    ws = vi["Phát hiện"]
    assert [c.value for c in ws[1]] == ["Quy tắc", "Tên quy tắc", "Mức độ", "Thủ tục", "Đối tượng", "Nội dung",
                                        "Tiết kiệm/năm", "Vị trí"]
    body = rows(ws, 2)[:-2]  # then a blank row and the note on savings
    assert rows(ws, 2)[-1][0].startswith("Tiết kiệm/năm của mỗi phát hiện tính riêng")
    assert [(r[0], r[3], r[4]) for r in body] == [
        ("DOC001", "1.000001", "cccd"), ("ONCE001", "1.000001", "cccd"), ("PROC001", "1.000001", None),
        ("STEP001", "1.000001", "receive"), ("DOC003", "1.000002", "giay_khai_sinh"), ("LINK001", "1.000002", None),
        ("ONCE002", "1.000002", "giay_khai_sinh"), ("PROC001", "1.000002", None), ("STEP001", "1.000002", "submit"),
        ("PROC001", "2.000003", None), ("PROC003", "2.000003", None),
    ]
    once = body[1]
    # EXPECTED.md: removing cccd saves 124,500 a dossier, 124,500,000 a year
    assert once[2] == "cảnh báo" and once[6] == 124_500_000
    assert once[7] == "procedures/1.000001-khai-sinh.yaml:37"
    assert ws["G2"].number_format == MONEY
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:H12"


def test_long_texts_wrap_in_rows_tall_enough_for_them(vi):
    ws = vi["Phát hiện"]
    message = ws["F3"]  # 104 characters in a column as wide as the widest allowed, 72
    assert (len(message.value), ws.column_dimensions["F"].width) == (104, 72)
    assert message.alignment.wrap_text and message.alignment.vertical is None  # at the bottom of its row
    assert ws.row_dimensions[3].height == 30  # two lines of 15 points
    assert not ws["A3"].alignment.wrap_text and ws.row_dimensions[2].height is None
    header = ws["G1"].alignment
    assert (header.wrap_text, header.horizontal, header.vertical) == (True, "right", "center")


def test_reuse_lists_the_once_only_opportunities(vi):
    ws = vi["Tái sử dụng"]
    assert rows(ws, 2)[:2] == [
        ("cccd", "Căn cước công dân", "Cơ sở dữ liệu quốc gia về dân cư", "1.000001", 1000, 124_500_000),
        ("giay_khai_sinh", "Giấy khai sinh", "1.000001", "1.000002", 200, 200_000),
    ]
    assert ws["F2"].number_format == MONEY
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F3"


def test_documents_supply_cost_per_evidence_type(vi):
    ws = vi["Giấy tờ"]
    # to_khai: 1,000 x 0.5 h x 44,000 (1.000001) + 200 x 0 (1.000002, an original, no time) = 22,000,000
    # cccd: 1,000 x (1,500 copying + 5,000 certification) = 6,500,000; giay_khai_sinh: 200 x 2 x 500 = 200,000
    assert rows(ws, 2)[:3] == [
        ("to_khai", "Tờ khai", 2, 0, 1200, 22_000_000),
        ("cccd", "Căn cước công dân", 1, 1, 1000, 6_500_000),
        ("giay_khai_sinh", "Giấy khai sinh", 1, 0, 200, 200_000),
    ]
    assert ws["F2"].number_format == MONEY
    assert ws["A6"].value.startswith("Chi phí cung cấp/năm = ")  # the formula, said in a note row
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F4"


def test_plan_sheet_shows_the_plan_for_the_default_targets():
    ws = workbook(PLAN_CATALOG, "en")["Plan"]
    assert ws["A1"].value == "Plan made by simplify plan for the targets: internal-procedures-cut, internal-cost-cut"
    # tests/test_plan.py: 2.000004 (30,000,000 a year) merged first, then 2.000003 (24,020,000)
    assert rows(ws, 3)[:3] == [
        ("Measure", "Rule", "Annual saving", "Cumulative", None, None),
        ("Merge procedure 2.000004 into 2.000005", "INT001", 30_000_000, 30_000_000, None, None),
        ("Merge procedure 2.000003 into 2.000005", "INT001", 24_020_000, 54_020_000, None, None),
    ]
    assert ws["C4"].number_format == ws["D4"].number_format == MONEY
    cost = row_of(ws, "Cut the compliance cost of internal procedures by at least 50%")
    assert [c.value for c in cost[1:]] == [55_820_000, 55_820_000, 1_800_000, 27_910_000, "Met"]
    assert cost[5].fill.fgColor.rgb[-6:] == GREEN
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == "A3:D5"


def test_plan_sheet_shows_the_scenario_measures(en_scenario):
    ws = en_scenario["Plan"]
    assert ws["A1"].value == f"Scenario: Phương án đơn giản hóa thử nghiệm ({CUT})"
    # tests/test_scenario.py: each measure counted after the ones before it
    assert [r[:4] for r in rows(ws, 4)[:3]] == [
        ("Stop asking for 'cccd' in 1.000001", None, 124_500_000, 124_500_000),
        ("Abolish procedure 2.000003", None, 24_000_000, 148_500_000),
        ("Merge procedure 1.000001 into 1.000002", None, 272_700_000, 421_200_000),
    ]
    internal = row_of(ws, "Cut internal procedures by at least 50%")
    assert [c.value for c in internal[1:]] == [2, 1, 0, 1, "Met"]
    # A target the scenario leaves unmet is not met, whatever every suggested measure would do: full-online is
    # 0 after it (1.000002 alone, partly online), which the findings' measures would mend ("Will be met" above).
    full = row_of(ws, "100% of eligible procedures offered fully online")
    assert [c.value for c in full[2:]] == [0, 0, 1, "Not met"] and full[5].fill.fgColor.rgb[-6:] == RED


@pytest.fixture(scope="module")
def injected(tmp_path_factory):
    """The mini catalogue with texts that a spreadsheet would take for formulas."""
    root = tmp_path_factory.mktemp("injected") / "mini"
    shutil.copytree(MINI, root)
    for file, old, new in (
        ("procedures/1.000001-khai-sinh.yaml", "name: Đăng ký khai sinh (ví dụ)", f"name: '{INJECTED}'"),
        ("procedures/1.000002-thuong-tru.yaml", "ministry: Bộ Công an", "ministry: '+cmd|calc'"),
        ("procedures/2.000003-bao-cao.yaml", "ministry: Bộ Nội vụ", "ministry: '@SUM(A1)'"),
        ("catalog.yaml", "name: Ví dụ nhỏ", "name: '-2+3'"),
    ):
        path = root / file
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    analysis = analysis_of(root)
    return report_bytes(analysis, plan_measures(analysis_plan(analysis)), "vi", TODAY)


def test_formula_looking_text_is_stored_as_text(injected):
    wb = openpyxl.load_workbook(io.BytesIO(injected))
    procedures = wb["Thủ tục"]
    name = procedures["B2"]
    assert (name.value, name.data_type) == (INJECTED, "s")
    for cell, text in ((procedures["C3"], "+cmd|calc"), (procedures["C4"], "@SUM(A1)"), (wb["Tổng quan"]["B2"], "-2+3")):
        assert (cell.value, cell.data_type) == (text, "s")
    # no sheet of the file holds a formula at all
    with zipfile.ZipFile(io.BytesIO(injected)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 6
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def test_an_existing_report_is_replaced_and_a_failed_write_leaves_it_intact(tmp_path, monkeypatch):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"previous report")
    analysis = analysis_of(MINI)
    measures = plan_measures(analysis_plan(analysis))
    write_report(target, analysis, measures, "vi", TODAY)
    first = target.read_bytes()
    assert openpyxl.load_workbook(target).sheetnames == SHEETS_VI

    def broken(self, filename):
        filename.write(b"half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        write_report(target, analysis, measures, "en", TODAY)
    assert target.read_bytes() == first
    assert os.listdir(tmp_path) == ["report.xlsx"]  # the temporary file is gone


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simplify", "report", *args, "--no-progress"],
                          capture_output=True, text=True, cwd=cwd, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def test_cli_writes_the_report_and_requires_output(tmp_path):
    missing = run(str(MINI))
    assert missing.returncode == 2 and "--output" in missing.stderr and "Traceback" not in missing.stderr
    out = tmp_path / "out" / "report.xlsx"
    done = run(str(MINI), "--output", str(out), "--lang", "en", "--scenario", str(CUT))
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"Wrote {out}"
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS_EN
    assert wb["Plan"]["A4"].value == "Stop asking for 'cccd' in 1.000001"


def test_cli_on_the_bundled_catalogue(tmp_path):
    out = tmp_path / "r.xlsx"
    done = run("--output", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS_VI
    assert wb["Thủ tục"].max_row == 52  # 51 procedures and the header
    assert len(wb["Tổng quan"]._charts) == len(wb["Thủ tục"]._charts) == 1


@pytest.mark.skipif(openpyxl.LXML, reason="openpyxl writes through lxml, which spaces its XML its own way")
def test_rows_are_written_as_openpyxl_writes_them():
    # The report's rows are written by simplify.report.sheet_xml, not by openpyxl (ten times faster):
    # they must be the bytes openpyxl's own writer makes of the same cells, whatever the text.
    from openpyxl.styles import Alignment, Font

    from simplify.report.sheet_xml import cell_xml, row_xml

    texts = ["plain", " leading", "trailing ", "   ", "", 'a & b < c > d "q" \'x\'', "two\nlines\r\n", "tab\tin",
             INJECTED, "#N/A", "=", "Đăng ký khai sinh – ví dụ", "🙂", "x" * 80]
    numbers = [0, -3, 124_500_000, 20_446_943_155_500, 10**17, 0.1, 2 / 3, 1e-7, 1.5e20, -0.0]
    heights = {3: 30}
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, value in enumerate([*texts, *numbers, TODAY]):
        cell = ws.cell(i // 3 + 1, i % 3 + 1, value)
        if isinstance(value, str):
            cell.data_type = "s"
        if i % 4 == 0:
            cell.number_format = MONEY
        if i % 5 == 0:
            cell.font = Font(bold=True)
        if i % 7 == 0:
            cell.alignment = Alignment(wrap_text=True, horizontal="right")
    for row, height in heights.items():
        ws.row_dimensions[row].height = height
    saved = io.BytesIO()
    wb.save(saved)
    with zipfile.ZipFile(saved) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    written = sheet[sheet.index("<sheetData>") + len("<sheetData>"):sheet.index("</sheetData>")]

    def style(cell) -> str:
        return f' s="{cell.style_id}"' if cell.has_style else ""

    rows = [row_xml(cells[0].row, heights.get(cells[0].row), [cell_xml(c.coordinate, c.value, style(c), wb.epoch)
                                                              for c in cells])
            for cells in ([c for c in row if c.value is not None] for row in ws.iter_rows())]
    assert "".join(rows) == written


def test_printed_tables_repeat_their_headers_and_the_procedures_fit_two_pages_wide(vi):
    """A minister's printout: every page of a table starts with its header row; the 18 columns of the
    procedures print on two pages wide (one page wide set them in 3.5 pt), each with the code and the name."""
    assert [vi[name].print_title_rows for name in ("Thủ tục", "Phát hiện", "Tái sử dụng", "Giấy tờ")] == ["$1:$1"] * 4
    procedures = vi["Thủ tục"]
    assert (procedures.print_title_cols, procedures.page_setup.fitToWidth) == ("$A:$B", 2)
    assert vi["Tổng quan"].page_setup.fitToWidth == 1


def test_in_english_the_procedures_sheet_names_a_procedure_in_english_where_it_can(tmp_path):
    root = edited_mini(tmp_path / "mini", "name: Đăng ký khai sinh (ví dụ)\n", "name: Đăng ký khai sinh (ví dụ)\nname_en: Birth\n")
    names = {}
    for lang in ("en", "vi"):
        ws = workbook(root, lang)["Procedures" if lang == "en" else "Thủ tục"]
        names[lang] = {row[0]: row[1] for row in rows(ws, 2) if row[0]}
    assert (names["en"]["1.000001"], names["vi"]["1.000001"]) == ("Birth", "Đăng ký khai sinh (ví dụ)")
    assert names["en"]["1.000002"] == names["vi"]["1.000002"]  # no English name: the Vietnamese one


def test_a_target_figure_shows_a_fraction_only_where_it_has_one():
    from simplify.report.excel import _target_format

    # a baseline of 23 cut by half is a goal of 11.5: shown as 11.5, not as 12 beside a current 12 "not met"
    assert [_target_format("internal_procedures", v) for v in (23, 12.0, 11.5, None)] == [
        "#,##0", "#,##0", "#,##0.0", "#,##0"]
    assert _target_format("full_online_share", 0.9996) == "0.00%" and _target_format("annual_cost", 1.5) == MONEY


def test_characters_a_sheet_cannot_hold_are_dropped_and_every_other_kept():
    from openpyxl import Workbook

    from simplify.report.excel import _Sheet

    sheet = _Sheet(Workbook().active)
    texts = ["a\x0bb\x01c\x1f", "tab\there\nnew line\r", "Thủ tục\u00a0hành chính\u2028"]
    for col, text in enumerate(texts, 1):
        sheet.put(1, col, text)
    assert [sheet.cells[1][col][0] for col in (1, 2, 3)] == ["abc", texts[1], texts[2]]
