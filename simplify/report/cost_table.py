"""The cost table of `simplify cost` in every format it speaks: table, json, csv, markdown.

One row per procedure with the columns of the JSON contract; with a
scenario, the figures after it stand beside the current ones.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..cost import ProcedureCost
from ..i18n import money, number, printable, t
from ..model import Catalog
from .json_report import PROCEDURE_COLUMNS, procedure_row

COLUMNS = PROCEDURE_COLUMNS + ("ministry",)
# People at a terminal get the columns that explain a cost; json and csv get them all.
HUMAN_COLUMNS = ("code", "name", "online_level", "volume", "cost_offline", "cost_online", "cost_per_dossier",
                 "annual_cost", "visits_offline", "visits_online", "elapsed_days")
SCENARIO_COLUMNS = ("cost_per_dossier_after", "annual_cost_after", "annual_saving")
# Spreadsheets run a cell starting with these as a formula (a tab or a carriage return too, in some).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MONEY = {"cost_offline", "cost_online", "cost_per_dossier", "annual_cost", *SCENARIO_COLUMNS}
_TEXT = {"code", "name", "kind", "subject", "online_level", "ministry"}


def rows(catalog: Catalog, costs: dict[str, ProcedureCost]) -> list[dict[str, Any]]:
    return [{**procedure_row(p, costs[p.code]), "ministry": p.ministry} for p in catalog.procedures]


def with_scenario(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Current rows with the figures after the scenario (an abolished procedure costs 0 after)."""
    by_code = {r["code"]: r for r in after}
    out = []
    for row in before:
        later = by_code.get(row["code"])
        per_dossier = later["cost_per_dossier"] if later else 0.0
        annual = later["annual_cost"] if later else 0.0
        out.append({**row, "cost_per_dossier_after": per_dossier, "annual_cost_after": annual,
                    "annual_saving": row["annual_cost"] - annual})
    return out


def sort_rows(table: list[dict[str, Any]], column: str | None, names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Text columns ascending, figures descending (the costliest first); names as `names` shows them, if given."""
    if column is None:
        return table
    if column in _TEXT:
        shown = (lambda r: names.get(r["code"], r["name"])) if column == "name" and names else (lambda r: r[column])
        # Case aside, as people look names up (Bộ Công an before Bộ Công Thương).
        return sorted(table, key=lambda r: ((shown(r) or "").casefold(), r["code"]))
    return sorted(table, key=lambda r: (-(r[column] or 0), r["code"]))


def _shown(key: str, value: Any, lang: str) -> str:
    if key in _MONEY:
        return money(value, lang)
    if key in ("kind", "subject", "online_level"):
        return t(value, lang)
    if key in _TEXT:
        return printable(value or "")
    return number(value, lang)


def _csv_cell(v: Any) -> Any:
    # A spreadsheet opening this CSV must not run a name as a formula.
    if isinstance(v, str):
        return "'" + v if v[:1] in FORMULA_STARTS else v
    # Nor show a float's last binary digits: to the 15 digits a float holds for sure, 234899.99999999997 is 234900.
    return float(f"{v:.15g}") if isinstance(v, float) else v


def render(table: list[dict[str, Any]], fmt: str, lang: str, width: int = 200,
           names: dict[str, str] | None = None) -> str:
    """The table in `fmt`; people's formats name procedures as `names` says (by code), where it says."""
    columns = list(table[0]) if table else list(COLUMNS)
    if fmt == "json":
        return json.dumps(table, ensure_ascii=False, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in table:
            writer.writerow({k: _csv_cell(v) for k, v in row.items()})
        return buffer.getvalue()
    columns = [c for c in columns if c in HUMAN_COLUMNS or c in SCENARIO_COLUMNS]
    header = [t(c, lang) for c in columns]
    body = [tuple(_shown(c, names.get(r["code"], r[c]) if c == "name" and names else r[c], lang) for c in columns)
            for r in table]
    if fmt == "markdown":
        from .markdown import table as markdown_table

        return markdown_table(header, body, {i for i, c in enumerate(columns) if c not in _TEXT})
    from .rich_table import text_console
    from rich.table import Table

    grid = Table()
    for i, c in enumerate(header):
        text = columns[i] in _TEXT
        grid.add_column(c, justify="left" if text else "right", overflow="fold",
                        min_width=(24 if columns[i] == "name" else 9) if text else len(max(body, key=lambda r: len(r[i]))[i]) if body else None)
    for row in body:
        grid.add_row(*row)
    out = io.StringIO()
    # Every figure column is as wide as its longest figure: a table wider than `width` is printed whole (a
    # terminal wraps it), not with its last columns cut off.
    text_console(out, width).print(grid, crop=False)
    return out.getvalue()
