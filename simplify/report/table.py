"""The audit for people at a terminal, drawn with rich tables.

Everything is in the chosen language; money as whole dong with thousands
separators. The same sections, in the same order, as the markdown writer.
"""

from __future__ import annotations

import io

from ..analysis import Analysis
from ..i18n import metric_value, money, number, printable, t
from ..metrics import METRICS
from ..model import shown_name
from .sections import finding_rows, headline, target_rows, top_procedures

TOP = 10


def render(analysis: Analysis, lang: str = "vi", width: int = 140) -> str:
    """The audit as a text report with tables."""
    from .rich_table import text_console
    from rich.table import Table

    out = io.StringIO()
    console = text_console(out, width)
    console.print(headline(analysis, lang))
    console.print()

    # The targets first: they are what a reform office is measured on.
    if analysis.targets:
        targets = Table(title=t("targets", lang), title_justify="left")
        for key in ("target", "baseline", "current", "projected", "goal", "gap", "status"):
            targets.add_column(t(key, lang), justify="left" if key in ("target", "status") else "right", overflow="fold")
        for row in target_rows(analysis, lang):
            targets.add_row(*row)
        console.print(targets)

    metrics = Table(title=t("metrics", lang), title_justify="left")
    metrics.add_column("")
    metrics.add_column(t("value", lang), justify="right")
    for m in METRICS:
        metrics.add_row(t(m, lang), metric_value(m, analysis.metrics[m], lang))
    metrics.add_row(t("findings", lang), number(len(analysis.reported_findings), lang))
    metrics.add_row(t("potential_annual_saving", lang), money(analysis.potential_annual_saving, lang))
    console.print(metrics)

    top = Table(title=t("top_procedures", lang), title_justify="left")
    for key, justify in (("code", "left"), ("name", "left"), ("online_level", "left"), ("volume", "right"),
                         ("cost_per_dossier", "right"), ("annual_cost", "right")):
        top.add_column(t(key, lang), justify=justify, overflow="fold")
    for p, c in top_procedures(analysis, TOP):
        top.add_row(printable(p.code), printable(shown_name(p, lang)), t(c.online_level, lang), number(c.volume, lang),
                    money(c.cost_per_dossier, lang), money(c.annual_cost, lang))
    console.print(top)

    if analysis.reported_findings:
        findings = Table(title=f"{t('findings', lang)} ({len(analysis.reported_findings)})", title_justify="left")
        for key, justify in (("rule", "left"), ("severity", "left"), ("procedure", "left"), ("object", "left"),
                             ("message", "left"), ("annual_saving", "right")):
            findings.add_column(t(key, lang), justify=justify, overflow="fold")
        for row in finding_rows(analysis, lang):
            findings.add_row(*row)
        console.print(findings)

    return out.getvalue()

