"""`simplify cost`: the cost table, one row per procedure, sortable."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from ..options import OutputOpt
from ..report.cost_table import COLUMNS
from .common import emit, load
from .request import Request, with_options


class CostFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


@with_options("path", "lang", "cost_model", "scenario", "quiet", "no_progress", "limits")
def cost(
    sort: Annotated[Optional[str], typer.Option("--sort", help="Column to sort by, descending for figures: " + ", ".join(COLUMNS))] = None,
    format: Annotated[CostFormat, typer.Option("--format", "-f", help="table, json, csv or markdown.")] = CostFormat.table,
    output: OutputOpt = None,
    request: Request = Request(),
) -> None:
    """The compliance cost of every procedure: per channel, per dossier and per year."""
    from ..cost import catalog_costs
    from ..model import shown_name
    from ..report import cost_table
    from ..settings import load_cost_model
    from .pipeline import in_folder, settings_folder

    if sort is not None and sort not in COLUMNS:
        raise typer.BadParameter(f"unknown column '{sort}'; choose one of {', '.join(COLUMNS)}", param_hint="--sort")
    path, scenario = request.path, request.scenario
    catalog = load(path, request.limits, request.progress, request.lang, request.quiet)
    model = load_cost_model(request.cost_model or in_folder(settings_folder(path), "cost_model.yaml"))
    rows = cost_table.rows(catalog, catalog_costs(catalog, model))
    if scenario is not None:
        from ..scenario import apply_scenario, load_scenario

        result = apply_scenario(catalog, load_scenario(scenario, catalog), model)
        rows = cost_table.with_scenario(rows, cost_table.rows(result.catalog, catalog_costs(result.catalog, model)))
    # People read a procedure's English name in English where the catalogue gives one; JSON and CSV keep `name`.
    names = {p.code: shown_name(p, request.lang) for p in catalog.procedures} if request.lang == "en" else None
    rows = cost_table.sort_rows(rows, sort, names if format.value in ("table", "markdown") else None)
    emit(cost_table.render(rows, format.value, request.lang, names=names), output)
