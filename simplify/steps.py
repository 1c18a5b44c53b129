"""The step graph of a procedure: order, problems and elapsed time.

Edges run `a -> b` for every entry `a` in `b.after`. The graph must be a DAG
whose every step is reachable from the first one. The checks and the
longest path run on plain dicts because they run for every procedure of a
national catalogue; networkx (`simplify.graph.step_graph`) is brought in only
to describe a problem once one is found, and to draw or export the graph.
"""

from __future__ import annotations

from .model import Step


def successors(steps: tuple[Step, ...]) -> dict[str, list[str]]:
    """Step id -> ids of the steps that wait for it (unknown ids are skipped)."""
    out: dict[str, list[str]] = {s.id: [] for s in steps}
    for s in steps:
        for before in s.after or ():
            if before in out:
                out[before].append(s.id)
    return out


def topological_order(steps: tuple[Step, ...]) -> list[str] | None:
    """Step ids in an order that respects `after`, or None if there is a cycle."""
    succ = successors(steps)
    indegree = {s.id: 0 for s in steps}
    for targets in succ.values():
        for t in targets:
            indegree[t] += 1
    ready = [s.id for s in steps if indegree[s.id] == 0]
    order: list[str] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for t in succ[node]:
            indegree[t] -= 1
            if indegree[t] == 0:
                ready.append(t)
    return order if len(order) == len(indegree) else None


def in_list_order(steps: tuple[Step, ...]) -> bool:
    """Whether each step is listed once and waits only for steps listed before it (as the default `after` has
    it): then the graph has no cycle, and what reaches a step is known when it is reached in the list."""
    seen: set[str] = set()
    for s in steps:
        if s.id in seen:
            return False
        for before in s.after or ():
            if before not in seen:
                return False
        seen.add(s.id)
    return True


def unreachable(steps: tuple[Step, ...], also_from: frozenset[str] = frozenset()) -> list[str]:
    """Ids of the steps no path from the first step (or from a step of `also_from`) reaches, in list order."""
    if not steps:
        return []
    ids = {s.id for s in steps}
    seen = {steps[0].id, *(i for i in also_from if i in ids)}
    if in_list_order(steps):  # most procedures: one pass
        for s in steps:
            if s.id not in seen and any(before in seen for before in s.after or ()):
                seen.add(s.id)
    else:
        seen = reached(steps, seen)
    return [s.id for s in steps if s.id not in seen]


def reached(steps: tuple[Step, ...], roots: set[str]) -> set[str]:
    """The ids of the steps a path from `roots` (ids of steps) reaches, the roots included, by a search."""
    succ = successors(steps)
    seen = set(roots)
    stack = list(seen)
    while stack:
        for t in succ[stack.pop()]:
            if t not in seen:
                seen.add(t)
                stack.append(t)
    return seen


def elapsed_days(steps: tuple[Step, ...]) -> float:
    """The longest path of `days` through the step graph (agency and applicant steps): the sum of the days of
    `critical_path`'s steps."""
    if not in_list_order(steps):
        path = critical_path(steps)
        by_id = {s.id: s for s in steps}
        return float(sum(by_id[i].days for i in path))
    # Most procedures list each step after those it waits for: one pass in list order then adds the same days
    # in the same order as the path does, without making the path.
    best: dict[str, float] = {}
    for s in steps:
        longest = None
        for before in s.after or ():
            if longest is None or best[before] > longest:
                longest = best[before]
        best[s.id] = s.days + (longest if longest is not None else 0.0)
    waited_for = {before for s in steps for before in s.after or ()}
    return float(max((days for i, days in best.items() if i not in waited_for), default=0))


def critical_path(steps: tuple[Step, ...]) -> list[str]:
    """The step ids on the longest path of `days` (ties: the earlier step in the list)."""
    order = topological_order(steps)
    if not order:
        return []
    by_id = {s.id: s for s in steps}
    position = {s.id: i for i, s in enumerate(steps)}
    best: dict[str, float] = {}
    back: dict[str, str | None] = {}
    for node in order:
        step = by_id[node]
        preds = [p for p in (step.after or ()) if p in by_id]
        prev = max(preds, key=lambda p: (best[p], -position[p]), default=None)
        best[node] = step.days + (best[prev] if prev is not None else 0.0)
        back[node] = prev
    # The path ends at a final step, so zero-day steps at the end (receiving the result) are on it.
    succ = successors(steps)
    end = max((n for n in order if not succ[n]), key=lambda n: (best[n], -position[n]))
    path = [end]
    while back[path[-1]] is not None:
        path.append(back[path[-1]])
    return path[::-1]
