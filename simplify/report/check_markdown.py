"""`check --format markdown`: the gate's verdict as a Markdown page, for a pull request comment or a CI summary.

The same verdict, regressions and new findings as the table for people
(`check_table`), each table cell escaped so any name renders.
"""

from __future__ import annotations

from ..check import CheckResult, verdict
from .check_table import existing_line, sections
from .markdown import table


def render(result: CheckResult, lang: str = "vi", root: str = "") -> str:
    """The verdict and its tables as Markdown; locations are the catalogue's own, so `root` is not used."""
    parts = [f"**{verdict(result, lang)}**", ""]
    for title, header, rows in sections(result, lang):
        parts += [f"## {title}", "", table(header, rows), ""]
    existing = existing_line(result, lang)
    if existing:
        parts += [existing, ""]
    return "\n".join(parts)
