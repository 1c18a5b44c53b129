"""The document network of a catalogue: who issues each evidence type, who asks for it, where it is held.

Procedures, evidence types and databases are nodes; the edges are those of
catalogue.md section 5 (`procedure -> evidence` for an output, `evidence ->
procedure` for a required document, `evidence -> database` for `held_in`).
Both the networkx graph (for drawing and exports) and the maps the rules read
(`Links`) come from each procedure's `sides`, so they cannot disagree; the
maps are built with plain dicts because they are needed for every procedure
of a national catalogue, where networkx is ten times slower for bulk counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain

from .model import Catalog, Procedure

PROCEDURE, EVIDENCE, DATABASE = "procedure", "evidence", "database"

Node = tuple[str, str]  # (kind, id): evidence and database ids may coincide, so the kind is part of the node


def sides(p: Procedure) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The evidence types `p` issues and those it asks for, in list order: its edges in the network."""
    return tuple(o.evidence for o in p.outputs), tuple(d.evidence for d in p.documents)


def edges(catalog: Catalog) -> list[tuple[Node, Node]]:
    """Every edge of the document network, in catalogue order."""
    out: list[tuple[Node, Node]] = []
    for p in catalog.procedures:
        issues, asks = sides(p)
        out += [((PROCEDURE, p.code), (EVIDENCE, e)) for e in issues]
        out += [((EVIDENCE, e), (PROCEDURE, p.code)) for e in asks]
    for e in catalog.evidence_types:
        if e.held_in is not None:
            out.append(((EVIDENCE, e.id), (DATABASE, e.held_in)))
    return out


def node_id(node: Node) -> str:
    """The graph's name of a node, e.g. `evidence:cccd` (plain text, so every export format takes it)."""
    return f"{node[0]}:{node[1]}"


def document_network(catalog: Catalog):
    """The network as a networkx DiGraph; nodes carry `kind`, `id` and `label`."""
    import networkx as nx

    g = nx.DiGraph()
    for p in catalog.procedures:
        g.add_node(node_id((PROCEDURE, p.code)), kind=PROCEDURE, id=p.code, label=f"{p.code} {p.name}")
    for e in catalog.evidence_types:
        g.add_node(node_id((EVIDENCE, e.id)), kind=EVIDENCE, id=e.id, label=e.name)
    for db in catalog.databases:
        g.add_node(node_id((DATABASE, db.id)), kind=DATABASE, id=db.id, label=db.name)
    for a, b in edges(catalog):
        for node in (a, b):  # a reference the loader would have refused still gets a node, labelled by its id
            if node_id(node) not in g:
                g.add_node(node_id(node), kind=node[0], id=node[1], label=node[1])
        g.add_edge(node_id(a), node_id(b))
    return g


class Derived(Mapping):
    """A map from procedure code whose values are worked out on first use, then kept."""

    def __init__(self, codes: Mapping[str, object], compute: Callable[[str], tuple[str, ...]],
                 known: dict[str, tuple[str, ...]] | None = None):
        self._codes = codes
        self._compute = compute
        self._known: dict[str, tuple[str, ...]] = {} if known is None else known

    def __getitem__(self, code: str) -> tuple[str, ...]:
        found = self._known.get(code)
        if found is None:
            if code not in self._codes:
                raise KeyError(code)
            found = self._known[code] = self._compute(code)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def known_but(self, stale: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The values worked out so far, but those of the codes `stale`."""
        known = dict(self._known)
        for code in stale:
            known.pop(code, None)
        return known


@dataclass(frozen=True, slots=True)
class _Lists:
    """What the maps are worked out from: each procedure's sides and life event, each evidence type's issuers and askers.

    Never changed once made (`replaced` makes another), so the maps of a
    catalogue before a measure still read it as it was.
    """

    position: dict[str, int]                # code -> its place in the catalogue, which a measure keeps
    event: dict[str, str | None]            # code -> life_event, in catalogue order
    outputs: dict[str, tuple[str, ...]]     # code -> the evidence types it issues
    inputs: dict[str, tuple[str, ...]]      # code -> the evidence types it asks for
    issued: dict[str, tuple[str, ...]]      # evidence id -> the procedures that issue it, in catalogue order
    asked: dict[str, tuple[str, ...]]       # evidence id -> the procedures that ask for it, in catalogue order

    @classmethod
    def of(cls, procedures: tuple[Procedure, ...]) -> _Lists:
        issued: dict[str, dict[str, None]] = {}  # dicts as ordered sets
        asked: dict[str, dict[str, None]] = {}
        outputs: dict[str, tuple[str, ...]] = {}
        inputs: dict[str, tuple[str, ...]] = {}
        for p in procedures:
            outputs[p.code], inputs[p.code] = issues, asks = sides(p)
            for e in issues:
                issued.setdefault(e, {})[p.code] = None
            for e in asks:
                asked.setdefault(e, {})[p.code] = None
        return cls({p.code: i for i, p in enumerate(procedures)}, {p.code: p.life_event for p in procedures},
                   outputs, inputs, {e: tuple(codes) for e, codes in issued.items()},
                   {e: tuple(codes) for e, codes in asked.items()})

    def replaced(self, changed: Mapping[str, Procedure | None]) -> _Lists:
        """The lists with the procedures `changed` (by code; None: dropped) in place of those they had."""
        event, outputs, inputs = dict(self.event), dict(self.outputs), dict(self.inputs)
        for code, p in changed.items():
            if p is None:
                del event[code], outputs[code], inputs[code]
            else:
                event[code] = p.life_event
                outputs[code], inputs[code] = sides(p)
        return _Lists(self.position, event, outputs, inputs,
                      _regrouped(self.issued, _touched(changed, self.outputs, outputs), outputs, changed, self.position),
                      _regrouped(self.asked, _touched(changed, self.inputs, inputs), inputs, changed, self.position))


def _touched(codes: Iterable[str], *sides_by_code: dict[str, tuple[str, ...]]) -> set[str]:
    """The evidence types the procedures `codes` list on one side, in any of `sides_by_code`."""
    return {e for code in codes for side in sides_by_code for e in side.get(code, ())}


def _regrouped(groups: dict[str, tuple[str, ...]], evidence: set[str], side: dict[str, tuple[str, ...]],
               changed: Mapping[str, Procedure | None], position: dict[str, int]) -> dict[str, tuple[str, ...]]:
    """`groups` (evidence id -> the procedures listing it on one side) with those of `evidence` listed again
    from `side`, as the procedures `changed` list it now."""
    out = dict(groups)
    for e in evidence:
        codes = [code for code in groups.get(e, ()) if code not in changed]
        codes += [code for code in changed if e in side.get(code, ())]
        if codes:
            out[e] = tuple(sorted(codes, key=position.__getitem__))
        else:
            del out[e]
    return out


def _listing(evidence: Iterable[str], *groups: dict[str, tuple[str, ...]]) -> set[str]:
    """The procedures any of `groups` lists for any of `evidence`."""
    return {code for e in evidence for group in groups for code in group.get(e, ())}


@dataclass(frozen=True)
class Links:
    """The derived maps of the network; a procedure is never its own consumer or supplier."""

    issued_by: dict[str, tuple[str, ...]]                  # evidence id -> procedures that list it in outputs
    consumers: Mapping[str, tuple[str, ...]]               # code -> procedures asking for one of its outputs
    suppliers: Mapping[str, tuple[str, ...]]               # code -> procedures whose outputs it asks for
    life_event_suppliers: Mapping[str, tuple[str, ...]]    # code -> its suppliers in the same life_event
    lists: _Lists = field(repr=False, compare=False)       # what they are worked out from, for `relinked`


def links(catalog: Catalog) -> Links:
    """The derived maps, from the same sides as `document_network`, with plain dicts.

    Codes come in catalogue order, per evidence type in the order its
    procedures list it. A national catalogue has millions of supplier pairs
    (an identity card is asked by thousands of procedures) of which a run
    reads few, so the per-procedure maps are `Derived`: each entry is the
    union, built by `dict.fromkeys` over chained tuples, made when first read.
    """
    return _maps(_Lists.of(catalog.procedures), {}, {}, {})


def relinked(before: Links, changed: Mapping[str, Procedure | None]) -> Links:
    """The links of the catalogue `before` was made from with the procedures `changed` (by code; None: dropped)
    in place of those it had, equal to `links` of that catalogue.

    A plan applies thousands of measures to a national catalogue, each to one
    or two procedures: only the lists of the evidence types those issue or ask
    for are made again, and an entry `before` worked out is kept unless what it
    is worked out from changed. `before` itself is left as it was.
    """
    old = before.lists
    new = old.replaced(changed)
    reissued = {e for e in _touched(changed, old.outputs, new.outputs) if old.issued.get(e) != new.issued.get(e)}
    reasked = {e for e in _touched(changed, old.inputs, new.inputs) if old.asked.get(e) != new.asked.get(e)}
    moved = [code for code in changed if old.event.get(code) != new.event.get(code)]
    # A consumer list reads the askers of the procedure's outputs, a supplier list the issuers of what it asks
    # for; a life-event list its suppliers and their life events.
    consumers = {*changed, *_listing(reasked, old.issued, new.issued)}
    suppliers = {*changed, *_listing(reissued, old.asked, new.asked)}
    events = suppliers | _listing(_touched(moved, old.outputs, new.outputs), old.asked, new.asked)
    return _maps(new, before.consumers.known_but(consumers), before.suppliers.known_but(suppliers),
                 before.life_event_suppliers.known_but(events))


def _maps(lists: _Lists, consumers: dict, suppliers: dict, events: dict) -> Links:
    """The maps worked out from `lists`, knowing the entries given for each."""

    def union(code: str, side: dict[str, tuple[str, ...]], groups: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
        found = dict.fromkeys(chain.from_iterable(groups.get(e, ()) for e in side.get(code, ())))
        found.pop(code, None)
        return tuple(found)

    supplying = Derived(lists.event, lambda c: union(c, lists.inputs, lists.issued), suppliers)

    def same_event(code: str) -> tuple[str, ...]:
        event = lists.event[code]
        if event is None:
            return ()
        return tuple(s for s in supplying[code] if lists.event[s] == event)

    return Links(
        issued_by=lists.issued,
        consumers=Derived(lists.event, lambda c: union(c, lists.outputs, lists.asked), consumers),
        suppliers=supplying,
        life_event_suppliers=Derived(lists.event, same_event, events),
        lists=lists,
    )
