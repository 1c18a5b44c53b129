"""Run rules over a catalogue: findings with their measures and savings, and the projected catalogue.

Each rule is evaluated on every object of its target (procedure, step,
document, fee). A finding's saving is the catalogue's annual cost before
minus after its one measure; since a measure touches one procedure (two for
a merge), only those are re-costed, which keeps a national catalogue of
20,000 procedures with ten findings each to seconds. The projected catalogue
applies every suggested measure at once, one per object.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from ..cost import (CostModel, ProcedureCost, Terms, annual_cost_with, cost_terms, document_rows, document_terms_of,
                    procedure_cost)
from ..diagnostics import InputError, diag
from ..measures import (OCCURRENCE, Measure, check_measure, chosen_documents, measure_changes, measure_edit, occurrence,
                        resolves_defaults)
from ..metrics import metric_row, metrics_of
from ..model import Catalog, Location, Procedure, Step, evolve, maker, resolve_procedure
from ..network import Links, links
from ..parallel import split_map
from .finding import Finding, Part
from .loader import load_rules
from .model import Rule
from .paths import TARGETS, Context, Env

__all__ = ["load_rules", "select_rules", "find", "examine", "projected_catalog", "projected_metrics", "combine_measures"]


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
    if not tokens:  # an empty CI variable (`--select "$RULES"`) must not silently turn the gate off
        return None
    if "ALL" in tokens:
        return ("",)
    unknown = [t for t in tokens if not any(r.code.startswith(t) for r in rules)]
    if unknown:
        raise InputError([diag("E201", Location(option),
                               f"{option} names no rule: {', '.join(unknown)} (see `simplify rules`)",
                               f"{option} không khớp quy tắc nào: {', '.join(unknown)} (xem `simplify rules`)")])
    return tokens


def find(catalog: Catalog, rules: Iterable[Rule], cost_model: CostModel,
         costs: dict[str, ProcedureCost], only: set[str] | None = None, net: Links | None = None) -> list[Finding]:
    """Every finding of `rules` on `catalog`, waived ones included, by procedure, rule and location.

    `only` limits them to the procedures it names; their links still come from the whole catalogue, or are
    `net` when given (links that are the catalogue's as far as those procedures and their neighbours go).
    """
    _, parts = examine(catalog, rules, cost_model, costs, only, projected=False, net=net)
    return [f for code in sorted(parts) for f in parts[code].findings()]


def examine(catalog: Catalog, rules: Iterable[Rule], cost_model: CostModel, costs: Mapping[str, ProcedureCost],
            only: set[str] | None = None, *, projected: bool = True, pickled: bool = False,
            json: tuple[str, bool] | None = None, net: Links | None = None) -> tuple[dict[str, ProcedureCost],
                                                                                    dict[str, Part]]:
    """The cost and the findings (as a `Part`) of each procedure `only` names (all when None), by code.

    `costs` are those already known (from the analysis cache, say): any other
    procedure's cost is worked out with its findings, where they are found.
    Everything made of one procedure's findings is made there too, on every
    core (simplify.parallel), so that this process needs none of the findings
    a forked child found:
    - with `projected`, the procedure's metric row as it is and after its own
      measures (`Part.before`, `Part.after`) and the merges and abolitions it
      suggests (`Part.reaching`), for the metrics and `projected_metrics`;
    - with `pickled`, the findings pickled as the analysis cache writes them
      (a child's always are: that is how they come back);
    - with `json` (a language and --show-waived), the reported findings as
      the audit's JSON (`Part.json`).
    """
    by_target = {t: [r for r in rules if r.target == t] for t in TARGETS}
    costs = _Costs(costs, catalog, cost_model)
    env = Env(links(catalog) if net is None else net, costs, {p.code: p.kind for p in catalog.procedures})
    pricer = _Pricer(costs, cost_model)
    evidence = catalog.evidence_index()
    databases = catalog.database_index()
    chosen = [p for p in catalog.procedures if only is None or p.code in only]

    def examine_share(share: list[Procedure]) -> list[tuple[Part, bytes | None, ProcedureCost]]:
        parts = []
        for p in share:
            cost = costs[p.code]
            found: list[Finding] = []
            for target, target_rules in by_target.items():
                if not target_rules:
                    continue
                for ctx in _contexts(env, p, target, evidence, databases):
                    found += (_finding(rule, ctx, pricer) for rule in target_rules if rule.when(ctx))
            found.sort(key=_order)
            part = Part.of(p.code, tuple(found))
            if projected:
                part.before = metric_row(p, cost)
                part.after, part.reaching = _own_effect(p, found, cost_model)
            if pickled:
                part.blob()
            parts.append((part, part.json(*json) if json is not None else None, cost))
        return parts

    worked_out, examined = {}, {}
    # Each part's JSON comes back beside it: the analysis cache, which pickles parts, has no use for it.
    # A child then writes its parts to a file (70 MB at 20k): this process takes a little more meanwhile.
    for part, text, cost in split_map(examine_share, chosen, 500, first_share=1.03):
        if text is not None:
            part.prepared(*json, text)
        examined[part.procedure] = part
        worked_out[part.procedure] = cost
    return worked_out, examined


class _Costs(dict):
    """The costs known, and any other procedure's worked out when first read: a forked child works out
    those of its own share (and of the few procedures a merge reaches), not the whole catalogue's."""

    def __init__(self, known: Mapping[str, ProcedureCost], catalog: Catalog, cost_model: CostModel):
        super().__init__(known)
        self.procedures = {p.code: p for p in catalog.procedures}
        self.cost_model = cost_model

    def __missing__(self, code: str) -> ProcedureCost:
        cost = self[code] = procedure_cost(self.procedures[code], self.cost_model)
        return cost


def _order(f: Finding) -> tuple:
    return f.rule, f.location.sort_key()


def _own_effect(p: Procedure, found: list[Finding], cm: CostModel) -> tuple[tuple | None, tuple[Measure, ...]]:
    """The metric row of `p` after the sets and removals its findings suggest (None when they change nothing),
    and the merges and abolitions they suggest."""
    measures = _own_measures(found)
    if not measures:
        return None, ()
    q = own_projection(p, measures)
    row = None if q is p else metric_row(q, procedure_cost(q, cm, days=False))
    return row, tuple(m for m in measures if m.action in _REACHING)


def _own_measures(findings: Iterable[Finding]) -> list[Measure]:
    """The measures the unwaived findings of a procedure suggest, in their order."""
    return [f.measure for f in findings if not f.waived and f.measure is not None]


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
        asked: dict[str, int] = {}
        for d in p.documents:
            asked[d.evidence] = asked.get(d.evidence, 0) + 1
        seen: dict[str, int] = {}
        for d in p.documents:
            e = evidence.get(d.evidence)
            db = databases.get(e.held_in) if e is not None and e.held_in else None
            nth = seen[d.evidence] = seen.get(d.evidence, 0) + 1
            # env, procedure, step, document, evidence, database, fee, duplicate, self_issued, occurrence
            yield _context(env, p, steps.get(d.step), d, e, db, None, nth > 1, d.evidence in issued,
                           nth if asked[d.evidence] > 1 else None)


# Contexts and findings are made by the hundred thousand: with their fields in order, through `model.maker`, which
# sets the slots directly, at 0.5 us each instead of the frozen __init__'s 1.3 to 1.7 us.
_context = maker(Context)
_finding_of = maker(Finding)


def _finding(rule: Rule, ctx: Context, pricer: _Pricer) -> Finding:
    p = ctx.procedure
    step = ctx.step.id if rule.target == "step" else None
    evidence = ctx.document.evidence if rule.target == "document" else None
    fee = ctx.fee.name if rule.target == "fee" else None
    measure = _suggested(rule, ctx)
    vi, en = rule.templates
    # Finding's fields in order: rule, name, severity, procedure, step, evidence, fee, message_vi, message_en,
    # annual_saving, waived, location (of the procedure, step, document or fee the rule is on), measure
    return _finding_of(
        rule.code, rule.name, rule.severity, p.code, step, evidence, fee, vi.render(ctx, "vi"), en.render(ctx, "en"),
        pricer.saving(measure), bool(p.waivers) and _waived(p, rule.code, evidence, ctx.step),
        getattr(ctx, rule.target).location, measure,
    )


def _waived(p: Procedure, rule: str, evidence: str | None, step: Step | None) -> bool:
    """Whether a waiver of `p` keeps this finding: one for its rule, and where it names them, for its document
    and its step (a step rule's step, or the step a document is handed in at)."""
    at = step.id if step is not None else None
    return any(w.rule == rule and w.evidence in (None, evidence) and w.step in (None, at) for w in p.waivers)


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

    def __init__(self, costs: _Costs, cost_model: CostModel):
        self.procedures = costs.procedures
        self.costs = costs
        self.cost_model = cost_model
        self.known: dict[Measure, float] = {}
        # The terms of the procedure last priced, each of its documents' row by the document's id (the
        # documents are alive as long as the procedure) and the rows in order: its findings come together.
        self.last: tuple[str, Terms, dict[int, tuple], list[tuple]] | None = None

    def saving(self, m: Measure | None) -> float:
        if m is None:
            return 0.0
        saving = self.known.get(m)
        if saving is None:
            saving = self.known[m] = self._price(m)
        return saving

    def _price(self, m: Measure) -> float:
        p = self.procedures[m.procedure]
        if m.action in _PART_EDITS and not resolves_defaults(m):
            # Only steps, documents or fees change: cost them in place of the procedure's own.
            if self.last is None or self.last[0] != p.code:
                rows = document_rows(p.documents, self.cost_model)
                self.last = (p.code, cost_terms(p, self.cost_model), {id(d): row for d, row in zip(p.documents, rows)},
                             rows)
            _, terms, row_of, all_rows = self.last
            if m.action == "remove_document":  # most measures: the rows of the documents it keeps, as they are
                rows = [row for row, hit in zip(all_rows, chosen_documents(p, m)) if not hit]
            else:
                edit = measure_edit(p, m)
                documents = edit.get("documents")
                if documents is None:  # steps or fees
                    return self.costs[p.code].annual_cost - annual_cost_with(p, self.cost_model, terms, **edit)
                # the rows of the documents kept as they were, and of those made
                rows = [row_of.get(id(d)) or document_rows((d,), self.cost_model)[0] for d in documents]
            after = annual_cost_with(p, self.cost_model, (terms[0], document_terms_of(rows), terms[2]))
            return self.costs[p.code].annual_cost - after
        changed = measure_changes(self.procedures, m)
        before = sum(self.costs[code].annual_cost for code in changed)
        after = sum(procedure_cost(q, self.cost_model, days=False).annual_cost
                    for q in changed.values() if q is not None)
        return before - after


# Object-level measures whose edit replaces only steps, documents or fees (see measures.measure_edit).
_PART_EDITS = frozenset(("remove_document", "set_document", "set_step", "remove_fee", "set_fee"))


def projected_catalog(catalog: Catalog, findings: Iterable[Finding]) -> Catalog:
    """`catalog` after every measure the findings suggest (see `combine_measures`); itself when there is none."""
    measures = [f.measure for f in findings if f.measure is not None]
    if not measures:
        return catalog
    procedures: dict[str, Procedure | None] = {p.code: p for p in catalog.procedures}
    own: dict[str, list[Measure]] = {}
    for m in measures:
        own.setdefault(m.procedure, []).append(m)
    for code, group in own.items():
        p = procedures.get(code)
        if p is not None:
            procedures[code] = own_projection(p, group)
    apply_reaching(procedures, measures)
    return catalog.with_procedures(tuple(p for p in procedures.values() if p is not None))


# Measures that reach beyond their procedure: applied to the catalogue once every procedure had its own.
_REACHING = ("merge", "abolish")


def own_projection(p: Procedure, measures: Iterable[Measure]) -> Procedure:
    """`p` after the sets and removals among `measures` (all about `p`), combined as `combine_measures` says.

    They change `p` alone, so each procedure's can be applied apart, and
    before any merge or abolition (which `combine_measures` puts last).
    """
    draft = _Draft(p)
    drafts = {p.code: draft}
    for m in combine_measures(measures):
        if m.action not in _REACHING and check_measure(drafts, m) is None:
            draft.edit(m)
    return draft.done()


class _Draft:
    """A procedure under its own measures: each measure's edit (`measure_edit`) is kept, and the procedure is
    made once at the end, not once per measure (a national catalogue's findings suggest 500,000 of them).

    It reads as the procedure with the edits made, which is all that
    checking and editing a measure read of it.
    """

    __slots__ = ("base", "edits")

    def __init__(self, p: Procedure):
        self.base, self.edits = p, {}

    def __getattr__(self, name: str):
        edits = object.__getattribute__(self, "edits")
        return edits[name] if name in edits else getattr(object.__getattribute__(self, "base"), name)

    def edit(self, m: Measure) -> None:
        self.edits.update(measure_edit(self, m))
        if resolves_defaults(m):  # the dependent defaults are worked out on the procedure as it now is
            self.base = resolve_procedure(self.done(), {})
            self.edits = {}

    def done(self) -> Procedure:
        return evolve(self.base, **self.edits) if self.edits else self.base


def apply_reaching(procedures: dict[str, Procedure | None], measures: Iterable[Measure]) -> None:
    """Apply the merges and abolitions among `measures` (in the findings' order) to `procedures`, in place,
    after each procedure had its own measures (`own_projection`)."""
    for m in combine_measures(m for m in measures if m.action in _REACHING):
        # A merge into a procedure an earlier merge already dropped no longer applies.
        if check_measure(procedures, m) is None:
            procedures.update(measure_changes(procedures, m))


def projected_metrics(catalog: Catalog, rows: list[tuple], parts: dict[str, Part], cm: CostModel) -> dict:
    """The metrics after every measure the findings suggest: `compute_metrics(projected_catalog(...))`, from
    the parts of `examine` and the catalogue's metric rows, reading findings only of the few procedures a
    merge or abolition touches."""
    reaching = [m for code in sorted(parts) for m in parts[code].reaching]
    by_code = {p.code: p for p in catalog.procedures}
    touched: dict[str, Procedure | None] = {}
    for code in {c for m in reaching for c in (m.procedure, m.into) if c is not None}:
        p = by_code.get(code)
        if p is not None:
            part = parts.get(code)
            own = _own_measures(part.findings()) if part else []
            touched[code] = own_projection(p, own)
    apply_reaching(touched, reaching)
    projected = []
    for p, row in zip(catalog.procedures, rows):
        if p.code in touched:
            q = touched[p.code]
            if q is not None:
                projected.append(row if q is p else metric_row(q, procedure_cost(q, cm, days=False)))
        else:
            part = parts.get(p.code)
            projected.append(row if part is None or part.after is None else part.after)
    return metrics_of(projected)


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
        objects.setdefault((m.procedure, kind, m.evidence, m.step, m.fee, occurrence(m)), []).append(m)
    removed = {key[:5] for key, group in objects.items() if key[5] is None and any(_removes(m) for m in group)}
    edits = [one for key, group in objects.items() if key[5] is None or key[:5] not in removed
             for one in _one_per_object(group)]
    sets = [m for m in edits if not _removes(m)]
    removals = sorted((m for m in edits if _removes(m)), key=lambda m: -(occurrence(m) or 0))
    return sets + removals + _merge_order(list(merges.values())) + list(abolished.values())


def _removes(m: Measure) -> bool:
    return m.action.startswith("remove_")


def _one_per_object(group: list[Measure]) -> list[Measure]:
    if len(group) == 1 and len(group[0].values) < 2:  # most objects: nothing to merge
        return group
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
