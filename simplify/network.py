"""The document network of a catalogue: who issues each evidence type, who asks for it, where it is held.

Procedures, evidence types and databases are nodes; the edges are those of
catalogue.md section 5 (`procedure -> evidence` for an output, `evidence ->
procedure` for a required document, `evidence -> database` for `held_in`).
Both the networkx graph (for drawing and exports) and the maps the rules read
(`Links`) come from one edge list, so they cannot disagree; the maps are
built with plain dicts because they are needed for every procedure of a
national catalogue, where networkx is ten times slower for bulk counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain

from .model import Catalog

PROCEDURE, EVIDENCE, DATABASE = "procedure", "evidence", "database"

Node = tuple[str, str]  # (kind, id): evidence and database ids may coincide, so the kind is part of the node


def edges(catalog: Catalog) -> list[tuple[Node, Node]]:
    """Every edge of the document network, in catalogue order."""
    out: list[tuple[Node, Node]] = []
    for p in catalog.procedures:
        for o in p.outputs:
            out.append(((PROCEDURE, p.code), (EVIDENCE, o.evidence)))
        for d in p.documents:
            out.append(((EVIDENCE, d.evidence), (PROCEDURE, p.code)))
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

    def __init__(self, codes: dict[str, None], compute: Callable[[str], tuple[str, ...]]):
        self._codes = codes
        self._compute = compute
        self._known: dict[str, tuple[str, ...]] = {}

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


@dataclass(frozen=True)
class Links:
    """The derived maps of the network; a procedure is never its own consumer or supplier."""

    issued_by: dict[str, tuple[str, ...]]                  # evidence id -> procedures that list it in outputs
    consumers: Mapping[str, tuple[str, ...]]               # code -> procedures asking for one of its outputs
    suppliers: Mapping[str, tuple[str, ...]]               # code -> procedures whose outputs it asks for
    life_event_suppliers: Mapping[str, tuple[str, ...]]    # code -> its suppliers in the same life_event


def links(catalog: Catalog) -> Links:
    """The derived maps, from the same edge list as `document_network`, with plain dicts.

    Codes come in catalogue order, per evidence type in the order its
    procedures list it. A national catalogue has millions of supplier pairs
    (an identity card is asked by thousands of procedures) of which a run
    reads few, so the per-procedure maps are `Derived`: each entry is the
    union, built by `dict.fromkeys` over chained tuples, made when first read.
    """
    issued: dict[str, dict[str, None]] = {}  # dicts as ordered sets
    asked: dict[str, dict[str, None]] = {}
    outputs: dict[str, list[str]] = {}
    inputs: dict[str, list[str]] = {}
    for (a_kind, a), (b_kind, b) in edges(catalog):
        if a_kind == PROCEDURE:
            issued.setdefault(b, {})[a] = None
            outputs.setdefault(a, []).append(b)
        elif b_kind == PROCEDURE:
            asked.setdefault(a, {})[b] = None
            inputs.setdefault(b, []).append(a)
    none: dict[str, None] = {}

    def union(code: str, evidence: dict[str, list[str]], side: dict[str, dict[str, None]]) -> tuple[str, ...]:
        found = dict.fromkeys(chain.from_iterable(side.get(e, none) for e in evidence.get(code, ())))
        found.pop(code, None)
        return tuple(found)

    codes = dict.fromkeys(p.code for p in catalog.procedures)
    event = {p.code: p.life_event for p in catalog.procedures}
    suppliers = Derived(codes, lambda c: union(c, inputs, issued))

    def same_event(code: str) -> tuple[str, ...]:
        if event[code] is None:
            return ()
        return tuple(s for s in suppliers[code] if event[s] == event[code])

    return Links(
        issued_by={e: tuple(found) for e, found in issued.items()},
        consumers=Derived(codes, lambda c: union(c, outputs, asked)),
        suppliers=suppliers,
        life_event_suppliers=Derived(codes, same_event),
    )
