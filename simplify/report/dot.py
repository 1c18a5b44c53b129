"""Graphviz DOT of a procedure's steps or of the document network.

Ids and labels are always double-quoted with `"` and `\\` escaped, so any
step id or Vietnamese name is a valid DOT string and Graphviz's own escapes
(`\\N`, `\\G`, ...) cannot fire by accident. Long label lines are wrapped
here, because Graphviz does not wrap text itself.
"""

from __future__ import annotations

import textwrap

import networkx as nx

from ..graph import (
    CRITICAL_COLOUR, FILLS, FOCUS_COLOUR, ONCE_ONLY_COLOUR, edge_highlight, network_diagram, node_role, procedure_diagram,
)
from ..model import Catalog, Procedure

WRAP = 34
FONT = "DejaVu Sans"

_NODE_ATTRS = {
    "applicant": 'shape=box, style="rounded,filled"',
    "agency": 'shape=box, style="filled"',
    "document": 'shape=note, style="filled", fontsize=9',
    "procedure": 'shape=box, style="rounded,filled"',
    "evidence": 'shape=note, style="filled", fontsize=9',
    "database": 'shape=cylinder, style="filled"',
}

_EDGE_ATTRS = {
    "after": "",
    "handed_in": 'style=dashed, color="#888888", arrowsize=0.6',
    "issues": "",
    "asks": 'color="#777777"',
    "held_in": 'style=dashed, color="#2e7d32"',
}

_HIGHLIGHTS = {
    "critical": f'color="{CRITICAL_COLOUR}", penwidth=3',
    "once_only": f'color="{ONCE_ONLY_COLOUR}", penwidth=3',
}


def quote(text: str) -> str:
    """`text` as a DOT double-quoted string, one DOT line break (\\n) per line of text."""
    escaped = [line.replace("\\", "\\\\").replace('"', '\\"') for line in text.splitlines() or [""]]
    return '"' + "\\n".join(escaped) + '"'


def wrap(text: str, width: int = WRAP) -> str:
    """Each line of `text` wrapped at `width` characters."""
    return "\n".join(part for line in text.splitlines() for part in (textwrap.wrap(line, width) or [""]))


def render(g: nx.DiGraph) -> str:
    """A drawing graph of `simplify.graph` as a DOT digraph, left to right."""
    title = g.graph.get("title", "")
    lines = [
        f"digraph {quote(title)} {{",
        f'  graph [rankdir=LR, fontname="{FONT}", fontsize=14, labelloc=t, label={quote(wrap(title, 90))},'
        ' nodesep=0.3, ranksep=0.5, pad=0.2];',
        f'  node [fontname="{FONT}", fontsize=11, color="#555555", margin="0.15,0.08"];',
        f'  edge [fontname="{FONT}", fontsize=9, color="#333333"];',
    ]
    for node, data in g.nodes(data=True):
        role = node_role(data)
        attrs = [f"label={quote(wrap(data['label']))}", _NODE_ATTRS[role], f'fillcolor="{FILLS[role]}"']
        if data.get("critical"):
            attrs.append(f'color="{CRITICAL_COLOUR}", penwidth=3')
        if data.get("focus"):
            attrs.append(f'color="{FOCUS_COLOUR}", penwidth=2.5')
        lines.append(f"  {quote(str(node))} [{', '.join(attrs)}];")
    for a, b, data in g.edges(data=True):
        highlight = edge_highlight(data)
        body = _HIGHLIGHTS[highlight] if highlight else _EDGE_ATTRS[data["kind"]]
        lines.append(f"  {quote(str(a))} -> {quote(str(b))}" + (f" [{body}]" if body else "") + ";")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_procedure(p: Procedure, lang: str = "vi") -> str:
    """The step graph of one procedure, critical path in red, documents attached to their step."""
    return render(procedure_diagram(p, lang))


def dot_network(catalog: Catalog, lang: str = "vi", life_event: str | None = None, ministry: str | None = None) -> str:
    """The document network, once-only opportunities in orange; optionally focused on a life event or ministry."""
    return render(network_diagram(catalog, lang, life_event=life_event, ministry=ministry))
