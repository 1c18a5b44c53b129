"""`simplify audit`: the main report — costs, findings, targets."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from ..options import OutputOpt
from .common import emit
from .request import Request, with_options


class AuditFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


@with_options("path", "lang", "settings", "scenario", "baseline", "show_waived", "quiet", "no_progress", "limits")
def audit(
    format: Annotated[AuditFormat, typer.Option("--format", "-f", help="table (for people), json (the contract) or markdown.")] = AuditFormat.table,
    output: OutputOpt = None,
    request: Request = Request(),
) -> None:
    """Audit a catalogue: compliance cost, findings with savings, and targets."""
    from .pipeline import run_analysis

    analysis = run_analysis(request, json=format is AuditFormat.json)
    if format is AuditFormat.json:
        from ..report.json_report import render
    elif format is AuditFormat.markdown:
        from ..report.markdown import render
    else:
        from ..report.table import render
    kwargs = {"width": _width()} if format is AuditFormat.table else {}
    emit(render(analysis, request.lang, **kwargs), output)


def _width() -> int:
    import shutil

    return max(100, shutil.get_terminal_size((140, 40)).columns) if sys.stdout.isatty() else 140
