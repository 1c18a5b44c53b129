"""The audit as Markdown, for a pull-request comment or a wiki page.

Same sections as the table writer, plus the Mermaid step diagram of the
most costly procedures (GitHub renders it in place).
"""

from __future__ import annotations

from ..analysis import Analysis
from ..i18n import metric_value, money, number, printable, t
from ..metrics import METRICS
from ..model import shown_name
from .sections import finding_rows, headline, target_rows, top_procedures

TOP = 10
DIAGRAMS = 3


def _escape(cell: str) -> str:
    return cell.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def table(header: list[str], rows: list[tuple[str, ...]], right: set[int] = frozenset()) -> str:
    """A Markdown table; cells escaped so any name renders."""
    lines = ["| " + " | ".join(_escape(h) for h in header) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(_escape(str(c)) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render(analysis: Analysis, lang: str = "vi") -> str:
    """`audit --format markdown`."""
    from .mermaid import mermaid_procedure

    # Each line of the headline a paragraph of its own (Markdown would join them into one).
    parts = [f"# {t('catalog', lang)}: {printable(analysis.catalog.name)}", "", headline(analysis, lang).replace("\n", "\n\n"), ""]
    if analysis.targets:
        header = [t(k, lang) for k in ("target", "baseline", "current", "projected", "goal", "gap", "status")]
        parts += [f"## {t('targets', lang)}", "", table(header, target_rows(analysis, lang), {1, 2, 3, 4, 5}), ""]
    metric_rows = [(t(m, lang), metric_value(m, analysis.metrics[m], lang)) for m in METRICS]
    metric_rows.append((t("findings", lang), number(len(analysis.reported_findings), lang)))
    metric_rows.append((t("potential_annual_saving", lang), money(analysis.potential_annual_saving, lang)))
    parts += [f"## {t('metrics', lang)}", "", table([t("metrics", lang), t("value", lang)], metric_rows, {1}), ""]

    top = top_procedures(analysis, TOP)
    rows = [(printable(p.code), printable(shown_name(p, lang)), t(c.online_level, lang), number(c.volume, lang), money(c.cost_per_dossier, lang),
             money(c.annual_cost, lang)) for p, c in top]
    header = [t(k, lang) for k in ("code", "name", "online_level", "volume", "cost_per_dossier", "annual_cost")]
    parts += [f"## {t('top_procedures', lang)}", "", table(header, rows, {3, 4, 5}), ""]
    for p, _ in top[:DIAGRAMS]:
        parts += [f"### {printable(p.code)} {printable(shown_name(p, lang))}", "", "```mermaid", mermaid_procedure(p, lang).rstrip(), "```", ""]

    if analysis.reported_findings:
        header = [t(k, lang) for k in ("rule", "severity", "procedure", "object", "message", "annual_saving")]
        parts += [f"## {t('findings', lang)} ({len(analysis.reported_findings)})", "",
                  table(header, finding_rows(analysis, lang), {5}), ""]
    return "\n".join(parts)
