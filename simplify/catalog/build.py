"""Turn raw records into model objects, reporting every problem located.

One builder serves every input form: it walks the format fields of the
model (`simplify.model`), so the rules of the spec's validation table (E102
to E107, W101, W102) are written once. Records from a spreadsheet are
`lenient`: their cells are text, so "có", "2.5" and "a; b" are accepted
where YAML would already have typed them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from ..diagnostics import Diagnostic, diag
from ..model import (
    BOOL, DATE, ID_PATTERN, INT, LEGAL, NAME_PATTERN, NUMBER, SHARE, STR, STRLIST,
    NOWHERE, CatalogInfo, Database, Document, EvidenceType, LegalRef, Location, Procedure, Step,
    document_defaults, first_applicant_step, format_fields, resolve_procedure, step_defaults,
)
from .. import steps as step_graph
from ..metrics import METRICS, SHARE_METRICS
from .raw import RawList, RawMap

MAX_NUMBER = 1e15  # larger values are typos or attacks, and would overflow sums downstream
# An empty list in a workbook cell: an empty cell means the default, which for `channels` is [counter].
EMPTY_LIST_CELL = "[]"
# Text a workbook cell keeps as written, as YAML does: names, titles and bases round-trip byte for byte. Ids,
# codes, choices and references lose the spaces typing leaves around them.
VERBATIM_KEYS = frozenset({"name", "name_en", "ministry", "agency", "sector", "in_person_basis", "required_by",
                           "reason", "legal_basis", "version", "jurisdiction", "title", "issuer", "ref"})
TRUE_WORDS = {"true", "yes", "có", "co", "x", "1", "đúng", "y"}
FALSE_WORDS = {"false", "no", "không", "khong", "0", "sai", "n"}  # an empty cell is the default, never "no"
_WORDS = {**dict.fromkeys(FALSE_WORDS, False), **dict.fromkeys(TRUE_WORDS, True)}  # lower-case word -> its value

_FIELDS: dict[type, dict[str, Any]] = {}


_REQUIRED: dict[type, tuple[str, ...]] = {}


def _required(cls: type) -> tuple[str, ...]:
    found = _REQUIRED.get(cls)
    if found is None:
        found = _REQUIRED[cls] = tuple(name for name, f in fields_of(cls).items() if f.metadata["required"])
    return found


def fields_of(cls: type) -> dict[str, Any]:
    """Format fields of a model class by key (cached: it is asked for every record)."""
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = {f.name: f for f in format_fields(cls)}
    return found


class Builder:
    """Builds model objects from raw records, collecting diagnostics."""

    def __init__(self, evidence: dict[str, EvidenceType] | None = None, databases: set[str] | None = None):
        self.evidence = evidence or {}
        self.databases = databases or set()
        self.diagnostics: list[Diagnostic] = []
        # Raw record of each object built since the last procedure, so that a
        # reference problem found on the model points at the offending value.
        self._raw_of: dict[int, RawMap] = {}
        # The first applicant step of the procedure being built, once its steps are (a document's default step).
        self._first_step: str | None | object = _UNKNOWN

    def report(self, code: str, where: Location, en: str, vi: str) -> None:
        self.diagnostics.append(diag(code, where, en, vi))

    # -- generic records -------------------------------------------------

    def record(self, cls: type, raw: Any, where: Location, what: str) -> Any | None:
        """An instance of `cls` from a raw mapping, or None if it cannot be made."""
        values, complete = self.values(cls, raw, where, what)
        return self.made(cls, values, raw) if complete else None

    def values(self, cls: type, raw: Any, where: Location, what: str) -> tuple[dict[str, Any], bool]:
        """The checked values of a raw mapping's fields, each problem reported, and whether every required
        one is there (never when `raw` is not a mapping)."""
        if not isinstance(raw, RawMap):
            self.report("E102", where, f"{what} must be a mapping of keys to values",
                        f"{_WHAT_VI.get(what, what)} phải là một ánh xạ khóa: giá trị")
            return {}, False
        spec = fields_of(cls)
        lenient = raw.lenient
        accept = _ACCEPT.get((cls, lenient)) or _acceptors(cls, lenient)
        values: dict[str, Any] = {}
        for key, value in raw.items():
            take = accept.get(key)  # most values pass their field's quick check
            if take is not None and value is not None and not (lenient and value == ""):
                converted = take(value)
                if converted is not _INVALID:
                    values[key] = converted
                    continue
            f = spec.get(key)
            if f is None:
                self.unknown_key(raw, key, spec)
                continue
            if value is None or (lenient and value == ""):
                continue
            converted = self.convert(f, value, raw, key)
            if converted is not _INVALID:
                values[key] = converted
        complete = True
        for name in _required(cls):
            value = values.get(name)
            if value is not None and not (isinstance(value, str) and not value.strip()):  # spaces are empty
                continue
            if name in values:
                self.report("E102", raw.value_loc(name), f"'{name}' must not be empty", f"'{name}' không được để trống")
            elif raw.get(name) in (None, ""):
                self.report("E103", raw.loc(), f"required key '{name}' is missing from {what}",
                            f"{_WHAT_VI.get(what, what)} thiếu khóa bắt buộc '{name}'")
            complete = False
        return values, complete

    def made(self, cls: type, values: dict[str, Any], raw: RawMap) -> Any:
        # Located at the key that names it (where a duplicate is reported), which is most often the first.
        named_by = _NAMED_BY.get(cls)
        obj = cls(**values, location=raw.loc() if named_by is None else raw.named_loc(named_by))
        self._raw_of[id(obj)] = raw
        return obj

    def where(self, obj: Any, key: str) -> Location:
        """The location of `obj`'s value for `key`, else of `obj`."""
        raw = self._raw_of.get(id(obj))
        return raw.value_loc(key) if raw is not None and key in raw else obj.location

    def unknown_key(self, raw: RawMap, key: Any, spec: dict[str, Any]) -> None:
        known = list(spec)
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
        hint_en = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(known)}"
        hint_vi = f"; có phải ý bạn là '{close[0]}'?" if close else f"; các khóa hợp lệ: {', '.join(known)}"
        self.report("E104", raw.key_loc(key), f"unknown key '{key}'{hint_en}", f"khóa không xác định '{key}'{hint_vi}")

    def convert(self, f: Any, value: Any, raw: RawMap, key: str) -> Any:
        """The value of one field, checked against its kind; _INVALID after reporting."""
        kind = f.metadata["kind"]
        def where() -> Location:  # located only when a problem is reported
            return raw.value_loc(key)

        if kind == "list":
            return self.items(f.metadata["item"], value, raw, key)
        if kind == STRLIST:
            return self._strlist(f, value, raw, key, where)
        if kind == LEGAL:
            return self._legal(value, raw, key, where)
        if kind == "baseline":
            return self._baseline(value, where)
        return self.scalar(kind, f, value, raw.lenient, key, where)

    def scalar(self, kind: str, f: Any, value: Any, lenient: bool, key: str, where: Callable[[], Location]) -> Any:
        if kind in (NUMBER, INT, SHARE):
            number = _number(value, lenient)
            if number is None:
                return self._wrong(where, key, value, "a number", "một số")
            if math.isnan(number) or math.isinf(number) or abs(number) > MAX_NUMBER:
                return self._wrong(where, key, value, f"a finite number below {MAX_NUMBER:.0e}", f"một số hữu hạn nhỏ hơn {MAX_NUMBER:.0e}")
            if number < 0:
                return self._wrong(where, key, value, "zero or more", "một số không âm")
            if kind == SHARE and number > 1:
                return self._wrong(where, key, value, "a share between 0 and 1", "một tỷ lệ từ 0 đến 1")
            if kind == INT:
                if number != int(number):
                    return self._wrong(where, key, value, "a whole number", "một số nguyên")
                return int(number)
            return float(number)
        if kind == BOOL:
            flag = _boolean(value)
            if flag is None:
                return self._wrong(where, key, value, "true or false", "true hoặc false (có/không)")
            return flag
        # STR and DATE
        if value is None or isinstance(value, bool) or isinstance(value, (dict, list)):
            return self._wrong(where, key, value, "text", "văn bản")
        if isinstance(value, (int, float)):
            if key == "code":
                if lenient:  # a spreadsheet cell: the fix is the cell's format, not quotes
                    self.report("E102", where(),
                                f"the code {value} is a number cell, which loses digits; format the cell as Text and type it again",
                                f"mã {value} là ô kiểu số và có thể mất chữ số; hãy định dạng ô là Văn bản (Text) rồi nhập lại")
                else:
                    self.report("E102", where(),
                                f"'code: {value}' was read as a number, which loses digits; quote it: code: \"{value}\"",
                                f"'code: {value}' bị đọc thành số và có thể mất chữ số; hãy đặt trong ngoặc kép: code: \"{value}\"")
                return _INVALID
            value = str(int(value)) if isinstance(value, float) and value.is_integer() and lenient else str(value)
        text = value.strip() if lenient and key not in VERBATIM_KEYS else value
        choices = f.metadata["choices"] if f is not None else None
        if choices and text not in choices:
            return self._wrong(where, key, value, "one of " + ", ".join(choices), "một trong " + ", ".join(choices))
        pattern = f.metadata["pattern"] if f is not None else None
        if pattern and not _matches(pattern, text):
            return self._wrong(where, key, value, *_PATTERN_WORDS[pattern])
        if kind == DATE and not is_date(text):
            return self._wrong(where, key, value, "a date such as 2024-06-30 (or 30/06/2024)", "một ngày như 2024-06-30 (hoặc 30/06/2024)")
        return text

    def _wrong(self, where: Callable[[], Location], key: str, value: Any, expected_en: str, expected_vi: str) -> Any:
        shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
        self.report("E102", where(), f"'{key}' must be {expected_en}, not {shown}",
                    f"'{key}' phải là {expected_vi}, không phải {shown}")
        return _INVALID

    def items(self, cls: type, value: Any, raw: RawMap, key: str) -> tuple:
        if not isinstance(value, list):
            self._wrong(lambda: raw.value_loc(key), key, value, "a list", "một danh sách")
            return ()
        fill = _FILLS.get(cls)
        built: list = []
        for i, item in enumerate(value):
            # Records locate themselves (`where` is only read for an item that is not one).
            where = NOWHERE if isinstance(item, RawMap) else _item_where(value, i, lambda: raw.value_loc(key))()
            values, complete = self.values(cls, item, where, f"{key}[{i + 1}]")
            if complete:
                if fill is not None:
                    values.update(fill(self, values, built))
                built.append(self.made(cls, values, item))
        if cls is Step:
            self._first_step = first_applicant_step(built)
        return tuple(built)

    def _strlist(self, f: Any, value: Any, raw: RawMap, key: str, where: Callable[[], Location]) -> Any:
        if raw.lenient and value == EMPTY_LIST_CELL:
            return ()
        if isinstance(value, str):
            value = [v.strip() for v in value.split(";") if v.strip()] if raw.lenient else [value]
        elif isinstance(value, (int, float)) and not isinstance(value, bool):  # `after: 1`, steps numbered 1, 2, 3
            value = [value]
        if not isinstance(value, list):
            return self._wrong(where, key, value, "a list of names", "một danh sách tên")
        out = []
        for i, item in enumerate(value):
            text = self.scalar(STR, f, item, raw.lenient, key, _item_where(value, i, where))
            if text is not _INVALID:
                out.append(text)
        return tuple(out)

    def _legal(self, value: Any, raw: RawMap, key: str, where: Callable[[], Location]) -> Any:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(";") if v.strip()] if raw.lenient else [value]
        if not isinstance(value, list):
            return self._wrong(where, key, value, "a list of legal references", "một danh sách căn cứ pháp lý")
        refs = []
        for i, item in enumerate(value):
            item_where = _item_where(value, i, where)
            if isinstance(item, RawMap):
                ref = self.record(LegalRef, item, item_where(), f"{key}[{i + 1}]")
            elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
                ref = LegalRef(ref=str(item))
            else:
                ref = self._wrong(item_where, key, item, "a reference or {ref, title, date, issuer}", "một căn cứ hoặc {ref, title, date, issuer}")
            if isinstance(ref, LegalRef):
                refs.append(ref)
        return tuple(refs)

    def _baseline(self, value: Any, where: Callable[[], Location]) -> Any:
        if not isinstance(value, RawMap):
            return self._wrong(where, "baseline", value, "a mapping of metric: value", "một ánh xạ chỉ số: giá trị")
        pairs = []
        for metric, figure in value.items():
            if metric not in _BASELINE_KEYS:
                self.unknown_key(value, metric, _BASELINE_KEYS)
                continue
            if figure is None:  # written without a value: not given, as anywhere else
                continue
            kind = DATE if metric == "date" else SHARE if metric in SHARE_METRICS else NUMBER
            checked = self.scalar(kind, None, figure, value.lenient, f"baseline.{metric}",
                                  lambda metric=metric: value.value_loc(metric))
            if checked is not _INVALID:
                pairs.append((str(metric), checked))
        return tuple(pairs)

    # -- catalogue objects ------------------------------------------------

    def catalog_info(self, raw: Any, where: Location) -> CatalogInfo | None:
        return self.record(CatalogInfo, raw, where, "catalog")

    def evidence_types(self, raw: Any, where: Location) -> list[EvidenceType]:
        return self._unique(self._list(EvidenceType, raw, where, "evidence_types"), "evidence type")

    def databases_of(self, raw: Any, where: Location) -> list[Database]:
        return self._unique(self._list(Database, raw, where, "databases"), "database")

    def _list(self, cls: type, raw: Any, where: Location, key: str) -> list:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self._wrong(lambda: where, key, raw, "a list", "một danh sách")
            return []
        out = []
        for i, item in enumerate(raw):
            item_where = raw.item_loc(i) if isinstance(raw, RawList) else where
            obj = self.record(cls, item, item_where, f"{key}[{i + 1}]")
            if obj is not None:
                out.append(obj)
        return out

    def _unique(self, objs: list, what: str) -> list:
        return self.unique(objs, lambda o: o.id, f"duplicate {what} id", "trùng mã")

    def unique(self, objs: list, key: Callable[[Any], str], what_en: str, what_vi: str) -> list:
        """`objs` without those whose key was already used, each of those reported (E105)."""
        seen: dict[str, Location] = {}
        out = []
        for obj in objs:
            k = key(obj)
            if k in seen:
                self.report("E105", obj.location, f"{what_en} '{k}' (first at {seen[k]})",
                            f"{what_vi} '{k}' (lần đầu ở {seen[k]})")
                continue
            seen[k] = obj.location
            out.append(obj)
        return out

    def references(self, raw_databases: Any, databases_where: Location, raw_evidence: Any,
                   evidence_where: Location) -> tuple[list[Database], list[EvidenceType]]:
        """The databases and evidence types, known from then on to the procedures built here; `held_in` checked."""
        databases = self.databases_of(raw_databases, databases_where)
        evidence_types = self.evidence_types(raw_evidence, evidence_where)
        self.knowing(databases, evidence_types)
        self.check_held_in(evidence_types)
        return databases, evidence_types

    def knowing(self, databases: Iterable[Database], evidence_types: Iterable[EvidenceType]) -> None:
        """Check the procedures built from now on against these databases and evidence types."""
        self.databases = {d.id for d in databases}
        self.evidence = {e.id: e for e in evidence_types}

    def check_held_in(self, evidence_types: list[EvidenceType]) -> None:
        for e in evidence_types:
            if e.held_in is not None and e.held_in not in self.databases:
                self.report("E106", self.where(e, "held_in"), f"evidence type '{e.id}' is held in unknown database '{e.held_in}'",
                            f"loại giấy tờ '{e.id}' được lưu trong cơ sở dữ liệu không tồn tại '{e.held_in}'")

    def procedure(self, raw: Any, where: Location) -> Procedure | None:
        """A procedure with its defaults resolved and its own references checked.

        One that lacks its code or name is None, but its steps and references
        are still checked, so that every problem of the file is said at once.
        """
        self._raw_of.clear()
        self._first_step = _UNKNOWN
        values, complete = self.values(Procedure, raw, where, "procedure")
        if not isinstance(raw, RawMap):
            return None
        if not complete:
            # Named by its file (or the record's place) where its messages would need its code.
            values = {**dict.fromkeys(_required(Procedure), str(raw.loc())), **values}
        p = self.made(Procedure, values, raw)
        resolved = resolve_procedure(p, self.evidence)
        self._raw_of[id(resolved)] = raw
        for old, new in zip(p.steps + p.documents, resolved.steps + resolved.documents):
            if old is not new and id(old) in self._raw_of:
                self._raw_of[id(new)] = self._raw_of[id(old)]
        p = resolved
        self._check_steps(p)
        self._check_references(p)
        if not complete:
            return None
        if not p.has_volume:
            self.report("W101", p.location,
                        f"{p.code} has no volume: neither volume_per_year nor frequency x population (annual cost counts 0)",
                        f"{p.code} không có số lượng hồ sơ: thiếu volume_per_year hoặc frequency x population (chi phí năm tính bằng 0)")
        if p.online_share > 0 and not any(s.online for s in p.applicant_steps()):
            self.report("W102", self.where(p, "online_share"),
                        f"{p.code} has online_share {p.online_share:g} but no applicant step can be done online",
                        f"{p.code} có online_share {p.online_share:g} nhưng không bước nào của người nộp làm được trực tuyến")
        return p

    def procedure_alone(self, raw: Any, where: Location) -> tuple[Procedure | None, list[Diagnostic]]:
        """`procedure`, with the problems found in it returned instead of kept (procedures can then be built
        in other processes, each bringing its own problems back)."""
        before = len(self.diagnostics)
        p = self.procedure(raw, where)
        found = self.diagnostics[before:]
        del self.diagnostics[before:]
        return p, found

    def _check_steps(self, p: Procedure) -> None:
        ids: dict[str, Step] = {}
        for s in p.steps:
            if s.id in ids:
                self.report("E105", s.location, f"duplicate step id '{s.id}' in {p.code}",
                            f"trùng mã bước '{s.id}' trong {p.code}")
            ids.setdefault(s.id, s)
        broken = set()
        for s in p.steps:
            for before in s.after or ():
                if before not in ids:
                    broken.add(s.id)
                    self.report("E106", self.where(s, "after"), f"step '{s.id}' comes after unknown step '{before}'",
                                f"bước '{s.id}' đứng sau bước không tồn tại '{before}'")
        # The graph of the steps as far as it is known (each id once, known edges only) is checked too.
        steps = tuple(ids.values())
        in_cycle: set[str] = set()
        if not step_graph.in_list_order(steps) and step_graph.topological_order(steps) is None:
            from ..graph import describe_cycle  # networkx only once a problem is found

            cycle = describe_cycle(p)
            in_cycle.update(cycle)
            self.report("E107", ids[cycle[0]].location, f"steps of {p.code} form a cycle: {' -> '.join(cycle)}",
                        f"các bước của {p.code} tạo thành vòng lặp: {' -> '.join(cycle)}")
        # A step after an unknown one may well be reached once that is mended: only what follows from the rest.
        for step_id in step_graph.unreachable(steps, frozenset(broken)):
            if step_id in in_cycle:  # said already
                continue
            self.report("E107", ids[step_id].location,
                        f"step '{step_id}' of {p.code} cannot be reached from the first step '{p.steps[0].id}'",
                        f"bước '{step_id}' của {p.code} không đi tới được từ bước đầu '{p.steps[0].id}'")

    def _check_references(self, p: Procedure) -> None:
        step_ids = {s.id for s in p.steps}
        for d in p.documents:
            if d.evidence not in self.evidence:
                self._unknown_evidence(d.evidence, self.where(d, "evidence"), p.code)
            if d.step is not None and d.step not in step_ids:
                self.report("E106", self.where(d, "step"), f"document '{d.evidence}' is handed in at unknown step '{d.step}'",
                            f"giấy tờ '{d.evidence}' được nộp ở bước không tồn tại '{d.step}'")
        for o in p.outputs:
            if o.evidence not in self.evidence:
                self._unknown_evidence(o.evidence, self.where(o, "evidence"), p.code)
        for w in p.waivers:
            if w.evidence is not None and w.evidence not in self.evidence:
                self._unknown_evidence(w.evidence, self.where(w, "evidence"), p.code)
            if w.step is not None and w.step not in step_ids:
                self.report("E106", self.where(w, "step"), f"waiver names unknown step '{w.step}'",
                            f"miễn trừ nêu bước không tồn tại '{w.step}'")

    def _unknown_evidence(self, evidence: str, where: Location, code: str) -> None:
        close = difflib.get_close_matches(evidence, list(self.evidence), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        hint_vi = f"; có phải ý bạn là '{close[0]}'?" if close else ""
        self.report("E106", where, f"{code} names unknown evidence type '{evidence}'{hint}",
                    f"{code} nêu loại giấy tờ không tồn tại '{evidence}'{hint_vi}")


# Most values of a national catalogue are already what their field wants: a text, a number in range,
# a boolean. For each field, a check that takes such a value as it is; anything else (_INVALID) goes
# through `Builder.convert`, which says what is wrong with it. In a spreadsheet's (`lenient`) records,
# text is already stripped (cells are read so), a whole number is a float and a boolean often a word.
_ACCEPT: dict[tuple[type, bool], dict[str, Callable[[Any], Any]]] = {}


def _acceptors(cls: type, lenient: bool) -> dict[str, Callable[[Any], Any]]:
    found = {}
    for name, f in fields_of(cls).items():
        kind, choices, pattern = f.metadata["kind"], f.metadata["choices"], f.metadata["pattern"]
        if kind in (STR, DATE) and choices and pattern:
            continue
        if kind in (STR, DATE) and choices:
            found[name] = lambda v, choices=choices: v if type(v) is str and v in choices else _INVALID
        elif kind in (STR, DATE) and pattern:
            match = re.compile(pattern).fullmatch
            found[name] = lambda v, match=match: v if type(v) is str and match(v) else _INVALID
        elif kind == STR:
            found[name] = lambda v: v if type(v) is str else _INVALID
        elif kind == NUMBER:
            found[name] = lambda v: float(v) if type(v) in (int, float) and 0 <= v <= MAX_NUMBER else _INVALID
        elif kind == SHARE:
            found[name] = lambda v: float(v) if type(v) in (int, float) and 0 <= v <= 1 else _INVALID
        elif kind == INT:
            found[name] = _whole_number if lenient else _int
        elif kind == BOOL:
            found[name] = _yes_or_no
    _ACCEPT[cls, lenient] = found
    return found


# A procedure's steps and documents are made with the defaults that `resolve_procedure` would give them, where the
# builder knows them already, so that most are made once; it still resolves whatever was not.
_UNKNOWN = object()


def _step_fill(builder: Builder, values: dict[str, Any], built: list) -> dict[str, Any]:
    return step_defaults(values.get("after"), values.get("name"), values["id"], built[-1].id if built else None)


def _document_fill(builder: Builder, values: dict[str, Any], built: list) -> dict[str, Any]:
    first = builder._first_step
    if first is _UNKNOWN:  # documents written before the steps
        return {}
    return document_defaults(values.get("original"), values.get("step"), values.get("name"),
                             values.get("copies", _NO_COPIES), values["evidence"], first, builder.evidence)


_NO_COPIES = fields_of(Document)["copies"].default
_FILLS: dict[type, Callable[[Builder, dict[str, Any], list], dict[str, Any]]] = {Step: _step_fill, Document: _document_fill}


def _int(v: Any) -> Any:
    return v if type(v) is int and 0 <= v <= MAX_NUMBER else _INVALID


def _whole_number(v: Any) -> Any:
    """An int, or a float with nothing after the point, as a spreadsheet writes whole numbers."""
    if type(v) is float and 0 <= v <= MAX_NUMBER and v.is_integer():
        return int(v)
    return _int(v)


def _yes_or_no(v: Any) -> Any:
    """A boolean, or one of the words a spreadsheet says it with (`_boolean`'s, in YAML too)."""
    if type(v) is str:
        return _WORDS.get(v.lower(), _INVALID)
    return v if type(v) is bool else _INVALID


def _item_where(value: Any, i: int, where: Callable[[], Location]) -> Callable[[], Location]:
    if isinstance(value, RawList):
        return lambda: value.item_loc(i)
    return where


class _Invalid:
    __slots__ = ()


_INVALID: Any = _Invalid()

# What a record is, said in Vietnamese; the others are keys (`steps[2]`), the same in both languages.
_WHAT_VI = {"procedure": "thủ tục", "catalog": "danh mục"}

# The key whose value names an object of each class: a duplicate is reported there.
_NAMED_BY = {Procedure: "code", Step: "id", EvidenceType: "id", Database: "id"}


def _number(value: Any, lenient: bool) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if lenient and isinstance(value, str):
        try:
            return float(value.strip().replace(" ", ""))
        except ValueError:
            return None
    return None


def _boolean(value: Any) -> bool | None:
    """True or false, or the words and 1/0 a spreadsheet says them with; the same in YAML, since all three
    forms must give the same model (`essential: có` is true there too)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return _WORDS.get(value.strip().lower())
    return None


_PATTERNS: dict[str, Any] = {}


def _matches(pattern: str, text: str) -> bool:
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        compiled = _PATTERNS[pattern] = re.compile(pattern)
    return compiled.fullmatch(text) is not None  # `$` alone would let a final newline through


_BASELINE_KEYS = dict.fromkeys(("date", *METRICS))

# What each id pattern asks for, said to people.
_PATTERN_WORDS = {
    ID_PATTERN: ("an id of lowercase letters, digits and _", "mã gồm chữ thường, chữ số và _"),
    NAME_PATTERN: ("an id without ';' and without spaces at either end", "mã không chứa ';' và không có khoảng trắng ở hai đầu"),
}

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def is_date(text: str) -> bool:
    """An ISO date (2024-06-30, or with a time), or the day/month/year a Vietnamese text writes (30/06/2024)."""
    try:
        dt.datetime.fromisoformat(text)
        return True
    except ValueError:
        pass
    found = _DAY_MONTH_YEAR.fullmatch(text)
    if found is None:
        return False
    try:
        dt.date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return False
    return True


def check_unique_codes(procedures: list[Procedure], builder: Builder) -> list[Procedure]:
    """Drop and report procedures whose code was already used."""
    return builder.unique(procedures, lambda p: p.code, "duplicate procedure code", "trùng mã thủ tục")