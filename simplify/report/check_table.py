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
    "fails": ("Không đạt", "Fails"),
    "existing": ("{n} phát hiện đã có trong mốc so sánh, không tính.", "{n} findings already in the baseline, not counted."),
}


def _word(key: str, lang: str) -> str:
    return t(key, lang, _WORDS)


def render(result: CheckResult, lang: str = "vi", root: str = "", width: int = 140) -> str:
    """The verdict and its tables as text; locations are the catalogue's own, so `root` is not used."""
    from .rich_table import text_console, titled_table

    out = io.StringIO()
    console = text_console(out, width)
    console.print(verdict(result, lang))
    for title, header, rows in sections(result, lang):
        console.print(titled_table(title, header, rows))
    existing = existing_line(result, lang)
    if existing:
        console.print(existing)
    return out.getvalue()


def sections(result: CheckResult, lang: str) -> list[tuple[str, list[str], list[tuple[str, ...]]]]:
    """(title, header, rows) of the regressions and of the new findings (all findings without a baseline),
    those that are there; shared by the table and the Markdown."""
    found = []
    regressions, new = result.of("regression"), result.of("new")
    if regressions:
        found.append(_section(_word("regressions", lang), regressions, lang))
    if new:
        found.append(_section(_word("new" if result.baseline else "findings", lang), new, lang))
    return found


def existing_line(result: CheckResult, lang: str) -> str | None:
    """How many findings the baseline already had (only counted), or None."""
    existing = len(result.of("existing"))
    return _word("existing", lang).format(n=existing) if existing else None


def _section(title: str, entries: tuple[Entry, ...], lang: str) -> tuple[str, list[str], list[tuple[str, ...]]]:
    header = [_word(key, lang) if key == "fails" else t(key, lang)
              for key in ("fails", "rule", "severity", "procedure", "object", "message", "location")]
    rows = [("✗" if e.fails else "", e.item.rule, t(e.item.severity, lang), e.item.procedure or "",
             e.item.key()[2] or "", e.item.message(lang), str(e.item.location)) for e in entries]
    return f"{title} ({len(entries)})", header, rows
