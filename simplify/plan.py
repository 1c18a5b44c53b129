"""`simplify plan`: choose measures, one at a time, until the targets are met.

The candidates are the measures the rules suggest for the catalogue the
plan has made so far (waived findings left out; after each measure the
rules run again where it reached). Each round picks, among the measures
that move a target still unmet toward its goal, the one with the largest
annual saving (of equal savings, the first in the findings' order), so a
plan holds no measure that does nothing for its targets; a count such as
`internal_procedures` moves only by abolishing or merging, so that is what
a cut of it picks. When no measure moves a target on its own (a procedure
becomes fully online only once its last in-person step goes online), a
measure that does so together with the others on its procedure is taken,
the largest saving first. The plan stops when every target aimed at is
met, or nothing is left that helps. It is written as a scenario file that
`--scenario` reads unchanged and that yields the same figures.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import ChainMap
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .analysis import Analysis, Settings
from .cost import ProcedureCost, catalog_costs
from .measures import ACTIONS, Measure, others_changed
from .metrics import METRICS, metric_row, metrics_of
from .model import Catalog, Procedure
from .network import Links, links, relinked
from .rules.engine import find
from .rules.finding import Finding
from .scenario import Change, CostedProcedures
from .targets import AMOUNT_METRICS, Target, TargetResult, evaluate_targets, fixed_baselines

_WHOLE = ("abolish", "merge")  # measures on a whole procedure, never part of a group
_PARTS = frozenset(ACTIONS) - {*_WHOLE, "set_procedure"}  # measures on a procedure's steps, documents or fees
_SHARES = tuple(m for m in METRICS if m not in AMOUNT_METRICS)


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One measure of the plan: its saving, the running total, and every target after it."""

    measure: Measure
    rule: str
    annual_saving: float
    cumulative_saving: float
    targets: tuple[TargetResult, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """The measures chosen, in order, and where they leave the targets."""

    catalog: Catalog
    targets: tuple[Target, ...]
    start: tuple[TargetResult, ...]
    steps: tuple[PlanStep, ...]
    annual_cost_before: float
    annual_cost_after: float
    result: Catalog

    @property
    def annual_saving(self) -> float:
        return self.annual_cost_before - self.annual_cost_after

    @property
    def final(self) -> tuple[TargetResult, ...]:
        return self.steps[-1].targets if self.steps else self.start

    @property
    def met(self) -> bool:
        return all(r.met for r in self.final)

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        return {
            "catalog": self.catalog.name,
            "targets": [r.to_dict(lang) for r in self.start],
            "steps": [
                {
                    "measure": s.measure.to_yaml(),
                    "description": s.measure.describe(lang),
                    "rule": s.rule,
                    "annual_saving": s.annual_saving,
                    "cumulative_saving": s.cumulative_saving,
                    "targets": {r.id: {"value": r.current, "met": r.met, "gap": r.gap} for r in s.targets},
                }
                for s in self.steps
            ],
            "annual_cost_before": self.annual_cost_before,
            "annual_cost_after": self.annual_cost_after,
            "annual_saving": self.annual_saving,
            "met": self.met,
            "final": [r.to_dict(lang) for r in self.final],
        }


def default_targets(targets: tuple[Target, ...]) -> tuple[Target, ...]:
    """The targets a plan aims at when none is named: relative cuts of counts and costs."""
    return tuple(t for t in targets if t.cuts_amount)


def select_targets(targets: tuple[Target, ...], ids: tuple[str, ...] | list[str]) -> tuple[Target, ...]:
    """The targets named by `ids` (all the default ones when empty); ValueError naming unknown ids."""
    if not ids:
        return default_targets(targets)
    known = {t.id: t for t in targets}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValueError(f"unknown target {', '.join(unknown)}; known: {', '.join(known)}")
    return tuple(known[i] for i in dict.fromkeys(ids))


def make_plan(catalog: Catalog, settings: Settings, target_ids: tuple[str, ...] | list[str] = (),
              max_measures: int | None = None) -> Plan:
    """Measures chosen greedily by annual saving until the targets named (or the default ones) are met.

    `max_measures` stops the plan early: every round may weigh thousands of
    candidates against the targets, so a national catalogue's whole plan
    takes minutes.
    """
    costs = catalog_costs(catalog, settings.cost_model)
    findings = find(catalog, settings.rules, settings.cost_model, costs)
    return _plan(catalog, settings, costs, findings, target_ids, max_measures)


def analysis_plan(analysis: Analysis, target_ids: tuple[str, ...] | list[str] = (),
                  max_measures: int | None = None) -> Plan:
    """`make_plan` of the catalogue and settings analysed, started from the analysis's costs and findings.

    They are what `make_plan` works out first, the rules run over the whole
    catalogue: a report that has analysed it need not do that again.
    """
    return _plan(analysis.catalog, analysis.settings, analysis.costs, analysis.findings, target_ids, max_measures)


def _plan(catalog: Catalog, settings: Settings, costs: dict[str, ProcedureCost], findings: Iterable[Finding],
          target_ids: tuple[str, ...] | list[str], max_measures: int | None) -> Plan:
    """The plan of `make_plan`, from the catalogue's costs and every finding of the rules on it."""
    targets = select_targets(settings.targets, target_ids)
    # nothing a plan weighs or writes reads elapsed days, and working them out is much of pricing a measure
    state = CostedProcedures(catalog, settings.cost_model, costs, days=False)
    metrics = state.metrics()
    baselines = fixed_baselines(catalog.info, settings.baseline_metrics, metrics)
    results = tuple(evaluate_targets(targets, catalog.info, baselines, metrics, metrics))
    first, before = metrics, state.annual_cost()
    suggestions = _Suggestions(state, settings, findings)
    chooser = _Chooser(state)
    chooser.offer(suggestions.by_procedure, set(suggestions.by_procedure))
    steps: list[PlanStep] = []
    cumulative = 0.0
    while not all(r.met for r in results) and (max_measures is None or len(steps) < max_measures):
        pick = chooser.choose(metrics, [r for r in results if not r.met])
        if pick is None:
            break
        rule, _ = suggestions.by_procedure[pick.procedure][pick]
        before_pick = chooser.take(pick)
        saving = state.apply(pick)
        stale = chooser.forget(before_pick)  # candidates to score again
        found = suggestions.refresh(before_pick)  # candidates that may have come or gone
        chooser.offer({code: suggestions.by_procedure.get(code, {}) for code in stale | found}, found)
        cumulative += saving
        metrics = state.metrics()
        results = tuple(evaluate_targets(targets, catalog.info, baselines, metrics, metrics))
        steps.append(PlanStep(pick, rule, saving, cumulative, results))
    # The targets as they are, projected after the whole plan (not after every suggested measure, as audit's are).
    start = tuple(evaluate_targets(targets, catalog.info, baselines, first, metrics))
    return Plan(catalog, targets, start, tuple(steps), before, state.annual_cost(), state.catalog())


class _Suggestions:
    """The measures the rules suggest for the plan's catalogue, by procedure, found again only where a measure reached.

    A rule reads one procedure, its costs, and what the catalogue's links say
    about it (its consumers and their kinds, its suppliers, the issuers of
    what it asks for: `rules.paths.Env`). After a measure, the findings that
    can differ are those of the procedures it changed and of the neighbours
    whose links it changed; only those are found again. A rule's measure is
    on the procedure it found something in, so each measure is suggested
    under its own procedure's code.
    """

    def __init__(self, state: CostedProcedures, settings: Settings, findings: Iterable[Finding]):
        """`findings`: every finding of the rules on the state's catalogue as it is."""
        self.state, self.settings = state, settings
        self.links = links(state.catalog())
        # code -> measure -> (the rule that first suggested it, its saving as the rules priced it then)
        self.by_procedure: dict[str, dict[Measure, tuple[str, float]]] = {code: {} for code in state.procedures}
        self._note(findings)

    def refresh(self, before: dict[str, Procedure | None]) -> set[str]:
        """Find again after a measure replaced the procedures `before` holds (as they were) in the state.

        The codes whose suggestions this replaced: those found again, and those the measure dropped.
        """
        catalog = self.state.catalog()
        now = self.state.procedures
        after = relinked(self.links, {code: now[code] for code in before})
        then = ChainMap(before, now)  # the procedures as they were
        affected = {code for code in before if now.get(code) is not None}
        for code in before:
            self.by_procedure.pop(code, None)
            for near in {*_near(self.links, code), *_near(after, code)} - before.keys():
                if _sees_change(self.links, after, then, now, before, near):
                    affected.add(near)
        self.links = after
        # the affected procedures with their neighbours have the same links as in the whole catalogue
        region = affected.union(*(_near(after, code) for code in affected))
        self._keep(catalog.with_procedures(tuple(p for p in catalog.procedures if p.code in region)), affected)
        return affected | before.keys()

    def _keep(self, catalog: Catalog, codes: set[str]) -> None:
        for code in codes:
            self.by_procedure[code] = {}
        self._note(find(catalog, self.settings.rules, self.settings.cost_model, self.state.costs, codes, self.links))

    def _note(self, findings: Iterable[Finding]) -> None:
        """Note the measures `findings` suggest, in their order, under their procedures (each already noted)."""
        for f in findings:
            if not f.waived and f.measure is not None:
                self.by_procedure[f.procedure].setdefault(f.measure, (f.rule, f.annual_saving))


def _near(net: Links, code: str) -> tuple[str, ...]:
    """The procedure's neighbours in the document network (none once it is dropped)."""
    return (*net.consumers.get(code, ()), *net.suppliers.get(code, ()))


def _sees_change(old: Links, new: Links, then: Mapping[str, Procedure | None], now: dict[str, Procedure | None],
                 changed: Collection[str], code: str) -> bool:
    """Whether what the links tell a rule about procedure `code`, which did not change itself, differs once the
    procedures `changed` did: its consumers and their kinds, its suppliers, its life event's suppliers, the
    issuers of what it asks for (`rules.paths.Env`), from the links and procedures `old` and `then` to `new`
    and `now`. Only a changed procedure can have another kind: a consumer's is not read unless it is one."""
    consumers = old.consumers.get(code, ())
    return (consumers != new.consumers.get(code, ())
            or any(c in consumers and then[c].kind != now[c].kind for c in changed)
            or old.suppliers.get(code, ()) != new.suppliers.get(code, ())
            or old.life_event_suppliers.get(code, ()) != new.life_event_suppliers.get(code, ())
            or any(old.issued_by.get(d.evidence, ()) != new.issued_by.get(d.evidence, ())
                   for d in now[code].documents))


@dataclass(frozen=True, slots=True)
class _Effect:
    """What a measure (or a group of them) changes, as far as it can be told from the procedures it touches.

    Counts and costs add up over procedures, so their change is exact here.
    Shares are told apart only when a target asks (`_Chooser._shares`).
    """

    before: dict[str, Procedure | None]
    change: Change
    delta: dict[str, float]


class _Chooser:
    """Picks the next measure of the plan; remembers what measures change until a measure changes their procedures.

    The candidates stay ranked from round to round (`_Ranking`): after a
    measure only those whose procedures it changed, or whose procedures' rules
    were run again, are scored again. A candidate is ranked by the saving the
    rules priced it at when that is current, and what it changes (the same
    saving, worked out again) and does to the metrics are worked out when a
    round first asks whether it moves a target: most candidates never are.
    """

    def __init__(self, state: CostedProcedures):
        self.state = state
        self.changes: dict[tuple[Measure, ...], Change] = {}
        self.effects: dict[tuple[Measure, ...], _Effect] = {}
        self.shares: dict[tuple[Measure, ...], frozenset[str]] = {}
        self.touching: dict[str, set[tuple[Measure, ...]]] = {}  # procedure code -> known changes reading it
        self.ranking = _Ranking()
        self.taken: set[Measure] = set()  # a measure whose finding outlives it is not taken twice

    def change(self, measures: tuple[Measure, ...]) -> Change:
        """What `measures` applied together change (one measure: a tuple of one)."""
        found = self.changes.get(measures)
        if found is None:
            found = self.changes[measures] = self.state.preview(measures)
            for code in found.procedures:
                self.touching.setdefault(code, set()).add(measures)
        return found

    def effect(self, measures: tuple[Measure, ...]) -> _Effect:
        """The effect of `measures` applied together, known as long as their change is."""
        found = self.effects.get(measures)
        if found is None:
            found = self.effects[measures] = self._effect(self.change(measures))
        return found

    def offer(self, suggested: dict[str, dict[Measure, tuple[str, float]]], priced: set[str]) -> None:
        """Rank the measures suggested for each procedure named, in place of those ranked for it so far.

        `priced`: the procedures whose measures' savings, as the rules priced
        them, are current (their rules ran on the procedures as they are); the
        others' are worked out. Either way a
        measure is known to read the other procedures it may change, so that
        a measure changing one makes it scored again (`forget`); its own
        procedure, changed, has its rules run again (`_Suggestions.refresh`).
        """
        scored: dict[str, list[tuple[float, Measure]]] = {}
        for code, measures in suggested.items():
            pairs = scored[code] = []
            current = code in priced
            for m, (_, saving) in measures.items():
                if self.taken and m in self.taken:
                    continue
                if not current:
                    saving = self.change((m,)).annual_saving
                for read in others_changed(m):
                    self.touching.setdefault(read, set()).add((m,))
                pairs.append((saving, m))
        self.ranking.replace(scored)

    def take(self, m: Measure) -> dict[str, Procedure | None]:
        """Note `m` as taken; the procedures it changes, as they are before it applies."""
        self.taken.add(m)
        return self.effect((m,)).before

    def forget(self, codes) -> set[str]:
        """Drop what is known of the procedures `codes`, which a measure just changed.

        The procedures whose candidates must be scored again: a merge is
        suggested for the procedure it drops, and it reads the one it keeps.
        """
        stale: set[str] = set()
        for code in codes:
            for key in self.touching.pop(code, ()):
                self.changes.pop(key, None)
                self.effects.pop(key, None)
                self.shares.pop(key, None)
                if len(key) == 1:
                    stale.add(key[0].procedure)
        return stale

    def choose(self, metrics: dict, unmet: list[TargetResult]) -> Measure | None:
        """The measure with the largest saving among those that move an unmet target (see the module docstring)."""
        def moves(measures: tuple[Measure, ...]) -> bool:
            effect = self.effect(measures)
            return any(self._moves(measures, effect, r, metrics) for r in unmet)

        # A candidate cannot move a target on a count or a cost its change moves the wrong way (or not at all),
        # nor one on a share its change cannot move (`_shares`), in this round or a later: both are kept with
        # its ranking entry, and most of the ranking is passed over on them.
        amounts = {(r.metric, r.target.reduce_by is not None) for r in unmet if r.metric in AMOUNT_METRICS}
        shares = {r.metric for r in unmet if r.metric not in AMOUNT_METRICS}
        for negated, _, _, m, known in self.ranking.entries:
            signs = known[0]
            if signs is None:
                signs = known[0] = self._signs(m, -negated)
            if signs.isdisjoint(amounts):
                if not shares:
                    continue
                moved = known[1]
                if moved is None:
                    moved = known[1] = self._shares((m,), self.effect((m,)))
                if moved.isdisjoint(shares):
                    continue
            if moves((m,)):
                return m
        ranked = list(self.ranking.measures())
        groups: dict[str, tuple[Measure, ...]] = {}
        for m in ranked:
            if m.action not in _WHOLE:
                groups[m.procedure] = groups.get(m.procedure, ()) + (m,)
        working = {code for code, group in groups.items() if len(group) > 1 and moves(group)}
        members = [m for m in ranked if m.procedure in working and m.action not in _WHOLE]
        # a member the others can do without is not what makes its group work; take one that is, if any
        needed = (m for m in members if not moves(tuple(x for x in groups[m.procedure] if x != m)))
        return next(needed, members[0] if members else None)

    def _effect(self, change: Change) -> _Effect:
        before = {code: self.state.procedures.get(code) for code in change.procedures}
        old = [p for p in before.values() if p is not None]
        new = [p for p in change.procedures.values() if p is not None]
        m_old = metrics_of([self.state.row(p.code) for p in old])
        m_new = metrics_of([metric_row(q, change.costs[q.code]) for q in new])
        delta = {k: m_new[k] - m_old[k] for k in AMOUNT_METRICS}
        return _Effect(before, change, delta)

    def _signs(self, m: Measure, saving: float) -> frozenset[tuple[str, bool]]:
        """(count or cost, whether it falls) for each that measure `m`, of annual saving `saving`, changes.

        Adding a change that is not negative never makes a float smaller, so
        a candidate moves a target of cutting one only if it makes it fall. A
        measure on a procedure's parts moves no count, and its procedure's
        cost, alone in its kind's sum, falls by the saving: the sign is the
        saving's, told without working out what the measure changes.
        """
        if m.action in _PARTS:
            kind = "internal" if self.state.procedures[m.procedure].kind == "internal" else "external"
            return frozenset() if saving == 0 else frozenset(
                (("annual_cost", saving > 0), (f"{kind}_annual_cost", saving > 0)))
        return frozenset((k, d < 0) for k, d in self.effect((m,)).delta.items() if d != 0)

    def _shares(self, measures: tuple[Measure, ...], effect: _Effect) -> frozenset[str]:
        """The shares the effect of `measures` may move, known as long as their change is.

        Every share of analysis.md section 2 is a sum over procedures divided
        by another, so a share can move only if a touched procedure's own share
        (the metric of a catalogue of that procedure alone) or its volume
        changed, or the procedure was dropped.
        """
        found = self.shares.get(measures)
        if found is None:
            old = [p for p in effect.before.values() if p is not None]
            new = [p for p in effect.change.procedures.values() if p is not None]
            costs = effect.change.costs
            if len(new) < len(old) or any(self.state.costs[p.code].volume != costs[p.code].volume for p in new):
                found = frozenset(_SHARES)
            else:
                alone = [(metrics_of([self.state.row(p.code)]), metrics_of([metric_row(q, costs[q.code])]))
                         for p, q in zip(old, new)]
                found = frozenset(k for k in _SHARES if any(a[k] != b[k] for a, b in alone))
            self.shares[measures] = found
        return found

    def _moves(self, measures: tuple[Measure, ...], effect: _Effect, r: TargetResult, metrics: dict) -> bool:
        """Whether the effect of `measures` brings the target's metric closer to its goal."""
        old = metrics[r.metric]
        if r.metric in AMOUNT_METRICS:
            new = old + effect.delta[r.metric]
        elif r.metric not in self._shares(measures, effect):
            return False
        else:
            new = self.state.metrics(effect.change)[r.metric]  # the whole catalogue counted again
        if old is None or new is None:
            return old is None and new is not None and r.target.at_least is not None
        return new < old if r.target.reduce_by is not None else new > old


class _Ranking:
    """The candidates in the order a round reads them: the largest annual saving first, equals in the findings' order.

    The findings' order is by procedure code, then as the rules found the
    measures (`_Suggestions.by_procedure`). Entries (-saving, code, index,
    measure, known) are kept sorted, so replacing one procedure's candidates
    leaves every other entry in place. `known` holds what a round found out
    about the candidate (`_Chooser.choose`): it lasts as long as the entry,
    which is made again when its procedure's candidates are scored again.
    """

    def __init__(self):
        self.entries: list[tuple[float, str, int, Measure, list]] = []
        self.by_code: dict[str, list[tuple[float, str, int, Measure, list]]] = {}

    def measures(self) -> Iterator[Measure]:
        return (entry[3] for entry in self.entries)

    def replace(self, scored: dict[str, list[tuple[float, Measure]]]) -> None:
        """Rank each procedure's (saving, measure) pairs, given in the findings' order, in place of its old ones."""
        for code in scored:
            for entry in self.by_code.pop(code, ()):
                del self.entries[bisect_left(self.entries, entry)]
        for code, pairs in scored.items():
            if pairs:
                self.by_code[code] = [(-saving, code, i, m, [None, None]) for i, (saving, m) in enumerate(pairs)]
                self.entries += self.by_code[code]
        # the entries kept are one sorted run: sorting merges the new ones into it
        self.entries.sort()
