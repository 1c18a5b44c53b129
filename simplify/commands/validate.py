"""`simplify validate`: load a catalogue and print every located problem."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Annotated

import typer

from ..options import (
    DEFAULT_CATALOG, Lang, LangOpt, MaxDepthOpt, MaxFileSizeOpt, MaxProceduresOpt, MaxRowsOpt, NoProgressOpt,
    PathArg, QuietOpt,
)
from .common import EXIT_INPUT, limits_from, print_diagnostics


class ValidateFormat(str, Enum):
    text = "text"
    json = "json"


def validate(
    path: PathArg = DEFAULT_CATALOG,
    format: Annotated[ValidateFormat, typer.Option("--format", help="text (one line per problem) or json.")] = ValidateFormat.text,
    lang: LangOpt = Lang.vi,
    quiet: QuietOpt = False,
    no_progress: NoProgressOpt = False,
    max_file_size: MaxFileSizeOpt = 10 * 1024 * 1024,
    max_procedures: MaxProceduresOpt = 100_000,
    max_depth: MaxDepthOpt = 64,
    max_rows: MaxRowsOpt = 2_000_000,
) -> None:
    """Load and validate a catalogue; print every error and warning with its location."""
    from ..catalog.loader import load_catalog

    catalog, diags = load_catalog(path, limits_from(max_file_size, max_procedures, max_depth, max_rows))
    errors = sum(1 for d in diags if d.is_error)
    warnings = len(diags) - errors
    if format is ValidateFormat.json:
        payload = {
            "catalog": str(path),
            "valid": catalog is not None,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": [d.to_dict(lang.value) for d in diags],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        print_diagnostics(diags, lang.value, quiet)
        if catalog is not None:
            n = len(catalog.procedures)
            line = (f"{path}: {n} thủ tục, {errors} lỗi, {warnings} cảnh báo" if lang is Lang.vi
                    else f"{path}: {n} procedures, {errors} errors, {warnings} warnings")
        else:
            line = f"{errors} lỗi, {warnings} cảnh báo" if lang is Lang.vi else f"{errors} errors, {warnings} warnings"
        sys.stderr.write(line + "\n")
    if errors:
        raise typer.Exit(EXIT_INPUT)
