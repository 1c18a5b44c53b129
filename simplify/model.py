"""The catalogue model: frozen dataclasses for everything a catalogue holds.

The field definitions here are the single source of truth for the format:
the readers (YAML and Excel) validate against them, the JSON Schema is
generated from them, the writers order keys by them and leave out values
equal to their defaults. Static defaults sit on the fields; the defaults that
depend on other values (a document's `original`, a step's `after`, ...) are
resolved in one place, `resolve_procedure`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from collections.abc import Callable
from operator import attrgetter
from typing import Any


@dataclass(frozen=True, slots=True)
class Location:
    """Where an object was read: file, line and column, or sheet and cell."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        if self.sheet is not None:
            return f"{self.file}:{self.sheet}!{self.cell}" if self.cell else f"{self.file}:{self.sheet}"
        parts = [self.file or "-"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def sort_key(self) -> tuple:
        return (self.file or "", self.sheet or "", self.line or 0, _cell_order(self.cell), self.column or 0)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "sheet": self.sheet, "cell": self.cell}


def _cell_order(cell: str | None) -> tuple[int, int]:
    """Row-major order of an A1 reference, so C12 sorts after D3."""
    if not cell:
        return (0, 0)
    letters = cell.rstrip("0123456789")
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch) - 64)
    digits = cell[len(letters):]
    return (int(digits) if digits else 0, col)


NOWHERE = Location()

# Field kinds understood by the readers, the schema generator and the writers.
STR, INT, NUMBER, SHARE, BOOL, DATE = "str", "int", "number", "share", "bool", "date"
STRLIST, LEGAL = "strlist", "legal"

ACTORS = ("applicant", "agency")
KINDS = ("external", "internal")
SUBJECTS = ("citizen", "business", "agency")
LEVELS = ("central", "province", "district", "commune")
CHANNELS = ("online", "counter", "post")
ID_PATTERN = r"^[a-z0-9_]+$"
# Step and database ids: the spec fixes no form, so any name a list cell can hold (no ';', the workbook's
# list separator) with no spaces at either end; `nộp_hồ_sơ`, `Bước 1` and `CSDL-dan-cu` are all ids.
NAME_PATTERN = r"^[^;\s](?:[^;\r\n\t]*[^;\s])?$"


def spec(
    default: Any = None,
    *,
    kind: str = STR,
    required: bool = False,
    choices: tuple[str, ...] | None = None,
    pattern: str | None = None,
    vi: str | None = None,
    doc: str = "",
    item: type | None = None,
    written: bool = True,
) -> Any:
    """A dataclass field carrying the format's metadata for that key."""
    meta = {
        "kind": kind,
        "required": required,
        "choices": choices,
        "pattern": pattern,
        "vi": vi,
        "doc": doc,
        "item": item,
        "written": written,
    }
    if isinstance(default, (list, dict, set)):
        raise TypeError("mutable defaults are not allowed")
    return field(default=default, metadata=meta)


def format_fields(cls: type) -> list:
    """The fields of `cls` that are keys of the file format, in the spec's order."""
    return [f for f in fields(cls) if "kind" in f.metadata]


@dataclass(frozen=True, slots=True)
class LegalRef:
    """A legal basis: a bare reference or a reference with its details."""

    ref: str = spec(required=True, doc="Number of the legal document, e.g. 60/2014/QH13")
    title: str | None = spec(doc="Its title, e.g. Luật Hộ tịch")
    date: str | None = spec(kind=DATE, doc="Date it was issued")
    issuer: str | None = spec(doc="Who issued it")
    location: Location = field(default=NOWHERE, compare=False)

    def __str__(self) -> str:
        return f"{self.ref} {self.title}" if self.title else self.ref


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a procedure (trình tự thực hiện)."""

    id: str = spec(required=True, pattern=NAME_PATTERN, doc="Unique in the procedure")
    name: str | None = spec(vi="Tên bước", doc="What the step is; default: its id")
    actor: str = spec("applicant", choices=ACTORS, doc="Who does it")
    hours: float = spec(0.0, kind=NUMBER, doc="Applicant's own working time, hours")
    cost: float = spec(0.0, kind=NUMBER, doc="Applicant's out-of-pocket cost, VND")
    days: float = spec(0.0, kind=NUMBER, doc="Elapsed calendar days")
    in_person: bool = spec(False, kind=BOOL, doc="Needs presence at an office when done offline")
    in_person_basis: str | None = spec(doc="Legal basis that requires presence even online")
    online: bool = spec(False, kind=BOOL, doc="Can be done online")
    after: tuple[str, ...] | None = spec(kind=STRLIST, doc="Steps that must finish first; default the previous step")
    location: Location = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Document:
    """A document the applicant must hand in (thành phần hồ sơ)."""

    evidence: str = spec(required=True, doc="An evidence type id")
    name: str | None = spec(vi="Tên giấy tờ", doc="Default: the evidence type's name")
    original: int | None = spec(kind=INT, vi="Bản chính", doc="Originals handed in; default 1 when copies is 0, else 0")
    copies: int = spec(0, kind=INT, vi="Bản sao", doc="Copies handed in")
    certified: bool = spec(False, kind=BOOL, doc="The copies must be certified (chứng thực)")
    pages: int = spec(1, kind=INT, doc="Pages per copy")
    hours: float = spec(0.0, kind=NUMBER, doc="Applicant time to fill in or obtain it")
    cost: float = spec(0.0, kind=NUMBER, doc="Other cash to obtain it, VND")
    step: str | None = spec(doc="Step at which it is handed in; default the first applicant step")
    required_by: str | None = spec(doc="Legal basis for asking it")
    location: Location = field(default=NOWHERE, compare=False)

    @property
    def certified_copy(self) -> bool:
        """At least one certified copy is handed in: a trip to have it certified, and paper."""
        return self.certified and self.copies >= 1


@dataclass(frozen=True, slots=True)
class Fee:
    """A fee or charge (phí, lệ phí)."""

    name: str = spec(required=True, doc="Name of the fee")
    amount: float = spec(0.0, kind=NUMBER, vi="Phí, lệ phí", doc="VND per dossier, offline")
    online_amount: float | None = spec(kind=NUMBER, doc="VND when done online; default: amount")
    payable_online: bool = spec(False, kind=BOOL, doc="Can be paid online")
    location: Location = field(default=NOWHERE, compare=False)

    @property
    def amount_online(self) -> float:
        return self.amount if self.online_amount is None else self.online_amount


@dataclass(frozen=True, slots=True)
class Output:
    """An evidence type a procedure issues."""

    evidence: str = spec(required=True, doc="An evidence type id")
    location: Location = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Waiver:
    """A finding examined and kept on purpose."""

    rule: str = spec(required=True, doc="Rule code, e.g. DOC001")
    evidence: str | None = spec(doc="Narrows the waiver to one document")
    step: str | None = spec(doc="Narrows the waiver to one step")
    reason: str | None = spec(doc="Why the finding is kept")
    location: Location = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Procedure:
    """An administrative procedure (thủ tục hành chính)."""

    code: str = spec(required=True, vi="Mã TTHC", doc="Unique code; quote it in YAML")
    name: str = spec(required=True, vi="Tên thủ tục", doc="Name in Vietnamese")
    name_en: str | None = spec(doc="Name in English")
    kind: str = spec("external", choices=KINDS, doc="external (citizens, businesses) or internal (between state bodies)")
    subject: str | None = spec(choices=SUBJECTS, doc="Who applies; default citizen, agency when internal")
    level: str | None = spec(choices=LEVELS, vi="Cấp thực hiện", doc="Implementing level")
    ministry: str | None = spec(doc="Ministry in charge")
    agency: str | None = spec(vi="Cơ quan thực hiện", doc="Implementing agency")
    sector: str | None = spec(vi="Lĩnh vực", doc="Sector")
    life_event: str | None = spec(doc="Groups procedures a person meets together")
    essential: bool = spec(False, kind=BOOL, doc="One of the essential online services")
    online_eligible: bool = spec(True, kind=BOOL, doc="May be offered fully online")
    volume_per_year: float | None = spec(kind=NUMBER, doc="Dossiers a year")
    frequency: float | None = spec(kind=NUMBER, doc="Times a year one subject does it")
    population: float | None = spec(kind=NUMBER, doc="Subjects a year")
    online_share: float = spec(0.0, kind=SHARE, doc="Share of dossiers done online, 0..1")
    legal_basis: tuple[LegalRef, ...] = spec((), kind=LEGAL, vi="Căn cứ pháp lý", doc="Legal bases")
    fees: tuple[Fee, ...] = spec((), kind="list", item=Fee, doc="Fees and charges")
    steps: tuple[Step, ...] = spec((), kind="list", item=Step, doc="Steps, in order")
    documents: tuple[Document, ...] = spec((), kind="list", item=Document, doc="Required documents")
    outputs: tuple[Output, ...] = spec((), kind="list", item=Output, doc="Evidence types it issues")
    channels: tuple[str, ...] = spec(("counter",), kind=STRLIST, choices=CHANNELS, doc="Channels offered")
    waivers: tuple[Waiver, ...] = spec((), kind="list", item=Waiver, doc="Findings kept on purpose")
    location: Location = field(default=NOWHERE, compare=False)

    @property
    def volume(self) -> float:
        """Dossiers a year: volume_per_year, else frequency x population, else 0."""
        if self.volume_per_year is not None:
            return float(self.volume_per_year)
        if self.frequency is not None and self.population is not None:
            return float(self.frequency) * float(self.population)
        return 0.0

    @property
    def has_volume(self) -> bool:
        return self.volume_per_year is not None or (self.frequency is not None and self.population is not None)

    def applicant_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.actor == "applicant")


@dataclass(frozen=True, slots=True)
class EvidenceType:
    """A kind of document a procedure can ask for or issue."""

    id: str = spec(required=True, pattern=ID_PATTERN, doc="Unique id")
    name: str = spec(required=True, doc="Name in Vietnamese")
    name_en: str | None = spec(doc="Name in English")
    held_in: str | None = spec(doc="Id of a database that holds its data")
    location: Location = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Database:
    """A national or sector database that holds data."""

    id: str = spec(required=True, pattern=NAME_PATTERN, doc="Unique id")
    name: str = spec(required=True, doc="Name in Vietnamese")
    connected: bool = spec(False, kind=BOOL, doc="Agencies can query it today")
    legal_basis: str | None = spec(doc="Legal basis of the database")
    location: Location = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class CatalogInfo:
    """The keys of catalog.yaml."""

    name: str = spec(required=True, doc="Name of the catalogue")
    version: str | None = spec(doc="The catalogue's own version label")
    jurisdiction: str | None = spec(doc="e.g. Việt Nam, a province")
    baseline: tuple[tuple[str, Any], ...] = spec((), kind="baseline", doc="Figures the targets are measured against")
    location: Location = field(default=NOWHERE, compare=False)

    def baseline_value(self, metric: str) -> float | None:
        for key, value in self.baseline:
            if key == metric and key != "date":
                return value
        return None


@dataclass(frozen=True, slots=True)
class Catalog:
    """A whole catalogue: its info, evidence types, databases and procedures."""

    info: CatalogInfo
    evidence_types: tuple[EvidenceType, ...] = ()
    databases: tuple[Database, ...] = ()
    procedures: tuple[Procedure, ...] = ()
    path: str = ""

    @property
    def name(self) -> str:
        return self.info.name

    def procedure(self, code: str) -> Procedure | None:
        for p in self.procedures:
            if p.code == code:
                return p
        return None

    def evidence_index(self) -> dict[str, EvidenceType]:
        return {e.id: e for e in self.evidence_types}

    def database_index(self) -> dict[str, Database]:
        return {d.id: d for d in self.databases}

    def with_procedures(self, procedures: tuple[Procedure, ...]) -> Catalog:
        return replace(self, procedures=procedures)


def evolve(obj: Any, **changes: Any) -> Any:
    """A copy of a frozen model object with some fields changed.

    `dataclasses.replace` re-inspects the class on every call; this runs for
    every step and document of a national catalogue, so it copies the slots
    directly. The model classes have no __post_init__ to skip.
    """
    cls = type(obj)
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = (attrgetter(*cls.__slots__), {name: i for i, name in enumerate(cls.__slots__)})
    values = list(fields[0](obj))
    for name, value in changes.items():
        values[fields[1][name]] = value
    return maker(cls)(*values)


# Per class: a getter of all its fields at once (a tuple: every model class has at least two) and each one's place.
_FIELDS: dict[type, tuple[attrgetter, dict[str, int]]] = {}
_MAKERS: dict[type, Callable[..., Any]] = {}


def maker(cls: type) -> Callable[..., Any]:
    """A function making a `cls` (a frozen dataclass with slots) from all its fields, in order.

    Unpickling and evolving make millions of model objects; the frozen
    __init__ sets each field through object.__setattr__, and setting the
    slots directly, in code written out for the class (as dataclasses
    writes __init__), takes 40% less time.
    """
    made = _MAKERS.get(cls)
    if made is None:
        env: dict[str, Any] = {"new": object.__new__, "cls": cls}
        names = []
        for i, name in enumerate(cls.__slots__):
            env[f"set{i}"] = getattr(cls, name).__set__
            names.append(f"v{i}")
        body = "".join(f"    set{i}(o, v{i})\n" for i in range(len(names)))
        exec(f"def make({', '.join(names)}):\n    o = new(cls)\n{body}    return o\n", env)
        made = _MAKERS[cls] = env["make"]
    return made


def shown_name(obj: Procedure | EvidenceType, lang: str) -> str:
    """The name of a procedure or an evidence type in `lang` where the catalogue has it, else in Vietnamese."""
    return obj.name_en if lang == "en" and obj.name_en else obj.name


def first_applicant_step(steps: tuple[Step, ...]) -> str | None:
    for s in steps:
        if s.actor == "applicant":
            return s.id
    return None


def resolve_procedure(p: Procedure, evidence: dict[str, EvidenceType]) -> Procedure:
    """Apply every default of the spec that depends on other values."""
    steps = []
    for s in p.steps:
        missing = step_defaults(s.after, s.name, s.id, steps[-1].id if steps else None)
        steps.append(evolve(s, **missing) if missing else s)
    first = first_applicant_step(steps)
    documents = []
    for d in p.documents:
        missing = document_defaults(d.original, d.step, d.name, d.copies, d.evidence, first, evidence)
        documents.append(evolve(d, **missing) if missing else d)
    subject = p.subject or ("agency" if p.kind == "internal" else "citizen")
    return evolve(p, steps=tuple(steps), documents=tuple(documents), subject=subject)


def step_defaults(after: tuple[str, ...] | None, name: str | None, step_id: str, previous: str | None) -> dict[str, Any]:
    """The values a step without them takes by default: after the step before it (`previous`), named by its id."""
    missing: dict[str, Any] = {}
    if after is None:
        missing["after"] = (previous,) if previous is not None else ()
    if name is None:
        missing["name"] = step_id
    return missing


def document_defaults(original: int | None, step: str | None, name: str | None, copies: int, evidence_id: str,
                      first_step: str | None, evidence: dict[str, EvidenceType]) -> dict[str, Any]:
    """The values a document without them takes by default: one original when no copy is asked, handed in
    at the first applicant step, named as its evidence type."""
    missing: dict[str, Any] = {}
    if original is None:
        missing["original"] = 1 if copies == 0 else 0
    if step is None:
        missing["step"] = first_step
    if name is None:
        missing["name"] = evidence[evidence_id].name if evidence_id in evidence else evidence_id
    return missing
