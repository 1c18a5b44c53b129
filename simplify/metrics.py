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
# The metrics that are shares, 0 to 1 (the others are counts and VND a year).
SHARE_METRICS = frozenset(METRICS[6:])


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
    return metrics_of([metric_row(p, costs[p.code]) for p in catalog.procedures])


def metric_row(p: Procedure, c: ProcedureCost) -> tuple:
    """What the metrics read of one procedure and its cost: (internal, online eligible, essential, fully
    online, volume, online volume, annual cost, paperless, cashless, contactless, assisted).

    A plain tuple: the rule engine's children send one back for every procedure a measure changes.
    """
    full = c.online_level == "full"
    return (p.kind == "internal", p.online_eligible, p.essential, full, c.volume, c.volume * p.online_share,
            c.annual_cost, full and not any(d.certified_copy for d in p.documents), _cashless(p),
            _contactless(p), "counter" in p.channels or "post" in p.channels)


def metrics_of(rows: list[tuple]) -> dict[str, float | None]:
    """Every metric of the spec from the procedures' `metric_row`s, in catalogue order (sums are added in it)."""
    n = len(rows)
    internal = [r for r in rows if r[0]]
    eligible = [r for r in rows if r[1]]
    essential = [r for r in rows if r[2]]
    internal_cost = sum(r[6] for r in internal)
    external_cost = sum(r[6] for r in rows if not r[0])
    total_cost = sum(r[6] for r in rows)
    return {
        "procedures": n,
        "internal_procedures": len(internal),
        "external_procedures": n - len(internal),
        "annual_cost": total_cost,
        "internal_annual_cost": internal_cost,
        "external_annual_cost": external_cost,
        "full_online_share": _share(sum(1 for r in eligible if r[3]), len(eligible)),
        "online_dossier_share": _share(sum(r[5] for r in rows), sum(r[4] for r in rows)),
        "essential_full_online": _share(sum(1 for r in essential if r[3]), len(essential)),
        "paperless_share": _share(sum(1 for r in rows if r[7]), n),
        "cashless_share": _share(sum(1 for r in rows if r[8]), n),
        "contactless_share": _share(sum(1 for r in rows if r[9]), n),
        "assisted_share": _share(sum(1 for r in rows if r[10]), n),
    }
