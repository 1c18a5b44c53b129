"""Measures: the changes a finding suggests or a scenario writes, applied to a copy of the catalogue.

A measure names one procedure and, for the object-level actions, one of its
documents (by evidence type), steps (by id) or fees (by name). Applying it
never changes the input: the catalogue is frozen, and a measure yields new
versions of the one or two procedures it touches (`measure_changes`), which
is also what lets the rule engine price a measure by re-costing only those.
`set_*` values are checked against the model's field metadata by the same
builder that checks catalogue files, so a scenario cannot put into the model
what a catalogue file could not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .catalog.build import Builder, fields_of
from .catalog.raw import RawMap
from .model import NOWHERE, Catalog, Document, Fee, Location, Procedure, Step, evolve, first_applicant_step, resolve_procedure

ACTIONS = (
    "abolish", "merge", "remove_document", "set_document", "remove_step", "set_step",
    "remove_fee", "set_fee", "set_procedure",
)

# The model class a set_* action edits, and the key that identifies the object (not settable).
_SET_TARGETS: dict[str, tuple[type, str]] = {
    "set_document": (Document, "evidence"),
    "set_step": (Step, "id"),
    "set_fee": (Fee, "name"),
    "set_procedure": (Procedure, "code"),
}
# Keys that hold structure (other steps, other objects), not a property of the object itself.
_STRUCTURAL = {"step", "after"}

# A document measure's value naming which of several documents of the same evidence type it is
# about (1 for the first asked); without it, a measure is about every document of that type.
OCCURRENCE = "occurrence"


@dataclass(frozen=True, slots=True)
class Measure:
    """One change to a catalogue: abolish or merge a procedure, remove or set one of its parts."""

    action: str
    procedure: str
    evidence: str | None = None
    step: str | None = None
    fee: str | None = None
    into: str | None = None
    values: tuple[tuple[str, Any], ...] = ()
    location: Location = field(default=NOWHERE, compare=False)

    def to_yaml(self) -> dict:
        """The measure as a scenario file writes it."""
        if self.action == "abolish":
            return {"abolish": self.procedure}
        if self.action == "merge":
            return {"merge": {"from": self.procedure, "into": self.into}}
        body: dict[str, Any] = {"procedure": self.procedure}
        for key, value in (("evidence", self.evidence), ("step", self.step), ("name", self.fee)):
            if value is not None:
                body[key] = value
        body.update((key, thaw(value)) for key, value in self.values)
        return {self.action: body}

    def describe(self, lang: str = "vi") -> str:
        """One line for people."""
        vi, en = _DESCRIPTIONS[self.action]
        values = dict(self.values)
        nth = values.pop(OCCURRENCE, None)
        document = f"'{self.evidence}'"
        if nth is not None:
            document += f" (lần thứ {nth})" if lang == "vi" else f" ({_ordinal(nth)} time asked)"
        changes = ", ".join((_SAID_VI.get((key, value)) if lang == "vi" else None) or f"{key} = {_shown(value)}"
                            for key, value in values.items())
        return (vi if lang == "vi" else en).format(
            p=self.procedure, e=document, s=self.step, f=self.fee, into=self.into, changes=changes)


_DESCRIPTIONS = {
    "abolish": ("Bãi bỏ thủ tục {p}", "Abolish procedure {p}"),
    "merge": ("Gộp thủ tục {p} vào thủ tục {into}", "Merge procedure {p} into {into}"),
    "remove_document": ("Bỏ giấy tờ {e} khỏi thủ tục {p}", "Stop asking for {e} in {p}"),
    "set_document": ("Giấy tờ {e} của thủ tục {p}: {changes}", "Document {e} of {p}: {changes}"),
    "remove_step": ("Bỏ bước '{s}' của thủ tục {p}", "Drop step '{s}' of {p}"),
    "set_step": ("Bước '{s}' của thủ tục {p}: {changes}", "Step '{s}' of {p}: {changes}"),
    "remove_fee": ("Bỏ khoản phí '{f}' của thủ tục {p}", "Drop fee '{f}' of {p}"),
    "set_fee": ("Khoản phí '{f}' của thủ tục {p}: {changes}", "Fee '{f}' of {p}: {changes}"),
    "set_procedure": ("Thủ tục {p}: {changes}", "Procedure {p}: {changes}"),
}


# The changes rules suggest most, said in Vietnamese (others read `key = value`).
_SAID_VI = {
    ("online", True): "cho phép làm trực tuyến", ("online", False): "không làm trực tuyến",
    ("in_person", True): "phải có mặt trực tiếp", ("in_person", False): "không phải có mặt trực tiếp",
    ("certified", False): "không yêu cầu chứng thực", ("certified", True): "yêu cầu chứng thực",
    ("payable_online", True): "cho phép nộp phí trực tuyến", ("payable_online", False): "không nộp phí trực tuyến",
    ("essential", True): "là dịch vụ công thiết yếu",
}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, tuple):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def freeze(value: Any) -> Any:
    """A hashable copy of a YAML value (lists become tuples), so measures can be compared and keyed."""
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple((str(k), freeze(v)) for k, v in value.items())
    return value


def thaw(value: Any) -> Any:
    """The YAML form of a frozen value."""
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


# -- checking -------------------------------------------------------------


def settable_keys(action: str) -> tuple[str, ...]:
    """The keys a set_* action may change, in the format's order."""
    cls, identity = _SET_TARGETS[action]
    return tuple(
        name for name, f in fields_of(cls).items()
        if name != identity and name not in _STRUCTURAL and f.metadata["kind"] != "list"
    )


def measure_problem(catalog: Catalog, m: Measure) -> tuple[str, str] | None:
    """(en, vi) saying why `m` cannot apply to `catalog`, or None when it can."""
    return check_measure({p.code: p for p in catalog.procedures}, m)


def check_measure(procedures: Mapping[str, Procedure | None], m: Measure) -> tuple[str, str] | None:
    """`measure_problem` over procedures by code (a dropped one is None), for callers applying many."""
    if m.action not in ACTIONS:
        return (f"unknown measure '{m.action}'; known: {', '.join(ACTIONS)}",
                f"biện pháp không xác định '{m.action}'; các biện pháp: {', '.join(ACTIONS)}")
    p = procedures.get(m.procedure)
    if p is None:
        return f"there is no procedure '{m.procedure}'", f"không có thủ tục '{m.procedure}'"
    if m.action == "merge":
        return _merge_problem(procedures, m)
    found = _object_problem(p, m)
    if found is not None:
        return found
    if m.action in _SET_TARGETS:
        return typed_values(m)[1]
    if any(key != OCCURRENCE or m.action != "remove_document" for key, _ in m.values):
        return f"'{m.action}' takes no values", f"'{m.action}' không nhận giá trị nào"
    return None


def _merge_problem(procedures: Mapping[str, Procedure], m: Measure) -> tuple[str, str] | None:
    if m.into is None:
        return "merge names no procedure to merge into", "gộp mà không nêu thủ tục nhận"
    if procedures.get(m.into) is None:
        return f"there is no procedure '{m.into}' to merge into", f"không có thủ tục '{m.into}' để gộp vào"
    if m.into == m.procedure:
        return f"procedure '{m.procedure}' cannot be merged into itself", f"thủ tục '{m.procedure}' không thể gộp vào chính nó"
    return None


def _object_problem(p: Procedure, m: Measure) -> tuple[str, str] | None:
    if m.action.endswith("_document"):
        return _document_problem(p, m)
    if m.action.endswith("_step") and not any(s.id == m.step for s in p.steps):
        return f"{p.code} has no step '{m.step}'", f"{p.code} không có bước '{m.step}'"
    if m.action.endswith("_fee") and not any(f.name == m.fee for f in p.fees):
        return f"{p.code} has no fee '{m.fee}'", f"{p.code} không có khoản phí '{m.fee}'"
    return None


def _document_problem(p: Procedure, m: Measure) -> tuple[str, str] | None:
    asked = sum(1 for d in p.documents if d.evidence == m.evidence)
    if asked == 0:
        return f"{p.code} does not ask for '{m.evidence}'", f"{p.code} không yêu cầu giấy tờ '{m.evidence}'"
    nth = occurrence(m)
    if nth is None:
        return None
    if not isinstance(nth, int) or isinstance(nth, bool) or nth < 1:
        return (f"'{OCCURRENCE}' must be a whole number from 1, not {nth!r}",
                f"'{OCCURRENCE}' phải là số nguyên từ 1, không phải {nth!r}")
    if nth > asked:
        return (f"{p.code} asks for '{m.evidence}' {asked} time(s), not {nth}",
                f"{p.code} yêu cầu '{m.evidence}' {asked} lần, không phải {nth}")
    return None


class _Values(RawMap):
    """A measure's values seen as a raw record, so the catalogue builder can check them."""

    __slots__ = ("where",)

    def loc(self) -> Location:
        return self.where


def typed_values(m: Measure) -> tuple[dict[str, Any], tuple[str, str] | None]:
    """The changes of a set_* measure converted to the model's types, or ({}, the first problem)."""
    # A rule's measure is applied and priced for each of thousands of findings: convert its values once.
    # repr() is part of the key because 1, 1.0 and True are equal as keys but not as values.
    typed, problem = _typed_values(m.action, repr(m.values), m.values)
    return dict(typed), problem


@lru_cache(maxsize=1024)
def _typed_values(action: str, _shown: str, values: tuple) -> tuple[dict[str, Any], tuple[str, str] | None]:
    changes = [(k, v) for k, v in values if not (k == OCCURRENCE and action == "set_document")]
    if not changes:
        return {}, (f"'{action}' changes nothing: give at least one key", f"'{action}' không thay đổi gì: hãy nêu ít nhất một khóa")
    cls, _ = _SET_TARGETS[action]
    spec = fields_of(cls)
    allowed = settable_keys(action)
    raw = _Values(changes)
    raw.where = NOWHERE  # only the problem's words are returned, never its location
    builder = Builder()
    typed: dict[str, Any] = {}
    for key, value in changes:
        if key not in allowed:
            return {}, (f"'{action}' cannot set '{key}'; it can set: {', '.join(allowed)}",
                        f"'{action}' không sửa được '{key}'; các khóa sửa được: {', '.join(allowed)}")
        f = spec[key]
        if value is None:
            if f.metadata["required"]:
                return {}, (f"'{key}' cannot be empty", f"'{key}' không được để trống")
            typed[key] = f.default
            continue
        converted = builder.convert(f, thaw(value), raw, key)
        if builder.diagnostics:
            d = builder.diagnostics[0]
            return {}, (d.en, d.vi)
        typed[key] = converted
    return typed, None


# -- applying -------------------------------------------------------------


def apply_measure(catalog: Catalog, m: Measure) -> Catalog:
    """A new catalogue with `m` applied; ValueError if `m` cannot apply."""
    return apply_measures(catalog, (m,))


def apply_measures(catalog: Catalog, measures: Iterable[Measure]) -> Catalog:
    """A new catalogue with `measures` applied in order; ValueError at the first that cannot apply."""
    procedures = {p.code: p for p in catalog.procedures}
    for m in measures:
        problem = check_measure(procedures, m)
        if problem is not None:
            raise ValueError(f"{m.location}: {problem[0]}")
        procedures.update(measure_changes(procedures, m))
    kept = tuple(p for p in procedures.values() if p is not None)
    return catalog.with_procedures(kept)


def measure_changes(procedures: Mapping[str, Procedure | None], m: Measure) -> dict[str, Procedure | None]:
    """The procedures `m` changes, by code, as they are after it (None for a dropped one).

    `m` must be valid for `procedures` (see `measure_problem`).
    """
    p = procedures[m.procedure]
    if m.action == "abolish":
        return {p.code: None}
    if m.action == "merge":
        return {p.code: None, m.into: _merged(p, procedures[m.into])}
    edited = evolve(p, **measure_edit(p, m))
    if resolves_defaults(m):
        edited = resolve_procedure(edited, {})
    return {p.code: edited}


def others_changed(m: Measure) -> tuple[str, ...]:
    """The procedures besides its own that `m` may change (`measure_changes`): the one a merge goes into."""
    return (m.into,) if m.action == "merge" else ()


def measure_edit(p: Procedure, m: Measure) -> dict[str, Any]:
    """The fields of `p` an object-level measure `m` replaces, with their new values.

    Before `resolves_defaults` work out the dependent defaults again; the rule
    engine prices a measure from these parts without building the procedure.
    """
    return _EDITS[m.action](p, m)


def resolves_defaults(m: Measure) -> bool:
    """Whether the dependent defaults are worked out again after `m` (a removed step, a value set back to its default)."""
    return m.action == "remove_step" or any(value is None for _, value in m.values)


def occurrence(m: Measure) -> Any:
    """Which document of its evidence type a document measure is about (its OCCURRENCE value), or None."""
    for key, value in reversed(m.values):  # the last, as a dict of them would say
        if key == OCCURRENCE:
            return value
    return None


def chosen_documents(p: Procedure, m: Measure) -> list[bool]:
    """For each document of `p`, whether the document measure `m` is about it."""
    nth = occurrence(m)
    if nth is None:  # most measures: every document of the type
        evidence = m.evidence
        return [d.evidence == evidence for d in p.documents]
    seen = 0
    chosen = []
    for d in p.documents:
        seen += d.evidence == m.evidence
        chosen.append(d.evidence == m.evidence and seen == nth)
    return chosen


def _remove_document(p: Procedure, m: Measure) -> dict[str, Any]:
    return {"documents": tuple(d for d, hit in zip(p.documents, chosen_documents(p, m)) if not hit)}


def _set_document(p: Procedure, m: Measure) -> dict[str, Any]:
    values = typed_values(m)[0]
    return {"documents": tuple(evolve(d, **values) if hit else d for d, hit in zip(p.documents, chosen_documents(p, m)))}


def _remove_step(p: Procedure, m: Measure) -> dict[str, Any]:
    gone = next(s for s in p.steps if s.id == m.step)

    def after(s: Step) -> tuple[str, ...] | None:
        # Steps that waited for the removed one now wait for what it waited for, so the graph stays joined.
        if s.after is None or gone.id not in s.after:
            return s.after
        inherited = [a for a in s.after if a != gone.id] + [a for a in gone.after or () if a not in s.after]
        return tuple(inherited)

    steps = tuple(evolve(s, after=after(s)) for s in p.steps if s.id != gone.id)
    docs = tuple(evolve(d, step=None) if d.step == gone.id else d for d in p.documents)
    waivers = tuple(w for w in p.waivers if w.step != gone.id)
    return {"steps": steps, "documents": docs, "waivers": waivers}


def _set_step(p: Procedure, m: Measure) -> dict[str, Any]:
    values = typed_values(m)[0]
    return {"steps": tuple(evolve(s, **values) if s.id == m.step else s for s in p.steps)}


def _remove_fee(p: Procedure, m: Measure) -> dict[str, Any]:
    return {"fees": tuple(f for f in p.fees if f.name != m.fee)}


def _set_fee(p: Procedure, m: Measure) -> dict[str, Any]:
    values = typed_values(m)[0]
    return {"fees": tuple(evolve(f, **values) if f.name == m.fee else f for f in p.fees)}


def _set_procedure(p: Procedure, m: Measure) -> dict[str, Any]:
    return typed_values(m)[0]


_EDITS = {
    "remove_document": _remove_document,
    "set_document": _set_document,
    "remove_step": _remove_step,
    "set_step": _set_step,
    "remove_fee": _remove_fee,
    "set_fee": _set_fee,
    "set_procedure": _set_procedure,
}


def _merged(dropped: Procedure, consumer: Procedure) -> Procedure:
    """The consumer after `dropped` is merged into it (analysis.md section 4, `merge_into`)."""
    issued = {o.evidence for o in dropped.outputs}
    asked = {d.evidence for d in consumer.documents}
    at = first_applicant_step(consumer.steps)
    added: list[Document] = []
    for d in dropped.documents:
        if d.evidence not in asked and d.evidence not in issued:
            asked.add(d.evidence)
            added.append(evolve(d, step=at))
    kept = tuple(d for d in consumer.documents if d.evidence not in issued)
    # What the dropped procedure issued for others is now issued by the merged one.
    outputs = consumer.outputs + tuple(
        o for o in dropped.outputs if o.evidence not in {x.evidence for x in consumer.outputs}
    )
    return evolve(consumer, documents=kept + tuple(added), outputs=outputs)
