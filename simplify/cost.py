"""The compliance cost of a procedure: the Standard Cost Model as Vietnam applies it.

Thông tư 02/2017/TT-VPCP, Điều 27: the applicant's working time priced at an
hourly value, plus visits, copies, certification, other cash and fees; per
dossier as the online/offline mix of the two channels, per year times the
volume. Pure functions of (procedure, parameters); the formulas are those of
analysis.md section 1, term by term.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Catalog, Document, Procedure
from .steps import elapsed_days


@dataclass(frozen=True, slots=True)
class Certification:
    first_pages_fee: float = 2000.0
    next_pages_fee: float = 1000.0
    first_pages: int = 2
    cap_per_copy: float = 200000.0


@dataclass(frozen=True, slots=True)
class CostModel:
    """Parameters of the cost model (rules/cost_model.yaml)."""

    currency: str = "VND"
    hourly_value: tuple[tuple[str, float], ...] = (("citizen", 44000.0), ("business", 56000.0), ("agency", 45000.0))
    visit_hours: float = 2.0
    visit_travel_cost: float = 30000.0
    copy_cost_per_page: float = 500.0
    certification: Certification = Certification()

    def hourly(self, subject: str) -> float:
        return dict(self.hourly_value)[subject]


@dataclass(frozen=True, slots=True)
class ProcedureCost:
    """Everything the cost model says about one procedure."""

    code: str
    cost_offline: float
    cost_online: float
    hours_offline: float
    hours_online: float
    visits_offline: int
    visits_online: int
    cost_per_dossier: float
    volume: float
    annual_cost: float
    online_level: str
    elapsed_days: float


def certification_fee(pages: int, cm: CostModel) -> float:
    """Fee to certify one copy of `pages` pages (Thông tư 226/2016/TT-BTC), capped per copy."""
    c = cm.certification
    fee = c.first_pages_fee * min(pages, c.first_pages) + c.next_pages_fee * max(pages - c.first_pages, 0)
    return min(c.cap_per_copy, fee)


def document_cash(d: Document, cm: CostModel) -> float:
    """Copying, certification and other cash to supply one document."""
    cash = d.copies * d.pages * cm.copy_cost_per_page + d.cost
    if d.certified:
        cash += d.copies * certification_fee(d.pages, cm)
    return cash


def online_level(p: Procedure) -> str:
    """full, partial or none (Nghị định 42/2022/NĐ-CP's toàn trình / một phần)."""
    in_person = [s for s in p.steps if s.actor == "applicant" and s.in_person]
    fees_online = all(f.payable_online for f in p.fees if f.amount > 0)
    if all(s.online for s in in_person) and fees_online:
        return "full"
    if any(s.online for s in in_person):
        return "partial"
    return "none"


def procedure_cost(p: Procedure, cm: CostModel, *, days: bool = True) -> ProcedureCost:
    """The cost of one procedure per channel, per dossier and per year.

    `days=False` leaves out the step graph's elapsed time (reported as 0) for
    callers that only price measures, thousands of times a run.
    """
    hourly = cm.hourly(p.subject or "citizen")
    applicant = [s for s in p.steps if s.actor == "applicant"]
    cert_visit = 1 if any(d.certified and d.copies >= 1 for d in p.documents) else 0
    base_hours = sum(s.hours for s in applicant) + sum(d.hours for d in p.documents)
    cash = sum(s.cost for s in applicant) + sum(document_cash(d, cm) for d in p.documents)
    in_person = [s for s in applicant if s.in_person]
    visits_offline = len(in_person) + cert_visit
    visits_online = sum(1 for s in in_person if not s.online) + cert_visit
    fees_offline = sum(f.amount for f in p.fees)
    fees_online = sum(f.amount_online for f in p.fees)

    def channel(visits: int, fees: float) -> tuple[float, float]:
        hours = base_hours + visits * cm.visit_hours
        return hourly * hours + visits * cm.visit_travel_cost + cash + fees, hours

    cost_offline, hours_offline = channel(visits_offline, fees_offline)
    cost_online, hours_online = channel(visits_online, fees_online)
    share = p.online_share
    per_dossier = share * cost_online + (1 - share) * cost_offline
    volume = p.volume
    return ProcedureCost(
        code=p.code,
        cost_offline=cost_offline,
        cost_online=cost_online,
        hours_offline=hours_offline,
        hours_online=hours_online,
        visits_offline=visits_offline,
        visits_online=visits_online,
        cost_per_dossier=per_dossier,
        volume=volume,
        annual_cost=per_dossier * volume,
        online_level=online_level(p),
        elapsed_days=elapsed_days(p.steps) if days else 0.0,
    )


def catalog_costs(catalog: Catalog, cm: CostModel) -> dict[str, ProcedureCost]:
    """The cost of every procedure, by code, in catalogue order."""
    return {p.code: procedure_cost(p, cm) for p in catalog.procedures}


def annual_cost(catalog: Catalog, cm: CostModel) -> float:
    """The catalogue's total annual compliance cost."""
    return sum(procedure_cost(p, cm).annual_cost for p in catalog.procedures)
