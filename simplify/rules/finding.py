"""A finding: one rule matched on one procedure, document, step or fee, with its measure and saving; and the
findings of an analysis, kept by procedure."""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from ..measures import Measure
from ..model import Location, maker


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule found, where it is written, and what fixing it would save a year."""

    rule: str
    name: str
    severity: str                 # error | warning | info
    procedure: str
    step: str | None
    evidence: str | None
    fee: str | None
    message_vi: str
    message_en: str
    annual_saving: float          # catalogue annual cost before minus after this one measure (0 without one)
    waived: bool
    location: Location            # of the document, step, fee or procedure it is about
    measure: Measure | None

    def message(self, lang: str = "vi") -> str:
        return self.message_vi if lang == "vi" else self.message_en

    def key(self) -> tuple:
        """Matches the same finding across versions of a catalogue, whatever line it moved to."""
        return (self.rule, self.procedure, self.evidence or self.step or self.fee)

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        """The finding as the JSON contract of cli.md writes it."""
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity,
            "procedure": self.procedure,
            "step": self.step,
            "evidence": self.evidence,
            "fee": self.fee,
            "message": self.message(lang),
            "annual_saving": self.annual_saving,
            "waived": self.waived,
            "location": self.location.to_dict(),
        }


class Part:
    """One procedure's findings in order, the objects or the bytes they were pickled to, and what their measures
    do to it.

    `key` is what the analysis cache keyed them by (None when they were not
    cached): the JSON cache keeps their JSON under the same key. `before` is
    the procedure's metric row (`metrics.metric_row`) and `after` the row after
    the sets and removals its unwaived findings suggest, None when they change
    nothing; `reaching` the merges and abolitions they suggest (see
    `rules.engine.projected_metrics`).
    """

    __slots__ = ("procedure", "count", "waived", "key", "before", "after", "reaching", "_findings", "_blob", "_json")

    def __init__(self, procedure: str, count: int, waived: int, key: bytes | None, before: tuple | None,
                 after: tuple | None, reaching: tuple[Measure, ...], findings: tuple[Finding, ...] | None,
                 blob: bytes | None, json: tuple[str, bool, bytes] | None = None):
        # The arguments are the slots in order: the cache's unpickler sets them directly (model.maker).
        self.procedure, self.count, self.waived, self.key = procedure, count, waived, key
        self.before, self.after, self.reaching = before, after, reaching
        self._findings, self._blob, self._json = findings, blob, json

    @classmethod
    def of(cls, procedure: str, findings: tuple[Finding, ...]) -> Part:
        return cls(procedure, len(findings), sum(f.waived for f in findings), None, None, None, (), findings, None)

    def findings(self) -> tuple[Finding, ...]:
        if self._findings is None:
            from ..catalog.cache import load_trusted

            self._findings = tuple(map(_unpacked, load_trusted(self._blob)))
        return self._findings

    def blob(self) -> bytes:
        """The findings pickled, as the analysis cache writes them."""
        if self._blob is None:
            self._blob = pickle.dumps([_packed(f) for f in self._findings], pickle.HIGHEST_PROTOCOL)
        return self._blob

    def json(self, lang: str, show_waived: bool) -> bytes:
        """The reported findings as compact JSON, the objects joined by commas (a piece of the audit's list)."""
        if self._json is not None and self._json[:2] == (lang, show_waived):
            return self._json[2]
        import orjson

        return b",".join(orjson.dumps(f.to_dict(lang)) for f in self.reported(show_waived))

    def prepared(self, lang: str, show_waived: bool, text: bytes) -> None:
        """Keep `text`, what `json(lang, show_waived)` gives, made where the findings were found."""
        self._json = (lang, show_waived, text)

    def reported(self, show_waived: bool) -> tuple[Finding, ...]:
        found = self.findings()
        return found if show_waived or not self.waived else tuple(f for f in found if not f.waived)


# A finding is pickled as a tuple of plain values, its location and measure as tuples in it: pickle writes
# those in C, where each model object would cost a call of Python (a national catalogue has 150,000 findings).
_LOCATION = attrgetter(*Location.__slots__)
_MEASURE = attrgetter(*Measure.__slots__[:-1])  # all but the location, which is last
_FINDING = attrgetter(*Finding.__slots__[:-2])  # all but the location and the measure, which are last
_make_location = maker(Location)
_make_measure = maker(Measure)
_make_finding = maker(Finding)


def _packed(f: Finding) -> tuple:
    m = f.measure
    return (*_FINDING(f), _LOCATION(f.location), None if m is None else (*_MEASURE(m), _LOCATION(m.location)))


def _unpacked(t: tuple) -> Finding:
    m = t[-1]
    measure = None if m is None else _make_measure(*m[:-1], _make_location(*m[-1]))
    return _make_finding(*t[:-2], _make_location(*t[-2]), measure)


class Findings(Sequence):
    """Every finding of an analysis, by procedure (in code order), then rule and location.

    Kept as one `Part` per procedure with findings: read from the analysis
    cache they stay pickled until looked at, so a warm audit written as JSON
    (from the JSON cache) never makes a national catalogue's 150,000 objects.
    """

    __slots__ = ("parts", "source", "_all")

    def __init__(self, parts: Iterable[Part] = (), source: str | None = None):
        self.parts = tuple(p for p in parts if p.count)
        self.source = source  # the name of the analysis cache files they came from or went to
        self._all: tuple[Finding, ...] | None = None

    def all(self) -> tuple[Finding, ...]:
        if self._all is None:
            self._all = tuple(f for part in self.parts for f in part.findings())
        return self._all

    def __len__(self) -> int:
        return sum(p.count for p in self.parts)

    def __getitem__(self, index):
        return self.all()[index]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.all())

    def reported_count(self, show_waived: bool) -> int:
        return sum(p.count if show_waived else p.count - p.waived for p in self.parts)
