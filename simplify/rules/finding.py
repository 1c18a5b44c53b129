"""A finding: one rule matched on one procedure, document, step or fee, with its measure and saving."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..measures import Measure
from ..model import Location


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
