"""The document network: the networkx graph and the derived maps agree, on the mini catalogue and a tricky one."""

from __future__ import annotations

from pathlib import Path

import pytest

from simplify.catalog.loader import load_catalog
from simplify.measures import Measure, check_measure, measure_changes
from simplify.model import Catalog, CatalogInfo, Database, Document, EvidenceType, Output, Procedure, evolve
from simplify.network import Links, document_network, links, relinked

MINI = Path(__file__).resolve().parent / "data" / "mini"
PLAN_CATALOG = Path(__file__).resolve().parent / "data" / "plan" / "catalog"


def mini() -> Catalog:
    catalog, diagnostics = load_catalog(MINI)
    assert catalog is not None, diagnostics
    return catalog


def test_mini_maps():
    found = links(mini())
    assert found.issued_by == {"giay_khai_sinh": ("1.000001",), "bao_cao": ("2.000003",)}
    assert dict(found.consumers) == {"1.000001": ("1.000002",), "1.000002": (), "2.000003": ()}
    assert dict(found.suppliers) == {"1.000001": (), "1.000002": ("1.000001",), "2.000003": ()}
    assert dict(found.life_event_suppliers) == {"1.000001": (), "1.000002": ("1.000001",), "2.000003": ()}


def test_mini_graph_nodes_and_edges():
    g = document_network(mini())
    kinds = {n: d["kind"] for n, d in g.nodes(data=True)}
    assert sorted(k for k in kinds.values() if k == "procedure") == ["procedure"] * 3
    assert sorted(k for k in kinds.values() if k == "evidence") == ["evidence"] * 4
    assert kinds["database:dan_cu"] == "database"
    assert g.nodes["procedure:1.000001"]["label"] == "1.000001 Đăng ký khai sinh (ví dụ)"
    assert g.nodes["evidence:cccd"]["id"] == "cccd"
    # the once-only path of EXPECTED.md: 1.000001 issues the birth certificate that 1.000002 asks for
    assert g.has_edge("procedure:1.000001", "evidence:giay_khai_sinh")
    assert g.has_edge("evidence:giay_khai_sinh", "procedure:1.000002")
    assert g.has_edge("evidence:cccd", "database:dan_cu")
    assert g.number_of_edges() == 2 + 4 + 1  # two outputs, four documents asked, one held_in


def tricky() -> Catalog:
    """Self-issued evidence, two issuers, an id shared by an evidence type and a database, life events."""
    evidence = (EvidenceType("x", "X"), EvidenceType("dan_cu", "Giấy tờ dân cư", held_in="dan_cu"), EvidenceType("y", "Y"))
    databases = (Database("dan_cu", "Dân cư", connected=True),)

    def proc(code, event=None, asks=(), issues=()):
        return Procedure(code=code, name=code, life_event=event,
                         documents=tuple(Document(evidence=e) for e in asks),
                         outputs=tuple(Output(evidence=e) for e in issues))

    procedures = (
        proc("A", "birth", issues=("x",)),
        proc("B", "birth", asks=("x", "dan_cu", "x"), issues=("x",)),   # renews x: asks for it and issues it
        proc("C", "death", asks=("x", "y")),
        proc("D", None, issues=("x", "y")),
    )
    return Catalog(CatalogInfo(name="tricky"), evidence, databases, procedures)


def test_tricky_maps():
    found = links(tricky())
    assert found.issued_by == {"x": ("A", "B", "D"), "y": ("D",)}
    assert found.consumers["A"] == ("B", "C")
    assert found.consumers["B"] == ("C",)          # never its own consumer
    assert found.consumers["D"] == ("B", "C")
    assert found.suppliers["B"] == ("A", "D")
    assert found.suppliers["C"] == ("A", "B", "D")
    assert found.life_event_suppliers["B"] == ("A",)  # D has no life event, C another one
    assert found.life_event_suppliers["C"] == ()
    assert len(found.consumers) == 4 and list(found.suppliers) == ["A", "B", "C", "D"]


def test_graph_and_maps_agree():
    """Every P1 -> E -> P2 path of the graph is a supplier pair of the maps, and nothing else is."""
    for catalog in (mini(), tricky()):
        g = document_network(catalog)
        found = links(catalog)
        for p in catalog.procedures:
            node = f"procedure:{p.code}"
            through_graph = {
                g.nodes[q]["id"] for e in g.successors(node) for q in g.successors(e)
                if g.nodes[q]["kind"] == "procedure" and q != node
            }
            assert set(found.consumers[p.code]) == through_graph
        issued = {g.nodes[e]["id"]: {g.nodes[p]["id"] for p in g.predecessors(e)}
                  for e, d in g.nodes(data=True) if d["kind"] == "evidence" and g.in_degree(e)}
        assert {e: set(codes) for e, codes in found.issued_by.items()} == issued


def test_evidence_and_database_with_the_same_id_stay_apart():
    g = document_network(tricky())
    assert g.nodes["evidence:dan_cu"]["kind"] == "evidence"
    assert g.nodes["database:dan_cu"]["kind"] == "database"
    assert g.has_edge("evidence:dan_cu", "database:dan_cu")


def every_entry(found: Links) -> tuple:
    """The maps entry by entry, codes in order (working out every entry, so any kept stale would show)."""
    return found, [list(m.items()) for m in (found.consumers, found.suppliers, found.life_event_suppliers)]


def relinked_through(catalog: Catalog, changes: list[dict[str, Procedure | None]], warm: bool) -> None:
    """Relink after each change in turn: always `links` of the catalogue so far, the links before it unchanged.

    Warm, every entry is worked out before each change; cold, the links relinked are read only once made again.
    """
    procedures: dict[str, Procedure | None] = {p.code: p for p in catalog.procedures}
    current = links(catalog)
    for changed in changes:
        if warm:
            every_entry(current)
        before, as_it_was = current, every_entry(links(catalog))
        procedures.update(changed)
        catalog = catalog.with_procedures(tuple(p for p in procedures.values() if p is not None))
        current = relinked(before, changed)
        assert every_entry(relinked(before, changed)) == every_entry(links(catalog))
        assert every_entry(before) == as_it_was
    assert every_entry(current) == every_entry(links(catalog))


@pytest.mark.parametrize("warm", [False, True])
def test_relinked_after_changes_of_sides_and_life_events(warm):
    catalog = tricky()
    a, b, c, d = catalog.procedures
    relinked_through(catalog, [
        {"B": evolve(b, outputs=())},                                   # x loses an issuer
        {"D": evolve(d, life_event="birth")},                           # a supplier joins its consumers' life event
        {"C": evolve(c, life_event="birth", documents=(Document(evidence="y"),))},
        {"A": None},                                                    # an issuer dropped
        {"B": evolve(b, outputs=(Output(evidence="y"),)), "D": None},   # two at once, y changes hands
        {"C": evolve(c, outputs=(Output(evidence="x"),), documents=())},
    ], warm)


@pytest.mark.parametrize("warm", [False, True])
def test_relinked_after_measures_with_merges_and_abolitions(warm):
    catalog = load_catalog(PLAN_CATALOG)[0]
    procedures: dict[str, Procedure | None] = {p.code: p for p in catalog.procedures}
    changes = []
    for m in (Measure("remove_document", "1.000002", evidence="giay_khai_sinh"),
              Measure("merge", "2.000004", into="2.000005"), Measure("abolish", "1.000001"),
              Measure("merge", "2.000003", into="2.000005"), Measure("abolish", "1.000002")):
        assert check_measure(procedures, m) is None
        changes.append(measure_changes(procedures, m))
        procedures.update(changes[-1])
    relinked_through(catalog, changes, warm)
