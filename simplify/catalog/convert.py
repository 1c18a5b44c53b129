"""What the three forms of a catalogue share, and `convert` between them.

The workbook's tables (which sheet holds which model class, its columns in
the model's field order), the folding that makes headings and file names
match without accents, and the tidy plain records both writers start from:
values equal to their defaults are left out, the defaults that depend on
other values included, by asking `resolve_procedure` (the one place that
knows them) what it would fill in. `convert_catalog` writes a loaded
catalogue in the form its destination's name asks for, after refusing
destinations that would overwrite something or touch the source.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import InputError, diag
from ..i18n import os_error
from ..model import (
    LEGAL, STRLIST, Catalog, CatalogInfo, Database, Document, EvidenceType, Fee, LegalRef, Location, Output,
    Procedure, Step, Waiver, evolve, format_fields, resolve_procedure,
)
from .build import fields_of
from .loader import WORKBOOK_SUFFIXES, YAML_SUFFIXES

# Integral floats up to this are written as integers (tidy: `hours: 1`, not `hours: 1.0`).
_EXACT_INTEGERS = 2.0 ** 53


@dataclass(frozen=True, slots=True)
class Table:
    """One sheet of the workbook form: the model class of a row and, for child rows, the procedure key they fill."""

    sheet: str
    cls: type
    parent_key: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """Column keys in the model's field order; child rows start with their procedure's code."""
        own = tuple(f.name for f in format_fields(self.cls) if f.metadata["kind"] != "list")
        return ("procedure", *own) if self.parent_key else own

    @property
    def id_column(self) -> str:
        """The column that names a row (code, id, evidence, ...): where the row's own problems are located."""
        return self.columns[1 if self.parent_key else 0]


PROCEDURES = Table("procedures", Procedure)
CHILD_TABLES = (
    Table("steps", Step, "steps"),
    Table("documents", Document, "documents"),
    Table("outputs", Output, "outputs"),
    Table("fees", Fee, "fees"),
    Table("waivers", Waiver, "waivers"),
    # Not in the spec's table: legal bases with a title, date or issuer do not fit in one cell.
    Table("legal_basis", LegalRef, "legal_basis"),
)
EVIDENCE_TYPES = Table("evidence_types", EvidenceType)
DATABASES = Table("databases", Database)
TABLES = (PROCEDURES, *CHILD_TABLES, EVIDENCE_TYPES, DATABASES)
CATALOG_SHEET = "catalog"
LIST_SEPARATOR = "; "


def fold(text: str) -> str:
    """Text as headings are compared: no diacritics (đ -> d), case-folded, `_` as a space, spaces collapsed."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("_", " ").casefold().split())


# -- tidy records -------------------------------------------------------------


def plain_record(obj: Any, implied: Any = None) -> dict[str, Any]:
    """The format fields of `obj` that differ from their defaults, in field order, as plain data.

    `implied` is the same object as `resolve_procedure` fills it in from
    nothing: a value equal to what it implies is a default too.
    """
    out: dict[str, Any] = {}
    for f in fields_of(type(obj)).values():
        value = getattr(obj, f.name)
        if value is None or value == f.default:
            continue
        if implied is not None and _implied(f) and value == getattr(implied, f.name):
            continue
        out[f.name] = _plain(f.metadata["kind"], value)
    return out


def procedure_record(p: Procedure, evidence: dict[str, EvidenceType]) -> dict[str, Any]:
    """A procedure as tidy plain data: defaults, static or implied by other values, left out."""
    implied = resolve_procedure(_bare(p), evidence)
    out = plain_record(p, implied)
    for key, implied_items in (("steps", implied.steps), ("documents", implied.documents)):
        if key in out:
            out[key] = [plain_record(obj, imp) for obj, imp in zip(getattr(p, key), implied_items)]
    return out


def info_record(info: CatalogInfo) -> dict[str, Any]:
    """catalog.yaml as plain data, the baseline as a mapping in the order it was written."""
    out = plain_record(info)
    if info.baseline:
        out["baseline"] = {key: _number(value) for key, value in info.baseline}
    return out


def _bare(p: Procedure) -> Procedure:
    """`p` with every optional field that defaults to None emptied, in it and its steps and documents."""
    def empty(obj: Any) -> Any:
        return evolve(obj, **{f.name: None for f in fields_of(type(obj)).values() if _implied(f)})

    return evolve(empty(p), steps=tuple(empty(s) for s in p.steps), documents=tuple(empty(d) for d in p.documents))


def _implied(f: Any) -> bool:
    """Whether a field's default may be filled in from other values: optional, None by default."""
    return f.default is None and not f.metadata["required"] and f.metadata["kind"] != "list"


def _plain(kind: str, value: Any) -> Any:
    if kind == "list":
        return [plain_record(item) for item in value]
    if kind == STRLIST:
        return list(value)
    if kind == LEGAL:
        return [ref.ref if ref == LegalRef(ref.ref) else plain_record(ref) for ref in value]
    return _number(value)


def _number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_INTEGERS:
        return int(value)
    return value


# -- convert --------------------------------------------------------------------


def form_of(path: Path) -> str:
    """The form a destination's name asks for: workbook, yaml-file or folder."""
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return "workbook"
    if suffix in YAML_SUFFIXES:
        return "yaml-file"
    return "folder"


def check_destination(src: Path, dst: Path, force: bool) -> None:
    """Raise InputError when writing `dst` would overwrite something without --force, or touch `src`, or when
    it cannot be written where it is asked for."""
    where = Location(str(dst))
    try:
        _check_destination(src, dst, force, where)
    except OSError as exc:  # a folder on the way that cannot be looked into
        en, vi = os_error(exc)
        _refuse(where, en, vi)


def _check_destination(src: Path, dst: Path, force: bool, where: Location) -> None:
    folder = next(parent for parent in dst.absolute().parents if parent.exists())  # the root exists
    if not folder.is_dir():
        _refuse(where, f"{folder} is a file, not a folder", f"{folder} là một tệp, không phải thư mục")
    source, target = src.resolve(), dst.resolve()
    form = form_of(dst)
    if form == "workbook" and dst.suffix.lower() != ".xlsx":
        _refuse(where, "write the workbook as .xlsx (an .xlsm keeps macros this tool does not write)",
                "hãy ghi bảng tính với đuôi .xlsx (.xlsm chứa macro mà công cụ này không ghi)")
    if source == target or (form == "folder" and (source.is_relative_to(target) or target.is_relative_to(source))) \
            or (form == "yaml-file" and source.is_dir() and target.is_relative_to(source)):
        _refuse(where, f"the destination overlaps the source {src}; the source is never modified",
                f"đích trùng hoặc nằm trong nguồn {src}; tệp nguồn không bao giờ bị sửa")
    if form == "folder":
        if dst.exists() and not dst.is_dir():
            _refuse(where, "a file of that name exists; a folder was asked for", "đã có một tệp trùng tên; cần một thư mục")
        if dst.is_dir() and any(dst.iterdir()) and not force:
            _refuse(where, "the folder is not empty; add --force to overwrite its catalogue",
                    "thư mục không rỗng; thêm --force để ghi đè danh mục trong đó")
    elif dst.is_dir():
        _refuse(where, "a folder of that name exists; a file was asked for", "đã có một thư mục trùng tên; cần một tệp")
    elif dst.exists() and not force:
        _refuse(where, "the file exists; add --force to overwrite it", "tệp đã tồn tại; thêm --force để ghi đè")


def _refuse(where: Location, en: str, vi: str) -> None:
    raise InputError([diag("E101", where, f"cannot write: {en}", f"không ghi được: {vi}")])


def convert_catalog(catalog: Catalog, dst: Path) -> list[Path]:
    """Write `catalog` in the form `dst` names (each file atomically); the stale procedure files removed."""
    form = form_of(dst)
    if form == "workbook":
        from .excel_writer import write_workbook

        write_workbook(catalog, dst)
        return []
    if form == "yaml-file":
        from .yaml_writer import write_yaml_file

        write_yaml_file(catalog, dst)
        return []
    from .yaml_writer import write_yaml_folder

    return write_yaml_folder(catalog, dst)
