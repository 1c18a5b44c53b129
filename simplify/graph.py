"""Graphs with networkx: the step graph of a procedure and the document network.

The step graph has an edge `a -> b` for every `a` in `b.after`. The document
network joins procedures, evidence types and databases: `procedure ->
evidence` for each output, `evidence -> procedure` for each required
document, `evidence -> database` for `held_in`; a path `P1 -> E -> P2` is a
once-only reuse opportunity.
"""

from __future__ import annotations

import networkx as nx

from .i18n import number
from .model import Document, Procedure, Step
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


# The drawings below are networkx graphs whose attributes are all str, int,
# float or bool, so that the same graph feeds Mermaid, DOT, GraphML (which
# rejects None and tuples) and node-link JSON without each writer redoing it.

_WORDS: dict[str, tuple[str, str]] = {
    "applicant": ("Người nộp", "Applicant"),
    "agency": ("Cơ quan", "Agency"),
    "in_person": ("[tại chỗ]", "[in person]"),
    "online": ("[trực tuyến]", "[online]"),
    "connected": ("[đã kết nối]", "[connected]"),
}


def _word(key: str, lang: str) -> str:
    vi, en = _WORDS[key]
    return vi if lang == "vi" else en


def _hours(value: float, lang: str) -> str:
    return f"{number(value, lang, 2)} giờ" if lang == "vi" else f"{number(value, lang, 2)} h"


def _days(value: float, lang: str) -> str:
    if lang == "vi":
        return f"{number(value, lang, 1)} ngày"
    return f"{number(value, lang, 1)} day{'' if value == 1 else 's'}"


def _step_label(s: Step, lang: str) -> str:
    effort = [_word(s.actor, lang)]
    if s.hours:
        effort.append(_hours(s.hours, lang))
    if s.days:
        effort.append(_days(s.days, lang))
    marks = [_word(key, lang) for key in ("in_person", "online") if getattr(s, key)]
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


def procedure_title(p: Procedure, lang: str) -> str:
    """Code and name of a procedure, in `lang` where the catalogue has it."""
    name = p.name_en if lang == "en" and p.name_en else p.name
    return f"{p.code} {name}"


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
    title = procedure_title(p, lang)
    if lang == "vi":
        title += f" — {number(days, lang, 1)} ngày theo đường găng"
    else:
        title += f" — {_days(days, lang)} along the critical path"
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
