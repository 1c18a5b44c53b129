"""`simplify audit`: the main report — costs, findings, targets."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from ..options import (
    DEFAULT_CATALOG, BaselineOpt, CostModelOpt, IgnoreOpt, Lang, LangOpt, MaxDepthOpt, MaxFileSizeOpt,
    MaxProceduresOpt, MaxRowsOpt, NoProgressOpt, OutputOpt, PathArg, QuietOpt, RulesOpt, ScenarioOpt, SelectOpt,
    ShowWaivedOpt, TargetsOpt,
)
from .common import emit, limits_from


class AuditFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


def audit(
    path: PathArg = DEFAULT_CATALOG,
    format: Annotated[AuditFormat, typer.Option("--format", "-f", help="table (for people), json (the contract) or markdown.")] = AuditFormat.table,
    output: OutputOpt = None,
    lang: LangOpt = Lang.vi,
    rules: RulesOpt = None,
    cost_model: CostModelOpt = None,
    targets: TargetsOpt = None,
    scenario: ScenarioOpt = None,
    baseline: BaselineOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    show_waived: ShowWaivedOpt = False,
    quiet: QuietOpt = False,
    no_progress: NoProgressOpt = False,
    max_file_size: MaxFileSizeOpt = 10 * 1024 * 1024,
    max_procedures: MaxProceduresOpt = 100_000,
    max_depth: MaxDepthOpt = 64,
    max_rows: MaxRowsOpt = 2_000_000,
) -> None:
    """Audit a catalogue: compliance cost, findings with savings, and targets."""
    from .pipeline import Request, run_analysis

    request = Request(
        path=path, rules=tuple(rules or ()), cost_model=cost_model, targets=targets, select=select, ignore=ignore,
        baseline=baseline, scenario=scenario, show_waived=show_waived,
        limits=limits_from(max_file_size, max_procedures, max_depth, max_rows),
        progress=not no_progress, lang=lang.value, quiet=quiet,
    )
    analysis = run_analysis(request)
    if format is AuditFormat.json:
        from ..report.json_report import render
    elif format is AuditFormat.markdown:
        from ..report.markdown import render
    else:
        from ..report.table import render
    kwargs = {"width": _width()} if format is AuditFormat.table else {}
    emit(render(analysis, lang.value, **kwargs), output)


def _width() -> int:
    import shutil

    return max(100, shutil.get_terminal_size((140, 40)).columns) if sys.stdout.isatty() else 140
