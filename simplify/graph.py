"""Graphs with networkx: the step graph of a procedure and the document network.

The step graph has an edge `a -> b` for every `a` in `b.after`. The document
network joins procedures, evidence types and databases: `procedure ->
evidence` for each output, `evidence -> procedure` for each required
document, `evidence -> database` for `held_in`; a path `P1 -> E -> P2` is a
once-only reuse opportunity.
"""

from __future__ import annotations

import networkx as nx

from .model import Procedure


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
