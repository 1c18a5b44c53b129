"""`diff --format table`: what changed between two catalogues, for people at a terminal (rich)."""

from __future__ import annotations

import io

from ..diff import CatalogDiff
from .diff_rows import detail_lines, header, procedure_rows, summary_line, word


def render(d: CatalogDiff, lang: str = "vi", width: int = 140) -> str:
    """The summary, a table of the procedures that differ, then what changed inside each."""
    from .rich_table import text_console
    from rich.table import Table

    out = io.StringIO()
    console = text_console(out, width)
    console.print(f"{d.old_path} → {d.new_path}")
    console.print(summary_line(d, lang))
    if not d.changes:
        console.print(word("none", lang))
        return out.getvalue()
    changes = Table()
    for i, label in enumerate(header(lang)):
        changes.add_column(label, justify="right" if i >= 3 else "left", overflow="fold")
    for row in procedure_rows(d, lang):
        changes.add_row(*row)
    console.print(changes)
    for c in d.changes:
        lines = detail_lines(c, lang)
        if lines:
            console.print(f"{c.code} {c.name}")
            for line in lines:
                console.print(f"  - {line}")
    return out.getvalue()
