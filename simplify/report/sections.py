"""The content of the audit report, shared by the table and markdown writers.

Each function returns plain rows of already-formatted text, so the writers
only decide layout.
"""

from __future__ import annotations

from ..analysis import Analysis
from ..cost import ProcedureCost
from ..i18n import metric_value, money, printable, t
from ..model import Procedure


def headline(analysis: Analysis, lang: str) -> str:
    """Two lines: the catalogue and its size; its annual cost, findings and potential saving. With a scenario,
    a line first says which, and that every figure is after it."""
    m = analysis.metrics
    name = printable(analysis.catalog.name)
    n = len(analysis.reported_findings)
    waived = sum(f.waived for f in analysis.reported_findings)  # listed with --show-waived
    if lang == "vi":
        found = f"{n} phát hiện" + (f" (gồm {waived} đã miễn trừ)" if waived else "")
        lines = [f"{name}: {m['procedures']} thủ tục ({m['internal_procedures']} nội bộ)",
                 f"Chi phí tuân thủ {money(m['annual_cost'], lang)} đồng/năm · {found} · "
                 f"có thể tiết kiệm {money(analysis.potential_annual_saving, lang)} đồng/năm"]
    else:
        found = f"{n} findings" + (f" ({waived} of them waived)" if waived else "")
        lines = [f"{name}: {m['procedures']} procedures ({m['internal_procedures']} internal)",
                 f"Compliance cost VND {money(m['annual_cost'], lang)} a year · {found} · "
                 f"potential saving VND {money(analysis.potential_annual_saving, lang)} a year"]
    s = analysis.scenario
    if s is not None:
        before, after, saving = (money(v, lang) for v in (s.annual_cost_before, s.annual_cost_after, s.annual_saving))
        lines.insert(0, f"Sau phương án '{printable(s.name)}' ({len(s.measures)} biện pháp): chi phí tuân thủ/năm "
                        f"{before} -> {after} đồng, tiết kiệm {saving} đồng; mọi số liệu dưới đây là sau phương án"
                     if lang == "vi" else
                     f"After the scenario '{printable(s.name)}' ({len(s.measures)} measures): annual compliance cost "
                     f"VND {before} -> {after}, saving VND {saving}; every figure below is after it")
    return "\n".join(lines)


def top_procedures(analysis: Analysis, count: int) -> list[tuple[Procedure, ProcedureCost]]:
    """The most costly procedures by annual cost (ties by code)."""
    pairs = [(p, analysis.costs[p.code]) for p in analysis.catalog.procedures]
    pairs.sort(key=lambda pc: (-pc[1].annual_cost, pc[0].code))
    return pairs[:count]


def finding_object(f) -> str:
    """The document, step or fee a finding is about (empty for the procedure itself)."""
    return f.evidence or f.step or f.fee or ""


def finding_rows(analysis: Analysis, lang: str) -> list[tuple[str, ...]]:
    rows = []
    for f in analysis.reported_findings:
        severity = t(f.severity, lang) + (f" ({t('waived', lang)})" if f.waived else "")
        rows.append((f.rule, severity, printable(f.procedure), printable(finding_object(f)), printable(f.message(lang)),
                     money(f.annual_saving, lang)))
    return rows


def target_rows(analysis: Analysis, lang: str) -> list[tuple[str, ...]]:
    rows = []
    for r in analysis.targets:
        status = t(r.status(), lang)
        rows.append((
            r.title(lang),
            metric_value(r.metric, r.baseline, lang),
            metric_value(r.metric, r.current, lang),
            metric_value(r.metric, r.projected, lang),
            metric_value(r.metric, r.goal, lang),
            metric_value(r.metric, r.gap, lang) if r.gap else "",
            status,
        ))
    return rows
