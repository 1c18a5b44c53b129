"""The content of `simplify diff` for people, shared by its table and markdown writers.

Plain already-formatted text (a summary line, one row per changed
procedure, one line per changed part), so that each writer only decides
layout. Money is whole dong; a delta carries its sign.
"""

from __future__ import annotations

from ..diff import CatalogDiff, ProcedureChange
from ..i18n import localised, money, number, printable, t, whole

_WORDS = {
    "added": ("thêm", "added"),
    "removed": ("bỏ", "removed"),
    "changed": ("sửa", "changed"),
    "document": ("Giấy tờ", "Documents"),
    "step": ("Bước", "Steps"),
    "fee": ("Phí, lệ phí", "Fees"),
    "fields": ("Thông tin thủ tục sửa", "Procedure keys changed"),
    "code": ("Mã TTHC", "Code"),
    "name": ("Tên thủ tục", "Name"),
    "status": ("Thay đổi", "Change"),
    "cost_per_dossier": ("Chi phí/hồ sơ", "Cost per dossier"),
    "annual_cost": ("Chi phí/năm", "Annual cost"),
    "none": ("Không có thủ tục nào thay đổi.", "No procedure changed."),
}
HEADER_KEYS = ("code", "name", "status", "cost_per_dossier", "annual_cost")


def word(key: str, lang: str) -> str:
    return t(key, lang, _WORDS)


def signed(value: float, lang: str) -> str:
    """A delta in whole dong: +1.000, −1.000 or 0."""
    rounded = whole(value)
    sign = "+" if rounded > 0 else "−" if rounded < 0 else ""
    return sign + money(abs(rounded), lang)


def before_after(pair: tuple[float | None, float | None], lang: str) -> str:
    """'146.000 → 268.000 (+122.000)'; a side that does not exist is a dash."""
    before, after = pair
    return f"{money(before, lang)} → {money(after, lang)} ({signed((after or 0.0) - (before or 0.0), lang)})"


def header(lang: str) -> list[str]:
    return [word(key, lang) for key in HEADER_KEYS]


def summary_line(d: CatalogDiff, lang: str) -> str:
    """Procedures before and after, how many added, removed and changed, and the annual cost."""
    cost = before_after((d.annual_cost_before, d.annual_cost_after), lang)
    if lang == "vi":
        return (f"{d.procedures_before} → {d.procedures_after} thủ tục: {d.count('added')} thêm, "
                f"{d.count('removed')} bỏ, {d.count('changed')} sửa; chi phí tuân thủ/năm {cost} đồng")
    return (f"{d.procedures_before} → {d.procedures_after} procedures: {d.count('added')} added, "
            f"{d.count('removed')} removed, {d.count('changed')} changed; annual compliance cost VND {cost}")


def procedure_rows(d: CatalogDiff, lang: str) -> list[tuple[str, ...]]:
    """One row per procedure that differs: code, name, change, cost per dossier and annual cost."""
    return [(c.code, c.name, word(c.status, lang), before_after(c.cost_per_dossier, lang),
             before_after(c.annual_cost, lang)) for c in d.changes]


def detail_lines(c: ProcedureChange, lang: str) -> list[str]:
    """What changed inside one procedure, a line per kind of part and per status."""
    lines = []
    if c.fields:
        lines.append(f"{word('fields', lang)}: {_changes(c.fields, c.values, lang)}")
    for kind in ("document", "step", "fee"):
        parts = c.of(kind)
        for status in ("added", "removed", "changed"):
            named = [p.id + (f" ({_changes(p.fields, p.values, lang)})" if p.fields else "")
                     for p in parts if p.status == status]
            if named:
                lines.append(f"{word(kind, lang)} {word(status, lang)}: {', '.join(named)}")
    return lines


def _changes(fields: tuple[str, ...], values: tuple[tuple, ...], lang: str) -> str:
    """Each key that changed, with its value before and after where it is a plain one: `online: false → true`."""
    return ", ".join(f"{key}: {_plain(was, lang)} → {_plain(now, lang)}"
                     if _is_plain(was) and _is_plain(now) else key for key, (was, now) in zip(fields, values))


def _is_plain(value) -> bool:
    return value is None or isinstance(value, (str, int, float)) or (
        isinstance(value, tuple) and all(isinstance(v, str) for v in value))


def _plain(value, lang: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not value.is_integer():  # every digit it has: 0.601 → 0.604 is a change
        return localised(f"{value:,}", lang)
    if isinstance(value, (int, float)):
        return number(value, lang)
    if isinstance(value, tuple):
        return "[" + "; ".join(printable(v) for v in value) + "]"
    return printable(value)
