"""`simplify init DIR`: start a new catalogue that validates clean as created."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..diagnostics import InputError, diag
from ..i18n import os_error
from ..model import Location
from ..options import Lang, LangOpt

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def init(directory: Annotated[Path, typer.Argument(help="Folder to create (must be absent or empty).")],
         lang: LangOpt = Lang.vi) -> None:
    """Create a catalogue: catalog.yaml, evidence_types.yaml, databases.yaml, one example procedure, rules/."""
    where = Location(str(directory))
    try:
        if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
            raise InputError([diag("E101", where, "the folder is not empty; choose a new one",
                                   "thư mục không rỗng; hãy chọn một thư mục mới")])
        _write(directory)
    except OSError as exc:  # a file on the way, a folder that cannot be written
        en, vi = os_error(exc)
        raise InputError([diag("E101", where, f"cannot create the catalogue: {en}",
                               f"không tạo được danh mục: {vi}")]) from None
    if lang is Lang.vi:
        typer.echo(f"{directory}: đã tạo danh mục; chạy `simplify validate {directory}`", err=True)
    else:
        typer.echo(f"{directory}: catalogue created; run `simplify validate {directory}`", err=True)


def _write(directory: Path) -> None:
    import json

    from ..atomic import write_atomic, write_text_atomic
    from ..resources import defaults_dir
    from ..schema import file_schema

    for name in ("catalog.yaml", "evidence_types.yaml", "databases.yaml"):
        write_text_atomic(directory / name, (TEMPLATES / name).read_text(encoding="utf-8"))
    procedure = (TEMPLATES / "procedure.yaml").read_text(encoding="utf-8")
    write_text_atomic(directory / "procedures" / "1.000001-thu-tuc-mau.yaml", procedure)
    write_text_atomic(directory / "procedures" / "procedure.schema.json",
                      json.dumps(file_schema("procedure"), ensure_ascii=False, indent=2) + "\n")
    (directory / "rules").mkdir()
    for pack in sorted(defaults_dir().glob("*.yaml")):
        data = pack.read_bytes()
        write_atomic(directory / "rules" / pack.name, lambda handle: handle.write(data))
