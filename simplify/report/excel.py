"""The Excel workbook for ministries (`simplify report`): six sheets, written with openpyxl (their rows apart).

Summary (metrics, targets with status colours, annual cost by ministry with
a bar chart), Procedures (the cost columns of the JSON contract, costliest
first, with a Pareto chart of the top 20), Findings, Reuse (once-only
opportunities), Documents (the cost of supplying each evidence type) and
Plan (the measures of `--scenario` or of `simplify plan`, and the targets
after them). Figures are written as numbers with a display format (money
`#,##0`, shares `0.0%`) so they stay sortable; every text goes through one
function, and is written as a string, so a name such as `=HYPERLINK(...)` is
never a formula. The file is written atomically (simplify.atomic).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from ..analysis import Analysis
from ..i18n import COUNT_METRICS, MONEY_METRICS, t
from ..model import Location, shown_name
from ..targets import TargetResult
from .json_report import procedure_row, summary
from .reuse import evidence_supply, opportunities

# Hours and days with up to two decimals: 0.15 hours must not read 0.2, or a cost cannot be checked by hand.
MONEY, SHARE, COUNT, DECIMAL = "#,##0", "0.0%", "#,##0", "#,##0.0#"
# A target's figures show as much as tells a value from its goal: 99.96% is not 100.0%, a goal of 11.5 not 12.
TARGET_SHARE, PART_COUNT = "0.00%", "#,##0.0"
FIGURES = "General"  # a column of Figures, each with its own format
TEXT: str | None = None
SHEETS = ("sheet_summary", "sheet_procedures", "sheet_findings", "sheet_reuse", "sheet_documents", "sheet_plan")
PARETO_TOP = 20
PARETO_COLUMNS, PARETO_ROWS = 14, 22  # cells of default size the Pareto chart covers, about 24 x 12 cm
MAX_WIDTH, MIN_WIDTH, HEADER_WIDTH = 72, 8, 24
EXCEL_TEXT_LIMIT = 32767

# Excel's own "good / neutral / bad" cell styles: (fill, font colour).
GREEN, AMBER, RED, GREY = ("C6EFCE", "006100"), ("FFEB9C", "9C5700"), ("FFC7CE", "9C0006"), ("EDEDED", "595959")
HEADER_FILL = "DDEBF7"


@dataclass(frozen=True, slots=True)
class Figure:
    """A number with its own display format, for columns that mix money, counts and shares."""

    value: float | None
    format: str


@dataclass(frozen=True, slots=True)
class MeasureRow:
    rule: str
    description: str
    annual_saving: float


@dataclass(frozen=True, slots=True)
class Measures:
    """What the last sheet shows: a scenario's or a plan's measures, and the targets before and after them."""

    title: str
    rows: tuple[MeasureRow, ...]
    before: tuple[TargetResult, ...]
    after: tuple[TargetResult, ...]


def scenario_measures(analysis: Analysis, lang: str = "vi") -> Measures:
    """The measures of the `--scenario` an analysis was run with."""
    result = analysis.scenario
    before = analysis.before.targets if analysis.before is not None else ()
    return Measures(
        title=t("scenario_title", lang).format(f"{result.name} ({result.file})"),
        rows=tuple(MeasureRow("", r.measure.describe(lang), r.annual_saving) for r in result.measures),
        before=before,
        after=analysis.targets,
    )


def plan_measures(plan, lang: str = "vi", cut_at: int | None = None) -> Measures:
    """The measures of a `simplify.plan.Plan` (made with at most `cut_at` measures, when given)."""
    title = t("plan_title", lang).format(", ".join(target.id for target in plan.targets) or "–")
    if cut_at is not None and len(plan.steps) >= cut_at and not all(r.met for r in plan.final):
        title += t("plan_cut", lang).format(cut_at)
    return Measures(
        title=title,
        rows=tuple(MeasureRow(s.rule, s.measure.describe(lang), s.annual_saving) for s in plan.steps),
        before=plan.start,
        after=plan.final,
    )


@dataclass(frozen=True, slots=True)
class Report:
    """The workbook ready to save: openpyxl's, every sheet set up but holding no cell, and the rows of each sheet.

    The rows are XML written apart (simplify.report.sheet_xml): openpyxl takes
    ten times as long to write them, most of the report's time.
    """

    book: Any
    rows: tuple[bytes, ...]

    def save(self, out: BinaryIO) -> None:
        from .sheet_xml import save_with_rows

        save_with_rows(self.book, self.rows, out)


def build_workbook(analysis: Analysis, measures: Measures, lang: str = "vi", today: date | None = None) -> Report:
    """The six sheets."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)  # its sheets never hold a cell: a write-only one has no default sheet either
    sheets = [_Sheet(book.create_sheet(t(key, lang))) for key in SHEETS]
    summary, procedures, findings, reuse, documents, plan = sheets
    _summary(summary, analysis, lang, today or date.today())
    _procedures(procedures, analysis, lang)
    _findings(findings, analysis, lang)
    _reuse(reuse, analysis, lang)
    _documents(documents, analysis, lang)
    _plan(plan, measures, lang)
    return Report(book, tuple(sheet.finish() for sheet in sheets))  # in order: each registers the styles it uses


def report_bytes(analysis: Analysis, measures: Measures, lang: str = "vi", today: date | None = None) -> bytes:
    """The workbook as .xlsx bytes."""
    out = io.BytesIO()
    build_workbook(analysis, measures, lang, today).save(out)
    return out.getvalue()


def write_report(path: str | Path, analysis: Analysis, measures: Measures, lang: str = "vi",
                 today: date | None = None) -> None:
    """Write the workbook to `path` atomically: an interrupted run leaves any previous report as it was."""
    from ..atomic import write_atomic

    write_atomic(path, build_workbook(analysis, measures, lang, today).save)


# -- the sheets -----------------------------------------------------------------


def _summary(sheet: _Sheet, analysis: Analysis, lang: str, today: date) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font

    sheet.put(1, 1, t("report_title", lang), fit=False, look=_Look(font=Font(bold=True, size=14)))
    head = [("catalog", analysis.catalog.name), ("report_date", today)]
    if analysis.scenario is not None:
        head.append(("scenario", analysis.scenario.name))
    for i, (key, value) in enumerate(head, 2):
        sheet.put(i, 1, t(key, lang), look=_Look(font=Font(bold=True)))
        sheet.put(i, 2, value, "dd/mm/yyyy" if lang == "vi" else "yyyy-mm-dd", fit=False,
                  look=_Look(alignment=Alignment(horizontal="left")))
    sheet.freeze(len(head) + 2, 1)
    sheet.pages = (1, 1)  # the page leaders read: all of it on one sheet of paper

    top = len(head) + 3
    compared = (analysis.before, analysis) if analysis.before is not None else (analysis,)
    keys = ("before", "after") if len(compared) > 1 else ("value",)
    columns = [("metric", TEXT)] + [(key, FIGURES) for key in keys]
    figures = [summary(a) for a in compared]  # the JSON contract's summary object
    rows = [(t(m, lang), *(Figure(f[m], _metric_format(m)) for f in figures)) for m in figures[0]]
    metrics_end = sheet.table(top, 1, columns, rows, lang)

    row = metrics_end + 2
    if analysis.targets:  # with a scenario, before and after it, as the metrics above
        row = _targets(sheet, row, analysis.targets, lang, analysis.before.targets if analysis.before else None) + 2

    by_ministry = _ministries(analysis, lang)
    total = analysis.metrics["annual_cost"]
    last = sheet.table(row, 1, [("ministry", TEXT), ("procedures", COUNT), ("annual_cost", MONEY), ("share", SHARE)],
                       [(name, count, cost, cost / total if total else None) for name, count, cost in by_ministry],
                       lang, filtered=True)

    if not by_ministry:
        return
    # The chart stands beside the metrics, as wide as the target columns, so the page keeps their width.
    first = len(columns) + 1
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.legend = None
    chart.add_data(Reference(sheet.ws, min_col=3, min_row=row, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=row + 1, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"  # the costliest ministry on top
    chart.y_axis.numFmt, unit = _scale(max((cost for _, _, cost in by_ministry), default=0))
    chart.title = _chart_title(t("cost_by_ministry", lang).format(t(unit, lang)))
    _show_axes(chart.x_axis, chart.y_axis)
    sheet.ws.add_chart(chart, _anchor(first, top, max(sheet.widths), metrics_end))


def _targets(sheet: _Sheet, row: int, results: Sequence[TargetResult], lang: str,
             before: Sequence[TargetResult] | None = None, projected: bool = True) -> int:
    """A targets table with status colours: current and projected; with `before`, the values before and after
    its measures (a scenario's, a plan's) first. Without the projected column, the status is the after's alone:
    met or not (amber says the findings' measures would meet it, which that table does not show)."""
    start = {r.id: r.current for r in before} if before is not None else None
    keys = (("current",) if start is None else ("before", "after")) + (("projected",) if projected else ())
    moves = [((r.current,) if start is None else (start.get(r.id), r.current)) + ((r.projected,) if projected else ())
             for r in results]
    statuses = [r.status(projected) for r in results]
    columns = [("target", TEXT), ("baseline", FIGURES), *((key, FIGURES) for key in keys), ("goal", FIGURES),
               ("status", TEXT)]
    rows = [
        (r.title(lang) or r.id, *(Figure(v, _target_format(r.metric, v)) for v in (r.baseline, *move, r.goal)),
         t(status, lang))
        for r, move, status in zip(results, moves, statuses)
    ]
    last = sheet.table(row, 1, columns, rows, lang)
    for i, status in enumerate(statuses, row + 1):
        sheet.colour(i, len(columns), status)
    return last


def _procedures(sheet: _Sheet, analysis: Analysis, lang: str) -> None:
    from openpyxl.chart import BarChart, LineChart, Reference

    pairs = sorted(((p, analysis.costs[p.code]) for p in analysis.catalog.procedures),
                   key=lambda pc: (-pc[1].annual_cost, pc[0].code))
    total = sum(c.annual_cost for _, c in pairs)
    columns = [
        ("code", TEXT), ("name", TEXT), ("ministry", TEXT), ("kind", TEXT), ("subject", TEXT), ("online_level", TEXT),
        ("volume", COUNT), ("cost_offline", MONEY), ("cost_online", MONEY), ("cost_per_dossier", MONEY),
        ("annual_cost", MONEY), ("share", SHARE), ("cumulative_share", SHARE), ("hours_offline", DECIMAL),
        ("hours_online", DECIMAL), ("visits_offline", COUNT), ("visits_online", COUNT), ("elapsed_days", DECIMAL),
    ]
    rows = []
    running = 0.0
    for p, c in pairs:
        row = procedure_row(p, c)
        running += c.annual_cost
        row.update(
            name=shown_name(p, lang), ministry=p.ministry or "", kind=t(p.kind, lang), subject=t(p.subject, lang),
            online_level=t(c.online_level, lang),
            share=c.annual_cost / total if total else None, cumulative_share=running / total if total else None,
        )
        rows.append(tuple(row[key] for key, _ in columns))
    last = sheet.table(1, 1, columns, rows, lang, filtered=True)
    sheet.freeze(2, 3)
    # Eighteen columns on one page wide print too small to read: two, each with the code and the name.
    sheet.pages = (2, 0)
    if not rows:
        return
    column = {key: i for i, (key, _) in enumerate(columns, 1)}
    top = min(last, PARETO_TOP + 1)
    categories = Reference(sheet.ws, min_col=column["code"], min_row=2, max_row=top)
    bars = BarChart()
    bars.type = "col"
    bars.style = 10
    bars.title = _chart_title(t("pareto", lang).format(top - 1))
    bars.add_data(Reference(sheet.ws, min_col=column["annual_cost"], min_row=1, max_row=top), titles_from_data=True)
    bars.set_categories(categories)
    bars.y_axis.numFmt, unit = _scale(pairs[0][1].annual_cost)
    bars.y_axis.title = f"{t('annual_cost', lang)} ({t(unit, lang)})"
    line = LineChart()
    line.add_data(Reference(sheet.ws, min_col=column["cumulative_share"], min_row=1, max_row=top),
                  titles_from_data=True)
    line.set_categories(categories)
    line.y_axis.axId = 200  # a secondary axis, on the right, for the shares
    line.y_axis.title = t("cumulative_share", lang)
    line.y_axis.numFmt = "0%"
    line.y_axis.scaling.min, line.y_axis.scaling.max = 0, 1
    line.y_axis.majorGridlines = None
    line.y_axis.crosses = "max"
    _show_axes(bars.x_axis, bars.y_axis, line.y_axis)
    bars += line
    bars.legend.position = "b"
    left = len(columns) + 2
    sheet.ws.add_chart(bars, _anchor(left, 2, left + PARETO_COLUMNS - 1, PARETO_ROWS + 1))
    # Printed: the table one page wide, then the chart on a page of its own.
    sheet.ws.print_area = [f"A1:{_letter(len(columns))}{last}",
                           f"{_letter(left)}2:{_letter(left + PARETO_COLUMNS - 1)}{PARETO_ROWS + 1}"]


def _findings(sheet: _Sheet, analysis: Analysis, lang: str) -> None:
    columns = [("rule", TEXT), ("rule_name", TEXT), ("severity", TEXT), ("procedure", TEXT), ("object", TEXT),
               ("message", TEXT), ("annual_saving", MONEY), ("location", TEXT)]
    rows = [
        (f.rule, f.name, t(f.severity, lang) + (f" ({t('waived', lang)})" if f.waived else ""), f.procedure,
         f.evidence or f.step or f.fee or "", f.message(lang), f.annual_saving, _where(f.location))
        for f in analysis.reported_findings
    ]
    last = sheet.table(1, 1, columns, rows, lang, filtered=True)
    sheet.freeze(2, 1)
    sheet.note(last + 2, t("findings_note", lang))


def _reuse(sheet: _Sheet, analysis: Analysis, lang: str) -> None:
    columns = [("evidence", TEXT), ("evidence_name", TEXT), ("source", TEXT), ("asking_procedures", TEXT),
               ("volume", COUNT), ("annual_saving", MONEY)]
    rows = [
        (o.evidence, o.name, "; ".join(([o.database] if o.database else []) + list(o.issued_by)),
         ", ".join(o.procedures), o.volume, o.annual_saving)
        for o in opportunities(analysis)
    ]
    last = sheet.table(1, 1, columns, rows, lang, filtered=True)
    sheet.freeze(2, 1)
    sheet.note(last + 2, t("reuse_note", lang))


def _documents(sheet: _Sheet, analysis: Analysis, lang: str) -> None:
    columns = [("evidence", TEXT), ("evidence_name", TEXT), ("procedures", COUNT), ("certified_procedures", COUNT),
               ("volume", COUNT), ("supply_cost", MONEY)]
    rows = [(e.evidence, e.name, e.procedures, e.certified, e.volume, e.annual_cost) for e in evidence_supply(analysis)]
    last = sheet.table(1, 1, columns, rows, lang, filtered=True)
    sheet.freeze(2, 1)
    sheet.note(last + 2, t("supply_note", lang))


def _plan(sheet: _Sheet, measures: Measures, lang: str) -> None:
    from openpyxl.styles import Font

    sheet.put(1, 1, measures.title, fit=False, look=_Look(font=Font(bold=True, size=12)))
    columns = [("measure", TEXT), ("rule", TEXT), ("annual_saving", MONEY), ("cumulative", MONEY)]
    rows = []
    running = 0.0
    for m in measures.rows:  # in the order they apply, each saving counted after the ones before
        running += m.annual_saving
        rows.append((m.description, m.rule, m.annual_saving, running))
    last = sheet.table(3, 1, columns, rows, lang, filtered=True)
    sheet.freeze(4, 1)
    if not rows:
        sheet.note(last + 1, t("no_measures", lang))
        last += 1
    if not measures.after:
        return
    sheet.put(last + 2, 1, t("targets_after", lang), fit=False, look=_Look(font=Font(bold=True)))
    _targets(sheet, last + 3, measures.after, lang, measures.before, projected=False)


# -- helpers ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class _Look:
    """How a cell is drawn besides its number format: openpyxl style objects, None for the default.

    Looks are told apart by identity (eq=False): openpyxl hashes a style
    slowly, and the few looks of a sheet are shared by its cells.
    """

    font: Any = None
    fill: Any = None
    border: Any = None
    alignment: Any = None


class _Sheet:
    """One worksheet, the widths its content asks for and how it prints; every cell is written through `put`.

    The cells are gathered here, as (value, number format, look), since the
    widths and the wrapping follow from all of them; `finish` then writes the
    rows out.
    """

    def __init__(self, ws):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Alignment

        self.ws = ws
        self.cells: dict[int, dict[int, tuple[Any, str | None, _Look | None]]] = {}  # row -> column -> cell
        self.widths: dict[int, int] = {}            # column -> characters its content takes
        self.long: list[tuple[int, int, int]] = []  # (row, column, width of its text) of cells that may need wrapping
        self.pages = (1, 0)                         # printed pages wide and tall (0: as many as it takes)
        self.unknown = _Look(alignment=Alignment(horizontal="right"))
        self.legal = partial(ILLEGAL_CHARACTERS_RE.sub, "")  # a text without the characters a sheet cannot hold

    def put(self, row: int, col: int, value: Any, number_format: str | None = None, *, fit: bool = True,
            look: _Look | None = None) -> None:
        """One value of the sheet: text always as a string (never a formula), figures with their format."""
        if value.__class__ is not str:  # most values are texts: this runs for each of a million cells
            if isinstance(value, Figure):
                value, number_format = value.value, value.format
            if value is None:
                value, look = "–", self.unknown  # a share over an empty set, or a value unknown
        if isinstance(value, str):
            # every character a sheet cannot hold is a control character: most texts need no search for them
            value = (value if value.isprintable() else self.legal(value))[:EXCEL_TEXT_LIMIT]
            number_format, length = None, len(value)
        else:
            length = _shown_length(value, number_format)
        line = self.cells.get(row)
        if line is None:
            line = self.cells[row] = {}
        line[col] = (value, number_format, look)
        if fit:
            if length > self.widths.get(col, -1):
                self.widths[col] = length
            if length > MAX_WIDTH - 2:  # only a text past the cap can be too long for its fitted column
                self.long.append((row, col, length))

    def table(self, row: int, col: int, columns: Sequence[tuple[str, str | None]], rows: Sequence[Sequence[Any]],
              lang: str, *, filtered: bool = False) -> int:
        """A header line and its rows from (row, col); the row of the last line written."""
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        font, fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
        border = Border(bottom=Side(style="thin"))
        looks = {side: _Look(font, fill, border, Alignment(wrap_text=True, vertical="center", horizontal=side))
                 for side in ("left", "right")}
        for j, (key, number_format) in enumerate(columns, col):
            self.put(row, j, t(key, lang), fit=False, look=looks["left" if number_format is TEXT else "right"])
            width = _text_width(self.cells[row][j][0], True)
            # a long header wraps rather than widen a column of short figures
            self.widths[j] = max(self.widths.get(j, 0), min(width, HEADER_WIDTH))
            self.long.append((row, j, width))
        for i, values in enumerate(rows, row + 1):
            for j, ((_, number_format), value) in enumerate(zip(columns, values), col):
                self.put(i, j, value, number_format)
        last = row + len(rows)
        if filtered:
            self.ws.auto_filter.ref = f"{_letter(col)}{row}:{_letter(col + len(columns) - 1)}{max(last, row + 1)}"
        return last

    def note(self, row: int, text: str) -> None:
        from openpyxl.styles import Font

        self.put(row, 1, text, fit=False, look=_Look(font=Font(italic=True, color="595959")))

    def colour(self, row: int, col: int, status: str) -> None:
        from openpyxl.styles import Font, PatternFill

        fill, font = {"met": GREEN, "projected_met": AMBER, "not_met": RED, "not_applicable": GREY}[status]
        value, number_format, look = self.cells[row][col]
        look = replace(look or _Look(), fill=PatternFill("solid", fgColor=fill), font=Font(bold=True, color=font))
        self.cells[row][col] = (value, number_format, look)
        self.widths[col] = max(self.widths.get(col, 0), _text_width(value, True))

    def freeze(self, row: int, col: int) -> None:
        """Keep the rows above `row` and the columns left of `col` in view, and print those rows on every page."""
        self.ws.freeze_panes = f"{_letter(col)}{row}"
        if row > 1:
            self.ws.print_title_rows = f"1:{row - 1}"
        if col > 1:
            self.ws.print_title_cols = f"A:{_letter(col - 1)}"

    def width(self, col: int) -> int:
        """The fitted width of a column, in characters: what it holds plus a margin, within the bounds."""
        return min(MAX_WIDTH, max(MIN_WIDTH, self.widths.get(col, 0) + 2))

    def finish(self) -> bytes:
        """Fit the widths, wrap what is longer, set up the printed pages; the sheet's rows as XML."""
        from openpyxl.worksheet.worksheet import Worksheet

        for col in self.widths:
            self.ws.column_dimensions[_letter(col)].width = self.width(col)
        lines = self._wrap()
        setup = self.ws.page_setup
        setup.orientation, setup.paperSize = "landscape", Worksheet.PAPERSIZE_A4
        self.ws.sheet_properties.pageSetUpPr.fitToPage = self.pages != (0, 0)
        setup.fitToWidth, setup.fitToHeight = self.pages
        letters = {col: _letter(col) for col in {col for cells in self.cells.values() for col in cells}}
        used = f"{letters[min(letters)]}{min(self.cells)}:{letters[max(letters)]}{max(self.cells)}"
        # openpyxl states a sheet's used range from the cells it holds, and this one holds none
        self.ws.calculate_dimension = lambda: used
        # Row heights are set here, not left to the application: LibreOffice keeps them as stored.
        return self._rows(letters, {row: 15 * count for row, count in lines.items()})

    def _wrap(self) -> dict[int, int]:
        """Wrap the texts longer than their column; the lines each row with such a text then takes.

        A wrapped text keeps its alignment otherwise: a body cell stays at the bottom of its row.
        """
        from openpyxl.styles import Alignment

        lines: dict[int, int] = {}
        wrapped: dict[_Look | None, _Look] = {}  # the wrapped look of each look
        for row, col, length in self.long:
            room = self.width(col) - 2
            if length > room:
                value, number_format, look = self.cells[row][col]
                if look not in wrapped:
                    kind = look.alignment if look is not None and look.alignment is not None else Alignment()
                    wrapped[look] = replace(look or _Look(), alignment=Alignment(
                        wrap_text=True, horizontal=kind.horizontal, vertical=kind.vertical))
                self.cells[row][col] = (value, number_format, wrapped[look])
                lines[row] = max(lines.get(row, 1), -(-length // room))
        return lines

    def _rows(self, letters: dict[int, str], heights: dict[int, int]) -> bytes:
        """Every row as XML, its styles registered with the workbook in the order openpyxl's writer would."""
        from .sheet_xml import cell_xml, row_xml

        epoch = self.ws.parent.epoch
        styles: dict[tuple, str] = {}
        rows = []
        for row in sorted(self.cells):
            cells = []
            number = str(row)
            for col, (value, number_format, look) in sorted(self.cells[row].items()):
                key = (number_format, look, isinstance(value, date))  # a date brings a format of its own
                style = styles.get(key)
                if style is None:
                    style = styles[key] = self._style(value, number_format, look)
                cells.append(cell_xml(letters[col] + number, value, style, epoch))
            # encoded as openpyxl's writer encodes (a character UTF-8 cannot hold becomes a reference)
            rows.append(row_xml(row, heights.get(row), cells).encode("utf-8", "xmlcharrefreplace"))
        return b"".join(rows)

    def _style(self, value: Any, number_format: str | None, look: _Look | None) -> str:
        """The style attribute of a cell holding `value` in that format and look, `' s="N"'` or "" for none.

        Asked for its id, openpyxl registers the style with the workbook, as its writer does for each cell.
        """
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.ws, value)  # a date gets a date format first, which the workbook lists too
        if number_format:
            cell.number_format = number_format
        if look is not None:
            for name in _Look.__slots__:
                style = getattr(look, name)
                if style is not None:
                    setattr(cell, name, style)
        return f' s="{cell.style_id}"' if cell.has_style else ""


def _text_width(text: str, bold: bool) -> int:
    """The width of a text in characters of the body font: bold letters are about a fifth wider."""
    return -(-len(text) * 6 // 5) if bold else len(text)


def _shown_length(value: Any, number_format: str | None) -> int:
    """About how many characters a value takes on screen in its format."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, date):
        return 10
    if number_format == SHARE:
        return 6
    if number_format == DECIMAL:
        return len(f"{value:,.1f}")
    return len(f"{round(value):,}")


def _scale(largest: float) -> tuple[str, str]:
    """A chart axis format that shows money in dong, millions or billions, whichever keeps the labels short."""
    if largest >= 1e10:
        return "#,##0,,,", "billion_dong"
    if largest >= 1e7:
        return "#,##0,,", "million_dong"
    return MONEY, "currency"


def _metric_format(metric: str) -> str:
    if metric in MONEY_METRICS:
        return MONEY
    return COUNT if metric in COUNT_METRICS else SHARE


def _target_format(metric: str, value: float | None) -> str:
    found = _metric_format(metric)
    if found == SHARE:
        return TARGET_SHARE
    # A count with a fraction (a goal of 11.5) shows it; a whole one does not ("#,##0.#" shows 22 as "22." in Excel).
    return PART_COUNT if metric in COUNT_METRICS and value is not None and not float(value).is_integer() else found




def _ministries(analysis: Analysis, lang: str) -> list[tuple[str, int, float]]:
    """(ministry, procedures, annual cost), the costliest first."""
    totals: dict[str, tuple[int, float]] = {}
    for p in analysis.catalog.procedures:
        name = p.ministry or t("not_given", lang)
        count, cost = totals.get(name, (0, 0.0))
        totals[name] = (count + 1, cost + analysis.costs[p.code].annual_cost)
    return sorted(((name, n, cost) for name, (n, cost) in totals.items()), key=lambda r: (-r[2], r[0]))


def _where(location: Location) -> str:
    """file:line, or file:sheet!cell for a workbook."""
    if location.sheet is not None:
        return str(location)
    return f"{location.file}:{location.line}" if location.line is not None else (location.file or "")


def _anchor(first_col: int, first_row: int, last_col: int, last_row: int):
    """A chart's place as the cells it covers (1-based, inclusive), kept whatever font widens the columns."""
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor

    return TwoCellAnchor(_from=AnchorMarker(col=first_col - 1, row=first_row - 1),
                         to=AnchorMarker(col=last_col, row=last_row))


def _chart_title(text: str):
    """A chart title in 11-point bold: the default 18 points crowds a small chart."""
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun

    font = CharacterProperties(sz=1100, b=True)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=font), r=[RegularTextRun(rPr=font, t=text)])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


def _show_axes(*axes) -> None:
    # openpyxl 3.1 marks axes as deleted unless told otherwise, and Excel then draws none.
    for axis in axes:
        axis.delete = False


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)
