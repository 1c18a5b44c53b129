"""`simplify check`: the CI gate — findings, and with `--baseline` the ratchet (simplify/check.py).

Exit 0 when nothing fails, 1 when a finding at or above `--fail-on` (new,
with a baseline) or a regression does, 2 on bad input; `--exit-zero` turns
1 into 0. Under `GITHUB_ACTIONS=true` the format defaults to `github`.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..options import BaselineOpt, Lang, OutputOpt
from .common import EXIT_FINDINGS, emit
from .request import Request, with_options


class CheckFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    github = "github"
    sarif = "sarif"
    junit = "junit"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


# Format name -> writer module in simplify/report, each with render(result, lang, root).
WRITERS = {"table": "check_table", "json": "check_json", "markdown": "check_markdown", "github": "github", "sarif": "sarif",
           "junit": "junit"}


@with_options("path", "lang", "settings", "quiet", "no_progress", "limits")
def check(
    baseline: BaselineOpt = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Lowest severity that fails the run.")] = FailOn.error,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when findings or regressions fail the run.")] = False,
    cost_tolerance: Annotated[float, typer.Option(
        "--cost-tolerance", min=0.0,
        help="Rise of a procedure's cost allowed against the baseline, as a fraction (0.05 = 5%).")] = 0.0,
    format: Annotated[Optional[CheckFormat], typer.Option(
        "--format", "-f", help="table, json, markdown, github, sarif or junit; github under GITHUB_ACTIONS=true, else table.",
        show_default=False)] = None,
    output: OutputOpt = None,
    request: Request = Request(),
) -> None:
    """CI gate: fail on findings, or with --baseline on new findings and regressions only."""
    import importlib

    from ..analysis import analyse
    from ..check import check as verdict_of
    from .common import load
    from .pipeline import load_settings

    # The baseline here is the ratchet's: it is loaded once below, not by load_settings.
    path, limits, lang = request.path, request.limits, Lang(request.lang)
    catalog = load(path, limits, request.progress, request.lang, request.quiet)
    settings = load_settings(request, catalog)
    before = None
    if baseline:
        from ..baseline import baseline_metrics, load_baseline

        # Loaded once, for both the target baselines and the analysis the ratchet compares with.
        base = load_baseline(baseline, path, limits)
        settings = replace(settings, baseline_metrics=baseline_metrics(base, settings.cost_model))
        before = analyse(base, settings)
    result = verdict_of(analyse(catalog, settings), before, fail_on.value, cost_tolerance, baseline)
    chosen = format.value if format else ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "table")
    writer = importlib.import_module(f"..report.{WRITERS[chosen]}", __package__)
    emit(writer.render(result, lang.value, repository_folder(path)), output)
    if not result.passed and not exit_zero:
        raise typer.Exit(EXIT_FINDINGS)


def repository_folder(path: Path) -> str:
    """The catalogue's folder relative to the enclosing git repository's top, else to the working directory."""
    folder = path.resolve() if path.is_dir() else path.resolve().parent
    top = Path.cwd()
    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, check=False)
        if done.returncode == 0:
            top = Path(done.stdout.decode("utf-8", "replace").strip()).resolve()
    except OSError:
        pass  # no git: paths relative to the working directory are the best there is
    return Path(os.path.relpath(folder, top)).as_posix()
