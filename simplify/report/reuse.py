"""What the catalogue asks of citizens, per evidence type: once-only opportunities and the cost of supplying each.

Both tables are pure functions of an analysis. A once-only opportunity is an
evidence type that the once-only rules (the `ONCE` family: ONCE001 data held
in a connected database, ONCE002 a result of another procedure) flag in at
least one procedure; its saving is the sum of those findings' savings, each
counted on its own, so it says what each removal is worth, not what all of
them together would save. The annual cost of supplying an evidence type is
the sum, over the documents of that type that procedures ask for, of
volume x (cash of the document + its hours x the subject's hourly value);
the cash is copies, certification and other costs (cost.document_cash). The
trips a certified copy needs are left out: a trip serves every certified
copy of a dossier, so it belongs to no one document.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis import Analysis
from ..cost import document_cash
from ..network import links

ONCE_ONLY = "ONCE"


@dataclass(frozen=True, slots=True)
class Opportunity:
    """An evidence type the state could fetch instead of asking for it."""

    evidence: str
    name: str
    database: str | None                 # name of the connected database holding it
    issued_by: tuple[str, ...]           # codes of the procedures issuing it
    procedures: tuple[str, ...]          # codes of the procedures asking for it with a once-only finding
    volume: float                        # their dossiers a year
    annual_saving: float


@dataclass(frozen=True, slots=True)
class EvidenceSupply:
    """How much the catalogue asks for one evidence type, and what supplying it costs a year."""

    evidence: str
    name: str
    procedures: int                      # procedures asking for it
    certified: int                       # of them, those asking for a certified copy
    volume: float                        # their dossiers a year
    annual_cost: float


def opportunities(analysis: Analysis) -> list[Opportunity]:
    """Once-only opportunities, the largest saving first (ties by evidence id)."""
    catalog = analysis.catalog
    evidence = catalog.evidence_index()
    databases = catalog.database_index()
    issued_by = links(catalog).issued_by
    found: dict[str, dict[str, float]] = {}  # evidence -> procedure code -> saving
    for f in analysis.findings:
        if f.rule.startswith(ONCE_ONLY) and f.evidence is not None and not f.waived:
            per_procedure = found.setdefault(f.evidence, {})
            per_procedure[f.procedure] = per_procedure.get(f.procedure, 0.0) + f.annual_saving
    out = []
    for ident, savings in found.items():
        kind = evidence.get(ident)
        held = databases.get(kind.held_in) if kind is not None and kind.held_in else None
        out.append(Opportunity(
            evidence=ident,
            name=kind.name if kind is not None else ident,
            database=held.name if held is not None and held.connected else None,
            issued_by=issued_by.get(ident, ()),
            procedures=tuple(savings),
            volume=sum(analysis.costs[code].volume for code in savings),
            annual_saving=sum(savings.values()),
        ))
    return sorted(out, key=lambda o: (-o.annual_saving, o.evidence))


def evidence_supply(analysis: Analysis) -> list[EvidenceSupply]:
    """Every evidence type some procedure asks for, the costliest to supply first (ties by id)."""
    catalog = analysis.catalog
    model = analysis.settings.cost_model
    evidence = catalog.evidence_index()
    asking: dict[str, dict[str, bool]] = {}  # evidence -> procedure code -> asks for a certified copy
    cost: dict[str, float] = {}
    for p in catalog.procedures:
        volume = analysis.costs[p.code].volume
        hourly = model.hourly(p.subject or "citizen")
        for d in p.documents:
            codes = asking.setdefault(d.evidence, {})
            codes[p.code] = codes.get(p.code, False) or d.certified_copy
            cost[d.evidence] = cost.get(d.evidence, 0.0) + volume * (document_cash(d, model) + d.hours * hourly)
    out = [
        EvidenceSupply(
            evidence=ident,
            name=evidence[ident].name if ident in evidence else ident,
            procedures=len(codes),
            certified=sum(codes.values()),
            volume=sum(analysis.costs[code].volume for code in codes),
            annual_cost=cost[ident],
        )
        for ident, codes in asking.items()
    ]
    return sorted(out, key=lambda e: (-e.annual_cost, e.evidence))
