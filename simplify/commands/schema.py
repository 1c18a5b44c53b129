"""`simplify schema`: the JSON Schema of a catalogue file, for editors."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import typer

from ..options import OutputOpt
from .common import emit


class SchemaFile(str, Enum):
    procedure = "procedure"
    catalog = "catalog"
    evidence_types = "evidence_types"
    databases = "databases"


def schema(
    file: Annotated[SchemaFile, typer.Option("--file", help="Which file: procedure, catalog, evidence_types, databases.")] = SchemaFile.procedure,
    output: OutputOpt = None,
) -> None:
    """Print the JSON Schema of a procedure file (or another catalogue file)."""
    from ..schema import file_schema

    emit(json.dumps(file_schema(file.value), ensure_ascii=False, indent=2), output)
