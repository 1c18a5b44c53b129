"""JSON Schema of the catalogue files, generated from the model's field definitions.

The same `spec(...)` metadata the readers validate against, so what an
editor checks while an officer types is what `simplify validate` checks.
Schema-level checks cover types, enums, ranges and unknown keys; references
between files (E106) and the step graph (E107) need the whole catalogue.
"""

from __future__ import annotations

from typing import Any

from .model import (
    BOOL, DATE, INT, LEGAL, NUMBER, SHARE, STRLIST,
    CatalogInfo, Database, EvidenceType, LegalRef, Procedure, format_fields,
)

SCHEMA_URL = "https://json-schema.org/draft/2020-12/schema"


def _field_schema(f) -> dict[str, Any]:
    meta = f.metadata
    kind = meta["kind"]
    if kind == "list":
        return {"type": "array", "items": object_schema(meta["item"])}
    if kind == STRLIST:
        item: dict[str, Any] = {"type": "string"}
        if meta["choices"]:
            item["enum"] = list(meta["choices"])
        return {"type": "array", "items": item}
    if kind == LEGAL:
        return {"type": "array", "items": {"anyOf": [{"type": "string"}, object_schema(LegalRef)]}}
    if kind == "baseline":
        return {"type": "object", "properties": {"date": {"type": ["string"], "format": "date"}},
                "additionalProperties": {"type": "number", "minimum": 0}}
    out: dict[str, Any]
    if kind == NUMBER:
        out = {"type": "number", "minimum": 0}
    elif kind == INT:
        out = {"type": "integer", "minimum": 0}
    elif kind == SHARE:
        out = {"type": "number", "minimum": 0, "maximum": 1}
    elif kind == BOOL:
        out = {"type": "boolean"}
    elif kind == DATE:
        out = {"type": "string", "format": "date"}
    else:
        out = {"type": "string"}
        if meta["choices"]:
            out["enum"] = list(meta["choices"])
        if meta["pattern"]:
            out["pattern"] = meta["pattern"]
    return out


def object_schema(cls: type) -> dict[str, Any]:
    """The schema of one model class: its keys, their types, what is required."""
    props = {}
    for f in format_fields(cls):
        schema = _field_schema(f)
        if f.metadata["doc"]:
            schema["description"] = f.metadata["doc"]
        if not f.metadata["required"] and not isinstance(f.default, tuple) and f.default is not None:
            schema["default"] = f.default
        if not f.metadata["required"] and isinstance(schema.get("type"), str):
            schema["type"] = [schema["type"], "null"]  # `key: null` means "use the default"
            if "enum" in schema:
                schema["enum"] = [*schema["enum"], None]
        props[f.name] = schema
    required = [f.name for f in format_fields(cls) if f.metadata["required"]]
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def file_schema(which: str = "procedure") -> dict[str, Any]:
    """The JSON Schema of a procedure file, or of catalog/evidence_types/databases."""
    titles = {
        "procedure": "simplify procedure file",
        "catalog": "simplify catalog.yaml",
        "evidence_types": "simplify evidence_types.yaml",
        "databases": "simplify databases.yaml",
    }
    if which == "procedure":
        body = object_schema(Procedure)
        body["properties"]["code"]["description"] += ' (a string: 1.001193 unquoted is a number)'
    elif which == "catalog":
        body = object_schema(CatalogInfo)
    else:
        cls = EvidenceType if which == "evidence_types" else Database
        body = {"type": "object", "properties": {which: {"type": "array", "items": object_schema(cls)}},
                "required": [which], "additionalProperties": False}
    return {"$schema": SCHEMA_URL, "title": titles[which], **body}

