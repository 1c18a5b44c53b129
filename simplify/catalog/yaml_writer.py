"""Write a catalogue as tidy YAML: the folder form or the single-file form.

One file per procedure named `<code>-<slug>.yaml`, keys in the model's
field order, defaults left out (the records of `convert.py`), codes double
quoted, Vietnamese kept as UTF-8. The emitter is small and block-style on
purpose: a scalar is written plain only when YAML reads it back as the same
string, otherwise double quoted with YAML's escapes, so every file loads
back to the same model. Every file is written atomically.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..atomic import write_text_atomic
from ..model import Catalog, EvidenceType, Procedure
from .convert import fold, info_record, plain_record, procedure_record
from .loader import YAML_SUFFIXES

SLUG_LENGTH = 50
_QUOTED_KEYS = frozenset({"code"})  # "1.000001" must never be read back as a float
_PLAIN = re.compile(r"[^\W_][\w .,()/'%+&-]*")
_FLOW_ITEM = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]')
_NAMED_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_SLUG_DROP = re.compile(r"[^a-z0-9]+")
_UNSAFE_IN_NAME = re.compile(r"[^0-9A-Za-z._-]")


def dump_procedure(p: Procedure, evidence: dict[str, EvidenceType] | None = None) -> str:
    """One procedure file; with the catalogue's evidence types, document names equal to theirs are left out."""
    return to_yaml(procedure_record(p, evidence or {}))


def procedure_filenames(procedures: tuple[Procedure, ...]) -> list[str]:
    """`<code>-<slug>.yaml` for each procedure, made unique even on case-insensitive file systems."""
    taken: set[str] = set()
    names = []
    for p in procedures:
        slug = _SLUG_DROP.sub("-", fold(p.name)).strip("-")
        if len(slug) > SLUG_LENGTH:
            slug = slug[:SLUG_LENGTH].rsplit("-", 1)[0]
        stem = "-".join(part for part in (_UNSAFE_IN_NAME.sub("_", p.code), slug) if part)
        name, n = f"{stem}.yaml", 1
        while name.casefold() in taken:
            n += 1
            name = f"{stem}-{n}.yaml"
        taken.add(name.casefold())
        names.append(name)
    return names


def write_yaml_folder(catalog: Catalog, folder: Path) -> list[Path]:
    """Write the folder form; procedure files of another catalogue left in `folder` are removed and returned."""
    folder = Path(folder)
    (folder / "procedures").mkdir(parents=True, exist_ok=True)
    write_text_atomic(folder / "catalog.yaml", to_yaml(info_record(catalog.info)))
    write_text_atomic(folder / "evidence_types.yaml",
                      to_yaml({"evidence_types": [plain_record(e) for e in catalog.evidence_types]}))
    write_text_atomic(folder / "databases.yaml", to_yaml({"databases": [plain_record(d) for d in catalog.databases]}))
    evidence = catalog.evidence_index()
    names = procedure_filenames(catalog.procedures)
    for p, name in zip(catalog.procedures, names):
        write_text_atomic(folder / "procedures" / name, dump_procedure(p, evidence))
    written = set(names)
    stale = [f for f in sorted((folder / "procedures").iterdir())
             if f.suffix.lower() in YAML_SUFFIXES and f.is_file() and f.name not in written]
    for f in stale:
        f.unlink()
    return stale


def write_yaml_file(catalog: Catalog, path: Path) -> None:
    """Write the single-file form: catalog, evidence_types, databases and procedures in one file."""
    evidence = catalog.evidence_index()
    write_text_atomic(path, to_yaml({
        "catalog": info_record(catalog.info),
        "evidence_types": [plain_record(e) for e in catalog.evidence_types],
        "databases": [plain_record(d) for d in catalog.databases],
        "procedures": [procedure_record(p, evidence) for p in catalog.procedures],
    }))


def to_yaml(data: dict[str, Any]) -> str:
    """Block-style YAML of plain data (mappings, lists, text, numbers, booleans)."""
    lines: list[str] = []
    _mapping(data, "", "", lines)
    return "\n".join(lines) + "\n"


def _mapping(data: dict[str, Any], first: str, rest: str, lines: list[str]) -> None:
    """Each key on its own line, the first one after `first` (a list's dash), the others after `rest`."""
    lead = first
    for key, value in data.items():
        head = f"{lead}{key if _plain_ok(key) else _quote(key)}:"
        lead = rest
        if isinstance(value, dict) and value:
            lines.append(head)
            _mapping(value, rest + "  ", rest + "  ", lines)
        elif isinstance(value, list) and value and not _flow(value):
            lines.append(head)
            for item in value:
                if isinstance(item, dict) and item:
                    _mapping(item, rest + "  - ", rest + "    ", lines)
                else:
                    lines.append(f"{rest}  - {_scalar(item, quoted=False)}")
        else:
            lines.append(f"{head} {_scalar(value, quoted=key in _QUOTED_KEYS)}")


def _flow(items: list) -> bool:
    """Short lists of ids read best on one line: `channels: [online, counter]`."""
    return all(isinstance(i, str) and _FLOW_ITEM.fullmatch(i) and _plain_ok(i) for i in items)


def _scalar(value: Any, quoted: bool) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    if isinstance(value, dict):
        return "{}"
    return _quote(value) if quoted or not _plain_ok(value) else value


def _plain_ok(text: str) -> bool:
    """Whether `text` can stand unquoted and be read back as the same string."""
    return (_PLAIN.fullmatch(text) is not None and text == text.rstrip()
            and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG)


def _quote(text: str) -> str:
    return '"' + _ESCAPE.sub(_escape, text) + '"'


def _escape(match: re.Match) -> str:
    ch = match.group()
    named = _NAMED_ESCAPES.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _float(value: float) -> str:
    """repr, with the dot YAML 1.1 needs before an exponent (1e-05 would read back as text)."""
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    if e and "." not in mantissa:
        text = f"{mantissa}.0e{exponent}"
    return text
