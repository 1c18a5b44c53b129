"""Scenarios ("phương án đơn giản hóa"): a named list of measures applied in order to a copy of the catalogue.

A scenario file holds `name` and `measures` in the form of analysis.md
section 5. Loading it checks every measure against the catalogue as the
measures before it leave it, so a measure naming a procedure, document,
step or fee that is not there (any more) is an E203 error at its line, and
every problem of the file is reported at once. Applying it prices each
measure in order, re-costing only the procedures the measure changes.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog.raw import RawMap
from .cost import CostModel, ProcedureCost, catalog_costs, procedure_cost
from .measures import ACTIONS, Measure, check_measure, freeze, measure_changes
from .metrics import metric_row, metrics_of
from .model import Catalog, Location, Procedure
from .settings import Checker, read_settings

# Per family of actions: the key naming the object in a scenario file, and the Measure field holding it.
_OBJECT = {"document": ("evidence", "evidence"), "step": ("step", "step"), "fee": ("name", "fee")}


@dataclass(frozen=True, slots=True)
class Scenario:
    """A scenario file, read and checked against a catalogue."""

    name: str
    file: str
    measures: tuple[Measure, ...]


@dataclass(frozen=True, slots=True)
class MeasureResult:
    measure: Measure
    annual_saving: float


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """A scenario applied: the saving of each measure in order, the total, the catalogue after it."""

    name: str
    file: str
    measures: tuple[MeasureResult, ...]
    annual_cost_before: float
    annual_cost_after: float
    catalog: Catalog

    @property
    def annual_saving(self) -> float:
        return self.annual_cost_before - self.annual_cost_after

    def to_dict(self, before: dict[str, Any]) -> dict[str, Any]:
        """The `scenario` object of the JSON contract; `before` is the summary without the scenario."""
        return {
            "name": self.name,
            "file": self.file,
            "measures": [{"measure": r.measure.to_yaml(), "annual_saving": r.annual_saving} for r in self.measures],
            "before": before,
            "annual_saving": self.annual_saving,
        }


def load_scenario(path: str | Path, catalog: Catalog) -> Scenario:
    """The scenario at `path`, every measure checked in order against `catalog`; InputError (E203) on problems."""
    file = Path(path)
    check, top = read_settings(file, "E203", ("the scenario", "phương án"))
    check.keys(top, ("name", "measures"), ("measures",))
    name = check.text(top, "name") or file.stem
    measures = [m for m in (_measure(check, item, where)
                            for item, where in check.items(top.get("measures"), top.value_loc("measures"), "measures"))
                if m is not None]
    procedures: dict[str, Procedure | None] = {p.code: p for p in catalog.procedures}
    for m in measures:
        problem = check_measure(procedures, m)
        if problem is None:
            procedures.update(measure_changes(procedures, m))
        else:
            check.fail(m.location, *problem)
    check.done()
    return Scenario(name=name, file=str(file), measures=tuple(measures))


def _measure(check: Checker, item: Any, where: Location) -> Measure | None:
    raw = check.mapping(item, where, ("a measure", "mỗi biện pháp"))
    if raw is None:
        return None
    if len(raw) != 1:
        check.fail(where, f"a measure is one of {', '.join(ACTIONS)} with its details",
                   f"mỗi biện pháp là một trong {', '.join(ACTIONS)} kèm chi tiết")
        return None
    [(action, body)] = raw.items()
    check.keys(raw, ACTIONS)
    if action not in ACTIONS:
        return None
    if action == "abolish":
        code = _code(check, raw, action)
        return None if code is None else Measure(action, code, location=where)
    details = check.mapping(body, raw.value_loc(action), f"'{action}'")
    if details is None:
        return None
    if action == "merge":
        check.keys(details, ("from", "into"), ("from", "into"))
        if "from" not in details or "into" not in details:
            return None
        source, into = _code(check, details, "from"), _code(check, details, "into")
        return None if source is None or into is None else Measure(action, source, into=into, location=where)
    ident, field = _OBJECT.get(action.partition("_")[2], (None, None))
    named = ("procedure",) + ((ident,) if ident else ())
    check.keys(details, details.keys(), named)  # every other key is a value the measure sets
    if any(key not in details for key in named):
        return None
    code = _code(check, details, "procedure")
    label = check.text(details, ident) if ident else None
    if code is None or (ident and label is None):
        return None
    values = tuple((str(k), freeze(v)) for k, v in details.items() if k not in named)
    return Measure(action, code, location=where, values=values, **({field: label} if field else {}))


def _code(check: Checker, raw: RawMap, key: str) -> str | None:
    """A procedure code; a number is refused, since YAML would have dropped its digits."""
    value = raw.get(key)
    if isinstance(value, str) and value:
        return value
    check.fail(raw.value_loc(key), f"'{key}' must be a procedure code in quotes, e.g. \"1.000001\", not {value!r}",
               f"'{key}' phải là mã thủ tục đặt trong ngoặc kép, ví dụ \"1.000001\", không phải {value!r}")
    return None


def apply_scenario(catalog: Catalog, scenario: Scenario, cost_model: CostModel) -> ScenarioResult:
    """`scenario` applied to `catalog` (which it was loaded against), each measure priced after the ones before."""
    state = CostedProcedures(catalog, cost_model)
    before = state.annual_cost()
    results = tuple(MeasureResult(m, state.apply(m)) for m in scenario.measures)
    return ScenarioResult(
        name=scenario.name, file=scenario.file, measures=results,
        annual_cost_before=before, annual_cost_after=state.annual_cost(), catalog=state.catalog(),
    )


class CostedProcedures:
    """A working copy of a catalogue's procedures with their costs, kept current as measures apply.

    A measure changes one or two procedures, so only those are re-costed:
    a scenario or a plan of many measures stays linear in the catalogue.
    """

    def __init__(self, catalog: Catalog, cost_model: CostModel, costs: dict[str, ProcedureCost] | None = None,
                 *, days: bool = True):
        """`costs`: the catalogue's own (`catalog_costs`) when already worked out; they are copied, not changed.

        `days=False` costs the procedures measures change without their
        elapsed days (see `procedure_cost`), for a caller that never reads
        them: a plan prices thousands of measures.
        """
        self.base = catalog
        self.cost_model = cost_model
        self.days = days
        self.procedures: dict[str, Procedure | None] = {p.code: p for p in catalog.procedures}
        self.costs: dict[str, ProcedureCost] = dict(costs) if costs is not None else catalog_costs(catalog, cost_model)
        self._rows: dict[str, tuple] = {}  # each procedure's metric_row, made when first asked

    def row(self, code: str) -> tuple:
        """The `metric_row` of procedure `code` as it is, made once until a measure changes the procedure."""
        found = self._rows.get(code)
        if found is None:
            found = self._rows[code] = metric_row(self.procedures[code], self.costs[code])
        return found

    def metrics(self, change: Change | None = None) -> dict[str, float | None]:
        """`compute_metrics` of the catalogue as it is (`catalog()`), or as it would be after `change`.

        A plan asks after every measure, and of many a candidate: only the
        rows of the procedures changed are made again.
        """
        changed = change.procedures if change is not None else {}
        rows = []
        for code, p in self.procedures.items():
            if code in changed:
                q = changed[code]
                if q is not None:
                    rows.append(metric_row(q, change.costs[code]))
            elif p is not None:
                rows.append(self.row(code))
        return metrics_of(rows)

    def preview(self, measures: Iterable[Measure]) -> Change:
        """What `measures`, applied in order, would change; one that does not apply (any more) is passed over."""
        changes: dict[str, Procedure | None] = {}
        view = ChainMap(changes, self.procedures)
        for m in measures:
            if check_measure(view, m) is None:
                changes.update(measure_changes(view, m))
        costs = {code: procedure_cost(p, self.cost_model, days=self.days)
                 for code, p in changes.items() if p is not None}
        before = sum(self.costs[code].annual_cost for code in changes if code in self.costs)
        return Change(changes, costs, before - sum(c.annual_cost for c in costs.values()))

    def apply(self, m: Measure) -> float:
        """Apply a measure that applies to the procedures as they are; its annual saving (cost before minus after)."""
        problem = check_measure(self.procedures, m)
        if problem is not None:
            raise ValueError(f"{m.location}: {problem[0]}")
        change = self.preview((m,))
        for code, p in change.procedures.items():
            self.procedures[code] = p
            self._rows.pop(code, None)
            if p is None:
                del self.costs[code]
            else:
                self.costs[code] = change.costs[code]
        return change.annual_saving

    def annual_cost(self) -> float:
        return sum(c.annual_cost for c in self.costs.values())

    def catalog(self) -> Catalog:
        return self.base.with_procedures(tuple(p for p in self.procedures.values() if p is not None))


@dataclass(frozen=True, slots=True)
class Change:
    """The procedures a measure changes (None: dropped), their new costs, and its annual saving."""

    procedures: dict[str, Procedure | None]
    costs: dict[str, ProcedureCost]
    annual_saving: float
