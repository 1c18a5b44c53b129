"""The JSON contract of `audit --format json` (cli.md): keys exactly as written there.

Money is in VND, unrounded; shares in 0..1 or null. Keys may be added over
time, never renamed or removed.
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from .jsontext import compact, dumps
from ..analysis import Analysis
from ..cost import ProcedureCost
from ..metrics import METRICS
from ..model import Procedure

PROCEDURE_COLUMNS = (
    "code", "name", "kind", "subject", "online_level", "volume",
    "cost_offline", "cost_online", "cost_per_dossier", "annual_cost",
    "hours_offline", "hours_online", "visits_offline", "visits_online", "elapsed_days",
)


def procedure_row(p: Procedure, c: ProcedureCost) -> dict[str, Any]:
    """One procedure's row of the cost table, keys as in the JSON contract."""
    return {
        "code": p.code,
        "name": p.name,
        "kind": p.kind,
        "subject": p.subject,
        "online_level": c.online_level,
        "volume": c.volume,
        "cost_offline": c.cost_offline,
        "cost_online": c.cost_online,
        "cost_per_dossier": c.cost_per_dossier,
        "annual_cost": c.annual_cost,
        "hours_offline": c.hours_offline,
        "hours_online": c.hours_online,
        "visits_offline": c.visits_offline,
        "visits_online": c.visits_online,
        "elapsed_days": c.elapsed_days,
    }


def summary(analysis: Analysis) -> dict[str, Any]:
    """The summary object: every metric, the finding count and the potential saving."""
    out: dict[str, Any] = {m: analysis.metrics[m] for m in METRICS}
    out["findings"] = analysis.reported_count
    out["potential_annual_saving"] = analysis.potential_annual_saving
    return out


def audit_document(analysis: Analysis, lang: str = "vi", findings: list | None = None) -> dict[str, Any]:
    """The whole audit as JSON-ready data (`findings`, when given, stands for the list of findings)."""
    catalog = analysis.catalog
    doc: dict[str, Any] = {
        "tool": {"name": "simplify", "version": __version__},
        "catalog": {"name": catalog.name, "path": catalog.path, "procedures": len(catalog.procedures)},
        "summary": summary(analysis),
        "procedures": [procedure_row(p, analysis.costs[p.code]) for p in catalog.procedures],
        "findings": [f.to_dict(lang) for f in analysis.reported_findings] if findings is None else findings,
        "targets": [t.to_dict(lang) for t in analysis.targets],
    }
    if analysis.scenario is not None and analysis.before is not None:
        doc["scenario"] = analysis.scenario.to_dict(summary(analysis.before))
    return doc


def render(analysis: Analysis, lang: str = "vi") -> str | bytes:
    """`audit --format json`."""
    records = len(analysis.catalog.procedures) + analysis.reported_count
    if not compact(records):
        return dumps(audit_document(analysis, lang), records)
    import orjson

    return orjson.dumps(audit_document(analysis, lang, findings_json(analysis, lang)))


def findings_json(analysis: Analysis, lang: str) -> list:
    """The reported findings as compact JSON, one piece per procedure (its findings' objects joined by commas).

    A procedure's piece comes from the JSON cache while its analysis key is
    unchanged: a warm national audit neither makes its findings again as
    objects nor encodes them. What it gives is byte for byte what encoding
    the findings' dicts in the document would.
    """
    import orjson

    from ..catalog.cache import JsonCache

    show_waived = analysis.settings.show_waived
    cache = JsonCache.open(analysis.findings.source, lang, show_waived, orjson.__version__)
    pieces = []
    for part in analysis.findings.parts:
        if part.count == part.waived and not show_waived:
            continue
        hit = cache.get(part.procedure, part.key) if cache is not None and part.key is not None else None
        if hit is None:
            text = part.json(lang, show_waived)
            if cache is not None and part.key is not None:
                cache.put(part.procedure, part.key, text)
        else:
            text = hit[0]
        pieces.append(orjson.Fragment(text))
    if cache is not None:
        cache.save()
    return pieces
