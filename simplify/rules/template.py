"""Message templates of rules: `{procedure.code}` filled from the same paths conditions read.

A small formatter of our own, not `str.format`: a placeholder is a path and
nothing else (no attribute access, indexing or format specs), checked when
the pack is loaded; `{{` and `}}` stand for literal braces. Numbers are
written for people in the chosen language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..i18n import localised
from .paths import Context, Getter, compile_path

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass(frozen=True, slots=True)
class Template:
    """A compiled message: literal text and path getters, in order."""

    source: str
    parts: tuple[str | Getter, ...]
    # The literal text with a `{}` where each getter's value goes (braces doubled), and the getters in order:
    # a message is then made by one `str.format` (a national catalogue's findings have 300,000 of them).
    shape: str = field(init=False, repr=False, compare=False)
    getters: tuple[Getter, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        shape = "".join(p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else "{}" for p in self.parts)
        object.__setattr__(self, "shape", shape)
        object.__setattr__(self, "getters", tuple(p for p in self.parts if not isinstance(p, str)))

    def render(self, ctx: Context, lang: str) -> str:
        return self.shape.format(*[as_text(g(ctx), lang) for g in self.getters])


def compile_template(source: str, target: str) -> Template | tuple[str, str]:
    """The template of `source` for a rule of `target`, or (en, vi) saying what is wrong."""
    parts: list[str | Getter] = []
    pos = 0
    for m in _TOKEN.finditer(source):
        parts.append(source[pos:m.start()])
        pos = m.end()
        token = m.group(0)
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif m.group(1) is None:
            return (f"unbalanced '{token}' in a message; write '{token * 2}' for a literal brace",
                    f"dấu '{token}' không cân trong thông điệp; viết '{token * 2}' để có dấu ngoặc")
        else:
            getter = compile_path(m.group(1).strip(), target)
            if isinstance(getter, tuple):
                return getter
            parts.append(getter)
    parts.append(source[pos:])
    return Template(source, tuple(p for p in parts if p != ""))


def as_text(value: Any, lang: str) -> str:
    """A value as people read it: 1.234.567 in Vietnamese, 1,234,567 in English."""
    if type(value) is str:  # most placeholders are names and codes
        return value
    if value is None:
        return "—"
    if isinstance(value, bool):
        return ("có" if value else "không") if lang == "vi" else ("yes" if value else "no")
    if isinstance(value, tuple):
        try:  # most lists are of codes or ids, which are their own text
            return ", ".join(value)
        except TypeError:
            return ", ".join(as_text(v, lang) for v in value)
    if isinstance(value, float | int):
        return localised(f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0"), lang)
    return str(value)

