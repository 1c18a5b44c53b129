"""The catalogue's metrics (analysis.md section 2).

Counts, annual costs and the shares of the "4 không" (no paper, no cash,
no contact, no one left behind); a share over an empty set is None.
"""

from __future__ import annotations

from .cost import ProcedureCost
from .model import Catalog, Procedure

METRICS = (
    "procedures", "internal_procedures", "external_procedures",
    "annual_cost", "internal_annual_cost", "external_annual_cost",
    "full_online_share", "online_dossier_share", "essential_full_online",
    "paperless_share", "cashless_share", "contactless_share", "assisted_share",
)


def _share(part: float, whole: float) -> float | None:
    return None if whole == 0 else part / whole


def _cashless(p: Procedure) -> bool:
    return all(f.payable_online for f in p.fees if f.amount > 0)


def _contactless(p: Procedure) -> bool:
    return not any(
        s.actor == "applicant" and s.in_person and not s.online and not s.in_person_basis for s in p.steps
    )


def compute_metrics(catalog: Catalog, costs: dict[str, ProcedureCost]) -> dict[str, float | None]:
    """Every metric of the spec, by name."""
    procs = catalog.procedures
    n = len(procs)
    internal = [p for p in procs if p.kind == "internal"]
    full = {p.code for p in procs if costs[p.code].online_level == "full"}
    eligible = [p for p in procs if p.online_eligible]
    essential = [p for p in procs if p.essential]
    volume = sum(costs[p.code].volume for p in procs)
    online_volume = sum(costs[p.code].volume * p.online_share for p in procs)
    internal_cost = sum(costs[p.code].annual_cost for p in internal)
    total_cost = sum(costs[p.code].annual_cost for p in procs)
    return {
        "procedures": n,
        "internal_procedures": len(internal),
        "external_procedures": n - len(internal),
        "annual_cost": total_cost,
        "internal_annual_cost": internal_cost,
        "external_annual_cost": total_cost - internal_cost,
        "full_online_share": _share(sum(1 for p in eligible if p.code in full), len(eligible)),
        "online_dossier_share": _share(online_volume, volume),
        "essential_full_online": _share(sum(1 for p in essential if p.code in full), len(essential)),
        "paperless_share": _share(
            sum(1 for p in procs if p.code in full and not any(d.certified and d.copies >= 1 for d in p.documents)), n
        ),
        "cashless_share": _share(sum(1 for p in procs if _cashless(p)), n),
        "contactless_share": _share(sum(1 for p in procs if _contactless(p)), n),
        "assisted_share": _share(sum(1 for p in procs if "counter" in p.channels or "post" in p.channels), n),
    }
