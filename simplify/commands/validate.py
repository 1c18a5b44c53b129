"""`simplify validate`: load a catalogue and print every located problem."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Annotated

import typer

from ..options import Lang
from .common import EXIT_INPUT, print_diagnostics
from .request import Request, with_options


class ValidateFormat(str, Enum):
    text = "text"
    table = "table"  # the name the other commands give their output for people: the same lines
    json = "json"
    markdown = "markdown"


@with_options("path", "lang", "quiet", "no_progress", "limits")
def validate(
    format: Annotated[ValidateFormat, typer.Option(
        "--format", help="text or table (one line per problem on stderr), json or markdown (on stdout).")] = ValidateFormat.text,
    request: Request = Request(),
) -> None:
    """Load and validate a catalogue; print every error and warning with its location."""
    from ..catalog.loader import load_catalog

    path, lang, quiet = request.path, Lang(request.lang), request.quiet
    catalog, diags = load_catalog(path, request.limits)
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
    elif format is ValidateFormat.markdown:
        from ..report.markdown import table

        summary = _summary(catalog, path, errors, warnings, lang)
        rows = [(d.code, str(d.location), d.message(lang.value)) for d in diags]
        header = ["Mã", "Vị trí", "Nội dung"] if lang is Lang.vi else ["Code", "Location", "Message"]
        sys.stdout.write(f"**{summary}**\n" + (f"\n{table(header, rows)}\n" if rows else ""))
    else:
        print_diagnostics(diags, lang.value, quiet)
        sys.stderr.write(_summary(catalog, path, errors, warnings, lang) + "\n")
    if errors:
        raise typer.Exit(EXIT_INPUT)


def _summary(catalog, path, errors: int, warnings: int, lang: Lang) -> str:
    if catalog is not None:
        n = len(catalog.procedures)
        return (f"{path}: {n} thủ tục, {errors} lỗi, {warnings} cảnh báo" if lang is Lang.vi
                else f"{path}: {n} procedures, {errors} errors, {warnings} warnings")
    return f"{errors} lỗi, {warnings} cảnh báo" if lang is Lang.vi else f"{errors} errors, {warnings} warnings"
