"""`simplify init DIR`: start a new catalogue that validates clean as created."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..diagnostics import InputError, diag
from ..model import Location

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def init(directory: Annotated[Path, typer.Argument(help="Folder to create (must be absent or empty).")]) -> None:
    """Create a catalogue: catalog.yaml, evidence_types.yaml, databases.yaml, one example procedure, rules/."""
    import json

    from ..atomic import write_atomic, write_text_atomic
    from ..resources import defaults_dir
    from ..schema import file_schema

    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InputError([diag("E101", Location(str(directory)), "the folder is not empty; choose a new one",
                               "thư mục không rỗng; hãy chọn một thư mục mới")])
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
    typer.echo(f"{directory}: catalogue created; run `simplify validate {directory}`", err=True)
