"""The compliance cost of a procedure: the Standard Cost Model as Vietnam applies it.

Thông tư 02/2017/TT-VPCP, Điều 27: the applicant's working time priced at an
hourly value, plus visits, copies, certification, other cash and fees; per
dossier as the online/offline mix of the two channels, per year times the
volume. Pure functions of (procedure, parameters); the formulas are those of
analysis.md section 1, term by term.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import Catalog, Document, Fee, Procedure, Step
from .parallel import split_map
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
        # Read for every procedure and every measure priced: no dict made each time (the last entry wins, as in one).
        for name, value in reversed(self.hourly_value):
            if name == subject:
                return value
        raise KeyError(subject)


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
    cost_offline, cost_online, hours_offline, hours_online, visits_offline, visits_online, per_dossier = _dossier(
        p, cost_terms(p, cm), cm)
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


# What the formulas read of a procedure's steps, documents and fees, summed in list order:
# (hours, cash, in-person visits offline, online) of the applicant's steps; (hours, cash,
# 1 when a certified copy costs a visit) of the documents; (offline, online) amounts of the fees.
Terms = tuple[tuple[float, float, int, int], tuple[float, float, int], tuple[float, float]]


def cost_terms(p: Procedure, cm: CostModel) -> Terms:
    """The terms of `p`'s cost, for `annual_cost_with` to reuse those a measure leaves alone."""
    return _step_terms(p.steps), _document_terms(p.documents, cm), _fee_terms(p.fees)


def annual_cost_with(p: Procedure, cm: CostModel, terms: Terms, *, steps: tuple[Step, ...] | None = None,
                     documents: tuple[Document, ...] | None = None, fees: tuple[Fee, ...] | None = None) -> float:
    """The annual cost of `p` (whose `cost_terms` are `terms`) with its steps, documents or fees replaced.

    The same arithmetic as `procedure_cost`, so a measure priced this way
    saves exactly what re-costing the edited procedure would say, without
    building that procedure.
    """
    terms = (terms[0] if steps is None else _step_terms(steps),
             terms[1] if documents is None else _document_terms(documents, cm),
             terms[2] if fees is None else _fee_terms(fees))
    return _dossier(p, terms, cm)[6] * p.volume


def _step_terms(steps: tuple[Step, ...]) -> tuple[float, float, int, int]:
    applicant = [s for s in steps if s.actor == "applicant"]
    in_person = [s for s in applicant if s.in_person]
    return (sum([s.hours for s in applicant]), sum([s.cost for s in applicant]), len(in_person),
            sum([1 for s in in_person if not s.online]))


def _document_terms(documents: tuple[Document, ...], cm: CostModel) -> tuple[float, float, int]:
    return document_terms_of(document_rows(documents, cm))


def document_rows(documents: tuple[Document, ...], cm: CostModel) -> list[tuple[float, float, bool]]:
    """What each document adds to a dossier: its hours, its cash and whether its certified copies cost a visit."""
    return [(d.hours, document_cash(d, cm), d.certified_copy) for d in documents]


def document_terms_of(rows: list[tuple[float, float, bool]]) -> tuple[float, float, int]:
    """The documents' terms of `Terms` from their `document_rows` (of those kept, for a measure removing some)."""
    if not rows:
        return 0, 0, 0
    hours, cash, visits = zip(*rows)  # columns made in C: this runs for every measure priced
    return sum(hours), sum(cash), 1 if any(visits) else 0


def _fee_terms(fees: tuple[Fee, ...]) -> tuple[float, float]:
    return sum([f.amount for f in fees]), sum([f.amount_online for f in fees])


def _dossier(p: Procedure, terms: Terms, cm: CostModel) -> tuple[float, float, float, float, int, int, float]:
    """Cost, hours and visits offline and online, and the cost of the channel mix, for one dossier."""
    (step_hours, step_cash, in_person, in_person_not_online), (document_hours, documents_cash, cert_visit), \
        (fees_offline, fees_online) = terms
    hourly = cm.hourly(p.subject or "citizen")
    base_hours = step_hours + document_hours
    cash = step_cash + documents_cash
    visits_offline = in_person + cert_visit
    visits_online = in_person_not_online + cert_visit
    hours_offline = base_hours + visits_offline * cm.visit_hours
    hours_online = base_hours + visits_online * cm.visit_hours
    cost_offline = hourly * hours_offline + visits_offline * cm.visit_travel_cost + cash + fees_offline
    cost_online = hourly * hours_online + visits_online * cm.visit_travel_cost + cash + fees_online
    share = p.online_share
    return (cost_offline, cost_online, hours_offline, hours_online, visits_offline, visits_online,
            share * cost_online + (1 - share) * cost_offline)


def catalog_costs(catalog: Catalog, cm: CostModel) -> dict[str, ProcedureCost]:
    """The cost of every procedure, by code, in catalogue order."""
    return {p.code: c for p, c in zip(catalog.procedures, costs_of(catalog.procedures, cm))}


def costs_of(procedures: Sequence[Procedure], cm: CostModel) -> list[ProcedureCost]:
    """The cost of each procedure, in order, a national catalogue's on every core (simplify.parallel)."""
    return split_map(lambda share: [procedure_cost(p, cm) for p in share], procedures, 2_000)


def annual_cost(catalog: Catalog, cm: CostModel) -> float:
    """The catalogue's total annual compliance cost."""
    return sum(procedure_cost(p, cm).annual_cost for p in catalog.procedures)
