"""Mermaid flowcharts of a procedure's steps or of the document network.

The text pastes into GitHub markdown (inside a ```mermaid fence) and renders
there: node ids are `n0, n1, ...` whatever the catalogue calls things, and
every label is quoted with Mermaid's entity codes for the characters that
would otherwise end the label or be read as markup, so any Vietnamese name
or punctuation shows as written.
"""

from __future__ import annotations

import json

import networkx as nx

from ..graph import (
    CRITICAL_COLOUR, FILLS, FOCUS_COLOUR, ONCE_ONLY_COLOUR, edge_highlight, network_diagram, node_role, procedure_diagram,
)
from ..i18n import printable
from ..model import Catalog, Procedure

# Mermaid turns `#name;` and `#123;` into HTML entities; `#` goes first so
# that a literal "#quot;" in a name is not taken for one.
_ENTITIES = {"#": "#35;", '"': "#quot;", "&": "#amp;", "<": "#lt;", ">": "#gt;", "`": "#96;"}

_SHAPES = {
    "applicant": ('["', '"]'),
    "agency": ('("', '")'),
    "document": ('(["', '"])'),
    "procedure": ('["', '"]'),
    "evidence": ('(["', '"])'),
    "database": ('[("', '")]'),
}

_ARROWS = {"after": "-->", "handed_in": "-.->", "issues": "-->", "asks": "-->", "held_in": "-.->"}

_EDGE_STYLES = {
    "critical": f"stroke:{CRITICAL_COLOUR},stroke-width:3px",
    "once_only": f"stroke:{ONCE_ONLY_COLOUR},stroke-width:3px",
}


def escape(text: str) -> str:
    """A label's text made safe inside Mermaid double quotes; line breaks become <br/>."""
    return "<br/>".join(printable("".join(_ENTITIES.get(ch, ch) for ch in line)) for line in text.splitlines())


def render(g: nx.DiGraph) -> str:
    """A drawing graph of `simplify.graph` as a Mermaid `flowchart LR`."""
    ids = {node: f"n{i}" for i, node in enumerate(g.nodes)}
    lines = []
    if g.graph.get("title"):
        # JSON strings are valid YAML double-quoted scalars, so any title is safe here.
        lines += ["---", f"title: {printable(json.dumps(g.graph['title'], ensure_ascii=False))}", "---"]
    lines.append("flowchart LR")
    classes: dict[str, list[str]] = {}
    for node, data in g.nodes(data=True):
        role = node_role(data)
        opening, closing = _SHAPES[role]
        lines.append(f"  {ids[node]}{opening}{escape(data['label'])}{closing}")
        classes.setdefault(role, []).append(ids[node])
        for flag in ("critical", "focus"):
            if data.get(flag):
                classes.setdefault(flag, []).append(ids[node])
    styled: dict[str, list[str]] = {}
    for index, (a, b, data) in enumerate(g.edges(data=True)):
        lines.append(f"  {ids[a]} {_ARROWS[data['kind']]} {ids[b]}")
        highlight = edge_highlight(data)
        if highlight:
            styled.setdefault(highlight, []).append(str(index))
    # Highlight classes come after the fills so that their stroke wins.
    for role, fill in FILLS.items():
        if role in classes:
            lines.append(f"  classDef {role} fill:{fill},stroke:#555555,color:#111111")
    if "focus" in classes:
        lines.append(f"  classDef focus stroke:{FOCUS_COLOUR},stroke-width:3px")
    if "critical" in classes:
        lines.append(f"  classDef critical stroke:{CRITICAL_COLOUR},stroke-width:3px")
    for name, members in classes.items():
        lines.append(f"  class {','.join(members)} {name}")
    for name, indices in styled.items():
        lines.append(f"  linkStyle {','.join(indices)} {_EDGE_STYLES[name]}")
    return "\n".join(lines) + "\n"


def mermaid_procedure(p: Procedure, lang: str = "vi") -> str:
    """The step graph of one procedure, critical path in red, documents attached to their step."""
    return render(procedure_diagram(p, lang))


def mermaid_network(catalog: Catalog, lang: str = "vi", life_event: str | None = None, ministry: str | None = None) -> str:
    """The document network, once-only opportunities in orange; optionally focused on a life event or ministry."""
    return render(network_diagram(catalog, lang, life_event=life_event, ministry=ministry))
