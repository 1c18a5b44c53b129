"""`simplify report`: the Excel workbook for ministries, written atomically to --output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..options import (
    DEFAULT_CATALOG, BaselineOpt, CostModelOpt, IgnoreOpt, Lang, LangOpt, MaxDepthOpt, MaxFileSizeOpt,
    MaxProceduresOpt, MaxRowsOpt, NoProgressOpt, PathArg, QuietOpt, RulesOpt, ScenarioOpt, SelectOpt, TargetsOpt,
)
from .common import limits_from


def report(
    path: PathArg = DEFAULT_CATALOG,
    output: Annotated[Path, typer.Option("--output", "-o", help="The .xlsx file to write (atomically).")] = ...,
    lang: LangOpt = Lang.vi,
    scenario: ScenarioOpt = None,
    rules: RulesOpt = None,
    cost_model: CostModelOpt = None,
    targets: TargetsOpt = None,
    baseline: BaselineOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    quiet: QuietOpt = False,
    no_progress: NoProgressOpt = False,
    max_file_size: MaxFileSizeOpt = 10 * 1024 * 1024,
    max_procedures: MaxProceduresOpt = 100_000,
    max_depth: MaxDepthOpt = 64,
    max_rows: MaxRowsOpt = 2_000_000,
) -> None:
    """The Excel workbook for ministries: summary, procedures, findings, reuse, documents, plan."""
    from ..report.excel import plan_measures, scenario_measures, write_report
    from .pipeline import Request, run_analysis

    request = Request(
        path=path, rules=tuple(rules or ()), cost_model=cost_model, targets=targets, select=select, ignore=ignore,
        baseline=baseline, scenario=scenario, limits=limits_from(max_file_size, max_procedures, max_depth, max_rows),
        progress=not no_progress, lang=lang.value, quiet=quiet,
    )
    analysis = run_analysis(request)
    if analysis.scenario is not None:
        measures = scenario_measures(analysis, lang.value)
    else:
        from ..plan import make_plan

        measures = plan_measures(make_plan(analysis.catalog, analysis.settings), lang.value)
    try:
        write_report(output, analysis, measures, lang.value)
    except OSError as error:
        raise typer.BadParameter(f"cannot write {output}: {error.strerror or error}", param_hint="--output") from None
    if not quiet:
        sys.stderr.write((f"Đã ghi {output}" if lang is Lang.vi else f"Wrote {output}") + "\n")
