"""`simplify rules` lists the rules of the packs; `simplify rule CODE` explains one."""

from __future__ import annotations

import difflib
import json
import sys
from enum import Enum
from typing import Annotated

import typer

from ..i18n import t
from ..options import Lang, LangOpt, RulesOpt
from .common import EXIT_INPUT, emit

_WORDS = {
    "code": ("Mã", "Code"),
    "name": ("Tên", "Name"),
    "target": ("Áp dụng cho", "Target"),
    "title": ("Tiêu đề", "Title"),
    "message": ("Thông điệp", "Message"),
    "when": ("Điều kiện", "When"),
    "why": ("Vì sao", "Why"),
    "basis": ("Căn cứ pháp lý", "Legal basis"),
    "measure": ("Biện pháp", "Measure"),
    "example": ("Ví dụ", "Example"),
    "pack": ("Gói quy tắc", "Rule pack"),
    "no_measure": ("không có (chỉ nêu vấn đề)", "none (the finding only reports)"),
    "rules": ("Quy tắc", "Rules"),
    "document": ("giấy tờ", "document"),
    "step": ("bước", "step"),
    "fee": ("phí, lệ phí", "fee"),
    "procedure": ("thủ tục", "procedure"),
}


def _w(key: str, lang: str) -> str:
    return t(key, lang, _WORDS)


class RulesFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


def rules(
    extra: RulesOpt = None,
    lang: LangOpt = Lang.vi,
    format: Annotated[RulesFormat, typer.Option("--format", help="table (for people), json or markdown.")] = RulesFormat.table,
) -> None:
    """List the rules of the built-in and --rules packs: code, name, severity, target, title."""
    from ..rules.engine import load_rules

    found = sorted(load_rules(list(extra or [])), key=lambda r: r.code)
    if format is RulesFormat.json:
        rows = [{"code": r.code, "name": r.name, "severity": r.severity, "target": r.target,
                 "title": r.heading(lang.value), "measure": r.measure.to_yaml() if r.measure else None}
                for r in found]
        emit(json.dumps(rows, ensure_ascii=False, indent=2), None)
        return
    title = f"{_w('rules', lang.value)} ({len(found)})"
    header = [t(key, lang.value) if key == "severity" else _w(key, lang.value)
              for key in ("code", "name", "severity", "target", "title")]
    body = [(r.code, r.name, t(r.severity, lang.value), _w(r.target, lang.value), r.heading(lang.value)) for r in found]
    if format is RulesFormat.markdown:
        from ..report.markdown import table as markdown_table

        emit(f"## {title}\n\n{markdown_table(header, body)}\n", None)
        return
    import io

    from ..report.rich_table import text_console, titled_table

    out = io.StringIO()
    text_console(out, 160).print(titled_table(title, header, body))
    emit(out.getvalue(), None)


def rule(
    code: Annotated[str, typer.Argument(help="Rule code, e.g. DOC001.")],
    extra: RulesOpt = None,
    lang: LangOpt = Lang.vi,
) -> None:
    """Explain one rule: what it finds, why, its legal basis, its measure and an example."""
    from ..rules.engine import load_rules

    from ..check import REGRESSION_RULES

    found = load_rules(list(extra or []))
    by_code = {r.code: r for r in found}
    chosen = by_code.get(code.strip().upper())
    regression = REGRESSION_RULES.get(code.strip().upper())
    if chosen is None and regression is not None:  # what `check --baseline` reports, and SARIF lists as rules
        emit(explain_regression(regression, lang.value), None)
        return
    if chosen is None:
        close = difflib.get_close_matches(code.upper(), [*by_code, *REGRESSION_RULES], n=1, cutoff=0.5)
        hint = (f"; có phải ý bạn là {close[0]}?" if lang is Lang.vi else f"; did you mean {close[0]}?") if close else ""
        line = (f"không có quy tắc {code}{hint} (xem `simplify rules`)" if lang is Lang.vi
                else f"no rule {code}{hint} (see `simplify rules`)")
        sys.stderr.write(line + "\n")
        raise typer.Exit(EXIT_INPUT)
    emit(explain(chosen, lang.value), None)


def explain(r, lang: str) -> str:
    """A rule's documentation, with the same headings for every rule."""

    def section(key: str, body: str) -> list[str]:
        return ["", f"{_w(key, lang)}:"] + ["  " + line for line in body.splitlines()]

    lines = [f"{r.code} {r.name}", r.heading(lang), "",
             f"{t('severity', lang)}: {t(r.severity, lang)} · {_w('target', lang)}: {_w(r.target, lang)}"
             f" · {_w('pack', lang)}: {_shown_location(r.location)}"]
    lines += section("message", r.message.get(lang))
    lines += section("when", r.when_source)
    if r.why:
        lines += section("why", r.why.get(lang))
    if r.basis:
        lines += section("basis", "\n".join(f"- {b}" for b in r.basis))
    lines += section("measure", r.measure.describe(lang) if r.measure else _w("no_measure", lang))
    if r.example:
        lines += section("example", r.example.rstrip())
    return "\n".join(lines)


def explain_regression(r, lang: str) -> str:
    """A regression of `check --baseline`, under the same headings as a rule."""
    where = "simplify check --baseline"
    lines = [f"{r.code} {r.name}", r.heading(lang), "",
             f"{t('severity', lang)}: {t(r.severity, lang)} · {_w('pack', lang)}: {where}", "", f"{_w('why', lang)}:",
             "  " + r.why.get(lang)]
    return "\n".join(lines)


def _shown_location(where) -> str:
    """The pack's place, relative to the working folder when it lies below it."""
    import os
    from dataclasses import replace

    if where.file and os.path.isabs(where.file):
        relative = os.path.relpath(where.file)
        if not relative.startswith(".."):
            return str(replace(where, file=relative))
    return str(where)
