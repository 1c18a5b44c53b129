"""The dotted paths rules read (`procedure.code`, `document.certified`, ...), checked and compiled once.

A path names a field of the model object the rule looks at, or one of the
computed values of analysis.md section 4. Each is compiled into a getter of
a `Context` when a pack is loaded, so an unknown path is a load error and
evaluating a rule is a chain of attribute reads. Lists of model objects are
seen as the ids that name them (`procedure.documents` is the tuple of the
evidence types asked, `procedure.steps` the step ids), legal references as
their numbers, so `contains` and `exists` work on them.
"""

from __future__ import annotations

import difflib
from operator import attrgetter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..catalog.build import fields_of
from ..cost import ProcedureCost
from ..model import LEGAL, Database, Document, EvidenceType, Fee, Procedure, Step
from ..network import Links

TARGETS = ("procedure", "step", "document", "fee")

# Which objects a rule of each target can read (the step of a document is the one it is handed in at).
SCOPES: dict[str, tuple[str, ...]] = {
    "procedure": ("procedure",),
    "step": ("procedure", "step"),
    "document": ("procedure", "step", "document", "evidence", "evidence.database"),
    "fee": ("procedure", "fee"),
}


@dataclass(frozen=True, slots=True)
class Env:
    """What every rule may read about the whole catalogue, computed once per run."""

    links: Links
    costs: dict[str, ProcedureCost]
    kinds: dict[str, str]  # procedure code -> kind


@dataclass(frozen=True, slots=True)
class Context:
    """The object a rule is evaluated on, and everything around it."""

    env: Env
    procedure: Procedure
    step: Step | None = None
    document: Document | None = None
    evidence: EvidenceType | None = None
    database: Database | None = None
    fee: Fee | None = None
    duplicate: bool = False     # the same evidence type was asked earlier in this procedure
    self_issued: bool = False   # this procedure lists the document's evidence type in its outputs
    occurrence: int | None = None  # which document of its evidence type, when the procedure asks for it more than once


Getter = Callable[[Context], Any]


def _consumers(c: Context) -> tuple[str, ...]:
    return c.env.links.consumers.get(c.procedure.code, ())


def _others(codes: tuple[str, ...], code: str) -> tuple[str, ...]:
    # A national catalogue's identity card is issued by many procedures and asked for by thousands, which
    # seldom issue it themselves: then the list is already the others'.
    return tuple(x for x in codes if x != code) if code in codes else codes


# Computed values, by path; each documented for `simplify rule` and the docs.
_COMPUTED: dict[str, tuple[Getter, str]] = {
    "procedure.online_level": (lambda c: c.env.costs[c.procedure.code].online_level, "full, partial or none"),
    "procedure.annual_cost": (lambda c: c.env.costs[c.procedure.code].annual_cost, "VND a year"),
    "procedure.cost_per_dossier": (lambda c: c.env.costs[c.procedure.code].cost_per_dossier, "VND a dossier"),
    "procedure.volume": (lambda c: c.env.costs[c.procedure.code].volume, "dossiers a year"),
    "procedure.consumers": (_consumers, "codes of procedures asking for one of its outputs"),
    "procedure.consumer_kinds": (
        lambda c: tuple(c.env.kinds[x] for x in _consumers(c)), "kind (internal, external) of each consumer"),
    "procedure.suppliers": (
        lambda c: c.env.links.suppliers.get(c.procedure.code, ()), "codes of procedures whose outputs it asks for"),
    "procedure.life_event_suppliers": (
        lambda c: c.env.links.life_event_suppliers.get(c.procedure.code, ()), "suppliers in its life_event"),
    "document.duplicate": (lambda c: c.duplicate, "the same evidence type was asked earlier in the procedure"),
    "document.self_issued": (lambda c: c.self_issued, "the procedure itself issues this evidence type"),
    "evidence.issued_by": (
        lambda c: c.env.links.issued_by.get(c.evidence.id, ()) if c.evidence else (),
        "codes of procedures that list it in outputs"),
    "evidence.issued_by_others": (
        lambda c: _others(c.env.links.issued_by.get(c.evidence.id, ()), c.procedure.code) if c.evidence else (),
        "codes of the other procedures that list it in outputs"),
}


_CLASSES: dict[str, type] = {
    "procedure": Procedure, "step": Step, "document": Document, "evidence": EvidenceType,
    "evidence.database": Database, "fee": Fee,
}
_SLOT = {"procedure": "procedure", "step": "step", "document": "document", "evidence": "evidence",
         "evidence.database": "database", "fee": "fee"}

# How a list of model objects is seen: the id that names each one.
_IDS = {"documents": "evidence", "outputs": "evidence", "steps": "id", "fees": "name", "waivers": "rule"}


def known_paths(target: str) -> list[str]:
    """Every path a rule of `target` may use, in a stable order."""
    out = []
    for scope in SCOPES[target]:
        out += [f"{scope}.{name}" for name in fields_of(_CLASSES[scope])]
        out += [p for p in _COMPUTED if p.rsplit(".", 1)[0] == scope]
    return out


def compile_path(path: str, target: str) -> Getter | tuple[str, str]:
    """A getter for `path` in a rule of `target`, or (en, vi) saying why there is none."""
    computed = _COMPUTED.get(path)
    scope, _, name = path.rpartition(".")
    if scope not in SCOPES[target] or (computed is None and name not in fields_of(_CLASSES[scope])):
        return _unknown(path, target)
    if computed is not None:
        return computed[0]
    # The procedure and the object the rule is on are always there; a document's step, evidence type
    # and database may not be.
    always = scope in ("procedure", target)
    return _field_getter(_SLOT[scope], name, fields_of(_CLASSES[scope])[name], always)


def _unknown(path: str, target: str) -> tuple[str, str]:
    known = known_paths(target)
    close = difflib.get_close_matches(path, known, n=1, cutoff=0.6)
    if close:
        return (f"unknown path '{path}' for a rule on a {target}; did you mean '{close[0]}'?",
                f"đường dẫn không xác định '{path}' cho quy tắc trên {target}; có phải ý bạn là '{close[0]}'?")
    scopes = ", ".join(f"{s}.*" for s in SCOPES[target])
    return (f"unknown path '{path}' for a rule on a {target}; it can read {scopes}",
            f"đường dẫn không xác định '{path}' cho quy tắc trên {target}; quy tắc này đọc được {scopes}")


def _field_getter(slot: str, name: str, f: Any, always: bool) -> Getter:
    read = attrgetter(f"{slot}.{name}")
    if name in _IDS:
        key = attrgetter(_IDS[name])
        get = lambda c: tuple(map(key, read(c)))  # noqa: E731
    elif f.metadata["kind"] == LEGAL:
        get = lambda c: tuple(r.ref for r in read(c))  # noqa: E731
    else:
        get = read
    # Rules read millions of fields of a national catalogue: no guard where the object cannot be missing.
    return get if always else lambda c: _absent_as_none(c, get)


def _absent_as_none(c: Context, read: Getter) -> Any:
    """A field of an object the context lacks (a document's database, say) reads as None."""
    try:
        return read(c)
    except AttributeError:
        return None


def computed_paths() -> dict[str, str]:
    """The computed paths and what each holds."""
    return {path: doc for path, (_, doc) in _COMPUTED.items()}
