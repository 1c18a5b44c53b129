"""`check --format table`: the gate's verdict for people at a terminal, drawn with rich.

The verdict first, then the regressions and the new findings, each row
marked when it fails the run, located as the catalogue names its files;
findings the baseline already had are only counted (a national catalogue
has thousands, and they are not the change's doing).
"""

from __future__ import annotations

import io

from ..check import CheckResult, Entry, verdict
from ..i18n import t

_WORDS = {
    "regressions": ("Hồi quy so với mốc", "Regressions against the baseline"),
    "new": ("Phát hiện mới", "New findings"),
    "findings": ("Phát hiện", "Findings"),
    "fails": ("Trượt", "Fails"),
    "existing": ("{n} phát hiện đã có trong mốc so sánh, không tính.", "{n} findings already in the baseline, not counted."),
}


def _word(key: str, lang: str) -> str:
    return t(key, lang, _WORDS)


def render(result: CheckResult, lang: str = "vi", root: str = "", width: int = 140) -> str:
    """The verdict and its tables as text; locations are the catalogue's own, so `root` is not used."""
    from rich.console import Console

    out = io.StringIO()
    console = Console(file=out, width=width, highlight=False, color_system=None, emoji=False)
    console.print(verdict(result, lang))
    regressions, new = result.of("regression"), result.of("new")
    if regressions:
        console.print(_table(_word("regressions", lang), regressions, lang))
    if new:
        title = _word("new" if result.baseline else "findings", lang)
        console.print(_table(title, new, lang))
    existing = len(result.of("existing"))
    if existing:
        console.print(_word("existing", lang).format(n=existing))
    return out.getvalue()


def _table(title: str, entries: tuple[Entry, ...], lang: str):
    from rich.table import Table

    table = Table(title=f"{title} ({len(entries)})", title_justify="left")
    for key in ("fails", "rule", "severity", "procedure", "object", "message", "location"):
        label = _word(key, lang) if key == "fails" else t(key, lang)
        table.add_column(label, overflow="fold")
    for e in entries:
        item = e.item
        table.add_row("✗" if e.fails else "", item.rule, t(item.severity, lang), item.procedure or "",
                      item.key()[2] or "", item.message(lang), str(item.location))
    return table
