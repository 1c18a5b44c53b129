"""`simplify diff OLD NEW`: procedures, documents, steps and fees that changed, and the cost they moved.

Each side is a folder, a YAML file, a workbook or `git:<rev>`; a git
revision is read for the catalogue at the other side's path (both given as
revisions: at ./procedures_catalog), so `simplify diff git:origin/main
procedures_catalog` shows what a branch changed.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..options import DEFAULT_CATALOG, CostModelOpt, OutputOpt
from .common import emit
from .request import Request, with_options


class DiffFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


# Format name -> writer module in simplify/report, each with render(diff, lang).
WRITERS = {"table": "diff_table", "json": "diff_json", "markdown": "diff_markdown"}
SideArg = Annotated[str, typer.Argument(help="Catalogue folder, YAML file, workbook or git:<rev>.", show_default=False)]


@with_options("lang", "limits")
def diff(
    old: SideArg,
    new: SideArg,
    format: Annotated[DiffFormat, typer.Option(
        "--format", "-f", help="table (for people), json, or markdown (a pull-request comment).")] = DiffFormat.table,
    output: OutputOpt = None,
    cost_model: CostModelOpt = None,
    request: Request = Request(),
) -> None:
    """What changed between two catalogues: procedures, documents, steps, fees, and cost per procedure."""
    import importlib

    from ..baseline import GIT_PREFIX, load_baseline
    from ..diff import diff_catalogs
    from ..settings import load_cost_model

    limits = request.limits
    anchor = next((Path(side) for side in (new, old) if not side.startswith(GIT_PREFIX)), DEFAULT_CATALOG)
    model = load_cost_model(cost_model)
    result = diff_catalogs(load_baseline(old, anchor, limits), load_baseline(new, anchor, limits), model)
    writer = importlib.import_module(f"..report.{WRITERS[format.value]}", __package__)
    emit(writer.render(result, request.lang), output)
