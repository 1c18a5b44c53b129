"""Command-line options, defined once and shared by the commands that take them.

Only typer and the standard library are imported here: `simplify --version`
must stay fast, so commands import the analysis modules inside their bodies.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

DEFAULT_CATALOG = Path("procedures_catalog")


class Lang(str, Enum):
    vi = "vi"
    en = "en"


PathArg = Annotated[
    Path,
    typer.Argument(help="Catalogue folder, single YAML file or .xlsx workbook.", show_default=True),
]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of text for people.")]
OutputOpt = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print no warnings.")]
NoProgressOpt = Annotated[bool, typer.Option("--no-progress", help="Hide the progress bar.")]
RulesOpt = Annotated[Optional[list[Path]], typer.Option("--rules", help="Extra rule pack folder or file (repeatable).")]
CostModelOpt = Annotated[Optional[Path], typer.Option("--cost-model", help="Cost model YAML instead of rules/cost_model.yaml.")]
TargetsOpt = Annotated[Optional[Path], typer.Option("--targets", help="Targets YAML instead of rules/targets.yaml.")]
ScenarioOpt = Annotated[Optional[Path], typer.Option("--scenario", help="Apply this scenario (phương án) and show figures after it.")]
SelectOpt = Annotated[Optional[str], typer.Option("--select", help="Only these rule codes or prefixes, comma-separated.")]
IgnoreOpt = Annotated[Optional[str], typer.Option("--ignore", help="Skip these rule codes or prefixes, comma-separated.")]
ShowWaivedOpt = Annotated[bool, typer.Option("--show-waived", help="Also list findings that a waiver suppresses.")]
BaselineOpt = Annotated[Optional[str], typer.Option("--baseline", help="Baseline catalogue: folder, file, workbook or git:<rev>.")]
MaxFileSizeOpt = Annotated[int, typer.Option("--max-file-size", min=1, help="Largest input file accepted, in bytes.")]
MaxProceduresOpt = Annotated[int, typer.Option("--max-procedures", min=1, help="Most procedures accepted in one catalogue.")]
MaxDepthOpt = Annotated[int, typer.Option("--max-depth", min=1, help="Deepest YAML nesting accepted.")]
MaxRowsOpt = Annotated[int, typer.Option("--max-rows", min=1, help="Most rows accepted in one workbook sheet.")]
