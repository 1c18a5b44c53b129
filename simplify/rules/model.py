"""What a rule is once its pack is loaded: checked, with its condition and messages compiled.

A rule finds one kind of problem on one kind of object (its `target`) and
may carry the measure that removes it. Its texts for people come in
Vietnamese and English; `why`, `basis` and `example` explain it
(`simplify rule CODE`), the way each ruff rule documents itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..measures import thaw
from ..model import NOWHERE, Location
from .conditions import Predicate
from .template import Template

SEVERITIES = ("error", "warning", "info")
MEASURES = ("remove", "set", "abolish", "merge_into")


@dataclass(frozen=True, slots=True)
class Text:
    """A text for people in both languages."""

    vi: str
    en: str

    def get(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


@dataclass(frozen=True, slots=True)
class MeasureSpec:
    """The measure a rule suggests: `remove`, `set` (with values), `abolish` or `merge_into` its consumer."""

    action: str
    values: tuple[tuple[str, Any], ...] = ()

    def to_yaml(self) -> Any:
        """As a rule pack writes it."""
        if self.action == "set":
            return {"set": {key: thaw(value) for key, value in self.values}}
        if self.action == "merge_into":
            return {"merge_into": "consumer"}
        return self.action

    def describe(self, lang: str) -> str:
        """One line for people."""
        vi, en = _SPEC_WORDS[self.action]
        changes = ", ".join(f"{key} = {_yaml_scalar(value)}" for key, value in self.values)
        return (vi if lang == "vi" else en).format(changes=changes)


_SPEC_WORDS = {
    "remove": ("bỏ đối tượng được phát hiện", "remove the object found"),
    "set": ("sửa: {changes}", "set {changes}"),
    "abolish": ("bãi bỏ thủ tục", "abolish the procedure"),
    "merge_into": ("gộp vào thủ tục duy nhất dùng kết quả của nó", "merge into the one procedure that uses its outputs"),
}


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(thaw(value))


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a pack."""

    code: str
    name: str
    severity: str
    target: str
    when: Predicate = field(compare=False, repr=False)
    when_source: str = ""             # the condition as written, shown by `simplify rule`
    measure: MeasureSpec | None = None
    message: Text = Text("", "")      # the templates as written
    templates: tuple[Template, Template] | None = field(default=None, compare=False, repr=False)  # vi, en
    why: Text | None = None
    basis: tuple[str, ...] = ()
    title: Text | None = None
    example: str | None = None
    location: Location = field(default=NOWHERE, compare=False)

    def heading(self, lang: str) -> str:
        """The one-line title, or the name when the pack gives none."""
        return self.title.get(lang) if self.title else self.name
