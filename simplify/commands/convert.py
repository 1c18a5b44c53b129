"""`simplify convert SRC DST`: a catalogue from one form into another."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..options import Lang
from .common import load
from .request import Request, with_options


@with_options("lang", "quiet", "no_progress", "limits")
def convert(
    src: Annotated[Path, typer.Argument(help="Catalogue to read: folder, single YAML file or .xlsx workbook.")],
    dst: Annotated[Path, typer.Argument(help="Where to write: name.xlsx (workbook), name.yaml (one file), else a folder.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file, or the catalogue in a non-empty folder.")] = False,
    request: Request = Request(),
) -> None:
    """Convert a catalogue between its forms: YAML folder or file <-> Excel workbook. SRC is never modified."""
    from ..catalog.convert import check_destination, convert_catalog

    check_destination(src, dst, force)
    lang = Lang(request.lang)
    catalog = load(src, request.limits, progress=request.progress, lang=request.lang, quiet=request.quiet)
    try:
        removed = convert_catalog(catalog, dst)
    except OSError as error:  # a full disk: each file written is whole, the one being written is as it was
        raise typer.BadParameter(f"cannot write {dst}: {error.strerror or error}", param_hint="DST") from None
    n = len(catalog.procedures)
    if lang is Lang.vi:
        line = f"{src} -> {dst}: {n} thủ tục" + (f", xóa {len(removed)} tệp thủ tục cũ" if removed else "")
    else:
        line = f"{src} -> {dst}: {n} procedures" + (f", {len(removed)} stale procedure files removed" if removed else "")
    sys.stderr.write(line + "\n")
