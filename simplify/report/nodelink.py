"""Node-link JSON of a procedure's steps or of the document network.

The shape is networkx's node-link data with the edge list under `edges`
(`{"directed", "multigraph", "graph", "nodes", "edges"}`), which D3 and
`networkx.node_link_graph(data, edges="edges")` read back.
"""

from __future__ import annotations

import json

import networkx as nx

from ..graph import network_diagram, procedure_diagram
from ..model import Catalog, Procedure


def render(g: nx.DiGraph) -> str:
    """A drawing graph as indented node-link JSON, Vietnamese kept as written."""
    return json.dumps(nx.node_link_data(g, edges="edges"), ensure_ascii=False, indent=2) + "\n"


def nodelink_procedure(p: Procedure, lang: str = "vi") -> str:
    """The step graph of one procedure with its documents; `critical` marks the critical path."""
    return render(procedure_diagram(p, lang))


def nodelink_network(catalog: Catalog, lang: str = "vi", life_event: str | None = None, ministry: str | None = None) -> str:
    """The document network; `once_only` marks the reuse opportunities."""
    return render(network_diagram(catalog, lang, life_event=life_event, ministry=ministry))
