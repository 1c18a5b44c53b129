"""`diff --format json`: what changed between two catalogues, for scripts.

`{"tool", "old", "new", "summary", "procedures"}`; each procedure that
differs with its status, the keys that differ, its documents, steps and
fees added, removed and changed, and its cost per dossier and annual cost
before, after and the delta (VND, unrounded; null where it does not exist).
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..diff import CatalogDiff, ProcedureChange


def render(d: CatalogDiff, lang: str = "vi") -> str:
    """The diff as JSON text (no text for people in it, so `lang` changes nothing)."""
    return json.dumps(diff_document(d), ensure_ascii=False, indent=2)


def diff_document(d: CatalogDiff) -> dict[str, Any]:
    """The diff as JSON-ready data."""
    return {
        "tool": {"name": "simplify", "version": __version__},
        "old": {"name": d.old_name, "path": d.old_path, "procedures": d.procedures_before,
                "annual_cost": d.annual_cost_before},
        "new": {"name": d.new_name, "path": d.new_path, "procedures": d.procedures_after,
                "annual_cost": d.annual_cost_after},
        "summary": {"added": d.count("added"), "removed": d.count("removed"), "changed": d.count("changed"),
                    "unchanged": d.unchanged, "annual_cost_delta": d.annual_cost_delta},
        "procedures": [_procedure(c) for c in d.changes],
    }


def _procedure(c: ProcedureChange) -> dict[str, Any]:
    out: dict[str, Any] = {"code": c.code, "name": c.name, "status": c.status, "fields": list(c.fields)}
    for kind, key in (("document", "documents"), ("step", "steps"), ("fee", "fees")):
        parts = c.of(kind)
        out[key] = {
            "added": [p.id for p in parts if p.status == "added"],
            "removed": [p.id for p in parts if p.status == "removed"],
            "changed": [{"id": p.id, "fields": list(p.fields)} for p in parts if p.status == "changed"],
        }
    for metric in ("cost_per_dossier", "annual_cost"):
        before, after = getattr(c, metric)
        out[metric] = {"before": before, "after": after, "delta": c.delta(metric)}
    out["location"] = c.location.to_dict()
    return out
