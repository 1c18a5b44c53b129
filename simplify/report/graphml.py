"""GraphML of a procedure's steps or of the document network, for Gephi and yEd.

networkx writes it; the drawing graphs of `simplify.graph` hold only str,
int, float and bool attributes, which is all GraphML can type.
"""

from __future__ import annotations

import io

import networkx as nx

from ..graph import network_diagram, procedure_diagram
from ..model import Catalog, Procedure


def render(g: nx.DiGraph) -> str:
    """A drawing graph as a GraphML document in UTF-8 (Vietnamese as written, not as character references)."""
    buffer = io.BytesIO()
    nx.write_graphml(g, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue().decode("utf-8")


def graphml_procedure(p: Procedure, lang: str = "vi") -> str:
    """The step graph of one procedure with its documents; `critical` marks the critical path."""
    return render(procedure_diagram(p, lang))


def graphml_network(catalog: Catalog, lang: str = "vi", life_event: str | None = None, ministry: str | None = None) -> str:
    """The document network; `once_only` marks the reuse opportunities."""
    return render(network_diagram(catalog, lang, life_event=life_event, ministry=ministry))
