"""`simplify report`: the Excel workbook for ministries, written atomically to --output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..options import Lang
from .request import Request, with_options


# The Plan sheet without --scenario: the first measures of `simplify plan`, whose whole
# plan checks thousands of candidates against the targets each round and takes minutes
# on a national catalogue.
PLAN_MEASURES = 30


@with_options("path", "lang", "scenario", "settings", "baseline", "quiet", "no_progress", "limits")
def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="The .xlsx file to write (atomically).")] = ...,
    request: Request = Request(),
) -> None:
    """The Excel workbook for ministries: summary, procedures, findings, reuse, documents, plan."""
    from ..report.excel import plan_measures, scenario_measures, write_report
    from .pipeline import run_analysis

    lang, quiet = Lang(request.lang), request.quiet
    analysis = run_analysis(request)
    if analysis.scenario is not None:
        measures = scenario_measures(analysis, lang.value)
    else:
        from ..plan import analysis_plan

        plan = analysis_plan(analysis, max_measures=PLAN_MEASURES)
        measures = plan_measures(plan, lang.value, cut_at=PLAN_MEASURES)
    try:
        write_report(output, analysis, measures, lang.value)
    except OSError as error:
        raise typer.BadParameter(f"cannot write {output}: {error.strerror or error}", param_hint="--output") from None
    if not quiet:
        sys.stderr.write((f"Đã ghi {output}" if lang is Lang.vi else f"Wrote {output}") + "\n")
