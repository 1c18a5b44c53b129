"""Tables for people drawn with rich: the console they are printed on, and a titled table of text rows."""

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


def text_console(out, width: int):
    """A console printing plain text into `out`: no colours, no emoji, and no markup, since catalogue text is
    printed as it is (a name with "[/b]" or "[thí điểm]" in it must neither fail nor lose its brackets)."""
    from rich.console import Console

    return Console(file=out, width=width, markup=False, highlight=False, color_system=None, emoji=False)
