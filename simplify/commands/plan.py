"""`simplify plan`: pick measures until the targets are met; print the plan, write it as a scenario."""

from __future__ import annotations

import json
import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..options import Lang
from .common import emit
from .request import Request, with_options


class PlanFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


@with_options("path", "lang", "settings", "baseline", "quiet", "no_progress", "limits")
def plan(
    target: Annotated[Optional[list[str]], typer.Option(
        "--target", metavar="ID",
        help="Aim at this target id (repeatable); default: every reduce_by target on a count or a cost.")] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write the plan as a scenario file (atomically), for --scenario.")] = None,
    format: Annotated[PlanFormat, typer.Option("--format", "-f", help="table (for people), json or markdown.")] = PlanFormat.table,
    request: Request = Request(),
) -> None:
    """Choose measures greedily by annual saving until the targets are met; --output writes the scenario file."""
    from ..plan import make_plan, select_targets
    from ..report.plan_writers import plan_to_yaml, render_markdown, render_table
    from .common import load
    from .pipeline import load_settings

    lang = Lang(request.lang)
    catalog = load(request.path, request.limits, request.progress, request.lang, request.quiet)
    settings = load_settings(request, catalog)
    ids = tuple(target or ())
    try:
        select_targets(settings.targets, ids)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--target") from None
    result = make_plan(catalog, settings, ids)
    if output is not None:
        emit(plan_to_yaml(result, lang.value), output)
    if format is PlanFormat.json:
        emit(json.dumps(result.to_dict(lang.value), ensure_ascii=False, indent=2), None)
    elif format is PlanFormat.markdown:
        emit(render_markdown(result, lang.value), None)
    else:
        width = max(100, shutil.get_terminal_size((140, 40)).columns) if sys.stdout.isatty() else 140
        emit(render_table(result, lang.value, width), None)
