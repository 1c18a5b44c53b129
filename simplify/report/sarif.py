"""`check --format sarif`: SARIF 2.1.0 for code scanning (GitHub's upload-sarif, IDE viewers).

One run whose driver lists every rule that ran, once, and the regression
pseudo-rules (REG001-REG004), with the rule's title as `shortDescription` and
its why as `fullDescription` (English, as code-scanning screens are), and
its why in the chosen language with its legal basis as `help`. Each finding
or regression is a result: level from its severity (info is `note`), file
relative to the repository, line and column when known (a workbook cell goes
into a logical location, there being no line), `partialFingerprints` from the
key that matches findings across versions, and with a baseline the
`baselineState` (new or unchanged). Columns count code points.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .. import __version__
from ..check import CheckResult, Entry, artifact_path
from .jsontext import dumps

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "simplify/v1"
BASELINE_STATES = {"new": "new", "existing": "unchanged", "regression": "new"}


def render(result: CheckResult, lang: str = "vi", root: str = "") -> str | bytes:
    """The SARIF log as JSON text."""
    return dumps(sarif_log(result, lang, root), len(result.entries))


def sarif_log(result: CheckResult, lang: str = "vi", root: str = "") -> dict[str, Any]:
    """The SARIF log as data."""
    rules = result.described_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "simplify",
                "version": __version__,
                "rules": [_descriptor(rule, lang) for rule in rules],
            }},
            "language": lang,
            "columnKind": "unicodeCodePoints",
            "results": [_result(entry, index, lang, root, result.baseline is not None) for entry in result.entries],
        }],
    }


def _descriptor(rule, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": rule.code, "name": rule.name,
                           "shortDescription": {"text": rule.heading("en")}}
    if rule.why is not None:
        out["fullDescription"] = {"text": rule.why.en}
        basis = f"\n\n{'Căn cứ' if lang == 'vi' else 'Basis'}: {'; '.join(rule.basis)}" if rule.basis else ""
        out["help"] = {"text": rule.why.get(lang) + basis}
    out["defaultConfiguration"] = {"level": LEVELS[rule.severity]}
    return out


def _result(entry: Entry, index: dict[str, int], lang: str, root: str, with_baseline: bool) -> dict[str, Any]:
    item = entry.item
    out: dict[str, Any] = {"ruleId": item.rule}
    if item.rule in index:
        out["ruleIndex"] = index[item.rule]
    out["level"] = LEVELS[item.severity]
    out["message"] = {"text": item.message(lang)}
    location = _location(item.location, root)
    if location:
        out["locations"] = [location]
    out["partialFingerprints"] = {FINGERPRINT: "|".join(part or "" for part in item.key())}
    if with_baseline:
        out["baselineState"] = BASELINE_STATES[entry.status]
    out["properties"] = {"procedure": item.procedure, "status": entry.status, "fails": entry.fails}
    return out


def _location(where, root: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    path = artifact_path(where, root)
    if path:
        physical: dict[str, Any] = {"artifactLocation": {"uri": quote(path, safe="/")}}
        if where.line is not None:
            region = {"startLine": where.line}
            if where.column is not None:
                region["startColumn"] = where.column
            physical["region"] = region
        out["physicalLocation"] = physical
    if where.sheet:
        name = f"{where.sheet}!{where.cell}" if where.cell else where.sheet
        out["logicalLocations"] = [{"name": name, "fullyQualifiedName": name, "kind": "element"}]
    return out
