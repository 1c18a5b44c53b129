"""`diff --format markdown`: a pull-request comment.

A heading and a summary line, a table of the procedures that differ with
their cost per dossier and annual cost before, after and the delta, then
the details of each in a collapsed `<details>` block.
"""

from __future__ import annotations

from html import escape

from ..diff import CatalogDiff
from .diff_rows import detail_lines, header, procedure_rows, summary_line, word
from .markdown import table


def render(d: CatalogDiff, lang: str = "vi") -> str:
    """The diff as Markdown."""
    parts = [f"### simplify diff: {d.old_path} → {d.new_path}", "", summary_line(d, lang), ""]
    if not d.changes:
        return "\n".join(parts + [word("none", lang)])
    parts += [table(header(lang), procedure_rows(d, lang), {3, 4}), ""]
    for c in d.changes:
        lines = detail_lines(c, lang)
        if not lines:
            continue
        parts += [f"<details><summary>{escape(c.code)} {escape(c.name)}</summary>", ""]
        parts += [f"- {escape(line, quote=False)}" for line in lines]
        parts += ["", "</details>", ""]
    return "\n".join(parts)
