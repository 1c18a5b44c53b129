"""Graphs with networkx: the step graph of a procedure, and the drawings of it and of the document network.

The step graph has an edge `a -> b` for every `a` in `b.after`. The document
network (simplify/network.py) joins procedures, evidence types and
databases; a path `P1 -> E -> P2` is a once-only reuse opportunity. The
drawings (`procedure_diagram`, `network_diagram`) are networkx graphs
labelled for people, with the critical path and the once-only edges marked,
whose attributes are all str, int, float or bool: one graph feeds every
writer (Mermaid, DOT, GraphML, which rejects None and tuples, node-link JSON)
and none of them redoes the analysis.
"""

from __future__ import annotations

import unicodedata

import networkx as nx

from .i18n import number, t
from .model import Catalog, Document, Procedure, Step, shown_name
from .network import DATABASE, EVIDENCE, PROCEDURE, document_network, node_id
from .steps import critical_path, elapsed_days


def step_graph(p: Procedure) -> nx.DiGraph:
    """The steps of `p` as a DAG, with each step's attributes on its node."""
    g = nx.DiGraph()
    for s in p.steps:
        g.add_node(s.id, step=s)
    for s in p.steps:
        for before in s.after or ():
            if before in g:
                g.add_edge(before, s.id)
    return g


def describe_cycle(p: Procedure) -> list[str]:
    """The step ids of one cycle of the step graph, the first repeated at the end."""
    edges = nx.find_cycle(step_graph(p))
    return [a for a, _ in edges] + [edges[0][0]]


FILLS = {
    "applicant": "#e3effb", "agency": "#ececec", "document": "#fff6d5",
    "procedure": "#e3effb", "evidence": "#fff6d5", "database": "#e2f2e5",
}
CRITICAL_COLOUR = "#c0392b"
ONCE_ONLY_COLOUR = "#e67e22"
FOCUS_COLOUR = "#1f4e8c"


def node_role(data: dict) -> str:
    """How a drawn node looks: an applicant or agency step, a document, procedure, evidence type or database."""
    return data["actor"] if data["kind"] == "step" else data["kind"]


def edge_highlight(data: dict) -> str | None:
    """`critical` for an edge of the critical path, `once_only` for a reuse opportunity, else None."""
    if data.get("critical"):
        return "critical"
    if data.get("once_only"):
        return "once_only"
    return None


def _figure(value: float, lang: str) -> str:
    """0.5 and 0.25 as written, not 0.50: hours and days are short decimals."""
    return number(value, lang, 1 if round(value, 1) == value else 2)


def _hours(value: float, lang: str) -> str:
    return f"{_figure(value, lang)} giờ" if lang == "vi" else f"{_figure(value, lang)} h"


def _days(value: float, lang: str) -> str:
    if lang == "vi":
        return f"{_figure(value, lang)} ngày"
    return f"{_figure(value, lang)} day{'' if value == 1 else 's'}"


def _step_label(s: Step, lang: str) -> str:
    effort = [t(s.actor, lang).capitalize()]
    if s.hours:
        effort.append(_hours(s.hours, lang))
    if s.days:
        effort.append(_days(s.days, lang))
    # Text marks in brackets, not emoji: they render in every font, terminal and export.
    marks = [f"[{t(key, lang)}]" for key in ("in_person", "online") if getattr(s, key)]
    lines = [s.name or s.id, " · ".join(effort)]
    return "\n".join(lines + ([" ".join(marks)] if marks else []))


def _handed_in(d: Document, lang: str) -> str:
    """How many originals and copies of a document are handed in, in words."""
    parts = []
    if d.original:
        parts.append(f"{d.original} bản chính" if lang == "vi" else f"{d.original} original{'s' if d.original > 1 else ''}")
    if d.copies:
        if lang == "vi":
            parts.append(f"{d.copies} bản sao" + (" có chứng thực" if d.certified else ""))
        else:
            noun = "copy" if d.copies == 1 else "copies"
            parts.append(f"{d.copies} {'certified ' if d.certified else ''}{noun}")
    return ", ".join(parts)


def procedure_diagram(p: Procedure, lang: str = "vi") -> nx.DiGraph:
    """The step graph of `p` ready to draw: labelled steps, the documents handed in, the critical path.

    Step nodes keep their ids; a document is node `doc:<n>:<evidence>` (n its
    position in the procedure, since one evidence type may be asked twice)
    with an edge to the step it is handed in at. Nodes and edges on the
    critical path (the longest path of `days`) have `critical=True`.
    """
    path = critical_path(p.steps)
    on_path = set(path)
    critical_edges = set(zip(path, path[1:]))
    days = elapsed_days(p.steps)
    title = f"{p.code} {shown_name(p, lang)}"
    if lang == "vi":
        title += f" — {_days(days, lang)} theo đường găng (màu đỏ)"
    else:
        title += f" — {_days(days, lang)} along the critical path (red)"
    g = nx.DiGraph(title=title, elapsed_days=days)
    for s in p.steps:
        g.add_node(
            s.id, kind="step", label=_step_label(s, lang), name=s.name or s.id, actor=s.actor,
            hours=float(s.hours), days=float(s.days), cost=float(s.cost),
            in_person=s.in_person, online=s.online, critical=s.id in on_path,
        )
    for s in p.steps:
        for before in s.after or ():
            if before in g:
                g.add_edge(before, s.id, kind="after", critical=(before, s.id) in critical_edges)
    for i, d in enumerate(p.documents):
        if d.step not in g:
            continue
        node = f"doc:{i}:{d.evidence}"
        name = d.name or d.evidence
        g.add_node(
            node, kind="document", label=f"{name}\n{_handed_in(d, lang)}", name=name, evidence=d.evidence,
            original=int(d.original or 0), copies=int(d.copies), certified=d.certified, critical=False,
        )
        g.add_edge(node, d.step, kind="handed_in", critical=False)
    return g


def _same(a: str | None, b: str) -> bool:
    """Names compared as people type them: case and Unicode normalisation aside."""
    return a is not None and unicodedata.normalize("NFC", a).casefold() == unicodedata.normalize("NFC", b).casefold()


def focus_codes(catalog: Catalog, life_event: str | None = None, ministry: str | None = None) -> set[str]:
    """Codes of the procedures of `life_event` and of `ministry` (both when both are given)."""
    return {
        p.code for p in catalog.procedures
        if (life_event is None or _same(p.life_event, life_event)) and (ministry is None or _same(p.ministry, ministry))
    }


def _reuse_neighbourhood(network: nx.DiGraph, codes: set[str]) -> set[str]:
    """The nodes drawn around focused procedures: their documents, where those are held,
    who issues what they ask for and who asks for what they issue."""
    focused = {node_id((PROCEDURE, c)) for c in codes}
    # Each evidence type is expanded once: a national ID card is asked by thousands of procedures.
    asked = {e for n in focused for e in network.predecessors(n)}
    issued = {e for n in focused for e in network.successors(n)}
    keep = focused | asked | issued
    for e in asked:
        keep.update(network.predecessors(e))
        keep.update(n for n in network.successors(e) if network.nodes[n]["kind"] == DATABASE)
    for e in issued:
        keep.update(network.successors(e))
    return keep


def _network_label(data: dict, catalog_objects: dict, lang: str) -> str:
    obj = catalog_objects.get((data["kind"], data["id"]))
    if obj is None:
        return data["label"]
    if data["kind"] == PROCEDURE:
        return f"{obj.code}\n{shown_name(obj, lang)}"
    if data["kind"] == EVIDENCE:
        return shown_name(obj, lang)
    return obj.name + (f"\n[{t('connected', lang)}]" if obj.connected else "")


def _network_title(catalog: Catalog, lang: str, life_event: str | None, ministry: str | None) -> str:
    """The catalogue, the focus and a legend of the colours, since a picture travels without its command line."""
    if lang == "vi":
        focus = ([f"sự kiện {life_event}"] if life_event else []) + ([ministry] if ministry else [])
        return (f"{catalog.name} — mạng giấy tờ" + (f" ({', '.join(focus)})" if focus else "")
                + ". Cam: giấy tờ Nhà nước đã cấp hoặc đang lưu mà vẫn yêu cầu người dân nộp"
                + ("; viền xanh: thủ tục được chọn" if focus else "") + "; nét đứt xanh lá: nơi lưu dữ liệu")
    focus = ([f"life event {life_event}"] if life_event else []) + ([ministry] if ministry else [])
    return (f"{catalog.name} — document network" + (f" ({', '.join(focus)})" if focus else "")
            + ". Orange: documents the state already issued or holds, yet asks citizens for"
            + ("; blue border: the procedures chosen" if focus else "") + "; green dashes: where the data is held")


def network_diagram(
    catalog: Catalog, lang: str = "vi", life_event: str | None = None, ministry: str | None = None,
) -> nx.DiGraph:
    """The document network ready to draw, with its once-only opportunities marked.

    Edges have `kind` issues (procedure -> evidence), asks (evidence ->
    procedure) or held_in (evidence -> database); an `asks` edge has
    `once_only=True` when the evidence is issued by another procedure of the
    catalogue or held in a connected database. With `life_event` or
    `ministry`, only those procedures (`focus=True`) and their neighbourhood
    are kept: their documents, the databases holding them, the procedures
    issuing what they ask for and those asking for what they issue.
    Nodes without any edge are left out, except focused procedures.
    """
    network = document_network(catalog)
    focused = focus_codes(catalog, life_event, ministry) if life_event or ministry else set()
    keep = _reuse_neighbourhood(network, focused) if focused else set(network)
    objects: dict = {(PROCEDURE, p.code): p for p in catalog.procedures}
    objects.update({(EVIDENCE, e.id): e for e in catalog.evidence_types})
    objects.update({(DATABASE, d.id): d for d in catalog.databases})
    connected = {d.id for d in catalog.databases if d.connected}
    held = {e.id for e in catalog.evidence_types if e.held_in in connected}
    g = nx.DiGraph(title=_network_title(catalog, lang, life_event, ministry))
    for node, data in network.nodes(data=True):
        if node in keep:
            g.add_node(
                node, kind=data["kind"], ref=data["id"], label=_network_label(data, objects, lang),
                focus=data["kind"] == PROCEDURE and data["id"] in focused,
            )
    for a, b in network.edges:
        if a not in keep or b not in keep:
            continue
        kind_a, kind_b = network.nodes[a]["kind"], network.nodes[b]["kind"]
        if kind_a == PROCEDURE:
            g.add_edge(a, b, kind="issues", once_only=False)
        elif kind_b == DATABASE:
            g.add_edge(a, b, kind="held_in", once_only=False)
        else:
            # Only procedures point at an evidence type: its predecessors are its issuers.
            issued_elsewhere = any(n != b for n in network.predecessors(a))
            g.add_edge(a, b, kind="asks", once_only=issued_elsewhere or network.nodes[a]["id"] in held)
    g.remove_nodes_from([n for n, data in g.nodes(data=True) if g.degree(n) == 0 and not data["focus"]])
    return g
