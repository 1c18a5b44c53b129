"""Run rules over a catalogue: findings with their measures and savings, and the projected catalogue.

Each rule is evaluated on every object of its target (procedure, step,
document, fee). A finding's saving is the catalogue's annual cost before
minus after its one measure; since a measure touches one procedure (two for
a merge), only those are re-costed, which keeps a national catalogue of
20,000 procedures with ten findings each to seconds. The projected catalogue
applies every suggested measure at once, one per object.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from ..cost import CostModel, ProcedureCost, Terms, annual_cost_with, cost_terms, procedure_cost
from ..diagnostics import InputError, diag
from ..measures import OCCURRENCE, Measure, check_measure, measure_changes, measure_edit, resolves_defaults
from ..model import Catalog, Location, Procedure, evolve
from ..network import links
from ..parallel import split_map
from .finding import Finding
from .loader import load_rules
from .model import Rule
from .paths import TARGETS, Context, Env

__all__ = ["load_rules", "select_rules", "find", "projected_catalog", "combine_measures"]


def select_rules(rules: Iterable[Rule], select: str | None, ignore: str | None) -> tuple[Rule, ...]:
    """The rules whose code starts with one of `select` (all when None) and with none of `ignore`, like ruff."""
    rules = tuple(rules)
    chosen = _selectors(select, "--select", rules)
    dropped = _selectors(ignore, "--ignore", rules)
    return tuple(
        r for r in rules
        if (chosen is None or any(r.code.startswith(s) for s in chosen))
        and not any(r.code.startswith(s) for s in dropped or ())
    )


def _selectors(text: str | None, option: str, rules: tuple[Rule, ...]) -> tuple[str, ...] | None:
    if text is None:
        return None
    tokens = tuple(t.strip().upper() for t in text.split(",") if t.strip())
    if "ALL" in tokens:
        return ("",)
    unknown = [t for t in tokens if not any(r.code.startswith(t) for r in rules)]
    if unknown:
        raise InputError([diag("E201", Location(option),
                               f"{option} names no rule: {', '.join(unknown)} (see `simplify rules`)",
                               f"{option} không khớp quy tắc nào: {', '.join(unknown)} (xem `simplify rules`)")])
    return tokens


def find(catalog: Catalog, rules: Iterable[Rule], cost_model: CostModel,
         costs: dict[str, ProcedureCost], only: set[str] | None = None) -> list[Finding]:
    """Every finding of `rules` on `catalog`, waived ones included, by procedure, rule and location.

    `only` limits them to the procedures it names; their links still come from the whole catalogue.
    """
    by_target = {t: [r for r in rules if r.target == t] for t in TARGETS}
    env = Env(links(catalog), costs, {p.code: p.kind for p in catalog.procedures})
    pricer = _Pricer(catalog, costs, cost_model)
    evidence = catalog.evidence_index()
    databases = catalog.database_index()
    chosen = [p for p in catalog.procedures if only is None or p.code in only]

    def find_in(share: list[Procedure]) -> list[Finding]:
        found: list[Finding] = []
        for p in share:
            for target, target_rules in by_target.items():
                if not target_rules:
                    continue
                for ctx in _contexts(env, p, target, evidence, databases):
                    found += (_finding(rule, ctx, pricer) for rule in target_rules if rule.when(ctx))
        return found

    # A child's findings come back pickled, a twentieth of what finding them costs.
    found = split_map(find_in, chosen, 500, first_share=1.05)
    found.sort(key=lambda f: (f.procedure, f.rule, f.location.sort_key()))
    return found


def _contexts(env: Env, p: Procedure, target: str, evidence: dict, databases: dict) -> Iterator[Context]:
    """A context for each object of `target` in `p`."""
    if target == "procedure":
        yield Context(env, p)
    elif target == "step":
        for s in p.steps:
            yield Context(env, p, step=s)
    elif target == "fee":
        for f in p.fees:
            yield Context(env, p, fee=f)
    else:
        steps = {s.id: s for s in p.steps}
        issued = {o.evidence for o in p.outputs}
        asked = Counter(d.evidence for d in p.documents)
        seen: Counter[str] = Counter()
        for d in p.documents:
            e = evidence.get(d.evidence)
            db = databases.get(e.held_in) if e is not None and e.held_in else None
            seen[d.evidence] += 1
            yield Context(env, p, step=steps.get(d.step), document=d, evidence=e, database=db,
                          duplicate=seen[d.evidence] > 1, self_issued=d.evidence in issued,
                          occurrence=seen[d.evidence] if asked[d.evidence] > 1 else None)


def _finding(rule: Rule, ctx: Context, pricer: _Pricer) -> Finding:
    p = ctx.procedure
    step = ctx.step.id if rule.target == "step" else None
    evidence = ctx.document.evidence if rule.target == "document" else None
    fee = ctx.fee.name if rule.target == "fee" else None
    obj = {"procedure": p, "step": ctx.step, "document": ctx.document, "fee": ctx.fee}[rule.target]
    measure = _suggested(rule, ctx)
    vi, en = rule.templates
    return Finding(
        rule=rule.code, name=rule.name, severity=rule.severity, procedure=p.code,
        step=step, evidence=evidence, fee=fee,
        message_vi=vi.render(ctx, "vi"), message_en=en.render(ctx, "en"),
        annual_saving=pricer.saving(measure),
        waived=any(w.rule == rule.code and w.evidence in (None, evidence) and w.step in (None, step) for w in p.waivers),
        location=obj.location, measure=measure,
    )


def _suggested(rule: Rule, ctx: Context) -> Measure | None:
    """The rule's measure made concrete for the object it matched."""
    spec = rule.measure
    if spec is None:
        return None
    code = ctx.procedure.code
    if spec.action == "abolish":
        return Measure("abolish", code)
    if spec.action == "merge_into":
        consumers = ctx.env.links.consumers.get(code, ())
        return Measure("merge", code, into=consumers[0]) if len(consumers) == 1 else None
    action = f"{spec.action}_{rule.target}"
    if rule.target == "step":
        return Measure(action, code, step=ctx.step.id, values=spec.values)
    if rule.target == "fee":
        return Measure(action, code, fee=ctx.fee.name, values=spec.values)
    if rule.target == "procedure":
        return Measure(action, code, values=spec.values)
    # A procedure asking for the same evidence type twice: the measure names which document it is about.
    which = ((OCCURRENCE, ctx.occurrence),) if ctx.occurrence is not None else ()
    return Measure(action, code, evidence=ctx.document.evidence, values=which + spec.values)


class _Pricer:
    """Annual savings of single measures, re-costing only the procedures each one changes."""

    def __init__(self, catalog: Catalog, costs: dict[str, ProcedureCost], cost_model: CostModel):
        self.procedures = {p.code: p for p in catalog.procedures}
        self.costs = costs
        self.cost_model = cost_model
        self.known: dict[Measure, float] = {}
        self.terms: dict[str, Terms] = {}  # of the procedure last priced: its findings come together

    def saving(self, m: Measure | None) -> float:
        if m is None:
            return 0.0
        if m not in self.known:
            self.known[m] = self._price(m)
        return self.known[m]

    def _price(self, m: Measure) -> float:
        p = self.procedures[m.procedure]
        if m.action in _PART_EDITS and not resolves_defaults(m):
            # Only steps, documents or fees change: cost them in place of the procedure's own.
            terms = self.terms.get(p.code)
            if terms is None:
                self.terms.clear()
                terms = self.terms[p.code] = cost_terms(p, self.cost_model)
            return self.costs[p.code].annual_cost - annual_cost_with(p, self.cost_model, terms, **measure_edit(p, m))
        changed = measure_changes(self.procedures, m)
        before = sum(self.costs[code].annual_cost for code in changed)
        after = sum(procedure_cost(q, self.cost_model, days=False).annual_cost
                    for q in changed.values() if q is not None)
        return before - after


# Object-level measures whose edit replaces only steps, documents or fees (see measures.measure_edit).
_PART_EDITS = frozenset(("remove_document", "set_document", "set_step", "remove_fee", "set_fee"))


def projected_catalog(catalog: Catalog, findings: Iterable[Finding]) -> Catalog:
    """`catalog` after every measure the findings suggest (see `combine_measures`); itself when there is none."""
    measures = combine_measures(f.measure for f in findings if f.measure is not None)
    if not measures:
        return catalog
    procedures: dict[str, Procedure | None] = {p.code: p for p in catalog.procedures}
    for m in measures:
        # A merge into a procedure an earlier merge already dropped no longer applies.
        if check_measure(procedures, m) is None:
            procedures.update(measure_changes(procedures, m))
    return catalog.with_procedures(tuple(p for p in procedures.values() if p is not None))


def combine_measures(measures: Iterable[Measure]) -> list[Measure]:
    """One measure per object, in an order that applies cleanly.

    Removing an object wins over setting it (removing every document of an
    evidence type wins over anything done to one of them), and the sets on
    one object are merged, the first finding's value winning a conflict;
    nothing is done to a procedure that is abolished. Sets come first, then
    removals, the n-th document of a type before the one asked earlier
    (removing it shifts the count of those after); then merges (one that
    feeds another merge first), so a procedure merged into another hands
    over its documents already improved; then abolitions.
    """
    measures = list(measures)
    abolished = {m.procedure: m for m in measures if m.action == "abolish"}
    merges: dict[str, Measure] = {}
    objects: dict[tuple, list[Measure]] = {}
    for m in measures:
        if m.action == "abolish" or m.procedure in abolished:
            continue
        if m.action == "merge":
            merges.setdefault(m.procedure, m)
            continue
        kind = m.action.split("_", 1)[1]
        objects.setdefault((m.procedure, kind, m.evidence, m.step, m.fee, _nth(m)), []).append(m)
    removed = {key[:5] for key, group in objects.items() if key[5] is None and any(_removes(m) for m in group)}
    edits = [one for key, group in objects.items() if key[5] is None or key[:5] not in removed
             for one in _one_per_object(group)]
    sets = [m for m in edits if not _removes(m)]
    removals = sorted((m for m in edits if _removes(m)), key=lambda m: -(_nth(m) or 0))
    return sets + removals + _merge_order(list(merges.values())) + list(abolished.values())


def _nth(m: Measure) -> int | None:
    return dict(m.values).get(OCCURRENCE)


def _removes(m: Measure) -> bool:
    return m.action.startswith("remove_")


def _one_per_object(group: list[Measure]) -> list[Measure]:
    removes = [m for m in group if _removes(m)]
    if removes:
        return removes[:1]
    values: dict = {}
    for m in group:
        for key, value in m.values:
            values.setdefault(key, value)
    return [evolve(group[0], values=tuple(values.items()))]


def _merge_order(merges: list[Measure]) -> list[Measure]:
    """Merges ordered so that A into B comes before B into C (B must still exist to receive A)."""
    ordered: list[Measure] = []
    pending = merges
    while pending:
        targets = {m.into for m in pending}
        ready = [m for m in pending if m.procedure not in targets] or pending[:1]  # a cycle: break it anywhere
        ordered += ready
        pending = [m for m in pending if m not in ready]
    return ordered
