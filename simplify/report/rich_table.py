"""One titled rich table from a header and rows of text: the shape every table for people here shares."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def titled_table(title: str, header: Sequence[str], rows: Iterable[Sequence[str]], right: Iterable[int] = ()):
    """A rich Table titled on the left; long cells fold, the columns in `right` (figures) are right-aligned."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    right = set(right)
    for i, label in enumerate(header):
        table.add_column(label, justify="right" if i in right else "left", overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table
