"""What changed between two versions of a catalogue, and what it does to the compliance cost.

Procedures are matched by code: added, removed, or changed when any of
their keys differs (locations never count). Within a changed procedure its
documents are matched by evidence type, its steps by id and its fees by
name (a repeat gets '#2', '#3'... in order), each added, removed or changed
with the keys that differ. Every procedure of either version is costed with
the same cost model, so the deltas are the change's alone. Pure functions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from .cost import CostModel, catalog_costs
from .model import NOWHERE, Catalog, Document, Fee, Location, Procedure, Step, format_fields

# kind, the procedure's list of them, the key that identifies one, its class
PARTS = (("document", "documents", "evidence", Document), ("step", "steps", "id", Step), ("fee", "fees", "name", Fee))
_PART_LISTS = {plural for _, plural, _, _ in PARTS}


@dataclass(frozen=True, slots=True)
class PartChange:
    """A document, step or fee added, removed or changed in one procedure."""

    kind: str                                # document | step | fee
    id: str                                  # evidence id, step id or fee name
    status: str                              # added | removed | changed
    fields: tuple[str, ...] = ()             # the keys that differ, when changed
    location: Location = NOWHERE             # in the new version; in the old one when removed
    values: tuple[tuple[Any, Any], ...] = ()  # (before, after) of each of `fields`


@dataclass(frozen=True, slots=True)
class ProcedureChange:
    """One procedure added, removed or changed, with its cost before and after (None where absent)."""

    code: str
    name: str
    status: str                              # added | removed | changed
    fields: tuple[str, ...]                  # keys that differ besides documents, steps and fees
    parts: tuple[PartChange, ...]
    values: tuple[tuple[Any, Any], ...]      # (before, after) of each of `fields`
    cost_per_dossier: tuple[float | None, float | None]
    annual_cost: tuple[float | None, float | None]
    location: Location

    def delta(self, metric: str) -> float:
        """After minus before, an absent side counting as 0."""
        before, after = getattr(self, metric)
        return (after or 0.0) - (before or 0.0)

    def of(self, kind: str) -> tuple[PartChange, ...]:
        return tuple(part for part in self.parts if part.kind == kind)


@dataclass(frozen=True, slots=True)
class CatalogDiff:
    """Every procedure that differs between two catalogues, and the totals."""

    old_name: str
    new_name: str
    old_path: str
    new_path: str
    procedures_before: int
    procedures_after: int
    annual_cost_before: float
    annual_cost_after: float
    changes: tuple[ProcedureChange, ...]     # by code

    @property
    def annual_cost_delta(self) -> float:
        return self.annual_cost_after - self.annual_cost_before

    def count(self, status: str) -> int:
        return sum(1 for c in self.changes if c.status == status)

    @property
    def unchanged(self) -> int:
        return self.procedures_after - self.count("added") - self.count("changed")


def diff_catalogs(old: Catalog, new: Catalog, cost_model: CostModel) -> CatalogDiff:
    """What changed from `old` to `new`, costed with `cost_model`."""
    old_costs, new_costs = catalog_costs(old, cost_model), catalog_costs(new, cost_model)
    before = {p.code: p for p in old.procedures}
    after = {p.code: p for p in new.procedures}
    changes = []
    for code in sorted(before.keys() | after.keys()):
        was, now = before.get(code), after.get(code)
        if was == now:
            continue
        was_cost, now_cost = old_costs.get(code), new_costs.get(code)
        shown = now or was
        changes.append(ProcedureChange(
            code=code,
            name=shown.name,
            status="added" if was is None else "removed" if now is None else "changed",
            fields=(fields := _differing(was, now, Procedure, skip=_PART_LISTS) if was and now else ()),
            parts=_parts(was, now) if was and now else (),
            values=_values(was, now, fields),
            cost_per_dossier=(was_cost and was_cost.cost_per_dossier, now_cost and now_cost.cost_per_dossier),
            annual_cost=(was_cost and was_cost.annual_cost, now_cost and now_cost.annual_cost),
            location=shown.location,
        ))
    return CatalogDiff(
        old_name=old.name, new_name=new.name, old_path=str(old.path), new_path=str(new.path),
        procedures_before=len(old.procedures), procedures_after=len(new.procedures),
        annual_cost_before=sum(c.annual_cost for c in old_costs.values()),
        annual_cost_after=sum(c.annual_cost for c in new_costs.values()),
        changes=tuple(changes),
    )


def _differing(a: Any, b: Any, cls: type, skip: set[str] = frozenset()) -> tuple[str, ...]:
    """The format keys of `cls` whose values differ between `a` and `b`."""
    return tuple(f.name for f in format_fields(cls)
                 if f.name not in skip and getattr(a, f.name) != getattr(b, f.name))


def _values(a: Any, b: Any, fields: tuple[str, ...]) -> tuple[tuple[Any, Any], ...]:
    return tuple((getattr(a, f), getattr(b, f)) for f in fields)


def _parts(was: Procedure, now: Procedure) -> tuple[PartChange, ...]:
    found: list[PartChange] = []
    for kind, plural, key, cls in PARTS:
        old_items, new_items = _keyed(getattr(was, plural), key), _keyed(getattr(now, plural), key)
        for ident, item in new_items.items():
            previous = old_items.get(ident)
            if previous is None:
                found.append(PartChange(kind, ident, "added", (), item.location))
            elif previous != item:
                fields = _differing(previous, item, cls)
                found.append(PartChange(kind, ident, "changed", fields, item.location, _values(previous, item, fields)))
        found += [PartChange(kind, ident, "removed", (), item.location)
                  for ident, item in old_items.items() if ident not in new_items]
    return tuple(found)


def _keyed(items: tuple, key: str) -> dict[str, Any]:
    """Items by their identifying key, a repeat named 'key#2', 'key#3'... in order."""
    seen: Counter[str] = Counter()
    out = {}
    for item in items:
        ident = getattr(item, key)
        seen[ident] += 1
        out[ident if seen[ident] == 1 else f"{ident}#{seen[ident]}"] = item
    return out
